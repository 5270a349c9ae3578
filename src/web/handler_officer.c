/*
 * handler_officer — enforcement officers (issue 15; see officer.h):
 *
 *   POST /api/v1/officers          the certificate authority's register: a JSON
 *                                  array like the CSV's rows, atomic, audited
 *                                  (evaluator key; an agency key its own officers)
 *   GET /officers?q=               the public lookup page (zh/en, no JavaScript)
 *   GET /api/v1/public/officers?q= the same as JSON
 *   GET /api/v1/officers/stats     satisfaction per officer (evaluator key only)
 *
 * A lookup is by exact certificate number or exact full name, at most
 * LOOKUP_MAX answers, and each one is counted against the client's address
 * (THROTTLE_LOOKUP, the setting officer_lookups_per_hour): past it, 429
 * with Retry-After.  Nothing of a lookup is stored.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "config.h"
#include "html.h"
#include "html_officer.h"
#include "officer.h"
#include "officer_stats.h"
#include "params.h"

#define LOOKUP_MAX 20
#define LOOKUP_Q_MAX 200 /* bytes of q: a name or a number is shorter */

/* A JSON error naming the array index of the bad officer; returns status. */
static int officer_error(struct http_response *r, int status, size_t index, const char *msg)
{
	return app_element_error(r, status, status == 403 ? "forbidden" : "invalid", "officer", index, msg);
}

/*
 * Check and store every officer of list in the open transaction: 0 with
 * *created, or the status answered (422 a bad officer, 403 another agency's
 * for an agency key, the store's failure).
 */
static int officers_put(struct app *a, const struct principal *p, const struct officers *list,
                        struct http_response *r, size_t *created)
{
	const char *own = p->role == ROLE_AGENCY ? p->agency : NULL;
	char msg[512];
	for (size_t i = 0; i < list->n; i++) {
		struct officer o;
		struct officer_in in = list->item[i];
		bool made = false;
		if (list->error[i] != NULL)
			return officer_error(r, 422, i, list->error[i]);
		if (own != NULL && in.agency == NULL)
			in.agency = own;
		if (own != NULL && strcmp(in.agency, own) != 0)
			return officer_error(r, 403, i, "an agency key registers only its own agency's officers");
		if (!officer_parse(&in, &o, msg, sizeof msg))
			return officer_error(r, 422, i, msg);
		struct officer before;
		enum store_err se = own != NULL ? store_officer_get(a->store, o.cert_no, &before)
		                                : STORE_ERR_NOTFOUND;
		if (se == STORE_OK && strcmp(before.agency, own) != 0)
			return officer_error(r, 403, i, "this certificate belongs to another agency");
		if (se == STORE_OK || se == STORE_ERR_NOTFOUND)
			se = officer_store(a->store, &o, own, &made, msg, sizeof msg);
		if (se == STORE_ERR_CONSTRAINT)
			return officer_error(r, 422, i, msg);
		if (se != STORE_OK)
			return app_store_failure_json(a, r, se);
		*created += made;
	}
	return 0;
}

/* POST /api/v1/officers */
int app_api_officers(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest)
{
	struct principal p;
	struct sbuf body;
	struct officers list = {0};
	size_t created = 0;
	char msg[160];
	int status;

	(void)rest;
	sbuf_init(&body);
	if ((status = app_require_key(a, req, r, &p)) != 0)
		goto done;
	if (p.role != ROLE_EVALUATOR && p.role != ROLE_AGENCY) {
		http_json_error(r, status = 403, "forbidden", "officers are registered with an evaluator "
		                "key, or an agency key for its own agency", NULL);
		goto done;
	}
	if ((status = app_json_body(req, r, OFFICERS_MAX_BYTES, "the officers", &body)) != 0)
		goto done;
	switch (officers_parse(body.data, body.len, &list)) {
	case OFFICERS_OK:
		break;
	case OFFICERS_ERR_COUNT:
		snprintf(msg, sizeof msg, "send 1 to %d officers at a time", OFFICERS_MAX_COUNT);
		http_json_error(r, status = 422, "invalid", msg, NULL);
		goto done;
	default:
		http_json_error(r, status = 400, "malformed", "the body must be a JSON array of officers", NULL);
		goto done;
	}
	enum store_err se = store_begin(a->store);
	if (se != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	if ((status = officers_put(a, &p, &list, r, &created)) != 0)
		goto rollback;
	snprintf(msg, sizeof msg, "%zu officers (%zu new)", list.n, created);
	if ((se = store_audit(a->store, p.key_id, "register officers", p.role == ROLE_AGENCY ? p.agency : NULL,
	                      msg)) != STORE_OK ||
	    (se = store_commit(a->store)) != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto rollback;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "officers", (double)list.n);
	cJSON_AddNumberToObject(o, "created", (double)created);
	cJSON_AddNumberToObject(o, "updated", (double)(list.n - created));
	http_json(r, status = 201, o);
	goto done;
rollback:
	store_rollback(a->store);
done:
	officers_free(&list);
	sbuf_free(&body);
	return status;
}

/* ---- the public lookup ---------------------------------------------------- */

/* What one lookup found; names borrowed from reg. */
struct lookup {
	char q[LOOKUP_Q_MAX + 1];  /* trimmed; "" when nothing was asked */
	bool too_long;
	long retry_after;          /* > 0: throttled, nothing looked up */
	struct officer found[LOOKUP_MAX];
	size_t n;
	char today[11];            /* UTC+8 */
	struct registry_list reg;  /* the agencies, for their names */
};

/* The registry's name of agency code in l, or NULL. */
static const char *agency_name(const struct lookup *k, const char *code, enum lang l)
{
	for (size_t i = 0; i < k->reg.n; i++)
		if (strcmp(k->reg.v[i].code, code) == 0)
			return k->reg.v[i].name[l];
	return NULL;
}

static bool expired(const struct lookup *k, const struct officer *o)
{
	return strcmp(o->valid_until, k->today) < 0;
}

/*
 * Read q from the query (trimmed of spaces), and look it up unless the
 * address is over its hourly count (then k->retry_after).  The store's
 * failure is returned; k is released with lookup_free().
 */
static enum store_err lookup_run(struct app *a, const struct http_request *req, struct lookup *k)
{
	char raw[LOOKUP_Q_MAX + 1] = "";
	memset(k, 0, sizeof *k);
	day_format(((long long)time(NULL) + 8 * 3600) / 86400, k->today, sizeof k->today);
	if (!http_query_get(req->query, "q", raw, sizeof raw) && http_query_has(req->query, "q"))
		k->too_long = true;
	const char *p = raw;
	size_t len = strlen(raw);
	while (*p == ' ' || *p == '\t')
		p++, len--;
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	snprintf(k->q, sizeof k->q, "%.*s", (int)len, p);
	if (*k->q == '\0' || k->too_long)
		return STORE_OK;
	time_t now = time(NULL);
	throttle_set_limit(a->throttle, THROTTLE_LOOKUP, config_get(a->store, CONFIG_LOOKUP_PER_HOUR));
	if (!throttle_allowed(a->throttle, THROTTLE_LOOKUP, req->remote_addr, now, &k->retry_after))
		return STORE_OK;
	throttle_count(a->throttle, THROTTLE_LOOKUP, req->remote_addr, now);
	enum store_err e = store_officer_find(a->store, k->q, k->found, LOOKUP_MAX, &k->n);
	if (e == STORE_OK)
		e = store_registry_list(a->store, REGISTRY_AGENCY, &k->reg);
	return e;
}

static void lookup_free(struct lookup *k)
{
	registry_list_free(&k->reg);
}

/* GET /officers?q= */
int app_officers_page(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest)
{
	enum lang l = app_query_lang(req->query);
	struct lookup k;
	struct html_site site;
	struct html_officer_row rows[LOOKUP_MAX];
	char href[LOOKUP_Q_MAX * 3 + 32];
	int status = 200;

	(void)rest;
	enum store_err e = lookup_run(a, req, &k);
	if (e != STORE_OK) {
		lookup_free(&k);
		return app_store_failure_page(a, r, l, e);
	}
	for (size_t i = 0; i < k.n; i++)
		rows[i] = (struct html_officer_row){&k.found[i], agency_name(&k, k.found[i].agency, l),
		                                    expired(&k, &k.found[i])};
	snprintf(href, sizeof href, "/officers?lang=%s", l == LANG_ZH ? "en" : "zh");
	struct html_officer_lookup v = {
		.lang = l, .q = k.q, .rows = rows, .n = k.n, .retry_after = k.retry_after,
		.too_long = k.too_long, .lang_href = href,
	};
	app_site(a, &site);
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_officer_page(&r->body, &v, &site);
	http_header(r, "Content-Language", l == LANG_ZH ? "zh-CN" : "en");
	http_header(r, "Cache-Control", "no-store");
	if (k.retry_after > 0) {
		app_retry_after(r, k.retry_after);
		status = 429;
	} else if (k.too_long) {
		status = 400;
	}
	lookup_free(&k);
	return status;
}

static void add_text_or_null(cJSON *o, const char *name, const char *v)
{
	if (v != NULL && *v != '\0')
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* GET /api/v1/public/officers?q= */
int app_api_public_officers(struct app *a, const struct http_request *req,
                            struct http_response *r, const char *rest)
{
	struct lookup k;
	char msg[160];

	(void)rest;
	enum store_err e = lookup_run(a, req, &k);
	if (e != STORE_OK) {
		lookup_free(&k);
		return app_store_failure_json(a, r, e);
	}
	if (*k.q == '\0' || k.too_long) {
		snprintf(msg, sizeof msg, "q is required: an exact certificate number or full name, at most "
		         "%d bytes (no prefix or pattern is searched)", LOOKUP_Q_MAX);
		lookup_free(&k);
		return app_bad_param(r, "q", msg);
	}
	if (k.retry_after > 0) {
		lookup_free(&k);
		http_json_error(r, 429, "too_many_lookups", "too many lookups from this address in the "
		                "last hour; try again later", NULL);
		app_retry_after(r, k.retry_after);
		return 429;
	}
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "officers");
	for (size_t i = 0; i < k.n; i++) {
		const struct officer *o = &k.found[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "cert_no", o->cert_no);
		cJSON_AddStringToObject(j, "name", o->name);
		cJSON_AddStringToObject(j, "agency", o->agency);
		cJSON *nm = cJSON_AddObjectToObject(j, "agency_name");
		add_text_or_null(nm, "zh", agency_name(&k, o->agency, LANG_ZH));
		add_text_or_null(nm, "en", agency_name(&k, o->agency, LANG_EN));
		cJSON_AddStringToObject(j, "status", o->status);
		cJSON_AddStringToObject(j, "valid_until", o->valid_until);
		cJSON_AddBoolToObject(j, "expired", expired(&k, o));
		add_text_or_null(j, "category", o->category);
		add_text_or_null(j, "area", o->area);
		cJSON_AddItemToArray(arr, j);
	}
	lookup_free(&k);
	http_json(r, 200, root);
	http_header(r, "Cache-Control", "no-store");
	return 200;
}

/* ---- per-officer satisfaction --------------------------------------------- */

/* GET /api/v1/officers/stats?survey=&weighting=&from=&to=&level=&format= */
int app_api_officer_stats(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest)
{
	struct principal p;
	struct report_query rq;
	struct officer_stats_query q;
	char msg[512];
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	if (p.role != ROLE_EVALUATOR) {
		http_json_error(r, 403, "forbidden", "satisfaction per officer is for evaluator keys only",
		                NULL);
		return 403;
	}
	params_report_query(req->params, &rq);
	officer_stats_query_of(&rq, config_get(a->store, CONFIG_OFFICER_MIN_N), &q);
	bool csv = req->params->given[PARAM_TABLE_FORMAT] && req->params->csv;
	sbuf_reset(&r->body);
	enum report_status st = officer_stats_run(a->store, &q, csv, &r->body, msg, sizeof msg);
	if ((status = app_report_failure(a, r, st, msg)) != 0)
		return status;
	r->content_type = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
	return app_etag_reply(req, r, 200);
}
