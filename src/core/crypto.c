/* crypto — see include/crypto.h.  The only file that includes <sodium.h>. */
#include "crypto.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(CRYPTO_BLAKE2B_MIN == crypto_generichash_BYTES_MIN, "BLAKE2b's shortest output");
_Static_assert(CRYPTO_BLAKE2B_MAX == crypto_generichash_BYTES_MAX, "BLAKE2b's longest output");
_Static_assert(CRYPTO_BLAKE2B_KEYBYTES == crypto_generichash_KEYBYTES, "BLAKE2b's key");
_Static_assert(CRYPTO_MAC_BYTES == crypto_auth_hmacsha256_BYTES, "HMAC-SHA-256's output");
_Static_assert(CRYPTO_MAC_KEYBYTES == crypto_auth_hmacsha256_KEYBYTES, "HMAC-SHA-256's key");

bool crypto_init(void)
{
	return sodium_init() >= 0;
}

void crypto_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

uint32_t crypto_random_below(uint32_t upper)
{
	return randombytes_uniform(upper);
}

/* Encode into out; sodium aborts (sodium_misuse) when cap is too small. */
static void b64url_into(char *out, size_t cap, const void *p, size_t n)
{
	if (cap < CRYPTO_B64URL_LEN(n))
		abort();
	sodium_bin2base64(out, cap, p, n, B64);
}

void crypto_random_id(char *out, size_t cap, size_t nbytes)
{
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		abort();
	randombytes_buf(raw, nbytes);
	b64url_into(out, cap, raw, nbytes);
	sodium_memzero(raw, nbytes);
}

char *crypto_b64url_encode(const void *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, B64);
	char *s = xmalloc(cap);
	b64url_into(s, cap, p, n);
	return s;
}

long crypto_b64url_decode(const char *s, unsigned char *out, size_t cap)
{
	size_t len;
	if (sodium_base642bin(out, cap, s, strlen(s), NULL, &len, NULL, B64) != 0)
		return -1;
	return (long)len;
}

void crypto_blake2b(void *out, size_t outlen, const void *data, size_t n)
{
	const struct crypto_part part = {data, n};
	crypto_blake2b_parts(out, outlen, NULL, 0, &part, 1);
}

void crypto_sha256(unsigned char out[CRYPTO_SHA256_BYTES], const void *data, size_t n)
{
	crypto_hash_sha256(out, data, n);
}

void crypto_blake2b_parts(void *out, size_t outlen, const void *key, size_t keylen,
                       const struct crypto_part *parts, size_t nparts)
{
	crypto_generichash_state st;
	if (outlen < CRYPTO_BLAKE2B_MIN || outlen > CRYPTO_BLAKE2B_MAX ||
	    (key != NULL && (keylen < crypto_generichash_KEYBYTES_MIN ||
	                     keylen > crypto_generichash_KEYBYTES_MAX)))
		abort();
	crypto_generichash_init(&st, key, key != NULL ? keylen : 0, outlen);
	for (size_t i = 0; i < nparts; i++)
		crypto_generichash_update(&st, parts[i].data, parts[i].len);
	crypto_generichash_final(&st, out, outlen);
	sodium_memzero(&st, sizeof st);
}

void crypto_mac(unsigned char out[CRYPTO_MAC_BYTES], const unsigned char key[CRYPTO_MAC_KEYBYTES],
                const struct crypto_part *parts, size_t nparts)
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, CRYPTO_MAC_KEYBYTES);
	for (size_t i = 0; i < nparts; i++)
		crypto_auth_hmacsha256_update(&st, parts[i].data, parts[i].len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

_Static_assert(CRYPTO_PASSWORD_HASH_LEN == crypto_pwhash_STRBYTES, "a password hash string");

bool crypto_password_hash(char out[CRYPTO_PASSWORD_HASH_LEN], const char *pw, size_t n)
{
	return crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

bool crypto_password_check(const char *hash, const char *pw, size_t n)
{
	return crypto_pwhash_str_verify(hash, pw, n) == 0;
}

bool crypto_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void crypto_memzero(void *p, size_t n)
{
	sodium_memzero(p, n);
}
