/*
 * handler_review — case-file review over HTTP (CONTRACT §6):
 *
 *   POST /api/v1/cases      a JSON array of cases → 201 {"registered": N, "cases": [ids]};
 *                           atomic like POST /api/v1/encounters; an agency
 *                           key registers only its own agency's cases
 *   GET  /api/v1/quality    the same JSON as `manyi quality`; an agency key
 *                           sees its own agency's group beside the overall row
 *   GET  /api/v1/agreement  the same JSON as `manyi review agreement` (evaluator)
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "params.h"
#include "quality.h"
#include "review.h"

/* A refused case: its index and why, as a 4xx JSON error; returns status. */
static int case_error(struct http_response *r, int status, size_t index, const char *msg)
{
	return app_element_error(r, status, "invalid", "case", index, msg);
}

/* Check and store every case of the parsed body in the open transaction:
 * 0, or the status of the error answered. */
static int store_cases(struct app *a, struct http_response *r, const struct principal *p,
                       struct case_in *in, const char **error, size_t n, cJSON *ids)
{
	char msg[512];
	for (size_t i = 0; i < n; i++) {
		struct case_file c;
		if (error[i] != NULL)
			return case_error(r, 422, i, error[i]);
		if (p->role == ROLE_AGENCY && in[i].agency == NULL)
			in[i].agency = p->agency;
		if (p->role == ROLE_AGENCY && strcmp(in[i].agency, p->agency) != 0)
			return case_error(r, 403, i, "an agency key registers only its own agency's cases");
		if (!case_parse(&in[i], &c, msg, sizeof msg))
			return case_error(r, 422, i, msg);
		enum store_err se = case_store(a->store, &c, NULL, msg, sizeof msg);
		if (se != STORE_OK) /* a broken rule is the client's; busy or worse is not */
			return se == STORE_ERR_CONSTRAINT ? case_error(r, 422, i, msg)
			                                  : app_store_failure_json(a, r, se);
		cJSON_AddItemToArray(ids, cJSON_CreateString(c.id));
	}
	return 0;
}

/* POST /api/v1/cases */
int app_api_cases(struct app *a, const struct http_request *req, struct http_response *r,
                  const char *rest)
{
	struct principal p;
	struct sbuf body;
	cJSON *root = NULL, *out = NULL;
	struct case_in *in = NULL;
	const char **error = NULL;
	size_t n = 0;
	bool count_bad;
	char msg[128];
	int status;

	(void)rest;
	sbuf_init(&body);
	if ((status = app_require_key(a, req, r, &p)) != 0)
		goto done;
	if (!app_media_type_is(req->content_type, "application/json")) {
		http_json_error(r, status = 415, "unsupported_media_type",
		                "send the cases as Content-Type: application/json", NULL);
		goto done;
	}
	if ((status = http_read_body(req, CASES_MAX_BYTES, &body)) != 0) {
		http_json_error(r, status, status == 413 ? "too_large" : "bad_request",
		                status == 413 ? "the body is larger than 4 MiB; send fewer cases at a time"
		                              : "the body could not be read in full", NULL);
		goto done;
	}
	if (!cases_parse(body.data, body.len, &root, &in, &error, &n, &count_bad)) {
		snprintf(msg, sizeof msg, "send 1 to %d cases at a time", CASES_MAX_COUNT);
		http_json_error(r, status = count_bad ? 422 : 400, count_bad ? "invalid" : "malformed",
		                count_bad ? msg : "the body must be a JSON array of cases", NULL);
		goto done;
	}
	enum store_err se = store_begin(a->store);
	if (se != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	out = cJSON_CreateObject();
	cJSON *ids = cJSON_AddArrayToObject(out, "cases");
	if ((status = store_cases(a, r, &p, in, error, n, ids)) != 0) {
		store_rollback(a->store);
		goto done;
	}
	snprintf(msg, sizeof msg, "%zu cases", n);
	if ((se = store_audit(a->store, p.key_id, "register cases", NULL, msg)) != STORE_OK ||
	    (se = store_commit(a->store)) != STORE_OK) {
		store_rollback(a->store);
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	cJSON_AddNumberToObject(out, "registered", (double)n);
	http_json(r, status = 201, out);
	out = NULL;
done:
	cJSON_Delete(out);
	cJSON_Delete(root);
	free(in);
	free(error);
	sbuf_free(&body);
	return status;
}

/* The reply to a quality figure's computation st (the JSON in r's body when
 * QUALITY_OK; msg says why otherwise): its status. */
static int quality_reply(struct app *a, const struct http_request *req, struct http_response *r,
                         enum quality_status st, const char *msg)
{
	if (st != QUALITY_OK)
		sbuf_reset(&r->body);
	switch (st) {
	case QUALITY_OK:
		break;
	case QUALITY_BAD_QUERY:
		http_json_error(r, 404, "not_found", msg, NULL);
		return 404;
	case QUALITY_EMPTY:
		http_json_error(r, 409, "no_data", msg, NULL);
		return 409;
	case QUALITY_NO_DATA:
		http_json_error(r, 422, "cannot_estimate", msg, NULL);
		return 422;
	case QUALITY_BUSY:
		return app_store_failure_json(a, r, STORE_ERR_BUSY);
	default:
		return app_store_failure_json(a, r, STORE_ERR_SQL);
	}
	r->content_type = "application/json; charset=utf-8";
	return app_etag_reply(req, r, 200);
}

/* GET /api/v1/quality */
int app_api_quality(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest)
{
	const struct params *pa = req->params;
	struct principal p;
	char msg[512];
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	struct quality_query q = {
		.survey = pa->survey,
		.by = (enum quality_by)pa->quality_by,
		.from = pa->given[PARAM_FROM] ? pa->from : NULL,
		.to = pa->given[PARAM_TO] ? pa->to : NULL,
		.level = pa->level,
	};
	/* An agency sees its own agency's group and the overall benchmark. */
	if (p.role == ROLE_AGENCY) {
		q.by = QUALITY_BY_AGENCY;
		q.only_agency = p.agency;
	}
	sbuf_reset(&r->body);
	return quality_reply(a, req, r, quality_report(a->store, &q, &r->body, msg, sizeof msg), msg);
}

/* An evaluator's figure of the rubric ?survey= (fn writes its JSON): the
 * reply, after the key or session is checked (forbidden says why others may not). */
static int evaluator_figure(struct app *a, const struct http_request *req, struct http_response *r,
                            const char *forbidden,
                            enum quality_status (*fn)(struct store *s, const char *survey,
                                                      struct sbuf *out, char *msg, size_t msglen))
{
	struct principal p;
	char msg[512];
	int status;

	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	if (p.role != ROLE_EVALUATOR) {
		http_json_error(r, 403, "forbidden", forbidden, NULL);
		return 403;
	}
	sbuf_reset(&r->body);
	return quality_reply(a, req, r, fn(a->store, req->params->survey, &r->body, msg, sizeof msg), msg);
}

/* GET /api/v1/agreement: the same JSON as `manyi review agreement`; evaluator keys only. */
int app_api_agreement(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest)
{
	(void)rest;
	return evaluator_figure(a, req, r, "the reviewers' agreement is the evaluator's",
	                        quality_agreement);
}

/* The progress as JSON (quality_progress() without csv). */
static enum quality_status progress_json(struct store *s, const char *survey, struct sbuf *out,
                                         char *msg, size_t msglen)
{
	return quality_progress(s, survey, false, out, msg, msglen);
}

/* GET /api/v1/review/progress: the JSON of `manyi review progress`; the evaluator's. */
int app_api_review_progress(struct app *a, const struct http_request *req, struct http_response *r,
                            const char *rest)
{
	(void)rest;
	return evaluator_figure(a, req, r, "the review's progress is the evaluator's", progress_json);
}
