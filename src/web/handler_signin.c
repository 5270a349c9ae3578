/*
 * handler_signin — people signing in (session.h): the sign-in page
 * (GET /signin), its two forms (POST /signin: a username and password, or
 * a key), sign-out (POST /signout) and what the browser's pages ask about
 * the session (GET /api/v1/session).  Failed sign-ins are counted in
 * memory (throttle.h): per username, which locks that name for a quarter
 * of an hour after the 5th, and per address.  Nothing here logs or stores
 * a key, a password, a token or an address.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "crypto.h"
#include "form.h"
#include "html.h"
#include "session.h"

#define SIGNIN_BODY_MAX 8192   /* bytes of a sign-in or sign-out form */
#define NEXT_MAX SESSION_NEXT_MAX
#define NEXT_DEFAULT SESSION_NEXT_DEFAULT

/* s percent-encoded for a query value (unreserved characters and '/' kept). */
static void url_encode(struct sbuf *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (isalnum(*c) || strchr("-._~/", *c) != NULL)
			sbuf_add(out, (const char *)c, 1);
		else
			sbuf_printf(out, "%%%02X", *c);
	}
}

/* What the page needs to render: language, next, the entered name. */
struct signin_ctx {
	enum lang lang;
	char next[NEXT_MAX + 1];  /* checked, or "" */
	const char *username;     /* borrowed from the form, or "" */
	const char *signed_in;    /* who is signed in already, in words, or NULL */
	const char *csrf;         /* with signed_in: the session's CSRF token */
};

/* The sign-in page with message (NULL: none) at status. */
static int signin_page(struct app *a, struct http_response *r, const struct signin_ctx *c,
                       int status, const char *message, bool key_failed)
{
	struct html_site site;
	struct sbuf href;
	sbuf_init(&href);
	sbuf_adds(&href, c->lang == LANG_ZH ? "/signin?lang=en" : "/signin?lang=zh");
	if (*c->next != '\0') {
		sbuf_adds(&href, "&next=");
		url_encode(&href, c->next);
	}
	struct html_signin v = {.lang = c->lang, .next = c->next, .username = c->username,
	                        .message = message, .lang_href = href.data, .key_failed = key_failed,
	                        .signed_in = c->signed_in, .csrf = c->csrf};
	app_site(a, &site);
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_signin_page(&r->body, &v, &site);
	sbuf_free(&href);
	http_header(r, "Content-Language", c->lang == LANG_ZH ? "zh-CN" : "en");
	http_header(r, "Cache-Control", "no-store");
	return status;
}

/* The cookie that carries token (or clears it: token NULL). */
static void session_cookie(struct http_response *r, const char *token, bool https)
{
	char v[160];
	snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", SESSION_COOKIE,
	         token != NULL ? token : "", token != NULL ? SESSION_TTL : 0, https ? "; Secure" : "");
	http_header(r, "Set-Cookie", v);
	crypto_memzero(v, sizeof v);
}

/* The registry's names of agency (zh, en) into names (NAME_MAX bytes each);
 * *found false when it is not registered. */
#define NAME_MAX_BYTES 256
static enum store_err agency_names_of(struct app *a, const char *agency,
                                      char names[LANG__MAX][NAME_MAX_BYTES], bool *found)
{
	struct registry_list list = {0};
	*found = false;
	enum store_err e = store_registry_list(a->store, REGISTRY_AGENCY, &list);
	for (size_t i = 0; e == STORE_OK && i < list.n && !*found; i++)
		if (strcmp(list.v[i].code, agency) == 0) {
			for (int l = 0; l < LANG__MAX; l++)
				snprintf(names[l], NAME_MAX_BYTES, "%s", list.v[i].name[l]);
			*found = true;
		}
	registry_list_free(&list);
	return e;
}

/* Who p is, for a person: "li.a01 · 市市场监督管理局 (A01)", "key AbC… · the evaluator". */
static void describe(struct app *a, const struct principal *p, enum lang l, struct sbuf *out)
{
	char names[LANG__MAX][NAME_MAX_BYTES];
	bool found = false;
	if (*p->user != '\0')
		sbuf_adds(out, p->user);
	else
		sbuf_printf(out, l == LANG_ZH ? "密钥 %s" : "key %s", p->key_id);
	sbuf_adds(out, " · ");
	if (p->role == ROLE_EVALUATOR) {
		sbuf_adds(out, l == LANG_ZH ? "评价机构" : "the evaluator");
		return;
	}
	if (p->role == ROLE_REVIEWER) {
		sbuf_printf(out, l == LANG_ZH ? "评查人员 %s" : "reviewer %s", p->reviewer);
		return;
	}
	if (agency_names_of(a, p->agency, names, &found) == STORE_OK && found)
		sbuf_printf(out, "%s (%s)", names[l], p->agency);
	else
		sbuf_adds(out, p->agency);
}

/* GET /signin[?lang=][&next=]: the forms, and who is signed in already. */
int app_signin_get(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest)
{
	struct signin_ctx c = {.lang = app_query_lang(req->query), .username = ""};
	char token[SESSION_TOKEN_LEN + 8], csrf[SESSION_CSRF_LEN];
	struct principal p;
	(void)rest;
	if (!http_query_get(req->query, "next", c.next, sizeof c.next) || !session_next_ok(c.next))
		c.next[0] = '\0';
	if (cookie_get(req->cookie, SESSION_COOKIE, token, sizeof token) &&
	    session_check(a->store, token, time(NULL), &p) == AUTH_OK) {
		struct sbuf who;
		sbuf_init(&who);
		describe(a, &p, c.lang, &who);
		if (p.role == ROLE_REVIEWER && strncmp(c.next, SESSION_NEXT_REVIEW, 7) != 0)
			snprintf(c.next, sizeof c.next, "%s", SESSION_NEXT_REVIEW);
		session_csrf(a->secret, token, csrf);
		c.signed_in = who.data;
		c.csrf = csrf;
		int status = signin_page(a, r, &c, 200, NULL, false);
		sbuf_free(&who);
		crypto_memzero(token, sizeof token);
		return status;
	}
	return signin_page(a, r, &c, 200, NULL, false);
}

/* 429 with Retry-After and the reason in words. */
static int signin_locked(struct app *a, struct http_response *r, const struct signin_ctx *c,
                         long wait, bool user, bool key)
{
	char msg[512];
	long minutes = (wait + 59) / 60;
	if (user)
		snprintf(msg, sizeof msg,
		         c->lang == LANG_ZH ? "这个用户名在 15 分钟内登录失败了 5 次，已被锁定。请在 %ld 分钟后再试；"
		                              "在此之前，即使密码正确也无法登录。"
		                            : "This username has had 5 failed sign-ins within 15 minutes and is "
		                              "locked. Please try again in %ld minutes; until then even the right "
		                              "password is refused.", minutes);
	else
		snprintf(msg, sizeof msg,
		         c->lang == LANG_ZH ? "从这个网络地址登录失败的次数过多，请在 %ld 秒后再试。"
		                            : "Too many failed sign-ins have come from this network address. "
		                              "Please try again in %ld seconds.", wait);
	app_retry_after(r, wait);
	return signin_page(a, r, c, 429, msg, key);
}

/* A session for p: the cookie, and 303 to next. */
static int signin_done(struct app *a, const struct http_request *req, struct http_response *r,
                       const struct signin_ctx *c, struct principal *p, time_t now)
{
	char token[SESSION_TOKEN_LEN];
	enum store_err e = session_open(a->store, p, now, token);
	if (e != STORE_OK)
		return app_store_failure_page(a, r, c->lang, e);
	session_cookie(r, token, req->https);
	crypto_memzero(token, sizeof token);
	/* A reviewer's session reaches the review pages only. */
	if (p->role == ROLE_REVIEWER)
		http_header(r, "Location", strncmp(c->next, SESSION_NEXT_REVIEW,
		                                   strlen(SESSION_NEXT_REVIEW)) == 0 ? c->next
		                                                                     : SESSION_NEXT_REVIEW);
	else
		http_header(r, "Location", *c->next != '\0' ? c->next : NEXT_DEFAULT);
	http_header(r, "Cache-Control", "no-store");
	sbuf_reset(&r->body);
	return 303;
}

/* The form's fields, or a status answered (0 when read). */
static int read_form(const struct http_request *req, struct http_response *r, enum lang l,
                     struct pairs *f)
{
	struct sbuf body;
	int status;
	if (!app_media_type_is(req->content_type, "application/x-www-form-urlencoded")) {
		app_page(r, 415, l, MSG_BAD_REQUEST_TITLE, MSG_BAD_TYPE);
		return 415;
	}
	sbuf_init(&body);
	if ((status = http_read_body(req, SIGNIN_BODY_MAX, &body)) != 0) {
		app_page(r, status, l, MSG_BAD_REQUEST_TITLE, status == 413 ? MSG_TOO_LARGE : MSG_BAD_REQUEST);
	} else if (form_parse(body.data, body.len, f) != FORM_OK) {
		app_page(r, 400, l, MSG_BAD_REQUEST_TITLE, MSG_SIGNIN_BAD_FORM);
		status = 400;
	}
	crypto_memzero(body.data, body.len);
	sbuf_free(&body);
	return status;
}

/* A field of the form, "" when absent. */
static const char *field(const struct pairs *f, const char *name)
{
	const char *v = pairs_get(f, name);
	return v != NULL ? v : "";
}

/* The form's lang (else the query's). */
static enum lang form_lang(const struct http_request *req, const struct pairs *f)
{
	const char *l = pairs_get(f, "lang");
	if (l != NULL && strcmp(l, "en") == 0)
		return LANG_EN;
	if (l != NULL && strcmp(l, "zh") == 0)
		return LANG_ZH;
	return app_query_lang(req->query);
}

/* POST /signin with a key. */
static int signin_key(struct app *a, const struct http_request *req, struct http_response *r,
                      const struct signin_ctx *c, const char *key, time_t now)
{
	long wait = 0;
	struct principal p;
	if (!throttle_allowed(a->throttle, THROTTLE_SIGNIN_ADDR, req->remote_addr, now, &wait))
		return signin_locked(a, r, c, wait, false, true);
	/* A key pasted with spaces around it is still the key. */
	while (*key == ' ')
		key++;
	int len = (int)strcspn(key, " \t\r\n");
	char header[AUTH_KEY_LEN + 16];
	int n = key[len + strspn(key + len, " \t\r\n")] != '\0'
	            ? -1
	            : snprintf(header, sizeof header, "Bearer %.*s", len, key);
	enum auth_result ar = n > 0 && (size_t)n < sizeof header ? auth_check(a->store, header, &p)
	                                                         : AUTH_MALFORMED;
	crypto_memzero(header, sizeof header);
	if (ar == AUTH_BUSY || ar == AUTH_FAILED)
		return app_store_failure_page(a, r, c->lang, ar == AUTH_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
	if (ar != AUTH_OK) {
		throttle_count(a->throttle, THROTTLE_SIGNIN_ADDR, req->remote_addr, now);
		return signin_page(a, r, c, 401, app_msgs[MSG_SIGNIN_KEY_FAILED][c->lang], true);
	}
	return signin_done(a, req, r, c, &p, now);
}

/* POST /signin with a username and password. */
static int signin_user(struct app *a, const struct http_request *req, struct http_response *r,
                       const struct signin_ctx *c, const char *name, const char *pw, time_t now)
{
	long wait = 0;
	struct principal p;
	/* A locked name is not checked at all: its answer cannot tell a right password. */
	if (!throttle_allowed(a->throttle, THROTTLE_SIGNIN_USER, name, now, &wait))
		return signin_locked(a, r, c, wait, true, false);
	if (!throttle_allowed(a->throttle, THROTTLE_SIGNIN_ADDR, req->remote_addr, now, &wait))
		return signin_locked(a, r, c, wait, false, false);
	enum auth_result ar = user_check(a->store, name, pw, strlen(pw), &p);
	if (ar == AUTH_BUSY || ar == AUTH_FAILED)
		return app_store_failure_page(a, r, c->lang, ar == AUTH_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
	if (ar != AUTH_OK) {
		throttle_count(a->throttle, THROTTLE_SIGNIN_USER, name, now);
		throttle_count(a->throttle, THROTTLE_SIGNIN_ADDR, req->remote_addr, now);
		if (!throttle_allowed(a->throttle, THROTTLE_SIGNIN_USER, name, now, &wait))
			return signin_locked(a, r, c, wait, true, false);
		return signin_page(a, r, c, 401, app_msgs[MSG_SIGNIN_FAILED][c->lang], false);
	}
	return signin_done(a, req, r, c, &p, now);
}

/* POST /signin: key, or username + password; lang; next. */
int app_signin_post(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest)
{
	struct pairs f;
	struct signin_ctx c = {.lang = app_query_lang(req->query), .username = ""};
	char name[USER_NAME_MAX + 1];
	time_t now = time(NULL);
	int status;
	(void)rest;
	pairs_init(&f);
	/* Another site's page posting here would sign the browser in as
	 * someone else (login CSRF): a browser says where a post came from. */
	if (req->fetch_site != NULL && strcmp(req->fetch_site, "cross-site") == 0) {
		app_page(r, 403, c.lang, MSG_BAD_REQUEST_TITLE, MSG_SIGNIN_BAD_FORM);
		status = 403;
		goto out;
	}
	if ((status = read_form(req, r, c.lang, &f)) != 0)
		goto out;
	c.lang = form_lang(req, &f);
	snprintf(c.next, sizeof c.next, "%s", field(&f, "next"));
	if (!session_next_ok(c.next))
		c.next[0] = '\0';
	const char *key = field(&f, "key");
	const char *user = field(&f, "username");
	const char *pw = field(&f, "password");
	/* A name as typed: spaces around it dropped, capitals made small. */
	while (*user == ' ')
		user++;
	size_t n = strlen(user);
	while (n > 0 && user[n - 1] == ' ')
		n--;
	if (n > USER_NAME_MAX)
		n = USER_NAME_MAX;
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)user[i]);
	name[n] = '\0';
	c.username = name;
	if (*key != '\0')
		status = signin_key(a, req, r, &c, key, now);
	else if (*name != '\0' && *pw != '\0')
		status = signin_user(a, req, r, &c, name, pw, now);
	else
		status = signin_page(a, r, &c, 400, app_msgs[MSG_SIGNIN_EMPTY][c.lang], false);
out:
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.v[i].key, "password") == 0 || strcmp(f.v[i].key, "key") == 0)
			crypto_memzero(f.v[i].value, strlen(f.v[i].value));
	pairs_free(&f);
	return status;
}

/* POST /signout (csrf in the form, or X-CSRF-Token): 303 to /signin. */
int app_signout(struct app *a, const struct http_request *req, struct http_response *r,
                const char *rest)
{
	char token[SESSION_TOKEN_LEN + 8];
	struct principal p;
	struct pairs f;
	enum lang l = app_query_lang(req->query);
	int status = 303;
	(void)rest;
	pairs_init(&f);
	bool have = cookie_get(req->cookie, SESSION_COOKIE, token, sizeof token);
	enum auth_result ar = have ? session_check(a->store, token, time(NULL), &p) : AUTH_MISSING;
	if (ar == AUTH_BUSY || ar == AUTH_FAILED) {
		status = app_store_failure_page(a, r, l, ar == AUTH_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
		goto out;
	}
	if (ar == AUTH_OK) {
		const char *given = req->csrf_token;
		if ((given == NULL || *given == '\0') &&
		    app_media_type_is(req->content_type, "application/x-www-form-urlencoded")) {
			if ((status = read_form(req, r, l, &f)) != 0)
				goto out;
			l = form_lang(req, &f);
			given = pairs_get(&f, "csrf");
		}
		if (!session_csrf_ok(a->secret, token, given)) {
			app_page(r, 403, l, MSG_SIGNOUT_CSRF_TITLE, MSG_SIGNOUT_CSRF);
			http_header(r, "Cache-Control", "no-store");
			status = 403;
			goto out;
		}
		enum store_err e = session_close(a->store, token, &p);
		if (e != STORE_OK) {
			status = app_store_failure_page(a, r, l, e);
			goto out;
		}
	}
	/* Signed out (or never signed in): the cookie goes either way. */
	session_cookie(r, NULL, req->https);
	http_header(r, "Location", l == LANG_ZH ? "/signin" : "/signin?lang=en");
	http_header(r, "Cache-Control", "no-store");
	sbuf_reset(&r->body);
	status = 303;
out:
	crypto_memzero(token, sizeof token);
	pairs_free(&f);
	return status;
}

/* The registry's names of agency as {"zh","en"}, or JSON null; NULL when
 * the registry could not be read (*e says why). */
static cJSON *agency_names(struct app *a, const char *agency, enum store_err *e)
{
	char names[LANG__MAX][NAME_MAX_BYTES];
	bool found = false;
	if (*agency == '\0')
		return cJSON_CreateNull();
	if ((*e = agency_names_of(a, agency, names, &found)) != STORE_OK)
		return NULL;
	if (!found)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "zh", names[LANG_ZH]);
	cJSON_AddStringToObject(o, "en", names[LANG_EN]);
	return o;
}

/* GET /api/v1/session: who the cookie signs in, and its CSRF token. */
int app_api_session(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest)
{
	char token[SESSION_TOKEN_LEN + 8], csrf[SESSION_CSRF_LEN], until[32];
	struct principal p;
	enum store_err e = STORE_OK;
	(void)rest;
	http_header(r, "Cache-Control", "no-store");
	bool have = cookie_get(req->cookie, SESSION_COOKIE, token, sizeof token);
	enum auth_result ar = have ? session_check(a->store, token, time(NULL), &p) : AUTH_MISSING;
	if (ar == AUTH_BUSY || ar == AUTH_FAILED)
		return app_store_failure_json(a, r, ar == AUTH_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
	if (ar != AUTH_OK) {
		http_json_error(r, 401, "unauthorized",
		                have ? "the session has ended or is not known: sign in again at /signin"
		                     : "not signed in: sign in at /signin", NULL);
		return 401;
	}
	cJSON *names = agency_names(a, p.agency, &e);
	if (names == NULL)
		return app_store_failure_json(a, r, e);
	session_csrf(a->secret, token, csrf);
	crypto_memzero(token, sizeof token);
	time_t t = (time_t)p.session_expires;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "role", role_name(p.role));
	if (*p.agency != '\0')
		cJSON_AddStringToObject(o, "agency", p.agency);
	else
		cJSON_AddNullToObject(o, "agency");
	cJSON_AddItemToObject(o, "agency_name", names);
	if (*p.user != '\0')
		cJSON_AddStringToObject(o, "user", p.user);
	else
		cJSON_AddNullToObject(o, "user");
	if (*p.key_id != '\0')
		cJSON_AddStringToObject(o, "key_id", p.key_id);
	else
		cJSON_AddNullToObject(o, "key_id");
	if (p.role == ROLE_REVIEWER)
		cJSON_AddStringToObject(o, "reviewer", p.reviewer);
	cJSON_AddStringToObject(o, "csrf", csrf);
	cJSON_AddStringToObject(o, "expires_at", until);
	http_json(r, 200, o);
	return 200;
}
