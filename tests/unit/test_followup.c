/* Follow-up cases, the respondent's side: the survey's rule, the codes, the
 * phone check, opening in the answer's transaction, sealing, exclusion,
 * purge and the 追评. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "followup.h"
#include "manyi_init.h"
#include "fixture.h"
#include "store.h"
#include "survey.h"
#include "util.h"

/* A 5-point public survey: overall (scale), problems (multi), kind (choice),
 * with member followup (JSON text, or "" for none). */
static char *definition(const char *followup, int points)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "{\"id\":\"fu\",\"version\":1,\"audience\":\"public\","
	            "\"title\":{\"zh\":\"t\",\"en\":\"t\"},\"intro\":{\"zh\":\"i\",\"en\":\"i\"},"
	            "\"scale\":{\"points\":%d,\"satisfied\":[%d],\"labels\":{\"zh\":[", points, points);
	for (int i = 1; i <= points; i++)
		sbuf_printf(&b, "%s\"%d\"", i > 1 ? "," : "", i);
	sbuf_adds(&b, "],\"en\":[");
	for (int i = 1; i <= points; i++)
		sbuf_printf(&b, "%s\"%d\"", i > 1 ? "," : "", i);
	sbuf_printf(&b, "]}},%s%s%s\"items\":["
	            "{\"id\":\"overall\",\"type\":\"scale\",\"text\":{\"zh\":\"总\",\"en\":\"O\"}},"
	            "{\"id\":\"legality\",\"type\":\"scale\",\"text\":{\"zh\":\"法\",\"en\":\"L\"}},"
	            "{\"id\":\"problems\",\"type\":\"multi\",\"text\":{\"zh\":\"问\",\"en\":\"P\"},"
	            "\"options\":[{\"value\":\"rude\",\"text\":{\"zh\":\"粗\",\"en\":\"R\"}},"
	            "{\"value\":\"slow\",\"text\":{\"zh\":\"慢\",\"en\":\"S\"}}]},"
	            "{\"id\":\"kind\",\"type\":\"choice\",\"text\":{\"zh\":\"类\",\"en\":\"K\"},"
	            "\"options\":[{\"value\":\"a\",\"text\":{\"zh\":\"甲\",\"en\":\"A\"}}]}]}",
	            *followup ? "\"followup\":" : "", followup, *followup ? "," : "");
	return sbuf_detach(&b);
}

/* Parse definition(followup, points); *msg the error when it fails. */
static enum survey_err parse(const char *followup, int points, struct survey **sv, char *msg,
                             size_t n)
{
	char *text = definition(followup, points);
	enum survey_err e = survey_parse("fu.json", text, strlen(text), sv, msg, n);
	free(text);
	return e;
}

static void defaults(void **state)
{
	(void)state;
	struct survey *sv;
	char msg[256];
	int bad5[] = {0, 1, 1, 0, 0, 0};
	assert_int_equal(parse("", 5, &sv, msg, sizeof msg), SURVEY_OK);
	assert_int_equal(sv->followup.item, 0); /* "overall" */
	for (int v = 1; v <= 5; v++)
		assert_int_equal(sv->followup.bad[v], bad5[v]);
	assert_int_equal(sv->followup.misconduct_item, 2); /* "problems" */
	assert_true(sv->followup.misconduct == 0);
	survey_free(sv);
	/* Two-fifths rounded down: 10 points → 1..4, 2 points → none. */
	assert_int_equal(parse("", 10, &sv, msg, sizeof msg), SURVEY_OK);
	assert_true(sv->followup.bad[4] && !sv->followup.bad[5]);
	survey_free(sv);
	assert_int_equal(parse("", 2, &sv, msg, sizeof msg), SURVEY_OK);
	assert_true(!sv->followup.bad[1] && !sv->followup.bad[2]);
	survey_free(sv);
}

static void member_rules(void **state)
{
	(void)state;
	struct survey *sv;
	char msg[256];
	assert_int_equal(parse("{\"item\":\"legality\",\"bad\":[1],\"misconduct\":[\"rude\"]}", 5, &sv,
	                       msg, sizeof msg), SURVEY_OK);
	assert_int_equal(sv->followup.item, 1);
	assert_true(sv->followup.bad[1] && !sv->followup.bad[2]);
	assert_true(sv->followup.misconduct == 1);
	survey_free(sv);
	static const struct {
		const char *member, *says;
	} bad[] = {
		{"{\"item\":\"kind\"}", "followup: item must be the id of a scale item (\"kind\" is not one)"},
		{"{\"bad\":[0]}", "followup: bad must list values within 1..5"},
		{"{\"bad\":[6]}", "followup: bad must list values within 1..5"},
		{"{\"misconduct\":[\"theft\"]}", "misconduct must list options of item \"problems\" (theft"},
		{"{\"misconduct_item\":\"kind\"}", "misconduct_item must be the id of a multi item"},
		{"{\"colour\":1}", "followup: unknown member"},
		{"[1]", "followup: must be an object"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse(bad[i].member, 5, &sv, msg, sizeof msg), SURVEY_ERR_RULE);
		assert_null(sv);
		if (strstr(msg, bad[i].says) == NULL || strncmp(msg, "fu.json: ", 9) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", bad[i].member, msg, bad[i].says);
	}
}

/* The reasons of one answer: overall, and problems ticked ("" none). */
static unsigned reasons_of(const struct survey *sv, const char *overall, const char *problem)
{
	struct pairs in;
	struct answers a;
	struct answer_errors errs = {.n = 0};
	pairs_init(&in);
	pairs_add(&in, "overall", overall);
	if (*problem)
		pairs_add(&in, "problems", problem);
	assert_true(answers_check(sv, &in, false, &a, &errs));
	unsigned r = followup_reasons(&a);
	answers_free(&a);
	pairs_free(&in);
	return r;
}

static void reasons(void **state)
{
	(void)state;
	struct survey *sv;
	char msg[256];
	assert_int_equal(parse("{\"misconduct\":[\"rude\"]}", 5, &sv, msg, sizeof msg), SURVEY_OK);
	assert_int_equal(reasons_of(sv, "1", ""), FOLLOWUP_LOW_SCORE);
	assert_int_equal(reasons_of(sv, "2", "slow"), FOLLOWUP_LOW_SCORE);
	assert_int_equal(reasons_of(sv, "3", ""), 0);
	assert_int_equal(reasons_of(sv, "5", "rude"), FOLLOWUP_MISCONDUCT);
	assert_int_equal(reasons_of(sv, "1", "rude"), FOLLOWUP_LOW_SCORE | FOLLOWUP_MISCONDUCT);
	assert_string_equal(followup_reason_text(3), "low_score,misconduct");
	assert_string_equal(followup_reason_text(0), "");
	survey_free(sv);
}

static void phones_and_codes(void **state)
{
	(void)state;
	static const char *const good[] = {"13912345678", "19900000000", "01012345678", "010-12345678",
	                                   "0755-1234567", "0571-88886666", "0123456789"};
	static const char *const bad[] = {"", "12912345678", "1391234567", "139123456789",
	                                  "+8613912345678", "139 1234 5678", "010--1234567",
	                                  "01-123456789", "0123456789012", "1391234567a", "0-123456789"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (!followup_phone_valid(good[i]))
			fail_msg("%s should be a phone", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (followup_phone_valid(bad[i]))
			fail_msg("%s should not be a phone", bad[i]);
	assert_false(followup_phone_valid(NULL));
	char out[FOLLOWUP_RATER_LEN];
	assert_true(followup_rater_normalize("abcd efgh-2345", out));
	assert_string_equal(out, "ABCD-EFGH-2345");
	assert_false(followup_rater_normalize("ABCD-EFGH-234", out));
	assert_false(followup_rater_normalize("ABCD-EFGH-23456", out));
	assert_false(followup_rater_normalize("ABCD-EFGH-2301", out)); /* 0, 1: not base32 */
	assert_false(followup_rater_normalize(NULL, out));
}

struct fixture {
	char path[64];
	struct store *s;
	struct survey *sv;
	int version;
	unsigned char key[CRYPTO_SEAL_KEYBYTES];
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char msg[256];
	bool created;
	fixture_db_path(f->path, sizeof f->path, "fu");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	assert_int_equal(parse("{\"misconduct\":[\"rude\"]}", 5, &f->sv, msg, sizeof msg), SURVEY_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲", "A", NULL), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_DOMAIN, "market", "市场", "Market", NULL), STORE_OK);
	assert_int_equal(store_survey_put(f->s, f->sv, &f->version, &created), STORE_OK);
	crypto_random(f->key, sizeof f->key);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	survey_free(f->sv);
	fixture_db_remove(f->path);
	free(f);
	return 0;
}

/* An integer from the first row of sql on f's file. */
static long long sql_int(const struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Store one answer (overall, problem or ""), with phone (or NULL) under f's key. */
static enum store_err answer(struct fixture *f, const char *overall, const char *problem,
                             const char *phone, struct followup_opened *out)
{
	struct pairs in;
	struct answers a;
	struct answer_errors errs = {.n = 0};
	char id[64];
	pairs_init(&in);
	pairs_add(&in, "overall", overall);
	if (*problem)
		pairs_add(&in, "problems", problem);
	assert_true(answers_check(f->sv, &in, false, &a, &errs));
	struct followup_contact_in c = {.phone = phone, .key = f->key};
	struct response_meta m = {.survey = "fu", .survey_version = f->version, .channel = "web",
	                          .agency = "A01", .domain = "market",
	                          .contact = phone != NULL ? &c : NULL, .opened = out};
	enum store_err e = store_response_add(f->s, &m, &a, id, sizeof id);
	answers_free(&a);
	pairs_free(&in);
	return e;
}

static void opening(void **state)
{
	struct fixture *f = *state;
	struct followup_opened o;
	/* A good answer opens nothing, and its phone is never written. */
	assert_int_equal(answer(f, "4", "slow", "13912345678", &o), STORE_OK);
	assert_false(o.opened);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup_contact"), 0);
	/* A bad one opens a case with the answer, the phone sealed. */
	assert_int_equal(answer(f, "1", "rude", "13912345678", &o), STORE_OK);
	assert_true(o.opened && o.contact);
	assert_string_equal(o.reason, "low_score,misconduct");
	assert_int_equal(strlen(o.code), 13);
	assert_memory_equal(o.code, "FU-", 3);
	assert_int_equal(strlen(o.rater), 14);
	assert_true(date_valid(o.opened_on));
	/* No calendar hook in a unit test: the deadlines are unknown, said so. */
	assert_true(o.due_uncovered);
	assert_string_equal(o.reply_due, "");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup WHERE resp = (SELECT max(id) FROM resp)"
	                            " AND reply_due IS NULL AND state = 'open' AND agency = 'A01'"), 1);
	/* The sealed phone opens with the key, and only with it. */
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sealed FROM followup_contact", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_bytes(st, 0);
	unsigned char plain[64] = {0}, other[CRYPTO_SEAL_KEYBYTES] = {1};
	assert_int_equal(n, 11 + CRYPTO_SEAL_OVERHEAD);
	assert_true(crypto_unseal(plain, sqlite3_column_blob(st, 0), (size_t)n, f->key));
	assert_memory_equal(plain, "13912345678", 11);
	assert_false(crypto_unseal(plain, sqlite3_column_blob(st, 0), (size_t)n, other));
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* The rater code finds the case; a 追评 is taken once. */
	struct followup_view v;
	assert_int_equal(followup_by_rater(f->s, o.rater, &v), STORE_OK);
	assert_string_equal(v.code, o.code);
	assert_false(v.rated);
	assert_int_equal(followup_by_rater(f->s, "AAAA-AAAA-AAAA", &v), STORE_ERR_NOTFOUND);
	assert_int_equal(followup_by_rater(f->s, o.rater, &v), STORE_OK);
	assert_int_equal(followup_rate(f->s, v.id, 4, "好"), STORE_OK);
	assert_int_equal(followup_rate(f->s, v.id, 2, ""), STORE_ERR_CONSTRAINT);
	assert_int_equal(followup_by_rater(f->s, o.rater, &v), STORE_OK);
	assert_true(v.rated);
	assert_int_equal(v.score, 4);
}

/* A refused answer (an unknown agency) opens no case either: one transaction. */
static void refused_answer_opens_nothing(void **state)
{
	struct fixture *f = *state;
	struct pairs in;
	struct answers a;
	struct answer_errors errs = {.n = 0};
	struct followup_opened o;
	char id[64];
	pairs_init(&in);
	pairs_add(&in, "overall", "1");
	assert_true(answers_check(f->sv, &in, false, &a, &errs));
	struct response_meta m = {.survey = "fu", .survey_version = f->version, .channel = "web",
	                          .agency = "ZZZ", .domain = "market", .opened = &o};
	assert_int_equal(store_response_add(f->s, &m, &a, id, sizeof id), STORE_ERR_CONSTRAINT);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup"), 0);
	answers_free(&a);
	pairs_free(&in);
}

static void exclusion_and_purge(void **state)
{
	struct fixture *f = *state;
	struct followup_opened o;
	long n;
	assert_int_equal(answer(f, "2", "", "010-12345678", &o), STORE_OK);
	long long resp = sql_int(f, "SELECT max(id) FROM resp");
	assert_int_equal(followup_exclude(f->s, resp + 100, "appeal", "r", "evaluator"), STORE_ERR_NOTFOUND);
	assert_int_equal(followup_exclude(f->s, resp, "whim", "r", "evaluator"), STORE_ERR_CONSTRAINT);
	assert_int_equal(followup_exclude(f->s, resp, "appeal", "", "evaluator"), STORE_ERR_CONSTRAINT);
	assert_int_equal(followup_exclude(f->s, resp, "appeal", "upheld", "evaluator"), STORE_OK);
	assert_int_equal(followup_exclude(f->s, resp, "appeal", "again", "evaluator"), STORE_ERR_CONSTRAINT);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'followup.exclude'"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup WHERE resp = (SELECT max(id) FROM resp)"), 1);
	/* Purge: nothing before the case closes; after, on closed_on + 30 days. */
	assert_int_equal(followup_purge(f->s, "2099-01-01", &n), STORE_OK);
	assert_int_equal(n, 0);
	long long id = sql_int(f, "SELECT id FROM followup");
	assert_int_equal(followup_contact_schedule(f->s, id, "2026-03-01"), STORE_OK);
	assert_int_equal(followup_purge(f->s, "2026-03-30", &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(followup_purge(f->s, "2026-03-31", &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup_contact"), 0);
}

/* Run sql on f's file (another connection, as a person correcting data by hand). */
static void sql_exec(const struct fixture *f, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* An answer deleted by hand takes its case along: its id, used again, opens a new one. */
static void deleted_answer_takes_its_case(void **state)
{
	struct fixture *f = *state;
	struct followup_opened o;
	assert_int_equal(answer(f, "1", "", "13912345678", &o), STORE_OK);
	long long resp = sql_int(f, "SELECT max(id) FROM resp");
	assert_int_equal(followup_exclude(f->s, resp, "integrity", "duplicate", "evaluator"), STORE_OK);
	sql_exec(f, "DELETE FROM resp WHERE id = (SELECT max(id) FROM resp)");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup_contact"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM exclusion"), 0);
	assert_int_equal(answer(f, "2", "", NULL, &o), STORE_OK);
	assert_true(o.opened);
	assert_int_equal(sql_int(f, "SELECT max(id) FROM resp"), resp);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM followup"), 1);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(member_rules),
		cmocka_unit_test(reasons),
		cmocka_unit_test(phones_and_codes),
		cmocka_unit_test_setup_teardown(opening, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_answer_opens_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(exclusion_and_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_answer_takes_its_case, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
