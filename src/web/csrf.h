/*
 * csrf — tokens that tie a form post to a form page this server rendered.
 *
 * A token is base64url(issued_at[8] || nonce[16] || mac[32]) where issued_at
 * is big-endian seconds and mac is HMAC-SHA-256 (crypto_mac) under the
 * server secret over "manyi-csrf" NUL || survey id NUL || issued_at || nonce.  The page sets it in
 * a hidden field and in a SameSite=Lax, HttpOnly cookie; a post must carry
 * the same valid, unexpired token in both (signed double submit), so another
 * site can neither read nor forge it.
 */
#ifndef MANYI_CSRF_H
#define MANYI_CSRF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define CSRF_TOKEN_LEN 76          /* base64url of 56 bytes, plus NUL */
#define CSRF_MAX_AGE (24 * 3600)   /* seconds a form stays valid */
#define CSRF_COOKIE "manyi_csrf"

/* Make a token for survey (borrowed) at time now into out (capacity
 * outlen >= CSRF_TOKEN_LEN). */
void csrf_make(const unsigned char key[32], const char *survey, time_t now,
               char *out, size_t outlen);

enum csrf_result {
	CSRF_VALID,
	CSRF_MISSING,   /* no token in the form or no cookie */
	CSRF_MISMATCH,  /* form and cookie differ, or the signature is wrong */
	CSRF_EXPIRED,   /* older than max_age, or more than 300 s in the future */
	CSRF__MAX
};

/* Check a posted token against the cookie's for survey, both borrowed;
 * either may be NULL or "" (CSRF_MISSING).  max_age is in seconds
 * (CSRF_MAX_AGE for the form). */
enum csrf_result csrf_check(const unsigned char key[32], const char *survey,
                            const char *form_token, const char *cookie_token,
                            time_t now, long max_age);

#endif
