/*
 * handler_followup — handling follow-up cases over HTTP (issue 15,
 * docs/followup.md "Handling"); keyed routes (a Bearer key, or a session
 * cookie with X-CSRF-Token on POST):
 *
 *   GET  /api/v1/followups?state=&agency=&survey=&overdue=1  {"followups": [CASE...]}
 *   GET  /api/v1/followups/{code}                            CASE
 *   GET  /api/v1/followups/{code}/contact                    {"phone"} (evaluator; audited)
 *   POST /api/v1/followups/{code}/reply|review|callback|decision|close   CASE after
 *   GET  /api/v1/followup/indicators?survey=&from=&to=       the indicators
 *
 * An agency sees and answers its own cases only (another's is 404), the
 * evaluator all.  Wrong role 403, wrong state 409 naming the states that
 * allow the action, a body that is not a JSON object 400, a bad field 422
 * naming it.  The work is followup_handle.h's.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "crypto.h"
#include "followup_handle.h"
#include "form.h"
#include "session.h"

#define FOLLOWUP_MAX_BYTES (16u << 10)

/* The request's principal as a fu_who (actor: its capacity 80): 0, or the status answered. */
static int who_of(struct app *a, const struct http_request *req, struct http_response *r,
                  struct principal *p, struct fu_who *who, char *actor)
{
	int status = app_require_key(a, req, r, p);
	if (status != 0)
		return status;
	if (p->role != ROLE_EVALUATOR && p->role != ROLE_AGENCY) {
		http_json_error(r, 403, "forbidden", "follow-up cases are the evaluator's and the agencies'",
		                NULL);
		return 403;
	}
	session_actor(p, actor, 80);
	who->evaluator = p->role == ROLE_EVALUATOR;
	who->agency = who->evaluator ? NULL : p->agency;
	who->actor = actor;
	return 0;
}

/* A query's value for key, checked by ok: 0 (*out NULL when absent), or 400 answered. */
static int query_value(struct http_response *r, const struct pairs *q, const char *key,
                       bool (*ok)(const char *), const char *what, const char **out)
{
	*out = pairs_get(q, key);
	if (*out != NULL && **out == '\0')
		*out = NULL;
	if (*out != NULL && !ok(*out))
		return app_bad_param(r, key, what);
	return 0;
}

static bool flag_ok(const char *s)
{
	return strcmp(s, "1") == 0 || strcmp(s, "0") == 0;
}

static bool survey_ok(const char *s)
{
	return strlen(s) <= 64 && slug_valid(s);
}

/* The query parsed into q: 0, or the status answered (400). */
static int query_parse(const struct http_request *req, struct http_response *r, struct pairs *q)
{
	if (form_parse(req->query, strlen(req->query), q) != FORM_OK)
		return app_bad_param(r, "query", "a well-formed query string");
	return 0;
}

/* An agency asking for another agency's: 403 answered; else 0. */
static int own_agency(struct http_response *r, const struct fu_who *who, const char *agency)
{
	if (!who->evaluator && agency != NULL && strcmp(agency, who->agency) != 0) {
		http_json_error(r, 403, "forbidden", "an agency sees its own agency's follow-up cases only",
		                NULL);
		return 403;
	}
	return 0;
}

/* GET /api/v1/followups */
int app_api_followups(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest)
{
	struct principal p;
	struct fu_who who;
	struct pairs q;
	const char *overdue = NULL;
	struct fu_filter f = {0};
	char actor[80], today[11];
	cJSON *out = NULL;
	int status;

	(void)rest;
	pairs_init(&q);
	if ((status = who_of(a, req, r, &p, &who, actor)) != 0 || (status = query_parse(req, r, &q)) != 0 ||
	    (status = query_value(r, &q, "state", followup_state_valid, "one of open, replied, returned, accepted, "
	                          "appealed, excluded, closed", &f.state)) != 0 ||
	    (status = query_value(r, &q, "agency", code_valid, "a registry code", &f.agency)) != 0 ||
	    (status = query_value(r, &q, "survey", survey_ok, "a survey id", &f.survey)) != 0 ||
	    (status = query_value(r, &q, "overdue", flag_ok, "1 or 0", &overdue)) != 0 ||
	    (status = own_agency(r, &who, f.agency)) != 0)
		goto done;
	f.overdue = overdue != NULL && strcmp(overdue, "1") == 0;
	followup_today(today);
	enum store_err e = followup_list_json(a->store, &who, &f, today, &out);
	if (e != STORE_OK) {
		status = app_store_failure_json(a, r, e);
		goto done;
	}
	http_json(r, 200, out);
	http_header(r, "Cache-Control", "no-store");
	status = 200;
done:
	pairs_free(&q);
	return status;
}

/* The answer to an action's or a read's result: its status (200 with out). */
static int result_reply(struct app *a, struct http_response *r, const struct fu_result *res,
                        cJSON *out)
{
	static const struct { int status; const char *code; } map[FU_STATUS__MAX] = {
		[FU_OK] = {200, NULL}, [FU_NOT_FOUND] = {404, "not_found"},
		[FU_FORBIDDEN] = {403, "forbidden"}, [FU_WRONG_STATE] = {409, "wrong_state"},
		[FU_BAD_BODY] = {400, "malformed"}, [FU_INVALID] = {422, "invalid"},
	};
	if (res->status == FU_STORE)
		return app_store_failure_json(a, r, res->se);
	if (res->status == FU_OK) {
		http_json(r, 200, out);
		http_header(r, "Cache-Control", "no-store");
		return 200;
	}
	cJSON *fields = NULL;
	if (res->status == FU_INVALID) {
		cJSON *o = cJSON_CreateObject();
		fields = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "field", res->field);
		cJSON_AddStringToObject(o, "message", res->msg);
		cJSON_AddItemToArray(fields, o);
	}
	http_json_error(r, map[res->status].status, map[res->status].code, res->msg, fields);
	return map[res->status].status;
}

/* Split rest "CODE[/PART]" into code (capacity 32) and *part ("" when none): false when malformed. */
static bool split_rest(const char *rest, char *code, const char **part)
{
	size_t n = strcspn(rest, "/");
	if (n == 0 || n >= 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((rest[i] >= 'A' && rest[i] <= 'Z') || (rest[i] >= '0' && rest[i] <= '9') ||
		      rest[i] == '-'))
			return false;
	memcpy(code, rest, n);
	code[n] = '\0';
	*part = rest[n] == '/' ? rest + n + 1 : "";
	return true;
}

/* GET /api/v1/followups/{code}/contact */
static int case_contact(struct app *a, struct http_response *r, const struct fu_who *who,
                        const char *code)
{
	struct fu_result res = {0};
	char phone[128];
	if (!who->evaluator) {
		http_json_error(r, 403, "forbidden", "a call-back contact is the evaluator's only", NULL);
		return 403;
	}
	if (!a->has_contact_key) {
		http_json_error(r, 409, "no_key",
		                "the server started without the contact key file; no contact can be read", NULL);
		return 409;
	}
	followup_contact(a->store, who, code, a->contact_key, phone, sizeof phone, &res);
	cJSON *out = NULL;
	if (res.status == FU_OK) {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "phone", phone);
	}
	crypto_memzero(phone, sizeof phone);
	return result_reply(a, r, &res, out);
}

/* GET /api/v1/followups/{code}[/contact] */
int app_api_followup(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest)
{
	struct principal p;
	struct fu_who who;
	char actor[80], code[32], today[11];
	const char *part;
	cJSON *out = NULL;
	int status;

	if ((status = who_of(a, req, r, &p, &who, actor)) != 0)
		return status;
	if (!split_rest(rest, code, &part) || (*part != '\0' && strcmp(part, "contact") != 0)) {
		http_json_error(r, 404, "not_found", "no such follow-up route", NULL);
		return 404;
	}
	if (*part != '\0')
		return case_contact(a, r, &who, code);
	followup_today(today);
	enum store_err e = followup_case_json(a->store, &who, code, today, &out);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "not_found", "no such follow-up case", NULL);
		return 404;
	}
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	http_json(r, 200, out);
	http_header(r, "Cache-Control", "no-store");
	return 200;
}

/* POST /api/v1/followups/{code}/{action} */
int app_api_followup_post(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest)
{
	struct principal p;
	struct fu_who who;
	struct fu_result res = {0};
	struct sbuf body;
	char actor[80], code[32], today[11];
	const char *part;
	enum fu_action act;
	cJSON *root = NULL, *out = NULL;
	int status;

	sbuf_init(&body);
	if ((status = who_of(a, req, r, &p, &who, actor)) != 0)
		goto done;
	if (!split_rest(rest, code, &part) || !followup_action_parse(part, &act)) {
		http_json_error(r, status = 404, "not_found",
		                "POST to /api/v1/followups/{code}/reply, review, callback, decision or close",
		                NULL);
		goto done;
	}
	if ((status = app_json_body(req, r, FOLLOWUP_MAX_BYTES, "the action", &body)) != 0)
		goto done;
	root = cJSON_ParseWithLength(body.data, body.len);
	followup_today(today);
	followup_act(a->store, &who, code, act, root, today, &res, &out);
	status = result_reply(a, r, &res, out);
done:
	cJSON_Delete(root);
	sbuf_free(&body);
	return status;
}

static bool date_ok(const char *s)
{
	return date_valid(s);
}

/* GET /api/v1/followup/indicators */
int app_api_followup_indicators(struct app *a, const struct http_request *req,
                                struct http_response *r, const char *rest)
{
	struct principal p;
	struct fu_who who;
	struct pairs q;
	char actor[80], today[11];
	struct fu_ind_query iq = {.today = today};
	const char *agency = NULL;
	cJSON *out = NULL;
	int status;

	(void)rest;
	pairs_init(&q);
	if ((status = who_of(a, req, r, &p, &who, actor)) != 0 || (status = query_parse(req, r, &q)) != 0 ||
	    (status = query_value(r, &q, "survey", survey_ok, "a survey id", &iq.survey)) != 0 ||
	    (status = query_value(r, &q, "from", date_ok, "a date YYYY-MM-DD", &iq.from)) != 0 ||
	    (status = query_value(r, &q, "to", date_ok, "a date YYYY-MM-DD", &iq.to)) != 0 ||
	    (status = query_value(r, &q, "agency", code_valid, "a registry code", &agency)) != 0 ||
	    (status = own_agency(r, &who, agency)) != 0)
		goto done;
	if (iq.from != NULL && iq.to != NULL && strcmp(iq.from, iq.to) > 0) {
		status = app_bad_param(r, "to", "a date on or after from");
		goto done;
	}
	iq.agency = who.evaluator ? agency : who.agency;
	followup_today(today);
	enum store_err e = followup_indicators(a->store, &iq, &out);
	if (e != STORE_OK) {
		status = app_store_failure_json(a, r, e);
		goto done;
	}
	http_json(r, 200, out);
	http_header(r, "Cache-Control", "no-store");
	status = 200;
done:
	pairs_free(&q);
	return status;
}
