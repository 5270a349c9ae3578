/*
 * handler_complaint — the complaint channel (投诉举报, issue 15):
 *
 *   GET/POST /complaint              the public form (CSRF, honeypot, the public
 *                                    channel's hourly limit) → 303 /complaint/filed
 *   GET  /complaint/filed            the tracking code, once (a short-lived cookie)
 *   GET/POST /complaint/track        a tracking code → the state and the public steps
 *                                    (wrong codes counted like wrong invitation tokens)
 *
 * The staff's JSON routes are handler_complaint_api.c's.  Nothing about the
 * citizen's address is stored: the throttles count it in memory only; the
 * contact is sealed before it is stored, the tracking code hashed.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "complaint.h"
#include "crypto.h"
#include "csrf.h"
#include "form.h"
#include "html.h"
#include "html_complaint.h"
#include "metrics.h"
#include "store_complaint.h"

#define CSRF_SCOPE "complaint"
#define FILED_COOKIE "manyi_cmp"

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
		.contact_offered = a->has_contact_key,
	};
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
	/* Filled in from a link (the certificate lookup's "report this officer"):
	 * ?agency=A01&officer_cert=...; shown, escaped, and checked when posted. */
	struct pairs pre;
	char v[72];
	pairs_init(&pre);
	static const char *const keys[] = {"agency", "officer_cert"};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (http_query_get(req->query, keys[i], v, sizeof v))
			pairs_add(&pre, keys[i], v);
	int status = render_form(a, req, r, 200, page_lang(req, NULL), csrf, &pre, NULL, NULL);
	pairs_free(&pre);
	return status;
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
	unsigned char hash[32];
	unsigned char *sealed = NULL;
	size_t nsealed = 0;
	const char *anonymous = pairs_get(form, "anonymous"), *contact = pairs_get(form, "contact");
	bool named = anonymous != NULL && strcmp(anonymous, "no") == 0 && contact != NULL && *contact != '\0';
	if (named && a->has_contact_key) {
		nsealed = strlen(contact) + CRYPTO_SEAL_OVERHEAD;
		sealed = xmalloc(nsealed);
		crypto_seal(sealed, contact, strlen(contact), a->contact_key);
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
	struct complaint_form f = {
		.what = pairs_get(&form, "what"), .happened_on = pairs_get(&form, "happened_on"),
		.place = pairs_get(&form, "place"), .agency = pairs_get(&form, "agency"),
		.officer_cert = pairs_get(&form, "officer_cert"), .officer_text = pairs_get(&form, "officer_text"),
		.category = pairs_get(&form, "category"), .anonymous = pairs_get(&form, "anonymous"),
		.contact = pairs_get(&form, "contact"), .contact_offered = a->has_contact_key,
		.today = today,
	};
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
			complaint_local_date(ev[i].at, dates[k]);
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
