/*
 * libFuzzer shim for the pure checks of sign-in (session.h): the bytes as a
 * next= path, a user name, a session token and a password.  Checks what
 * they promise: a next accepted starts with /dashboard/ (or is /review,
 * /review/... or /review?...) and holds no "//",
 * "/..", quote, angle bracket, backslash, space or control character; a
 * name accepted is [a-z0-9][a-z0-9._-]{0,63}; a token accepted is 43
 * base64url characters; a password accepted is 10+ characters of UTF-8
 * without controls, at most 1024 bytes.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	size_t n = strlen(s);

	if (session_next_ok(s)) {
		bool review = strncmp(s, "/review", 7) == 0 && (s[7] == '\0' || s[7] == '/' || s[7] == '?');
		if ((strncmp(s, "/dashboard/", 11) != 0 && !review) || n > SESSION_NEXT_MAX ||
		    strstr(s, "//") != NULL ||
		    strstr(s, "/..") != NULL || strpbrk(s, "\"'<>\\ \r\n\t") != NULL)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
				abort();
	}
	if (user_name_valid(s)) {
		if (n == 0 || n > USER_NAME_MAX || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
			abort();
		for (size_t i = 0; i < n; i++)
			if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && !strchr("._-", s[i]))
				abort();
	}
	if (session_token_valid(s)) {
		if (n != SESSION_TOKEN_CHARS)
			abort();
		for (size_t i = 0; i < n; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
				abort();
	}
	enum user_pw pw = user_password_ok((const char *)data, size);
	if (pw == USER_PW_OK &&
	    (size > USER_PASSWORD_MAX || !utf8_valid((const char *)data, size) ||
	     utf8_length((const char *)data, size) < USER_PASSWORD_MIN ||
	     memchr(data, '\n', size) != NULL || memchr(data, '\0', size) != NULL))
		abort();
	/* Every refusal says why in words; only a good password has nothing to say. */
	if (pw >= USER_PW__MAX || (*user_pw_strerror(pw) == '\0') != (pw == USER_PW_OK))
		abort();
	free(s);
	return 0;
}
