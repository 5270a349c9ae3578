/* session — see include/session.h. */
#include "session.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "util.h"

bool user_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > USER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

enum user_pw user_password_ok(const char *pw, size_t n)
{
	if (n > USER_PASSWORD_MAX)
		return USER_PW_LONG;
	if (!utf8_valid(pw, n) || utf8_has_controls(pw, n))
		return USER_PW_BAD_TEXT;
	for (size_t i = 0; i < n; i++) /* what a prompt or a password field cannot take */
		if (pw[i] == '\0' || pw[i] == '\t' || pw[i] == '\n' || pw[i] == '\r')
			return USER_PW_BAD_TEXT;
	if (utf8_length(pw, n) < USER_PASSWORD_MIN)
		return USER_PW_SHORT;
	return USER_PW_OK;
}

const char *user_pw_strerror(enum user_pw e)
{
	static const char *const why[USER_PW__MAX] = {
		[USER_PW_OK] = "",
		[USER_PW_SHORT] = "the password is too short: use at least 10 characters",
		[USER_PW_LONG] = "the password is too long: use at most 1024 bytes",
		[USER_PW_BAD_TEXT] = "the password holds a control character or is not UTF-8 text",
	};
	return e < USER_PW__MAX ? why[e] : "?";
}

bool session_next_ok(const char *s)
{
	size_t n = strlen(s), d = strlen(SESSION_NEXT_DEFAULT), rv = strlen(SESSION_NEXT_REVIEW);
	bool review = strncmp(s, SESSION_NEXT_REVIEW, rv) == 0 && (s[rv] == '\0' || s[rv] == '/' ||
	                                                         s[rv] == '?');
	if (n > SESSION_NEXT_MAX || (!review && (n < d || strncmp(s, SESSION_NEXT_DEFAULT, d) != 0)) ||
	    strstr(s, "//") != NULL || strstr(s, "/..") != NULL)
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && strchr("-._~/?=&%+,:@!$*()#", *c) == NULL)
			return false;
	return true;
}

/* The audit actor of p. */
void session_actor(const struct principal *p, char *out, size_t n)
{
	if (*p->user != '\0')
		snprintf(out, n, "user:%s", p->user);
	else
		snprintf(out, n, "%s", p->key_id);
}

enum store_err user_add(struct store *s, const char *name, const char *pw, size_t n, enum role r,
                        const char *agency)
{
	char hash[CRYPTO_PASSWORD_HASH_LEN];
	if (!crypto_password_hash(hash, pw, n))
		return STORE_ERR_SQL;
	enum store_err e = store_user_add(s, name, hash, role_name(r), agency);
	if (e == STORE_OK) {
		char detail[112];
		snprintf(detail, sizeof detail, "role=%s%s%s", role_name(r),
		         agency == NULL ? "" : r == ROLE_REVIEWER ? " reviewer=" : " agency=",
		         agency ? agency : "");
		e = store_audit(s, "cli", "user add", name, detail);
	}
	crypto_memzero(hash, sizeof hash);
	return e;
}

/* A hash no password is checked against but an unknown user's, made once. */
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;
static char decoy[CRYPTO_PASSWORD_HASH_LEN];

static void decoy_make(void)
{
	unsigned char pw[32];
	crypto_random(pw, sizeof pw);
	if (!crypto_password_hash(decoy, (const char *)pw, sizeof pw))
		decoy[0] = '\0';
}

enum auth_result user_check(struct store *s, const char *name, const char *pw, size_t n,
                            struct principal *p)
{
	struct user_rec u;
	enum store_err e = user_name_valid(name) ? store_user_get(s, name, &u) : STORE_ERR_NOTFOUND;
	if (e != STORE_OK && e != STORE_ERR_NOTFOUND)
		return e == STORE_ERR_BUSY ? AUTH_BUSY : AUTH_FAILED;
	if (e == STORE_ERR_NOTFOUND) {
		/* The same work as a user's, so timing does not tell names apart. */
		pthread_once(&decoy_once, decoy_make);
		volatile bool sink = crypto_password_check(decoy, pw, n);
		(void)sink;
		return AUTH_UNKNOWN;
	}
	bool good = crypto_password_check(u.hash, pw, n);
	crypto_memzero(u.hash, sizeof u.hash);
	if (!good)
		return AUTH_UNKNOWN;
	if (!role_parse(u.role, &p->role))
		return AUTH_UNKNOWN;
	p->key_id[0] = '\0';
	snprintf(p->agency, sizeof p->agency, "%s", u.agency);
	snprintf(p->reviewer, sizeof p->reviewer, "%s", u.reviewer);
	snprintf(p->user, sizeof p->user, "%s", name);
	p->session_expires = 0;
	return AUTH_OK;
}

/* The BLAKE2b-256 of a token, domain-separated: the name of its row. */
static void token_hash(const char *token, unsigned char hash[32])
{
	const struct crypto_part parts[] = {{"manyi-session", 14}, {token, strlen(token)}};
	crypto_blake2b_parts(hash, 32, NULL, 0, parts, ARRAY_SIZE(parts));
}

enum store_err session_open(struct store *s, struct principal *p, time_t now,
                            char token[SESSION_TOKEN_LEN])
{
	unsigned char hash[32];
	struct session_rec rec = {.created_at = (long long)now,
	                          .expires_at = (long long)now + SESSION_TTL};
	char actor[80];
	crypto_random_id(token, SESSION_TOKEN_LEN, 32);
	token_hash(token, hash);
	snprintf(rec.role, sizeof rec.role, "%s", role_name(p->role));
	snprintf(rec.agency, sizeof rec.agency, "%s", p->agency);
	snprintf(rec.user, sizeof rec.user, "%s", p->user);
	snprintf(rec.reviewer, sizeof rec.reviewer, "%s", p->reviewer);
	snprintf(rec.key_id, sizeof rec.key_id, "%s", *p->user ? "" : p->key_id);
	session_actor(p, actor, sizeof actor);
	enum store_err e = store_begin(s);
	if (e == STORE_OK && (e = store_session_purge(s, (long long)now)) == STORE_OK &&
	    (e = store_session_put(s, hash, &rec)) == STORE_OK &&
	    (e = store_audit(s, actor, "session open", NULL, NULL)) == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK) {
		store_rollback(s);
		crypto_memzero(token, SESSION_TOKEN_LEN);
		return e;
	}
	p->session_expires = rec.expires_at;
	return STORE_OK;
}

bool session_token_valid(const char *token)
{
	if (token == NULL || strlen(token) != SESSION_TOKEN_CHARS)
		return false;
	for (const char *c = token; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_'))
			return false;
	return true;
}

enum auth_result session_check(struct store *s, const char *token, time_t now,
                               struct principal *p)
{
	unsigned char hash[32];
	struct session_rec rec;
	if (token == NULL || *token == '\0')
		return AUTH_MISSING;
	if (!session_token_valid(token))
		return AUTH_MALFORMED;
	token_hash(token, hash);
	enum store_err e = store_session_get(s, hash, (long long)now, &rec);
	if (e == STORE_ERR_NOTFOUND)
		return AUTH_UNKNOWN;
	if (e != STORE_OK)
		return e == STORE_ERR_BUSY ? AUTH_BUSY : AUTH_FAILED;
	if (!role_parse(rec.role, &p->role))
		return AUTH_UNKNOWN;
	snprintf(p->key_id, sizeof p->key_id, "%s", rec.key_id);
	snprintf(p->agency, sizeof p->agency, "%s", rec.agency);
	snprintf(p->user, sizeof p->user, "%s", rec.user);
	snprintf(p->reviewer, sizeof p->reviewer, "%s", rec.reviewer);
	p->session_expires = rec.expires_at;
	return AUTH_OK;
}

enum store_err session_close(struct store *s, const char *token, const struct principal *p)
{
	unsigned char hash[32];
	char actor[80];
	if (!session_token_valid(token))
		return STORE_OK;
	token_hash(token, hash);
	enum store_err e = store_begin(s);
	if (e == STORE_OK)
		e = store_session_delete(s, hash);
	if (e == STORE_OK && p != NULL) {
		session_actor(p, actor, sizeof actor);
		e = store_audit(s, actor, "session close", NULL, NULL);
	}
	if (e == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK)
		store_rollback(s);
	return e;
}

void session_csrf(const unsigned char secret[32], const char *token, char out[SESSION_CSRF_LEN])
{
	unsigned char hash[32], mac[CRYPTO_MAC_BYTES];
	token_hash(token, hash);
	const struct crypto_part parts[] = {{"manyi-session", 14}, {hash, sizeof hash}};
	crypto_mac(mac, secret, parts, ARRAY_SIZE(parts));
	char *b = crypto_b64url_encode(mac, sizeof mac);
	snprintf(out, SESSION_CSRF_LEN, "%s", b);
	free(b);
}

bool session_csrf_ok(const unsigned char secret[32], const char *token, const char *given)
{
	char want[SESSION_CSRF_LEN];
	if (given == NULL || !session_token_valid(token) || strlen(given) != SESSION_CSRF_LEN - 1)
		return false;
	session_csrf(secret, token, want);
	bool ok = crypto_equal(want, given, SESSION_CSRF_LEN - 1);
	crypto_memzero(want, sizeof want);
	return ok;
}
