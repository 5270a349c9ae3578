/*
 * app — see app.h.  Set-up and the helpers the handlers share
 * (app_internal.h); the routes are in route.c.
 */
#include "app_internal.h"

#include <cjson/cJSON.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "crypto.h"
#include "csrf.h"
#include "encounter.h"
#include "integrity_web.h"
#include "invite.h"
#include "metrics.h"
#include "page_cache.h"
#include "params.h"
#include "publish.h"
#include "qr.h"
#include "report.h"
#include "form.h"
#include "session.h"
#include "html.h"
#include "store.h"
#include "submit.h"
#include "survey.h"

const char *const app_msgs[MSG__MAX][LANG__MAX] = {
	[MSG_NOT_FOUND_TITLE] = {"页面不存在", "Page not found"},
	[MSG_NOT_FOUND_SURVEY] = {"没有找到这份问卷，请核对链接是否完整。",
	                          "We could not find this survey. Please check that the link is complete."},
	[MSG_NOT_FOUND_PAGE] = {"没有找到您要访问的页面。", "The page you asked for does not exist."},
	[MSG_BAD_REQUEST_TITLE] = {"无法处理您的提交", "We could not read your submission"},
	[MSG_BAD_REQUEST] = {"提交的内容格式有误，请返回问卷重新填写。",
	                     "The submission was malformed. Please go back to the survey and try again."},
	[MSG_TOO_LARGE] = {"提交的内容过长，请精简后重试。",
	                   "The submission is too large. Please shorten your answers and try again."},
	[MSG_BAD_TYPE] = {"请通过问卷页面提交。", "Please submit through the survey page."},
	[MSG_SERVER_TITLE] = {"暂时无法保存", "We could not save your answer"},
	[MSG_SERVER] = {"系统暂时出现问题，您的回答尚未保存，请稍后再试。",
	                "Something went wrong on our side and your answer was not saved. Please try again later."},
	[MSG_BUSY] = {"系统繁忙，您的回答尚未保存，请稍后再提交一次。",
	              "The system is busy and your answer was not saved. Please submit again in a moment."},
	[MSG_CSRF_EXPIRED] = {"页面已过期。您填写的内容已保留，请核对后再次提交。",
	                      "This page had expired. Your answers are kept: please check them and submit again."},
	[MSG_CSRF_MISSING] = {"无法确认提交来自本问卷页面（浏览器可能禁用了 Cookie）。您填写的内容已保留，请再次提交。",
	                      "We could not confirm that this came from the survey page (cookies may be blocked). "
	                      "Your answers are kept: please submit again."},
	[MSG_CSRF_NO_COOKIE] = {"您的浏览器没有保存本站的 Cookie，公开问卷因此无法确认提交来自本页面（这是为了防止他人冒名批量提交）。"
	                        "请允许本站使用 Cookie 后再次提交，您填写的内容已保留；收到的评价链接或二维码则不需要 Cookie。",
	                        "Your browser did not keep this site's cookie, so the public survey cannot confirm that "
	                        "this came from its page (this stops others from submitting in bulk in your name). Please "
	                        "allow cookies for this site and submit again: your answers are kept. A link or QR code "
	                        "you were sent works without cookies."},
	[MSG_TOKEN_TITLE] = {"评价链接无效", "This link is not valid"},
	[MSG_TOKEN_UNKNOWN] = {"该评价链接无效，请核对链接或二维码是否完整。",
	                       "This survey link is not valid. Please check that the link or QR code is complete."},
	[MSG_USED_TITLE] = {"本次执法已完成评价", "This encounter has been rated"},
	[MSG_USED] = {"这次执法活动已经收到评价，每次执法只能评价一次。感谢您的参与！",
	              "We already have a rating for this encounter; each encounter is rated once. Thank you for taking part!"},
	[MSG_EXPIRED_TITLE] = {"评价链接已过期", "This link has expired"},
	[MSG_EXPIRED] = {"该评价链接已超过有效期，无法再提交评价。",
	                 "This survey link has passed its expiry date and can no longer be used."},
	[MSG_SLOW_TITLE] = {"请稍后再试", "Please try again later"},
	[MSG_SLOW] = {"尝试次数过多，请稍后再试。", "Too many attempts. Please wait a while and try again."},
	[MSG_SLOW_PUBLIC] = {"这个网络地址在一小时内已提交了很多份公开评价，请稍后再提交。您填写的内容已保留在下面。",
	                     "Many public answers have come from this network address within the hour; please "
	                     "submit again later. Your answers are kept below."},
	[MSG_BAD_LANG_TITLE] = {"链接有误", "This link is not right"},
	[MSG_BAD_LANG] = {"链接中的参数 lang 只能是 zh（中文）或 en（English），请去掉它或改正后再打开。",
	                  "The link's parameter lang is zh (中文) or en (English): please remove or correct "
	                  "it and open the link again."},
	[MSG_OVERLOADED_TITLE] = {"系统繁忙", "The system is busy"},
	[MSG_OVERLOADED] = {"请稍等片刻再试。如果您刚刚提交了问卷，回答尚未保存：请返回上一页，再提交一次。",
	                    "Please try again in a moment. If you had just submitted the survey, your answers "
	                    "were not saved: go back to the previous page and submit again."},
	[MSG_SIGNIN_FAILED] = {"用户名或密码不正确，请重新输入。", "The username or the password is not right. Please try again."},
	[MSG_SIGNIN_KEY_FAILED] = {"这个密钥无效或已被吊销，请核对后重新输入。",
	                           "This key is not valid or has been revoked. Please check it and try again."},
	[MSG_SIGNIN_EMPTY] = {"请输入用户名和密码，或者输入密钥。", "Please enter your username and password, or a key."},
	[MSG_SIGNIN_BAD_FORM] = {"无法读取登录表单，请从登录页面重新登录。",
	                         "We could not read the sign-in form. Please sign in from the sign-in page."},
	[MSG_SIGNOUT_CSRF_TITLE] = {"无法退出", "We could not sign you out"},
	[MSG_SIGNOUT_CSRF] = {"无法确认退出请求来自本站的页面。请使用页面上的“退出”按钮。",
	                      "We could not confirm that this came from one of our pages. Please use the "
	                      "Sign out button on the page."},
};

/* The call-back contacts' sealing key, when its file can be read (never made here). */
static void app_contact_key(struct app *a, const char *db_path)
{
	char msg[512];
	const char *env = getenv("MANYI_CONTACT_KEY");
	char *path = env != NULL && *env != '\0' ? xstrdup(env) : xasprintf("%s.contact-key", db_path);
	a->has_contact_key = crypto_key_file(path, false, a->contact_key, msg, sizeof msg);
	free(path);
}

int app_new(const char *db_path, struct app **out, char *msg, size_t msglen)
{
	struct app *a = xcalloc(1, sizeof *a);
	*out = NULL;
	if (store_open(db_path, false, &a->store, msg, msglen) != STORE_OK)
		goto fail;
	if (store_secret(a->store, a->secret) != STORE_OK) {
		snprintf(msg, msglen, "cannot read the server secret: %s", store_errmsg(a->store));
		goto fail;
	}
	/* The evaluator's name and contact for the pages (`manyi init --evaluator-...`). */
	static const char *const keys[] = {"evaluator_name", "evaluator_name_en", "evaluator_contact"};
	char *into[] = {a->evaluator[LANG_ZH], a->evaluator[LANG_EN], a->contact};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		enum store_err e = store_setting_get(a->store, keys[i], into[i], APP_SETTING_MAX);
		if (e == STORE_ERR_NOTFOUND) {
			*into[i] = '\0';
		} else if (e != STORE_OK) {
			snprintf(msg, msglen, "cannot read the setting %s: %s", keys[i], store_errmsg(a->store));
			goto fail;
		}
	}
	app_contact_key(a, db_path);
	a->throttle = throttle_shared();
	a->integrity = integrity_counts_shared();
	a->pages = page_cache_new();
	*out = a;
	return 0;
fail:
	app_free(a);
	return -1;
}

void app_followup_purge_due(struct app *a, time_t now)
{
	static _Atomic long long next; /* the process's: one purge an hour, whichever thread */
	long long at = atomic_load(&next);
	if ((long long)now < at || !atomic_compare_exchange_strong(&next, &at, (long long)now + 3600))
		return;
	long n = 0;
	enum store_err e = followup_purge(a->store, NULL, &n);
	if (e != STORE_OK) { /* busy or worse: try again in a minute */
		atomic_store(&next, (long long)now + 60);
		fprintf(stderr, "manyi-fcgi: the call-back contacts' purge failed: %s\n", store_strerror(e));
	}
}

void app_set_committer(struct app *a, struct committer *c)
{
	a->committer = c;
}

void app_free(struct app *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->ncache; i++) {
		free(a->cache[i].id);
		survey_free(a->cache[i].survey);
	}
	page_cache_free(a->pages);
	store_close(a->store);
	crypto_memzero(a->secret, sizeof a->secret);
	crypto_memzero(a->contact_key, sizeof a->contact_key);
	free(a);
}

/* app_survey() for every audience, reviewer rubrics included. */
static enum store_err survey_cached(struct app *a, const char *id, const struct survey **out,
                                   int *version)
{
	*out = NULL;
	if (!slug_valid(id))
		return STORE_ERR_NOTFOUND;
	int latest;
	enum store_err e = store_survey_version(a->store, id, &latest);
	if (e != STORE_OK)
		return e;
	if (latest <= 0)
		return STORE_ERR_NOTFOUND;
	for (size_t i = 0; i < a->ncache; i++) {
		struct cached_survey *c = &a->cache[i];
		if (strcmp(c->id, id) != 0)
			continue;
		if (c->version == latest) {
			*version = c->version;
			*out = c->survey;
			return STORE_OK;
		}
		/* A newer version was loaded: drop ours. */
		free(c->id);
		survey_free(c->survey);
		*c = a->cache[--a->ncache];
		break;
	}

	char *def = NULL;
	struct survey *sv = NULL;
	char msg[512];
	int v;
	if ((e = store_survey_latest(a->store, id, &v, &def)) != STORE_OK)
		return e;
	if (survey_parse(id, def, strlen(def), &sv, msg, sizeof msg) != SURVEY_OK) {
		/* Our fault, not the client's: a 500, never "not found". */
		fprintf(stderr, "manyi: stored survey %s v%d does not parse: %s\n", id, v, msg);
		free(def);
		return STORE_ERR_SQL;
	}
	free(def);
	if (a->ncache == SURVEY_CACHE) {
		free(a->cache[0].id);
		survey_free(a->cache[0].survey);
		a->cache[0] = a->cache[--a->ncache];
	}
	a->cache[a->ncache++] = (struct cached_survey){xstrdup(id), v, sv};
	*version = v;
	*out = sv;
	return STORE_OK;
}

/* See app_internal.h: a reviewer rubric is no survey of the public's. */
enum store_err app_survey(struct app *a, const char *id, const struct survey **out, int *version)
{
	enum store_err e = survey_cached(a, id, out, version);
	if (e == STORE_OK && survey_is_rubric(*out)) {
		*out = NULL;
		return STORE_ERR_NOTFOUND;
	}
	return e;
}

/* The language asked for by ?lang=, else Chinese. */
enum lang app_query_lang(const char *query)
{
	static const struct params_keys keys = {.need = {[PARAM_LANG] = PARAM_OPTIONAL}};
	struct params p;
	struct params_error err;
	if (query == NULL || !params_parse_query(&p, &keys, query, strlen(query), &err))
		return LANG_ZH;
	return p.lang;
}

int app_element_error(struct http_response *r, int status, const char *code, const char *what,
                      size_t index, const char *msg)
{
	cJSON *f = cJSON_CreateArray(), *o = cJSON_CreateObject();
	char text[700];
	cJSON_AddNumberToObject(o, "index", (double)index);
	cJSON_AddStringToObject(o, "message", msg);
	cJSON_AddItemToArray(f, o);
	snprintf(text, sizeof text, "%s%s[%zu]: %.600s; nothing was stored", what ? what : "",
	         what ? " " : "", index, msg);
	http_json_error(r, status, code, text, f);
	return status;
}

int app_bad_param(struct http_response *r, const char *name, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, "%s is %s", name, what);
	http_json_error(r, 400, "bad_request", msg, NULL);
	return 400;
}

int app_params_error(struct http_response *r, const struct params_error *err)
{
	http_json_error(r, err->status, err->status == 403 ? "forbidden" : "bad_request", err->msg, NULL);
	return err->status;
}

int app_query_survey(const struct http_request *req, struct http_response *r, bool required,
                     char *out, size_t n)
{
	struct params p;
	struct params_error err;
	const struct params_keys keys = {.need = {[PARAM_SURVEY] = required ? PARAM_REQUIRED : PARAM_OPTIONAL}};
	*out = '\0';
	if (!params_parse_query(&p, &keys, req->query, strlen(req->query), &err))
		return app_params_error(r, &err);
	if (p.given[PARAM_SURVEY])
		snprintf(out, n, "%s", p.survey);
	return 0;
}

void app_page(struct http_response *r, int status, enum lang l,
                      enum msg title, enum msg text)
{
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_message_page(&r->body, l, app_msgs[title][l], app_msgs[text][l]);
}

void app_site(const struct app *a, struct html_site *site)
{
	for (int l = 0; l < LANG__MAX; l++)
		site->evaluator[l] = a->evaluator[l];
	site->contact = a->contact;
}

/*
 * The loaded surveys of audience au (every audience when au is
 * AUDIENCE__MAX) as links into v (at most max), their texts borrowed from
 * a's cache; returns how many.  A store failure gives none (the page that
 * offers them still helps with the rest).
 */
static size_t survey_links(struct app *a, enum audience au, struct html_survey_link *v, size_t max)
{
	char **ids = NULL;
	size_t n = 0, k = 0;
	int version;
	if (store_survey_ids(a->store, &ids, &n) != STORE_OK)
		n = 0;
	/* The cache holds SURVEY_CACHE: the texts stay while no more are looked up. */
	for (size_t i = 0; i < n && k < max && i < SURVEY_CACHE; i++) {
		const struct survey *sv;
		if (app_survey(a, ids[i], &sv, &version) != STORE_OK ||
		    (au != AUDIENCE__MAX && sv->audience != au))
			continue;
		v[k] = (struct html_survey_link){.id = sv->id, .audience = sv->audience};
		for (int l = 0; l < LANG__MAX; l++)
			v[k].title[l] = sv->title.s[l];
		k++;
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return k;
}

#define WAY_ON_FORMS 4

/* See app_internal.h. */
int app_invite_page(struct app *a, struct http_response *r, enum lang l, enum invite_state st,
                    const char *lang_href)
{
	struct html_site site;
	struct html_survey_link forms[WAY_ON_FORMS];
	struct html_way_on way = {.forms = forms, .lang_href = lang_href};
	enum msg title, text;
	struct sbuf msg;

	switch (st) {
	case INVITE_USED:
	case INVITE_ANSWERED:
		r->status = 409, title = MSG_USED_TITLE, text = MSG_USED;
		break;
	case INVITE_EXPIRED:
		r->status = 410, title = MSG_EXPIRED_TITLE, text = MSG_EXPIRED;
		break;
	case INVITE_BUSY:
		app_page(r, app_status_of(STORE_ERR_BUSY), l, MSG_SERVER_TITLE, MSG_BUSY);
		app_retry_after(r, APP_BUSY_RETRY_AFTER);
		return r->status;
	case INVITE_FAILED:
		app_page(r, app_status_of(STORE_ERR_SQL), l, MSG_SERVER_TITLE, MSG_SERVER);
		return r->status;
	default:
		r->status = 404, title = MSG_TOKEN_TITLE, text = MSG_TOKEN_UNKNOWN;
		break;
	}
	app_site(a, &site);
	way.nforms = survey_links(a, AUDIENCE_PUBLIC, forms, WAY_ON_FORMS);
	sbuf_init(&msg);
	sbuf_adds(&msg, app_msgs[text][l]);
	if (st == INVITE_EXPIRED) {
		/* Name the channel: the public survey, by its title. */
		if (way.nforms > 0) {
			const char *t = forms[0].title[l] ? forms[0].title[l] : forms[0].id;
			sbuf_printf(&msg, l == LANG_ZH ? "如有意见，可以填写公开问卷《%s》（见下方链接）。"
			                               : " You can still give your view in the public survey "
			                                 "\"%s\" (linked below).", t);
		} else if (*a->contact != '\0') {
			sbuf_adds(&msg, l == LANG_ZH ? "如有意见，可以联系评价机构（见下方）。"
			                             : " You can still give your view to the evaluator (below).");
		}
	}
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_way_on_page(&r->body, l, app_msgs[title][l], msg.data, &site, &way);
	sbuf_free(&msg);
	return r->status;
}

int app_landing(struct app *a, const struct http_request *req, struct http_response *r,
                const char *rest)
{
	struct html_site site;
	struct html_survey_link v[SURVEY_CACHE];
	enum lang l = app_query_lang(req->query);
	(void)rest;
	app_site(a, &site);
	size_t n = survey_links(a, AUDIENCE__MAX, v, ARRAY_SIZE(v));
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_landing_page(&r->body, l, &site, v, n);
	http_header(r, "Content-Language", l == LANG_ZH ? "zh-CN" : "en");
	return 200;
}

void app_retry_after(struct http_response *r, long seconds)
{
	char v[32];
	snprintf(v, sizeof v, "%ld", seconds > 0 ? seconds : 1);
	http_header(r, "Retry-After", v);
}

/* See app_internal.h: the one map from store errors to statuses. */
int app_status_of(enum store_err e)
{
	switch (e) {
	case STORE_OK:
		return 200;
	case STORE_ERR_NOTFOUND:
		return 404;
	case STORE_ERR_CONSTRAINT:
		return 409;
	case STORE_ERR_BUSY:
		return 503;
	default:
		return 500;
	}
}

/* The log line and the headers of a failure; returns its status. */
static int store_failure(struct app *a, struct http_response *r, enum store_err e)
{
	int status = app_status_of(e);
	if (status >= 500)
		fprintf(stderr, "manyi: store: %s: %s\n", store_strerror(e), store_errmsg(a->store));
	if (status == 503)
		app_retry_after(r, APP_BUSY_RETRY_AFTER);
	http_header(r, "Cache-Control", "no-store");
	return status;
}

int app_store_failure_page(struct app *a, struct http_response *r, enum lang l,
                           enum store_err e)
{
	int status = store_failure(a, r, e);
	if (status == 404)
		app_page(r, 404, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_SURVEY);
	else if (status == 503)
		app_page(r, 503, l, MSG_SERVER_TITLE, MSG_BUSY);
	else
		app_page(r, status, l, MSG_SERVER_TITLE, MSG_SERVER);
	return status;
}

int app_store_failure_json(struct app *a, struct http_response *r, enum store_err e)
{
	int status = store_failure(a, r, e);
	if (status == 404)
		http_json_error(r, 404, "not_found", "not found", NULL);
	else if (status == 409)
		http_json_error(r, 409, "conflict", "a database rule was broken; nothing was stored", NULL);
	else if (status == 503)
		http_json_error(r, 503, "busy", "the database is busy; nothing was stored, try again", NULL);
	else
		http_json_error(r, 500, "internal", "internal error; nothing was stored", NULL);
	return status;
}

/* Has the content type this media type (ignoring parameters)? */
bool app_media_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	if (strncasecmp(ct, want, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

int app_json_body(const struct http_request *req, struct http_response *r, size_t max,
                  const char *what, struct sbuf *body)
{
	char msg[160];
	int status;
	if (!app_media_type_is(req->content_type, "application/json")) {
		snprintf(msg, sizeof msg, "send %s as Content-Type: application/json", what);
		http_json_error(r, 415, "unsupported_media_type", msg, NULL);
		return 415;
	}
	if ((status = http_read_body(req, max, body)) != 0) {
		if (status == 413)
			snprintf(msg, sizeof msg, "the body is larger than %zu bytes; send fewer at a time", max);
		http_json_error(r, status, status == 413 ? "too_large" : "bad_request",
		                status == 413 ? msg : "the body could not be read in full", NULL);
	}
	return status;
}

/* See app_internal.h. */
int app_check_key(struct app *a, const struct http_request *req, struct http_response *r,
                  struct principal *p)
{
	char token[SESSION_TOKEN_LEN + 8];
	bool by_cookie = *req->authorization == '\0' &&
	                 cookie_get(req->cookie, SESSION_COOKIE, token, sizeof token);
	enum auth_result ar = by_cookie ? session_check(a->store, token, time(NULL), p)
	                                : auth_check(a->store, req->authorization, p);
	if (ar == AUTH_BUSY || ar == AUTH_FAILED)
		return app_store_failure_json(a, r, ar == AUTH_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
	if (ar != AUTH_OK) {
		static const char *const why[AUTH__MAX] = {
			[AUTH_MISSING] = "this route needs Authorization: Bearer KEY (or the session cookie of /signin)",
			[AUTH_MALFORMED] = "the Authorization header is not Bearer followed by a manyi key",
			[AUTH_UNKNOWN] = "unknown key",
			[AUTH_REVOKED] = "this key has been revoked",
		};
		http_json_error(r, 401, ar == AUTH_REVOKED ? "revoked_key" : "unauthorized",
		                by_cookie ? "the session has ended or is not known: sign in again at /signin"
		                          : why[ar], NULL);
		http_header(r, "WWW-Authenticate", "Bearer realm=\"manyi\"");
		return 401;
	}
	if (p->role == ROLE_REVIEWER) { /* no statistics, export or anything keyed */
		http_json_error(r, 403, "forbidden", "a reviewer's session reaches /review only", NULL);
		return 403;
	}
	/* The cookie goes with any request the browser sends here, another
	 * site's too: a change needs the session's token besides. */
	if (by_cookie && strcmp(req->method, "POST") == 0 &&
	    !session_csrf_ok(a->secret, token, req->csrf_token)) {
		http_json_error(r, 403, "csrf", "a POST signed in by the session cookie needs the header "
		                "X-CSRF-Token (the csrf of GET /api/v1/session)", NULL);
		return 403;
	}
	return 0;
}

/* query without its t= parameters into out (capacity n, cut to fit). */
static void audit_query(const char *query, char *out, size_t n)
{
	size_t len = 0;
	*out = '\0';
	for (const char *p = query; *p != '\0';) {
		size_t part = strcspn(p, "&");
		bool token = (part >= 2 && strncmp(p, "t=", 2) == 0) || (part == 1 && *p == 't');
		if (!token && part > 0 && len + part + 2 < n) {
			len += (size_t)snprintf(out + len, n - len, "%s%.*s", len ? "&" : "", (int)part, p);
		}
		p += part;
		if (*p == '&')
			p++;
	}
}

/* See app_internal.h. */
int app_require_key(struct app *a, const struct http_request *req, struct http_response *r,
                    struct principal *p)
{
	int status = app_check_key(a, req, r, p);
	if (status != 0)
		return status;
	char action[160];
	snprintf(action, sizeof action, "%s %.120s", req->method, req->path);
	/* The query too: what a key asked is what an evaluator reviews when a
	 * pattern of queries looks like differencing; but never t=, the
	 * invitation tokens a QR code or notice is rendered from. */
	char detail[520];
	audit_query(req->query, detail, sizeof detail);
	char actor[80];
	session_actor(p, actor, sizeof actor);
	enum store_err e = store_audit(a->store, actor, action, p->agency[0] ? p->agency : NULL,
	                               *detail ? detail : NULL);
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	return 0;
}

/* A strong ETag over the body; answers 304 with no body when the client already has it. */
int app_etag_reply(const struct http_request *req, struct http_response *r, int status)
{
	unsigned char h[16];
	char tag[48];
	crypto_blake2b(h, sizeof h, r->body.data, r->body.len);
	char *hex = crypto_b64url_encode(h, sizeof h);
	snprintf(tag, sizeof tag, "\"%s\"", hex);
	free(hex);
	http_header(r, "ETag", tag);
	http_header(r, "Cache-Control", "no-cache");
	if (status == 200 && req->if_none_match != NULL && strstr(req->if_none_match, tag) != NULL) {
		sbuf_reset(&r->body);
		return 304;
	}
	return status;
}
