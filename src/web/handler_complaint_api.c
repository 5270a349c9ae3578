/*
 * handler_complaint_api — the complaint channel's JSON (issue 15; the public
 * pages are handler_complaint.c's):
 *
 *   GET  /api/v1/complaint-categories  the categories offered (public)
 *   GET  /api/v1/complaints?state=   evaluator: all; agency: those forwarded to it
 *   GET  /api/v1/complaints/{code}   one (an agency: forwarded to it, else 404)
 *   GET  /api/v1/complaints/{code}/letter?lang=zh|en  the transfer letter (evaluator)
 *   GET  /api/v1/complaints/{code}/contact           the contact unsealed (evaluator)
 *   POST /api/v1/complaints/{code}/triage            evaluator's action
 *   POST /api/v1/complaints/{code}/answer            the agency's answer
 *
 * Every keyed request is audited by app_require_key(); each action also
 * writes its event and an audit row in one transaction.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "complaint.h"
#include "config.h"
#include "crypto.h"
#include "html_complaint.h"
#include "session.h"
#include "store_complaint.h"
#include "workdays.h"

#define TRIAGE_MAX_BYTES 16384

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
 * to it, or transferred since to the discipline body: it cannot tell one
 * from a code that does not exist).
 */
static int load_visible(struct app *a, struct http_response *r, const struct principal *p,
                        const char *code, struct complaint *c)
{
	enum store_err e = store_complaint_get(a->store, code, c);
	if (e == STORE_OK && p->role == ROLE_AGENCY) {
		struct complaint_event *ev;
		size_t n;
		bool forwarded = false, transferred = false;
		if ((e = store_complaint_events(a->store, c->id, &ev, &n)) == STORE_OK) {
			for (size_t i = 0; i < n; i++) {
				forwarded = forwarded || strcmp(ev[i].action, "forward") == 0;
				transferred = transferred || strcmp(ev[i].action, "transfer") == 0;
			}
			complaint_events_free(ev, n);
			if (!forwarded || transferred || strcmp(c->agency, p->agency) != 0)
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
	unsigned char *sealed;
	size_t n;
	enum store_err e = store_complaint_contact(a->store, c->id, &sealed, &n);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "no_contact", "the complainant left no contact (anonymous)", NULL);
		return 404;
	}
	if (e != STORE_OK)
		return app_store_failure_json(a, r, e);
	if (!a->has_contact_key || n < CRYPTO_SEAL_OVERHEAD) {
		free(sealed);
		http_json_error(r, 500, "no_key", "the sealing key could not be read on the server", NULL);
		return 500;
	}
	char *text = xcalloc(1, n - CRYPTO_SEAL_OVERHEAD + 1);
	bool ok = crypto_unseal((unsigned char *)text, sealed, n, a->contact_key);
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
	char date[11], signed_on[32], number[96], officer[400];
	complaint_local_date(t->at, date);
	/* The date under the signature as letters write it: 2026年3月1日. */
	snprintf(signed_on, sizeof signed_on, "%s", date);
	if (l == LANG_ZH && strlen(date) == 10)
		snprintf(signed_on, sizeof signed_on, "%.4s年%d月%d日", date, atoi(date + 5), atoi(date + 8));
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
		.lang = l, .bureau = bureau, .number = number, .receiver = t->receiver, .date = signed_on,
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
	if (!member_text(o, "receiver", &in->receiver) || strlen(in->receiver) > 4 * COMPLAINT_RECEIVER_CHARS ||
	    strpbrk(in->receiver, "\r\n\t") != NULL || utf8_has_controls(in->receiver, strlen(in->receiver)) ||
	    utf8_length(in->receiver, strlen(in->receiver)) > COMPLAINT_RECEIVER_CHARS)
		return bad_field(r, "receiver", "one line of at most 200 characters (the receiving body, e.g. 市纪委监委)");
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
