/*
 * handler_complaint — the complaint channel (投诉举报, issue 15):
 *
 *   GET/POST /complaint              the public form (CSRF, honeypot, the public
 *                                    channel's hourly limit) → 303 /complaint/filed
 *   GET  /complaint/filed            the tracking code, once (a short-lived cookie)
 *   GET/POST /complaint/track        a tracking code → the state and the public steps
 *                                    (wrong codes counted like wrong invitation tokens)
 *   GET  /api/v1/complaint-categories  the categories offered
 *   GET  /api/v1/complaints?state=   evaluator: all; agency: those forwarded to it
 *   GET  /api/v1/complaints/{code}   one (an agency: forwarded to it, else 404)
 *   GET  /api/v1/complaints/{code}/letter?lang=zh|en  the transfer letter (evaluator)
 *   GET  /api/v1/complaints/{code}/contact           the contact unsealed (evaluator)
 *   POST /api/v1/complaints/{code}/triage            evaluator's action
 *   POST /api/v1/complaints/{code}/answer            the agency's answer
 *
 * Every keyed request is audited by app_require_key(); each action also
 * writes its event and an audit row in one transaction.  Nothing about the
 * citizen's address is stored: the throttles count it in memory only.
 */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "complaint.h"
#include "config.h"
#include "crypto.h"
#include "csrf.h"
#include "form.h"
#include "html.h"
#include "html_complaint.h"
#include "metrics.h"
#include "session.h"
#include "store_complaint.h"
#include "workdays.h"

#define CSRF_SCOPE "complaint"
#define FILED_COOKIE "manyi_cmp"
#define TRIAGE_MAX_BYTES 16384

/* The sealing key, read once per process (the server reads it at start). */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static int key_state;   /* 0 not read yet, 1 read, -1 absent */
static unsigned char key_bytes[CRYPTO_SEAL_KEYBYTES];

/* The sealing key into key; false when the server has none. */
static bool contact_key(struct app *a, unsigned char key[CRYPTO_SEAL_KEYBYTES])
{
	pthread_mutex_lock(&key_lock);
	if (key_state == 0) {
		char path[4096], msg[256];
		key_state = store_complaint_key_path(a->store, path, sizeof path) &&
		                    crypto_key_file(path, false, key_bytes, msg, sizeof msg)
		                ? 1 : -1;
	}
	bool ok = key_state == 1;
	if (ok)
		memcpy(key, key_bytes, CRYPTO_SEAL_KEYBYTES);
	pthread_mutex_unlock(&key_lock);
	return ok;
}

/* The language of a page: ?lang=, or the form's _lang. */
static enum lang page_lang(const struct http_request *req, const struct pairs *form)
{
	enum lang l = app_query_lang(req->query);
	const char *v = form != NULL ? pairs_get(form, "_lang") : NULL;
	if (v != NULL)
		lang_parse(v, &l);
	return l;
}

/* The CSRF token to render: the browser's when still fresh, else a new one. */
static void csrf_for_page(struct app *a, const struct http_request *req, char csrf[CSRF_TOKEN_LEN])
{
	char cookie[CSRF_TOKEN_LEN];
	time_t now = time(NULL);
	if (cookie_get(req->cookie, CSRF_COOKIE, cookie, sizeof cookie) &&
	    csrf_check(a->secret, CSRF_SCOPE, cookie, cookie, now, CSRF_MAX_AGE / 2) == CSRF_VALID)
		memcpy(csrf, cookie, sizeof cookie);
	else
		csrf_make(a->secret, CSRF_SCOPE, now, csrf, CSRF_TOKEN_LEN);
}

/* The head of an HTML page of ours, with the CSRF cookie for /complaint. */
static void page_head(struct http_response *r, const struct http_request *req, int status,
                      enum lang l, const char *csrf)
{
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	if (csrf != NULL) {
		char cookie[256];
		snprintf(cookie, sizeof cookie, "%s=%s; Path=/complaint; Max-Age=%d; HttpOnly; SameSite=Lax%s",
		         CSRF_COOKIE, csrf, CSRF_MAX_AGE, req->https ? "; Secure" : "");
		http_header(r, "Set-Cookie", cookie);
	}
	http_header(r, "Cache-Control", "no-store");
	http_header(r, "Content-Language", l == LANG_ZH ? "zh-CN" : "en");
}

/* The form page with status, values and errors kept. */
static int render_form(struct app *a, const struct http_request *req, struct http_response *r,
                       int status, enum lang l, const char *csrf, const struct pairs *values,
                       const struct complaint_errors *errs, const char *notice)
{
	struct registry_list reg = {0};
	struct complaint_category *cats = NULL;
	size_t ncats = 0;
	unsigned char key[CRYPTO_SEAL_KEYBYTES];
	enum store_err e = store_registry_list(a->store, REGISTRY_AGENCY, &reg);
	if (e == STORE_OK)
		e = store_complaint_categories(a->store, false, &cats, &ncats);
	if (e != STORE_OK) {
		registry_list_free(&reg);
		return app_store_failure_page(a, r, l, e);
	}
	struct html_choice *ch = xcalloc(reg.n ? reg.n : 1, sizeof *ch);
	for (size_t i = 0; i < reg.n; i++) {
		ch[i].code = reg.v[i].code;
		for (int k = 0; k < LANG__MAX; k++)
			ch[i].name[k] = reg.v[i].name[k];
	}
	struct html_site site;
	app_site(a, &site);
	struct html_complaint_form v = {
		.lang = l, .csrf = csrf, .agencies = ch, .nagencies = reg.n, .categories = cats,
		.ncategories = ncats, .values = values, .errors = errs, .notice = notice,
		.contact_offered = contact_key(a, key),
	};
	crypto_memzero(key, sizeof key);
	sbuf_reset(&r->body);
	html_complaint_form_page(&r->body, &v, &site);
	page_head(r, req, status, l, csrf);
	free(ch);
	free(cats);
	registry_list_free(&reg);
	return status;
}

/* A bad ?lang= is 400, as on the survey form; true when it was answered. */
static bool bad_lang(const struct http_request *req, struct http_response *r)
{
	char lang[16];
	enum lang l;
	if (http_query_get(req->query, "lang", lang, sizeof lang) ? *lang != '\0' && !lang_parse(lang, &l)
	                                                         : http_query_has(req->query, "lang")) {
		app_page(r, 400, LANG_ZH, MSG_BAD_LANG_TITLE, MSG_BAD_LANG);
		return true;
	}
	return false;
}

/* GET /complaint */
int app_complaint_get(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest)
{
	(void)rest;
	if (bad_lang(req, r))
		return 400;
	char csrf[CSRF_TOKEN_LEN];
	csrf_for_page(a, req, csrf);
	return render_form(a, req, r, 200, page_lang(req, NULL), csrf, NULL, NULL, NULL);
}

/* A posted urlencoded form into *form: 0, or the status of the page answered. */
static int read_form(const struct http_request *req, struct http_response *r, enum lang l,
                     struct sbuf *body, struct pairs *form)
{
	int status;
	if (!app_media_type_is(req->content_type, "application/x-www-form-urlencoded")) {
		app_page(r, 415, l, MSG_BAD_REQUEST_TITLE, MSG_BAD_TYPE);
		return 415;
	}
	if ((status = http_read_body(req, APP_FORM_MAX, body)) != 0) {
		app_page(r, status, l, MSG_BAD_REQUEST_TITLE, status == 413 ? MSG_TOO_LARGE : MSG_BAD_REQUEST);
		return status;
	}
	if (form_parse(body->data, body->len, form) != FORM_OK) {
		app_page(r, 400, l, MSG_BAD_REQUEST_TITLE, MSG_BAD_REQUEST);
		return 400;
	}
	return 0;
}

/*
 * A posted form of ours read into *form (its language into *l) and its
 * CSRF token checked: 0 with csrf the posted token; -1 when the check
 * failed, with csrf a new token and msg the page's notice (the caller
 * renders its page 403); or the status of the error page answered.
 */
static int read_post(struct app *a, const struct http_request *req, struct http_response *r,
                     enum lang *l, struct sbuf *body, struct pairs *form,
                     char csrf[CSRF_TOKEN_LEN], const char **msg)
{
	int status = read_form(req, r, *l, body, form);
	if (status != 0)
		return status;
	*l = page_lang(req, form);
	char cookie[CSRF_TOKEN_LEN];
	bool have = cookie_get(req->cookie, CSRF_COOKIE, cookie, sizeof cookie);
	enum csrf_result cr = csrf_check(a->secret, CSRF_SCOPE, pairs_get(form, "_csrf"),
	                                 have ? cookie : NULL, time(NULL), CSRF_MAX_AGE);
	if (cr == CSRF_VALID) {
		snprintf(csrf, CSRF_TOKEN_LEN, "%s", pairs_get(form, "_csrf"));
		return 0;
	}
	metrics_reject(REJECT_CSRF);
	*msg = app_msgs[cr == CSRF_EXPIRED ? MSG_CSRF_EXPIRED : have ? MSG_CSRF_MISSING : MSG_CSRF_NO_COOKIE][*l];
	csrf_make(a->secret, CSRF_SCOPE, time(NULL), csrf, CSRF_TOKEN_LEN);
	return -1;
}

/* 303 to /complaint/filed, with the tracking code in a cookie when there is one. */
static int filed_redirect(struct http_response *r, const struct http_request *req, enum lang l,
                          const char *track)
{
	char location[64], cookie[160];
	snprintf(location, sizeof location, "/complaint/filed?lang=%s", lang_code(l));
	r->status = 303;
	http_header(r, "Location", location);
	if (track != NULL) {
		snprintf(cookie, sizeof cookie, "%s=%s; Path=/complaint/; Max-Age=600; HttpOnly; SameSite=Strict%s",
		         FILED_COOKIE, track, req->https ? "; Secure" : "");
		http_header(r, "Set-Cookie", cookie);
	}
	http_header(r, "Cache-Control", "no-store");
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_complaint_filed_page(&r->body, l, NULL, NULL);
	return 303;
}

/* Store a checked complaint: the codes made here; shown gets the tracking code. */
static enum store_err store_new(struct app *a, const struct pairs *form, const char *today,
                                char shown[COMPLAINT_TRACK_SHOWN])
{
	unsigned char hash[32], key[CRYPTO_SEAL_KEYBYTES];
	unsigned char *sealed = NULL;
	size_t nsealed = 0;
	const char *anonymous = pairs_get(form, "anonymous"), *contact = pairs_get(form, "contact");
	bool named = anonymous != NULL && strcmp(anonymous, "no") == 0 && contact != NULL && *contact != '\0';
	if (named && contact_key(a, key)) {
		nsealed = strlen(contact) + CRYPTO_SEAL_OVERHEAD;
		sealed = xmalloc(nsealed);
		crypto_seal(sealed, contact, strlen(contact), key);
		crypto_memzero(key, sizeof key);
	}
	const char *cert = pairs_get(form, "officer_cert"), *on = pairs_get(form, "happened_on");
	char code[24];
	struct complaint_new c = {
		.code = code, .track_hash = hash, .agency = pairs_get(form, "agency"),
		.officer = cert != NULL && *cert != '\0' ? cert : NULL,
		.officer_text = pairs_get(form, "officer_text"), .category = pairs_get(form, "category"),
		.happened_on = on != NULL && *on != '\0' ? on : NULL, .place = pairs_get(form, "place"),
		.what = pairs_get(form, "what"), .anonymous = sealed == NULL, .sealed = sealed,
		.nsealed = nsealed, .filed_on = today,
	};
	enum store_err e = STORE_ERR_CONSTRAINT;
	/* A code drawn twice (1 in 2^50) is drawn again. */
	for (int tries = 0; tries < 3 && e == STORE_ERR_CONSTRAINT; tries++) {
		long long id;
		complaint_case_code(code, sizeof code);
		complaint_track_new(shown, hash);
		e = store_complaint_add(a->store, &c, &id);
	}
	free(sealed);
	return e;
}

/* POST /complaint */
int app_complaint_post(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest)
{
	struct sbuf body;
	struct pairs form;
	enum lang l = page_lang(req, NULL);
	char csrf[CSRF_TOKEN_LEN], today[11], shown[COMPLAINT_TRACK_SHOWN];
	const char *msg;
	int status;
	long wait;
	time_t now = time(NULL);

	(void)rest;
	sbuf_init(&body);
	pairs_init(&form);
	if ((status = read_post(a, req, r, &l, &body, &form, csrf, &msg)) != 0) {
		if (status < 0)
			status = render_form(a, req, r, 403, l, csrf, &form, NULL, msg);
		goto done;
	}
	const char *hp = pairs_get(&form, "_hp");
	if (hp != NULL && *hp != '\0') { /* a bot: thanks, and nothing stored */
		metrics_reject(REJECT_HONEYPOT);
		status = filed_redirect(r, req, l, NULL);
		goto done;
	}
	if (!throttle_allowed(a->throttle, THROTTLE_PUBLIC, req->remote_addr, now, &wait)) {
		metrics_reject(REJECT_THROTTLED);
		status = render_form(a, req, r, 429, l, csrf, &form, NULL, app_msgs[MSG_SLOW_PUBLIC][l]);
		app_retry_after(r, wait);
		goto done;
	}
	complaint_today(today, sizeof today);
	unsigned char key[CRYPTO_SEAL_KEYBYTES];
	struct complaint_form f = {
		.what = pairs_get(&form, "what"), .happened_on = pairs_get(&form, "happened_on"),
		.place = pairs_get(&form, "place"), .agency = pairs_get(&form, "agency"),
		.officer_cert = pairs_get(&form, "officer_cert"), .officer_text = pairs_get(&form, "officer_text"),
		.category = pairs_get(&form, "category"), .anonymous = pairs_get(&form, "anonymous"),
		.contact = pairs_get(&form, "contact"), .contact_offered = contact_key(a, key), .today = today,
	};
	crypto_memzero(key, sizeof key);
	struct complaint_errors errs;
	enum store_err e = complaint_check(a->store, &f, &errs);
	if (e != STORE_OK) {
		status = app_store_failure_page(a, r, l, e);
		goto done;
	}
	if (errs.n > 0) {
		metrics_reject(REJECT_INVALID);
		status = render_form(a, req, r, 422, l, csrf, &form, &errs, NULL);
		goto done;
	}
	if ((e = store_new(a, &form, today, shown)) != STORE_OK) {
		status = app_store_failure_page(a, r, l, e);
		goto done;
	}
	throttle_count(a->throttle, THROTTLE_PUBLIC, req->remote_addr, now);
	status = filed_redirect(r, req, l, shown);
	crypto_memzero(shown, sizeof shown);
done:
	pairs_free(&form);
	sbuf_free(&body);
	return status;
}

/* Is s a tracking code as this server shows it (XXXX-XXXX-XXXX-XXXX)? */
static bool shown_code(const char *s)
{
	if (strlen(s) != COMPLAINT_TRACK_SHOWN - 1)
		return false;
	for (int i = 0; s[i]; i++)
		if (i % 5 == 4 ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* GET /complaint/filed: the code once, the cookie cleared. */
static int filed_page(struct app *a, const struct http_request *req, struct http_response *r)
{
	enum lang l = page_lang(req, NULL);
	char track[COMPLAINT_TRACK_SHOWN + 8];
	bool have = cookie_get(req->cookie, FILED_COOKIE, track, sizeof track) && shown_code(track);
	struct html_site site;
	app_site(a, &site);
	sbuf_reset(&r->body);
	html_complaint_filed_page(&r->body, l, have ? track : NULL, &site);
	page_head(r, req, 200, l, NULL);
	if (have) {
		char cookie[128];
		snprintf(cookie, sizeof cookie, "%s=; Path=/complaint/; Max-Age=0; HttpOnly; SameSite=Strict",
		         FILED_COOKIE);
		http_header(r, "Set-Cookie", cookie);
	}
	return 200;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) as its UTC+8 date into out (11). */
static void local_date(const char *at, char *out, size_t n)
{
	long long days;
	char d[11];
	snprintf(d, sizeof d, "%.10s", at);
	int hour = (int)strtol(at + (strlen(at) > 11 ? 11 : strlen(at)), NULL, 10);
	if (!day_parse(d, &days)) {
		snprintf(out, n, "%s", d);
		return;
	}
	day_format(days + (hour >= 16 ? 1 : 0), out, n);
}

/* The tracking page, with the complaint when c is not NULL. */
static int track_page(struct app *a, const struct http_request *req, struct http_response *r,
                      int status, enum lang l, const char *csrf, const char *message,
                      const struct complaint *c)
{
	struct html_complaint_track v = {.lang = l, .csrf = csrf, .message = message, .found = c != NULL};
	struct complaint_event *ev = NULL;
	size_t nev = 0;
	struct html_complaint_step *steps = NULL;
	char (*dates)[11] = NULL;
	struct complaint_category cat;
	if (c != NULL) {
		enum store_err e = store_complaint_events(a->store, c->id, &ev, &nev);
		if (e == STORE_OK)
			e = store_complaint_category(a->store, c->category, &cat);
		if (e != STORE_OK)
			return app_store_failure_page(a, r, l, e);
		steps = xcalloc(nev ? nev : 1, sizeof *steps);
		dates = xcalloc(nev ? nev : 1, sizeof *dates);
		for (size_t i = 0; i < nev; i++) {
			if (strcmp(ev[i].action, "note") == 0) /* the staff's own notes */
				continue;
			bool public_note = strcmp(ev[i].action, "reject") == 0 || strcmp(ev[i].action, "close") == 0 ||
			                   strcmp(ev[i].action, "answer") == 0;
			size_t k = v.nsteps++;
			local_date(ev[i].at, dates[k], sizeof dates[k]);
			steps[k] = (struct html_complaint_step){
				.date = dates[k], .action = ev[i].action, .receiver = ev[i].receiver,
				.due = ev[i].due, .note = public_note ? ev[i].note : "",
			};
		}
		v.state = c->state;
		v.filed_on = c->filed_on;
		v.due = strcmp(c->state, "forwarded") == 0 ? c->due : "";
		v.category = cat.name[l == LANG_EN ? LANG_EN : LANG_ZH];
		v.steps = steps;
	}
	struct html_site site;
	app_site(a, &site);
	sbuf_reset(&r->body);
	html_complaint_track_page(&r->body, &v, &site);
	page_head(r, req, status, l, csrf);
	complaint_events_free(ev, nev);
	free(steps);
	free(dates);
	return status;
}

/* GET /complaint/filed and /complaint/track */
int app_complaint_sub_get(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest)
{
	if (bad_lang(req, r))
		return 400;
	enum lang l = page_lang(req, NULL);
	if (strcmp(rest, "filed") == 0)
		return filed_page(a, req, r);
	if (strcmp(rest, "track") != 0) {
		app_page(r, 404, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_PAGE);
		return 404;
	}
	char csrf[CSRF_TOKEN_LEN];
	csrf_for_page(a, req, csrf);
	return track_page(a, req, r, 200, l, csrf, NULL, NULL);
}

/* POST /complaint/track */
int app_complaint_sub_post(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest)
{
	struct sbuf body;
	struct pairs form;
	enum lang l = page_lang(req, NULL);
	char csrf[CSRF_TOKEN_LEN];
	const char *msg;
	int status;
	long wait;
	time_t now = time(NULL);

	if (strcmp(rest, "track") != 0) {
		app_page(r, 404, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_PAGE);
		return 404;
	}
	sbuf_init(&body);
	pairs_init(&form);
	if ((status = read_post(a, req, r, &l, &body, &form, csrf, &msg)) != 0) {
		if (status < 0)
			status = track_page(a, req, r, 403, l, csrf, msg, NULL);
		goto done;
	}
	if (!throttle_allowed(a->throttle, THROTTLE_BAD_TOKEN, req->remote_addr, now, &wait)) {
		status = track_page(a, req, r, 429, l, csrf, app_msgs[MSG_SLOW][l], NULL);
		app_retry_after(r, wait);
		goto done;
	}
	unsigned char hash[32];
	struct complaint c;
	enum store_err e = complaint_track_hash(pairs_get(&form, "code"), hash)
	                       ? store_complaint_by_track(a->store, hash, &c) : STORE_ERR_NOTFOUND;
	if (e == STORE_ERR_NOTFOUND) {
		throttle_count(a->throttle, THROTTLE_BAD_TOKEN, req->remote_addr, now);
		status = track_page(a, req, r, 404, l, csrf,
		                    l == LANG_EN ? "No report has this tracking code. Check it and try again."
		                                 : "没有这个查询码的投诉，请核对后重新输入。", NULL);
		goto done;
	}
	if (e != STORE_OK) {
		status = app_store_failure_page(a, r, l, e);
		goto done;
	}
	status = track_page(a, req, r, 200, l, csrf, NULL, &c);
	complaint_free(&c);
done:
	pairs_free(&form);
	sbuf_free(&body);
	return status;
}

/* GET /api/v1/complaint-categories */
int app_api_complaint_categories(struct app *a, const struct http_request *req,
                                 struct http_response *r, const char *rest)
{
	struct complaint_category *v;
	size_t n;
	(void)rest;
	enum store_err e = store_complaint_categories(a->store, false, &v, &n);
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "categories");
	int version = 0;
	for (size_t i = 0; i < n; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "code", v[i].code);
		cJSON *nm = cJSON_AddObjectToObject(c, "name");
		cJSON_AddStringToObject(nm, "zh", v[i].name[LANG_ZH]);
		cJSON_AddStringToObject(nm, "en", v[i].name[LANG_EN]);
		if (v[i].national > 0)
			cJSON_AddNumberToObject(c, "national", v[i].national);
		else
			cJSON_AddNullToObject(c, "national");
		cJSON_AddBoolToObject(c, "discipline", v[i].discipline);
		cJSON_AddNumberToObject(c, "version", v[i].version);
		cJSON_AddItemToArray(arr, c);
		if (v[i].version > version)
			version = v[i].version;
	}
	cJSON_AddNumberToObject(o, "version", version);
	free(v);
	r->status = 200;
	http_json(r, 200, o);
	return app_etag_reply(req, r, 200);
}

static const char *const states[] = {"received", "accepted", "forwarded", "answered",
                                     "transferred", "rejected", "closed"};

/* GET /api/v1/complaints?state= */
int app_api_complaints(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest)
{
	struct principal p;
	char state[32] = "", today[11];
	int status;
	(void)rest;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	if (p.role != ROLE_EVALUATOR && p.role != ROLE_AGENCY) {
		http_json_error(r, 403, "forbidden", "complaints are for the evaluator and the agencies", NULL);
		return 403;
	}
	if (http_query_has(req->query, "state")) {
		bool known = false;
		if (http_query_get(req->query, "state", state, sizeof state))
			for (size_t i = 0; i < ARRAY_SIZE(states); i++)
				known = known || strcmp(states[i], state) == 0;
		if (!known) {
			http_json_error(r, 400, "bad_query", "state: one of received, accepted, forwarded, answered, "
			                "transferred, rejected, closed", NULL);
			return 400;
		}
	}
	struct complaint *v;
	size_t n;
	enum store_err e = store_complaint_list(a->store, *state ? state : NULL,
	                                        p.role == ROLE_AGENCY ? p.agency : NULL, &v, &n);
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	complaint_today(today, sizeof today);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "complaints");
	for (size_t i = 0; i < n; i++) {
		cJSON *c = NULL;
		if (e == STORE_OK && (e = complaint_json(a->store, &v[i], p.role == ROLE_EVALUATOR, today, &c)) == STORE_OK)
			cJSON_AddItemToArray(arr, c);
		complaint_free(&v[i]);
	}
	free(v);
	if (e != STORE_OK) {
		cJSON_Delete(o);
		return app_store_failure_json(a, r, e);
	}
	http_json(r, 200, o);
	http_header(r, "Cache-Control", "no-store");
	return 200;
}

/* Split "CODE[/what]" from rest: false when CODE cannot be one. */
static bool split_rest(const char *rest, char code[24], const char **what)
{
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	*what = slash ? slash + 1 : "";
	if (len == 0 || len >= 24)
		return false;
	memcpy(code, rest, len);
	code[len] = '\0';
	return code_valid(code);
}

/*
 * The complaint named by rest as p may see it: 0 with *c (complaint_free),
 * or the status answered (404 also for an agency's complaint not forwarded
 * to it: it cannot tell one from a code that does not exist).
 */
static int load_visible(struct app *a, struct http_response *r, const struct principal *p,
                        const char *code, struct complaint *c)
{
	enum store_err e = store_complaint_get(a->store, code, c);
	if (e == STORE_OK && p->role == ROLE_AGENCY) {
		struct complaint_event *ev;
		size_t n;
		bool forwarded = false;
		if ((e = store_complaint_events(a->store, c->id, &ev, &n)) == STORE_OK) {
			for (size_t i = 0; i < n; i++)
				forwarded = forwarded || strcmp(ev[i].action, "forward") == 0;
			complaint_events_free(ev, n);
			if (!forwarded || strcmp(c->agency, p->agency) != 0)
				e = STORE_ERR_NOTFOUND;
		}
		if (e != STORE_OK)
			complaint_free(c);
	}
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "not_found", "no complaint has this code", NULL);
		return 404;
	}
	return e == STORE_OK ? 0 : app_store_failure_json(a, r, e);
}

/* The complaint as p sees it, 200 (or the status of a failure). */
static int reply_complaint(struct app *a, struct http_response *r, const struct principal *p,
                           const struct complaint *c, int status, bool due_uncovered)
{
	char today[11];
	cJSON *o;
	complaint_today(today, sizeof today);
	enum store_err e = complaint_json(a->store, c, p->role == ROLE_EVALUATOR, today, &o);
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	if (due_uncovered)
		cJSON_AddBoolToObject(o, "due_uncovered", true);
	http_json(r, status, o);
	http_header(r, "Cache-Control", "no-store");
	return status;
}

/* GET .../contact: the contact unsealed, for the evaluator (the key's use audited). */
static int contact_reply(struct app *a, struct http_response *r, const struct principal *p,
                         const struct complaint *c)
{
	unsigned char *sealed, key[CRYPTO_SEAL_KEYBYTES];
	size_t n;
	enum store_err e = store_complaint_contact(a->store, c->id, &sealed, &n);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "no_contact", "the complainant left no contact (anonymous)", NULL);
		return 404;
	}
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	if (!contact_key(a, key) || n < CRYPTO_SEAL_OVERHEAD) {
		free(sealed);
		http_json_error(r, 500, "no_key", "the sealing key could not be read on the server", NULL);
		return 500;
	}
	char *text = xcalloc(1, n - CRYPTO_SEAL_OVERHEAD + 1);
	bool ok = crypto_unseal((unsigned char *)text, sealed, n, key);
	crypto_memzero(key, sizeof key);
	free(sealed);
	char actor[80];
	session_actor(p, actor, sizeof actor);
	if (!ok || (e = store_audit(a->store, actor, "complaint contact unsealed", c->code, NULL)) != STORE_OK) {
		crypto_memzero(text, n - CRYPTO_SEAL_OVERHEAD);
		free(text);
		if (ok)
			return app_store_failure_json(a, r, e);
		http_json_error(r, 500, "unseal_failed", "the contact could not be unsealed with this server's key", NULL);
		return 500;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "contact", text);
	crypto_memzero(text, n - CRYPTO_SEAL_OVERHEAD);
	free(text);
	http_json(r, 200, o);
	http_header(r, "Cache-Control", "no-store");
	return 200;
}

/* GET .../letter: the transfer letter as printable HTML. */
static int letter_reply(struct app *a, const struct http_request *req, struct http_response *r,
                        const struct complaint *c)
{
	char lang[8];
	enum lang l = LANG_ZH;
	if (http_query_get(req->query, "lang", lang, sizeof lang) && !lang_parse(lang, &l)) {
		http_json_error(r, 400, "bad_query", "lang: zh or en", NULL);
		return 400;
	}
	struct complaint_event *ev;
	size_t n;
	struct complaint_category cat;
	enum store_err e = store_complaint_events(a->store, c->id, &ev, &n);
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	const struct complaint_event *t = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(ev[i].action, "transfer") == 0)
			t = &ev[i];
	long long seq = 0;
	int status = 200;
	if (t == NULL) {
		http_json_error(r, 409, "not_transferred",
		                "this complaint was not transferred: a letter is made for a transfer (triage action transfer)", NULL);
		status = 409;
		goto done;
	}
	if ((e = store_complaint_transfer_seq(a->store, t->id, &seq)) != STORE_OK ||
	    (e = store_complaint_category(a->store, c->category, &cat)) != STORE_OK) {
		status = app_store_failure_json(a, r, e);
		goto done;
	}
	struct registry_list reg = {0};
	if ((e = store_registry_list(a->store, REGISTRY_AGENCY, &reg)) != STORE_OK) {
		status = app_store_failure_json(a, r, e);
		goto done;
	}
	const char *agency = c->agency;
	for (size_t i = 0; i < reg.n; i++)
		if (strcmp(reg.v[i].code, c->agency) == 0 && reg.v[i].name[l] != NULL)
			agency = reg.v[i].name[l];
	char date[11], number[96], officer[400];
	local_date(t->at, date, sizeof date);
	if (l == LANG_EN)
		snprintf(number, sizeof number, "Transfer No. %.4s-%lld (case %s)", date, seq, c->code);
	else
		snprintf(number, sizeof number, "移字〔%.4s〕第 %lld 号", date, seq);
	if (c->officer[0] != '\0')
		snprintf(officer, sizeof officer, l == LANG_EN ? "%s (certificate no. %s)%s%s" : "%s（执法证号 %s）%s%s",
		         c->officer_name, c->officer, *c->officer_text ? "; " : "", c->officer_text);
	else
		snprintf(officer, sizeof officer, "%s", c->officer_text);
	const char *bureau = a->evaluator[l][0] ? a->evaluator[l] : a->evaluator[l == LANG_ZH ? LANG_EN : LANG_ZH];
	struct html_complaint_letter v = {
		.lang = l, .bureau = bureau, .number = number, .receiver = t->receiver, .date = date,
		.code = c->code, .agency = agency, .happened_on = c->happened_on, .place = c->place,
		.what = c->what, .filed_on = c->filed_on, .category = cat.name[l], .national = cat.national,
		.officer = officer, .note = t->note, .nevents = n,
	};
	sbuf_reset(&r->body);
	html_complaint_letter_page(&r->body, &v);
	registry_list_free(&reg);
	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	http_header(r, "Cache-Control", "no-store");
done:
	complaint_events_free(ev, n);
	return status;
}

/* GET /api/v1/complaints/{code}[/letter|/contact] */
int app_api_complaint(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest)
{
	struct principal p;
	struct complaint c;
	char code[24];
	const char *what;
	int status;
	if ((status = app_require_key(a, req, r, &p)) != 0)
		return status;
	if (p.role != ROLE_EVALUATOR && p.role != ROLE_AGENCY) {
		http_json_error(r, 403, "forbidden", "complaints are for the evaluator and the agencies", NULL);
		return 403;
	}
	if (!split_rest(rest, code, &what) ||
	    (*what && strcmp(what, "letter") != 0 && strcmp(what, "contact") != 0)) {
		http_json_error(r, 404, "not_found", "no such route", NULL);
		return 404;
	}
	if (*what && p.role != ROLE_EVALUATOR) {
		http_json_error(r, 403, "forbidden", "the letter and the contact are for the evaluator only", NULL);
		return 403;
	}
	if ((status = load_visible(a, r, &p, code, &c)) != 0)
		return status;
	if (strcmp(what, "contact") == 0)
		status = contact_reply(a, r, &p, &c);
	else if (strcmp(what, "letter") == 0)
		status = letter_reply(a, req, r, &c);
	else
		status = reply_complaint(a, r, &p, &c, 200, false);
	complaint_free(&c);
	return status;
}

/* A 422 naming the field; returns 422. */
static int bad_field(struct http_response *r, const char *field, const char *msg)
{
	cJSON *f = cJSON_CreateArray();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "field", field);
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddItemToArray(f, o);
	char text[300];
	snprintf(text, sizeof text, "%s: %s", field, msg);
	http_json_error(r, 422, "invalid", text, f);
	return 422;
}

/* An optional text member of o ("" when absent): false when it is there and not a string. */
static bool member_text(const cJSON *o, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = "";
	if (v == NULL || cJSON_IsNull(v))
		return true;
	if (!cJSON_IsString(v))
		return false;
	*out = v->valuestring;
	return true;
}

/* A staff action checked: the parsed body's action, note, receiver, days. */
struct action_in {
	const char *action, *note, *receiver;
	long days;
};

/* Read and check the body of a triage (evaluator) or an answer (agency): 0 or the status answered. */
static int action_parse(struct app *a, struct http_response *r, const cJSON *o, bool triage,
                        struct action_in *in)
{
	static const char *const actions[] = {"accept", "forward", "transfer", "reject", "close", "note"};
	if (!cJSON_IsObject(o)) {
		http_json_error(r, 400, "malformed", "the body must be a JSON object", NULL);
		return 400;
	}
	in->action = "answer";
	if (triage) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "action");
		bool known = false;
		for (size_t i = 0; cJSON_IsString(act) && i < ARRAY_SIZE(actions); i++)
			known = known || strcmp(actions[i], act->valuestring) == 0;
		if (!known)
			return bad_field(r, "action", "one of accept, forward, transfer, reject, close, note");
		in->action = act->valuestring;
	}
	if (!member_text(o, "note", &in->note) || strlen(in->note) > 4 * COMPLAINT_NOTE_MAX ||
	    !utf8_valid(in->note, strlen(in->note)) ||
	    utf8_length(in->note, strlen(in->note)) > COMPLAINT_NOTE_MAX)
		return bad_field(r, "note", "text of at most 2000 characters");
	bool needs_note = !triage || strcmp(in->action, "reject") == 0 || strcmp(in->action, "close") == 0 ||
	                  strcmp(in->action, "note") == 0;
	if (needs_note && *in->note == '\0')
		return bad_field(r, "note", triage ? "required for reject, close and note: say why"
		                                   : "required: the agency's answer");
	if (!member_text(o, "receiver", &in->receiver) || strlen(in->receiver) >= COMPLAINT_NAME_MAX ||
	    strpbrk(in->receiver, "\r\n\t") != NULL || utf8_has_controls(in->receiver, strlen(in->receiver)))
		return bad_field(r, "receiver", "one line of text (the receiving body, e.g. 市纪委监委)");
	if (strcmp(in->action, "transfer") == 0 && *in->receiver == '\0')
		return bad_field(r, "receiver", "required for transfer: the receiving body, e.g. 市纪委监委");
	if (strcmp(in->action, "transfer") != 0)
		in->receiver = "";
	in->days = config_get(a->store, CONFIG_COMPLAINT_DAYS);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "days");
	if (d != NULL && !cJSON_IsNull(d)) {
		if (strcmp(in->action, "forward") != 0)
			return bad_field(r, "days", "only with forward");
		if (!cJSON_IsNumber(d) || d->valuedouble != (double)(long)d->valuedouble || d->valuedouble < 1 ||
		    d->valuedouble > 60)
			return bad_field(r, "days", "a whole number of working days, 1 to 60");
		in->days = (long)d->valuedouble;
	}
	return 0;
}

/* The due date of a forward made today: "" and *uncovered when the calendar does not reach it. */
static enum store_err forward_due(struct app *a, long days, char due[11], bool *uncovered)
{
	struct calendar *cal;
	char today[11];
	*uncovered = false;
	due[0] = '\0';
	enum store_err e = calendar_load(a->store, &cal);
	if (e != STORE_OK)
		return e;
	complaint_today(today, sizeof today);
	if (calendar_add(cal, today, (int)days, due) != WORKDAYS_OK) {
		due[0] = '\0';
		*uncovered = true;
	}
	calendar_free(cal);
	return STORE_OK;
}

/* Record the action on c: the event, the state, the audit row, one transaction. */
static enum store_err record(struct app *a, const struct principal *p, struct complaint *c,
                             const struct action_in *in, const char *next, const char *due)
{
	char actor[80], detail[200];
	session_actor(p, actor, sizeof actor);
	snprintf(detail, sizeof detail, "%s → %s%s%s", in->action, next, *due ? ", due " : "", due);
	enum store_err e = store_begin(a->store);
	if (e == STORE_OK)
		e = store_complaint_event_add(a->store, c->id, p->role == ROLE_AGENCY ? "agency" : "evaluator",
		                              in->action, in->receiver, *due ? due : NULL, in->note);
	if (e == STORE_OK)
		e = store_complaint_set_state(a->store, c->id, next, *due ? due : *c->due ? c->due : NULL);
	if (e == STORE_OK)
		e = store_audit(a->store, actor, strcmp(in->action, "answer") == 0 ? "complaint answer" : "complaint triage",
		                c->code, detail);
	if (e == STORE_OK)
		e = store_commit(a->store);
	if (e != STORE_OK)
		store_rollback(a->store);
	return e;
}

/* POST /api/v1/complaints/{code}/triage (evaluator) and /answer (agency) */
int app_api_complaint_post(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest)
{
	struct principal p;
	struct complaint c;
	struct sbuf body;
	char code[24], due[11] = "";
	const char *what, *allowed;
	int status;
	cJSON *root = NULL;
	bool uncovered = false, loaded = false;
	struct action_in in = {0};

	sbuf_init(&body);
	if ((status = app_require_key(a, req, r, &p)) != 0)
		goto done;
	if (!split_rest(rest, code, &what) || (strcmp(what, "triage") != 0 && strcmp(what, "answer") != 0)) {
		http_json_error(r, status = 404, "not_found", "no such route", NULL);
		goto done;
	}
	bool triage = strcmp(what, "triage") == 0;
	if (p.role != (triage ? ROLE_EVALUATOR : ROLE_AGENCY)) {
		http_json_error(r, status = 403, "forbidden",
		                triage ? "triage is the evaluator's" : "an answer is the agency's, for a complaint forwarded to it",
		                NULL);
		goto done;
	}
	if ((status = app_json_body(req, r, TRIAGE_MAX_BYTES, "the action", &body)) != 0)
		goto done;
	if ((root = cJSON_ParseWithLength(body.data, body.len)) == NULL) {
		http_json_error(r, status = 400, "malformed", "the body is not JSON", NULL);
		goto done;
	}
	if ((status = action_parse(a, r, root, triage, &in)) != 0)
		goto done;
	if ((status = load_visible(a, r, &p, code, &c)) != 0)
		goto done;
	loaded = true;
	const char *next = complaint_next(c.state, in.action, &allowed);
	if (next == NULL) {
		char msg[300];
		snprintf(msg, sizeof msg, "the complaint is %s: %s is allowed on %s", c.state, in.action, allowed);
		http_json_error(r, status = 409, "wrong_state", msg, NULL);
		goto done;
	}
	enum store_err e = STORE_OK;
	if (strcmp(in.action, "forward") == 0)
		e = forward_due(a, in.days, due, &uncovered);
	if (e == STORE_OK)
		e = record(a, &p, &c, &in, next, due);
	if (e != STORE_OK) {
		status = app_store_failure_json(a, r, e);
		goto done;
	}
	complaint_free(&c);
	if ((e = store_complaint_get(a->store, code, &c)) != STORE_OK) {
		loaded = false;
		status = app_store_failure_json(a, r, e);
		goto done;
	}
	status = reply_complaint(a, r, &p, &c, 200, uncovered);
done:
	if (loaded)
		complaint_free(&c);
	cJSON_Delete(root);
	sbuf_free(&body);
	return status;
}
