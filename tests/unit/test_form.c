/* Unit tests for form.c: urlencoded bodies and the Cookie header. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "util.h"

/* "k=v" lines joined by '\n' describe the expected pairs. */
struct form_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum form_err err;
	const char *pairs;
};

static const struct form_case form_cases[] = {
    {"", 0, FORM_OK, ""},
    {"a=1", 0, FORM_OK, "a=1"},
    {"a=1&b=2", 0, FORM_OK, "a=1\nb=2"},
    {"a=x+y", 0, FORM_OK, "a=x y"},
    {"a=%E4%B8%AD", 0, FORM_OK, "a=\xE4\xB8\xAD"},
    {"a=%e4%b8%ad", 0, FORM_OK, "a=\xE4\xB8\xAD"},
    {"a=1&&b=2", 0, FORM_OK, "a=1\nb=2"},
    {"&&&", 0, FORM_OK, ""},
    {"&a=1&", 0, FORM_OK, "a=1"},
    {"flag", 0, FORM_OK, "flag="},
    {"flag&a=1", 0, FORM_OK, "flag=\na=1"},
    {"a=", 0, FORM_OK, "a="},
    {"=v", 0, FORM_OK, "=v"},
    {"a=b=c", 0, FORM_OK, "a=b=c"},
    {"a=%3D%26%2B", 0, FORM_OK, "a==&+"},
    {"p%5B%5D=1&p%5B%5D=2", 0, FORM_OK, "p[]=1\np[]=2"},
    {"a=1&a=2", 0, FORM_OK, "a=1\na=2"},
    {"a+b=c+d", 0, FORM_OK, "a b=c d"},
    {"a=%25", 0, FORM_OK, "a=%"},
    {"a=%FF", 0, FORM_OK, "a=\xFF"}, /* bytes are not checked here */
    {"comment=line1%0D%0Aline2", 0, FORM_OK, "comment=line1\r\nline2"},
    {"a=%", 0, FORM_ERR_ESCAPE, NULL},
    {"a=%4", 0, FORM_ERR_ESCAPE, NULL},
    {"a=%4g", 0, FORM_ERR_ESCAPE, NULL},
    {"a=%G0", 0, FORM_ERR_ESCAPE, NULL},
    {"a=%%41", 0, FORM_ERR_ESCAPE, NULL},
    {"%zz=1", 0, FORM_ERR_ESCAPE, NULL},
    {"a=%u4E2D", 0, FORM_ERR_ESCAPE, NULL},
    {"a=%00", 0, FORM_ERR_NUL, NULL},
    {"%00=a", 0, FORM_ERR_NUL, NULL},
    {"a=1\0b", 5, FORM_ERR_NUL, NULL},
    {"a=1&b=%2", 0, FORM_ERR_ESCAPE, NULL},
};

/* Compare p against the "k=v\n..." description want. */
static void assert_pairs(const struct pairs *p, const char *want)
{
	struct sbuf got;

	sbuf_init(&got);
	for (size_t i = 0; i < p->n; i++) {
		if (i > 0)
			sbuf_addc(&got, '\n');
		sbuf_printf(&got, "%s=%s", p->v[i].key, p->v[i].value);
	}
	assert_string_equal(got.data, want);
	sbuf_free(&got);
}

static void test_form_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(form_cases); i++) {
		const struct form_case *c = &form_cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		struct pairs p;

		pairs_init(&p);
		enum form_err e = form_parse(c->in, len, &p);
		if (e != c->err)
			fail_msg("case %zu \"%s\": got %s, want %s", i, c->in, form_strerror(e),
			         form_strerror(c->err));
		if (c->pairs != NULL)
			assert_pairs(&p, c->pairs);
		pairs_free(&p);
	}
}

/* The input is not NUL-terminated: parsing stops at len. */
static void test_form_length(void **state)
{
	struct pairs p;

	(void)state;
	pairs_init(&p);
	assert_int_equal(form_parse("a=1&b=2GARBAGE%", 7, &p), FORM_OK);
	assert_pairs(&p, "a=1\nb=2");
	pairs_free(&p);
	pairs_init(&p);
	assert_int_equal(form_parse(NULL, 0, &p), FORM_OK);
	assert_int_equal(p.n, 0);
	pairs_free(&p);
}

static void test_form_too_many(void **state)
{
	struct sbuf b;
	struct pairs p;

	(void)state;
	sbuf_init(&b);
	for (int i = 0; i < FORM_MAX_PAIRS; i++)
		sbuf_printf(&b, "%sk%d=%d", i ? "&" : "", i, i);
	pairs_init(&p);
	assert_int_equal(form_parse(b.data, b.len, &p), FORM_OK);
	assert_int_equal(p.n, FORM_MAX_PAIRS);
	pairs_free(&p);
	/* Empty segments do not count. */
	sbuf_adds(&b, "&&&");
	pairs_init(&p);
	assert_int_equal(form_parse(b.data, b.len, &p), FORM_OK);
	pairs_free(&p);
	sbuf_adds(&b, "one=more");
	pairs_init(&p);
	assert_int_equal(form_parse(b.data, b.len, &p), FORM_ERR_TOO_MANY);
	pairs_free(&p);
	sbuf_free(&b);
}

static void test_form_strerror(void **state)
{
	(void)state;
	for (int e = 0; e < FORM_ERR__MAX; e++)
		assert_non_null(form_strerror((enum form_err)e));
	assert_non_null(form_strerror(FORM_ERR__MAX));
}

struct cookie_case {
	const char *header;
	const char *name;
	size_t outlen;
	const char *want; /* NULL: not found */
};

static const struct cookie_case cookie_cases[] = {
    {"a=1; b=2", "a", 64, "1"},
    {"a=1; b=2", "b", 64, "2"},
    {"a=1;b=2", "b", 64, "2"},
    {"  a = 1 ;  b = 2  ", "b", 64, "2"},
    {"a=1\t;\tb=2", "b", 64, "2"},
    {"a=1; b=2", "c", 64, NULL},
    {"ab=1; b=2", "b", 64, "2"},
    {"ba=1", "a", 64, NULL},
    {"a=\"quoted\"", "a", 64, "quoted"},
    {"a=\"\"", "a", 64, ""},
    {"a=\"", "a", 64, NULL},
    {"a=", "a", 64, ""},
    {"a", "a", 64, NULL},
    {"a; a=2", "a", 64, "2"},
    {"sid=abc; sid=def", "sid", 64, "abc"},
    {"csrf=x-Y_z.0~", "csrf", 64, "x-Y_z.0~"},
    {"a=b=c", "a", 64, "b=c"},
    {"a=12345", "a", 6, "12345"},
    {"a=123456", "a", 6, NULL},
    {"a=1", "a", 0, NULL},
    {"", "a", 64, NULL},
    {";;;", "a", 64, NULL},
    {"a=x\x01y", "a", 64, NULL},
    {"A=1", "a", 64, NULL},
    {"a=1", "", 64, NULL},
};

static void test_cookie_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cookie_cases); i++) {
		const struct cookie_case *c = &cookie_cases[i];
		char out[64];
		bool ok;

		memset(out, 'X', sizeof(out));
		ok = cookie_get(c->header, c->name, out, c->outlen);
		if (ok != (c->want != NULL))
			fail_msg("case %zu \"%s\" / %s: got %d", i, c->header, c->name, ok);
		if (ok)
			assert_string_equal(out, c->want);
	}
	assert_false(cookie_get(NULL, "a", (char[8]){0}, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form_table),    cmocka_unit_test(test_form_length),
	    cmocka_unit_test(test_form_too_many), cmocka_unit_test(test_form_strerror),
	    cmocka_unit_test(test_cookie_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
