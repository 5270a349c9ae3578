/* followup_handle — see include/followup_handle.h: follow-up cases as JSON and what staff do. */
#include "followup_handle.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "followup.h"
#include "store_followup_handle.h"
#include "util.h"
#include "workdays.h"

#define NOTE_MAX 2000 /* characters of a note or reason */

void followup_today(char out[11])
{
	day_format(((long long)time(NULL) + 8 * 3600) / 86400, out, 11);
}

bool followup_state_valid(const char *s)
{
	static const char *const states[] = {"open", "replied", "returned", "accepted", "appealed",
	                                     "excluded", "closed"};
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (strcmp(s, states[i]) == 0)
			return true;
	return false;
}

/* A text member, or null for "". */
static void add_text(cJSON *o, const char *name, const char *t)
{
	if (t != NULL && *t != '\0')
		cJSON_AddStringToObject(o, name, t);
	else
		cJSON_AddNullToObject(o, name);
}

static void add_names(cJSON *o, const char *name, const char *zh, const char *en)
{
	cJSON *n = cJSON_AddObjectToObject(o, name);
	cJSON_AddStringToObject(n, "zh", zh);
	cJSON_AddStringToObject(n, "en", en);
}

/* Is the case waiting for its agency's reply past its deadline on today? */
static bool case_overdue(const struct fu_case *c, const char *today)
{
	return (strcmp(c->state, "open") == 0 || strcmp(c->state, "returned") == 0) &&
	       *c->reply_due != '\0' && strcmp(today, c->reply_due) > 0;
}

static bool event_json(const struct fu_event *e, void *ctx)
{
	cJSON *o = cJSON_CreateObject();
	char at[32];
	/* To the hour, whatever wrote it. */
	snprintf(at, sizeof at, "%.13s:00:00Z", e->at);
	cJSON_AddStringToObject(o, "at", strlen(e->at) >= 13 ? at : e->at);
	cJSON_AddStringToObject(o, "actor", e->actor);
	cJSON_AddStringToObject(o, "kind", e->kind);
	cJSON_AddStringToObject(o, "action", e->action);
	add_text(o, "rectify_by", e->rectify_by);
	add_text(o, "satisfaction", e->satisfaction);
	if (e->score > 0)
		cJSON_AddNumberToObject(o, "score", e->score);
	else
		cJSON_AddNullToObject(o, "score");
	add_text(o, "note", e->note);
	cJSON_AddItemToArray(ctx, o);
	return true;
}

/* The answer's scale items, multi options and (first) comment into the case. */
struct answers_ctx {
	cJSON *scores, *problems;
	cJSON *comment;
};

static bool answer_json(const struct fu_answer *a, void *ctx)
{
	struct answers_ctx *x = ctx;
	if (strcmp(a->type, "scale") == 0) {
		if (a->na)
			cJSON_AddNullToObject(x->scores, a->item);
		else if (a->num > 0)
			cJSON_AddNumberToObject(x->scores, a->item, a->num);
	} else if (strcmp(a->type, "multi") == 0 && a->text != NULL) {
		cJSON_AddItemToArray(x->problems, cJSON_CreateString(a->text));
	} else if (strcmp(a->type, "text") == 0 && a->text != NULL && *a->text != '\0' &&
	           x->comment == NULL) {
		x->comment = cJSON_CreateString(a->text);
	}
	return true;
}

/* CASE for c (see the header); NULL after a store error in *se. */
static cJSON *case_json(struct store *s, const struct fu_who *who, const struct fu_case *c,
                        const char *today, enum store_err *se)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", c->code);
	cJSON_AddStringToObject(o, "agency", c->agency);
	add_names(o, "agency_name", c->agency_zh, c->agency_en);
	cJSON_AddStringToObject(o, "domain", c->domain);
	add_names(o, "domain_name", c->domain_zh, c->domain_en);
	cJSON_AddStringToObject(o, "survey", c->survey);
	cJSON_AddStringToObject(o, "month", c->month);
	cJSON *reason = cJSON_AddArrayToObject(o, "reason");
	char rs[64];
	snprintf(rs, sizeof rs, "%s", c->reason);
	for (char *save = NULL, *t = strtok_r(rs, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(reason, cJSON_CreateString(t));
	struct answers_ctx ax = {.scores = cJSON_AddObjectToObject(o, "scores"),
	                         .problems = cJSON_AddArrayToObject(o, "problems")};
	if ((*se = store_fu_answers(s, c->resp, answer_json, &ax)) != STORE_OK)
		goto fail;
	cJSON_AddItemToObject(o, "comment", ax.comment != NULL ? ax.comment : cJSON_CreateNull());
	ax.comment = NULL;
	cJSON_AddStringToObject(o, "opened_on", c->opened_on);
	add_text(o, "reply_due", c->reply_due);
	add_text(o, "rectify_due", c->rectify_due);
	cJSON_AddBoolToObject(o, "due_uncovered", *c->reply_due == '\0' || *c->rectify_due == '\0');
	cJSON_AddStringToObject(o, "state", c->state);
	cJSON_AddBoolToObject(o, "overdue", case_overdue(c, today));
	add_text(o, "rectify_by", c->rectify_by);
	if (who->evaluator)
		cJSON_AddBoolToObject(o, "has_contact", c->has_contact);
	cJSON *events = cJSON_AddArrayToObject(o, "events");
	if ((*se = store_fu_events(s, c->id, event_json, events)) != STORE_OK)
		goto fail;
	return o;
fail:
	cJSON_Delete(ax.comment);
	cJSON_Delete(o);
	return NULL;
}

struct list_ctx {
	struct store *s;
	const struct fu_who *who;
	const char *today;
	bool overdue_only;
	cJSON *array;
	enum store_err se;
	struct fu_case one;   /* the last case seen (followup_case_json, the actions) */
	bool found;
};

static bool list_case(const struct fu_case *c, void *ctx)
{
	struct list_ctx *x = ctx;
	if (x->overdue_only && !case_overdue(c, x->today))
		return true;
	cJSON *o = case_json(x->s, x->who, c, x->today, &x->se);
	if (o == NULL)
		return false;
	cJSON_AddItemToArray(x->array, o);
	return true;
}

enum store_err followup_list_json(struct store *s, const struct fu_who *who,
                                  const struct fu_filter *f, const char *today, cJSON **out)
{
	cJSON *root = cJSON_CreateObject();
	struct list_ctx x = {.s = s, .who = who, .today = today, .overdue_only = f->overdue,
	                     .array = cJSON_AddArrayToObject(root, "followups"), .se = STORE_OK};
	struct fu_query q = {.state = f->state, .survey = f->survey,
	                     .agency = who->evaluator ? f->agency : who->agency};
	enum store_err e = store_begin_read(s);
	if (e == STORE_OK) {
		e = store_fu_cases(s, &q, list_case, &x);
		if (e == STORE_OK)
			e = x.se;
		store_rollback(s);
	}
	if (e != STORE_OK) {
		cJSON_Delete(root);
		root = NULL;
	}
	*out = root;
	return e;
}

static bool keep_case(const struct fu_case *c, void *ctx)
{
	struct list_ctx *x = ctx;
	x->one = *c;
	x->found = true;
	return false;
}

/* Case code into *c when who may see it: STORE_ERR_NOTFOUND otherwise. */
static enum store_err case_get(struct store *s, const struct fu_who *who, const char *code,
                               struct fu_case *c)
{
	struct list_ctx x = {.s = s};
	struct fu_query q = {.code = code, .agency = who->evaluator ? NULL : who->agency};
	enum store_err e = store_fu_cases(s, &q, keep_case, &x);
	if (e != STORE_OK)
		return e;
	if (!x.found)
		return STORE_ERR_NOTFOUND;
	*c = x.one;
	return STORE_OK;
}

enum store_err followup_case_json(struct store *s, const struct fu_who *who, const char *code,
                                  const char *today, cJSON **out)
{
	struct fu_case c;
	*out = NULL;
	enum store_err e = store_begin_read(s);
	if (e != STORE_OK)
		return e;
	if ((e = case_get(s, who, code, &c)) == STORE_OK && (*out = case_json(s, who, &c, today, &e)) == NULL)
		e = e != STORE_OK ? e : STORE_ERR_SQL;
	store_rollback(s);
	return e;
}

static const char *const action_names[FU_ACTION__MAX] = {"reply", "review", "callback", "decision",
                                                          "close"};

bool followup_action_parse(const char *s, enum fu_action *a)
{
	for (int i = 0; i < FU_ACTION__MAX; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*a = (enum fu_action)i;
			return true;
		}
	return false;
}

static void fail(struct fu_result *res, enum fu_status st, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(struct fu_result *res, enum fu_status st, const char *field, const char *fmt, ...)
{
	va_list ap;
	res->status = st;
	snprintf(res->field, sizeof res->field, "%s", field != NULL ? field : "");
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof res->msg, fmt, ap);
	va_end(ap);
}

/*
 * Member name of body as text into *out: false after FU_INVALID when it is
 * not a string, too long, or (required) absent or empty.  Absent or null
 * gives "".
 */
static bool body_text(const cJSON *body, const char *name, bool required, const char **out,
                      struct fu_result *res)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	*out = "";
	if (v != NULL && !cJSON_IsNull(v)) {
		if (!cJSON_IsString(v)) {
			fail(res, FU_INVALID, name, "%s must be a string", name);
			return false;
		}
		size_t n = strlen(v->valuestring);
		if (!utf8_valid(v->valuestring, n) || utf8_length(v->valuestring, n) > NOTE_MAX) {
			fail(res, FU_INVALID, name, "%s must be UTF-8 text of at most %d characters", name,
			     NOTE_MAX);
			return false;
		}
		*out = v->valuestring;
	}
	if (required && **out == '\0') {
		fail(res, FU_INVALID, name, "%s is required", name);
		return false;
	}
	return true;
}

/* Member name as one of the words in list (NULL-terminated): its index, or -1 after FU_INVALID. */
static int body_word(const cJSON *body, const char *name, const char *const *list,
                     struct fu_result *res)
{
	const char *t;
	if (!body_text(body, name, true, &t, res))
		return -1;
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(t, list[i]) == 0)
			return i;
	char all[160] = "";
	for (int i = 0; list[i] != NULL; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? ", " : "", list[i]);
	fail(res, FU_INVALID, name, "%s must be one of %s", name, all);
	return -1;
}

/* What an action writes, once checked. */
struct fu_step {
	struct fu_event ev;
	const char *state;       /* the new state, NULL to keep it */
	const char *reply_due;   /* a moved deadline ("" none known), NULL to keep it */
	char due[11];
	bool exclude;            /* uphold: exclude the answer */
	bool close;
};

/* Is state one of the NULL-terminated words? */
static bool state_in(const char *state, const char *const *ok)
{
	for (int i = 0; ok[i] != NULL; i++)
		if (strcmp(state, ok[i]) == 0)
			return true;
	return false;
}

/* The reply deadline of a case sent back on today; false after FU_STORE. */
static bool moved_due(struct store *s, const char *today, struct fu_step *st, struct fu_result *res)
{
	struct calendar *cal = NULL;
	enum store_err e = calendar_load(s, &cal);
	if (e != STORE_OK) {
		res->status = FU_STORE;
		res->se = e;
		return false;
	}
	/* A day past the calendar is not guessed: the deadline is unknown
	 * (due_uncovered) until the year is loaded. */
	if (calendar_add(cal, today, (int)config_get(s, CONFIG_REPLY_DAYS), st->due) != WORKDAYS_OK)
		st->due[0] = '\0';
	calendar_free(cal);
	st->reply_due = st->due;
	return true;
}

static bool check_reply(const struct fu_case *c, const cJSON *body, const char *today,
                        struct fu_step *st, struct fu_result *res)
{
	static const char *const actions[] = {"fixed", "rectify", "explain", "appeal", NULL};
	int a = body_word(body, "action", actions, res);
	if (a < 0 || !body_text(body, "note", true, &st->ev.note, res) ||
	    !body_text(body, "rectify_by", a == 1, &st->ev.rectify_by, res))
		return false;
	if (a != 1 && *st->ev.rectify_by != '\0') {
		fail(res, FU_INVALID, "rectify_by", "rectify_by goes with action rectify only");
		return false;
	}
	if (a == 1 && (!date_valid(st->ev.rectify_by) || strcmp(st->ev.rectify_by, today) < 0)) {
		fail(res, FU_INVALID, "rectify_by", "rectify_by must be a date YYYY-MM-DD, today (%s) or later",
		     today);
		return false;
	}
	if (a == 1 && *c->rectify_due != '\0' && strcmp(st->ev.rectify_by, c->rectify_due) > 0) {
		fail(res, FU_INVALID, "rectify_by", "rectify_by must be on or before the case's rectify_due, %s",
		     c->rectify_due);
		return false;
	}
	st->ev.action = actions[a];
	st->state = a == 3 ? "appealed" : "replied";
	return true;
}

static bool check_callback(const cJSON *body, struct fu_step *st, struct fu_result *res)
{
	static const char *const levels[] = {"satisfied", "basic", "dissatisfied", NULL};
	const cJSON *reached = cJSON_GetObjectItemCaseSensitive(body, "reached");
	if (!cJSON_IsBool(reached)) {
		fail(res, FU_INVALID, "reached", "reached is required: true or false");
		return false;
	}
	if (!body_text(body, "note", false, &st->ev.note, res))
		return false;
	if (cJSON_IsTrue(reached)) {
		int l = body_word(body, "satisfaction", levels, res);
		if (l < 0)
			return false;
		st->ev.satisfaction = levels[l];
		st->ev.action = "reached";
	} else {
		const cJSON *sat = cJSON_GetObjectItemCaseSensitive(body, "satisfaction");
		if (sat != NULL && !cJSON_IsNull(sat)) {
			fail(res, FU_INVALID, "satisfaction", "satisfaction is given only when reached is true");
			return false;
		}
		st->ev.action = "not_reached";
	}
	return true;
}

/*
 * Check action a on case c by who: false after res says why (403, 409,
 * 422); else st holds what to write.
 */
static bool check_action(struct store *s, const struct fu_who *who, const struct fu_case *c,
                         enum fu_action a, const cJSON *body, const char *today,
                         struct fu_step *st, struct fu_result *res)
{
	static const char *const reply_states[] = {"open", "returned", NULL};
	static const char *const review_states[] = {"replied", NULL};
	static const char *const callback_states[] = {"replied", "accepted", NULL};
	static const char *const decision_states[] = {"appealed", NULL};
	static const char *const close_states[] = {"accepted", "excluded", NULL};
	static const char *const *const allowed[FU_ACTION__MAX] = {
		reply_states, review_states, callback_states, decision_states, close_states};
	static const char *const allowed_text[FU_ACTION__MAX] = {
		"open or returned", "replied", "replied or accepted", "appealed (an appeal)",
		"accepted or excluded"};

	if ((a == FU_REPLY) == who->evaluator) {
		fail(res, FU_FORBIDDEN, NULL, "a %s is the %s's", action_names[a],
		     a == FU_REPLY ? "agency" : "evaluator");
		return false;
	}
	if (!state_in(c->state, allowed[a])) {
		fail(res, FU_WRONG_STATE, NULL, "a %s is taken when the case is %s; case %s is %s",
		     action_names[a], allowed_text[a], c->code, c->state);
		return false;
	}
	st->ev.kind = action_names[a];
	st->ev.actor = who->evaluator ? "evaluator" : "agency";
	switch (a) {
	case FU_REPLY:
		return check_reply(c, body, today, st, res);
	case FU_REVIEW: {
		static const char *const actions[] = {"accept", "return", NULL};
		int k = body_word(body, "action", actions, res);
		if (k < 0 || !body_text(body, "note", k == 1, &st->ev.note, res))
			return false;
		st->ev.action = actions[k];
		st->state = k == 0 ? "accepted" : "returned";
		return k == 0 || moved_due(s, today, st, res);
	}
	case FU_CALLBACK:
		return check_callback(body, st, res);
	case FU_DECISION: {
		static const char *const actions[] = {"uphold", "reject", NULL};
		int k = body_word(body, "action", actions, res);
		if (k < 0 || !body_text(body, "reason", true, &st->ev.note, res))
			return false;
		st->ev.action = actions[k];
		st->state = k == 0 ? "excluded" : "returned";
		st->exclude = k == 0;
		return k == 0 || moved_due(s, today, st, res);
	}
	case FU_CLOSE:
		if (!body_text(body, "note", false, &st->ev.note, res))
			return false;
		st->ev.action = "close";
		st->close = true;
		return true;
	default:
		return false;
	}
}

/* Write st for case c in the open transaction. */
static enum store_err write_step(struct store *s, const struct fu_who *who, const struct fu_case *c,
                                 const struct fu_step *st, const char *today)
{
	enum store_err e = store_fu_event_add(s, c->id, &st->ev);
	if (e == STORE_OK && st->exclude)
		e = followup_exclude(s, c->resp, "appeal", st->ev.note, who->actor);
	if (e == STORE_OK && st->close) {
		if ((e = store_fu_close(s, c->id, today)) == STORE_OK)
			e = followup_contact_schedule(s, c->id, today);
	} else if (e == STORE_OK && st->state != NULL) {
		e = store_fu_set_state(s, c->id, st->state, st->reply_due);
	}
	if (e == STORE_OK) {
		char action[48], detail[128];
		snprintf(action, sizeof action, "followup %s", st->ev.kind);
		snprintf(detail, sizeof detail, "%s%s%s", st->ev.action, st->state ? " → " : "",
		         st->close ? "closed" : st->state ? st->state : "");
		e = store_audit(s, who->actor, action, c->code, detail);
	}
	return e;
}

void followup_act(struct store *s, const struct fu_who *who, const char *code, enum fu_action a,
                  const cJSON *body, const char *today, struct fu_result *res, cJSON **out)
{
	struct fu_case c;
	struct fu_step st = {.ev = {.note = ""}};
	memset(res, 0, sizeof *res);
	if (out != NULL)
		*out = NULL;
	if (!cJSON_IsObject(body)) {
		fail(res, FU_BAD_BODY, NULL, "the body must be a JSON object");
		return;
	}
	enum store_err e = store_begin(s);
	if (e == STORE_OK)
		e = case_get(s, who, code, &c);
	if (e == STORE_ERR_NOTFOUND) {
		store_rollback(s);
		fail(res, FU_NOT_FOUND, NULL, "no follow-up case %s", code);
		return;
	}
	if (e == STORE_OK && !check_action(s, who, &c, a, body, today, &st, res)) {
		store_rollback(s);
		return;
	}
	if (e == STORE_OK && (e = write_step(s, who, &c, &st, today)) == STORE_OK &&
	    out != NULL && (e = case_get(s, who, code, &c)) == STORE_OK &&
	    (*out = case_json(s, who, &c, today, &e)) == NULL && e == STORE_OK)
		e = STORE_ERR_SQL;
	if (e == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK) {
		store_rollback(s);
		if (out != NULL) {
			cJSON_Delete(*out);
			*out = NULL;
		}
		res->status = FU_STORE;
		res->se = e;
	}
}

void followup_contact(struct store *s, const struct fu_who *who, const char *code,
                      const unsigned char key[32], char *phone, size_t n, struct fu_result *res)
{
	struct fu_case c;
	unsigned char *sealed = NULL;
	size_t len = 0;
	memset(res, 0, sizeof *res);
	*phone = '\0';
	if (!who->evaluator) {
		fail(res, FU_FORBIDDEN, NULL, "a call-back contact is the evaluator's only");
		return;
	}
	enum store_err e = store_begin(s);
	if (e == STORE_OK && (e = case_get(s, who, code, &c)) == STORE_ERR_NOTFOUND) {
		store_rollback(s);
		fail(res, FU_NOT_FOUND, NULL, "no follow-up case %s", code);
		return;
	}
	if (e == STORE_OK)
		e = store_fu_contact(s, c.id, &sealed, &len);
	if (e == STORE_OK && (len <= CRYPTO_SEAL_OVERHEAD || len - CRYPTO_SEAL_OVERHEAD >= n ||
	                      !crypto_unseal((unsigned char *)phone, sealed, len, key))) {
		store_rollback(s);
		free(sealed);
		*phone = '\0';
		fail(res, FU_STORE, NULL, "the contact of %s could not be opened with the key file", code);
		res->se = STORE_ERR_SQL;
		return;
	}
	if (e == STORE_OK) {
		phone[len - CRYPTO_SEAL_OVERHEAD] = '\0';
		e = store_audit(s, who->actor, "followup contact", code, "the sealed contact was opened");
	}
	if (e == STORE_OK)
		e = store_commit(s);
	free(sealed);
	if (e == STORE_OK)
		return;
	store_rollback(s);
	crypto_memzero(phone, n);
	if (e == STORE_ERR_NOTFOUND)
		fail(res, FU_NOT_FOUND, NULL,
		     "follow-up case %s keeps no call-back contact (none was left, or it was deleted)", code);
	else {
		res->status = FU_STORE;
		res->se = e;
	}
}
