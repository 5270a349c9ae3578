/*
 * handler_api — answers, encounters, QR codes and printable notices
 * (POST /api/v1/responses, /api/v1/encounters, GET .../qr.svg|png|notice,
 * /api/v1/notices); see app_internal.h.
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "encounter.h"
#include "html.h"
#include "qr.h"
#include "submit.h"

#define IDEM_KEY_MAX 255 /* characters of an Idempotency-Key */

/*
 * The request's Idempotency-Key as hashes into *idem: 0 without the header,
 * 1 with it, or 400 answered when it is not 1..255 visible ASCII characters.
 */
static int idem_read(const struct http_request *req, const struct sbuf *body,
                     struct http_response *r, struct app_idem *idem)
{
	const char *k = req->idempotency_key;
	if (k == NULL || *k == '\0')
		return 0;
	size_t n = strlen(k);
	bool ok = n <= IDEM_KEY_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = k[i] > 0x20 && k[i] < 0x7f;
	if (!ok) {
		char msg[160];
		snprintf(msg, sizeof msg, "the Idempotency-Key header must be 1 to %d visible ASCII "
		         "characters (a UUID, say); nothing was stored", IDEM_KEY_MAX);
		http_json_error(r, 400, "bad_idempotency_key", msg, NULL);
		return 400;
	}
	memset(idem, 0, sizeof *idem);
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, sizeof idem->key);
	crypto_generichash_update(&h, (const unsigned char *)"manyi-idempotency\x1f", 18);
	crypto_generichash_update(&h, (const unsigned char *)k, n);
	crypto_generichash_final(&h, idem->key, sizeof idem->key);
	crypto_generichash(idem->body, sizeof idem->body, (const unsigned char *)body->data, body->len,
	                   NULL, 0);
	return 1;
}

/*
 * Answer a request whose Idempotency-Key has an answer stored: the first
 * 201 again for the same body, 422 for another body.
 */
static int idem_reply(struct http_response *r, const struct app_idem *idem)
{
	if (!idem->same_body) {
		http_json_error(r, 422, "idempotency_key_reused",
		                "this Idempotency-Key was used within 24 hours for a different body; "
		                "nothing was stored (send a new key for a new answer)", NULL);
		return 422;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", idem->public_id);
	http_json(r, 201, o);
	http_header(r, "Idempotent-Replayed", "true");
	return 201;
}

/* A 422 "invalid" whose one field is the token. */
static int token_error(struct http_response *r, const char *code, const char *message)
{
	cJSON *f = cJSON_CreateArray();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "field", "token");
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", message);
	cJSON_AddItemToArray(f, o);
	http_json_error(r, 422, "invalid", "the token cannot be used; nothing was stored", f);
	return 422;
}

/* Intake's outcome as the API's JSON reply; returns the status. */
static int api_outcome(struct app *a, struct http_response *r, const struct intake *in,
                       const struct intake_result *res)
{
	char msg[256];
	switch (res->outcome) {
	case INTAKE_STORED: {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", res->public_id);
		http_json(r, 201, o);
		return 201;
	}
	case INTAKE_REPLAYED:
	case INTAKE_KEY_REUSED:
		return idem_reply(r, in->idem);
	case INTAKE_INVALID:
		snprintf(msg, sizeof msg, "%zu field%s invalid; nothing was stored", res->errs.n,
		         res->errs.n == 1 ? " is" : "s are");
		http_json_error(r, 422, "invalid", msg, app_errors_json(in->survey, &res->errs));
		return 422;
	case INTAKE_FORBIDDEN:
		http_json_error(r, 403, "forbidden", "an agency key cannot submit answers; nothing was stored",
		                NULL);
		return 403;
	case INTAKE_TOKEN_UNKNOWN:
		if (*res->token_survey != '\0') {
			snprintf(msg, sizeof msg, "this token belongs to survey \"%s\", not \"%s\"; send it "
			         "with \"survey\": \"%s\"", res->token_survey, in->survey->id, res->token_survey);
			return token_error(r, "unknown_token", msg);
		}
		return token_error(r, "unknown_token", "no invitation with this token (a token is the 22 "
		                   "characters after t= in the invitation's link)");
	case INTAKE_TOKEN_EXPIRED:
		return token_error(r, "expired_token", "this invitation has expired");
	case INTAKE_TOKEN_USED:
		http_json_error(r, 409, "token_used",
		                "this encounter has already been rated; nothing was stored", NULL);
		return 409;
	case INTAKE_TOKEN_THROTTLED:
		http_json_error(r, 429, "too_many_attempts",
		                "too many wrong tokens from this address; try again later", NULL);
		app_retry_after(r, res->retry_after);
		return 429;
	case INTAKE_THROTTLED:
		http_json_error(r, 429, "too_many_answers",
		                "too many answers without an invitation from this address; nothing was "
		                "stored, try again later", NULL);
		app_retry_after(r, res->retry_after);
		return 429;
	default:
		return app_store_failure_json(a, r, res->outcome == INTAKE_BUSY ? res->err : STORE_ERR_SQL);
	}
}

/* POST /api/v1/responses: parse the JSON envelope, app_intake(), reply. */
int app_api_responses(struct app *a, const struct http_request *req,
                           struct http_response *r, const char *rest)
{
	struct sbuf body;
	struct submission sub = {0};
	struct pairs items;
	struct answer_errors type_errs = {.n = 0};
	char msg[256];
	const struct survey *sv;
	int version, status;
	struct app_idem idem;
	int has_idem = 0;
	struct principal p;

	(void)rest;
	sbuf_init(&body);
	pairs_init(&items);

	if (!app_media_type_is(req->content_type, "application/json")) {
		http_json_error(r, status = 415, "unsupported_media_type",
		                "send the answers as Content-Type: application/json", NULL);
		goto done;
	}
	if ((status = http_read_body(req, APP_JSON_MAX, &body)) != 0) {
		if (status == 413)
			snprintf(msg, sizeof msg, "the body is larger than %d bytes", APP_JSON_MAX);
		else
			snprintf(msg, sizeof msg, "the body could not be read in full");
		http_json_error(r, status, status == 413 ? "too_large" : "bad_request", msg, NULL);
		goto done;
	}
	if ((has_idem = idem_read(req, &body, r, &idem)) == 400) {
		status = 400;
		goto done;
	}
	if (submit_parse(body.data, body.len, &sub, msg, sizeof msg) != SUBMIT_OK) {
		http_json_error(r, status = 400, "malformed", msg, NULL);
		goto done;
	}
	if ((sv = app_survey(a, sub.survey, &version)) == NULL) {
		cJSON *f = cJSON_CreateArray();
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "field", "survey");
		cJSON_AddStringToObject(o, "code", "unknown_survey");
		cJSON_AddStringToObject(o, "message", "no survey with this id (GET /api/v1/surveys lists them)");
		cJSON_AddItemToArray(f, o);
		http_json_error(r, status = 422, "invalid", "unknown survey", f);
		goto done;
	}
	/* A key is checked here (401 for a bad one); intake refuses an agency's. */
	if (*req->authorization != '\0' && (status = app_check_key(a, req, r, &p)) != 0)
		goto done;
	submit_answers(sv, &sub, &items, &type_errs);
	struct intake in = {
		.survey = sv, .version = version, .token = sub.token,
		.agency = sub.agency, .domain = sub.domain,
		.answers = &items, .transport_errs = &type_errs,
		.channel = "api",
		.principal = *req->authorization != '\0' ? &p : NULL,
		.idem = has_idem ? &idem : NULL,
		.addr = req->remote_addr, .now = time(NULL),
	};
	struct intake_result res;
	app_intake(a, &in, &res);
	status = api_outcome(a, r, &in, &res);
done:
	pairs_free(&items);
	submission_free(&sub);
	sbuf_free(&body);
	return status;
}

#define APP_ENCOUNTERS_MAX (4 * 1024 * 1024) /* bytes of an encounters array */
#define APP_ENCOUNTERS_COUNT 10000          /* encounters in one request */
#define DEFAULT_INVITE_SURVEY "enforcement-enterprise"
#define HOUSEHOLD_INVITE_SURVEY "enforcement-public"

/*
 * The survey an invitation is minted for: ?survey=; else, for an encounter
 * with a household (a citizen, size "household"), the public survey when it
 * is registered, so that a person is not asked about "your enterprise";
 * else the enterprise survey.  size may be NULL (the request's default).
 */
static const struct survey *invite_survey(struct app *a, const struct http_request *req,
                                          const char *size, int *version, char *id, size_t n)
{
	if (http_query_get(req->query, "survey", id, n))
		return app_survey(a, id, version);
	if (size != NULL && strcmp(size, "household") == 0) {
		snprintf(id, n, "%s", HOUSEHOLD_INVITE_SURVEY);
		const struct survey *sv = app_survey(a, id, version);
		if (sv != NULL)
			return sv;
	}
	snprintf(id, n, "%s", DEFAULT_INVITE_SURVEY);
	return app_survey(a, id, version);
}

/* A JSON error naming the array index of the bad encounter. */
static int encounter_error(struct http_response *r, int status, size_t index, const char *msg)
{
	cJSON *f = cJSON_CreateArray();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "index", (double)index);
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddItemToArray(f, o);
	char text[600];
	snprintf(text, sizeof text, "encounter [%zu]: %s; nothing was stored", index, msg);
	http_json_error(r, status, "invalid", text, f);
	return status;
}

/* A string member of o, or NULL; *bad when present but not a string. */
static const char *member_str(const cJSON *o, const char *name, bool *bad)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	if (m == NULL || cJSON_IsNull(m))
		return NULL;
	if (!cJSON_IsString(m)) {
		*bad = true;
		return NULL;
	}
	return m->valuestring;
}

/* POST /api/v1/encounters */
int app_api_encounters(struct app *a, const struct http_request *req,
                            struct http_response *r, const char *rest)
{
	struct principal p;
	struct sbuf body;
	cJSON *root = NULL, *out = NULL;
	char sid[72], msg[512];
	int status, version;
	const struct survey *sv;

	(void)rest;
	sbuf_init(&body);
	if ((status = app_require_key(a, req, r, &p)) != 0 ||
	    (status = app_query_survey(req, r, false, sid, sizeof sid)) != 0)
		goto done;
	if (!app_media_type_is(req->content_type, "application/json")) {
		http_json_error(r, status = 415, "unsupported_media_type",
		                "send the encounters as Content-Type: application/json", NULL);
		goto done;
	}
	if ((sv = invite_survey(a, req, NULL, &version, sid, sizeof sid)) == NULL) {
		http_json_error(r, status = 422, "unknown_survey", "no survey with that id", NULL);
		goto done;
	}
	if ((status = http_read_body(req, APP_ENCOUNTERS_MAX, &body)) != 0) {
		http_json_error(r, status, status == 413 ? "too_large" : "bad_request",
		                status == 413 ? "the body is larger than 4 MiB; send fewer encounters at a time"
		                              : "the body could not be read in full", NULL);
		goto done;
	}
	/* The buffer is NUL-terminated; cJSON checks nothing trails the array. */
	if (!utf8_valid(body.data, body.len) || memchr(body.data, '\0', body.len) != NULL ||
	    (root = cJSON_ParseWithLengthOpts(body.data, body.len + 1, NULL, true)) == NULL ||
	    !cJSON_IsArray(root)) {
		http_json_error(r, status = 400, "malformed", "the body must be a JSON array of encounters", NULL);
		goto done;
	}
	int count = cJSON_GetArraySize(root);
	if (count == 0 || count > APP_ENCOUNTERS_COUNT) {
		snprintf(msg, sizeof msg, "send 1 to %d encounters at a time", APP_ENCOUNTERS_COUNT);
		http_json_error(r, status = 422, "invalid", msg, NULL);
		goto done;
	}
	if (store_begin(a->store) != STORE_OK) {
		status = app_store_failure_json(a, r, STORE_ERR_BUSY);
		goto done;
	}
	out = cJSON_CreateArray();
	time_t now = time(NULL);
	size_t i = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, root) {
		bool bad = false;
		struct encounter e;
		if (!cJSON_IsObject(item)) {
			status = encounter_error(r, 422, i, "not an object");
			goto rollback;
		}
		struct encounter_in in = {
			.id = member_str(item, "encounter_id", &bad),
			.agency = member_str(item, "agency", &bad),
			.domain = member_str(item, "domain", &bad),
			.size = member_str(item, "size", &bad),
			.district = member_str(item, "district", &bad),
			.occurred_on = member_str(item, "occurred_on", &bad),
			.outcome = member_str(item, "outcome", &bad),
		};
		if (bad) {
			status = encounter_error(r, 422, i, "every member must be a string");
			goto rollback;
		}
		if (p.role == ROLE_AGENCY && in.agency == NULL)
			in.agency = p.agency;
		if (in.agency == NULL) {
			status = encounter_error(r, 422, i, "agency is required (an evaluator key registers for any agency)");
			goto rollback;
		}
		if (p.role == ROLE_AGENCY && strcmp(in.agency, p.agency) != 0) {
			status = encounter_error(r, 403, i, "an agency key registers only its own agency's encounters");
			goto rollback;
		}
		if (!encounter_parse(&in, &e, msg, sizeof msg) ||
		    encounter_store(a->store, &e, NULL, msg, sizeof msg) != 0) {
			status = encounter_error(r, 422, i, msg);
			goto rollback;
		}
		char token[INVITE_TOKEN_LEN], url[512], esid[72];
		int ever;
		const struct survey *esv = invite_survey(a, req, e.size, &ever, esid, sizeof esid);
		if (esv == NULL)
			esv = sv;
		enum store_err me = invite_mint(a->store, esv->id, e.id, "qr", INVITE_DEFAULT_DAYS, now, token);
		if (me != STORE_OK) {
			status = app_store_failure_json(a, r, me);
			goto rollback;
		}
		invite_url(invite_base_url(), esv->id, token, url, sizeof url);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "encounter_id", e.id);
		cJSON_AddStringToObject(o, "survey", esv->id);
		cJSON_AddStringToObject(o, "token", token);
		cJSON_AddStringToObject(o, "url", url);
		cJSON_AddItemToArray(out, o);
		i++;
	}
	snprintf(msg, sizeof msg, "%zu encounters", i);
	if (store_audit(a->store, p.key_id, "register encounters", sid, msg) != STORE_OK ||
	    store_commit(a->store) != STORE_OK) {
		status = app_store_failure_json(a, r, STORE_ERR_SQL);
		goto rollback;
	}
	http_json(r, status = 201, out);
	out = NULL;
	goto done;
rollback:
	store_rollback(a->store);
done:
	cJSON_Delete(out);
	cJSON_Delete(root);
	sbuf_free(&body);
	return status;
}

/*
 * Load an encounter the principal may see: 0, or the status answered
 * (404 unknown, 403 another agency's).
 */
static int visible_encounter(struct app *a, const struct principal *p, const char *id,
                             struct http_response *r, struct encounter *e)
{
	if (!code_valid(id) || store_encounter_get(a->store, id, e) != STORE_OK) {
		http_json_error(r, 404, "not_found", "no encounter with this id", NULL);
		return 404;
	}
	if (p->role == ROLE_AGENCY && strcmp(e->agency, p->agency) != 0) {
		http_json_error(r, 403, "forbidden", "this encounter belongs to another agency", NULL);
		return 403;
	}
	return 0;
}

/*
 * Mint a QR invitation for e: its link into url, the last day it can be
 * used (UTC+8) into until.  0, or 503/500 after *err says which store
 * failure.
 *
 * Whether e was answered is never looked at: an agency key must not learn
 * which enterprise rated it, so an answered encounter gets the same fresh
 * token, link and page by the same work as any other.  The respondent who
 * scans it is told that the encounter was rated (the form's 409 page).
 */
static int mint_notice(struct app *a, const struct survey *sv, const struct encounter *e,
                       char *url, size_t n, char until[11], enum store_err *err)
{
	char token[INVITE_TOKEN_LEN];
	time_t now = time(NULL);
	if ((*err = invite_mint(a->store, sv->id, e->id, "qr", INVITE_DEFAULT_DAYS, now, token)) != STORE_OK)
		return *err == STORE_ERR_BUSY ? 503 : 500;
	invite_url(invite_base_url(), sv->id, token, url, n);
	time_t last = now + (time_t)INVITE_DEFAULT_DAYS * 86400 - 1 + 8 * 3600;
	struct tm tm;
	gmtime_r(&last, &tm);
	strftime(until, 11, "%Y-%m-%d", &tm);
	return 0;
}

/* Name of code in list for language l (the code when missing). */
static const char *name_of(const struct registry_list *list, const char *code, enum lang l)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->v[i].code, code) == 0)
			return list->v[i].name[l];
	return code;
}

/*
 * Notices for ids (n of them): one HTML page, A6 for one, A4 sheets for
 * several.  All or nothing: an unknown or foreign id fails the request.
 */
static int notices(struct app *a, const struct http_request *req, struct http_response *r,
                   const struct principal *p, char **ids, size_t n)
{
	struct registry_list ag = {0}, dom = {0};
	struct encounter *e = xcalloc(n, sizeof *e);
	struct html_notice *cards = xcalloc(n, sizeof *cards);
	char (*urls)[512] = xcalloc(n, sizeof *urls);
	char (*until)[11] = xcalloc(n, sizeof *until);
	struct sbuf *svgs = xcalloc(n, sizeof *svgs);
	char sid[72];
	int version, status = 0;
	const struct survey *sv = invite_survey(a, req, NULL, &version, sid, sizeof sid);

	for (size_t i = 0; i < n; i++)
		sbuf_init(&svgs[i]);
	if (sv == NULL) {
		http_json_error(r, status = 422, "unknown_survey", "no survey with that id", NULL);
		goto done;
	}
	enum store_err le;
	if ((le = store_registry_list(a->store, REGISTRY_AGENCY, &ag)) != STORE_OK ||
	    (le = store_registry_list(a->store, REGISTRY_DOMAIN, &dom)) != STORE_OK) {
		status = app_store_failure_json(a, r, le);
		goto done;
	}
	if (store_begin(a->store) != STORE_OK) {
		status = app_store_failure_json(a, r, STORE_ERR_BUSY);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if ((status = visible_encounter(a, p, ids[i], r, &e[i])) != 0)
			goto rollback;
		const struct survey *esv = invite_survey(a, req, e[i].size, &version, sid, sizeof sid);
		enum store_err me = STORE_OK;
		if (mint_notice(a, esv != NULL ? esv : sv, &e[i], urls[i], sizeof urls[i], until[i], &me) != 0) {
			status = app_store_failure_json(a, r, me);
			goto rollback;
		}
		if (!qr_svg(urls[i], true, &svgs[i])) {
			http_json_error(r, status = 500, "qr_failed", "the QR code could not be made", NULL);
			goto rollback;
		}
		for (int l = 0; l < LANG__MAX; l++) {
			cards[i].agency[l] = name_of(&ag, e[i].agency, (enum lang)l);
			cards[i].domain[l] = name_of(&dom, e[i].domain, (enum lang)l);
		}
		cards[i].date = e[i].occurred_on;
		cards[i].until = until[i];
		cards[i].ref = e[i].id;
		cards[i].url = urls[i];
		cards[i].qr_svg = svgs[i].data;
	}
	if (store_commit(a->store) != STORE_OK) {
		status = app_store_failure_json(a, r, STORE_ERR_SQL);
		goto rollback;
	}
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_notices_page(&r->body, cards, n);
	http_header(r, "Cache-Control", "no-store");
	status = 200;
	goto done;
rollback:
	store_rollback(a->store);
done:
	for (size_t i = 0; i < n; i++)
		sbuf_free(&svgs[i]);
	free(svgs);
	free(urls);
	free(until);
	free(cards);
	free(e);
	registry_list_free(&ag);
	registry_list_free(&dom);
	return status;
}

/* GET /api/v1/encounters/{id}/qr.svg | qr.png | notice */
int app_api_encounter(struct app *a, const struct http_request *req,
                           struct http_response *r, const char *rest)
{
	struct principal p;
	struct encounter e;
	char id[72], url[512];
	int status, version;
	const char *slash = strchr(rest, '/');

	char sid[72];
	if ((status = app_require_key(a, req, r, &p)) != 0 ||
	    (status = app_query_survey(req, r, false, sid, sizeof sid)) != 0)
		return status;
	if (slash == NULL || (size_t)(slash - rest) >= sizeof id) {
		http_json_error(r, 404, "not_found", "no such route", NULL);
		return 404;
	}
	memcpy(id, rest, (size_t)(slash - rest));
	id[slash - rest] = '\0';
	const char *what = slash + 1;
	bool svg = strcmp(what, "qr.svg") == 0, png = strcmp(what, "qr.png") == 0;
	if (strcmp(what, "notice") == 0) {
		char *ids[1] = {id};
		return notices(a, req, r, &p, ids, 1);
	}
	if (!svg && !png) {
		http_json_error(r, 404, "not_found", "no such route", NULL);
		return 404;
	}
	if ((status = visible_encounter(a, &p, id, r, &e)) != 0)
		return status;
	const struct survey *sv = invite_survey(a, req, e.size, &version, sid, sizeof sid);
	if (sv == NULL) {
		http_json_error(r, 422, "unknown_survey", "no survey with that id", NULL);
		return 422;
	}
	char until[11];
	enum store_err me = STORE_OK;
	if (mint_notice(a, sv, &e, url, sizeof url, until, &me) != 0)
		return app_store_failure_json(a, r, me);
	sbuf_reset(&r->body);
	if (svg ? !qr_svg(url, false, &r->body) : !qr_png(url, 8, &r->body)) {
		http_json_error(r, 500, "internal", "cannot make the QR code", NULL);
		return 500;
	}
	r->content_type = svg ? "image/svg+xml; charset=utf-8" : "image/png";
	http_header(r, "Cache-Control", "no-store");
	return 200;
}

/* GET /api/v1/notices?ids=E1,E2,...  printable A4 sheets of notices. */
int app_api_notices(struct app *a, const struct http_request *req,
                         struct http_response *r, const char *rest)
{
	struct principal p;
	char list[8192], sid[72];
	char *ids[200];
	size_t n = 0;
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0 ||
	    (status = app_query_survey(req, r, false, sid, sizeof sid)) != 0)
		return status;
	if (!http_query_get(req->query, "ids", list, sizeof list)) {
		http_json_error(r, 400, "bad_request", "give ?ids=ID,ID,... (at most 200)", NULL);
		return 400;
	}
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (n == ARRAY_SIZE(ids)) {
			http_json_error(r, 400, "bad_request", "ids: at most 200 notices at a time", NULL);
			return 400;
		}
		if (!code_valid(t))
			return app_bad_param(r, "ids", "a list of encounter ids (1-64 letters, digits, '_', "
			                               "'.' or '-') separated by commas");
		ids[n++] = t;
	}
	if (n == 0) {
		http_json_error(r, 400, "bad_request", "give ?ids=ID,ID,... (at most 200)", NULL);
		return 400;
	}
	return notices(a, req, r, &p, ids, n);
}
