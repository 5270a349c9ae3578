/* handler_form — the HTML form, GET and POST /s/{survey}; see app_internal.h. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "crypto.h"
#include "csrf.h"
#include "form.h"
#include "html.h"
#include "integrity_web.h"
#include "metrics.h"
#include "page_cache.h"

/* Everything a form render needs beyond the view itself. */
struct form_ctx {
	const char *survey_id;
	int version;            /* the survey's stored version */
	enum lang lang;
	bool https;             /* mark the cookie Secure */
	char token[INVITE_TOKEN_LEN]; /* the invitation, or "" */
	const char *context;    /* the encounter line shown with an invitation */
	char action[128];
	char csrf[CSRF_TOKEN_LEN];
	char nonce[INTEGRITY_STAMP_LEN]; /* this render's _n: random, its time, a MAC */
};

/*
 * Render the form with status, keeping values and errors; sets the CSRF
 * cookie for the token in fc->csrf.
 */
static int render_form(struct app *a, struct http_response *r, int status,
                       const struct survey *sv, struct form_ctx *fc,
                       const struct pairs *values, const struct answer_errors *errs,
                       const char *notice)
{
	struct html_site site;
	app_site(a, &site);
	/* Every render its own _n: the answer it gives is stored once, and
	 * the time it was shown travels signed in it (the speed rule). */
	integrity_stamp_make(a->secret, fc->survey_id, time(NULL), fc->nonce);
	struct form_view v = {
		.survey = sv,
		.lang = fc->lang,
		.action = fc->action,
		.csrf = fc->csrf,
		.nonce = fc->nonce,
		.token = fc->token[0] ? fc->token : NULL,
		.context = fc->context,
		.ask_context = fc->token[0] == '\0',
		.values = values,
		.errors = errs,
		.notice = notice,
		.site = &site,
		.callback = a->has_contact_key,
	};
	sbuf_reset(&r->body);
	enum store_err e = page_cache_form(a->pages, a->store, fc->survey_id, fc->version, &v, &r->body);
	if (e != STORE_OK)
		return app_store_failure_page(a, r, fc->lang, e);
	r->status = status;
	r->content_type = "text/html; charset=utf-8";

	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/s/%s; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	         CSRF_COOKIE, fc->csrf, fc->survey_id, CSRF_MAX_AGE, fc->https ? "; Secure" : "");
	http_header(r, "Set-Cookie", cookie);
	http_header(r, "Cache-Control", "no-store");
	http_header(r, "Content-Language", fc->lang == LANG_ZH ? "zh-CN" : "en");
	return status;
}

/* Split "/s/{survey}[/thanks]" into the id and whether it is the thanks page. */
static bool survey_path(const char *rest, char *id, size_t n, bool *thanks)
{
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	*thanks = false;
	if (slash != NULL) {
		if (strcmp(slash, "/thanks") != 0)
			return false;
		*thanks = true;
	}
	if (len == 0 || len >= n)
		return false;
	memcpy(id, rest, len);
	id[len] = '\0';
	return slug_valid(id);
}

/*
 * The page for an invitation that cannot be used, with a language switch
 * back to the same link (GET /s/ID?lang=OTHER&t=TOKEN).
 */
static int link_page(struct app *a, struct http_response *r, const char *survey, enum lang l,
                     const char *token, enum invite_state st)
{
	char href[192];
	snprintf(href, sizeof href, "/s/%s?lang=%s%s%.22s", survey, lang_code(l == LANG_ZH ? LANG_EN : LANG_ZH),
	         token != NULL && *token != '\0' ? "&t=" : "", token != NULL ? token : "");
	return app_invite_page(a, r, l, st, href);
}

/*
 * The case an answer opened travels from the POST's 303 to the thanks page
 * in a short-lived cookie (never a URL, never the database): "CODE_RATER_DUE".
 */
#define FU_COOKIE "manyi_fu"

/* The thanks page, with the case from the cookie (then cleared) if there is one. */
static int thanks_page(const struct http_request *req, struct http_response *r,
                       const struct survey *sv, enum lang l)
{
	char c[64], rater[FOLLOWUP_RATER_LEN];
	struct html_followup_note n = {0};
	r->content_type = "text/html; charset=utf-8";
	http_header(r, "Cache-Control", "no-store");
	if (cookie_get(req->cookie, FU_COOKIE, c, sizeof c)) {
		char *rp = strchr(c, '_'), *dp = rp != NULL ? strchr(rp + 1, '_') : NULL;
		if (dp != NULL) {
			*rp++ = '\0';
			*dp++ = '\0';
			if (strlen(c) == FOLLOWUP_CODE_LEN - 1 && strncmp(c, "FU-", 3) == 0 &&
			    followup_rater_normalize(rp, rater) && (*dp == '\0' || date_valid(dp)))
				n = (struct html_followup_note){.code = c, .rater = rater, .reply_due = dp};
		}
		http_header(r, "Set-Cookie", FU_COOKIE "=; Path=/s/; Max-Age=0; HttpOnly; SameSite=Strict");
	}
	html_thanks_case_page(&r->body, sv, l, n.code != NULL ? &n : NULL);
	return 200;
}

/* GET /s/{survey} and /s/{survey}/thanks */
int app_form_get(struct app *a, const struct http_request *req,
                      struct http_response *r, const char *rest)
{
	struct form_ctx fc = {.lang = app_query_lang(req->query), .https = req->https};
	char id[72], token[256], cookie[CSRF_TOKEN_LEN];
	bool thanks;
	int version;
	const struct survey *sv;

	/* A lang that is there is zh or en (en-US and the like too), else 400. */
	char lang[16];
	if (http_query_get(req->query, "lang", lang, sizeof lang)
	        ? *lang != '\0' && !lang_parse(lang, &fc.lang)
	        : http_query_has(req->query, "lang")) {
		app_page(r, 400, LANG_ZH, MSG_BAD_LANG_TITLE, MSG_BAD_LANG);
		return 400;
	}
	enum store_err se = survey_path(rest, id, sizeof id, &thanks)
	                        ? app_survey(a, id, &sv, &version) : STORE_ERR_NOTFOUND;
	if (se != STORE_OK)
		return app_store_failure_page(a, r, fc.lang, se);
	if (thanks)
		return thanks_page(req, r, sv, fc.lang);
	fc.survey_id = id;
	fc.version = version;
	char *context = NULL;
	if (!http_query_get(req->query, "t", token, sizeof token) && http_query_has(req->query, "t"))
		return link_page(a, r, id, fc.lang, NULL, INVITE_UNKNOWN); /* no token is that long */
	if (http_query_get(req->query, "t", token, sizeof token)) {
		struct invitation inv;
		unsigned char hash[32];
		struct encounter e;
		long wait;
		enum invite_state st = app_resolve_token(a, req->remote_addr, id, token, time(NULL), &inv,
		                                         hash, &wait);
		if (wait > 0) {
			app_page(r, 429, fc.lang, MSG_SLOW_TITLE, MSG_SLOW);
			app_retry_after(r, wait);
			return 429;
		}
		if (st != INVITE_VALID)
			return link_page(a, r, id, fc.lang, token, st);
		if ((se = store_encounter_get(a->store, inv.encounter, &e)) == STORE_ERR_NOTFOUND)
			return link_page(a, r, id, fc.lang, token, INVITE_UNKNOWN);
		if (se != STORE_OK)
			return app_store_failure_page(a, r, fc.lang, se);
		if ((se = app_encounter_context(a, &e, fc.lang, &context)) != STORE_OK)
			return app_store_failure_page(a, r, fc.lang, se);
		snprintf(fc.token, sizeof fc.token, "%.22s", token);
	}
	snprintf(fc.action, sizeof fc.action, "/s/%s", id);
	/* Keep a still-fresh token so two open tabs do not invalidate each other. */
	time_t now = time(NULL);
	if (cookie_get(req->cookie, CSRF_COOKIE, cookie, sizeof cookie) &&
	    csrf_check(a->secret, id, cookie, cookie, now, CSRF_MAX_AGE / 2) == CSRF_VALID)
		memcpy(fc.csrf, cookie, sizeof cookie);
	else
		csrf_make(a->secret, id, now, fc.csrf, sizeof fc.csrf);
	fc.context = context;
	int status = render_form(a, r, 200, sv, &fc, NULL, NULL, NULL);
	free(context);
	return status;
}

/* A form's answer turned away or stored: the page for intake's outcome. */
static int form_outcome(struct app *a, struct http_response *r, const struct survey *sv,
                        struct form_ctx *fc, const struct pairs *form,
                        const struct intake_result *res)
{
	switch (res->outcome) {
	case INTAKE_STORED:
	case INTAKE_REPEATED: /* this page was answered a moment ago: the first answer stands */
		break;
	case INTAKE_INVALID:
		return render_form(a, r, 422, sv, fc, form, &res->errs, NULL);
	case INTAKE_THROTTLED: {
		/* The form again, answers kept, with the reason: nothing typed is lost. */
		int status = render_form(a, r, 429, sv, fc, form, NULL, app_msgs[MSG_SLOW_PUBLIC][fc->lang]);
		app_retry_after(r, res->retry_after);
		return status;
	}
	case INTAKE_TOKEN_THROTTLED:
		app_page(r, 429, fc->lang, MSG_SLOW_TITLE, MSG_SLOW);
		app_retry_after(r, res->retry_after);
		return 429;
	case INTAKE_TOKEN_USED:
		return link_page(a, r, fc->survey_id, fc->lang, pairs_get(form, "_t"), INVITE_USED);
	case INTAKE_TOKEN_EXPIRED:
		return link_page(a, r, fc->survey_id, fc->lang, pairs_get(form, "_t"), INVITE_EXPIRED);
	case INTAKE_TOKEN_UNKNOWN:
		return link_page(a, r, fc->survey_id, fc->lang, pairs_get(form, "_t"), INVITE_UNKNOWN);
	default: /* busy or failed; the form sends no key and no Idempotency-Key */
		return app_store_failure_page(a, r, fc->lang,
		                              res->outcome == INTAKE_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
	}
	char location[160];
	snprintf(location, sizeof location, "/s/%s/thanks?lang=%s", fc->survey_id, lang_code(fc->lang));
	r->status = 303;
	http_header(r, "Location", location);
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	const struct followup_opened *fu = &res->followup;
	if (res->outcome == INTAKE_STORED && fu->opened) {
		char cookie[160];
		snprintf(cookie, sizeof cookie, FU_COOKIE "=%s_%s_%s; Path=/s/; Max-Age=600; HttpOnly; "
		         "SameSite=Strict%s", fu->code, fu->rater, fu->reply_due, fc->https ? "; Secure" : "");
		http_header(r, "Set-Cookie", cookie);
		struct html_followup_note n = {fu->code, fu->rater, fu->reply_due};
		html_thanks_case_page(&r->body, sv, fc->lang, &n);
	} else {
		html_thanks_page(&r->body, sv, fc->lang);
	}
	return 303;
}

/*
 * The render an answer comes from (_n, within this browser's CSRF token)
 * as a hash into once: a double tap, or the same page sent again, stores
 * one answer.  False without a usable _n.
 */
static bool form_once(const struct form_ctx *fc, const struct pairs *form, unsigned char once[32])
{
	const char *n = pairs_get(form, "_n");
	if (n == NULL || *n == '\0' || strlen(n) >= INTEGRITY_STAMP_LEN)
		return false;
	const struct crypto_part p[] = {{fc->csrf, strlen(fc->csrf)}, {"\x1f", 1}, {n, strlen(n)}};
	crypto_blake2b_parts(once, 32, NULL, 0, p, ARRAY_SIZE(p));
	return true;
}

/*
 * The CSRF check of the public form, before anything of a forged post is
 * validated: true with fc->csrf set, or false after the 403 form (values
 * kept) into *status.  An invitation's token is the capability (one
 * answer per encounter), so a forged post cannot use it without knowing
 * it and no cookie is needed: a form left open past the CSRF lifetime, or
 * a browser without cookies, still answers.
 */
static bool form_csrf(struct app *a, const struct http_request *req, struct http_response *r,
                      const struct survey *sv, struct form_ctx *fc, const struct pairs *form,
                      bool invited, time_t now, int *status)
{
	char cookie[CSRF_TOKEN_LEN];
	const char *posted = pairs_get(form, "_csrf");
	bool have_cookie = cookie_get(req->cookie, CSRF_COOKIE, cookie, sizeof cookie);
	enum csrf_result cr = invited ? CSRF_VALID
	                              : csrf_check(a->secret, fc->survey_id, posted,
	                                           have_cookie ? cookie : NULL, now, CSRF_MAX_AGE);
	if (cr != CSRF_VALID) {
		csrf_make(a->secret, fc->survey_id, now, fc->csrf, sizeof fc->csrf);
		*status = render_form(a, r, 403, sv, fc, form, NULL,
		                      app_msgs[cr == CSRF_EXPIRED ? MSG_CSRF_EXPIRED
		                               : have_cookie  ? MSG_CSRF_MISSING
		                                              : MSG_CSRF_NO_COOKIE][fc->lang]);
		return false;
	}
	if (invited && (posted == NULL || strlen(posted) >= sizeof fc->csrf))
		csrf_make(a->secret, fc->survey_id, now, fc->csrf, sizeof fc->csrf);
	else
		snprintf(fc->csrf, sizeof fc->csrf, "%s", posted);
	return true;
}

/*
 * The call-back consent (only when the contact key was read; else the
 * fields are dropped unread): a phone needs the consent ticked, the consent
 * a valid phone; errors go into errs under "_phone" / "_callback".  The
 * phone to seal if a case opens, or NULL.
 */
static const char *callback_phone(struct app *a, const struct pairs *form,
                                  struct answer_errors *errs)
{
	if (!a->has_contact_key)
		return NULL;
	const char *phone = pairs_get(form, "_phone"), *yes = pairs_get(form, "_callback");
	bool consent = yes != NULL && strcmp(yes, "yes") == 0;
	bool given = phone != NULL && *phone != '\0';
	if (given && !consent)
		answer_errors_add(errs, "_callback", ANSWER_REQUIRED);
	else if (consent && !given)
		answer_errors_add(errs, "_phone", ANSWER_REQUIRED);
	else if (consent && !followup_phone_valid(phone))
		answer_errors_add(errs, "_phone", ANSWER_OUT_OF_RANGE);
	return consent && errs->n == 0 ? phone : NULL;
}

/* POST /s/{survey}: parse the urlencoded form, app_intake(), render. */
int app_form_post(struct app *a, const struct http_request *req,
                       struct http_response *r, const char *rest)
{
	struct form_ctx fc = {.lang = app_query_lang(req->query), .https = req->https};
	struct sbuf body;
	struct pairs form, items;
	char id[72];
	const struct survey *sv;
	const char *v;
	bool thanks;
	int version, status;
	char *context = NULL;

	sbuf_init(&body);
	pairs_init(&form);
	pairs_init(&items);

	enum store_err se = survey_path(rest, id, sizeof id, &thanks) && !thanks
	                        ? app_survey(a, id, &sv, &version) : STORE_ERR_NOTFOUND;
	if (se != STORE_OK) {
		status = app_store_failure_page(a, r, fc.lang, se);
		goto done;
	}
	if (!app_media_type_is(req->content_type, "application/x-www-form-urlencoded")) {
		app_page(r, status = 415, fc.lang, MSG_BAD_REQUEST_TITLE, MSG_BAD_TYPE);
		goto done;
	}
	if ((status = http_read_body(req, APP_FORM_MAX, &body)) != 0) {
		app_page(r, status, fc.lang, MSG_BAD_REQUEST_TITLE,
		          status == 413 ? MSG_TOO_LARGE : MSG_BAD_REQUEST);
		goto done;
	}
	if (form_parse(body.data, body.len, &form) != FORM_OK) {
		app_page(r, status = 400, fc.lang, MSG_BAD_REQUEST_TITLE, MSG_BAD_REQUEST);
		goto done;
	}
	if ((v = pairs_get(&form, "_lang")) != NULL)
		lang_parse(v, &fc.lang);
	fc.survey_id = id;
	fc.version = version;
	snprintf(fc.action, sizeof fc.action, "/s/%s", id);

	time_t now = time(NULL);
	const char *token = pairs_get(&form, "_t");
	bool invited = token != NULL && *token != '\0';
	if (!form_csrf(a, req, r, sv, &fc, &form, invited, now, &status))
		goto done;
	unsigned char once[32];
	bool has_once = form_once(&fc, &form, once);

	/* A filled honeypot is a bot: say thanks, store nothing. */
	struct intake_result res;
	memset(&res, 0, sizeof res);
	if ((v = pairs_get(&form, "_hp")) != NULL && *v != '\0') {
		metrics_reject(REJECT_HONEYPOT);
		res.outcome = INTAKE_STORED;
		status = form_outcome(a, r, sv, &fc, &form, &res);
		goto done;
	}
	for (size_t i = 0; i < form.n; i++)
		if (form.v[i].key[0] != '_')
			pairs_add(&items, form.v[i].key, form.v[i].value);
	struct answer_errors cb_errs = {.n = 0};
	const char *phone = callback_phone(a, &form, &cb_errs);
	struct intake in = {
		.survey = sv, .version = version, .token = token,
		.agency = pairs_get(&form, "_agency"), .domain = pairs_get(&form, "_domain"),
		.agency_field = "_agency", .domain_field = "_domain",
		.answers = &items,
		/* A field the survey no longer has (a form opened before a new
		 * version was loaded) is ignored, not held against the respondent. */
		.ignore_unknown = true,
		.channel = "web", .once = has_once ? once : NULL,
		.addr = req->remote_addr, .now = now,
		.transport_errs = &cb_errs, .phone = phone,
		.user_agent = req->user_agent, .accept_language = req->accept_language,
	};
	if (!integrity_stamp_check(a->secret, id, pairs_get(&form, "_n"), &in.rendered))
		in.rendered = 0;
	app_intake(a, &in, &res);
	if (res.invited) {
		snprintf(fc.token, sizeof fc.token, "%.22s", token);
		/* After intake, whatever it did: without the registry the page
		 * goes without the line naming the encounter, not with a 503 that
		 * would say a stored answer was not saved. */
		if (app_encounter_context(a, &res.encounter, fc.lang, &context) != STORE_OK)
			fprintf(stderr, "manyi: form: the registry could not be read: %s\n",
			        store_errmsg(a->store));
		fc.context = context;
	}
	status = form_outcome(a, r, sv, &fc, &form, &res);
done:
	free(context);
	pairs_free(&items);
	pairs_free(&form);
	sbuf_free(&body);
	return status;
}
