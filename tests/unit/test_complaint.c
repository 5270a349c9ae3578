/* The complaint channel's rules (complaint.h): the codes, the states, the form's checks,
 * the categories file, and an agency's view of a complaint. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaint.h"
#include "crypto.h"
#include "fixture.h"
#include "manyi_init.h"
#include "store_complaint.h"
#include "util.h"

struct fixture {
	char path[64];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char msg[256];
	fixture_db_path(f->path, sizeof f->path, "complaint");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "市市场监督管理局", "Market Regulation", NULL),
	                 STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A02", "市生态环境局", "Ecology", NULL), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	fixture_db_remove(f->path);
	free(f);
	return 0;
}

static void track_codes(void **state)
{
	(void)state;
	char shown[COMPLAINT_TRACK_SHOWN];
	unsigned char h[32], again[32];
	complaint_track_new(shown, h);
	assert_int_equal(strlen(shown), 19);
	for (int i = 4; i < 19; i += 5)
		assert_int_equal(shown[i], '-');
	/* As typed: lower case, spaces, no hyphens, all the same code. */
	char typed[40];
	size_t k = 0;
	for (const char *p = shown; *p; p++)
		if (*p != '-')
			typed[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	typed[k] = '\0';
	assert_true(complaint_track_hash(typed, again));
	assert_memory_equal(h, again, 32);
	/* O is read as 0, I and L as 1. */
	unsigned char o[32], z[32];
	assert_true(complaint_track_hash("OOOO-IIII-LLLL-0000", o));
	assert_true(complaint_track_hash("0000 1111 1111 0000", z));
	assert_memory_equal(o, z, 32);
	assert_false(complaint_track_hash("ABCD-EFGH-JKMN-PQR", o));   /* 15 */
	assert_false(complaint_track_hash("ABCD-EFGH-JKMN-PQRST", o)); /* 17 */
	assert_false(complaint_track_hash("ABCD-EFGH-JKMN-PQR!", o));
	assert_false(complaint_track_hash("ABCD-EFGH-JKMN-PQRU", o));  /* no U in the alphabet */
	assert_false(complaint_track_hash(NULL, o));
	char code[24];
	complaint_case_code(code, sizeof code);
	assert_int_equal(strlen(code), 13);
	assert_memory_equal(code, "TS-", 3);
}

static void states(void **state)
{
	(void)state;
	const char *allowed;
	assert_string_equal(complaint_next("received", "accept", &allowed), "accepted");
	assert_null(complaint_next("accepted", "accept", &allowed));
	assert_string_equal(allowed, "a received complaint");
	assert_string_equal(complaint_next("accepted", "forward", &allowed), "forwarded");
	assert_string_equal(complaint_next("forwarded", "answer", &allowed), "answered");
	assert_null(complaint_next("answered", "answer", &allowed));
	assert_string_equal(complaint_next("answered", "forward", &allowed), "forwarded"); /* back to the agency */
	assert_string_equal(complaint_next("answered", "transfer", &allowed), "transferred");
	assert_null(complaint_next("forwarded", "reject", &allowed));
	assert_string_equal(complaint_next("transferred", "close", &allowed), "closed");
	assert_null(complaint_next("closed", "note", &allowed));
	assert_string_equal(complaint_next("rejected", "note", &allowed), "rejected"); /* a note keeps the state */
	assert_null(complaint_next("received", "fly", &allowed));
}

/* The error of field fl in Chinese, "" when none. */
static const char *zh(const struct complaint_errors *e, enum complaint_field fl)
{
	return e->msg[fl][LANG_ZH];
}

static void form_checks(void **state)
{
	struct fixture *f = *state;
	struct complaint_errors e;
	struct complaint_form ok = {.what = "罚款不开票", .agency = "A01", .category = "benefits",
	                            .happened_on = "2026-03-01", .today = "2026-03-02", .contact_offered = true};
	assert_int_equal(complaint_check(f->s, &ok, &e), STORE_OK);
	assert_int_equal(e.n, 0);

	struct complaint_form bad = {.what = "", .agency = "A99", .category = "nope", .happened_on = "2026-03-03",
	                             .today = "2026-03-02", .anonymous = "no", .contact_offered = true};
	assert_int_equal(complaint_check(f->s, &bad, &e), STORE_OK);
	assert_int_equal(e.n, 5);
	assert_string_not_equal(zh(&e, CF_WHAT), "");
	assert_string_equal(zh(&e, CF_HAPPENED_ON), "日期不能晚于今天。");
	assert_string_not_equal(zh(&e, CF_AGENCY), "");
	assert_string_not_equal(zh(&e, CF_CATEGORY), "");
	assert_string_equal(e.msg[CF_CONTACT][LANG_EN], "Enter how to reach you, or choose to stay anonymous.");

	/* 2000 characters of Chinese are fine; 2001 are not. */
	char *what = xmalloc(2001 * 3 + 1);
	for (int i = 0; i < 2001; i++)
		memcpy(what + 3 * i, "罚", 3);
	what[2000 * 3] = '\0';
	ok.what = what;
	assert_int_equal(complaint_check(f->s, &ok, &e), STORE_OK);
	assert_int_equal(e.n, 0);
	what[2000 * 3] = what[0];
	what[2001 * 3] = '\0';
	assert_int_equal(complaint_check(f->s, &ok, &e), STORE_OK);
	assert_string_not_equal(zh(&e, CF_WHAT), "");
	free(what);

	/* Without the sealing key: anonymous only. */
	struct complaint_form named = {.what = "x", .agency = "A01", .category = "other", .anonymous = "no",
	                               .contact = "13912345678", .today = "2026-03-02"};
	assert_int_equal(complaint_check(f->s, &named, &e), STORE_OK);
	assert_string_not_equal(zh(&e, CF_ANONYMOUS), "");
}

/* A complaint about A01, with one event of action; its id. */
static long long add_one(struct store *s, const char *code, const char *action)
{
	unsigned char h[32];
	char shown[COMPLAINT_TRACK_SHOWN];
	long long id;
	complaint_track_new(shown, h);
	struct complaint_new c = {.code = code, .track_hash = h, .agency = "A01", .category = "rough",
	                          .what = "推搡", .anonymous = true, .filed_on = "2026-03-02"};
	assert_int_equal(store_complaint_add(s, &c, &id), STORE_OK);
	if (action != NULL)
		assert_int_equal(store_complaint_event_add(s, id, "evaluator", action, NULL, "2026-03-16", "内部"),
		                 STORE_OK);
	return id;
}

static void agency_view(void **state)
{
	struct fixture *f = *state;
	long long id = add_one(f->s, "TS-AAAAAAAAAA", "note");
	assert_int_equal(store_complaint_event_add(f->s, id, "evaluator", "forward", NULL, "2026-03-16", "请核查"),
	                 STORE_OK);
	assert_int_equal(store_complaint_set_state(f->s, id, "forwarded", "2026-03-16"), STORE_OK);
	add_one(f->s, "TS-BBBBBBBBBB", NULL);
	struct complaint *v;
	size_t n;
	assert_int_equal(store_complaint_list(f->s, NULL, "A01", &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	cJSON *o;
	assert_int_equal(complaint_json(f->s, &v[0], false, "2026-03-17", &o), STORE_OK);
	assert_null(cJSON_GetObjectItem(o, "anonymous"));
	assert_null(cJSON_GetObjectItem(o, "has_contact"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "events")), 1); /* the forward, not the note */
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "overdue")));               /* due 03-16, today 03-17 */
	assert_int_equal(cJSON_GetObjectItem(o, "national")->valueint, 2);
	cJSON_Delete(o);
	assert_int_equal(complaint_json(f->s, &v[0], true, "2026-03-16", &o), STORE_OK);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "anonymous")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "events")), 2);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "overdue")));               /* due today */
	cJSON_Delete(o);
	complaint_free(&v[0]);
	free(v);
	assert_int_equal(store_complaint_list(f->s, NULL, "A02", &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(v);
	/* Transferred to the discipline body: withdrawn from the agency. */
	assert_int_equal(store_complaint_event_add(f->s, id, "evaluator", "transfer", "市纪委监委", NULL, ""), STORE_OK);
	assert_int_equal(store_complaint_list(f->s, NULL, "A01", &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_complaint_list(f->s, NULL, NULL, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		complaint_free(&v[i]);
	free(v);
}

/* Write text to a temporary file at path (capacity 64). */
static void temp_file(char *path, const char *text)
{
	snprintf(path, 64, "/tmp/manyi-cats-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void categories_file(void **state)
{
	struct fixture *f = *state;
	char path[64], msg[512];
	int version = 0;
	add_one(f->s, "TS-CCCCCCCCCC", NULL); /* names "rough" */
	temp_file(path, "[{\"code\": \"fees\", \"name\": {\"zh\": \"乱收费\", \"en\": \"Unlawful fees\"}}]");
	assert_true(complaint_categories_load(f->s, path, &version, msg, sizeof msg));
	unlink(path);
	assert_int_equal(version, 2);
	struct complaint_category c;
	assert_int_equal(store_complaint_category(f->s, "rough", &c), STORE_OK);
	assert_true(c.retired);                                         /* kept: a complaint names it */
	assert_int_equal(store_complaint_category(f->s, "inaction", &c), STORE_ERR_NOTFOUND); /* gone */
	assert_int_equal(store_complaint_category(f->s, "fees", &c), STORE_OK);
	assert_int_equal(c.national, 0);
	assert_false(c.discipline);

	static const struct { const char *text, *says; } bad[] = {
		{"{}", "not a JSON array"},
		{"[]", "1 to 100 categories"},
		{"[{\"code\": \"Fees\", \"name\": {\"zh\": \"a\", \"en\": \"b\"}}]", "[0].code"},
		{"[{\"code\": \"fees\", \"name\": {\"zh\": \"a\"}}]", "[0].name.en"},
		{"[{\"code\": \"fees\", \"name\": {\"zh\": \"a\", \"en\": \"b\"}, \"national\": 4}]", "[0].national"},
		{"[{\"code\": \"fees\", \"name\": {\"zh\": \"a\", \"en\": \"b\"}, \"discipline\": 1}]", "[0].discipline"},
		{"[{\"code\": \"a\", \"name\": {\"zh\": \"a\", \"en\": \"b\"}}, {\"code\": \"a\", \"name\": {\"zh\": \"a\", \"en\": \"b\"}}]",
		 "listed already"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		temp_file(path, bad[i].text);
		assert_false(complaint_categories_load(f->s, path, &version, msg, sizeof msg));
		unlink(path);
		if (strstr(msg, bad[i].says) == NULL || strstr(msg, path) == NULL)
			fail_msg("file %zu: \"%s\" does not say %s and the path", i, msg, bad[i].says);
	}
	/* Nothing stored from a bad file. */
	assert_int_equal(store_complaint_category(f->s, "fees", &c), STORE_OK);
	assert_int_equal(c.version, 2);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(track_codes),
		cmocka_unit_test(states),
		cmocka_unit_test_setup_teardown(form_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(agency_view, setup, teardown),
		cmocka_unit_test_setup_teardown(categories_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
