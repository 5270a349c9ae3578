/* crypto — see include/crypto.h.  The only file that includes <sodium.h>. */
#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(CRYPTO_BLAKE2B_MIN == crypto_generichash_BYTES_MIN, "BLAKE2b's shortest output");
_Static_assert(CRYPTO_BLAKE2B_MAX == crypto_generichash_BYTES_MAX, "BLAKE2b's longest output");
_Static_assert(CRYPTO_BLAKE2B_KEYBYTES == crypto_generichash_KEYBYTES, "BLAKE2b's key");
_Static_assert(CRYPTO_MAC_BYTES == crypto_auth_hmacsha256_BYTES, "HMAC-SHA-256's output");
_Static_assert(CRYPTO_MAC_KEYBYTES == crypto_auth_hmacsha256_KEYBYTES, "HMAC-SHA-256's key");
_Static_assert(CRYPTO_SEAL_KEYBYTES == crypto_secretbox_KEYBYTES, "the sealing key");
_Static_assert(CRYPTO_SEAL_OVERHEAD == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
               "a sealed text's nonce and tag");

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

void crypto_seal(unsigned char *out, const void *text, size_t n,
                 const unsigned char key[CRYPTO_SEAL_KEYBYTES])
{
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	if (crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, text, n, out, key) != 0)
		abort();
}

bool crypto_unseal(unsigned char *out, const unsigned char *in, size_t n,
                   const unsigned char key[CRYPTO_SEAL_KEYBYTES])
{
	if (n < CRYPTO_SEAL_OVERHEAD)
		return false;
	if (crypto_secretbox_open_easy(out, in + crypto_secretbox_NONCEBYTES,
	                               n - crypto_secretbox_NONCEBYTES, in, key) != 0) {
		sodium_memzero(out, n - CRYPTO_SEAL_OVERHEAD);
		return false;
	}
	return true;
}

/* A new key into a new file at path (0600, never over an existing one). */
static bool key_create(const char *path, unsigned char key[CRYPTO_SEAL_KEYBYTES], char *msg,
                       size_t msglen)
{
	char hex[2 * CRYPTO_SEAL_KEYBYTES + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(msg, msglen, "%s: cannot create the key file: %s", path, strerror(errno));
		return false;
	}
	crypto_secretbox_keygen(key);
	sodium_bin2hex(hex, sizeof hex, key, CRYPTO_SEAL_KEYBYTES);
	strcat(hex, "\n");
	bool ok = write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0;
	int err = errno;
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		unlink(path);
		snprintf(msg, msglen, "%s: cannot write the key file: %s", path, strerror(err));
	}
	return ok;
}

bool crypto_key_file(const char *path, bool create, unsigned char key[CRYPTO_SEAL_KEYBYTES],
                     char *msg, size_t msglen)
{
	char hex[2 * CRYPTO_SEAL_KEYBYTES + 4];
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT && create)
			return key_create(path, key, msg, msglen);
		snprintf(msg, msglen, "%s: cannot read the key file: %s", path, strerror(errno));
		return false;
	}
	size_t n = fread(hex, 1, sizeof hex - 1, f);
	fclose(f);
	hex[n] = '\0';
	while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
		hex[--n] = '\0';
	size_t got = 0;
	bool ok = n == 2 * CRYPTO_SEAL_KEYBYTES &&
	          sodium_hex2bin(key, CRYPTO_SEAL_KEYBYTES, hex, n, NULL, &got, NULL) == 0 &&
	          got == CRYPTO_SEAL_KEYBYTES;
	sodium_memzero(hex, sizeof hex);
	if (!ok) {
		sodium_memzero(key, CRYPTO_SEAL_KEYBYTES);
		snprintf(msg, msglen, "%s: not a key (64 hexadecimal digits expected)", path);
	}
	return ok;
}
