/*
 * route — the route table and app_handle(): which handler serves a path
 * and method, the query keys parsed before it runs, CORS, the submissions'
 * reject counts, the overload answer; and the two routes of its own,
 * /healthz and /metrics.
 */
#include "app_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "params.h"
#include "store.h"

/* GET /healthz */
static int h_healthz(struct app *a, const struct http_request *req,
                     struct http_response *r, const char *rest)
{
	(void)req;
	(void)rest;
	cJSON *o = cJSON_CreateObject();
	bool ok = store_ping(a->store) == STORE_OK;
	cJSON_AddStringToObject(o, "status", ok ? "ok" : "unavailable");
	http_json(r, ok ? 200 : 503, o);
	http_header(r, "Cache-Control", "no-store");
	return r->status;
}

/* GET /metrics: Prometheus text, for scrapers on this machine only. */
static int h_metrics(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest)
{
	(void)a;
	(void)rest;
	if (strcmp(req->remote_addr, "127.0.0.1") != 0 && strcmp(req->remote_addr, "::1") != 0) {
		http_json_error(r, 403, "forbidden", "metrics are served to this machine only", NULL);
		return 403;
	}
	sbuf_reset(&r->body);
	metrics_render(&r->body);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	http_header(r, "Cache-Control", "no-store");
	return 200;
}


/*
 * The query keys of a route's GET (params.h; the statistics' and the
 * export's are params_stats_keys and params_export_keys, which the command
 * line takes too): app_handle() parses and checks them before the handler
 * runs, which reads req->params.  Keys not listed are ignored.
 */
#define O PARAM_OPTIONAL
#define R PARAM_REQUIRED
static const struct params_keys publications_keys = {.need = {[PARAM_SURVEY] = R}};
static const struct params_keys responses_keys = {.need = {
	[PARAM_SURVEY] = R, [PARAM_AGENCY] = O, [PARAM_DOMAIN] = O, [PARAM_CHANNEL] = O,
	[PARAM_FROM] = O, [PARAM_TO] = O, [PARAM_LIMIT] = O, [PARAM_CURSOR] = O,
	[PARAM_Q] = O, [PARAM_TEXT] = O,
}};
static const struct params_keys no_keys = {.need = {0}};
#undef O
#undef R

/*
 * The routes: a path (exact) or prefix (ending in '/'), per method, and the
 * query keys of GET.  query NULL: the handler reads its query itself (the
 * form, and the answer and invitation routes of handler_api.c, for now).
 */
static const struct route {
	const char *name;    /* for logs and metrics */
	const char *path;
	bool prefix;
	bool json;           /* errors as JSON rather than HTML */
	handler_fn get;
	handler_fn post;
	const struct params_keys *query; /* GET's (and HEAD's) keys */
	bool keyed;          /* GET needs a key: without a good one, a bad query is 401, not 400 */
} routes[] = {
	{"landing", "/", false, false, app_landing, NULL, NULL, false},
	{"healthz", "/healthz", false, true, h_healthz, NULL, &no_keys, false},
	{"metrics", "/metrics", false, true, h_metrics, NULL, &no_keys, false},
	{"form", "/s/", true, false, app_form_get, app_form_post, NULL, false},
	{"followup_public", "/followup", false, false, app_followup_get, app_followup_post, NULL, false},
	{"api_responses", "/api/v1/responses", false, true, app_api_responses_list, app_api_responses,
	 &responses_keys, true},
	{"api_export", "/api/v1/export", false, true, app_api_export, NULL, &params_export_keys, true},
	{"api_encounters", "/api/v1/encounters", false, true, NULL, app_api_encounters, NULL, true},
	{"api_encounter", "/api/v1/encounters/", true, true, app_api_encounter, app_api_encounter_post, NULL,
	 true},
	{"api_invitations", "/api/v1/invitations", false, true, NULL, app_api_invitations, NULL, true},
	{"api_notices", "/api/v1/notices", false, true, app_api_notices, NULL, NULL, true},
	{"api_stats", "/api/v1/stats", false, true, app_api_stats, NULL, &params_stats_table_keys, true},
	{"api_cases", "/api/v1/cases", false, true, NULL, app_api_cases, NULL, true},
	{"api_duties", "/api/v1/duties", false, true, NULL, app_api_duties, NULL, true},
	{"api_performance", "/api/v1/performance", false, true, NULL, app_api_performance, NULL, true},
	{"api_quality", "/api/v1/quality", false, true, app_api_quality, NULL, &params_quality_keys, true},
	{"api_agreement", "/api/v1/agreement", false, true, app_api_agreement, NULL, &publications_keys, true},
	{"api_fieldwork", "/api/v1/fieldwork", false, true, app_api_fieldwork, NULL, &params_fieldwork_keys, true},
	{"api_fieldwork_progress", "/api/v1/fieldwork/progress", false, true, app_api_fieldwork_progress,
	 NULL, &params_progress_keys, true},
	{"api_public_stats", "/api/v1/public/stats", false, true, app_api_public_stats, NULL,
	 &params_public_stats_keys, false},
	{"api_publications", "/api/v1/public/publications", false, true, app_api_publications, NULL,
	 &publications_keys, false},
	{"api_evaluations", "/api/v1/public/evaluations", true, true, app_api_evaluations, NULL, &no_keys, false},
	{"api_evaluation", "/api/v1/evaluations/", true, true, app_api_evaluation_preview, NULL, &no_keys, true},
	{"api_surveys", "/api/v1/surveys", false, true, app_api_surveys, NULL, &no_keys, false},
	{"api_survey", "/api/v1/surveys/", true, true, app_api_survey, NULL, &no_keys, false},
	{"api_registry", "/api/v1/registry", false, true, app_api_registry, NULL, &no_keys, false},
	{"signin", "/signin", false, false, app_signin_get, app_signin_post, NULL, false},
	{"signout", "/signout", false, false, NULL, app_signout, NULL, false},
	{"api_session", "/api/v1/session", false, true, app_api_session, NULL, &no_keys, false},
	{"review", "/review", true, false, app_review_get, app_review_post, NULL, false},
	{"api_review_progress", "/api/v1/review/progress", false, true, app_api_review_progress, NULL,
	 &publications_keys, true},
	{"complaint", "/complaint", false, false, app_complaint_get, app_complaint_post, NULL, false},
	{"complaint_sub", "/complaint/", true, false, app_complaint_sub_get, app_complaint_sub_post, NULL, false},
	{"api_complaint_categories", "/api/v1/complaint-categories", false, true, app_api_complaint_categories,
	 NULL, NULL, false},
	{"api_complaints", "/api/v1/complaints", false, true, app_api_complaints, NULL, NULL, true},
	{"api_complaint", "/api/v1/complaints/", true, true, app_api_complaint, app_api_complaint_post, NULL, true},
	{"officers", "/officers", false, false, app_officers_page, NULL, NULL, false},
	{"api_officers", "/api/v1/officers", false, true, NULL, app_api_officers, NULL, true},
	{"api_officers_stats", "/api/v1/officers/stats", false, true, app_api_officer_stats, NULL,
	 &params_officer_stats_keys, true},
	{"api_public_officers", "/api/v1/public/officers", false, true, app_api_public_officers, NULL, NULL,
	 false},
	{"api_integrity_flags", "/api/v1/integrity/flags", false, true, app_api_integrity_flags, NULL, NULL,
	 true},
	{"api_integrity_decisions", "/api/v1/integrity/decisions", false, true, NULL,
	 app_api_integrity_decisions, NULL, true},
	{"api_integrity_evidence", "/api/v1/integrity/evidence", false, true, app_api_integrity_evidence,
	 NULL, NULL, true},
	{"api_followups", "/api/v1/followups", false, true, app_api_followups, NULL, NULL, true},
	{"api_followup", "/api/v1/followups/", true, true, app_api_followup, app_api_followup_post, NULL, true},
	{"api_followup_indicators", "/api/v1/followup/indicators", false, true,
	 app_api_followup_indicators, NULL, NULL, true},
};

/*
 * CORS for the API: an Origin listed in $MANYI_CORS_ORIGINS (comma
 * separated, or "*") is allowed to read responses.
 */
static bool cors_allowed(const char *origin)
{
	const char *list = getenv("MANYI_CORS_ORIGINS");
	if (origin == NULL || *origin == '\0' || list == NULL || *list == '\0')
		return false;
	if (strcmp(list, "*") == 0)
		return true;
	size_t n = strlen(origin);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ", ");
		if (len == n && strncmp(p, origin, n) == 0)
			return true;
		p += len;
	}
	return false;
}

static void cors_headers(const struct http_request *req, struct http_response *r, bool preflight)
{
	if (strncmp(req->path, "/api/", 5) != 0 || !cors_allowed(req->origin) ||
	    strpbrk(req->origin, "\r\n") != NULL)
		return;
	http_header(r, "Access-Control-Allow-Origin", req->origin);
	http_header(r, "Vary", "Origin");
	if (preflight) {
		http_header(r, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
		http_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match, Idempotency-Key");
		http_header(r, "Access-Control-Max-Age", "600");
	} else {
		http_header(r, "Access-Control-Expose-Headers", "ETag, Retry-After, Content-Disposition, Manyi-Warning, Idempotent-Replayed");
	}
}

/* The route serving path, or NULL. */
static const struct route *route_find(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		const struct route *rt = &routes[i];
		size_t n = strlen(rt->path);
		if (rt->prefix ? strncmp(path, rt->path, n) == 0 : strcmp(path, rt->path) == 0)
			return rt;
	}
	return NULL;
}

/* Is this request a submission (an answer to store)? */
static bool is_submission(const struct route *rt, const char *method)
{
	return rt != NULL && strcmp(method, "POST") == 0 &&
	       (rt->post == app_form_post || rt->post == app_api_responses);
}

/* Count a submission that was not stored, by the status it got. */
static void count_reject(int status)
{
	static const struct { int status; enum reject why; } map[] = {
		{400, REJECT_MALFORMED}, {403, REJECT_CSRF}, {404, REJECT_TOKEN_UNKNOWN},
		{409, REJECT_TOKEN_USED}, {410, REJECT_TOKEN_EXPIRED}, {413, REJECT_TOO_LARGE},
		{415, REJECT_MEDIA_TYPE}, {422, REJECT_INVALID}, {429, REJECT_THROTTLED},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].status == status)
			metrics_reject(map[i].why);
}

void app_handle(struct app *a, const struct http_request *req, struct http_response *r)
{
	enum lang l = app_query_lang(req->query);
	bool is_api = strncmp(req->path, "/api/", 5) == 0;

	const struct route *rt = route_find(req->path);
	if (rt == NULL) {
		if (is_api)
			http_json_error(r, 404, "not_found", "no such route", NULL);
		else
			app_page(r, 404, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_PAGE);
		return;
	}
	const char *rest = req->path + strlen(rt->path);
	r->route = rt->name;
	if (rt->get != h_healthz && rt->get != h_metrics) /* probes never wait on a write */
		app_followup_purge_due(a, time(NULL));
	if (strcmp(req->method, "OPTIONS") == 0 && rt->json) {
		r->status = 204;
		cors_headers(req, r, true);
		return;
	}
	cors_headers(req, r, false);
	bool head = strcmp(req->method, "HEAD") == 0;
	handler_fn fn = NULL;
	if (strcmp(req->method, "GET") == 0 || head)
		fn = rt->get;
	else if (strcmp(req->method, "POST") == 0)
		fn = rt->post;
	if (fn == NULL) {
		char allow[48];
		snprintf(allow, sizeof allow, "%s%s%s", rt->get ? "GET, HEAD" : "",
		         rt->get && rt->post ? ", " : "", rt->post ? "POST" : "");
		if (rt->json)
			http_json_error(r, 405, "method_not_allowed", "method not allowed on this route", NULL);
		else
			app_page(r, 405, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_PAGE);
		http_header(r, "Allow", allow);
		return;
	}
	/* The query, parsed once against the route's keys, before any handler
	 * work; a bad value is 400 naming its key (401 first where a key is
	 * needed and none good is sent: the handler would check it first). */
	struct params p;
	struct params_error err;
	struct principal who;
	struct http_request with = *req;
	if (fn == rt->get && rt->query != NULL) {
		if (!params_parse_query(&p, rt->query, req->query, strlen(req->query), &err)) {
			if (!rt->keyed || app_check_key(a, req, r, &who) == 0)
				app_params_error(r, &err);
			r->head_only = head;
			return;
		}
		with.params = &p;
	}
	r->status = fn(a, &with, r, rest);
	if (is_submission(rt, req->method))
		count_reject(r->status);
	/* The head only: the body stays for its Content-Length (the same as
	 * GET's) and is not sent; a streamed body (an export), whose length is
	 * unknown until it runs, is not run. */
	r->head_only = head;
}

void app_overloaded(const struct http_request *req, struct http_response *r)
{
	const struct route *rt = route_find(req->path);
	r->route = rt != NULL ? rt->name : "other";
	if (rt != NULL ? rt->json : strncmp(req->path, "/api/", 5) == 0)
		http_json_error(r, 503, "overloaded",
		                "the server is overloaded; nothing was stored, try again in a few seconds", NULL);
	else
		app_page(r, 503, app_query_lang(req->query), MSG_OVERLOADED_TITLE, MSG_OVERLOADED);
	http_header(r, "Retry-After", "5");
	http_header(r, "Cache-Control", "no-store");
	if (is_submission(rt, req->method))
		metrics_reject(REJECT_OVERLOADED);
}
