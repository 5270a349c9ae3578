/*
 * handler_data — what dashboards read: stats, publications, surveys and the
 * registry (GET /api/v1/...); see app_internal.h.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "encounter.h"
#include "publish.h"
#include "report.h"

/* The query strings of a stats request; q points into it. */
struct stats_params {
	char survey[72], measure[72], by[64], weighting[16], from[16], to[16], level[32], low_n[16];
	struct report_query q;
};

/*
 * Parse ?survey=&measure=&by=&weighting=&from=&to=&level=&low_n=; 0 or the
 * status answered.  A parameter too long, undecodable or malformed is 400
 * naming it, never read as absent.
 */
static int stats_params_parse(const struct http_request *req, struct http_response *r,
                              struct stats_params *sp)
{
	struct report_query *q = &sp->q;
	char msg[256];
	int status;
	report_query_default(q);
	if ((status = app_query_survey(req, r, true, sp->survey, sizeof sp->survey)) != 0 ||
	    (status = app_query_text(req, r, "measure", sp->measure, sizeof sp->measure)) != 0 ||
	    (status = app_query_text(req, r, "by", sp->by, sizeof sp->by)) != 0 ||
	    (status = app_query_text(req, r, "weighting", sp->weighting, sizeof sp->weighting)) != 0 ||
	    (status = app_query_text(req, r, "from", sp->from, sizeof sp->from)) != 0 ||
	    (status = app_query_text(req, r, "to", sp->to, sizeof sp->to)) != 0 ||
	    (status = app_query_text(req, r, "level", sp->level, sizeof sp->level)) != 0 ||
	    (status = app_query_text(req, r, "low_n", sp->low_n, sizeof sp->low_n)) != 0)
		return status;
	q->survey = sp->survey;
	if (*sp->measure) {
		if (!ident_valid(sp->measure)) /* an item id, or index */
			return app_bad_param(r, "measure", "an item id ([a-z][a-z0-9_], 1-64) or index");
		q->measure = sp->measure;
	}
	if (*sp->by && !report_parse_by(sp->by, q, msg, sizeof msg)) {
		http_json_error(r, 400, "bad_request", msg, NULL);
		return 400;
	}
	if (*sp->weighting && !stats_weighting_parse(sp->weighting, &q->weighting))
		return app_bad_param(r, "weighting", "none, base, poststrat or rake");
	if (*sp->from) {
		if (!date_valid(sp->from))
			return app_bad_param(r, "from", "a date written YYYY-MM-DD");
		q->from = sp->from;
	}
	if (*sp->to) {
		if (!date_valid(sp->to))
			return app_bad_param(r, "to", "a date written YYYY-MM-DD");
		q->to = sp->to;
	}
	if (q->from != NULL && q->to != NULL && strcmp(q->from, q->to) > 0)
		return app_bad_param(r, "from", "after to: the period ends before it starts");
	if (*sp->level) {
		char *end;
		q->level = strtod(sp->level, &end);
		if (*end != '\0' || !(q->level > 0 && q->level < 1))
			return app_bad_param(r, "level", "a number between 0 and 1");
	}
	if (*sp->low_n) {
		long v;
		if (!parse_long(sp->low_n, 0, 1000000, &v))
			return app_bad_param(r, "low_n", "a whole number from 0 to 1000000");
		q->low_n = (double)v;
	}
	return 0;
}

/*
 * Run the report into r's body; the status (200 with an ETag, or an error).
 * suppress: as published (groups under the threshold hidden, with
 * secondary suppression), for agency keys.
 */
static int stats_reply(struct app *a, const struct http_request *req, struct http_response *r,
                       const struct report_query *q, bool suppress)
{
	char msg[512];
	int version;
	if (app_survey(a, q->survey, &version) == NULL) {
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	}
	sbuf_reset(&r->body);
	switch (report_run(a->store, q, false, &r->body, msg, sizeof msg)) {
	case REPORT_OK:
		break;
	case REPORT_BAD_QUERY:
		http_json_error(r, 400, "bad_request", msg, NULL);
		return 400;
	case REPORT_NO_DATA:
		http_json_error(r, 422, "cannot_estimate", msg, NULL);
		return 422;
	case REPORT_EMPTY:
		http_json_error(r, 409, "no_data", msg, NULL);
		return 409;
	default:
		return app_store_failure_json(a, r, STORE_ERR_SQL);
	}
	if (suppress) {
		struct sbuf raw = r->body;
		sbuf_init(&r->body);
		if (!publish_suppress(raw.data, raw.len, NULL, &r->body)) {
			sbuf_free(&raw);
			return app_store_failure_json(a, r, STORE_ERR_SQL);
		}
		sbuf_free(&raw);
	}
	r->content_type = "application/json; charset=utf-8";
	return app_etag_reply(req, r, 200);
}

/* Is day (YYYY-MM-DD, valid) the first, or the last, of its month? */
static bool month_start(const char *day)
{
	return strcmp(day + 8, "01") == 0;
}

static bool month_end(const char *day)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = atoi(day), m = atoi(day + 5), d = atoi(day + 8);
	int last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d == last;
}

/*
 * What an agency key may ask, beyond its own groups: whole months, the
 * publication threshold or more, and no column that narrows a group to a
 * few known enterprises (district, outcome, channel).  0, or 403 answered.
 */
static int agency_limits(struct http_response *r, struct report_query *q)
{
	for (size_t i = 0; i < q->nby; i++) {
		if (q->by[i] == BY_DISTRICT || q->by[i] == BY_OUTCOME || q->by[i] == BY_CHANNEL) {
			http_json_error(r, 403, "forbidden",
			                "an agency key groups by domain, size, month, quarter or year: district, "
			                "outcome and channel could single out the enterprises it inspected", NULL);
			return 403;
		}
	}
	if ((q->from != NULL && !month_start(q->from)) || (q->to != NULL && !month_end(q->to))) {
		http_json_error(r, 403, "forbidden",
		                "an agency key asks for whole months: from the first day of a month to the "
		                "last day of a month", NULL);
		return 403;
	}
	if (q->low_n < PUBLISH_DEFAULT_LOW_N)
		q->low_n = PUBLISH_DEFAULT_LOW_N;
	return 0;
}

/* GET /api/v1/stats: the same JSON as `manyi stats`. */
int app_api_stats(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest)
{
	struct principal p;
	struct stats_params sp;
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0 || (status = stats_params_parse(req, r, &sp)) != 0)
		return status;
	/* An agency sees its own agency's groups (and the overall benchmark). */
	if (p.role == ROLE_AGENCY) {
		struct report_query *q = &sp.q;
		bool has = false;
		for (size_t i = 0; i < q->nby; i++)
			has |= q->by[i] == BY_AGENCY;
		if (!has) {
			if (q->nby == REPORT_MAX_BY) {
				http_json_error(r, 403, "forbidden",
				                "an agency key groups by agency and at most one more column", NULL);
				return 403;
			}
			memmove(q->by + 1, q->by, q->nby * sizeof q->by[0]);
			q->by[0] = BY_AGENCY;
			q->nby++;
		}
		q->only_agency = p.agency;
		if ((status = agency_limits(r, q)) != 0)
			return status;
	}
	return stats_reply(a, req, r, &sp.q, p.role == ROLE_AGENCY);
}

/*
 * GET /api/v1/public/stats: what the evaluator published (`manyi publish`)
 * for this query, to anyone: frozen figures, small groups suppressed; the
 * latest version, or ?version=N.
 */
int app_api_public_stats(struct app *a, const struct http_request *req,
                              struct http_response *r, const char *rest)
{
	struct stats_params sp;
	char vbuf[16], msg[160];
	long version = 0;
	int status, versions;

	(void)rest;
	if ((status = stats_params_parse(req, r, &sp)) != 0 ||
	    (status = app_query_text(req, r, "version", vbuf, sizeof vbuf)) != 0)
		return status;
	if (*vbuf && !parse_long(vbuf, 1, 1000000000, &version))
		return app_bad_param(r, "version", "a publication's version, a whole number from 1");
	sbuf_reset(&r->body);
	enum store_err e = publish_get(a->store, &sp.q, (int)version, &versions, &r->body);
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
	char survey[72];
	int status;
	(void)rest;
	if ((status = app_query_survey(req, r, true, survey, sizeof survey)) != 0)
		return status;
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
	if (store_survey_ids(a->store, &ids, &n) != STORE_OK)
		return app_store_failure_json(a, r, STORE_ERR_SQL);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		int version;
		const struct survey *sv = app_survey(a, ids[i], &version);
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
	const struct survey *sv = app_survey(a, rest, &version);
	if (sv == NULL) {
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	}
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

/* GET /api/v1/registry: agencies and domains in both languages, and the fixed code lists. */
int app_api_registry(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest)
{
	struct registry_list ag = {0}, dom = {0};
	static const char *const sizes[] = {"large", "medium", "small", "micro", "household"};
	static const char *const outcomes[] = {"no_violation", "corrected", "warning", "fined", "other"};
	(void)rest;
	if (store_registry_list(a->store, REGISTRY_AGENCY, &ag) != STORE_OK ||
	    store_registry_list(a->store, REGISTRY_DOMAIN, &dom) != STORE_OK) {
		registry_list_free(&ag);
		return app_store_failure_json(a, r, STORE_ERR_SQL);
	}
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "agencies", registry_json(&ag));
	cJSON_AddItemToObject(root, "domains", registry_json(&dom));
	cJSON_AddItemToObject(root, "sizes", cJSON_CreateStringArray(sizes, 5));
	cJSON_AddItemToObject(root, "outcomes", cJSON_CreateStringArray(outcomes, 5));
	cJSON_AddItemToObject(root, "channels", cJSON_CreateStringArray(response_channels, RESPONSE_CHANNELS));
	registry_list_free(&ag);
	registry_list_free(&dom);
	http_json(r, 200, root);
	return app_etag_reply(req, r, 200);
}
