/* The store on real SQLite files: migrations, registry, surveys, responses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "survey.h"
#include "util.h"

static const char def[] =
	"{\"id\":\"t\",\"version\":1,\"audience\":\"public\","
	"\"title\":{\"zh\":\"标题\",\"en\":\"Title\"},\"intro\":{\"zh\":\"说明\",\"en\":\"Intro\"},"
	"\"scale\":{\"points\":5,\"satisfied\":[4,5],\"labels\":{"
	"\"zh\":[\"1\",\"2\",\"3\",\"4\",\"5\"],\"en\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}},"
	"\"items\":["
	"{\"id\":\"q\",\"type\":\"scale\",\"text\":{\"zh\":\"问\",\"en\":\"Q\"},\"allow_na\":true},"
	"{\"id\":\"m\",\"type\":\"multi\",\"text\":{\"zh\":\"多\",\"en\":\"M\"},"
	" \"options\":[{\"value\":\"a\",\"text\":{\"zh\":\"甲\",\"en\":\"A\"}},"
	"             {\"value\":\"b\",\"text\":{\"zh\":\"乙\",\"en\":\"B\"}}]},"
	"{\"id\":\"c\",\"type\":\"text\",\"text\":{\"zh\":\"评\",\"en\":\"C\"}}]}";

struct fixture {
	char path[64];
	struct store *s;
	struct survey *sv;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char msg[256];
	snprintf(f->path, sizeof f->path, "/tmp/manyi-store-XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	assert_int_equal(survey_parse("t", def, strlen(def), &f->sv, msg, sizeof msg), SURVEY_OK);
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

static void migrations_idempotent(void **state)
{
	struct fixture *f = *state;
	struct store *again;
	char msg[256];
	int v = store_schema_version(f->s);
	assert_true(v >= 1);
	assert_int_equal(store_open(f->path, false, &again, msg, sizeof msg), STORE_OK);
	assert_int_equal(store_schema_version(again), v);
	store_close(again);
	assert_true(store_ping(f->s));
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
	assert_true(store_registry_exists(f->s, REGISTRY_AGENCY, "A01"));
	assert_false(store_registry_exists(f->s, REGISTRY_DOMAIN, "A01"));
	assert_int_equal(store_registry_list(f->s, REGISTRY_AGENCY, &l), STORE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].code, "A01");
	assert_string_equal(l.v[0].name[LANG_ZH], "甲2");
	assert_string_equal(l.v[1].name[LANG_EN], "B");
	registry_list_free(&l);
}

static void survey_versions(void **state)
{
	struct fixture *f = *state;
	int v;
	bool created;
	char *text;
	assert_int_equal(store_survey_version(f->s, "t"), 0);
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
	assert_int_equal(store_survey_version(f->s, "t"), 2);
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
	pairs_add(&in, "c", "好");
	assert_true(answers_check(f->sv, &in, false, &a, &errs));
	struct response_meta m = {.survey = "t", .survey_version = v, .channel = "web",
	                          .agency = "A01", .domain = "market"};
	assert_int_equal(store_response_add(f->s, &m, &a, id, sizeof id), STORE_OK);
	assert_int_equal(strlen(id), 22);
	assert_int_equal(store_response_add(f->s, &m, &a, id2, sizeof id2), STORE_OK);
	assert_string_not_equal(id, id2);
	assert_int_equal(store_response_count(f->s, "t"), 2);

	/* Foreign keys: an unknown agency is refused and nothing is stored. */
	m.agency = "ZZZ";
	assert_int_equal(store_response_add(f->s, &m, &a, id, sizeof id), STORE_ERR_CONSTRAINT);
	assert_int_equal(store_response_count(f->s, "t"), 2);
	answers_free(&a);
	pairs_free(&in);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_idempotent, setup, teardown),
		cmocka_unit_test(missing_file_without_create),
		cmocka_unit_test(not_a_database),
		cmocka_unit_test_setup_teardown(secret_is_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(registry, setup, teardown),
		cmocka_unit_test_setup_teardown(survey_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(response_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
