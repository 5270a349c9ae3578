/*
 * libFuzzer shim for auth_parse(): the bytes as an Authorization header
 * value.  Checks what it promises: a key found is "mk_" + 12 + "_" + 43
 * base64url characters inside the header, after "Bearer " in any case and
 * spaces, its id the 12 after "mk_"; the key sent again as "Bearer KEY"
 * parses to the same id; nothing else is AUTH_OK.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool b64url(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = xstrndup((const char *)data, size);
	const char *key = NULL;
	char id[AUTH_ID_LEN], again_id[AUTH_ID_LEN];
	enum auth_result r = auth_parse(h, &key, id);

	if (r != AUTH_OK && r != AUTH_MISSING && r != AUTH_MALFORMED)
		abort();
	if ((r == AUTH_MISSING) != (*h == '\0'))
		abort();
	if (r == AUTH_OK) {
		size_t hl = strlen(h);
		if (key < h + 7 || key > h + hl || strncasecmp(h, "Bearer ", 7) != 0)
			abort();
		for (const char *p = h + 7; p < key; p++)
			if (*p != ' ')
				abort();
		if (strlen(key) != 59 || strncmp(key, "mk_", 3) != 0 || key[15] != '_' ||
		    !b64url(key + 3, 12) || !b64url(key + 16, 43))
			abort();
		if (strlen(id) != 12 || memcmp(id, key + 3, 12) != 0)
			abort();
		char *again = xasprintf("bearer %s", key);
		const char *k2;
		if (auth_parse(again, &k2, again_id) != AUTH_OK || strcmp(again_id, id) != 0 ||
		    strcmp(k2, key) != 0)
			abort();
		free(again);
	}
	free(h);
	return 0;
}
