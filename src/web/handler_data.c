/*
 * handler_data — what dashboards read: stats, publications, surveys and the
 * registry (GET /api/v1/...); see app_internal.h.  Their queries are
 * parsed and checked before they run (req->params; the keys are listed in
 * app.c's route table).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "encounter.h"
#include "params.h"
#include "publish.h"
#include "progress.h"
#include "rates.h"
#include "report.h"

int app_report_failure(struct app *a, struct http_response *r, enum report_status st,
                       const char *msg)
{
	int status;
	switch (st) {
	case REPORT_OK:
		return 0;
	case REPORT_BAD_QUERY:
		http_json_error(r, status = 400, "bad_request", msg, NULL);
		return status;
	case REPORT_NO_SURVEY:
		http_json_error(r, status = 404, "not_found", msg, NULL);
		return status;
	case REPORT_NO_DATA:
		http_json_error(r, status = 422, "cannot_estimate", msg, NULL);
		return status;
	case REPORT_EMPTY:
		http_json_error(r, status = 409, "no_data", msg, NULL);
		return status;
	case REPORT_BUSY:
		sbuf_reset(&r->body);
		return app_store_failure_json(a, r, STORE_ERR_BUSY);
	default:
		sbuf_reset(&r->body);
		return app_store_failure_json(a, r, STORE_ERR_SQL);
	}
}

/*
 * Run the report into r's body, as JSON or (csv) CSV; the status (200 with
 * an ETag, or an error).  suppress: as published (groups under the
 * threshold hidden, with secondary suppression), for agency keys (JSON
 * only).
 */
static int stats_reply(struct app *a, const struct http_request *req, struct http_response *r,
                       const struct report_query *q, bool suppress, bool csv)
{
	char msg[512];
	int version;
	const struct survey *sv;
	enum store_err e = app_survey(a, q->survey, &sv, &version);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	}
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	sbuf_reset(&r->body);
	int status = app_report_failure(a, r, report_run(a->store, q, csv, &r->body, msg, sizeof msg), msg);
	if (status != 0)
		return status;
	if (suppress) {
		struct sbuf raw = r->body;
		sbuf_init(&r->body);
		if (!publish_suppress(raw.data, raw.len, NULL, &r->body)) {
			sbuf_free(&raw);
			fprintf(stderr, "manyi: stats: the report did not suppress\n");
			return app_store_failure_json(a, r, STORE_ERR_SQL);
		}
		sbuf_free(&raw);
	}
	if (csv) {
		char disposition[128];
		snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-stats.csv\"", q->survey);
		http_header(r, "Content-Disposition", disposition);
	}
	r->content_type = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
	return app_etag_reply(req, r, 200);
}

/* GET /api/v1/stats: the same JSON (or, with format=csv, CSV) as `manyi stats`. */
int app_api_stats(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest)
{
	struct principal p;
	struct report_query q;
	struct params_error err;
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	params_report_query(req->params, &q);
	/* An agency sees its own agency's groups (and the overall benchmark). */
	if (p.role == ROLE_AGENCY && !params_agency_scope(&q, p.agency, &err))
		return app_params_error(r, &err);
	bool csv = req->params->given[PARAM_TABLE_FORMAT] && req->params->csv;
	if (p.role == ROLE_AGENCY && csv) {
		/* Its figures come suppressed as published, which the JSON carries. */
		http_json_error(r, 403, "forbidden", "format=csv is for evaluator keys: an agency key's "
		                "figures come as JSON, suppressed as published", NULL);
		return 403;
	}
	return stats_reply(a, req, r, &q, p.role == ROLE_AGENCY, csv);
}

/*
 * The reply of a fieldwork route whose figures (JSON in r->body) came with
 * e: 200 with an ETag, 404 for an unknown survey, or the store's failure.
 */
static int fieldwork_reply(struct app *a, const struct http_request *req, struct http_response *r,
                           enum rates_err e)
{
	if (e != RATES_OK)
		sbuf_reset(&r->body);
	switch (e) {
	case RATES_OK:
		break;
	case RATES_NOT_FOUND:
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	case RATES_BUSY:
		return app_store_failure_json(a, r, STORE_ERR_BUSY);
	default:
		return app_store_failure_json(a, r, STORE_ERR_SQL);
	}
	r->content_type = "application/json; charset=utf-8";
	return app_etag_reply(req, r, 200);
}

/*
 * GET /api/v1/fieldwork: the same JSON as `manyi fieldwork`.  An agency key
 * sees its own agency's group (by agency, whatever it asked) beside the
 * overall benchmark, as with the statistics, and no other agency's.
 */
int app_api_fieldwork(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest)
{
	struct principal p;
	char msg[512];
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	struct rates_query q = {.survey = req->params->survey, .by_agency = req->params->by_agency};
	if (p.role == ROLE_AGENCY) {
		q.by_agency = true;
		q.only_agency = p.agency;
	}
	sbuf_reset(&r->body);
	return fieldwork_reply(a, req, r, rates_report(a->store, &q, false, &r->body, msg, sizeof msg));
}

/*
 * GET /api/v1/fieldwork/progress: the same JSON as `manyi fieldwork
 * --progress`.  An agency key sees its own agency's row (and warning)
 * beside the overall row, and no other agency's.
 */
int app_api_fieldwork_progress(struct app *a, const struct http_request *req, struct http_response *r,
                               const char *rest)
{
	const struct params *pa = req->params;
	struct principal p;
	char msg[512];
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	struct progress_query q = {
		.survey = pa->survey,
		.from = pa->given[PARAM_FROM] ? pa->from : NULL,
		.to = pa->given[PARAM_TO] ? pa->to : NULL,
		.threshold = pa->low_n,
		.target = pa->given[PARAM_TARGET] ? pa->target : -1,
		.until = pa->given[PARAM_UNTIL] ? pa->until : NULL,
		.only_agency = p.role == ROLE_AGENCY ? p.agency : NULL,
		.now = time(NULL),
	};
	sbuf_reset(&r->body);
	return fieldwork_reply(a, req, r, progress_report(a->store, &q, false, &r->body, msg, sizeof msg));
}

/*
 * GET /api/v1/public/stats: what the evaluator published (`manyi publish`)
 * for this query, to anyone: frozen figures, small groups suppressed; the
 * latest version, or ?version=N.
 */
int app_api_public_stats(struct app *a, const struct http_request *req,
                              struct http_response *r, const char *rest)
{
	struct report_query q;
	char msg[160];
	long version = req->params->given[PARAM_VERSION] ? req->params->version : 0;
	int versions;

	(void)rest;
	params_report_query(req->params, &q);
	sbuf_reset(&r->body);
	enum store_err e = publish_get(a->store, &q, (int)version, &versions, &r->body);
	if (e == STORE_ERR_NOTFOUND && versions == 0) {
		http_json_error(r, 404, "not_published",
		                "nothing has been published for this query; see /api/v1/public/publications", NULL);
		return 404;
	}
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, sizeof msg, "version: this query has %d published version%s (1 to %d)",
		         versions, versions == 1 ? "" : "s", versions);
		http_json_error(r, 404, "no_such_version", msg, NULL);
		return 404;
	}
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	r->content_type = "application/json; charset=utf-8";
	return app_etag_reply(req, r, 200);
}

/* GET /api/v1/public/publications?survey=ID: what has been published, each query with its versions. */
int app_api_publications(struct app *a, const struct http_request *req,
                              struct http_response *r, const char *rest)
{
	const char *survey = req->params->survey;
	(void)rest;
	sbuf_reset(&r->body);
	enum store_err e = publish_list(a->store, survey, &r->body);
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	r->content_type = "application/json; charset=utf-8";
	return app_etag_reply(req, r, 200);
}

/* GET /api/v1/surveys: every survey's latest version, title and audience. */
int app_api_surveys(struct app *a, const struct http_request *req, struct http_response *r,
                         const char *rest)
{
	char **ids = NULL;
	size_t n = 0;
	(void)rest;
	enum store_err e = store_survey_ids(a->store, &ids, &n);
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		int version;
		const struct survey *sv = NULL;
		/* A survey that went (or does not parse) is left out; a database
		 * that cannot say fails the whole list, not part of it. */
		if (e == STORE_OK && (e = app_survey(a, ids[i], &sv, &version)) == STORE_ERR_NOTFOUND)
			e = STORE_OK;
		if (sv != NULL) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "id", sv->id);
			cJSON_AddNumberToObject(o, "version", version);
			cJSON_AddStringToObject(o, "audience", audience_name(sv->audience));
			cJSON *t = cJSON_AddObjectToObject(o, "title");
			cJSON_AddStringToObject(t, "zh", sv->title.s[LANG_ZH]);
			cJSON_AddStringToObject(t, "en", sv->title.s[LANG_EN]);
			cJSON_AddItemToArray(arr, o);
		}
		free(ids[i]);
	}
	free(ids);
	if (e != STORE_OK) {
		cJSON_Delete(arr);
		return app_store_failure_json(a, r, e);
	}
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "surveys", arr);
	http_json(r, 200, root);
	return app_etag_reply(req, r, 200);
}

/* GET /api/v1/surveys/{id}: the latest definition as registered, with its version. */
int app_api_survey(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest)
{
	int version;
	const struct survey *sv;
	enum store_err e = app_survey(a, rest, &sv, &version);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	}
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "version", version);
	cJSON_AddItemToObject(root, "definition", cJSON_Parse(sv->canonical));
	http_json(r, 200, root);
	return app_etag_reply(req, r, 200);
}

/* The names of a registry list as [{code, name: {zh, en}}]. */
static cJSON *registry_json(const struct registry_list *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < l->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", l->v[i].code);
		cJSON *nm = cJSON_AddObjectToObject(o, "name");
		cJSON_AddStringToObject(nm, "zh", l->v[i].name[LANG_ZH]);
		cJSON_AddStringToObject(nm, "en", l->v[i].name[LANG_EN]);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* To each agency of arr (registry_json's) that has pairs, its "domains": [codes]. */
static void registry_add_domains(cJSON *arr, const struct agency_domain_list *pairs)
{
	cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "code"));
		cJSON *list = NULL;
		for (size_t i = 0; code != NULL && i < pairs->n; i++) {
			if (strcmp(pairs->v[i].agency, code) != 0)
				continue;
			if (list == NULL)
				list = cJSON_AddArrayToObject(o, "domains");
			cJSON_AddItemToArray(list, cJSON_CreateString(pairs->v[i].domain));
		}
	}
}

/*
 * GET /api/v1/registry: agencies (with the domains each enforces, when
 * known) and domains in both languages, and the fixed code lists.
 */
int app_api_registry(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest)
{
	struct registry_list ag = {0}, dom = {0};
	struct agency_domain_list pairs = {0};
	static const char *const sizes[] = {"large", "medium", "small", "micro", "household"};
	static const char *const outcomes[] = {"no_violation", "corrected", "warning", "fined", "other"};
	(void)rest;
	enum store_err e;
	if ((e = store_registry_list(a->store, REGISTRY_AGENCY, &ag)) != STORE_OK ||
	    (e = store_registry_list(a->store, REGISTRY_DOMAIN, &dom)) != STORE_OK ||
	    (e = store_agency_domain_list(a->store, &pairs)) != STORE_OK) {
		registry_list_free(&ag);
		registry_list_free(&dom);
		return app_store_failure_json(a, r, e);
	}
	cJSON *root = cJSON_CreateObject();
	cJSON *agencies = registry_json(&ag);
	registry_add_domains(agencies, &pairs);
	cJSON_AddItemToObject(root, "agencies", agencies);
	cJSON_AddItemToObject(root, "domains", registry_json(&dom));
	cJSON_AddItemToObject(root, "sizes", cJSON_CreateStringArray(sizes, 5));
	cJSON_AddItemToObject(root, "outcomes", cJSON_CreateStringArray(outcomes, 5));
	cJSON_AddItemToObject(root, "channels", cJSON_CreateStringArray(response_channels, RESPONSE_CHANNELS));
	agency_domain_list_free(&pairs);
	registry_list_free(&ag);
	registry_list_free(&dom);
	http_json(r, 200, root);
	return app_etag_reply(req, r, 200);
}
