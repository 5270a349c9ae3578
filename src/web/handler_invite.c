/*
 * handler_invite — invitations for encounters: minted by POST (audited,
 * one transaction), rendered by GET as QR codes and printable notices from
 * the token the mint gave; see app_internal.h.
 *
 *   POST /api/v1/invitations                {"encounters": [ID, ...]} → 201
 *   POST /api/v1/encounters/{id}/invitations                          → 201
 *   GET  /api/v1/encounters/{id}/qr.svg|qr.png|notice?t=TOKEN         → 200
 *   GET  /api/v1/notices?t=TOKEN,TOKEN,...                            → 200
 *
 * Tokens are stored only as hashes, so a GET cannot show an invitation
 * again without its token: it takes it, checks that it is an invitation of
 * that encounter, and renders it, writing nothing.  Neither a mint nor a
 * render looks at whether the encounter was answered: an agency key gets
 * the same reply, by the same work, for a rated and an unrated encounter.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "html.h"
#include "qr.h"

#define INVITATIONS_MAX 200          /* encounters in one mint, notices on one page */
#define INVITATIONS_BODY (64 * 1024) /* bytes of a mint's body */

/* Survey id, or NULL with the reply written (422 unknown_survey, or the
 * store's failure: a database that cannot say is not "unknown"). */
static const struct survey *named_survey(struct app *a, const char *id, struct http_response *r)
{
	const struct survey *sv;
	int version;
	char msg[512];
	enum store_err e = app_survey(a, id, &sv, &version);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, sizeof msg, "no survey \"%s\" is loaded (GET /api/v1/surveys lists them)", id);
		http_json_error(r, 422, "unknown_survey", msg, NULL);
	} else if (e != STORE_OK) {
		app_store_failure_json(a, r, e);
	}
	return sv;
}

const struct survey *app_invite_survey(struct app *a, struct survey_pick *pick, const char *size,
                                       struct http_response *r)
{
	int version;
	char msg[512];
	if (*pick->want != '\0')
		return named_survey(a, pick->want, r);
	enum audience au = size != NULL && strcmp(size, "household") == 0 ? AUDIENCE_PUBLIC
	                                                                    : AUDIENCE_ENTERPRISE;
	if (*pick->id[au] != '\0')
		return named_survey(a, pick->id[au], r);
	char **ids = NULL;
	size_t n = 0, count = 0;
	enum store_err e = store_survey_ids(a->store, &ids, &n);
	if (e != STORE_OK) {
		app_store_failure_json(a, r, e);
		return NULL;
	}
	struct sbuf names;
	sbuf_init(&names);
	for (size_t i = 0; i < n; i++) {
		const struct survey *sv = NULL;
		if (e == STORE_OK && (e = app_survey(a, ids[i], &sv, &version)) == STORE_ERR_NOTFOUND)
			e = STORE_OK;
		if (sv != NULL && sv->audience == au) {
			if (count++ == 0)
				snprintf(pick->id[au], sizeof pick->id[au], "%s", sv->id);
			sbuf_printf(&names, "%s\"%s\"", count > 1 ? ", " : "", sv->id);
		}
		free(ids[i]);
	}
	free(ids);
	sbuf_add(&names, "", 1);
	if (e != STORE_OK) {
		sbuf_free(&names);
		app_store_failure_json(a, r, e);
		return NULL;
	}
	if (count != 1) {
		if (count == 0)
			snprintf(msg, sizeof msg, "no loaded survey has audience \"%s\", which a%s encounter is "
			         "invited to; load one, or say which survey with survey=ID",
			         audience_name(au), au == AUDIENCE_PUBLIC ? " household" : "n enterprise's");
		else
			snprintf(msg, sizeof msg, "the surveys %.300s all have audience \"%s\"; say which one "
			         "to invite to with survey=ID", names.data, audience_name(au));
		http_json_error(r, 422, "survey_required", msg, NULL);
		*pick->id[au] = '\0';
	}
	sbuf_free(&names);
	return count == 1 ? named_survey(a, pick->id[au], r) : NULL;
}

/* The last day (UTC+8, YYYY-MM-DD) an invitation expiring at expires_at can be used. */
static void last_day(long long expires_at, char until[11])
{
	time_t last = (time_t)(expires_at - 1 + 8 * 3600);
	struct tm tm;
	gmtime_r(&last, &tm);
	strftime(until, 11, "%Y-%m-%d", &tm);
}

/* A minted invitation as the API returns it (see app_mint_json()). */
static cJSON *invitation_json(const char *survey, const char *encounter, const char *token,
                              long long expires_at)
{
	char url[512], until[11], link[256];
	cJSON *o = cJSON_CreateObject();
	invite_url(invite_base_url(), survey, token, url, sizeof url);
	last_day(expires_at, until);
	cJSON_AddStringToObject(o, "encounter_id", encounter);
	cJSON_AddStringToObject(o, "survey", survey);
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddStringToObject(o, "url", url);
	cJSON_AddStringToObject(o, "expires_on", until);
	static const char *const render[][2] = {
		{"qr_svg", "qr.svg"}, {"qr_png", "qr.png"}, {"notice", "notice"}};
	for (size_t i = 0; i < ARRAY_SIZE(render); i++) {
		snprintf(link, sizeof link, "/api/v1/encounters/%s/%s?t=%s", encounter, render[i][1], token);
		cJSON_AddStringToObject(o, render[i][0], link);
	}
	return o;
}

cJSON *app_mint_json(struct app *a, struct survey_pick *pick, const struct encounter *e, time_t now,
                     struct http_response *r)
{
	char token[INVITE_TOKEN_LEN];
	const struct survey *sv = app_invite_survey(a, pick, e->size, r);
	if (sv == NULL)
		return NULL;
	enum store_err me = invite_mint(a->store, sv->id, e->id, "qr", INVITE_DEFAULT_DAYS, now, token);
	if (me != STORE_OK) {
		app_store_failure_json(a, r, me);
		return NULL;
	}
	return invitation_json(sv->id, e->id, token, (long long)now + INVITE_DEFAULT_DAYS * 86400LL);
}

/*
 * May p see encounter id?  0 with *e filled; 404 (unknown) or 403
 * (another agency's) with no reply written; or the status of the store
 * failure answered.
 */
static int encounter_access(struct app *a, const struct principal *p, const char *id,
                            struct encounter *e, struct http_response *r)
{
	enum store_err err = code_valid(id) ? store_encounter_get(a->store, id, e) : STORE_ERR_NOTFOUND;
	if (err == STORE_ERR_NOTFOUND)
		return 404;
	if (err != STORE_OK)
		return app_store_failure_json(a, r, err);
	return p->role == ROLE_AGENCY && strcmp(e->agency, p->agency) != 0 ? 403 : 0;
}

/* One failed item of a batch: {"encounter_id" or "index", "code", "message"}. */
static void batch_error(cJSON *errs, const char *id, long index, int status, const char *what)
{
	char msg[200];
	cJSON *o = cJSON_CreateObject();
	if (id != NULL)
		cJSON_AddStringToObject(o, "encounter_id", id);
	else
		cJSON_AddNumberToObject(o, "index", (double)index);
	cJSON_AddStringToObject(o, "code", status == 403 ? "not_yours" : "unknown");
	snprintf(msg, sizeof msg, status == 403 ? "%s belongs to another agency" : "no %s", what);
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddItemToArray(errs, o);
}

/* The whole batch failed: 403 when any item was another agency's, else 404; errs named each. */
static int batch_failed(struct http_response *r, cJSON *errs, bool foreign, const char *what)
{
	char msg[200];
	int n = cJSON_GetArraySize(errs);
	snprintf(msg, sizeof msg, "%s: %d of them failed (error.fields names each and why); nothing "
	         "was made", what, n);
	http_json_error(r, foreign ? 403 : 404, foreign ? "forbidden" : "not_found", msg, errs);
	return foreign ? 403 : 404;
}

/*
 * Mint a qr invitation for each of ids (n, 1..INVITATIONS_MAX) that p may
 * see, in one transaction with one audit row naming the key and the
 * encounters (never a token).  201 with the invitations and the ids that
 * failed and why; 404/403 when none could be minted.
 */
static int mint(struct app *a, struct http_response *r, const struct principal *p,
                struct survey_pick *pick, char **ids, size_t n)
{
	cJSON *out = cJSON_CreateArray(), *errs = cJSON_CreateArray();
	struct sbuf minted, notices;
	bool foreign = false;
	int status = 0;
	time_t now = time(NULL);

	sbuf_init(&minted);
	sbuf_init(&notices);
	sbuf_adds(&notices, "/api/v1/notices?t=");
	enum store_err se = store_begin(a->store);
	if (se != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		struct encounter e;
		int st = encounter_access(a, p, ids[i], &e, r);
		if (st == 403 || st == 404) {
			batch_error(errs, ids[i], (long)i, st, st == 403 ? "this encounter" : "encounter with this id");
			foreign |= st == 403;
			continue;
		}
		cJSON *o = st == 0 ? app_mint_json(a, pick, &e, now, r) : NULL;
		if (o == NULL) {
			status = r->status;
			goto rollback;
		}
		cJSON_AddItemToArray(out, o);
		sbuf_printf(&minted, "%s%s", minted.len ? "," : "", e.id);
		sbuf_printf(&notices, "%s%s", cJSON_GetArraySize(out) > 1 ? "," : "",
		            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "token")));
	}
	if (minted.len == 0) {
		status = batch_failed(r, errs, foreign, "no invitation could be minted");
		errs = NULL;
		goto rollback;
	}
	sbuf_add(&minted, "", 1);
	sbuf_add(&notices, "", 1);
	if ((se = store_audit(a->store, p->key_id, "mint invitations", p->agency[0] ? p->agency : NULL,
	                      minted.data)) != STORE_OK ||
	    (se = store_commit(a->store)) != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto rollback;
	}
	cJSON *reply = cJSON_CreateObject();
	cJSON_AddItemToObject(reply, "invitations", out);
	cJSON_AddStringToObject(reply, "notices", notices.data);
	cJSON_AddItemToObject(reply, "errors", errs);
	http_json(r, status = 201, reply);
	out = errs = NULL;
	goto done;
rollback:
	store_rollback(a->store);
done:
	cJSON_Delete(out);
	cJSON_Delete(errs);
	sbuf_free(&minted);
	sbuf_free(&notices);
	return status;
}

/* The body of POST /api/v1/invitations: its ids into ids (n), its "survey" into pick. */
static int mint_body(const struct http_request *req, struct http_response *r, cJSON **root,
                     char **ids, size_t *n, struct survey_pick *pick)
{
	struct sbuf body;
	int status;
	const char *usage = "the body is {\"encounters\": [\"ID\", ...]} (1 to 200 encounter ids) and "
	                    "optionally \"survey\": \"ID\"";
	sbuf_init(&body);
	if ((status = app_json_body(req, r, INVITATIONS_BODY, "the encounter ids", &body)) != 0)
		goto done;
	const cJSON *list, *sv, *item;
	if (!utf8_valid(body.data, body.len) || memchr(body.data, '\0', body.len) != NULL ||
	    (*root = cJSON_ParseWithLengthOpts(body.data, body.len + 1, NULL, true)) == NULL ||
	    !cJSON_IsObject(*root) || !cJSON_IsArray(list = cJSON_GetObjectItemCaseSensitive(*root, "encounters")) ||
	    cJSON_GetArraySize(list) < 1 || cJSON_GetArraySize(list) > INVITATIONS_MAX) {
		http_json_error(r, status = 400, "malformed", usage, NULL);
		goto done;
	}
	cJSON_ArrayForEach(item, list) {
		if (!cJSON_IsString(item)) {
			http_json_error(r, status = 400, "malformed", usage, NULL);
			goto done;
		}
		ids[(*n)++] = item->valuestring;
	}
	if ((sv = cJSON_GetObjectItemCaseSensitive(*root, "survey")) != NULL && *pick->want == '\0') {
		if (!cJSON_IsString(sv) || !slug_valid(sv->valuestring)) {
			http_json_error(r, status = 400, "malformed", "\"survey\" is a survey id ([a-z0-9-], 1-64)",
			                NULL);
			goto done;
		}
		snprintf(pick->want, sizeof pick->want, "%s", sv->valuestring);
	}
done:
	sbuf_free(&body);
	return status;
}

/* POST /api/v1/invitations */
int app_api_invitations(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest)
{
	struct principal p;
	struct survey_pick pick = {0};
	char *ids[INVITATIONS_MAX];
	size_t n = 0;
	cJSON *root = NULL;
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) == 0 &&
	    (status = app_query_survey(req, r, false, pick.want, sizeof pick.want)) == 0 &&
	    (status = mint_body(req, r, &root, ids, &n, &pick)) == 0)
		status = mint(a, r, &p, &pick, ids, n);
	cJSON_Delete(root);
	return status;
}

/* Name of code in list for language l (the code when missing). */
static const char *name_of(const struct registry_list *list, const char *code, enum lang l)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->v[i].code, code) == 0)
			return list->v[i].name[l];
	return code;
}

/* Notices for n invitations (e[i] the encounter of inv[i] and tokens[i]): A6 for one, A4 for several. */
static int notices_page(struct app *a, struct http_response *r, const struct encounter *e,
                        const struct invitation *inv, char **tokens, size_t n)
{
	struct registry_list ag = {0}, dom = {0};
	struct html_notice *cards = xcalloc(n, sizeof *cards);
	char (*urls)[512] = xcalloc(n, sizeof *urls);
	char (*until)[11] = xcalloc(n, sizeof *until);
	struct sbuf *svgs = xcalloc(n, sizeof *svgs);
	int status = 200;
	enum store_err le;

	for (size_t i = 0; i < n; i++)
		sbuf_init(&svgs[i]);
	if ((le = store_registry_list(a->store, REGISTRY_AGENCY, &ag)) != STORE_OK ||
	    (le = store_registry_list(a->store, REGISTRY_DOMAIN, &dom)) != STORE_OK) {
		status = app_store_failure_json(a, r, le);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		invite_url(invite_base_url(), inv[i].survey, tokens[i], urls[i], sizeof urls[i]);
		last_day(inv[i].expires_at, until[i]);
		if (!qr_svg(urls[i], true, &svgs[i])) {
			http_json_error(r, status = 500, "qr_failed", "the QR code could not be made", NULL);
			goto done;
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
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_notices_page(&r->body, cards, n);
	http_header(r, "Cache-Control", "no-store");
done:
	for (size_t i = 0; i < n; i++)
		sbuf_free(&svgs[i]);
	free(svgs);
	free(urls);
	free(until);
	free(cards);
	registry_list_free(&ag);
	registry_list_free(&dom);
	return status;
}

/*
 * The invitation token is and its encounter, which p may see: 0, 404 (no
 * invitation; or, with id, not one of encounter id) or 403 (another
 * agency's) with no reply written, or the store failure answered.
 */
static int invitation_access(struct app *a, const struct principal *p, const char *token,
                             const char *id, struct invitation *inv, struct encounter *e,
                             struct http_response *r)
{
	enum store_err err = invite_lookup(a->store, token, inv);
	if (err != STORE_OK && err != STORE_ERR_NOTFOUND)
		return app_store_failure_json(a, r, err);
	if (err == STORE_ERR_NOTFOUND || (id != NULL && strcmp(inv->encounter, id) != 0))
		return 404;
	return encounter_access(a, p, inv->encounter, e, r);
}

/*
 * ?t=, required: 0 with the token (or, with list, tokens separated by
 * commas), or 400 answered when it is absent, too long or not tokens.
 */
static int query_token(const struct http_request *req, struct http_response *r, char *t, size_t n,
                       bool list, const char *what)
{
	*t = '\0';
	if (!http_query_get(req->query, "t", t, n) && http_query_has(req->query, "t")) {
		*t = '\0';
		return app_bad_param(r, "t", "too long or malformed");
	}
	if (*t == '\0')
		return app_bad_param(r, "t", what);
	for (const char *p = t; *p != '\0';) {
		size_t len = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
		if (len != INVITE_TOKEN_LEN - 1 || (p[len] != '\0' && (!list || p[len] != ',')))
			return app_bad_param(r, "t", list ? "a list of invitation tokens (22 characters of "
			                                    "A-Z, a-z, 0-9, '-' and '_') separated by commas"
			                                  : "an invitation token (22 characters of A-Z, a-z, "
			                                    "0-9, '-' and '_')");
		p += len + (p[len] == ',');
	}
	return 0;
}

/* GET /api/v1/encounters/{id}/qr.svg | qr.png | notice ?t=TOKEN */
int app_api_encounter(struct app *a, const struct http_request *req,
                           struct http_response *r, const char *rest)
{
	struct principal p;
	struct encounter e;
	struct invitation inv;
	char id[72], token[64], url[512];
	int status;
	const char *slash = strchr(rest, '/');

	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	if (slash == NULL || (size_t)(slash - rest) >= sizeof id) {
		http_json_error(r, 404, "not_found", "no such route", NULL);
		return 404;
	}
	memcpy(id, rest, (size_t)(slash - rest));
	id[slash - rest] = '\0';
	const char *what = slash + 1;
	bool svg = strcmp(what, "qr.svg") == 0, png = strcmp(what, "qr.png") == 0;
	if (!svg && !png && strcmp(what, "notice") != 0) {
		http_json_error(r, 404, "not_found", "no such route", NULL);
		return 404;
	}
	if ((status = query_token(req, r, token, sizeof token, false,
	                          "required: the token of an invitation of this encounter (POST "
	                          "/api/v1/encounters/{id}/invitations mints one and links here)")) != 0)
		return status;
	if ((status = encounter_access(a, &p, id, &e, r)) == 0)
		status = invitation_access(a, &p, token, id, &inv, &e, r);
	if (status == 404 || status == 403) {
		http_json_error(r, status, status == 404 ? "not_found" : "forbidden",
		                status == 403 ? "this encounter belongs to another agency"
		                              : "no such encounter, or t is no invitation of it", NULL);
		return status;
	}
	if (status != 0)
		return status;
	if (!svg && !png) {
		char *tokens[1] = {token};
		return notices_page(a, r, &e, &inv, tokens, 1);
	}
	invite_url(invite_base_url(), inv.survey, token, url, sizeof url);
	sbuf_reset(&r->body);
	if (svg ? !qr_svg(url, false, &r->body) : !qr_png(url, 8, &r->body)) {
		http_json_error(r, 500, "internal", "cannot make the QR code", NULL);
		return 500;
	}
	r->content_type = svg ? "image/svg+xml; charset=utf-8" : "image/png";
	http_header(r, "Cache-Control", "no-store");
	return 200;
}

/* POST /api/v1/encounters/{id}/invitations: one encounter's mint. */
int app_api_encounter_post(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest)
{
	struct principal p;
	struct survey_pick pick = {0};
	char id[72];
	int status;
	const char *slash = strchr(rest, '/');

	if ((status = app_require_key(a, req, r, &p)) != 0 ||
	    (status = app_query_survey(req, r, false, pick.want, sizeof pick.want)) != 0)
		return status;
	if (slash == NULL || strcmp(slash, "/invitations") != 0 || (size_t)(slash - rest) >= sizeof id) {
		http_json_error(r, 404, "not_found", "no such route (POST /api/v1/encounters/{id}/invitations)",
		                NULL);
		return 404;
	}
	memcpy(id, rest, (size_t)(slash - rest));
	id[slash - rest] = '\0';
	char *ids[1] = {id};
	return mint(a, r, &p, &pick, ids, 1);
}

/* GET /api/v1/notices?t=TOKEN,TOKEN,...  printable A4 sheets of notices. */
int app_api_notices(struct app *a, const struct http_request *req,
                         struct http_response *r, const char *rest)
{
	struct principal p;
	char list[INVITATIONS_MAX * INVITE_TOKEN_LEN + 1];
	char *tokens[INVITATIONS_MAX];
	size_t n = 0;
	int status;

	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	if (http_query_has(req->query, "ids") && !http_query_has(req->query, "t"))
		return app_bad_param(r, "ids", "no longer taken: notices are minted by POST "
		                     "/api/v1/invitations {\"encounters\": [ID, ...]}, whose reply links "
		                     "here with t=TOKEN,TOKEN,...");
	if ((status = query_token(req, r, list, sizeof list, true,
	                          "required: the tokens of the invitations to print, separated by "
	                          "commas, at most 200 (POST /api/v1/invitations gives this link)")) != 0)
		return status;
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (n == INVITATIONS_MAX)
			return app_bad_param(r, "t", "at most 200 tokens at a time");
		tokens[n++] = t;
	}
	if (n == 0)
		return app_bad_param(r, "t", "a list of tokens separated by commas");
	struct encounter *e = xcalloc(n, sizeof *e);
	struct invitation *inv = xcalloc(n, sizeof *inv);
	cJSON *errs = cJSON_CreateArray();
	bool foreign = false;
	for (size_t i = 0; i < n && status < 500; i++) {
		int st = invitation_access(a, &p, tokens[i], NULL, &inv[i], &e[i], r);
		if (st == 403 || st == 404) {
			batch_error(errs, NULL, (long)i, st, st == 403 ? "this token's encounter" : "invitation with this token");
			foreign |= st == 403;
		}
		status = st >= 500 ? st : status;
	}
	if (status == 0)
		status = cJSON_GetArraySize(errs) > 0 ? batch_failed(r, errs, foreign, "these notices")
		                                      : notices_page(a, r, e, inv, tokens, n);
	if (status == 403 || status == 404)
		errs = NULL; /* owned by the reply */
	cJSON_Delete(errs);
	free(inv);
	free(e);
	return status;
}
