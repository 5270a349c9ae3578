/*
 * session — people who sign in: users (`manyi user`) with a password, and
 * the sessions a sign-in opens (the browser's cookie).
 *
 * A user has a name, a role and (agency role) an agency, exactly as a key
 * does (auth.h): an agency user sees what an agency key sees.  A reviewer
 * (role reviewer, no key has it) is tied to a panel member's code
 * (`manyi user add NAME --role reviewer --reviewer CODE`, given as user_add()'s
 * agency argument) and sees only their own review queue.  The password
 * is kept as an Argon2id hash string (crypto_password_hash(), libsodium's
 * crypto_pwhash_str with its interactive limits).
 *
 * A session is opened by a good key or a good username and password.  Its
 * token, 32 random bytes in base64url (SESSION_TOKEN_CHARS characters),
 * travels in the cookie SESSION_COOKIE and is never stored: the database
 * holds its BLAKE2b-256 hash with the role, agency, user or key, and when
 * it was opened and ends (SESSION_TTL later), so sessions outlive a restart
 * and are the same for every worker.  Its CSRF token is derived, not
 * stored: base64url(HMAC-SHA-256 under the server secret of "manyi-session"
 * NUL and the token's hash).  A session ends at sign-out (deleted), at its
 * expiry (removed by the next sign-in), when its user is removed or its
 * key revoked.
 */
#ifndef MANYI_SESSION_H
#define MANYI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "auth.h"
#include "store.h"

#define SESSION_COOKIE "manyi_session"
#define SESSION_TTL (8 * 3600)       /* seconds a session lasts */
#define SESSION_TOKEN_CHARS 43       /* base64url of 32 bytes */
#define SESSION_TOKEN_LEN 44         /* with the NUL */
#define SESSION_CSRF_LEN 44          /* base64url of 32 bytes, with the NUL */

#define USER_NAME_MAX 64             /* bytes of a user's name */
#define USER_PASSWORD_MIN 10         /* characters of a password, at least */
#define USER_PASSWORD_MAX 1024       /* bytes of a password, at most */

/* Is name a user name: [a-z0-9][a-z0-9._-]{0,63}?  Pure. */
bool user_name_valid(const char *name);

enum user_pw {
	USER_PW_OK,
	USER_PW_SHORT,     /* fewer than USER_PASSWORD_MIN characters */
	USER_PW_LONG,      /* more than USER_PASSWORD_MAX bytes */
	USER_PW_BAD_TEXT,  /* not UTF-8, or holds a control character */
	USER_PW__MAX
};
/* Can pw (n bytes) be a password?  Pure. */
enum user_pw user_password_ok(const char *pw, size_t n);
/* What is wrong with a password, in words ("" for USER_PW_OK). */
const char *user_pw_strerror(enum user_pw e);

/*
 * Add user name with password pw (n bytes, checked by user_password_ok()
 * first: the caller says what is wrong), role r and, for ROLE_AGENCY, agency
 * (borrowed; NULL for evaluators; for ROLE_REVIEWER the reviewer's code), and its audit line ("user add"), in the
 * open transaction if there is one.  STORE_ERR_CONSTRAINT when the name is
 * taken; STORE_ERR_SQL when the hash could not be made (no memory).
 */
enum store_err user_add(struct store *s, const char *name, const char *pw, size_t n, enum role r,
                        const char *agency);

/*
 * Check a username and password (n bytes): AUTH_OK with *p filled (role,
 * agency, user; no key); AUTH_UNKNOWN for an unknown user or a wrong
 * password, which take the same time (an unknown name is checked against a
 * made-up hash); AUTH_BUSY or AUTH_FAILED when the database could not say.
 */
enum auth_result user_check(struct store *s, const char *name, const char *pw, size_t n,
                            struct principal *p);

/*
 * Open a session for p (a key's or a user's, as auth_check() or
 * user_check() filled it) at now: removes the expired ones, stores the new
 * one and its audit line ("session open"), in one transaction of its own
 * (none may be open).  The token goes to token, never stored; p's
 * session_expires is set.
 */
enum store_err session_open(struct store *s, struct principal *p, time_t now,
                            char token[SESSION_TOKEN_LEN]);

/* Is token (borrowed, may be NULL) shaped as a session token?  Pure. */
bool session_token_valid(const char *token);

/*
 * The session of token at now: AUTH_OK with *p filled (role, agency, user
 * or key id, session_expires); AUTH_MISSING for NULL or ""; AUTH_MALFORMED
 * when it is not a token's shape; AUTH_UNKNOWN when there is no live
 * session by it; AUTH_BUSY or AUTH_FAILED when the database could not say.
 */
enum auth_result session_check(struct store *s, const char *token, time_t now,
                               struct principal *p);

/* End the session of token (its audit line "session close" when p is not
 * NULL), in one transaction of its own. */
enum store_err session_close(struct store *s, const char *token, const struct principal *p);

/* The CSRF token of the session of token, under the server's secret. */
void session_csrf(const unsigned char secret[32], const char *token, char out[SESSION_CSRF_LEN]);
/* Is given (borrowed, may be NULL) the CSRF token of the session of token?
 * Compared in constant time. */
bool session_csrf_ok(const unsigned char secret[32], const char *token, const char *given);

#define SESSION_NEXT_DEFAULT "/dashboard/" /* where a sign-in goes without next= */
#define SESSION_NEXT_REVIEW "/review"        /* where a reviewer's sign-in goes without next= */
#define SESSION_NEXT_MAX 512                 /* bytes of a next= path */

/*
 * Is s (a decoded next= value) a place to go after signing in: a path on
 * this site under /dashboard/ (or /review, /review/..., /review?...), at most SESSION_NEXT_MAX bytes of URL
 * characters (letters, digits, -._~/?=&%+,:@!$*()#), without "//" or
 * "/.."?  Anything else (another site, a scheme, a backslash, markup, a
 * line end) is ignored for the default.  Pure (fuzzed: tests/fuzz/fuzz_signin.c).
 */
bool session_next_ok(const char *s);

/* The audit actor of p: its key id, or "user:NAME" (capacity n). */
void session_actor(const struct principal *p, char *out, size_t n);

#endif
