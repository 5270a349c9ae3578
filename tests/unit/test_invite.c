/* Invitation tokens: length, alphabet, a first character that is a letter
 * or a digit, and no sign of a narrowed draw; the links made of them
 * (invite_url), the base URLs taken (invite_base_url_valid) and those only
 * this machine can open (invite_url_is_loopback). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invite.h"
#include "manyi_init.h"
#include "util.h"

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

static void links(void **state)
{
	(void)state;
	static const struct {
		const char *base, *survey, *token, *want;
	} t[] = {
		{"https://manyi.example.gov.cn", "enforcement-public", "AbC", "https://manyi.example.gov.cn/s/enforcement-public?t=AbC"},
		{"https://manyi.example.gov.cn/", "s", "T", "https://manyi.example.gov.cn/s/s?t=T"},
		{"https://x.example///", "s", "T", "https://x.example/s/s?t=T"},
		{"https://x.example/survey", "s", "T", "https://x.example/survey/s/s?t=T"},
		{"http://127.0.0.1:8080", "s", "T", "http://127.0.0.1:8080/s/s?t=T"},
		{"", "s", "T", "/s/s?t=T"},
		{"/", "s", "T", "/s/s?t=T"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char out[256];
		invite_url(t[i].base, t[i].survey, t[i].token, out, sizeof out);
		assert_string_equal(out, t[i].want);
	}
	/* A buffer too small is cut, never overrun. */
	char small[12];
	memset(small, 'x', sizeof small);
	invite_url("https://manyi.example.gov.cn", "s", "T", small, 10);
	assert_int_equal(strlen(small), 9);
	assert_int_equal(small[10], 'x');
	/* A fresh token makes a link with nothing to escape. */
	char tok[INVITE_TOKEN_LEN], url[256];
	invite_token_new(tok);
	invite_url("https://a.example", "enforcement-public", tok, url, sizeof url);
	assert_int_equal(strlen(url), strlen("https://a.example/s/enforcement-public?t=") + 22);
	assert_int_equal(strcspn(url + 41, "%&#?+ /="), 22);
}

static void base_urls(void **state)
{
	(void)state;
	char long_url[600];
	memset(long_url, 'a', sizeof long_url);
	memcpy(long_url, "https://", 8);
	long_url[sizeof long_url - 1] = '\0';
	static const struct {
		const char *url;
		bool valid, loopback;
	} t[] = {
		{"https://manyi.example.gov.cn", true, false},
		{"https://manyi.example.gov.cn/", true, false},
		{"https://manyi.example.gov.cn/survey", true, false},
		{"http://10.0.0.5:8080", true, false},
		{"https://[2001:db8::1]:8443", true, false},
		{"http://127.0.0.1:8080", true, true},
		{"http://127.1.2.3", true, true},
		{"http://localhost:8080", true, true},
		{"http://LOCALHOST", true, true},
		{"http://[::1]:8080", true, true},
		{"http://0.0.0.0:8080", true, true},
		{"http://localhost.example.com", true, false},
		{"http://1270.0.0.1", true, false},
		{"http://127example.com", true, false},
		{"ftp://manyi.example.gov.cn", false, false},
		{"manyi.example.gov.cn", false, false},
		{"https://", false, false},
		{"https:///path", false, false},
		{"HTTPS://manyi.example.gov.cn", false, false},
		{"https://manyi.example.gov.cn/?x=1", false, false},
		{"https://manyi.example.gov.cn/#top", false, false},
		{"https://manyi example.gov.cn", false, false},
		{"https://manyi.example.gov.cn\r\nX: y", false, false},
		{"https://manyi.example.gov.cn/\"><script>", false, false},
		{"https://manyi.example.gov.cn\\x", false, false},
		{"https://manyi.example.gov.cn/\x7f", false, false},
		{"", false, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (invite_base_url_valid(t[i].url) != t[i].valid)
			fail_msg("invite_base_url_valid(\"%s\")", t[i].url);
		if (t[i].valid && invite_url_is_loopback(t[i].url) != t[i].loopback)
			fail_msg("invite_url_is_loopback(\"%s\")", t[i].url);
	}
	assert_false(invite_base_url_valid(long_url));
	/* The environment overrides; empty is unset; the default is loopback. */
	unsetenv("MANYI_BASE_URL");
	assert_true(invite_url_is_loopback(invite_base_url()));
	setenv("MANYI_BASE_URL", "https://manyi.example.gov.cn", 1);
	assert_string_equal(invite_base_url(), "https://manyi.example.gov.cn");
	setenv("MANYI_BASE_URL", "", 1);
	assert_true(invite_url_is_loopback(invite_base_url()));
	unsetenv("MANYI_BASE_URL");
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_character_is_alphanumeric),
		cmocka_unit_test(tokens_differ),
		cmocka_unit_test(links),
		cmocka_unit_test(base_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
