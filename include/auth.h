/*
 * auth — API keys and the roles they carry.
 *
 * A key reads "mk_" ID "_" SECRET: ID is 12 base64url characters naming the
 * key, SECRET 43 base64url characters (32 random bytes).  Only ID and the
 * BLAKE2b-256 hash of the whole key are stored; a presented key is looked up
 * by ID and its hash compared in constant time.  Keys are printed once, at
 * creation, and can be revoked.
 */
#ifndef MANYI_AUTH_H
#define MANYI_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

#define AUTH_KEY_LEN 64     /* "mk_" + 12 + "_" + 43 + NUL, rounded */

/*
 * A key is an evaluator's or an agency's.  A reviewer (a member of the
 * case-review panel, ROLE_REVIEWER) is a person only, never a key: their
 * session reaches the review pages (/review) and nothing keyed
 * (app_check_key refuses it).
 */
enum role { ROLE_EVALUATOR, ROLE_AGENCY, ROLE_REVIEWER, ROLE__MAX };

const char *role_name(enum role r);
/* The role named s ("evaluator", "agency", "reviewer") into *r; false for anything else. */
bool role_parse(const char *s, enum role *r);

/* Who made a request. */
struct principal {
	enum role role;
	char key_id[16];   /* the key's id; for a user's session "" */
	char agency[65];   /* the agency of an agency key, else "" */
	char user[65];     /* the user's name (session.h) when a user signed in, else "" */
	char reviewer[65]; /* ROLE_REVIEWER: the reviewer's code (manyi reviewer add), else "" */
	long long session_expires; /* a session's end (seconds since 1970), 0 for a Bearer key */
};

/*
 * Create a key and its audit line ("key create"), in the open transaction
 * if there is one (without one they are two separate writes).  The key is
 * written to key (capacity AUTH_KEY_LEN) and never stored; its ID to id
 * (capacity 16, AUTH_ID_LEN used).  agency (borrowed) is required for
 * ROLE_AGENCY and must be NULL for evaluators.
 */
enum store_err auth_key_create(struct store *s, enum role r, const char *agency,
                               char key[AUTH_KEY_LEN], char id[16]);

enum auth_result {
	AUTH_OK,
	AUTH_MISSING,     /* no Authorization header */
	AUTH_MALFORMED,   /* not "Bearer mk_..." */
	AUTH_UNKNOWN,     /* no such key, or the secret does not match */
	AUTH_REVOKED,
	AUTH_BUSY,        /* the database is busy: the key could not be checked (503) */
	AUTH_FAILED,      /* the database failed: the key could not be checked (500) */
	AUTH__MAX
};

#define AUTH_ID_LEN 13      /* 12 characters and NUL */

/*
 * The key of an Authorization header value ("Bearer mk_ID_SECRET", the
 * scheme in any case, spaces before the key): AUTH_OK with *key pointing at
 * the key inside header (borrowed) and its ID in id; AUTH_MISSING for NULL
 * or "", AUTH_MALFORMED for anything else.  Pure (no database), so it is
 * fuzzed (tests/fuzz/fuzz_auth.c).
 */
enum auth_result auth_parse(const char *header, const char **key, char id[AUTH_ID_LEN]);

/* Check an Authorization header value (auth_parse(), then the key's record);
 * on AUTH_OK fills *p. */
enum auth_result auth_check(struct store *s, const char *header, struct principal *p);

#endif
