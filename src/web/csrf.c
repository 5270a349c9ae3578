/* csrf — see csrf.h. */
#include "csrf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "util.h"

#define RAW_LEN (8 + 16 + CRYPTO_MAC_BYTES)

/* The MAC over the domain tag, the survey id, the time and the nonce. */
static void csrf_mac(const unsigned char key[32], const char *survey,
                     const unsigned char *ts_nonce, unsigned char *mac)
{
	const struct crypto_part parts[] = {
		{"manyi-csrf", 11}, {survey, strlen(survey) + 1}, {ts_nonce, 24},
	};
	crypto_mac(mac, key, parts, ARRAY_SIZE(parts));
}

void csrf_make(const unsigned char key[32], const char *survey, time_t now,
               char *out, size_t outlen)
{
	unsigned char raw[RAW_LEN];
	uint64_t t = (uint64_t)now;
	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)(t >> (56 - 8 * i));
	crypto_random(raw + 8, 16);
	csrf_mac(key, survey, raw, raw + 24);
	char *s = crypto_b64url_encode(raw, sizeof raw);
	snprintf(out, outlen, "%s", s);
	free(s);
}

enum csrf_result csrf_check(const unsigned char key[32], const char *survey,
                            const char *form_token, const char *cookie_token,
                            time_t now, long max_age)
{
	unsigned char raw[RAW_LEN + 4];
	unsigned char mac[CRYPTO_MAC_BYTES];

	if (form_token == NULL || cookie_token == NULL || *form_token == '\0' ||
	    *cookie_token == '\0')
		return CSRF_MISSING;
	size_t n = strlen(form_token);
	if (n != strlen(cookie_token) || !crypto_equal(form_token, cookie_token, n))
		return CSRF_MISMATCH;
	if (n >= CSRF_TOKEN_LEN || crypto_b64url_decode(form_token, raw, sizeof raw) != RAW_LEN)
		return CSRF_MISMATCH;
	csrf_mac(key, survey, raw, mac);
	if (!crypto_equal(mac, raw + 24, sizeof mac))
		return CSRF_MISMATCH;
	uint64_t t = 0;
	for (int i = 0; i < 8; i++)
		t = (t << 8) | raw[i];
	if ((int64_t)t > (int64_t)now + 300 || (int64_t)now - (int64_t)t > max_age)
		return CSRF_EXPIRED;
	return CSRF_VALID;
}
