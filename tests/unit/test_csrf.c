/* CSRF tokens: made and checked; every way a token can be wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "csrf.h"
#include "manyi_init.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
static const unsigned char other[32] = "fedcba9876543210fedcba9876543210";

static void valid_token(void **state)
{
	(void)state;
	char t[CSRF_TOKEN_LEN];
	csrf_make(key, "enforcement-enterprise", 1000000, t, sizeof t);
	assert_true(strlen(t) > 40);
	assert_int_equal(csrf_check(key, "enforcement-enterprise", t, t, 1000000, CSRF_MAX_AGE), CSRF_VALID);
	assert_int_equal(csrf_check(key, "enforcement-enterprise", t, t, 1000000 + CSRF_MAX_AGE, CSRF_MAX_AGE),
	                 CSRF_VALID);
}

static void tokens_differ(void **state)
{
	(void)state;
	char a[CSRF_TOKEN_LEN], b[CSRF_TOKEN_LEN];
	csrf_make(key, "s", 1000, a, sizeof a);
	csrf_make(key, "s", 1000, b, sizeof b);
	assert_string_not_equal(a, b);
}

static void wrong_tokens(void **state)
{
	(void)state;
	char t[CSRF_TOKEN_LEN], u[CSRF_TOKEN_LEN], bad[CSRF_TOKEN_LEN];
	time_t now = 1700000000;
	csrf_make(key, "s", now, t, sizeof t);
	csrf_make(key, "s", now, u, sizeof u);
	memcpy(bad, t, sizeof t);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';

	assert_int_equal(csrf_check(key, "s", NULL, t, now, CSRF_MAX_AGE), CSRF_MISSING);
	assert_int_equal(csrf_check(key, "s", t, NULL, now, CSRF_MAX_AGE), CSRF_MISSING);
	assert_int_equal(csrf_check(key, "s", "", "", now, CSRF_MAX_AGE), CSRF_MISSING);
	assert_int_equal(csrf_check(key, "s", t, u, now, CSRF_MAX_AGE), CSRF_MISMATCH);
	assert_int_equal(csrf_check(key, "s", bad, bad, now, CSRF_MAX_AGE), CSRF_MISMATCH);
	assert_int_equal(csrf_check(other, "s", t, t, now, CSRF_MAX_AGE), CSRF_MISMATCH);
	assert_int_equal(csrf_check(key, "other-survey", t, t, now, CSRF_MAX_AGE), CSRF_MISMATCH);
	assert_int_equal(csrf_check(key, "s", "junk!", "junk!", now, CSRF_MAX_AGE), CSRF_MISMATCH);
	assert_int_equal(csrf_check(key, "s", t, t, now + CSRF_MAX_AGE + 1, CSRF_MAX_AGE), CSRF_EXPIRED);
	assert_int_equal(csrf_check(key, "s", t, t, now - 3600, CSRF_MAX_AGE), CSRF_EXPIRED);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_token),
		cmocka_unit_test(tokens_differ),
		cmocka_unit_test(wrong_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
