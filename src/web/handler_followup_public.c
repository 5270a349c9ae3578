/*
 * handler_followup_public — GET and POST /followup: the respondent enters
 * the rater code the thanks page showed, sees how the case stands (state,
 * deadlines, the agency's reply) and may rate how it was handled once
 * (追评).  No JavaScript; CSRF like the public form (cookie and field);
 * wrong codes counted against the address (THROTTLE_BAD_TOKEN).  Nothing
 * that names the respondent is asked, shown or kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "csrf.h"
#include "followup.h"
#include "form.h"
#include "html.h"

#define FU_CSRF_SCOPE "followup"  /* the CSRF tokens' scope, as a survey id is the form's */
#define FU_FORM_MAX 8192

/* Render p with status, a fresh CSRF cookie for p->csrf. */
static int render(struct app *a, const struct http_request *req, struct http_response *r,
                  int status, struct html_followup_page *p)
{
	struct html_site site;
	char cookie[256];
	app_site(a, &site);
	p->site = &site;
	sbuf_reset(&r->body);
	html_followup_page(&r->body, p);
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/followup; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	         CSRF_COOKIE, p->csrf, CSRF_MAX_AGE, req->https ? "; Secure" : "");
	http_header(r, "Set-Cookie", cookie);
	http_header(r, "Cache-Control", "no-store");
	http_header(r, "Content-Language", p->lang == LANG_ZH ? "zh-CN" : "en");
	return status;
}

/* GET /followup: the rater code's form. */
int app_followup_get(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest)
{
	char csrf[CSRF_TOKEN_LEN];
	(void)rest;
	csrf_make(a->secret, FU_CSRF_SCOPE, time(NULL), csrf, sizeof csrf);
	struct html_followup_page p = {.lang = app_query_lang(req->query), .csrf = csrf};
	return render(a, req, r, 200, &p);
}

/* The 追评's score from the form: 1..points, or 0 when missing or out of range. */
static int posted_score(const struct pairs *form, const struct survey *sv)
{
	long v;
	const char *s = pairs_get(form, "score");
	return s != NULL && parse_long(s, 1, sv->points, &v) ? (int)v : 0;
}

/* The case found by the code: show it, or take its 追评 when one is posted. */
static int show_case(struct app *a, const struct http_request *req, struct http_response *r,
                     struct html_followup_page *p, const struct pairs *form,
                     struct followup_view *view)
{
	const struct survey *sv;
	int version, status = 200;
	enum store_err e = app_survey(a, view->survey, &sv, &version);
	if (e != STORE_OK)
		return app_store_failure_page(a, r, p->lang, e);
	p->view = view;
	p->survey = sv;
	if (pairs_get(form, "_rate") != NULL && !view->rated) {
		int score = posted_score(form, sv);
		const char *comment = pairs_get(form, "comment");
		if (comment != NULL && (strlen(comment) > 6000 || !utf8_valid(comment, strlen(comment)) ||
		                        utf8_length(comment, strlen(comment)) > 2000))
			score = 0;
		if (score == 0) {
			p->error = HTML_FU_ERR_SCORE;
			return render(a, req, r, 422, p);
		}
		e = followup_rate(a->store, view->id, score, comment);
		if (e == STORE_ERR_CONSTRAINT) {
			p->error = HTML_FU_ERR_TWICE;
			status = 409;
		} else if (e != STORE_OK) {
			return app_store_failure_page(a, r, p->lang, e);
		} else {
			p->just_rated = true;
			view->rated = true;
			view->score = score;
		}
	}
	return render(a, req, r, status, p);
}

/* POST /followup: the code (and maybe the 追评). */
int app_followup_post(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest)
{
	struct sbuf body;
	struct pairs form;
	struct followup_view view;
	char csrf[CSRF_TOKEN_LEN], cookie[CSRF_TOKEN_LEN];
	struct html_followup_page p = {.lang = app_query_lang(req->query), .csrf = csrf};
	time_t now = time(NULL);
	int status;
	long wait = 0;
	(void)rest;
	sbuf_init(&body);
	pairs_init(&form);
	csrf_make(a->secret, FU_CSRF_SCOPE, now, csrf, sizeof csrf);
	if (!app_media_type_is(req->content_type, "application/x-www-form-urlencoded")) {
		app_page(r, status = 415, p.lang, MSG_BAD_REQUEST_TITLE, MSG_BAD_TYPE);
		goto done;
	}
	if ((status = http_read_body(req, FU_FORM_MAX, &body)) != 0 ||
	    form_parse(body.data, body.len, &form) != FORM_OK) {
		status = status ? status : 400;
		app_page(r, status, p.lang, MSG_BAD_REQUEST_TITLE, status == 413 ? MSG_TOO_LARGE : MSG_BAD_REQUEST);
		goto done;
	}
	const char *v = pairs_get(&form, "_lang");
	if (v != NULL)
		lang_parse(v, &p.lang);
	bool have = cookie_get(req->cookie, CSRF_COOKIE, cookie, sizeof cookie);
	if (csrf_check(a->secret, FU_CSRF_SCOPE, pairs_get(&form, "_csrf"), have ? cookie : NULL, now,
	               CSRF_MAX_AGE) != CSRF_VALID) {
		app_page(r, status = 403, p.lang, MSG_BAD_REQUEST_TITLE,
		         have ? MSG_CSRF_MISSING : MSG_CSRF_NO_COOKIE);
		goto done;
	}
	/* The same token on the pages after: another tab's form stays good. */
	snprintf(csrf, sizeof csrf, "%s", cookie);
	const char *typed = pairs_get(&form, "code");
	char shown[FOLLOWUP_RATER_LEN];
	p.typed = typed != NULL && followup_rater_normalize(typed, shown) ? shown : typed;
	if (!throttle_allowed(a->throttle, THROTTLE_BAD_TOKEN, req->remote_addr, now, &wait)) {
		p.error = HTML_FU_ERR_SLOW;
		status = render(a, req, r, 429, &p);
		app_retry_after(r, wait);
		goto done;
	}
	enum store_err e = followup_by_rater(a->store, typed, &view);
	if (e == STORE_ERR_NOTFOUND) {
		throttle_count(a->throttle, THROTTLE_BAD_TOKEN, req->remote_addr, now);
		p.error = HTML_FU_ERR_WRONG;
		status = render(a, req, r, 404, &p);
	} else if (e != STORE_OK) {
		status = app_store_failure_page(a, r, p.lang, e);
	} else {
		status = show_case(a, req, r, &p, &form, &view);
	}
done:
	pairs_free(&form);
	sbuf_free(&body);
	return status;
}
