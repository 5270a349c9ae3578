/*
 * test_followup_handle — the handling of follow-up cases on a hand-made
 * database: the indicators of docs/statistics.md §12 counted by hand
 * (National Day 2025 inside the working-day medians, an excluded case out
 * of every denominator, null rates and medians, the overdue list and how
 * late in working days), and the state machine (roles, states, fields, a
 * return's deadline moved across the holiday, an upheld appeal excluding
 * the answer), each action with its event and audit row.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "followup_handle.h"
#include "manyi_init.h"
#include "store.h"

static char path[64];

static void exec(const char *sql)
{
	sqlite3 *db;
	char *err = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

static long long count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

#define RESP(ID, AG) \
	"INSERT INTO resp (id, public_id, survey, version, channel, agency, domain, day, submitted_at, " \
	"stored_at) VALUES (" #ID ", 'p" #ID "', 0, 1, 0, (SELECT id FROM code WHERE kind = 'agency' " \
	"AND text = '" AG "'), (SELECT id FROM code WHERE kind = 'domain' AND text = 'd1'), 20300, " \
	"'2025-08-01T10:00:00Z', 0);"
#define CASE(ID, AG, OPENED, DUE, STATE) \
	"INSERT INTO followup (id, code, resp, agency, survey, reason, opened_on, reply_due, " \
	"rectify_due, state) VALUES (" #ID ", 'FU-" #ID "', " #ID ", '" AG "', 's', 'low_score', '" \
	OPENED "', '" DUE "', '2025-12-31', '" STATE "');"
#define EVENT(ID, AT, ACTOR, KIND, ACTION, SAT) \
	"INSERT INTO followup_event (followup, at, actor, kind, action, satisfaction) VALUES (" #ID \
	", '" AT "', '" ACTOR "', '" KIND "', '" ACTION "', " SAT ");"

static int setup(void **state)
{
	struct store *s;
	char msg[256];
	(void)state;
	snprintf(path, sizeof path, "/tmp/test_followup_handle.%ld.db", (long)getpid());
	unlink(path);
	if (store_open(path, true, &s, msg, sizeof msg) != STORE_OK)
		return -1;
	store_close(s);
	exec("INSERT INTO agency VALUES ('A01', '甲局', 'Alpha'), ('A02', '乙局', 'Beta');"
	     "INSERT INTO domain VALUES ('d1', '领域', 'Domain');"
	     RESP(1, "A01") RESP(2, "A01") RESP(3, "A01") RESP(4, "A01") RESP(5, "A02") RESP(6, "A01")
	     /* 1: replied on 9 October (1 working day after 30 September, 9 days), accepted, reached, satisfied */
	     CASE(1, "A01", "2025-09-30", "2025-10-14", "accepted")
	     EVENT(1, "2025-10-09T02:00:00Z", "agency", "reply", "fixed", "NULL")
	     EVENT(1, "2025-10-10T02:00:00Z", "evaluator", "review", "accept", "NULL")
	     EVENT(1, "2025-10-11T02:00:00Z", "evaluator", "callback", "reached", "'satisfied'")
	     /* 2: opened on a holiday, replied late on 20 October (9 working days, 19 days), reached, dissatisfied */
	     CASE(2, "A01", "2025-10-01", "2025-10-15", "replied")
	     EVENT(2, "2025-10-20T02:00:00Z", "agency", "reply", "explain", "NULL")
	     EVENT(2, "2025-10-21T02:00:00Z", "evaluator", "callback", "reached", "'dissatisfied'")
	     /* 3: never answered, due 10 November: overdue */
	     CASE(3, "A01", "2025-11-03", "2025-11-10", "open")
	     /* 4: its answer excluded */
	     CASE(4, "A01", "2025-11-04", "2025-11-11", "excluded")
	     "INSERT INTO exclusion (resp, source, reason, decided_by) VALUES (4, 'appeal', 'r', 't');"
	     /* 5: A02's, due 27 November: overdue */
	     CASE(5, "A02", "2025-11-20", "2025-11-27", "open")
	     /* 6: for the state machine, opened before National Day */
	     CASE(6, "A01", "2025-09-29", "2025-10-13", "open"));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static double num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (cJSON_IsNull(v))
		return NAN;
	if (!cJSON_IsNumber(v))
		fail_msg("%s is not a number", name);
	return v->valuedouble;
}

static void near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-12))
		fail_msg("got %.17g, want %.17g", got, want);
}

static void indicators(void **state)
{
	struct store *s;
	char msg[256];
	cJSON *out = NULL;
	(void)state;
	assert_int_equal(store_open(path, false, &s, msg, sizeof msg), STORE_OK);
	struct fu_ind_query q = {.from = "2025-09-01", .to = "2025-11-30", .today = "2025-12-01"};
	assert_int_equal(followup_indicators(s, &q, &out), STORE_OK);
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(out, "groups");
	assert_int_equal(cJSON_GetArraySize(groups), 2);
	const cJSON *a = cJSON_GetArrayItem(groups, 0), *b = cJSON_GetArrayItem(groups, 1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "by"),
	                                                     "agency")->valuestring, "A01");
	/* A01: cases 1, 2, 3 and 6 (4 excluded); 3 and 6 unanswered past their due: overdue, and late in on_time_rate. */
	near(num(a, "cases"), 4);
	near(num(a, "excluded"), 1);
	near(num(a, "replied"), 2);
	near(num(a, "reply_rate"), 2.0 / 4);
	near(num(a, "on_time"), 1);
	near(num(a, "on_time_rate"), 1.0 / 4);
	near(num(a, "rectified"), 1);
	near(num(a, "rectification_rate"), 1.0 / 4);
	near(num(a, "callbacks"), 2);
	near(num(a, "callback_satisfied"), 1);
	near(num(a, "callback_satisfaction_rate"), 0.5);
	near(num(a, "median_reply_days"), (9 + 19) / 2.0);
	near(num(a, "median_reply_workdays"), (1 + 9) / 2.0);
	near(num(a, "overdue"), 2);
	/* A02: one case, unanswered and past due; no call-back, no reply: nulls. */
	near(num(b, "cases"), 1);
	near(num(b, "reply_rate"), 0);
	near(num(b, "on_time_rate"), 0);
	assert_true(isnan(num(b, "callback_satisfaction_rate")));
	assert_true(isnan(num(b, "median_reply_days")) && isnan(num(b, "median_reply_workdays")));
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(out, "overall");
	near(num(all, "cases"), 5);
	near(num(all, "excluded"), 1);
	near(num(all, "overdue"), 3);
	/* The overdue list by opening: 6 (13 Oct → 1 Dec), 3 (10 Nov → 1 Dec: 15), 5 (27 Nov → 1 Dec: 2). */
	const cJSON *od = cJSON_GetObjectItemCaseSensitive(out, "overdue");
	assert_int_equal(cJSON_GetArraySize(od), 3);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(od, 1), "code")->valuestring,
	                    "FU-3");
	near(num(cJSON_GetArrayItem(od, 1), "workdays_late"), 15);
	near(num(cJSON_GetArrayItem(od, 2), "workdays_late"), 2);
	cJSON_Delete(out);
	/* An agency's own group only; a period with no case: rates and medians null. */
	q.agency = "A02";
	assert_int_equal(followup_indicators(s, &q, &out), STORE_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "groups")), 1);
	cJSON_Delete(out);
	struct fu_ind_query none = {.from = "2024-01-01", .to = "2024-12-31", .today = "2025-12-01"};
	assert_int_equal(followup_indicators(s, &none, &out), STORE_OK);
	all = cJSON_GetObjectItemCaseSensitive(out, "overall");
	near(num(all, "cases"), 0);
	assert_true(isnan(num(all, "reply_rate")) && isnan(num(all, "on_time_rate")));
	cJSON_Delete(out);
	store_close(s);
}

static cJSON *body(const char *json)
{
	cJSON *b = cJSON_Parse(json);
	assert_non_null(b);
	return b;
}

/* Do action a on FU-6 as who with body json on 2025-09-30: the status. */
static enum fu_status act(struct store *s, const struct fu_who *who, enum fu_action a,
                          const char *json, struct fu_result *res)
{
	cJSON *b = body(json), *out = NULL;
	followup_act(s, who, "FU-6", a, b, "2025-09-30", res, &out);
	cJSON_Delete(b);
	cJSON_Delete(out);
	return res->status;
}

static void state_machine(void **state)
{
	const struct fu_who ev = {.evaluator = true, .actor = "user:e"};
	const struct fu_who a01 = {.agency = "A01", .actor = "user:a"};
	const struct fu_who a02 = {.agency = "A02", .actor = "user:b"};
	struct fu_result res;
	struct store *s;
	char msg[256];
	(void)state;
	assert_int_equal(store_open(path, false, &s, msg, sizeof msg), STORE_OK);
	assert_int_equal(act(s, &ev, FU_REPLY, "{\"action\":\"fixed\",\"note\":\"x\"}", &res), FU_FORBIDDEN);
	assert_int_equal(act(s, &a02, FU_REPLY, "{\"action\":\"fixed\",\"note\":\"x\"}", &res), FU_NOT_FOUND);
	assert_int_equal(act(s, &ev, FU_REVIEW, "{\"action\":\"accept\"}", &res), FU_WRONG_STATE);
	assert_non_null(strstr(res.msg, "replied"));
	assert_int_equal(act(s, &a01, FU_REPLY, "{\"action\":\"rectify\",\"note\":\"x\"}", &res), FU_INVALID);
	assert_string_equal(res.field, "rectify_by");
	assert_int_equal(act(s, &a01, FU_REPLY, "{\"action\":\"fixed\",\"note\":7}", &res), FU_INVALID);
	assert_string_equal(res.field, "note");
	assert_int_equal(act(s, &a01, FU_REPLY, "[1]", &res), FU_BAD_BODY);
	assert_int_equal(count("SELECT count(*) FROM followup_event WHERE followup = 6"), 0);
	assert_int_equal(act(s, &a01, FU_REPLY, "{\"action\":\"fixed\",\"note\":\"done\"}", &res), FU_OK);
	assert_int_equal(act(s, &ev, FU_REVIEW, "{\"action\":\"return\",\"note\":\"more\"}", &res), FU_OK);
	/* Returned on 30 September 2025: five working days skip 1-8 October, count Saturday the 11th. */
	assert_int_equal(count("SELECT reply_due = '2025-10-14' AND state = 'returned' FROM followup WHERE id = 6"), 1);
	assert_int_equal(act(s, &a01, FU_REPLY, "{\"action\":\"appeal\",\"note\":\"not ours\"}", &res), FU_OK);
	assert_int_equal(count("SELECT state = 'appealed' FROM followup WHERE id = 6"), 1);
	assert_int_equal(act(s, &ev, FU_CALLBACK, "{\"reached\":false}", &res), FU_WRONG_STATE);
	assert_int_equal(act(s, &ev, FU_DECISION, "{\"action\":\"uphold\",\"reason\":\"another agency's\"}", &res),
	                 FU_OK);
	assert_int_equal(count("SELECT count(*) FROM exclusion WHERE resp = 6 AND source = 'appeal'"), 1);
	assert_int_equal(act(s, &ev, FU_CLOSE, "{}", &res), FU_OK);
	assert_int_equal(count("SELECT state = 'closed' AND closed_on = '2025-09-30' FROM followup WHERE id = 6"), 1);
	/* An event and an audit row per action that happened: reply, return, appeal, uphold, close. */
	assert_int_equal(count("SELECT count(*) FROM followup_event WHERE followup = 6"), 5);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action LIKE 'followup %' AND object = 'FU-6'"), 5);
	assert_int_equal(act(s, &ev, FU_CLOSE, "{}", &res), FU_WRONG_STATE);
	store_close(s);
}

int main(void)
{
	manyi_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(indicators),
		cmocka_unit_test(state_machine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
