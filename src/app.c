/* app — see include/app.h. */
#include "app.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "csrf.h"
#include "encounter.h"
#include "invite.h"
#include "metrics.h"
#include "publish.h"
#include "qr.h"
#include "report.h"
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
	MSG_USED_TITLE,
	MSG_USED,
	MSG_EXPIRED_TITLE,
	MSG_EXPIRED,
	MSG_SLOW_TITLE,
	MSG_SLOW,
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
	[MSG_USED_TITLE] = {"本次执法已完成评价", "This encounter has been rated"},
	[MSG_USED] = {"这次执法活动已经收到评价，每次执法只能评价一次。感谢您的参与！",
	              "We already have a rating for this encounter; each encounter is rated once. Thank you for taking part!"},
	[MSG_EXPIRED_TITLE] = {"评价链接已过期", "This link has expired"},
	[MSG_EXPIRED] = {"该评价链接已超过有效期，无法再提交评价。如有意见，可通过公开渠道反映。",
	                 "This survey link has passed its expiry date and can no longer be used. "
	                 "You can still give your view through the public survey."},
	[MSG_SLOW_TITLE] = {"请稍后再试", "Please try again later"},
	[MSG_SLOW] = {"尝试次数过多，请稍后再试。", "Too many attempts. Please wait a while and try again."},
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

/* The page for an invitation that cannot be used; returns its status. */
static int invite_page(struct http_response *r, enum lang l, enum invite_state st)
{
	switch (st) {
	case INVITE_USED:
	case INVITE_ANSWERED:
		html_page(r, 409, l, MSG_USED_TITLE, MSG_USED);
		break;
	case INVITE_EXPIRED:
		html_page(r, 410, l, MSG_EXPIRED_TITLE, MSG_EXPIRED);
		break;
	default:
		html_page(r, 404, l, MSG_TOKEN_TITLE, MSG_TOKEN_UNKNOWN);
		break;
	}
	return r->status;
}

static void retry_after(struct http_response *r, long seconds)
{
	char v[32];
	snprintf(v, sizeof v, "%ld", seconds > 0 ? seconds : 1);
	http_header(r, "Retry-After", v);
}

/*
 * Resolve a token for survey, counting unknown ones against the address.
 * *throttled is set (and nothing resolved) when the address is locked out.
 */
static enum invite_state resolve_token(struct app *a, const struct http_request *req,
                                       const char *survey, const char *token, time_t now,
                                       struct invitation *inv, unsigned char hash[32],
                                       long *throttled)
{
	*throttled = 0;
	if (!throttle_allowed(a->store, a->secret, THROTTLE_BAD_TOKEN, req->remote_addr, now, throttled))
		return INVITE_UNKNOWN;
	enum invite_state st = invite_resolve(a->store, survey, token, now, inv, hash);
	if (st == INVITE_UNKNOWN)
		throttle_count(a->store, a->secret, THROTTLE_BAD_TOKEN, req->remote_addr, now);
	return st;
}

/* "市市场监督管理局 · 市场监管 · 2022-04-11" for an encounter, localised. */
static char *encounter_context(struct app *a, const struct encounter *e, enum lang l)
{
	struct registry_list ag = {0}, dom = {0};
	const char *an = e->agency, *dn = e->domain;
	store_registry_list(a->store, REGISTRY_AGENCY, &ag);
	store_registry_list(a->store, REGISTRY_DOMAIN, &dom);
	for (size_t i = 0; i < ag.n; i++)
		if (strcmp(ag.v[i].code, e->agency) == 0)
			an = ag.v[i].name[l];
	for (size_t i = 0; i < dom.n; i++)
		if (strcmp(dom.v[i].code, e->domain) == 0)
			dn = dom.v[i].name[l];
	char *out = xasprintf("%s%s · %s · %s", l == LANG_ZH ? "本次评价对象：" : "You are rating: ",
	                      an, dn, e->occurred_on);
	registry_list_free(&ag);
	registry_list_free(&dom);
	return out;
}

/*
 * Store an answer in one transaction.  With an invitation (hash not NULL)
 * the token is marked used and the encounter's agency, domain and size are
 * recorded; an answer already there for the encounter, by any token or
 * channel, gives STORE_ERR_CONSTRAINT and stores nothing.
 */
static enum store_err store_answer(struct app *a, const struct survey *sv, int version,
                                   const struct invitation *inv, const unsigned char *hash,
                                   const char *agency, const char *domain, const char *channel,
                                   const struct answers *ans, char *public_id, size_t idlen)
{
	struct encounter e;
	struct response_meta m = {
		.survey = sv->id,
		.survey_version = version,
		.channel = channel,
		.agency = agency,
		.domain = domain,
	};
	enum store_err err = store_begin(a->store);
	if (err != STORE_OK)
		return err;
	if (inv != NULL) {
		if ((err = store_invitation_use(a->store, hash, (long long)time(NULL))) != STORE_OK ||
		    (err = store_encounter_get(a->store, inv->encounter, &e)) != STORE_OK)
			goto fail;
		m.encounter = e.id;
		m.agency = e.agency;
		m.domain = e.domain;
		m.size = e.size;
		m.channel = inv->channel;
	}
	if ((err = store_response_add(a->store, &m, ans, public_id, idlen)) != STORE_OK ||
	    (err = store_commit(a->store)) != STORE_OK)
		goto fail;
	metrics_answer(m.channel);
	return STORE_OK;
fail:
	store_rollback(a->store);
	return err;
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
	char token[INVITE_TOKEN_LEN]; /* the invitation, or "" */
	const char *context;    /* the encounter line shown with an invitation */
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
		.token = fc->token[0] ? fc->token : NULL,
		.context = fc->context,
		.ask_context = fc->token[0] == '\0',
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
	fc.survey_id = id;
	char *context = NULL;
	if (http_query_get(req->query, "t", token, sizeof token)) {
		struct invitation inv;
		unsigned char hash[32];
		struct encounter e;
		long wait;
		enum invite_state st = resolve_token(a, req, id, token, time(NULL), &inv, hash, &wait);
		if (wait > 0) {
			html_page(r, 429, fc.lang, MSG_SLOW_TITLE, MSG_SLOW);
			retry_after(r, wait);
			return 429;
		}
		if (st != INVITE_VALID)
			return invite_page(r, fc.lang, st);
		if (store_encounter_get(a->store, inv.encounter, &e) != STORE_OK)
			return invite_page(r, fc.lang, INVITE_UNKNOWN);
		context = encounter_context(a, &e, fc.lang);
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
	struct invitation inv;
	unsigned char hash[32];
	bool invited = false;
	char *context = NULL;

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

	/* An invitation: the encounter gives the context. */
	if ((v = pairs_get(&form, "_t")) != NULL && *v != '\0') {
		struct encounter e;
		long wait;
		enum invite_state st = resolve_token(a, req, id, v, now, &inv, hash, &wait);
		if (wait > 0) {
			html_page(r, status = 429, fc.lang, MSG_SLOW_TITLE, MSG_SLOW);
			retry_after(r, wait);
			goto done;
		}
		if (st != INVITE_VALID || store_encounter_get(a->store, inv.encounter, &e) != STORE_OK) {
			status = invite_page(r, fc.lang, st == INVITE_VALID ? INVITE_UNKNOWN : st);
			goto done;
		}
		invited = true;
		snprintf(fc.token, sizeof fc.token, "%.22s", v);
		fc.context = context = encounter_context(a, &e, fc.lang);
	}

	/* A filled honeypot is a bot: say thanks, store nothing. */
	if ((v = pairs_get(&form, "_hp")) != NULL && *v != '\0') {
		metrics_reject(REJECT_HONEYPOT);
		goto stored;
	}
	long wait = 0;
	if (!invited && !throttle_allowed(a->store, a->secret, THROTTLE_PUBLIC, req->remote_addr, now, &wait)) {
		html_page(r, status = 429, fc.lang, MSG_SLOW_TITLE, MSG_SLOW);
		retry_after(r, wait);
		goto done;
	}

	for (size_t i = 0; i < form.n; i++)
		if (form.v[i].key[0] != '_')
			pairs_add(&items, form.v[i].key, form.v[i].value);
	const char *agency = pairs_get(&form, "_agency");
	const char *domain = pairs_get(&form, "_domain");
	if (!invited)
		check_context(a, agency, domain, "_agency", "_domain", &ctx_errs);
	answers_check(sv, &items, false, &ans, &errs);
	errors_merge(&ctx_errs, &errs);
	if (ctx_errs.n > 0) {
		status = render_form(a, r, 422, sv, &fc, &form, &ctx_errs, NULL);
		goto done;
	}

	enum store_err e = store_answer(a, sv, version, invited ? &inv : NULL, hash, agency, domain,
	                                "web", &ans, public_id, sizeof public_id);
	if (e == STORE_ERR_CONSTRAINT && invited) {
		status = invite_page(r, fc.lang, INVITE_USED);
		goto done;
	}
	if (e != STORE_OK) {
		status = store_failure_page(a, r, fc.lang, e);
		goto done;
	}
	if (!invited)
		throttle_count(a->store, a->secret, THROTTLE_PUBLIC, req->remote_addr, now);
stored:;
	char location[160];
	snprintf(location, sizeof location, "/s/%s/thanks?lang=%s", id, lang_code(fc.lang));
	r->status = status = 303;
	http_header(r, "Location", location);
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_thanks_page(&r->body, sv, fc.lang);
done:
	free(context);
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
	struct invitation inv;
	unsigned char hash[32];
	bool invited = false;

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
		long wait;
		enum invite_state st = resolve_token(a, req, sv->id, sub.token, time(NULL), &inv, hash, &wait);
		if (wait > 0) {
			http_json_error(r, status = 429, "too_many_attempts",
			                "too many wrong tokens from this address; try again later", NULL);
			retry_after(r, wait);
			goto done;
		}
		if (st == INVITE_USED || st == INVITE_ANSWERED) {
			http_json_error(r, status = 409, "token_used",
			                "this encounter has already been rated; nothing was stored", NULL);
			goto done;
		}
		if (st != INVITE_VALID) {
			cJSON *f = cJSON_CreateArray();
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "field", "token");
			cJSON_AddStringToObject(o, "code", st == INVITE_EXPIRED ? "expired_token" : "unknown_token");
			cJSON_AddStringToObject(o, "message", st == INVITE_EXPIRED ? "this invitation has expired"
			                                                           : "no invitation with this token");
			cJSON_AddItemToArray(f, o);
			http_json_error(r, status = 422, "invalid", "the token cannot be used", f);
			goto done;
		}
		invited = true;
	}
	if (!invited)
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

	enum store_err e = store_answer(a, sv, version, invited ? &inv : NULL, hash, sub.agency,
	                                sub.domain, "api", &ans, public_id, sizeof public_id);
	if (e == STORE_ERR_CONSTRAINT && invited) {
		http_json_error(r, status = 409, "token_used",
		                "this encounter has already been rated; nothing was stored", NULL);
		goto done;
	}
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

#define APP_ENCOUNTERS_MAX (4 * 1024 * 1024) /* bytes of an encounters array */
#define APP_ENCOUNTERS_COUNT 10000          /* encounters in one request */
#define DEFAULT_INVITE_SURVEY "enforcement-enterprise"

/*
 * Check the Authorization header.  Returns 0 with *p filled, or the status
 * it answered (401) after writing the JSON error.  Every key use is audited.
 */
static int require_key(struct app *a, const struct http_request *req, struct http_response *r,
                       struct principal *p)
{
	enum auth_result ar = auth_check(a->store, req->authorization, p);
	if (ar != AUTH_OK) {
		static const char *const why[AUTH__MAX] = {
			[AUTH_MISSING] = "this route needs Authorization: Bearer KEY",
			[AUTH_MALFORMED] = "the Authorization header is not Bearer followed by a manyi key",
			[AUTH_UNKNOWN] = "unknown key",
			[AUTH_REVOKED] = "this key has been revoked",
		};
		http_json_error(r, 401, ar == AUTH_REVOKED ? "revoked_key" : "unauthorized", why[ar], NULL);
		http_header(r, "WWW-Authenticate", "Bearer realm=\"manyi\"");
		return 401;
	}
	char action[160];
	snprintf(action, sizeof action, "%s %.120s", req->method, req->path);
	store_audit(a->store, p->key_id, action, p->agency[0] ? p->agency : NULL, NULL);
	return 0;
}

/* The survey invitations are minted for: ?survey=, else the enterprise survey. */
static const struct survey *invite_survey(struct app *a, const struct http_request *req,
                                          int *version, char *id, size_t n)
{
	if (!http_query_get(req->query, "survey", id, n))
		snprintf(id, n, "%s", DEFAULT_INVITE_SURVEY);
	return survey_get(a, id, version);
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
static int h_api_encounters(struct app *a, const struct http_request *req,
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
	if ((status = require_key(a, req, r, &p)) != 0)
		goto done;
	if (!media_type_is(req->content_type, "application/json")) {
		http_json_error(r, status = 415, "unsupported_media_type",
		                "send the encounters as Content-Type: application/json", NULL);
		goto done;
	}
	if ((sv = invite_survey(a, req, &version, sid, sizeof sid)) == NULL) {
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
		status = store_failure_json(a, r, STORE_ERR_BUSY);
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
		if (p.role == ROLE_AGENCY && strcmp(in.agency, p.agency) != 0) {
			status = encounter_error(r, 403, i, "an agency key registers only its own agency's encounters");
			goto rollback;
		}
		if (!encounter_parse(&in, &e, msg, sizeof msg) ||
		    encounter_store(a->store, &e, NULL, msg, sizeof msg) != 0) {
			status = encounter_error(r, 422, i, msg);
			goto rollback;
		}
		char token[INVITE_TOKEN_LEN], url[512];
		if (invite_mint(a->store, sv->id, e.id, "qr", INVITE_DEFAULT_DAYS, now, token) != STORE_OK) {
			status = store_failure_json(a, r, STORE_ERR_SQL);
			goto rollback;
		}
		invite_url(invite_base_url(), sv->id, token, url, sizeof url);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "encounter_id", e.id);
		cJSON_AddStringToObject(o, "token", token);
		cJSON_AddStringToObject(o, "url", url);
		cJSON_AddItemToArray(out, o);
		i++;
	}
	snprintf(msg, sizeof msg, "%zu encounters", i);
	if (store_audit(a->store, p.key_id, "register encounters", sid, msg) != STORE_OK ||
	    store_commit(a->store) != STORE_OK) {
		status = store_failure_json(a, r, STORE_ERR_SQL);
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

/* Mint a QR invitation for e and fill notice c (strings owned by the caller's lists). */
static int mint_notice(struct app *a, const struct survey *sv, const struct encounter *e,
                       char *url, size_t n)
{
	char token[INVITE_TOKEN_LEN];
	if (store_encounter_answered(a->store, e->id))
		return 409;
	if (invite_mint(a->store, sv->id, e->id, "qr", INVITE_DEFAULT_DAYS, time(NULL), token) != STORE_OK)
		return 500;
	invite_url(invite_base_url(), sv->id, token, url, n);
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
	struct sbuf *svgs = xcalloc(n, sizeof *svgs);
	char sid[72];
	int version, status = 0;
	const struct survey *sv = invite_survey(a, req, &version, sid, sizeof sid);

	for (size_t i = 0; i < n; i++)
		sbuf_init(&svgs[i]);
	if (sv == NULL) {
		http_json_error(r, status = 422, "unknown_survey", "no survey with that id", NULL);
		goto done;
	}
	store_registry_list(a->store, REGISTRY_AGENCY, &ag);
	store_registry_list(a->store, REGISTRY_DOMAIN, &dom);
	if (store_begin(a->store) != STORE_OK) {
		status = store_failure_json(a, r, STORE_ERR_BUSY);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if ((status = visible_encounter(a, p, ids[i], r, &e[i])) != 0)
			goto rollback;
		if ((status = mint_notice(a, sv, &e[i], urls[i], sizeof urls[i])) != 0) {
			if (status == 409)
				http_json_error(r, 409, "already_rated", "this encounter has already been rated", NULL);
			else
				store_failure_json(a, r, STORE_ERR_SQL);
			goto rollback;
		}
		qr_svg(urls[i], true, &svgs[i]);
		for (int l = 0; l < LANG__MAX; l++) {
			cards[i].agency[l] = name_of(&ag, e[i].agency, (enum lang)l);
			cards[i].domain[l] = name_of(&dom, e[i].domain, (enum lang)l);
		}
		cards[i].date = e[i].occurred_on;
		cards[i].url = urls[i];
		cards[i].qr_svg = svgs[i].data;
	}
	if (store_commit(a->store) != STORE_OK) {
		status = store_failure_json(a, r, STORE_ERR_SQL);
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
	free(cards);
	free(e);
	registry_list_free(&ag);
	registry_list_free(&dom);
	return status;
}

/* GET /api/v1/encounters/{id}/qr.svg | qr.png | notice */
static int h_api_encounter(struct app *a, const struct http_request *req,
                           struct http_response *r, const char *rest)
{
	struct principal p;
	struct encounter e;
	char id[72], url[512];
	int status, version;
	const char *slash = strchr(rest, '/');

	if ((status = require_key(a, req, r, &p)) != 0)
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
	char sid[72];
	const struct survey *sv = invite_survey(a, req, &version, sid, sizeof sid);
	if (sv == NULL) {
		http_json_error(r, 422, "unknown_survey", "no survey with that id", NULL);
		return 422;
	}
	if ((status = mint_notice(a, sv, &e, url, sizeof url)) != 0) {
		if (status == 409) {
			http_json_error(r, 409, "already_rated", "this encounter has already been rated", NULL);
			return 409;
		}
		return store_failure_json(a, r, STORE_ERR_SQL);
	}
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
static int h_api_notices(struct app *a, const struct http_request *req,
                         struct http_response *r, const char *rest)
{
	struct principal p;
	char list[8192];
	char *ids[200];
	size_t n = 0;
	int status;

	(void)rest;
	if ((status = require_key(a, req, r, &p)) != 0)
		return status;
	if (!http_query_get(req->query, "ids", list, sizeof list)) {
		http_json_error(r, 400, "bad_request", "give ?ids=ID,ID,... (at most 200)", NULL);
		return 400;
	}
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (n == ARRAY_SIZE(ids)) {
			http_json_error(r, 400, "bad_request", "at most 200 notices at a time", NULL);
			return 400;
		}
		ids[n++] = t;
	}
	if (n == 0) {
		http_json_error(r, 400, "bad_request", "give ?ids=ID,ID,... (at most 200)", NULL);
		return 400;
	}
	return notices(a, req, r, &p, ids, n);
}

static int etag_reply(const struct http_request *req, struct http_response *r, int status);

/* The query strings of a stats request; q points into it. */
struct stats_params {
	char survey[72], measure[72], by[64], weighting[16], from[16], to[16], level[32], low_n[16];
	struct report_query q;
};

/* Parse ?survey=&measure=&by=&weighting=&from=&to=&level=&low_n=; 0 or the status answered. */
static int stats_params_parse(const struct http_request *req, struct http_response *r,
                              struct stats_params *sp)
{
	struct report_query *q = &sp->q;
	char msg[256];
	report_query_default(q);
	if (!http_query_get(req->query, "survey", sp->survey, sizeof sp->survey)) {
		http_json_error(r, 400, "bad_request", "survey is required", NULL);
		return 400;
	}
	q->survey = sp->survey;
	if (http_query_get(req->query, "measure", sp->measure, sizeof sp->measure) && *sp->measure)
		q->measure = sp->measure;
	if (http_query_get(req->query, "by", sp->by, sizeof sp->by) && *sp->by &&
	    !report_parse_by(sp->by, q, msg, sizeof msg)) {
		http_json_error(r, 400, "bad_request", msg, NULL);
		return 400;
	}
	if (http_query_get(req->query, "weighting", sp->weighting, sizeof sp->weighting) &&
	    *sp->weighting && !stats_weighting_parse(sp->weighting, &q->weighting)) {
		http_json_error(r, 400, "bad_request", "weighting is none, base, poststrat or rake", NULL);
		return 400;
	}
	if (http_query_get(req->query, "from", sp->from, sizeof sp->from) && *sp->from) {
		if (!date_valid(sp->from)) {
			http_json_error(r, 400, "bad_request", "from is a date written YYYY-MM-DD", NULL);
			return 400;
		}
		q->from = sp->from;
	}
	if (http_query_get(req->query, "to", sp->to, sizeof sp->to) && *sp->to) {
		if (!date_valid(sp->to)) {
			http_json_error(r, 400, "bad_request", "to is a date written YYYY-MM-DD", NULL);
			return 400;
		}
		q->to = sp->to;
	}
	if (http_query_get(req->query, "level", sp->level, sizeof sp->level) && *sp->level) {
		char *end;
		q->level = strtod(sp->level, &end);
		if (*end != '\0' || !(q->level > 0 && q->level < 1)) {
			http_json_error(r, 400, "bad_request", "level is a number between 0 and 1", NULL);
			return 400;
		}
	}
	if (http_query_get(req->query, "low_n", sp->low_n, sizeof sp->low_n) && *sp->low_n) {
		long v;
		if (!parse_long(sp->low_n, 0, 1000000, &v)) {
			http_json_error(r, 400, "bad_request", "low_n is a whole number", NULL);
			return 400;
		}
		q->low_n = (double)v;
	}
	return 0;
}

/* Run the report into r's body; the status (200 with an ETag, or an error). */
static int stats_reply(struct app *a, const struct http_request *req, struct http_response *r,
                       const struct report_query *q)
{
	char msg[512];
	sbuf_reset(&r->body);
	switch (report_run(a->store, q, false, &r->body, msg, sizeof msg)) {
	case REPORT_OK:
		break;
	case REPORT_BAD_QUERY:
		http_json_error(r, 400, "bad_request", msg, NULL);
		return 400;
	case REPORT_NO_DATA:
		http_json_error(r, 422, "cannot_estimate", msg, NULL);
		return 422;
	default:
		return store_failure_json(a, r, STORE_ERR_SQL);
	}
	r->content_type = "application/json; charset=utf-8";
	return etag_reply(req, r, 200);
}

/* GET /api/v1/stats: the same JSON as `manyi stats`. */
static int h_api_stats(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest)
{
	struct principal p;
	struct stats_params sp;
	int status;

	(void)rest;
	if ((status = require_key(a, req, r, &p)) != 0 || (status = stats_params_parse(req, r, &sp)) != 0)
		return status;
	/* An agency sees its own agency's groups (and the overall benchmark). */
	if (p.role == ROLE_AGENCY) {
		struct report_query *q = &sp.q;
		bool has = false;
		for (size_t i = 0; i < q->nby; i++)
			has |= q->by[i] == BY_AGENCY;
		if (!has) {
			if (q->nby == REPORT_MAX_BY) {
				http_json_error(r, 403, "forbidden",
				                "an agency key groups by agency and at most one more column", NULL);
				return 403;
			}
			memmove(q->by + 1, q->by, q->nby * sizeof q->by[0]);
			q->by[0] = BY_AGENCY;
			q->nby++;
		}
		q->only_agency = p.agency;
	}
	return stats_reply(a, req, r, &sp.q);
}

/*
 * GET /api/v1/public/stats: what the evaluator published (`manyi publish`)
 * for this query, to anyone: frozen figures, small groups suppressed.
 */
static int h_api_public_stats(struct app *a, const struct http_request *req,
                              struct http_response *r, const char *rest)
{
	struct stats_params sp;
	char key[256], at[32], *result = NULL;
	int status;

	(void)rest;
	if ((status = stats_params_parse(req, r, &sp)) != 0)
		return status;
	publish_key(&sp.q, key, sizeof key);
	enum store_err e = store_publication_get(a->store, key, &result, at, sizeof at);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "not_published",
		                "nothing has been published for this query; see /api/v1/public/publications", NULL);
		return 404;
	}
	if (e != STORE_OK)
		return store_failure_json(a, r, e);
	sbuf_reset(&r->body);
	sbuf_adds(&r->body, result);
	free(result);
	r->content_type = "application/json; charset=utf-8";
	return etag_reply(req, r, 200);
}

static bool publication_item(void *ctx, const char *query, const char *at)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "query", query);
	cJSON_AddStringToObject(o, "published_at", at);
	cJSON_AddItemToArray(ctx, o);
	return true;
}

/* GET /api/v1/public/publications?survey=ID: what has been published. */
static int h_api_publications(struct app *a, const struct http_request *req,
                              struct http_response *r, const char *rest)
{
	char survey[72];
	(void)rest;
	if (!http_query_get(req->query, "survey", survey, sizeof survey)) {
		http_json_error(r, 400, "bad_request", "survey is required", NULL);
		return 400;
	}
	cJSON *arr = cJSON_CreateArray();
	if (store_publication_list(a->store, survey, publication_item, arr) != STORE_OK) {
		cJSON_Delete(arr);
		return store_failure_json(a, r, STORE_ERR_SQL);
	}
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "survey", survey);
	cJSON_AddItemToObject(root, "publications", arr);
	http_json(r, 200, root);
	return etag_reply(req, r, 200);
}

/*
 * A strong ETag over the body; answers 304 with no body when the client
 * already has it.
 */
static int etag_reply(const struct http_request *req, struct http_response *r, int status)
{
	unsigned char h[16];
	char tag[48];
	crypto_generichash(h, sizeof h, (const unsigned char *)r->body.data, r->body.len, NULL, 0);
	char *hex = b64url_encode(h, sizeof h);
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

/* GET /metrics: Prometheus text, for scrapers on this machine only. */
static int h_metrics(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest)
{
	(void)a;
	(void)rest;
	if (strcmp(req->remote_addr, "127.0.0.1") != 0 && strcmp(req->remote_addr, "::1") != 0) {
		http_json_error(r, 403, "forbidden", "metrics are served to this machine only", NULL);
		return 403;
	}
	sbuf_reset(&r->body);
	metrics_render(&r->body);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	http_header(r, "Cache-Control", "no-store");
	return 200;
}

/* GET /api/v1/surveys: every survey's latest version, title and audience. */
static int h_api_surveys(struct app *a, const struct http_request *req, struct http_response *r,
                         const char *rest)
{
	char **ids = NULL;
	size_t n = 0;
	(void)rest;
	if (store_survey_ids(a->store, &ids, &n) != STORE_OK)
		return store_failure_json(a, r, STORE_ERR_SQL);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		int version;
		const struct survey *sv = survey_get(a, ids[i], &version);
		if (sv != NULL) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "id", sv->id);
			cJSON_AddNumberToObject(o, "version", version);
			cJSON_AddStringToObject(o, "audience", audience_name(sv->audience));
			cJSON *t = cJSON_AddObjectToObject(o, "title");
			cJSON_AddStringToObject(t, "zh", sv->title.s[LANG_ZH]);
			cJSON_AddStringToObject(t, "en", sv->title.s[LANG_EN]);
			cJSON_AddItemToArray(arr, o);
		}
		free(ids[i]);
	}
	free(ids);
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "surveys", arr);
	http_json(r, 200, root);
	return etag_reply(req, r, 200);
}

/* GET /api/v1/surveys/{id}: the latest definition as registered, with its version. */
static int h_api_survey(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest)
{
	int version;
	const struct survey *sv = survey_get(a, rest, &version);
	if (sv == NULL) {
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	}
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "version", version);
	cJSON_AddItemToObject(root, "definition", cJSON_Parse(sv->canonical));
	http_json(r, 200, root);
	return etag_reply(req, r, 200);
}

/* The names of a registry list as [{code, name: {zh, en}}]. */
static cJSON *registry_json(const struct registry_list *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < l->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", l->v[i].code);
		cJSON *nm = cJSON_AddObjectToObject(o, "name");
		cJSON_AddStringToObject(nm, "zh", l->v[i].name[LANG_ZH]);
		cJSON_AddStringToObject(nm, "en", l->v[i].name[LANG_EN]);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* GET /api/v1/registry: agencies and domains in both languages, and the fixed code lists. */
static int h_api_registry(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest)
{
	struct registry_list ag = {0}, dom = {0};
	static const char *const sizes[] = {"large", "medium", "small", "micro", "household"};
	static const char *const outcomes[] = {"no_violation", "corrected", "warning", "fined", "other"};
	static const char *const channels[] = {"web", "qr", "phone", "paper", "kiosk", "api", "other"};
	(void)rest;
	if (store_registry_list(a->store, REGISTRY_AGENCY, &ag) != STORE_OK ||
	    store_registry_list(a->store, REGISTRY_DOMAIN, &dom) != STORE_OK) {
		registry_list_free(&ag);
		return store_failure_json(a, r, STORE_ERR_SQL);
	}
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "agencies", registry_json(&ag));
	cJSON_AddItemToObject(root, "domains", registry_json(&dom));
	cJSON_AddItemToObject(root, "sizes", cJSON_CreateStringArray(sizes, 5));
	cJSON_AddItemToObject(root, "outcomes", cJSON_CreateStringArray(outcomes, 5));
	cJSON_AddItemToObject(root, "channels", cJSON_CreateStringArray(channels, 7));
	registry_list_free(&ag);
	registry_list_free(&dom);
	http_json(r, 200, root);
	return etag_reply(req, r, 200);
}

typedef int (*handler_fn)(struct app *, const struct http_request *,
                          struct http_response *, const char *rest);

/* The routes: a path (exact) or prefix (ending in '/'), per method. */
static const struct route {
	const char *name;    /* for logs and metrics */
	const char *path;
	bool prefix;
	bool json;           /* errors as JSON rather than HTML */
	handler_fn get;
	handler_fn post;
} routes[] = {
	{"healthz", "/healthz", false, true, h_healthz, NULL},
	{"metrics", "/metrics", false, true, h_metrics, NULL},
	{"form", "/s/", true, false, h_form_get, h_form_post},
	{"api_responses", "/api/v1/responses", false, true, NULL, h_api_responses},
	{"api_encounters", "/api/v1/encounters", false, true, NULL, h_api_encounters},
	{"api_encounter", "/api/v1/encounters/", true, true, h_api_encounter, NULL},
	{"api_notices", "/api/v1/notices", false, true, h_api_notices, NULL},
	{"api_stats", "/api/v1/stats", false, true, h_api_stats, NULL},
	{"api_public_stats", "/api/v1/public/stats", false, true, h_api_public_stats, NULL},
	{"api_publications", "/api/v1/public/publications", false, true, h_api_publications, NULL},
	{"api_surveys", "/api/v1/surveys", false, true, h_api_surveys, NULL},
	{"api_survey", "/api/v1/surveys/", true, true, h_api_survey, NULL},
	{"api_registry", "/api/v1/registry", false, true, h_api_registry, NULL},
};

/*
 * CORS for the API: an Origin listed in $MANYI_CORS_ORIGINS (comma
 * separated, or "*") is allowed to read responses.
 */
static bool cors_allowed(const char *origin)
{
	const char *list = getenv("MANYI_CORS_ORIGINS");
	if (origin == NULL || *origin == '\0' || list == NULL || *list == '\0')
		return false;
	if (strcmp(list, "*") == 0)
		return true;
	size_t n = strlen(origin);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ", ");
		if (len == n && strncmp(p, origin, n) == 0)
			return true;
		p += len;
	}
	return false;
}

static void cors_headers(const struct http_request *req, struct http_response *r, bool preflight)
{
	if (strncmp(req->path, "/api/", 5) != 0 || !cors_allowed(req->origin) ||
	    strpbrk(req->origin, "\r\n") != NULL)
		return;
	http_header(r, "Access-Control-Allow-Origin", req->origin);
	http_header(r, "Vary", "Origin");
	if (preflight) {
		http_header(r, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
		http_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match");
		http_header(r, "Access-Control-Max-Age", "600");
	} else {
		http_header(r, "Access-Control-Expose-Headers", "ETag, Retry-After");
	}
}

/* Count a submission that was not stored, by the status it got. */
static void count_reject(int status)
{
	static const struct { int status; enum reject why; } map[] = {
		{400, REJECT_MALFORMED}, {403, REJECT_CSRF}, {404, REJECT_TOKEN_UNKNOWN},
		{409, REJECT_TOKEN_USED}, {410, REJECT_TOKEN_EXPIRED}, {413, REJECT_TOO_LARGE},
		{415, REJECT_MEDIA_TYPE}, {422, REJECT_INVALID}, {429, REJECT_THROTTLED},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].status == status)
			metrics_reject(map[i].why);
}

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
		r->route = rt->name;
		if (strcmp(req->method, "OPTIONS") == 0 && rt->json) {
			r->status = 204;
			cors_headers(req, r, true);
			return;
		}
		cors_headers(req, r, false);
		bool head = strcmp(req->method, "HEAD") == 0;
		handler_fn fn = NULL;
		if (strcmp(req->method, "GET") == 0 || head)
			fn = rt->get;
		else if (strcmp(req->method, "POST") == 0)
			fn = rt->post;
		if (fn == NULL) {
			char allow[48];
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
		if (fn == h_form_post || fn == h_api_responses)
			count_reject(r->status);
		if (head)
			sbuf_reset(&r->body);
		return;
	}
	if (is_api)
		http_json_error(r, 404, "not_found", "no such route", NULL);
	else
		html_page(r, 404, l, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_PAGE);
}
