/* util: UTF-8 (well-formed and not: overlongs, surrogates, truncated and
 * broken sequences, above U+10FFFF), the name rules, dates and days, the
 * time helpers, percent-decoding, whole numbers, and CSV fields with the
 * formula guard -- each over a table of inputs it takes and refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* Bytes with their length, so that NULs and lone bytes can be written. */
#define B(s) s, sizeof(s) - 1

/* ---- UTF-8 ------------------------------------------------------------- */

static const struct {
	const char *s;
	size_t n;
	unsigned long cp; /* of the first sequence */
	size_t len;       /* its length; 0 = refused */
	const char *why;
} utf8_cases[] = {
	{B("A"), 0x41, 1, "ASCII"},
	{B("\x7f"), 0x7f, 1, "DEL is well formed"},
	{B("\xc2\x80"), 0x80, 2, "smallest two-byte"},
	{B("\xc3\xa9"), 0xe9, 2, "e acute"},
	{B("\xdf\xbf"), 0x7ff, 2, "largest two-byte"},
	{B("\xe0\xa0\x80"), 0x800, 3, "smallest three-byte"},
	{B("\xe4\xb8\xad"), 0x4e2d, 3, "a CJK character"},
	{B("\xed\x9f\xbf"), 0xd7ff, 3, "just below the surrogates"},
	{B("\xee\x80\x80"), 0xe000, 3, "just above the surrogates"},
	{B("\xef\xbf\xbd"), 0xfffd, 3, "the replacement character"},
	{B("\xf0\x90\x80\x80"), 0x10000, 4, "smallest four-byte"},
	{B("\xf0\x9f\x98\x80"), 0x1f600, 4, "an emoji"},
	{B("\xf4\x8f\xbf\xbf"), 0x10ffff, 4, "the last code point"},
	/* overlongs */
	{B("\xc0\x80"), 0, 0, "overlong NUL"},
	{B("\xc0\xaf"), 0, 0, "overlong '/'"},
	{B("\xc1\xbf"), 0, 0, "overlong U+007F"},
	{B("\xe0\x80\xaf"), 0, 0, "three-byte overlong '/'"},
	{B("\xe0\x9f\xbf"), 0, 0, "three-byte overlong U+07FF"},
	{B("\xf0\x80\x80\xaf"), 0, 0, "four-byte overlong '/'"},
	{B("\xf0\x8f\xbf\xbf"), 0, 0, "four-byte overlong U+FFFF"},
	/* surrogates */
	{B("\xed\xa0\x80"), 0, 0, "U+D800"},
	{B("\xed\xb0\x80"), 0, 0, "U+DC00"},
	{B("\xed\xbf\xbf"), 0, 0, "U+DFFF"},
	{B("\xed\xa0\xbd\xed\xb8\x80"), 0, 0, "a CESU-8 surrogate pair"},
	/* out of range and never-valid lead bytes */
	{B("\xf4\x90\x80\x80"), 0, 0, "U+110000"},
	{B("\xf5\x80\x80\x80"), 0, 0, "lead F5"},
	{B("\xf8\x88\x80\x80\x80"), 0, 0, "five-byte form"},
	{B("\xfc\x84\x80\x80\x80\x80"), 0, 0, "six-byte form"},
	{B("\xfe"), 0, 0, "FE"},
	{B("\xff"), 0, 0, "FF"},
	/* lone continuations and broken sequences */
	{B("\x80"), 0, 0, "lone continuation"},
	{B("\xbf"), 0, 0, "lone continuation BF"},
	{B("\xc3\x28"), 0, 0, "second byte no continuation"},
	{B("\xe4\x28\xad"), 0, 0, "second of three no continuation"},
	{B("\xe4\xb8\x28"), 0, 0, "third of three no continuation"},
	{B("\xf0\x9f\x98\x28"), 0, 0, "fourth of four no continuation"},
	{B("\xc3\xc3\xa9"), 0, 0, "a lead byte where a continuation belongs"},
	/* truncated at the end of the input */
	{B("\xc3"), 0, 0, "two-byte cut after one"},
	{B("\xe4\xb8"), 0, 0, "three-byte cut after two"},
	{B("\xe4"), 0, 0, "three-byte cut after one"},
	{B("\xf0\x9f\x98"), 0, 0, "four-byte cut after three"},
	{B("\xf0"), 0, 0, "four-byte cut after one"},
};

static void utf8_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(utf8_cases); i++) {
		const unsigned char *s = (const unsigned char *)utf8_cases[i].s;
		unsigned long cp = 0xdeadbeef;
		size_t got = utf8_next(s, utf8_cases[i].n, &cp);
		if (got != utf8_cases[i].len || (got > 0 && cp != utf8_cases[i].cp))
			fail_msg("utf8_next, %s: length %zu code point %#lx", utf8_cases[i].why, got, cp);
		bool whole = utf8_cases[i].len == utf8_cases[i].n;
		if (utf8_valid(utf8_cases[i].s, utf8_cases[i].n) != whole)
			fail_msg("utf8_valid, %s", utf8_cases[i].why);
		/* The same bytes after good text, and before it. */
		char buf[32];
		size_t n = utf8_cases[i].n;
		memcpy(buf, "ok \xe4\xb8\xad ", 7);
		memcpy(buf + 7, utf8_cases[i].s, n);
		if (utf8_valid(buf, 7 + n) != whole)
			fail_msg("utf8_valid after text, %s", utf8_cases[i].why);
		memcpy(buf, utf8_cases[i].s, n);
		memcpy(buf + n, " ok", 3);
		if (utf8_valid(buf, n + 3) != whole)
			fail_msg("utf8_valid before text, %s", utf8_cases[i].why);
	}
}

/* A sequence is only read as far as n says, whatever follows. */
static void utf8_honours_length(void **state)
{
	(void)state;
	unsigned long cp;
	assert_int_equal(utf8_next((const unsigned char *)"\xe4\xb8\xad", 2, &cp), 0);
	assert_false(utf8_valid("\xe4\xb8\xad", 2));
	assert_true(utf8_valid("\xe4\xb8\xad", 3));
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("a\0b", 3)); /* NUL is well formed; callers refuse it */
}

static void utf8_counts_and_controls(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
		size_t length;
		bool controls;
	} t[] = {
		{B(""), 0, false},
		{B("abc"), 3, false},
		{B("\xe6\xbb\xa1\xe6\x84\x8f"), 2, false},
		{B("a\tb\nc\rd"), 7, false},             /* TAB LF CR are text */
		{B("a\x01"), 2, true},
		{B("\x1b[31m"), 5, true},                /* ESC */
		{B("a\0b"), 3, true},                    /* NUL */
		{B("\x7f"), 1, true},                    /* DEL */
		{B("\xc2\x85"), 1, true},                /* NEL, a C1 control */
		{B("\xc2\x9f"), 1, true},
		{B("\xc2\xa0"), 1, false},               /* NBSP is text */
		{B("\xf0\x9f\x98\x80x"), 2, false},
		{B("\xc0\xaf"), 1, true},                /* not UTF-8: reported too */
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		assert_int_equal(utf8_length(t[i].s, t[i].n), t[i].length);
		if (utf8_has_controls(t[i].s, t[i].n) != t[i].controls)
			fail_msg("utf8_has_controls case %zu", i);
	}
	static const struct {
		unsigned long cp;
		bool display;
	} d[] = {
		{0x41, false},   {0x7f, false},   {0x80, true},    {0x9f, true},   {0xa0, false},
		{0x061c, true},  {0x200d, false}, {0x200e, true},  {0x200f, true}, {0x2029, false},
		{0x202a, true},  {0x202e, true},  {0x202f, false}, {0x2065, false}, {0x2066, true},
		{0x2069, true},  {0x206a, false}, {0xfeff, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(d); i++)
		if (utf8_is_display_control(d[i].cp) != d[i].display)
			fail_msg("utf8_is_display_control(%#lx)", d[i].cp);
}

/* ---- names ------------------------------------------------------------- */

static void name_rules(void **state)
{
	(void)state;
	char long64[66], long65[67];
	memset(long64, 'a', 64);
	long64[64] = '\0';
	memset(long65, 'a', 65);
	long65[65] = '\0';
	static const struct {
		const char *s;
		bool ident, slug, code;
	} t[] = {
		{"a", true, true, true},
		{"q1_x", true, false, true},
		{"enforcement-public", false, true, true},
		{"A01", false, false, true},
		{"a.b", false, false, true},
		{"1a", false, true, true},
		{"_a", false, false, true},
		{"", false, false, false},
		{"a b", false, false, false},
		{"a/b", false, false, false},
		{"\xe4\xb8\xad", false, false, false},
		{"a\n", false, false, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (ident_valid(t[i].s) != t[i].ident || slug_valid(t[i].s) != t[i].slug ||
		    code_valid(t[i].s) != t[i].code)
			fail_msg("name rules of \"%s\"", t[i].s);
	}
	assert_true(ident_valid(long64) && slug_valid(long64) && code_valid(long64));
	assert_false(ident_valid(long65) || slug_valid(long65) || code_valid(long65));
}

/* ---- dates and times --------------------------------------------------- */

static const char *const dates_ok[] = {
	"1900-01-01", "1970-01-01", "2000-02-29", "2024-02-29", "2023-02-28", "2023-04-30",
	"2023-12-31", "2999-12-31", "2400-02-29",
};
static const char *const dates_bad[] = {
	"", "1899-12-31", "3000-01-01", "1900-02-29", "2100-02-29", "2023-02-29", "2023-02-30",
	"2023-04-31", "2023-06-31", "2023-00-10", "2023-13-01", "2023-01-00", "2023-01-32",
	"2023-1-01", "2023-01-1", "23-01-01", "2023/01/01", "2023-01-01 ", " 2023-01-01",
	"+023-01-01", "-023-01-01", "2023-01-0a", "2023-+1-01", "2023-01-01T00:00:00Z",
	"20230101", "2023-01-\xd9\xa1", "２０２３-01-01",
};

static void date_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(dates_ok); i++)
		if (!date_valid(dates_ok[i]))
			fail_msg("date_valid refused \"%s\"", dates_ok[i]);
	for (size_t i = 0; i < ARRAY_SIZE(dates_bad); i++)
		if (date_valid(dates_bad[i]))
			fail_msg("date_valid took \"%s\"", dates_bad[i]);
}

static void days_from_civil_table(void **state)
{
	(void)state;
	static const struct {
		long long y;
		int m, d;
		long long days;
	} t[] = {
		{1970, 1, 1, 0},       {1970, 1, 2, 1},      {1969, 12, 31, -1},
		{2000, 2, 29, 11016},  {2000, 3, 1, 11017},  {1900, 1, 1, -25567},
		{2038, 1, 19, 24855},  {0, 3, 1, -719468},   {-1, 12, 31, -719529},
		{2999, 12, 31, 376199},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (days_from_civil(t[i].y, t[i].m, t[i].d) != t[i].days)
			fail_msg("days_from_civil(%lld-%d-%d) = %lld", t[i].y, t[i].m, t[i].d,
			         days_from_civil(t[i].y, t[i].m, t[i].d));
	/* Every day from 1900 to 2100 agrees with gmtime() and date_valid(). */
	long long d0 = days_from_civil(1900, 1, 1), d1 = days_from_civil(2100, 12, 31);
	for (long long d = d0; d <= d1; d++) {
		time_t tt = (time_t)(d * 86400);
		struct tm tm;
		char s[32];
		gmtime_r(&tt, &tm);
		assert_int_equal(days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), d);
		snprintf(s, sizeof s, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		if (!date_valid(s))
			fail_msg("date_valid refused the real day %s", s);
	}
}

static void time_helpers(void **state)
{
	(void)state;
	static const struct {
		time_t t;
		long grain;
		time_t want;
	} g[] = {
		{0, 3600, 0},       {3599, 3600, 0},           {3600, 3600, 3600},
		{-1, 3600, -3600},  {-3600, 3600, -3600},      {-3601, 3600, -7200},
		{1800000123, 60, 1800000120}, {1800000123, 1, 1800000123}, {86399, 86400, 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(g); i++)
		if (time_grain(g[i].t, g[i].grain) != g[i].want)
			fail_msg("time_grain(%lld, %ld)", (long long)g[i].t, g[i].grain);
	static const struct {
		time_t t;
		const char *iso;
	} s[] = {
		{0, "1970-01-01T00:00:00Z"},
		{-1, "1969-12-31T23:59:59Z"},
		{951782400, "2000-02-29T00:00:00Z"},
		{1800000000, "2027-01-15T08:00:00Z"},
		{2147483647, "2038-01-19T03:14:07Z"},
		{4102444799, "2099-12-31T23:59:59Z"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		char buf[32];
		time_iso(buf, sizeof buf, s[i].t);
		assert_string_equal(buf, s[i].iso);
	}
	char now[32];
	time_now_iso(now, sizeof now);
	assert_int_equal(strlen(now), 20);
	now[10] = '\0';
	assert_true(date_valid(now));
}

/* ---- percent-decoding and numbers -------------------------------------- */

static void pct_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		enum pct_err err;
		const char *out;
		size_t outlen;
	} t[] = {
		{"", PCT_OK, "", 0},
		{"abc", PCT_OK, "abc", 3},
		{"a+b", PCT_OK, "a b", 3},
		{"%41%62", PCT_OK, "Ab", 2},
		{"%2B", PCT_OK, "+", 1},
		{"100%25", PCT_OK, "100%", 4},
		{"%e4%B8%aD", PCT_OK, "\xe4\xb8\xad", 3},
		{"%0d%0A", PCT_OK, "\r\n", 2}, /* decoded; header writers refuse them */
		{"%", PCT_ERR_ESCAPE, NULL, 0},
		{"%4", PCT_ERR_ESCAPE, NULL, 0},
		{"a%", PCT_ERR_ESCAPE, NULL, 0},
		{"%zz", PCT_ERR_ESCAPE, NULL, 0},
		{"%4g", PCT_ERR_ESCAPE, NULL, 0},
		{"% 41", PCT_ERR_ESCAPE, NULL, 0},
		{"%00", PCT_ERR_NUL, NULL, 0},
		{"a%00b", PCT_ERR_NUL, NULL, 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char out[64];
		size_t outlen = 999;
		enum pct_err e = pct_decode(t[i].in, strlen(t[i].in), out, &outlen);
		if (e != t[i].err)
			fail_msg("pct_decode(\"%s\") = %d", t[i].in, e);
		if (e == PCT_OK) {
			assert_int_equal(outlen, t[i].outlen);
			assert_memory_equal(out, t[i].out, outlen + 1);
		}
	}
	/* Only n bytes are read: a '%' cut by n is an error, not a look past it. */
	char out[8];
	size_t outlen;
	assert_int_equal(pct_decode("%41", 2, out, &outlen), PCT_ERR_ESCAPE);
	assert_int_equal(pct_decode("ab%41", 2, out, &outlen), PCT_OK);
	assert_string_equal(out, "ab");
}

static void parse_long_table(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		long min, max;
		bool ok;
		long v;
	} t[] = {
		{"0", 0, 10, true, 0},        {"10", 0, 10, true, 10},  {"-5", -10, 10, true, -5},
		{"11", 0, 10, false, 0},      {"-1", 0, 10, false, 0},  {"", 0, 10, false, 0},
		{" 1", 0, 10, false, 0},      {"1 ", 0, 10, false, 0},  {"+1", 0, 10, false, 0},
		{"1.0", 0, 10, false, 0},     {"0x1", 0, 10, false, 0}, {"1e3", 0, 5000, false, 0},
		{"99999999999999999999", 0, 10, false, 0},
		{"007", 0, 10, true, 7},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		long v = -999;
		if (parse_long(t[i].s, t[i].min, t[i].max, &v) != t[i].ok || (t[i].ok && v != t[i].v))
			fail_msg("parse_long(\"%s\", %ld, %ld)", t[i].s, t[i].min, t[i].max);
	}
	long v;
	assert_false(parse_long(NULL, 0, 1, &v));
}

/* ---- CSV fields -------------------------------------------------------- */

static void csv_field_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		bool guard;
		const char *want;
	} t[] = {
		{"", true, ""},
		{"abc", true, "abc"},
		{"a b", false, "a b"},
		{"a,b", false, "\"a,b\""},
		{"a\"b", false, "\"a\"\"b\""},
		{"\"", false, "\"\"\"\""},
		{"a\nb", false, "\"a\nb\""},
		{"a\rb", false, "\"a\rb\""},
		{"\xe6\xbb\xa1,\xe6\x84\x8f", false, "\"\xe6\xbb\xa1,\xe6\x84\x8f\""},
		/* the formula guard */
		{"=1+1", false, "=1+1"},
		{"=1+1", true, "'=1+1"},
		{"+8613800000000", true, "'+8613800000000"},
		{"-1", true, "'-1"},
		{"@SUM(A1)", true, "'@SUM(A1)"},
		{"\tx", true, "'\tx"},
		{"\rx", true, "\"'\rx\""},
		{"=HYPERLINK(\"http://x\",\"y\")", true, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
		{"=a,b", true, "\"'=a,b\""},
		{"a=1", true, "a=1"},
		{" =1", true, " =1"},
		{"'=1", true, "'=1"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct sbuf b;
		sbuf_init(&b);
		csv_field(&b, t[i].in, strlen(t[i].in), t[i].guard);
		if (strcmp(b.data, t[i].want) != 0)
			fail_msg("csv_field(\"%s\", %d) = [%s], want [%s]", t[i].in, t[i].guard, b.data,
			         t[i].want);
		sbuf_free(&b);
	}
	static const struct {
		const char *s;
		bool risk;
	} r[] = {
		{"", false},   {"a", false},  {"=", true},   {"+", true},  {"-", true},
		{"@", true},   {"\t", true},  {"\r", true},  {"\n", false}, {" =", false},
		{"1=", false}, {"\xef\xbc\x9d", false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		if (csv_formula_risk(r[i].s) != r[i].risk)
			fail_msg("csv_formula_risk(\"%s\")", r[i].s);
	/* The length is what counts: a NUL inside is kept, bytes after it too. */
	struct sbuf b;
	sbuf_init(&b);
	csv_field(&b, "a\0,b", 4, false);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "\"a\0,b\"", 6);
	sbuf_reset(&b);
	csv_field(&b, "a,bc", 1, false); /* only "a" */
	assert_string_equal(b.data, "a");
	sbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_table),
		cmocka_unit_test(utf8_honours_length),
		cmocka_unit_test(utf8_counts_and_controls),
		cmocka_unit_test(name_rules),
		cmocka_unit_test(date_table),
		cmocka_unit_test(days_from_civil_table),
		cmocka_unit_test(time_helpers),
		cmocka_unit_test(pct_table),
		cmocka_unit_test(parse_long_table),
		cmocka_unit_test(csv_field_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
