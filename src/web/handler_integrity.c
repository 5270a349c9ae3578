/*
 * handler_integrity — the review queue of flagged answers (docs/integrity.md),
 * the evaluator's:
 *
 *   GET  /api/v1/integrity/flags?survey=&agency=&code=&state=&from=&to=
 *        the flagged answers, grouped by agency, by rule and by group
 *   POST /api/v1/integrity/decisions {"responses": [ids], "action": "keep|exclude",
 *        "reason": "..."}   all or none, each decision audited
 *   GET  /api/v1/integrity/evidence?survey=  evidence of pressure per agency
 */
#include "app_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "integrity.h"
#include "integrity_evidence.h"
#include "integrity_report.h"
#include "session.h"
#include "util.h"

#define DECISIONS_MAX_BYTES 65536
#define DECISIONS_MAX 1000

/* The evaluator's key, or the status answered (401, 403). */
static int evaluator(struct app *a, const struct http_request *req, struct http_response *r,
                     struct principal *p)
{
	int status = app_require_key(a, req, r, p);
	if (status != 0)
		return status;
	if (p->role != ROLE_EVALUATOR) {
		http_json_error(r, 403, "forbidden", "the review queue is the evaluator's", NULL);
		return 403;
	}
	return 0;
}

/* GET /api/v1/integrity/flags */
int app_api_integrity_flags(struct app *a, const struct http_request *req,
                            struct http_response *r, const char *rest)
{
	struct principal p;
	char survey[72], agency[72], code[32], state[16], from[16], to[16];
	enum integrity_code c;
	enum integrity_state st;
	int status;
	(void)rest;
	if ((status = evaluator(a, req, r, &p)) != 0)
		return status;
	struct integrity_query q = {.code = -1, .state = -1};
	if (http_query_has(req->query, "survey")) {
		if (!http_query_get(req->query, "survey", survey, sizeof survey) || !slug_valid(survey))
			return app_bad_param(r, "survey", "a survey id: [a-z0-9-]{1,64}");
		q.survey = survey;
	}
	if (http_query_has(req->query, "agency")) {
		if (!http_query_get(req->query, "agency", agency, sizeof agency) || !code_valid(agency))
			return app_bad_param(r, "agency", "an agency code: [A-Za-z0-9_.-]{1,64}");
		q.agency = agency;
	}
	if (http_query_has(req->query, "code")) {
		if (!http_query_get(req->query, "code", code, sizeof code) || !integrity_code_parse(code, &c))
			return app_bad_param(r, "code", "one of speed, straightline, burst, agency_network, early, "
			                     "late or device");
		q.code = (int)c;
	}
	if (http_query_has(req->query, "state")) {
		if (!http_query_get(req->query, "state", state, sizeof state) ||
		    !integrity_state_parse(state, &st))
			return app_bad_param(r, "state", "open, kept or excluded");
		q.state = (int)st;
	}
	if (http_query_has(req->query, "from")) {
		if (!http_query_get(req->query, "from", from, sizeof from) || !date_valid(from))
			return app_bad_param(r, "from", "a date, YYYY-MM-DD");
		q.from = from;
	}
	if (http_query_has(req->query, "to")) {
		if (!http_query_get(req->query, "to", to, sizeof to) || !date_valid(to))
			return app_bad_param(r, "to", "a date, YYYY-MM-DD");
		q.to = to;
	}
	sbuf_reset(&r->body);
	enum store_err e = integrity_queue_json(a->store, &q, &r->body);
	if (e != STORE_OK) {
		sbuf_reset(&r->body);
		return app_store_failure_json(a, r, e);
	}
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	http_header(r, "Cache-Control", "private, no-store");
	return 200;
}

/* The decisions' body into its parts; 0 or the status answered (400 naming the field). */
static int decisions_parse(struct http_response *r, const cJSON *root, const cJSON **ids,
                           bool *exclude, const char **reason)
{
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(root, "action");
	const cJSON *why = cJSON_GetObjectItemCaseSensitive(root, "reason");
	*ids = cJSON_GetObjectItemCaseSensitive(root, "responses");
	if (!cJSON_IsObject(root))
		return app_bad_param(r, "body", "an object: {\"responses\": [...], \"action\", \"reason\"}");
	if (!cJSON_IsArray(*ids) || cJSON_GetArraySize(*ids) < 1 ||
	    cJSON_GetArraySize(*ids) > DECISIONS_MAX)
		return app_bad_param(r, "responses", "an array of 1 to 1000 answer ids");
	const cJSON *id;
	cJSON_ArrayForEach(id, *ids)
	{
		if (!cJSON_IsString(id) || strlen(id->valuestring) == 0 || strlen(id->valuestring) >= 32)
			return app_bad_param(r, "responses", "an array of answer ids (strings, as the queue gives them)");
	}
	if (!cJSON_IsString(action) ||
	    (strcmp(action->valuestring, "keep") != 0 && strcmp(action->valuestring, "exclude") != 0))
		return app_bad_param(r, "action", "keep or exclude");
	if (!cJSON_IsString(why) || *why->valuestring == '\0' || strlen(why->valuestring) > 1000 ||
	    utf8_has_controls(why->valuestring, strlen(why->valuestring)))
		return app_bad_param(r, "reason", "a reason, 1 to 1000 characters of text (it is audited)");
	*exclude = strcmp(action->valuestring, "exclude") == 0;
	*reason = why->valuestring;
	return 0;
}

/* POST /api/v1/integrity/decisions */
int app_api_integrity_decisions(struct app *a, const struct http_request *req,
                                struct http_response *r, const char *rest)
{
	struct principal p;
	struct sbuf body;
	cJSON *root = NULL;
	const cJSON *ids = NULL, *id;
	const char *reason = NULL;
	bool exclude = false;
	char actor[80];
	int status;
	(void)rest;
	sbuf_init(&body);
	if ((status = evaluator(a, req, r, &p)) != 0)
		goto done;
	if ((status = app_json_body(req, r, DECISIONS_MAX_BYTES, "the decisions", &body)) != 0)
		goto done;
	if ((root = cJSON_ParseWithLength(body.data, body.len)) == NULL) {
		http_json_error(r, status = 400, "malformed", "the body is not JSON", NULL);
		goto done;
	}
	if ((status = decisions_parse(r, root, &ids, &exclude, &reason)) != 0)
		goto done;
	session_actor(&p, actor, sizeof actor);
	enum store_err e = store_begin(a->store);
	const char *failed = NULL;
	cJSON_ArrayForEach(id, ids)
	{
		if (e != STORE_OK)
			break;
		e = integrity_decide(a->store, id->valuestring, exclude, reason, actor);
		if (e != STORE_OK)
			failed = id->valuestring;
	}
	if (e == STORE_OK)
		e = store_commit(a->store);
	if (e != STORE_OK) {
		store_rollback(a->store);
		char msg[200];
		if (e == STORE_ERR_NOTFOUND || e == STORE_ERR_CONSTRAINT) {
			snprintf(msg, sizeof msg, "%s %s; nothing was decided", failed,
			         e == STORE_ERR_NOTFOUND ? "is no flagged answer" : "is excluded already");
			http_json_error(r, status = e == STORE_ERR_NOTFOUND ? 404 : 409,
			                e == STORE_ERR_NOTFOUND ? "not_found" : "conflict", msg, NULL);
		} else {
			status = app_store_failure_json(a, r, e);
		}
		goto done;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "action", exclude ? "exclude" : "keep");
	cJSON_AddNumberToObject(o, "decided", cJSON_GetArraySize(ids));
	cJSON_AddItemToObject(o, "responses", cJSON_Duplicate(ids, true));
	http_json(r, status = 200, o);
	http_header(r, "Cache-Control", "no-store");
done:
	cJSON_Delete(root);
	sbuf_free(&body);
	return status;
}

/* GET /api/v1/integrity/evidence?survey=&weighting=base|none&from=&to= */
int app_api_integrity_evidence(struct app *a, const struct http_request *req,
                               struct http_response *r, const char *rest)
{
	struct principal p;
	char survey[72], weighting[16], from[16], to[16], msg[512];
	enum stats_weighting w = STATS_W_BASE;
	int status;
	(void)rest;
	if ((status = evaluator(a, req, r, &p)) != 0)
		return status;
	if (!http_query_get(req->query, "survey", survey, sizeof survey) || !slug_valid(survey))
		return app_bad_param(r, "survey", "required: a survey id, [a-z0-9-]{1,64}");
	if (http_query_has(req->query, "weighting") &&
	    (!http_query_get(req->query, "weighting", weighting, sizeof weighting) ||
	     !stats_weighting_parse(weighting, &w) || (w != STATS_W_BASE && w != STATS_W_NONE)))
		return app_bad_param(r, "weighting", "base or none");
	bool has_from = http_query_has(req->query, "from"), has_to = http_query_has(req->query, "to");
	if (has_from && (!http_query_get(req->query, "from", from, sizeof from) || !date_valid(from)))
		return app_bad_param(r, "from", "a date, YYYY-MM-DD");
	if (has_to && (!http_query_get(req->query, "to", to, sizeof to) || !date_valid(to)))
		return app_bad_param(r, "to", "a date, YYYY-MM-DD");
	sbuf_reset(&r->body);
	enum report_status st = integrity_evidence_json(a->store, survey, w, has_from ? from : NULL,
	                                                has_to ? to : NULL, &r->body, msg, sizeof msg);
	if (st != REPORT_OK) {
		sbuf_reset(&r->body);
		return app_report_failure(a, r, st, msg);
	}
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	http_header(r, "Cache-Control", "private, no-store");
	return 200;
}
