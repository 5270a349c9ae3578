/*
 * handler_evaluation — the published efficacy reports (`manyi publish
 * evaluation`, include/efficacy_report.h), for everyone:
 *   GET /api/v1/public/evaluations            the archive: each year and its forms
 *   GET /api/v1/public/evaluations/Y.html     the report (Chinese; .en.html English)
 *   GET /api/v1/public/evaluations/Y.pdf      printed by Chromium, when it was there
 *   GET /api/v1/public/evaluations/Y.json     the figures and the stamp
 * The latest publication of each form stands.  Before publication, keys
 * preview the latest stored evaluation's report (audited):
 *   GET /api/v1/evaluations/Y.html (.en.html)  an agency its own page, an evaluator all
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "crypto.h"
#include "efficacy_report.h"
#include "evaluate.h"
#include "followup_handle.h"
#include "rates.h"

static const struct {
	const char *form;
	const char *content_type;
} forms[] = {
	{"html", "text/html; charset=utf-8"},
	{"en.html", "text/html; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"pdf", "application/pdf"},
};

struct archive {
	cJSON *years; /* year (string) -> {"year", "published_at", form: url} */
};

static bool add_publication(void *ctx, const char *query, const char *at, long long head_id,
                            const char *head_hash)
{
	struct archive *ar = ctx;
	int year;
	char form[16], url[96], key[8];
	if (sscanf(query, "evaluation?year=%d&form=%15s", &year, form) != 2)
		return true;
	snprintf(key, sizeof key, "%d", year);
	cJSON *y = cJSON_GetObjectItemCaseSensitive(ar->years, key);
	if (y == NULL) {
		y = cJSON_AddObjectToObject(ar->years, key);
		cJSON_AddNumberToObject(y, "year", year);
		cJSON_AddStringToObject(y, "published_at", at);
	} else {
		cJSON_ReplaceItemInObjectCaseSensitive(y, "published_at", cJSON_CreateString(at));
	}
	snprintf(url, sizeof url, "/api/v1/public/evaluations/%d.%s", year, form);
	cJSON_DeleteItemFromObjectCaseSensitive(y, form);
	cJSON_AddStringToObject(y, form, url);
	if (head_hash != NULL) { /* the JSON form's stamp: the head the report carries */
		cJSON *h = cJSON_CreateObject();
		cJSON_AddNumberToObject(h, "id", (double)head_id);
		cJSON_AddStringToObject(h, "hash", head_hash);
		cJSON_DeleteItemFromObjectCaseSensitive(y, "audit_head");
		cJSON_AddItemToObject(y, "audit_head", h);
	}
	return true;
}

static int archive(struct app *a, const struct http_request *req, struct http_response *r)
{
	struct archive ar = {cJSON_CreateObject()};
	enum store_err e = store_publication_list(a->store, EFFICACY_PUBLICATION_SURVEY, add_publication, &ar);
	if (e != STORE_OK) {
		cJSON_Delete(ar.years);
		return app_store_failure_json(a, r, e);
	}
	cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "evaluations");
	for (int n = cJSON_GetArraySize(ar.years); n > 0; n--) /* the latest year first */
		cJSON_AddItemToArray(list, cJSON_Duplicate(cJSON_GetArrayItem(ar.years, n - 1), true));
	cJSON_Delete(ar.years);
	http_json(r, 200, root);
	return app_etag_reply(req, r, 200);
}

int app_api_evaluations(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest)
{
	char key[64], at[64], *text = NULL;
	int year = 0, used = 0;
	if (*rest == '\0' || strcmp(rest, "/") == 0)
		return archive(a, req, r);
	if (sscanf(rest, "/%4d.%n", &year, &used) != 1 || used != 6 || year < 1900) {
		http_json_error(r, 404, "not_found", "no such evaluation: /api/v1/public/evaluations/YEAR.html, "
		                ".en.html, .pdf or .json", NULL);
		return 404;
	}
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		if (strcmp(rest + used, forms[i].form) != 0)
			continue;
		snprintf(key, sizeof key, EFFICACY_PUBLICATION_KEY, year, forms[i].form);
		enum store_err e = store_publication_get(a->store, key, &text, at, sizeof at);
		if (e == STORE_ERR_NOTFOUND)
			break;
		if (e != STORE_OK)
			return app_store_failure_json(a, r, e);
		sbuf_reset(&r->body);
		if (strcmp(forms[i].form, "pdf") == 0) {
			size_t cap = strlen(text);
			unsigned char *bytes = xmalloc(cap + 1);
			long n = crypto_b64url_decode(text, bytes, cap + 1);
			if (n > 0)
				sbuf_add(&r->body, bytes, (size_t)n);
			free(bytes);
		} else {
			sbuf_adds(&r->body, text);
		}
		free(text);
		r->content_type = forms[i].content_type;
		return app_etag_reply(req, r, 200);
	}
	http_json_error(r, 404, "not_found", "this evaluation's report is not published in that form", NULL);
	return 404;
}

/* The AAPOR rates of survey's phone sample for the report's methods. */
static bool fieldwork_rates(struct store *s, const char *survey, struct sbuf *out)
{
	struct rates_query q = {.survey = survey};
	char msg[256];
	return rates_report(s, &q, false, out, msg, sizeof msg) == RATES_OK;
}

/*
 * GET /api/v1/evaluations/Y.html (.en.html): the report of the latest
 * stored evaluation before it is published, marked a preview — an agency
 * key its own agency's page, an evaluator the whole report.  Every read is
 * audited (app_require_key).
 */
int app_api_evaluation_preview(struct app *a, const struct http_request *req,
                               struct http_response *r, const char *rest)
{
	struct principal p;
	char msg[512], *ev = NULL, *detail = NULL;
	int status, year = 0, used = 0;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	if (p.role != ROLE_EVALUATOR && p.role != ROLE_AGENCY) {
		http_json_error(r, 403, "forbidden", "an evaluator's or an agency's key previews the report", NULL);
		return 403;
	}
	bool en = sscanf(rest, "%4d.%n", &year, &used) == 1 && used == 5 && strcmp(rest + 5, "en.html") == 0;
	if (!en && !(used == 5 && strcmp(rest + 5, "html") == 0)) {
		http_json_error(r, 404, "not_found", "preview /api/v1/evaluations/YEAR.html or YEAR.en.html", NULL);
		return 404;
	}
	enum store_err e = evaluation_get(a->store, year, &ev);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "not_found", "no evaluation of this year is stored (manyi evaluate)", NULL);
		return 404;
	}
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	detail = efficacy_detail(a->store, ev, year, NULL, NULL, fieldwork_rates, followup_year_json);
	sbuf_reset(&r->body);
	enum efr_status st = efficacy_preview(a->store, ev, detail, p.role == ROLE_AGENCY ? p.agency : NULL,
	                                      en ? LANG_EN : LANG_ZH, &r->body, msg, sizeof msg);
	free(detail);
	free(ev);
	if (st == EFR_NO_AGENCY) {
		http_json_error(r, 404, "not_found", "your agency is not in this year's evaluation", NULL);
		return 404;
	}
	if (st != EFR_OK) {
		sbuf_reset(&r->body);
		fprintf(stderr, "manyi: evaluation preview %d: %s\n", year, msg);
		http_json_error(r, 500, "internal", "the report could not be rendered", NULL);
		return 500;
	}
	r->content_type = "text/html; charset=utf-8";
	http_header(r, "Cache-Control", "private, no-store");
	return 200;
}
