/*
 * crypto — every use of libsodium, named by what it is for: random bytes and
 * random ids, BLAKE2b hashes (of tokens, keys, bodies; keyed for the
 * throttle), HMAC-SHA-256 (the CSRF tokens), password hashes (Argon2id, for
 * people who sign in), constant-time comparison,
 * wiping secrets, and base64url.  src/core/crypto.c is the one file that
 * includes <sodium.h> (tests/integration/test_layers.sh holds it to that).
 *
 * crypto_init() must have returned true before any other function here is
 * called (manyi_init() does it for the programs).  After that every function
 * is thread-safe and none can fail: a misuse (an output or key length out
 * of range, a buffer too small) is a bug and aborts the process.
 *
 * libsodium names its functions crypto_PRIMITIVE; the names here are kept
 * apart from those (no crypto_hash, crypto_auth, ...), which crypto.c, seeing
 * both, checks at compile time.
 */
#ifndef MANYI_CRYPTO_H
#define MANYI_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Start libsodium; idempotent.  False when it cannot (no random source). */
bool crypto_init(void);

/* n unpredictable bytes into buf. */
void crypto_random(void *buf, size_t n);
/* A uniform random number in 0 .. upper-1 (upper >= 1). */
uint32_t crypto_random_below(uint32_t upper);

/* Characters (with the NUL) that base64url without padding needs for n bytes. */
#define CRYPTO_B64URL_LEN(n) (((n) * 4 + 2) / 3 + 1)

/*
 * A fresh random id: nbytes (at most 64) random bytes, base64url without
 * padding, into out (capacity cap >= CRYPTO_B64URL_LEN(nbytes)).  Used for public ids,
 * nonces and the secrets of keys (wipe those with crypto_memzero()).
 */
void crypto_random_id(char *out, size_t cap, size_t nbytes);

/* Base64url without padding of the n bytes at p.  Caller frees. */
char *crypto_b64url_encode(const void *p, size_t n);
/* Decode base64url text s into out (capacity cap); the decoded length, or
 * -1 when s is not base64url without padding or does not fit. */
long crypto_b64url_decode(const char *s, unsigned char *out, size_t cap);

/* One piece of the input of a hash or MAC, borrowed for the call. */
struct crypto_part {
	const void *data;
	size_t len;
};

#define CRYPTO_BLAKE2B_MIN 16      /* BLAKE2b output lengths allowed, bytes */
#define CRYPTO_BLAKE2B_MAX 64
#define CRYPTO_BLAKE2B_KEYBYTES 32 /* the key length to use for keyed hashes */

/* BLAKE2b of the n bytes at data, outlen (CRYPTO_BLAKE2B_MIN..MAX) bytes into out. */
void crypto_blake2b(void *out, size_t outlen, const void *data, size_t n);

/*
 * BLAKE2b of the concatenation of nparts parts, outlen (CRYPTO_BLAKE2B_MIN..
 * MAX) bytes into out; keyed with key (keylen 16..64, CRYPTO_BLAKE2B_KEYBYTES
 * is the usual) or unkeyed when key is NULL.  The same bytes as
 * crypto_blake2b() of the concatenation when unkeyed.  Callers separate parts
 * whose lengths vary (a domain tag first, a separator between fields).
 */
void crypto_blake2b_parts(void *out, size_t outlen, const void *key, size_t keylen,
                       const struct crypto_part *parts, size_t nparts);

/* SHA-256 of the n bytes at data into out (the efficacy report's stamp). */
#define CRYPTO_SHA256_BYTES 32
void crypto_sha256(unsigned char out[CRYPTO_SHA256_BYTES], const void *data, size_t n);

#define CRYPTO_MAC_BYTES 32
#define CRYPTO_MAC_KEYBYTES 32

/* HMAC-SHA-256 under key of the concatenation of nparts parts. */
void crypto_mac(unsigned char out[CRYPTO_MAC_BYTES], const unsigned char key[CRYPTO_MAC_KEYBYTES],
                const struct crypto_part *parts, size_t nparts);

/* Characters (with the NUL) of a password hash string (crypto_password_hash). */
#define CRYPTO_PASSWORD_HASH_LEN 128

/*
 * The Argon2id hash string of the n bytes of password at pw (libsodium's
 * crypto_pwhash_str, interactive limits: salt and parameters inside the
 * string) into out.  False only when the memory it needs cannot be had.
 */
bool crypto_password_hash(char out[CRYPTO_PASSWORD_HASH_LEN], const char *pw, size_t n);
/* Does password pw (n bytes) match hash, a string crypto_password_hash()
 * made?  False for a malformed hash too. */
bool crypto_password_check(const char *hash, const char *pw, size_t n);

/* True when the n bytes at a and b are equal, in time that depends on n only. */
bool crypto_equal(const void *a, const void *b, size_t n);

/* Overwrite n bytes at p with zeros, in a way the compiler keeps. */
void crypto_memzero(void *p, size_t n);

/*
 * Sealing personal data at rest (a call-back phone number, a complainant's
 * contact): XSalsa20-Poly1305 (crypto_secretbox) under a 32-byte key that
 * lives outside the database (crypto_key_file).  A sealed text is the
 * random nonce, then the ciphertext with its tag: n + CRYPTO_SEAL_OVERHEAD
 * bytes for n bytes of text.
 */
#define CRYPTO_SEAL_KEYBYTES 32
#define CRYPTO_SEAL_OVERHEAD (24 + 16)
void crypto_seal(unsigned char *out, const void *text, size_t n,
                 const unsigned char key[CRYPTO_SEAL_KEYBYTES]);
/* The n - CRYPTO_SEAL_OVERHEAD bytes of text into out; false when in is too
 * short, forged or sealed under another key (out is then zeroed). */
bool crypto_unseal(unsigned char *out, const unsigned char *in, size_t n,
                   const unsigned char key[CRYPTO_SEAL_KEYBYTES]);

/*
 * The sealing key from the file at path: 64 hex digits (and an optional
 * newline).  create: when there is no such file, make one with a new random
 * key, readable by its owner only (0600).  False with msg (what, where,
 * why) when the file cannot be read or made, or does not hold a key.
 */
bool crypto_key_file(const char *path, bool create, unsigned char key[CRYPTO_SEAL_KEYBYTES],
                     char *msg, size_t msglen);

#endif
