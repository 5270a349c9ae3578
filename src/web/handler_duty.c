/*
 * handler_duty — the efficacy evaluation's data over HTTP (CONTRACT §6, issue 14):
 *
 *   POST /api/v1/duties       a JSON array of duties ({"duty_id", "agency", "domain",
 *                             "name", "basis", "required"}) → 201 {"stored": N}
 *   POST /api/v1/performance  a JSON array of {"duty_id", "year", "performed",
 *                             "records"?} → 201 {"stored": N}
 *
 * Each element is checked by duty_put(), as a CSV row of `manyi import
 * duties|performance`; atomic: one bad element (422, its index) and
 * nothing is stored.  An agency key stores only its own agency's duties (an
 * absent "agency" is its own) and their performance (403 otherwise).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "duty.h"

#define DUTY_MAX_BYTES (4u << 20)
#define DUTY_MAX_COUNT 10000

/* A refused element: its index and why, as a 4xx JSON error; returns status. */
static int element_error(struct http_response *r, int status, size_t index, const char *msg)
{
	return app_element_error(r, status, status == 403 ? "forbidden" : "invalid", NULL, index, msg);
}

/* Check and store every element of array in the open transaction: 0, or the status answered. */
static int store_elements(struct app *a, struct http_response *r, const struct principal *p,
                          enum duty_kind kind, const cJSON *array)
{
	struct duty_put put = {.store = a->store, .kind = kind,
	                       .only_agency = p->role == ROLE_AGENCY ? p->agency : NULL};
	struct import_result res = {.store_err = STORE_OK};
	const cJSON *o;
	size_t i = 0;
	char msg[768], buf[DUTY_MAX_COLS][64];
	cJSON_ArrayForEach(o, array)
	{
		const char *f[DUTY_MAX_COLS];
		if (!duty_json_fields(o, kind, f, buf, msg, sizeof msg))
			return element_error(r, 422, i, msg);
		if (kind == DUTY_DUTIES && put.only_agency && *f[1] == '\0')
			f[1] = put.only_agency;
		if (!duty_put(&put, f, &res, msg, sizeof msg)) {
			if (res.store_err != STORE_OK)
				return app_store_failure_json(a, r, res.store_err);
			return element_error(r, put.forbidden ? 403 : 422, i, msg);
		}
		i++;
	}
	return 0;
}

/* POST /api/v1/duties and /api/v1/performance. */
static int post_rows(struct app *a, const struct http_request *req, struct http_response *r,
                     enum duty_kind kind)
{
	static const char *const audit[DUTY__MAX] = {"post duties", "post performance", NULL};
	struct principal p;
	struct sbuf body;
	cJSON *root = NULL, *out = NULL;
	char msg[128];
	int status;

	sbuf_init(&body);
	if ((status = app_require_key(a, req, r, &p)) != 0)
		goto done;
	if (p.role == ROLE_REVIEWER) {
		http_json_error(r, status = 403, "forbidden", "a reviewer stores no duties", NULL);
		goto done;
	}
	if (!app_media_type_is(req->content_type, "application/json")) {
		http_json_error(r, status = 415, "unsupported_media_type",
		                "send the rows as Content-Type: application/json", NULL);
		goto done;
	}
	if ((status = http_read_body(req, DUTY_MAX_BYTES, &body)) != 0) {
		http_json_error(r, status, status == 413 ? "too_large" : "bad_request",
		                status == 413 ? "the body is larger than 4 MiB; send fewer rows at a time"
		                              : "the body could not be read in full", NULL);
		goto done;
	}
	root = cJSON_ParseWithLength(body.data, body.len);
	int count = cJSON_IsArray(root) ? cJSON_GetArraySize(root) : 0;
	if (!cJSON_IsArray(root) || count < 1 || count > DUTY_MAX_COUNT) {
		snprintf(msg, sizeof msg, "send 1 to %d rows at a time", DUTY_MAX_COUNT);
		http_json_error(r, status = cJSON_IsArray(root) ? 422 : 400,
		                cJSON_IsArray(root) ? "invalid" : "malformed",
		                cJSON_IsArray(root) ? msg : "the body must be a JSON array", NULL);
		goto done;
	}
	enum store_err se = store_begin(a->store);
	if (se != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	if ((status = store_elements(a, r, &p, kind, root)) != 0) {
		store_rollback(a->store);
		goto done;
	}
	snprintf(msg, sizeof msg, "%d rows", count);
	if ((se = store_audit(a->store, p.key_id, audit[kind], NULL, msg)) != STORE_OK ||
	    (se = store_commit(a->store)) != STORE_OK) {
		store_rollback(a->store);
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "stored", count);
	http_json(r, status = 201, out);
	out = NULL;
done:
	cJSON_Delete(out);
	cJSON_Delete(root);
	sbuf_free(&body);
	return status;
}

int app_api_duties(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest)
{
	(void)rest;
	return post_rows(a, req, r, DUTY_DUTIES);
}

int app_api_performance(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest)
{
	(void)rest;
	return post_rows(a, req, r, DUTY_PERFORMANCE);
}
