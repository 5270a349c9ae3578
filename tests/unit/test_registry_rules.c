/* Dates, submission times, encounter fields and API key headers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "encounter.h"
#include "manyi_init.h"
#include "responses.h"
#include "util.h"

static void dates(void **state)
{
	(void)state;
	static const struct { const char *s; bool ok; } t[] = {
		{"2022-04-11", true}, {"2024-02-29", true}, {"2000-02-29", true},
		{"1900-02-29", false}, {"2023-02-29", false}, {"2022-04-31", false},
		{"2022-13-01", false}, {"2022-00-10", false}, {"2022-4-11", false},
		{"22-04-11", false}, {"2022/04/11", false}, {"2022-04-11 ", false},
		{"", false}, {"abcd-ef-gh", false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (date_valid(t[i].s) != t[i].ok)
			fail_msg("date_valid(\"%s\") should be %d", t[i].s, t[i].ok);
}

static void future(void **state)
{
	(void)state;
	const time_t now = 1649678400; /* 2022-04-11T12:00:00Z */
	static const struct { const char *s; bool future; } t[] = {
		{"2022-04-11", false}, {"2021-12-31", false}, {"1990-01-01", false},
		{"2022-04-12", false}, /* already today east of UTC, or a clock behind */
		{"2022-04-13", true}, {"2099-11-01", true}, {"2023-01-01", true},
		{"2022-04-11T12:00:00Z", false}, {"2022-04-12T12:00:00Z", false},
		{"2022-04-12T12:00:01Z", true}, {"2099-11-01T00:00:00Z", true},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (stamp_in_future(t[i].s, now) != t[i].future)
			fail_msg("stamp_in_future(\"%s\") should be %d", t[i].s, t[i].future);
}

static void times(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } t[] = {
		{"2022-04-11T10:00:00+08:00", "2022-04-11T02:00:00Z"},
		{"2022-04-11T03:00:00+08:00", "2022-04-10T19:00:00Z"},
		{"2022-12-31T23:30:00-01:00", "2023-01-01T00:30:00Z"},
		{"2022-04-11T10:00:00Z", "2022-04-11T10:00:00Z"},
		{"2022-04-11T10:00:00.123+08:00", "2022-04-11T02:00:00Z"},
		{"2024-03-01T01:00:00+05:30", "2024-02-29T19:30:00Z"},
		{"2022-04-11T10:00:00", NULL}, {"2022-04-11 10:00:00+08:00", NULL},
		{"2022-04-11T25:00:00Z", NULL}, {"2022-02-30T10:00:00Z", NULL},
		{"2022-04-11T10:00:00+8:00", NULL}, {"2022-04-11T10:00:00+08:00x", NULL},
		{"2022-04-11T10:00:00.+08:00", NULL}, {"", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char out[32];
		bool ok = iso8601_to_utc(t[i].in, out, sizeof out);
		if (ok != (t[i].out != NULL))
			fail_msg("iso8601_to_utc(\"%s\") returned %d", t[i].in, ok);
		if (ok && strcmp(out, t[i].out) != 0)
			fail_msg("iso8601_to_utc(\"%s\") = %s, expected %s", t[i].in, out, t[i].out);
	}
}

#define ID70 "E123456789012345678901234567890123456789012345678901234567890123456789"

static void encounter_fields(void **state)
{
	(void)state;
	struct encounter e;
	char msg[256];
	struct encounter_in good = {"E1", "A01", "market", "small", "鄂城区", "2022-04-11", NULL, NULL};
	assert_true(encounter_parse(&good, &e, msg, sizeof msg));
	assert_string_equal(e.outcome, "");
	static const struct { struct encounter_in in; const char *word; } bad[] = {
		{{"", "A01", "market", "small", "x", "2022-04-11", NULL, NULL}, "encounter_id is empty"},
		{{"E 1", "A01", "market", "small", "x", "2022-04-11", NULL, NULL}, "encounter_id"},
		{{"E1", "A 1", "market", "small", "x", "2022-04-11", NULL, NULL}, "agency"},
		{{"E1", "A01", "", "small", "x", "2022-04-11", NULL, NULL}, "domain"},
		{{"E1", "A01", "market", "tiny", "x", "2022-04-11", NULL, NULL}, "size \"tiny\""},
		{{"E1", "A01", "market", "small", "", "2022-04-11", NULL, NULL}, "district is empty"},
		{{"E1", "A01", "market", "small", "a\x01", "2022-04-11", NULL, NULL}, "district"},
		{{"E1", "A01", "market", "small", "x", "2022-04-31", NULL, NULL}, "occurred_on"},
		{{"E1", "A01", "market", "small", "x", "2022-04-11", "arrested", NULL}, "outcome"},
		{{"E1", "A01", "", "small", "x", "2022-04-11", NULL, NULL}, "domain is empty"},
		{{"E1", "A 1", "market", "small", "x", "2022-04-11", NULL, NULL}, "agency \"A 1\" is not a registry code"},
		/* Too long: quoted whole, with its length. */
		{{ID70, "A01", "market", "small", "x", "2022-04-11", NULL, NULL},
		 "encounter_id \"" ID70 "\" is 70 characters long; an id has at most 64"},
		{{"E1", ID70, "market", "small", "x", "2022-04-11", NULL, NULL}, "agency \"" ID70 "\" is 70 characters long"},
		/* Officers: certificate numbers separated by ';', each once, at most 5. */
		{{"E1", "A01", "market", "small", "x", "2022-04-11", NULL, "C1;C1"}, "certificate \"C1\" is named twice"},
		{{"E1", "A01", "market", "small", "x", "2022-04-11", NULL, "C1;;C2"}, "officers: \"\" is not a certificate number"},
		{{"E1", "A01", "market", "small", "x", "2022-04-11", NULL, "C1; C2"}, "officers: \" C2\""},
		{{"E1", "A01", "market", "small", "x", "2022-04-11", NULL, "C1;C2;C3;C4;C5;C6"}, "at most 5 officers"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(encounter_parse(&bad[i].in, &e, msg, sizeof msg));
		if (strstr(msg, bad[i].word) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, msg, bad[i].word);
	}
}

/* Values in messages: whole up to a limit, escaped onto one line, else cut with their length. */
static void quotes(void **state)
{
	(void)state;
	char q[IMPORT_QUOTE_SIZE], big[400];
	static const struct { const char *in, *out; } t[] = {
		{"E1", "\"E1\""},
		{"", "\"\""},
		{ID70, "\"" ID70 "\""},
		{"a\"b\\c", "\"a\\\"b\\\\c\""},
		{"line\nbreak\r\ttab\x01", "\"line\\nbreak\\r\\ttab\\x01\""},
		{"测试", "\"测试\""},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		assert_string_equal(import_quote(t[i].in, q), t[i].out);
	/* 300 characters: the first 64 bytes, then the length. */
	memset(big, 'x', 300);
	big[300] = '\0';
	import_quote(big, q);
	assert_int_equal(strlen(q), 1 + 64 + strlen("...\" (300 characters)"));
	assert_non_null(strstr(q, "xxx...\" (300 characters)"));
	/* 100 three-byte characters: cut before a character, never inside one. */
	big[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(big, "测");
	import_quote(big, q);
	assert_string_equal(q + 1 + 21 * 3, "...\" (100 characters)");
	assert_true(utf8_valid(q, strlen(q)));
	/* The limit itself is quoted whole. */
	memset(big, 'y', IMPORT_QUOTE_MAX);
	big[IMPORT_QUOTE_MAX] = '\0';
	assert_int_equal(strlen(import_quote(big, q)), IMPORT_QUOTE_MAX + 2);
}

static void key_headers(void **state)
{
	(void)state;
	char path[] = "/tmp/manyi-auth-XXXXXX", msg[256], key[AUTH_KEY_LEN], id[16], hdr[128];
	struct store *s;
	struct principal p;
	close(mkstemp(path));
	unlink(path);
	assert_int_equal(store_open(path, true, &s, msg, sizeof msg), STORE_OK);
	assert_int_equal(store_registry_put(s, REGISTRY_AGENCY, "A01", "甲", "A", NULL), STORE_OK);
	assert_int_equal(auth_key_create(s, ROLE_AGENCY, "A01", key, id), STORE_OK);
	snprintf(hdr, sizeof hdr, "Bearer %s", key);
	assert_int_equal(auth_check(s, hdr, &p), AUTH_OK);
	assert_int_equal(p.role, ROLE_AGENCY);
	assert_string_equal(p.agency, "A01");
	assert_string_equal(p.key_id, id);
	assert_int_equal(auth_check(s, "", &p), AUTH_MISSING);
	assert_int_equal(auth_check(s, "Basic abc", &p), AUTH_MALFORMED);
	assert_int_equal(auth_check(s, "Bearer mk_short", &p), AUTH_MALFORMED);
	hdr[strlen(hdr) - 1] = hdr[strlen(hdr) - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(auth_check(s, hdr, &p), AUTH_UNKNOWN);
	hdr[10] = hdr[10] == 'A' ? 'B' : 'A';
	assert_int_equal(auth_check(s, hdr, &p), AUTH_UNKNOWN);
	assert_int_equal(store_key_revoke(s, id), STORE_OK);
	snprintf(hdr, sizeof hdr, "Bearer %s", key);
	assert_int_equal(auth_check(s, hdr, &p), AUTH_REVOKED);
	assert_int_equal(store_key_revoke(s, id), STORE_ERR_NOTFOUND);
	store_close(s);
	unlink(path);
	snprintf(msg, sizeof msg, "%s-wal", path);
	unlink(msg);
	snprintf(msg, sizeof msg, "%s-shm", path);
	unlink(msg);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates),
		cmocka_unit_test(future),
		cmocka_unit_test(times),
		cmocka_unit_test(encounter_fields),
		cmocka_unit_test(quotes),
		cmocka_unit_test(key_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
