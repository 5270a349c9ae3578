/* The store on real SQLite files: migrations, registry, surveys, responses. */
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

#include "fixture.h"
#include "manyi_init.h"
#include "store.h"
#include "survey.h"
#include "util.h"

struct fixture {
	char path[64];
	struct store *s;
	struct survey *sv;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char msg[256];
	fixture_db_path(f->path, sizeof f->path, "store");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	f->sv = fixture_survey("survey-unit.json");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char wal[80];
	store_close(f->s);
	survey_free(f->sv);
	unlink(f->path);
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", f->path);
	unlink(wal);
	free(f);
	return 0;
}

/* The answers of the store's predicates, asserting that the database answered. */
static int schema_version(struct store *s)
{
	int v;
	assert_int_equal(store_schema_version(s, &v), STORE_OK);
	return v;
}

static bool registered(struct store *s, enum registry_kind k, const char *code)
{
	bool exists;
	assert_int_equal(store_registry_exists(s, k, code, &exists), STORE_OK);
	return exists;
}

static int survey_version(struct store *s, const char *id)
{
	int v;
	assert_int_equal(store_survey_version(s, id, &v), STORE_OK);
	return v;
}

static long response_count(struct store *s, const char *survey)
{
	long n;
	assert_int_equal(store_response_count(s, survey, &n), STORE_OK);
	return n;
}

static void migrations_idempotent(void **state)
{
	struct fixture *f = *state;
	struct store *again;
	char msg[256];
	int v = schema_version(f->s);
	assert_true(v >= 1);
	assert_int_equal(store_open(f->path, false, &again, msg, sizeof msg), STORE_OK);
	assert_int_equal(schema_version(again), v);
	store_close(again);
	assert_int_equal(store_ping(f->s), STORE_OK);
}

static void missing_file_without_create(void **state)
{
	(void)state;
	struct store *s;
	char msg[256];
	assert_int_not_equal(store_open("/tmp/manyi-does-not-exist/x.db", false, &s, msg, sizeof msg), STORE_OK);
	assert_null(s);
	assert_non_null(strstr(msg, "/tmp/manyi-does-not-exist/x.db"));
}

static void not_a_database(void **state)
{
	(void)state;
	struct store *s;
	char msg[256], path[] = "/tmp/manyi-junk-XXXXXX";
	int fd = mkstemp(path);
	assert_true(write(fd, "this is not sqlite, just some text that is long enough......"
	                      "..............................................................", 120) == 120);
	close(fd);
	assert_int_not_equal(store_open(path, false, &s, msg, sizeof msg), STORE_OK);
	assert_null(s);
	unlink(path);
}

static void secret_is_stable(void **state)
{
	struct fixture *f = *state;
	unsigned char a[32], b[32], zero[32] = {0};
	assert_int_equal(store_secret(f->s, a), STORE_OK);
	assert_int_equal(store_secret(f->s, b), STORE_OK);
	assert_memory_equal(a, b, 32);
	assert_memory_not_equal(a, zero, 32);
}

static void registry(void **state)
{
	struct fixture *f = *state;
	struct registry_list l;
	bool created;
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A02", "乙", "B", &created), STORE_OK);
	assert_true(created);
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲", "A", &created), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲2", "A2", &created), STORE_OK);
	assert_false(created);
	assert_true(registered(f->s, REGISTRY_AGENCY, "A01"));
	assert_false(registered(f->s, REGISTRY_DOMAIN, "A01"));
	assert_int_equal(store_registry_list(f->s, REGISTRY_AGENCY, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].code, "A01");
	assert_string_equal(l.v[0].name[LANG_ZH], "甲2");
	assert_string_equal(l.v[1].name[LANG_EN], "B");
	registry_list_free(&l);
}

/* The registry's generation moves with every change to it, and only then. */
/*
 * A dictionary entry added in a transaction that is rolled back is
 * forgotten: another connection may give its id to another text.
 */
static void rolled_back_codes_forgotten(void **state)
{
	struct fixture *f = *state;
	struct store *other;
	struct encounter e = {.id = "E1", .agency = "A01", .domain = "market", .size = "small",
	                      .district = "江岸区", .occurred_on = "2022-03-30"}, got;
	char msg[256];
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲", "A", NULL), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_DOMAIN, "market", "市场", "Market", NULL), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_encounter_add(f->s, &e), STORE_OK);
	store_rollback(f->s);
	assert_int_equal(store_open(f->path, false, &other, msg, sizeof msg), STORE_OK);
	snprintf(e.district, sizeof e.district, "汉阳区");
	assert_int_equal(store_encounter_add(other, &e), STORE_OK);
	store_close(other);
	assert_int_equal(store_encounter_get(f->s, "E1", &got), STORE_OK);
	assert_string_equal(got.district, "汉阳区");
}

static void registry_generation(void **state)
{
	struct fixture *f = *state;
	long long g0, g1, g2, g3;
	char value[8];
	assert_int_equal(store_registry_generation(f->s, &g0), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_DOMAIN, "fire", "消防", "Fire", NULL), STORE_OK);
	assert_int_equal(store_registry_generation(f->s, &g1), STORE_OK);
	assert_true(g1 > g0);
	assert_int_equal(store_setting_put(f->s, "x", "1"), STORE_OK);
	assert_int_equal(store_setting_get(f->s, "x", value, sizeof value), STORE_OK);
	assert_int_equal(store_registry_generation(f->s, &g2), STORE_OK);
	assert_true(g2 == g1);
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A09", "九", "Nine", NULL), STORE_OK);
	assert_int_equal(store_agency_domain_add(f->s, "A09", "fire"), STORE_OK);
	assert_int_equal(store_registry_generation(f->s, &g3), STORE_OK);
	assert_true(g3 >= g2 + 2);
}

static void survey_versions(void **state)
{
	struct fixture *f = *state;
	int v;
	bool created;
	char *text;
	assert_int_equal(survey_version(f->s, "t"), 0);
	assert_int_equal(store_survey_latest(f->s, "t", &v, &text), STORE_ERR_NOTFOUND);
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	assert_true(created);
	assert_int_equal(v, 1);
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	assert_false(created);
	assert_int_equal(v, 1);

	/* A changed definition with the same declared version: the next one. */
	free(f->sv->canonical);
	f->sv->canonical = xstrdup("{\"changed\":true}");
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	assert_true(created);
	assert_int_equal(v, 2);
	assert_int_equal(survey_version(f->s, "t"), 2);
	assert_int_equal(store_survey_latest(f->s, "t", &v, &text), STORE_OK);
	assert_int_equal(v, 2);
	assert_string_equal(text, "{\"changed\":true}");
	free(text);

	/* A declared version above the stored ones is kept. */
	f->sv->version = 7;
	free(f->sv->canonical);
	f->sv->canonical = xstrdup("{\"v\":7}");
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	assert_int_equal(v, 7);
}

/* The latest loaded definition is served: an older one loaded again is
 * the next version. */
static void older_definition_again(void **state)
{
	struct fixture *f = *state;
	int v, older;
	bool created;
	char *first = xstrdup(f->sv->canonical);
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	free(f->sv->canonical);
	f->sv->canonical = xstrdup("{\"second\":true}");
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	assert_int_equal(v, 2);
	assert_int_equal(store_survey_same_as(f->s, f->sv, v, &older), STORE_ERR_NOTFOUND);
	free(f->sv->canonical);
	f->sv->canonical = first;
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	assert_true(created);
	assert_int_equal(v, 3);
	assert_int_equal(store_survey_same_as(f->s, f->sv, v, &older), STORE_OK);
	assert_int_equal(older, 1);
	assert_int_equal(survey_version(f->s, "t"), 3);
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	assert_false(created);
	assert_int_equal(v, 3);
}

static void response_rows(void **state)
{
	struct fixture *f = *state;
	struct pairs in;
	struct answers a;
	struct answer_errors errs = {.n = 0};
	char id[64], id2[64];
	int v;
	bool created;

	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲", "A", NULL), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_DOMAIN, "market", "市场", "Market", NULL), STORE_OK);
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	pairs_init(&in);
	pairs_add(&in, "q", "na");
	pairs_add(&in, "m", "b");
	pairs_add(&in, "m", "a");
	pairs_add(&in, "agency", "好");
	assert_true(answers_check(f->sv, &in, false, &a, &errs));
	struct response_meta m = {.survey = "t", .survey_version = v, .channel = "web",
	                          .agency = "A01", .domain = "market"};
	assert_int_equal(store_response_add(f->s, &m, &a, id, sizeof id), STORE_OK);
	assert_int_equal(strlen(id), 22);
	assert_int_equal(store_response_add(f->s, &m, &a, id2, sizeof id2), STORE_OK);
	assert_string_not_equal(id, id2);
	assert_int_equal(response_count(f->s, "t"), 2);

	/* Foreign keys: an unknown agency is refused and nothing is stored. */
	m.agency = "ZZZ";
	assert_int_equal(store_response_add(f->s, &m, &a, id, sizeof id), STORE_ERR_CONSTRAINT);
	assert_int_equal(response_count(f->s, "t"), 2);
	answers_free(&a);
	pairs_free(&in);
}

/* One text column of the first row of sql on the file at path, into out. */
static void sql_text(const char *path, const char *sql, char *out, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Store one web answer to survey t of A01/market. */
static void add_web_answer(struct fixture *f, const char *submitted_at)
{
	struct pairs in;
	struct answers a;
	struct answer_errors errs = {.n = 0};
	char id[64];
	int v;
	bool created;
	store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲", "A", NULL);
	store_registry_put(f->s, REGISTRY_DOMAIN, "market", "市场", "Market", NULL);
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	pairs_init(&in);
	pairs_add(&in, "q", "4");
	assert_true(answers_check(f->sv, &in, false, &a, &errs));
	struct response_meta m = {.survey = "t", .survey_version = v, .channel = "web",
	                          .agency = "A01", .domain = "market", .submitted_at = submitted_at};
	assert_int_equal(store_response_add(f->s, &m, &a, id, sizeof id), STORE_OK);
	answers_free(&a);
	pairs_free(&in);
}

/* A network answer's times are stored to the hour; an import's submitted_at
 * is kept as given. */
static void answer_times_are_coarse(void **state)
{
	struct fixture *f = *state;
	char got[64];
	add_web_answer(f, NULL);
	add_web_answer(f, "2022-04-11T10:17:33+08:00");
	sql_text(f->path, "SELECT count(*) FROM response WHERE submitted_at GLOB '*:00:00Z' "
	                  "AND stored_at GLOB '*:00:00Z' AND submitted_at = stored_at", got, sizeof got);
	assert_string_equal(got, "1");
	sql_text(f->path, "SELECT count(*) FROM response WHERE stored_at GLOB '*:00:00Z'", got, sizeof got);
	assert_string_equal(got, "2");
	sql_text(f->path, "SELECT submitted_at FROM response WHERE submitted_at LIKE '%+08:00'", got,
	         sizeof got);
	assert_string_equal(got, "2022-04-11T10:17:33+08:00");
	sql_text(f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'throttle'", got, sizeof got);
	assert_string_equal(got, "0");

	unsigned char once[32] = {1, 2, 3};
	assert_int_equal(store_once(f->s, once, 1800000123, 86400), STORE_OK);
	sql_text(f->path, "SELECT at FROM form_once", got, sizeof got);
	assert_string_equal(got, "1800000000");
}

/* The schema's migrations (src/store/store_schema.c). */
extern const char *const store_migrations[];

/*
 * A database as release 4 left it: migrations 1 to 4 applied by hand, with
 * rows in the old layout — an address hash in the throttle table, exact
 * times, answers one row per item.
 */
static void make_release_4(struct fixture *f)
{
	store_close(f->s);
	f->s = NULL;
	unlink(f->path);
	for (int i = 0; i < 4; i++)
		sql_exec(f->path, store_migrations[i]);
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO survey (id, version, definition) "
	                                        "VALUES ('t', 1, ?)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, f->sv->canonical, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	sql_exec(f->path,
	         "INSERT INTO agency VALUES ('A01', '甲', 'A');"
	         "INSERT INTO domain VALUES ('market', '市场', 'Market');"
	         "INSERT INTO encounter (id, agency, domain, size, district, occurred_on, outcome) "
	         "  VALUES ('E1', 'A01', 'market', 'small', '鄂城区', '2022-03-30', 'fined');"
	         "INSERT INTO throttle VALUES (CAST('ADDRESS-HASH-MARKER-0123456789' AS BLOB),"
	         "  1649643453, 1, 0);"
	         "INSERT INTO response (id, public_id, survey_id, survey_version, channel, agency, domain,"
	         "  submitted_at, stored_at) VALUES (1, 'web-1', 't', 1, 'web', 'A01', 'market',"
	         "  '2022-04-11T02:17:33Z', '2022-04-11T02:17:33Z');"
	         "INSERT INTO response (id, public_id, survey_id, survey_version, channel, encounter_id,"
	         "  agency, domain, size, submitted_at, stored_at) VALUES (2, 'imported', 't', 1, 'phone',"
	         "  'E1', 'A01', 'market', 'small', '2022-03-01T09:05:07Z', '2022-04-20T08:01:02Z');"
	         "INSERT INTO answer (response_id, item, seq, num, text, na) VALUES"
	         "  (1, 'q', 0, 4, NULL, 0), (1, 'to', 0, NULL, 'y', 0), (1, 'agency', 0, NULL, '很好, \"好\"', 0),"
	         "  (2, 'q', 0, NULL, NULL, 1), (2, 'm', 0, NULL, 'a', 0), (2, 'm', 1, NULL, 'b', 0);"
	         "INSERT INTO form_once VALUES (CAST('once' AS BLOB), 1649643453);"
	         "PRAGMA user_version = 4;");
}

/* Migrations 5 to now on a database of version 4: the throttle table and
 * the exact times leave the file, not just the tables, and every answer
 * is kept in the compact layout. */
static void migration_forgets(void **state)
{
	struct fixture *f = *state;
	char got[256];
	make_release_4(f);
	char msg[256];
	assert_int_equal(store_open(f->path, false, &f->s, msg, sizeof msg), STORE_OK);
	assert_true(schema_version(f->s) >= 9);
	sql_text(f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'throttle'", got, sizeof got);
	assert_string_equal(got, "0");
	sql_text(f->path, "SELECT submitted_at || ' ' || stored_at FROM response WHERE channel = 'web'",
	         got, sizeof got);
	assert_string_equal(got, "2022-04-11T02:00:00Z 2022-04-11T02:00:00Z");
	sql_text(f->path, "SELECT submitted_at || ' ' || stored_at FROM response WHERE channel = 'phone'",
	         got, sizeof got);
	assert_string_equal(got, "2022-03-01T09:05:07Z 2022-04-20T08:00:00Z");
	sql_text(f->path, "SELECT at FROM form_once", got, sizeof got);
	assert_string_equal(got, "1649642400");
	/* Every answer row is there, as it was. */
	sql_text(f->path, "SELECT group_concat(x, ' | ') FROM (SELECT response_id || ',' || item || ','"
	                  " || seq || ',' || coalesce(num, '-') || ',' || coalesce(text, '-') || ',' || na"
	                  " AS x FROM answer ORDER BY response_id, item, seq)", got, sizeof got);
	assert_string_equal(got, "1,agency,0,-,很好, \"好\",0 | 1,q,0,4,-,0 | 1,to,0,-,y,0 | "
	                         "2,m,0,-,a,0 | 2,m,1,-,b,0 | 2,q,0,-,-,1");
	sql_text(f->path, "SELECT encounter_id || ' ' || size FROM response WHERE channel = 'phone'", got,
	         sizeof got);
	assert_string_equal(got, "E1 small");
	sql_text(f->path, "SELECT id || ' ' || district || ' ' || occurred_on || ' ' || outcome "
	                  "FROM encounter", got, sizeof got);
	assert_string_equal(got, "E1 鄂城区 2022-03-30 fined");
	char want[32];
	snprintf(want, sizeof want, "%lld 1", days_from_civil(2022, 3, 30)); /* E1's day, once */
	sql_text(f->path, "SELECT day || ' ' || n FROM population", got, sizeof got);
	assert_string_equal(got, want);
	sql_text(f->path, "PRAGMA integrity_check", got, sizeof got);
	assert_string_equal(got, "ok");

	/* No byte of the old rows is left in the database or its log. */
	const char *files[] = {"", "-wal"};
	for (size_t i = 0; i < 2; i++) {
		char path[96];
		snprintf(path, sizeof path, "%s%s", f->path, files[i]);
		FILE *fp = fopen(path, "rb");
		if (fp == NULL)
			continue;
		struct sbuf b;
		sbuf_init(&b);
		char chunk[4096];
		size_t k;
		while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
			sbuf_add(&b, chunk, k);
		fclose(fp);
		assert_null(memmem(b.data, b.len, "ADDRESS-HASH-MARKER", 19));
		assert_null(memmem(b.data, b.len, "02:17:33", 8));
		sbuf_free(&b);
	}
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_idempotent, setup, teardown),
		cmocka_unit_test(missing_file_without_create),
		cmocka_unit_test(not_a_database),
		cmocka_unit_test_setup_teardown(secret_is_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(registry, setup, teardown),
		cmocka_unit_test_setup_teardown(registry_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(rolled_back_codes_forgotten, setup, teardown),
		cmocka_unit_test_setup_teardown(survey_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(older_definition_again, setup, teardown),
		cmocka_unit_test_setup_teardown(response_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(answer_times_are_coarse, setup, teardown),
		cmocka_unit_test_setup_teardown(migration_forgets, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
