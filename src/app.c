/* app — see include/app.h. */
#include "app.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csrf.h"
#include "form.h"
#include "html.h"
#include "store.h"
#include "submit.h"
#include "survey.h"

#define SURVEY_CACHE 16

struct cached_survey {
	char *id;
	int version;            /* stored version */
	struct survey *survey;
};

struct app {
	struct store *store;
	unsigned char secret[32];
	struct cached_survey cache[SURVEY_CACHE];
	size_t ncache;
};

/* Fixed page texts, by language. */
enum msg {
	MSG_NOT_FOUND_TITLE,
	MSG_NOT_FOUND_SURVEY,
	MSG_NOT_FOUND_PAGE,
	MSG_BAD_REQUEST_TITLE,
	MSG_BAD_REQUEST,
	MSG_TOO_LARGE,
	MSG_BAD_TYPE,
	MSG_SERVER_TITLE,
	MSG_SERVER,
	MSG_BUSY,
	MSG_CSRF_EXPIRED,
	MSG_CSRF_MISSING,
	MSG_TOKEN_TITLE,
	MSG_TOKEN_UNKNOWN,
	MSG__MAX
};

static const char *const msgs[MSG__MAX][LANG__MAX] = {
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
	[MSG_TOKEN_TITLE] = {"评价链接无效", "This link is not valid"},
	[MSG_TOKEN_UNKNOWN] = {"该评价链接无效，请核对链接或二维码是否完整。",
	                       "This survey link is not valid. Please check that the link or QR code is complete."},
};

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
	*out = a;
	return 0;
fail:
	app_free(a);
	return -1;
}

void app_free(struct app *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->ncache; i++) {
		free(a->cache[i].id);
		survey_free(a->cache[i].survey);
	}
	store_close(a->store);
	sodium_memzero(a->secret, sizeof a->secret);
	free(a);
}

/* Is the survey id well-formed? Keeps junk out of SQL and logs. */
static const struct survey *survey_get(struct app *a, const char *id, int *version)
{
	if (!slug_valid(id))
		return NULL;
	int latest = store_survey_version(a->store, id);
	if (latest <= 0)
		return NULL;
	for (size_t i = 0; i < a->ncache; i++) {
		struct cached_survey *c = &a->cache[i];
		if (strcmp(c->id, id) != 0)
			continue;
		if (c->version == latest) {
			*version = c->version;
			return c->survey;
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
	if (store_survey_latest(a->store, id, &v, &def) != STORE_OK)
		return NULL;
	if (survey_parse(id, def, strlen(def), &sv, msg, sizeof msg) != SURVEY_OK) {
		fprintf(stderr, "manyi: stored survey %s v%d does not parse: %s\n", id, v, msg);
		free(def);
		return NULL;
	}
	free(def);
	if (a->ncache == SURVEY_CACHE) {
		free(a->cache[0].id);
		survey_free(a->cache[0].survey);
		a->cache[0] = a->cache[--a->ncache];
	}
	a->cache[a->ncache++] = (struct cached_survey){xstrdup(id), v, sv};
	*version = v;
	return sv;
}

/* The language asked for by ?lang=, else Chinese. */
static enum lang query_lang(const char *query)
{
	char buf[16];
	enum lang l = LANG_ZH;
	if (http_query_get(query, "lang", buf, sizeof buf))
		lang_parse(buf, &l);
	return l;
}

static void html_page(struct http_response *r, int status, enum lang l,
                      enum msg title, enum msg text)
{
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_message_page(&r->body, l, msgs[title][l], msgs[text][l]);
}

/* Map a store failure to a page; logs the detail. */
static int store_failure_page(struct app *a, struct http_response *r, enum lang l,
                              enum store_err e)
{
	fprintf(stderr, "manyi: store: %s: %s\n", store_strerror(e), store_errmsg(a->store));
	if (e == STORE_ERR_BUSY) {
		html_page(r, 503, l, MSG_SERVER_TITLE, MSG_BUSY);
		http_header(r, "Retry-After", "5");
	} else {
		html_page(r, 500, l, MSG_SERVER_TITLE, MSG_SERVER);
	}
	return r->status;
}

static int store_failure_json(struct app *a, struct http_response *r, enum store_err e)
{
	fprintf(stderr, "manyi: store: %s: %s\n", store_strerror(e), store_errmsg(a->store));
	if (e == STORE_ERR_BUSY) {
		http_json_error(r, 503, "busy", "the database is busy; nothing was stored, try again", NULL);
		http_header(r, "Retry-After", "5");
	} else {
		http_json_error(r, 500, "internal", "internal error; nothing was stored", NULL);
	}
	return r->status;
}

/* GET /healthz */
static int h_healthz(struct app *a, const struct http_request *req,
                     struct http_response *r, const char *rest)
{
	(void)req;
	(void)rest;
	cJSON *o = cJSON_CreateObject();
	bool ok = store_ping(a->store);
	cJSON_AddStringToObject(o, "status", ok ? "ok" : "unavailable");
	http_json(r, ok ? 200 : 503, o);
	http_header(r, "Cache-Control", "no-store");
	return r->status;
}

/* Registry entries as select choices; the strings stay owned by list. */
static struct html_choice *choices_of(const struct registry_list *list)
{
	struct html_choice *c = xcalloc(list->n ? list->n : 1, sizeof *c);
	for (size_t i = 0; i < list->n; i++) {
		c[i].code = list->v[i].code;
		for (int l = 0; l < LANG__MAX; l++)
			c[i].name[l] = list->v[i].name[l];
	}
	return c;
}

/* Everything a form render needs beyond the view itself. */
struct form_ctx {
	const char *survey_id;
	enum lang lang;
	bool https;             /* mark the cookie Secure */
	char action[128];
	char csrf[CSRF_TOKEN_LEN];
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
	struct registry_list agencies = {0}, domains = {0};
	struct html_choice *ac = NULL, *dc = NULL;
	enum store_err e;

	if ((e = store_registry_list(a->store, REGISTRY_AGENCY, &agencies)) != STORE_OK ||
	    (e = store_registry_list(a->store, REGISTRY_DOMAIN, &domains)) != STORE_OK) {
		registry_list_free(&agencies);
		return store_failure_page(a, r, fc->lang, e);
	}
	ac = choices_of(&agencies);
	dc = choices_of(&domains);

	struct form_view v = {
		.survey = sv,
		.lang = fc->lang,
		.action = fc->action,
		.csrf = fc->csrf,
		.ask_context = true,
		.agencies = ac,
		.nagencies = agencies.n,
		.domains = dc,
		.ndomains = domains.n,
		.values = values,
		.errors = errs,
		.notice = notice,
	};
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_form_page(&r->body, &v);

	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/s/%s; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	         CSRF_COOKIE, fc->csrf, fc->survey_id, CSRF_MAX_AGE, fc->https ? "; Secure" : "");
	http_header(r, "Set-Cookie", cookie);
	http_header(r, "Cache-Control", "no-store");
	http_header(r, "Content-Language", fc->lang == LANG_ZH ? "zh-CN" : "en");

	free(ac);
	free(dc);
	registry_list_free(&agencies);
	registry_list_free(&domains);
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

/* GET /s/{survey} and /s/{survey}/thanks */
static int h_form_get(struct app *a, const struct http_request *req,
                      struct http_response *r, const char *rest)
{
	struct form_ctx fc = {.lang = query_lang(req->query), .https = req->https};
	char id[72], token[256], cookie[CSRF_TOKEN_LEN];
	bool thanks;
	int version;
	const struct survey *sv;

	if (!survey_path(rest, id, sizeof id, &thanks) ||
	    (sv = survey_get(a, id, &version)) == NULL) {
		html_page(r, 404, fc.lang, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_SURVEY);
		return 404;
	}
	if (thanks) {
		r->content_type = "text/html; charset=utf-8";
		html_thanks_page(&r->body, sv, fc.lang);
		return 200;
	}
	if (http_query_get(req->query, "t", token, sizeof token)) {
		/* Invitations arrive with the encounter registry; none exist yet. */
		html_page(r, 404, fc.lang, MSG_TOKEN_TITLE, MSG_TOKEN_UNKNOWN);
		return 404;
	}
	fc.survey_id = id;
	snprintf(fc.action, sizeof fc.action, "/s/%s", id);
	/* Keep a still-fresh token so two open tabs do not invalidate each other. */
	time_t now = time(NULL);
	if (cookie_get(req->cookie, CSRF_COOKIE, cookie, sizeof cookie) &&
	    csrf_check(a->secret, id, cookie, cookie, now, CSRF_MAX_AGE / 2) == CSRF_VALID)
		memcpy(fc.csrf, cookie, sizeof cookie);
	else
		csrf_make(a->secret, id, now, fc.csrf, sizeof fc.csrf);
	return render_form(a, r, 200, sv, &fc, NULL, NULL, NULL);
}

/* Has the content type this media type (ignoring parameters)? */
static bool media_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	if (strncasecmp(ct, want, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/*
 * Check the respondent-chosen agency and domain; errors go against the
 * "_agency"/"_domain" fields (or "agency"/"domain" for the API).
 */
static void check_context(struct app *a, const char *agency, const char *domain,
                          const char *agency_field, const char *domain_field,
                          struct answer_errors *errs)
{
	if (agency == NULL || *agency == '\0')
		answer_errors_add(errs, agency_field, ANSWER_REQUIRED);
	else if (!code_valid(agency) || !store_registry_exists(a->store, REGISTRY_AGENCY, agency))
		answer_errors_add(errs, agency_field, ANSWER_UNKNOWN_OPTION);
	if (domain == NULL || *domain == '\0')
		answer_errors_add(errs, domain_field, ANSWER_REQUIRED);
	else if (!code_valid(domain) || !store_registry_exists(a->store, REGISTRY_DOMAIN, domain))
		answer_errors_add(errs, domain_field, ANSWER_UNKNOWN_OPTION);
}

/* Merge b's errors after a's (a's first, one per item). */
static void errors_merge(struct answer_errors *into, const struct answer_errors *from)
{
	for (size_t i = 0; i < from->n; i++)
		answer_errors_add(into, from->v[i].item, from->v[i].code);
}

/* POST /s/{survey} */
static int h_form_post(struct app *a, const struct http_request *req,
                       struct http_response *r, const char *rest)
{
	struct form_ctx fc = {.lang = query_lang(req->query), .https = req->https};
	struct sbuf body;
	struct pairs form, items;
	struct answers ans = {0};
	struct answer_errors ctx_errs = {.n = 0}, errs = {.n = 0};
	char id[72], cookie[CSRF_TOKEN_LEN], public_id[64];
	const struct survey *sv;
	const char *v;
	bool thanks;
	int version, status;

	sbuf_init(&body);
	pairs_init(&form);
	pairs_init(&items);

	if (!survey_path(rest, id, sizeof id, &thanks) || thanks ||
	    (sv = survey_get(a, id, &version)) == NULL) {
		html_page(r, 404, fc.lang, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_SURVEY);
		status = 404;
		goto done;
	}
	if (!media_type_is(req->content_type, "application/x-www-form-urlencoded")) {
		html_page(r, status = 415, fc.lang, MSG_BAD_REQUEST_TITLE, MSG_BAD_TYPE);
		goto done;
	}
	if ((status = http_read_body(req, APP_FORM_MAX, &body)) != 0) {
		html_page(r, status, fc.lang, MSG_BAD_REQUEST_TITLE,
		          status == 413 ? MSG_TOO_LARGE : MSG_BAD_REQUEST);
		goto done;
	}
	if (form_parse(body.data, body.len, &form) != FORM_OK) {
		html_page(r, status = 400, fc.lang, MSG_BAD_REQUEST_TITLE, MSG_BAD_REQUEST);
		goto done;
	}
	if ((v = pairs_get(&form, "_lang")) != NULL)
		lang_parse(v, &fc.lang);
	fc.survey_id = id;
	snprintf(fc.action, sizeof fc.action, "/s/%s", id);

	/* CSRF first: nothing from a forged post is even validated. */
	time_t now = time(NULL);
	const char *posted = pairs_get(&form, "_csrf");
	bool have_cookie = cookie_get(req->cookie, CSRF_COOKIE, cookie, sizeof cookie);
	enum csrf_result cr = csrf_check(a->secret, id, posted, have_cookie ? cookie : NULL,
	                                 now, CSRF_MAX_AGE);
	if (cr != CSRF_VALID) {
		csrf_make(a->secret, id, now, fc.csrf, sizeof fc.csrf);
		status = render_form(a, r, 403, sv, &fc, &form, NULL,
		                     msgs[cr == CSRF_EXPIRED ? MSG_CSRF_EXPIRED : MSG_CSRF_MISSING][fc.lang]);
		goto done;
	}
	snprintf(fc.csrf, sizeof fc.csrf, "%s", posted);

	if ((v = pairs_get(&form, "_t")) != NULL && *v != '\0') {
		html_page(r, status = 404, fc.lang, MSG_TOKEN_TITLE, MSG_TOKEN_UNKNOWN);
		goto done;
	}

	/* A filled honeypot is a bot: say thanks, store nothing. */
	if ((v = pairs_get(&form, "_hp")) != NULL && *v != '\0') {
		fprintf(stderr, "manyi: honeypot filled on %s; answer dropped\n", id);
		goto stored;
	}

	for (size_t i = 0; i < form.n; i++)
		if (form.v[i].key[0] != '_')
			pairs_add(&items, form.v[i].key, form.v[i].value);
	const char *agency = pairs_get(&form, "_agency");
	const char *domain = pairs_get(&form, "_domain");
	check_context(a, agency, domain, "_agency", "_domain", &ctx_errs);
	answers_check(sv, &items, false, &ans, &errs);
	errors_merge(&ctx_errs, &errs);
	if (ctx_errs.n > 0) {
		status = render_form(a, r, 422, sv, &fc, &form, &ctx_errs, NULL);
		goto done;
	}

	struct response_meta m = {
		.survey = id,
		.survey_version = version,
		.channel = "web",
		.agency = agency,
		.domain = domain,
	};
	enum store_err e = store_response_add(a->store, &m, &ans, public_id, sizeof public_id);
	if (e != STORE_OK) {
		status = store_failure_page(a, r, fc.lang, e);
		goto done;
	}
stored:;
	char location[160];
	snprintf(location, sizeof location, "/s/%s/thanks?lang=%s", id, lang_code(fc.lang));
	r->status = status = 303;
	http_header(r, "Location", location);
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_thanks_page(&r->body, sv, fc.lang);
done:
	answers_free(&ans);
	pairs_free(&items);
	pairs_free(&form);
	sbuf_free(&body);
	return status;
}

/* Per-field errors as a JSON array for the API. */
static cJSON *errors_json(const struct answer_errors *errs)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < errs->n; i++) {
		cJSON *o = cJSON_CreateObject();
		if (errs->v[i].item != NULL)
			cJSON_AddStringToObject(o, "field", errs->v[i].item);
		else
			cJSON_AddNullToObject(o, "field");
		cJSON_AddStringToObject(o, "code", answer_err_code(errs->v[i].code));
		cJSON_AddStringToObject(o, "message", answer_err_message(errs->v[i].code, LANG_EN));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* POST /api/v1/responses */
static int h_api_responses(struct app *a, const struct http_request *req,
                           struct http_response *r, const char *rest)
{
	struct sbuf body;
	struct submission sub = {0};
	struct pairs items;
	struct answers ans = {0};
	struct answer_errors ctx_errs = {.n = 0}, errs = {.n = 0};
	char msg[256], public_id[64];
	const struct survey *sv;
	int version, status;

	(void)rest;
	sbuf_init(&body);
	pairs_init(&items);

	if (!media_type_is(req->content_type, "application/json")) {
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
	if (submit_parse(body.data, body.len, &sub, msg, sizeof msg) != SUBMIT_OK) {
		http_json_error(r, status = 400, "malformed", msg, NULL);
		goto done;
	}
	if ((sv = survey_get(a, sub.survey, &version)) == NULL) {
		cJSON *f = cJSON_CreateArray();
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "field", "survey");
		cJSON_AddStringToObject(o, "code", "unknown_survey");
		cJSON_AddStringToObject(o, "message", "no survey with this id");
		cJSON_AddItemToArray(f, o);
		http_json_error(r, status = 422, "invalid", "unknown survey", f);
		goto done;
	}
	if (sub.token != NULL) {
		cJSON *f = cJSON_CreateArray();
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "field", "token");
		cJSON_AddStringToObject(o, "code", "unknown_token");
		cJSON_AddStringToObject(o, "message", "no invitation with this token");
		cJSON_AddItemToArray(f, o);
		http_json_error(r, status = 422, "invalid", "unknown token", f);
		goto done;
	}
	check_context(a, sub.agency, sub.domain, "agency", "domain", &ctx_errs);
	submit_answers(sv, &sub, &items, &errs);
	struct answer_errors check_errs = {.n = 0};
	answers_check(sv, &items, false, &ans, &check_errs);
	errors_merge(&errs, &check_errs);
	errors_merge(&ctx_errs, &errs);
	if (ctx_errs.n > 0) {
		snprintf(msg, sizeof msg, "%zu field%s invalid; nothing was stored", ctx_errs.n,
		         ctx_errs.n == 1 ? " is" : "s are");
		http_json_error(r, status = 422, "invalid", msg, errors_json(&ctx_errs));
		goto done;
	}

	struct response_meta m = {
		.survey = sv->id,
		.survey_version = version,
		.channel = "api",
		.agency = sub.agency,
		.domain = sub.domain,
	};
	enum store_err e = store_response_add(a->store, &m, &ans, public_id, sizeof public_id);
	if (e != STORE_OK) {
		status = store_failure_json(a, r, e);
		goto done;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", public_id);
	http_json(r, status = 201, o);
done:
	answers_free(&ans);
	pairs_free(&items);
	submission_free(&sub);
	sbuf_free(&body);
	return status;
}

typedef int (*handler_fn)(struct app *, const struct http_request *,
                          struct http_response *, const char *rest);

/* The routes: a path (exact) or prefix (ending in '/'), per method. */
static const struct route {
	const char *path;
	bool prefix;
	bool json;           /* errors as JSON rather than HTML */
	handler_fn get;
	handler_fn post;
} routes[] = {
	{"/healthz", false, true, h_healthz, NULL},
	{"/s/", true, false, h_form_get, h_form_post},
	{"/api/v1/responses", false, true, NULL, h_api_responses},
};

void app_handle(struct app *a, const struct http_request *req, struct http_response *r)
{
	enum lang l = query_lang(req->query);
	bool is_api = strncmp(req->path, "/api/", 5) == 0;

	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		const struct route *rt = &routes[i];
		size_t n = strlen(rt->path);
		const char *rest;
		if (rt->prefix ? strncmp(req->path, rt->path, n) != 0 : strcmp(req->path, rt->path) != 0)
			continue;
		rest = req->path + n;
		bool head = strcmp(req->method, "HEAD") == 0;
		handler_fn fn = NULL;
		if (strcmp(req->method, "GET") == 0 || head)
			fn = rt->get;
		else if (strcmp(req->method, "POST") == 0)
			fn = rt->post;
		if (fn == NULL) {
			char allow[32];
			snprintf(allow, sizeof allow, "%s%s%s", rt->get ? "GET, HEAD" : "",
			         rt->get && rt->post ? ", " : "", rt->post ? "POST" : "");
			if (rt->json)
				http_json_error(r, 405, "method_not_allowed", "method not allowed on this route", NULL);
			else
				html_page(r, 405, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_PAGE);
			http_header(r, "Allow", allow);
			return;
		}
		r->status = fn(a, req, r, rest);
		if (head)
			sbuf_reset(&r->body);
		return;
	}
	if (is_api)
		http_json_error(r, 404, "not_found", "no such route", NULL);
	else
		html_page(r, 404, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_PAGE);
}
