/*
 * handler_review_web — case-file review through the web, for a reviewer
 * signed in at /signin (role reviewer, session.h): GET /review, their queue;
 * GET /review/{case}, the file's record and the rubric's form (a draft or
 * their submitted review filled in); POST /review/{case}, action=draft
 * saves what is entered, action=submit stores the review through
 * review_put(), the validator `manyi import reviews` uses.  A reviewer sees
 * only the files assigned to them, never a file of an agency they are
 * conflicted with (403), never another reviewer's review (a double-reviewed
 * file is blind), and cannot change a submitted review (409).  A POST
 * carries the session's CSRF token in the form field `csrf` (or the header
 * X-CSRF-Token).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "crypto.h"
#include "form.h"
#include "html.h"
#include "review.h"
#include "session.h"
#include "store_review.h"

#define REVIEW_BODY_MAX (256 * 1024) /* bytes of a review form */

/* A signed-in reviewer: the principal, the cookie's token, the language. */
struct reviewer_req {
	struct principal p;
	char token[SESSION_TOKEN_LEN + 8];
	char csrf[SESSION_CSRF_LEN];
	enum lang lang;
};

static const char *const not_reviewer[LANG__MAX] = {
	"这里是案卷评查人员的页面。您登录的账号不是评查人员账号。",
	"These pages are for case-file reviewers. The account you signed in with is not a reviewer's.",
};
static const char *const forbidden_title[LANG__MAX] = {"无权访问", "Not allowed"};
static const char *const not_assigned[LANG__MAX] = {
	"没有分配给您的这份案卷。请从“我的评查案卷”打开案卷。",
	"No such case file is assigned to you. Open files from your list of case files.",
};
static const char *const conflicted[LANG__MAX] = {
	"您与这份案卷的执法机关存在利害关系，应当回避，不能评查这份案卷。",
	"You have a conflict of interest with this file's agency and must not review it.",
};
static const char *const already[LANG__MAX] = {
	"您已提交这份案卷的评查结果，不能再修改。",
	"You have submitted your review of this file already; it cannot be changed.",
};
static const char *const csrf_bad[LANG__MAX] = {
	"表单已失效或不是从本网站提交的。请返回案卷页面重新提交。",
	"The form has expired or was not sent from this site. Go back to the file and send it again.",
};
static const char *const draft_saved[LANG__MAX] = {"草稿已保存。", "Draft saved."};
static const char *const submitted_ok[LANG__MAX] = {"评查结果已提交：", "Review submitted: "};
static const char *const rubric_gone[LANG__MAX] = {
	"这份案卷的评查表无法读取，请联系评价机构。",
	"The rubric of this file cannot be read; please tell the evaluator.",
};

/* A message page in l at status. */
static int message(struct http_response *r, int status, enum lang l, const char *title,
                   const char *text)
{
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_message_page(&r->body, l, title, text);
	return status;
}

/* 303 to location. */
static int see_other(struct http_response *r, const char *location)
{
	http_header(r, "Location", location);
	http_header(r, "Cache-Control", "no-store");
	sbuf_reset(&r->body);
	return 303;
}

/*
 * The signed-in reviewer of req into *rr: 0, or the status answered (303
 * to /signin when not signed in, 403 for another role, 5xx).
 */
static int reviewer_of(struct app *a, const struct http_request *req, struct http_response *r,
                       struct reviewer_req *rr)
{
	rr->lang = app_query_lang(req->query);
	http_header(r, "Cache-Control", "no-store");
	bool have = cookie_get(req->cookie, SESSION_COOKIE, rr->token, sizeof rr->token);
	enum auth_result ar = have ? session_check(a->store, rr->token, time(NULL), &rr->p)
	                           : AUTH_MISSING;
	if (ar == AUTH_BUSY || ar == AUTH_FAILED)
		return app_store_failure_page(a, r, rr->lang, ar == AUTH_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
	if (ar != AUTH_OK) {
		char where[SESSION_NEXT_MAX + 64];
		bool plain = strncmp(req->path, "/review", 7) == 0 &&
		             strspn(req->path + 7, "/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                                   "0123456789-_.") == strlen(req->path + 7) &&
		             strstr(req->path, "//") == NULL && strstr(req->path, "/..") == NULL &&
		             strlen(req->path) < SESSION_NEXT_MAX;
		snprintf(where, sizeof where, "/signin?%snext=%s", rr->lang == LANG_EN ? "lang=en&" : "",
		         plain ? req->path : "/review");
		return see_other(r, where);
	}
	if (rr->p.role != ROLE_REVIEWER || *rr->p.reviewer == '\0')
		return message(r, 403, rr->lang, forbidden_title[rr->lang], not_reviewer[rr->lang]);
	session_csrf(a->secret, rr->token, rr->csrf);
	return 0;
}

/* The zh or en name of code in l (borrowed from list), else code. */
static const char *name_in(const struct registry_list *list, const char *code, enum lang l)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->v[i].code, code) == 0)
			return list->v[i].name[l];
	return code;
}

static int kind_index(const char *kind)
{
	for (int i = 0; i < CASE_KINDS; i++)
		if (strcmp(case_kinds[i], kind) == 0)
			return i;
	return CASE_KINDS - 1;
}

static int outcome_index(const char *outcome)
{
	for (int i = 0; i < CASE_OUTCOMES; i++)
		if (strcmp(case_outcomes[i], outcome) == 0)
			return i;
	return CASE_OUTCOMES - 1;
}

/* The registry's agencies and domains, for names. */
struct names {
	struct registry_list agencies, domains;
};

static enum store_err names_load(struct app *a, struct names *n)
{
	memset(n, 0, sizeof *n);
	enum store_err e = store_registry_list(a->store, REGISTRY_AGENCY, &n->agencies);
	if (e == STORE_OK)
		e = store_registry_list(a->store, REGISTRY_DOMAIN, &n->domains);
	return e;
}

static void names_free(struct names *n)
{
	registry_list_free(&n->agencies);
	registry_list_free(&n->domains);
}

/* The queue's rows as they are read (strings owned). */
struct queue_ctx {
	struct html_review_row *rows;
	size_t n, cap;
	const struct names *names;
	enum lang lang;
};

static bool queue_add(void *ctx, const struct review_assigned *q)
{
	struct queue_ctx *c = ctx;
	c->rows = xgrow(c->rows, c->n, &c->cap, sizeof *c->rows, 16);
	struct html_review_row *row = &c->rows[c->n++];
	row->case_id = xstrdup(q->file.id);
	row->agency = xstrdup(name_in(&c->names->agencies, q->file.agency, c->lang));
	row->domain = xstrdup(name_in(&c->names->domains, q->file.domain, c->lang));
	row->kind = case_kind_names[kind_index(q->file.kind)][c->lang];
	row->decided_on = xstrdup(q->file.decided_on);
	row->state = (int)q->state;
	return true;
}

/* The reviewer's name from the panel, into out (n bytes); the code when not found. */
static enum store_err reviewer_name(struct app *a, const char *code, char *out, size_t n)
{
	struct reviewer_list l;
	enum store_err e = store_reviewer_list(a->store, &l);
	snprintf(out, n, "%s", code);
	if (e != STORE_OK)
		return e;
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.v[i].code, code) == 0)
			snprintf(out, n, "%s", l.v[i].name);
	reviewer_list_free(&l);
	return STORE_OK;
}

/* GET /review (and /review/): the signed-in reviewer's queue. */
static int app_review_queue(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest)
{
	struct reviewer_req rr;
	struct names names;
	struct queue_ctx q = {0};
	struct html_site site;
	char rname[256], done[128], notice[256] = "";
	int status = reviewer_of(a, req, r, &rr);
	(void)rest;
	if (status != 0)
		return status;
	q.lang = rr.lang;
	q.names = &names;
	enum store_err e = names_load(a, &names);
	if (e == STORE_OK)
		e = reviewer_name(a, rr.p.reviewer, rname, sizeof rname);
	if (e == STORE_OK)
		e = store_review_queue(a->store, rr.p.reviewer, queue_add, &q);
	if (e != STORE_OK) {
		status = app_store_failure_page(a, r, rr.lang, e);
		goto out;
	}
	if (http_query_get(req->query, "submitted", done, sizeof done) && *done != '\0')
		snprintf(notice, sizeof notice, "%s%s", submitted_ok[rr.lang], done);
	struct html_review_queue v = {
		.lang = rr.lang, .reviewer = rr.p.reviewer, .reviewer_name = rname, .rows = q.rows,
		.n = q.n, .notice = notice, .csrf = rr.csrf,
		.lang_href = rr.lang == LANG_ZH ? "/review?lang=en" : "/review",
	};
	app_site(a, &site);
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_review_queue_page(&r->body, &v, &site);
	status = 200;
out:
	for (size_t i = 0; i < q.n; i++) {
		free((char *)q.rows[i].case_id);
		free((char *)q.rows[i].agency);
		free((char *)q.rows[i].domain);
		free((char *)q.rows[i].decided_on);
	}
	free(q.rows);
	names_free(&names);
	crypto_memzero(rr.token, sizeof rr.token);
	return status;
}

/* The latest stored version of rubric id into *sv (caller frees) and *version. */
static enum store_err rubric_load(struct app *a, const char *id, struct survey **sv, int *version)
{
	char *def = NULL, msg[256];
	*sv = NULL;
	enum store_err e = store_survey_latest(a->store, id, version, &def);
	if (e != STORE_OK)
		return e;
	if (survey_parse(id, def, strlen(def), sv, msg, sizeof msg) != SURVEY_OK ||
	    !survey_is_rubric(*sv)) {
		fprintf(stderr, "manyi-fcgi: rubric %s cannot be used: %s\n", id, msg);
		survey_free(*sv);
		*sv = NULL;
		e = STORE_ERR_SQL;
	}
	free(def);
	return e;
}

/* A JSON object of strings and numbers into pairs (values as text). */
static void pairs_from_json(const char *json, struct pairs *p)
{
	cJSON *o = cJSON_Parse(json);
	cJSON *it;
	char num[32];
	cJSON_ArrayForEach(it, o)
	{
		if (cJSON_IsString(it))
			pairs_add(p, it->string, it->valuestring);
		else if (cJSON_IsNumber(it)) {
			snprintf(num, sizeof num, "%d", it->valueint);
			pairs_add(p, it->string, num);
		}
	}
	cJSON_Delete(o);
}

/* Everything a file's page needs: the assignment, the rubric, the names. */
struct file_ctx {
	struct reviewer_req rr;
	struct review_assigned as;
	struct survey *sv;
	int version;
	struct names names;
	char case_id[65];
};

/*
 * The reviewer, their assignment of the case named by rest, the rubric:
 * 0, or the status answered (404 not assigned, 403 conflicted).
 */
static int file_open(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest, struct file_ctx *f)
{
	bool conflict = false;
	memset(f, 0, sizeof *f);
	int status = reviewer_of(a, req, r, &f->rr);
	if (status != 0)
		return status;
	enum lang l = f->rr.lang;
	if (*rest++ != '/' || *rest == '\0' || strlen(rest) >= sizeof f->case_id ||
	    strchr(rest, '/') != NULL)
		return message(r, 404, l, app_msgs[MSG_NOT_FOUND_TITLE][l], not_assigned[l]);
	snprintf(f->case_id, sizeof f->case_id, "%s", rest);
	enum store_err e = store_review_assigned(a->store, f->rr.p.reviewer, f->case_id, &f->as);
	if (e == STORE_ERR_NOTFOUND)
		return message(r, 404, l, app_msgs[MSG_NOT_FOUND_TITLE][l], not_assigned[l]);
	/* The conflict rule again: an assignment made before a conflict was known. */
	if (e == STORE_OK)
		e = store_reviewer_conflicted(a->store, f->rr.p.reviewer, f->as.file.agency, &conflict);
	if (e == STORE_OK && conflict)
		return message(r, 403, l, forbidden_title[l], conflicted[l]);
	if (e == STORE_OK)
		e = names_load(a, &f->names);
	if (e == STORE_OK && (e = rubric_load(a, f->as.survey, &f->sv, &f->version)) != STORE_OK &&
	    e != STORE_ERR_BUSY)
		return message(r, 500, l, app_msgs[MSG_SERVER_TITLE][l], rubric_gone[l]);
	if (e != STORE_OK)
		return app_store_failure_page(a, r, l, e);
	return 0;
}

static void file_close(struct file_ctx *f)
{
	survey_free(f->sv);
	names_free(&f->names);
	crypto_memzero(f->rr.token, sizeof f->rr.token);
}

/* The file's page at status with values, errors and notice. */
static int file_page(struct app *a, struct http_response *r, struct file_ctx *f, int status,
                     const struct pairs *values, const struct answer_errors *errs,
                     const char *notice)
{
	enum lang l = f->rr.lang;
	struct html_site site;
	struct sbuf href;
	sbuf_init(&href);
	sbuf_printf(&href, "/review/%s%s", f->case_id, l == LANG_ZH ? "?lang=en" : "");
	const struct case_file *c = &f->as.file;
	struct html_review_form v = {
		.lang = l, .survey = f->sv, .case_id = c->id,
		.agency = name_in(&f->names.agencies, c->agency, l),
		.domain = name_in(&f->names.domains, c->domain, l),
		.kind = case_kind_names[kind_index(c->kind)][l], .decided_on = c->decided_on,
		.outcome = case_outcome_names[outcome_index(c->outcome)][l], .enterprise = c->enterprise,
		.values = values, .errors = errs, .notice = notice, .csrf = f->rr.csrf,
		.submitted = f->as.state == REVIEW_SUBMITTED, .lang_href = href.data,
	};
	app_site(a, &site);
	r->content_type = "text/html; charset=utf-8";
	sbuf_reset(&r->body);
	html_review_form_page(&r->body, &v, &site);
	sbuf_free(&href);
	return status;
}

/* GET /review/{case} (rest "/CASE"): the record and the form (a draft or the submitted
 * review filled in); GET /review (rest ""), the queue. */
int app_review_get(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest)
{
	struct file_ctx f;
	struct pairs values;
	char *json = NULL;
	int status;
	pairs_init(&values);
	if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0) {
		pairs_free(&values);
		return app_review_queue(a, req, r, rest);
	}
	if ((status = file_open(a, req, r, rest, &f)) != 0)
		goto out;
	enum store_err e = f.as.state == REVIEW_SUBMITTED
	                       ? store_review_answers(a->store, f.case_id, f.as.survey, f.rr.p.reviewer, &json)
	                   : f.as.state == REVIEW_DRAFT
	                       ? store_draft_get(a->store, f.case_id, f.as.survey, f.rr.p.reviewer, &json)
	                       : STORE_OK;
	if (e != STORE_OK && e != STORE_ERR_NOTFOUND) {
		status = app_store_failure_page(a, r, f.rr.lang, e);
		goto out;
	}
	if (json != NULL)
		pairs_from_json(json, &values);
	status = file_page(a, r, &f, 200, &values, NULL,
	                   http_query_has(req->query, "saved") ? draft_saved[f.rr.lang] : NULL);
out:
	free(json);
	pairs_free(&values);
	file_close(&f);
	return status;
}

/* The form's fields that are items of sv, non-empty, into items; and the draft JSON. */
static char *form_items(const struct survey *sv, const struct pairs *form, struct pairs *items)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < sv->nitems; i++) {
		const char *v = pairs_get(form, sv->items[i].id);
		if (v == NULL || *v == '\0')
			continue;
		pairs_add(items, sv->items[i].id, v);
		cJSON_AddStringToObject(o, sv->items[i].id, v);
	}
	char *text = cJSON_PrintUnformatted(o);
	char *json = xstrdup(text);
	cJSON_free(text);
	cJSON_Delete(o);
	return json;
}

/* Store the review of f in one transaction: the review, the draft gone, the audit line. */
static enum review_put submit(struct app *a, struct file_ctx *f, const struct pairs *items,
                              struct answer_errors *errs, enum store_err *se)
{
	char when[32], msg[512], actor[80];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	const struct review_in in = {.sv = f->sv, .version = f->version, .case_id = f->case_id,
	                             .reviewer = f->rr.p.reviewer, .submitted_at = when,
	                             .answers = items};
	if ((*se = store_begin(a->store)) != STORE_OK)
		return REVIEW_PUT_STORE;
	enum review_put put = review_put(a->store, &in, errs, se, msg, sizeof msg);
	session_actor(&f->rr.p, actor, sizeof actor);
	if (put == REVIEW_PUT_OK &&
	    ((*se = store_draft_delete(a->store, f->case_id, f->as.survey, f->rr.p.reviewer)) != STORE_OK ||
	     (*se = store_audit(a->store, actor, "review submit", f->case_id, f->as.survey)) != STORE_OK ||
	     (*se = store_commit(a->store)) != STORE_OK))
		put = REVIEW_PUT_STORE;
	if (put != REVIEW_PUT_OK)
		store_rollback(a->store);
	return put;
}

/* POST /review/{case} (rest "/CASE"): action=draft saves, action=submit validates and stores. */
int app_review_post(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest)
{
	struct file_ctx f;
	struct pairs form, items;
	struct sbuf body;
	struct answer_errors errs = {.n = 0};
	char *json = NULL, where[200];
	int status;

	pairs_init(&form);
	pairs_init(&items);
	sbuf_init(&body);
	if ((status = file_open(a, req, r, rest, &f)) != 0)
		goto out;
	enum lang l = f.rr.lang;
	if (!app_media_type_is(req->content_type, "application/x-www-form-urlencoded")) {
		app_page(r, 415, l, MSG_BAD_REQUEST_TITLE, MSG_BAD_TYPE);
		status = 415;
		goto out;
	}
	if ((status = http_read_body(req, REVIEW_BODY_MAX, &body)) != 0) {
		app_page(r, status, l, MSG_BAD_REQUEST_TITLE, status == 413 ? MSG_TOO_LARGE : MSG_BAD_REQUEST);
		goto out;
	}
	if (form_parse(body.data, body.len, &form) != FORM_OK) {
		app_page(r, 400, l, MSG_BAD_REQUEST_TITLE, MSG_BAD_REQUEST);
		status = 400;
		goto out;
	}
	/* The cookie goes with another site's posts too: the session's token must come with it. */
	if ((req->fetch_site != NULL && strcmp(req->fetch_site, "cross-site") == 0) ||
	    !session_csrf_ok(a->secret, f.rr.token, pairs_get(&form, "csrf") != NULL
	                                                ? pairs_get(&form, "csrf") : req->csrf_token)) {
		status = message(r, 403, l, forbidden_title[l], csrf_bad[l]);
		goto out;
	}
	if (f.as.state == REVIEW_SUBMITTED) {
		status = message(r, 409, l, forbidden_title[l], already[l]);
		goto out;
	}
	const char *action = pairs_get(&form, "action");
	json = form_items(f.sv, &form, &items);
	if (action != NULL && strcmp(action, "draft") == 0) {
		enum store_err e = store_draft_put(a->store, f.case_id, f.as.survey, f.rr.p.reviewer, json);
		if (e != STORE_OK) {
			status = app_store_failure_page(a, r, l, e);
			goto out;
		}
		snprintf(where, sizeof where, "/review/%s?saved=1%s", f.case_id, l == LANG_EN ? "&lang=en" : "");
		status = see_other(r, where);
		goto out;
	}
	if (action == NULL || strcmp(action, "submit") != 0) {
		app_page(r, 400, l, MSG_BAD_REQUEST_TITLE, MSG_BAD_REQUEST);
		status = 400;
		goto out;
	}
	enum store_err se = STORE_OK;
	switch (submit(a, &f, &items, &errs, &se)) {
	case REVIEW_PUT_OK:
		snprintf(where, sizeof where, "/review?submitted=%s%s", f.case_id,
		         l == LANG_EN ? "&lang=en" : "");
		status = see_other(r, where);
		break;
	case REVIEW_PUT_INVALID:
		status = file_page(a, r, &f, 422, &items, &errs, NULL);
		break;
	case REVIEW_PUT_CONFLICT:
		status = message(r, 403, l, forbidden_title[l], conflicted[l]);
		break;
	case REVIEW_PUT_DUPLICATE:
		status = message(r, 409, l, forbidden_title[l], already[l]);
		break;
	case REVIEW_PUT_UNKNOWN:
		status = message(r, 404, l, app_msgs[MSG_NOT_FOUND_TITLE][l], not_assigned[l]);
		break;
	default:
		status = app_store_failure_page(a, r, l, se != STORE_OK ? se : STORE_ERR_SQL);
		break;
	}
out:
	free(json);
	pairs_free(&items);
	pairs_free(&form);
	sbuf_free(&body);
	file_close(&f);
	return status;
}
