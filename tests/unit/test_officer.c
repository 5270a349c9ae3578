/* Officers (issue 15): the fields of a certificate, the JSON array of
 * POST /api/v1/officers, the encounters' officers column and its JSON
 * array, and the lookup page's escaping and statuses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_officer.h"
#include "encounter.h"
#include "officer.h"
#include "util.h"

#define LONG65 "12345678901234567890123456789012345678901234567890123456789012345"

static void fields(void **state)
{
	(void)state;
	struct officer o;
	char msg[256];
	struct officer_in good = {"鄂42070001", "张三", "A01", "valid", "2026-12-31", NULL, ""};
	assert_true(officer_parse(&good, &o, msg, sizeof msg));
	assert_string_equal(o.cert_no, "鄂42070001");
	assert_string_equal(o.category, "");
	static const struct { struct officer_in in; const char *word; } bad[] = {
		{{"", "张三", "A01", "valid", "2026-12-31", NULL, NULL}, "cert_no \"\" is not a certificate number"},
		{{" 42", "张三", "A01", "valid", "2026-12-31", NULL, NULL}, "cert_no \" 42\""},
		{{"42;43", "张三", "A01", "valid", "2026-12-31", NULL, NULL}, "no ';'"},
		{{"4\x01", "张三", "A01", "valid", "2026-12-31", NULL, NULL}, "cert_no \"4\\x01\""},
		{{LONG65, "张三", "A01", "valid", "2026-12-31", NULL, NULL}, "1-64 bytes"},
		{{"42", "", "A01", "valid", "2026-12-31", NULL, NULL}, "name is empty"},
		{{"42", NULL, "A01", "valid", "2026-12-31", NULL, NULL}, "name is empty"},
		{{"42", "张三", "A 1", "valid", "2026-12-31", NULL, NULL}, "agency \"A 1\" is not a registry code"},
		{{"42", "张三", NULL, "valid", "2026-12-31", NULL, NULL}, "agency is empty"},
		{{"42", "张三", "A01", "expired", "2026-12-31", NULL, NULL}, "status \"expired\" is not one of valid, suspended, revoked"},
		{{"42", "张三", "A01", NULL, "2026-12-31", NULL, NULL}, "status \"\""},
		{{"42", "张三", "A01", "valid", "2026-02-30", NULL, NULL}, "valid_until \"2026-02-30\" is not a date"},
		{{"42", "张三", "A01", "valid", "2026-12-31", "a\nb", NULL}, "category must be"},
		{{"42", "张三", "A01", "valid", "2026-12-31", NULL, "\x7f"}, "area must be"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(officer_parse(&bad[i].in, &o, msg, sizeof msg));
		if (strstr(msg, bad[i].word) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, msg, bad[i].word);
	}
}

static void json_array(void **state)
{
	(void)state;
	struct officers l;
	const char *ok = "[{\"cert_no\":\"1\",\"name\":\"张三\",\"agency\":\"A01\",\"status\":\"valid\","
	                 "\"valid_until\":\"2026-12-31\",\"area\":null,\"extra\":5}, 7, {\"name\": 3}]";
	assert_int_equal(officers_parse(ok, strlen(ok), &l), OFFICERS_OK);
	assert_int_equal(l.n, 3);
	assert_null(l.error[0]);
	assert_string_equal(l.item[0].name, "张三");
	assert_null(l.item[0].area);
	assert_string_equal(l.error[1], "not an object");
	assert_string_equal(l.error[2], "every member must be a string");
	officers_free(&l);
	officers_free(&l); /* a freed one again */
	static const struct { const char *s; enum officers_err e; } bad[] = {
		{"[]", OFFICERS_ERR_COUNT}, {"{}", OFFICERS_ERR_MALFORMED}, {"[1] x", OFFICERS_ERR_MALFORMED},
		{"", OFFICERS_ERR_MALFORMED}, {"[\"\xff\"]", OFFICERS_ERR_MALFORMED},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(officers_parse(bad[i].s, strlen(bad[i].s), &l), bad[i].e);
		assert_int_equal(l.n, 0);
		officers_free(&l);
	}
	const char nul[] = "[{\"name\":\"a\"}]\0";
	assert_int_equal(officers_parse(nul, sizeof nul - 1, &l), OFFICERS_ERR_MALFORMED);
}

static void encounter_officers(void **state)
{
	(void)state;
	struct enc_officers o;
	char msg[256];
	assert_true(enc_officers_parse(NULL, &o, msg, sizeof msg));
	assert_int_equal(o.n, 0);
	assert_true(enc_officers_parse("", &o, msg, sizeof msg));
	assert_int_equal(o.n, 0);
	assert_true(enc_officers_parse("A1;鄂B2;C3;D4;E5", &o, msg, sizeof msg));
	assert_int_equal(o.n, 5);
	assert_string_equal(o.cert_no[1], "鄂B2");
	assert_string_equal(o.cert_no[4], "E5");
	assert_false(enc_officers_parse("A1;", &o, msg, sizeof msg));
	assert_non_null(strstr(msg, "officers: \"\" is not a certificate number"));
	assert_false(enc_officers_parse(LONG65, &o, msg, sizeof msg));
	assert_non_null(strstr(msg, "is not a certificate number"));

	/* The JSON member: an array of strings joined with ';', or a string. */
	struct encounters l;
	const char *j = "[{\"encounter_id\":\"E1\",\"officers\":[\"A1\",\"B2\"]},"
	                "{\"encounter_id\":\"E2\",\"officers\":\"C3;D4\"},"
	                "{\"encounter_id\":\"E3\",\"officers\":[\"A;1\"]},"
	                "{\"encounter_id\":\"E4\",\"officers\":[1]},"
	                "{\"encounter_id\":\"E5\",\"officers\":[]}]";
	assert_int_equal(encounters_parse(j, strlen(j), &l), ENCOUNTERS_OK);
	assert_string_equal(l.item[0].officers, "A1;B2");
	assert_string_equal(l.item[1].officers, "C3;D4");
	assert_non_null(l.error[2]);
	assert_non_null(l.error[3]);
	assert_null(l.error[4]);
	assert_string_equal(l.item[4].officers, "");
	encounters_free(&l);
}

static void lookup_page(void **state)
{
	(void)state;
	struct officer o = {.cert_no = "42<b>", .name = "张三<script>", .agency = "A01",
	                    .status = "suspended", .valid_until = "2020-01-01", .category = "",
	                    .area = "鄂城区"};
	struct html_officer_row row = {&o, "市市场监督管理局", true};
	struct html_officer_lookup v = {.lang = LANG_ZH, .q = "张三<script>", .rows = &row, .n = 1,
	                                .lang_href = "/officers?lang=en"};
	struct sbuf b;
	sbuf_init(&b);
	html_officer_page(&b, &v, NULL);
	assert_null(strstr(b.data, "<script>"));
	assert_non_null(strstr(b.data, "张三&lt;script&gt;"));
	assert_non_null(strstr(b.data, "42&lt;b&gt;"));
	assert_non_null(strstr(b.data, "暂扣（已过期）"));
	assert_non_null(strstr(b.data, "市市场监督管理局"));
	assert_null(strstr(b.data, "执法门类")); /* an empty field is left out */
	sbuf_reset(&b);
	v.n = 0;
	v.lang = LANG_EN;
	html_officer_page(&b, &v, NULL);
	assert_non_null(strstr(b.data, "No certificate matches &quot;张三&lt;script&gt;&quot; exactly"));
	sbuf_reset(&b);
	v.retry_after = 61;
	html_officer_page(&b, &v, NULL);
	assert_non_null(strstr(b.data, "try again in about 2 minutes"));
	sbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields),
		cmocka_unit_test(json_array),
		cmocka_unit_test(encounter_officers),
		cmocka_unit_test(lookup_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
