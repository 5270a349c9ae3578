/* Invitation tokens: length, alphabet, a first character that is a letter
 * or a digit, and no sign of a narrowed draw. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "invite.h"
#include "manyi_init.h"

#define MANY 200000

static void first_character_is_alphanumeric(void **state)
{
	(void)state;
	char t[INVITE_TOKEN_LEN];
	bool first_seen[256] = {false}, rest_seen[256] = {false};
	for (int k = 0; k < MANY; k++) {
		invite_token_new(t);
		assert_int_equal(strlen(t), INVITE_TOKEN_LEN - 1);
		/* Never '-', '=', '+', '@' (a spreadsheet formula, a command-line option). */
		assert_true(isalnum((unsigned char)t[0]));
		first_seen[(unsigned char)t[0]] = true;
		for (size_t i = 1; i < INVITE_TOKEN_LEN - 1; i++) {
			unsigned char c = (unsigned char)t[i];
			assert_true(isalnum(c) || c == '-' || c == '_');
			rest_seen[c] = true;
		}
	}
	/* Every one of the 62 first characters comes up, and all 64 after it:
	 * the draw is not narrowed beyond the first character's rule. */
	int nfirst = 0, nrest = 0;
	for (int c = 0; c < 256; c++) {
		nfirst += first_seen[c];
		nrest += rest_seen[c];
	}
	assert_int_equal(nfirst, 62);
	assert_int_equal(nrest, 64);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void tokens_differ(void **state)
{
	(void)state;
	enum { N = 20000 };
	char(*t)[INVITE_TOKEN_LEN] = calloc(N, sizeof *t);
	assert_non_null(t);
	for (int k = 0; k < N; k++)
		invite_token_new(t[k]);
	qsort(t, N, sizeof *t, cmp);
	for (int k = 1; k < N; k++)
		assert_true(strcmp(t[k - 1], t[k]) != 0);
	free(t);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_character_is_alphanumeric),
		cmocka_unit_test(tokens_differ),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
