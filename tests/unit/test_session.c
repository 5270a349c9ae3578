/*
 * People who sign in (session.h) on a real SQLite file: password rules and
 * hashes (Argon2id, checked right and wrong), users, sessions opened,
 * looked up, expired, purged and closed, what ends them (a removed user, a
 * revoked key), the CSRF token tied to one session, and the lockout count
 * of failed sign-ins per username (throttle.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "crypto.h"
#include "manyi_init.h"
#include "session.h"
#include "fixture.h"
#include "store.h"
#include "store_review.h"
#include "throttle.h"
#include "util.h"

#define NOW ((time_t)1800000000)
#define PW "correct horse battery"

struct fixture {
	char path[64];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char msg[256];
	fixture_db_path(f->path, sizeof f->path, "session");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲局", "Bureau A", NULL), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char side[80];
	store_close(f->s);
	unlink(f->path);
	snprintf(side, sizeof side, "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

static void password_hash_and_check(void **state)
{
	(void)state;
	char h1[CRYPTO_PASSWORD_HASH_LEN], h2[CRYPTO_PASSWORD_HASH_LEN];
	assert_true(crypto_password_hash(h1, PW, strlen(PW)));
	assert_true(crypto_password_hash(h2, PW, strlen(PW)));
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_null(strstr(h1, "horse"));
	assert_string_not_equal(h1, h2); /* salted */
	assert_true(crypto_password_check(h1, PW, strlen(PW)));
	assert_true(crypto_password_check(h2, PW, strlen(PW)));
	assert_false(crypto_password_check(h1, "correct horse battery!", 22));
	assert_false(crypto_password_check(h1, PW, strlen(PW) - 1));
	assert_false(crypto_password_check(h1, "", 0));
	assert_false(crypto_password_check("not a hash", PW, strlen(PW)));
	assert_false(crypto_password_check("", PW, strlen(PW)));
}

static void password_rules(void **state)
{
	(void)state;
	static const struct {
		const char *pw;
		enum user_pw want;
	} cases[] = {
		{"0123456789", USER_PW_OK},
		{"012345678", USER_PW_SHORT},
		{"", USER_PW_SHORT},
		{"密码密码密码密码密码", USER_PW_OK},     /* ten characters, thirty bytes */
		{"密码密码密码密码密", USER_PW_SHORT},    /* nine characters, 27 bytes */
		{"0123456789\t", USER_PW_BAD_TEXT},
		{"0123456789\x1b", USER_PW_BAD_TEXT},
		{"0123456789\xff", USER_PW_BAD_TEXT},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(user_password_ok(cases[i].pw, strlen(cases[i].pw)), cases[i].want);
	char big[USER_PASSWORD_MAX + 2];
	memset(big, 'x', sizeof big);
	assert_int_equal(user_password_ok(big, USER_PASSWORD_MAX), USER_PW_OK);
	assert_int_equal(user_password_ok(big, USER_PASSWORD_MAX + 1), USER_PW_LONG);
	assert_int_equal(user_password_ok("0123456789\0x", 12), USER_PW_BAD_TEXT);
	assert_string_not_equal(user_pw_strerror(USER_PW_SHORT), "");
}

static void user_names(void **state)
{
	(void)state;
	static const char *const good[] = {"a", "wang.wei", "li_a01", "x-1", "0abc",
	                                   "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234"};
	static const char *const bad[] = {"", "Wang", ".a", "-a", "_a", "a b", "a/b", "a@b", "王伟",
	                                  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12345"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(user_name_valid(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(user_name_valid(bad[i]));
}

static void users_check(void **state)
{
	struct fixture *f = *state;
	struct principal p;
	assert_int_equal(user_add(f->s, "wang", PW, strlen(PW), ROLE_EVALUATOR, NULL), STORE_OK);
	assert_int_equal(user_add(f->s, "li", PW, strlen(PW), ROLE_AGENCY, "A01"), STORE_OK);
	assert_int_equal(user_add(f->s, "wang", PW, strlen(PW), ROLE_EVALUATOR, NULL), STORE_ERR_CONSTRAINT);
	assert_int_equal(user_add(f->s, "zhao", PW, strlen(PW), ROLE_AGENCY, "NOPE"), STORE_ERR_CONSTRAINT);
	assert_int_equal(user_check(f->s, "li", PW, strlen(PW), &p), AUTH_OK);
	assert_int_equal(p.role, ROLE_AGENCY);
	assert_string_equal(p.agency, "A01");
	assert_string_equal(p.user, "li");
	assert_string_equal(p.key_id, "");
	assert_int_equal(user_check(f->s, "wang", PW, strlen(PW), &p), AUTH_OK);
	assert_int_equal(p.role, ROLE_EVALUATOR);
	assert_string_equal(p.agency, "");
	assert_int_equal(user_check(f->s, "wang", "wrong password", 14, &p), AUTH_UNKNOWN);
	assert_int_equal(user_check(f->s, "nobody", PW, strlen(PW), &p), AUTH_UNKNOWN);
	assert_int_equal(user_check(f->s, "Bad Name", PW, strlen(PW), &p), AUTH_UNKNOWN);
	struct user_rec u;
	assert_int_equal(store_user_get(f->s, "li", &u), STORE_OK);
	assert_null(strstr(u.hash, PW));
	assert_int_equal(store_user_remove(f->s, "li"), STORE_OK);
	assert_int_equal(store_user_remove(f->s, "li"), STORE_ERR_NOTFOUND);
	assert_int_equal(user_check(f->s, "li", PW, strlen(PW), &p), AUTH_UNKNOWN);
}

/* A reviewer (migration 13): a user tied to a panel member's code, whose
 * session carries the code; no agency; next= may go to /review. */
static void reviewer_sessions(void **state)
{
	struct fixture *f = *state;
	struct principal p, q;
	char t[SESSION_TOKEN_LEN];
	assert_int_equal(store_reviewer_add(f->s, "R01", "王律师", "", NULL, 0), STORE_OK);
	assert_int_equal(user_add(f->s, "wang.lawyer", PW, strlen(PW), ROLE_REVIEWER, "R01"), STORE_OK);
	assert_int_equal(user_add(f->s, "nobody.r", PW, strlen(PW), ROLE_REVIEWER, "R99"), STORE_ERR_CONSTRAINT);
	assert_int_equal(user_add(f->s, "no.code", PW, strlen(PW), ROLE_REVIEWER, NULL), STORE_ERR_CONSTRAINT);
	assert_int_equal(user_check(f->s, "wang.lawyer", PW, strlen(PW), &p), AUTH_OK);
	assert_int_equal(p.role, ROLE_REVIEWER);
	assert_string_equal(p.reviewer, "R01");
	assert_string_equal(p.agency, "");
	assert_int_equal(session_open(f->s, &p, NOW, t), STORE_OK);
	memset(&q, 0x55, sizeof q);
	assert_int_equal(session_check(f->s, t, NOW + 1, &q), AUTH_OK);
	assert_int_equal(q.role, ROLE_REVIEWER);
	assert_string_equal(q.reviewer, "R01");
	assert_string_equal(q.user, "wang.lawyer");
	/* An evaluator's and an agency's carry no reviewer code. */
	assert_int_equal(user_add(f->s, "li", PW, strlen(PW), ROLE_AGENCY, "A01"), STORE_OK);
	assert_int_equal(user_check(f->s, "li", PW, strlen(PW), &q), AUTH_OK);
	assert_string_equal(q.reviewer, "");
	assert_string_equal(role_name(ROLE_REVIEWER), "reviewer");
	/* Where a sign-in may go. */
	static const char *const good[] = {"/dashboard/", "/review", "/review/A01-2025-008", "/review?lang=en"};
	static const char *const bad[] = {"/reviewer", "/review//x", "/review/../dashboard/", "/reviews",
	                                  "https://x/review", "review"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(session_next_ok(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(session_next_ok(bad[i]));
}

/* How many session rows the file holds (read by a connection of its own). */
static long long sessions(struct fixture *f)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM session", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void sessions_open_check_expire_close(void **state)
{
	struct fixture *f = *state;
	struct principal p, q;
	char t1[SESSION_TOKEN_LEN], t2[SESSION_TOKEN_LEN];
	assert_int_equal(user_add(f->s, "li", PW, strlen(PW), ROLE_AGENCY, "A01"), STORE_OK);
	assert_int_equal(user_check(f->s, "li", PW, strlen(PW), &p), AUTH_OK);
	assert_int_equal(session_open(f->s, &p, NOW, t1), STORE_OK);
	assert_int_equal(strlen(t1), SESSION_TOKEN_CHARS);
	assert_true(session_token_valid(t1));
	assert_int_equal(p.session_expires, (long long)NOW + SESSION_TTL);
	assert_int_equal(session_open(f->s, &p, NOW + 10, t2), STORE_OK);
	assert_string_not_equal(t1, t2);
	/* Looked up: the same principal. */
	memset(&q, 0x55, sizeof q);
	assert_int_equal(session_check(f->s, t1, NOW + 60, &q), AUTH_OK);
	assert_int_equal(q.role, ROLE_AGENCY);
	assert_string_equal(q.agency, "A01");
	assert_string_equal(q.user, "li");
	assert_string_equal(q.key_id, "");
	assert_int_equal(q.session_expires, (long long)NOW + SESSION_TTL);
	/* Shapes and strangers. */
	assert_int_equal(session_check(f->s, NULL, NOW, &q), AUTH_MISSING);
	assert_int_equal(session_check(f->s, "", NOW, &q), AUTH_MISSING);
	assert_int_equal(session_check(f->s, "short", NOW, &q), AUTH_MALFORMED);
	assert_int_equal(session_check(f->s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", NOW, &q), AUTH_MALFORMED);
	assert_int_equal(session_check(f->s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NOW, &q), AUTH_UNKNOWN);
	/* Expiry: the last second still counts, the next does not. */
	assert_int_equal(session_check(f->s, t1, NOW + SESSION_TTL - 1, &q), AUTH_OK);
	assert_int_equal(session_check(f->s, t1, NOW + SESSION_TTL, &q), AUTH_UNKNOWN);
	assert_int_equal(session_check(f->s, t2, NOW + SESSION_TTL, &q), AUTH_OK);
	/* A later sign-in removes the expired rows. */
	assert_int_equal(sessions(f), 2);
	char t3[SESSION_TOKEN_LEN];
	assert_int_equal(session_open(f->s, &p, NOW + SESSION_TTL + 5, t3), STORE_OK);
	assert_int_equal(sessions(f), 2);
	assert_int_equal(session_check(f->s, t2, NOW + SESSION_TTL + 5, &q), AUTH_OK);
	/* Closing one leaves the other. */
	assert_int_equal(session_close(f->s, t2, &q), STORE_OK);
	assert_int_equal(session_check(f->s, t2, NOW + SESSION_TTL + 6, &q), AUTH_UNKNOWN);
	assert_int_equal(session_check(f->s, t3, NOW + SESSION_TTL + 6, &q), AUTH_OK);
	assert_int_equal(session_close(f->s, t2, NULL), STORE_OK); /* again: nothing to do */
	/* Removing the user ends their sessions (the schema's cascade). */
	assert_int_equal(store_user_remove(f->s, "li"), STORE_OK);
	assert_int_equal(session_check(f->s, t3, NOW + SESSION_TTL + 7, &q), AUTH_UNKNOWN);
	assert_int_equal(sessions(f), 0);
}

static void key_sessions_end_with_the_key(void **state)
{
	struct fixture *f = *state;
	char key[AUTH_KEY_LEN], id[16], header[AUTH_KEY_LEN + 8], tok[SESSION_TOKEN_LEN];
	struct principal p, q;
	assert_int_equal(auth_key_create(f->s, ROLE_EVALUATOR, NULL, key, id), STORE_OK);
	snprintf(header, sizeof header, "Bearer %s", key);
	assert_int_equal(auth_check(f->s, header, &p), AUTH_OK);
	assert_int_equal(session_open(f->s, &p, NOW, tok), STORE_OK);
	assert_int_equal(session_check(f->s, tok, NOW + 1, &q), AUTH_OK);
	assert_int_equal(q.role, ROLE_EVALUATOR);
	assert_string_equal(q.key_id, id);
	assert_string_equal(q.user, "");
	char actor[80];
	session_actor(&q, actor, sizeof actor);
	assert_string_equal(actor, id);
	assert_int_equal(store_key_revoke(f->s, id), STORE_OK);
	assert_int_equal(session_check(f->s, tok, NOW + 2, &q), AUTH_UNKNOWN);
}

static void csrf_tokens(void **state)
{
	(void)state;
	unsigned char k1[32] = {1}, k2[32] = {2};
	char t1[SESSION_TOKEN_LEN], t2[SESSION_TOKEN_LEN], c1[SESSION_CSRF_LEN], c2[SESSION_CSRF_LEN];
	crypto_random_id(t1, sizeof t1, 32);
	crypto_random_id(t2, sizeof t2, 32);
	session_csrf(k1, t1, c1);
	session_csrf(k1, t2, c2);
	assert_int_equal(strlen(c1), SESSION_CSRF_LEN - 1);
	assert_string_not_equal(c1, c2);
	assert_string_not_equal(c1, t1);
	assert_true(session_csrf_ok(k1, t1, c1));
	assert_false(session_csrf_ok(k1, t1, c2));  /* another session's */
	assert_false(session_csrf_ok(k2, t1, c1));  /* another server's */
	assert_false(session_csrf_ok(k1, t1, NULL));
	assert_false(session_csrf_ok(k1, t1, ""));
	c1[0] = c1[0] == 'A' ? 'B' : 'A';
	assert_false(session_csrf_ok(k1, t1, c1));
	session_csrf(k1, t1, c2);
	assert_true(session_csrf_ok(k1, t1, c2)); /* the same each time: derived, not stored */
}

/* Failed sign-ins for one name: the 5th within a quarter of an hour locks it
 * for a quarter of an hour; other names and the per-address count apart. */
static void lockout_counting(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(1024);
	long wait = 0;
	time_t t0 = NOW / 900 * 900 + 10;
	assert_non_null(t);
	for (int i = 0; i < 4; i++) {
		assert_true(throttle_allowed(t, THROTTLE_SIGNIN_USER, "li", t0 + i, &wait));
		throttle_count(t, THROTTLE_SIGNIN_USER, "li", t0 + i);
	}
	assert_true(throttle_allowed(t, THROTTLE_SIGNIN_USER, "li", t0 + 5, &wait));
	throttle_count(t, THROTTLE_SIGNIN_USER, "li", t0 + 5);
	assert_false(throttle_allowed(t, THROTTLE_SIGNIN_USER, "li", t0 + 6, &wait));
	assert_int_equal(wait, 899);
	assert_false(throttle_allowed(t, THROTTLE_SIGNIN_USER, "li", t0 + 5 + 899, &wait));
	assert_true(throttle_allowed(t, THROTTLE_SIGNIN_USER, "li", t0 + 5 + 900, &wait));
	assert_true(throttle_allowed(t, THROTTLE_SIGNIN_USER, "wang", t0 + 6, &wait));
	assert_true(throttle_allowed(t, THROTTLE_SIGNIN_ADDR, "li", t0 + 6, &wait));
	/* Four failures, then a pause past the window: no lock. */
	for (int i = 0; i < 4; i++)
		throttle_count(t, THROTTLE_SIGNIN_USER, "zhao", t0 + i);
	throttle_count(t, THROTTLE_SIGNIN_USER, "zhao", t0 + 1800);
	assert_true(throttle_allowed(t, THROTTLE_SIGNIN_USER, "zhao", t0 + 1801, &wait));
	/* Per address: ten free, then slowed, the 30th locks for half an hour. */
	for (int i = 0; i < 9; i++)
		throttle_count(t, THROTTLE_SIGNIN_ADDR, "192.0.2.1", t0);
	assert_true(throttle_allowed(t, THROTTLE_SIGNIN_ADDR, "192.0.2.1", t0, &wait));
	throttle_count(t, THROTTLE_SIGNIN_ADDR, "192.0.2.1", t0);
	assert_false(throttle_allowed(t, THROTTLE_SIGNIN_ADDR, "192.0.2.1", t0, &wait));
	assert_int_equal(wait, 1);
	for (int i = 0; i < 20; i++)
		throttle_count(t, THROTTLE_SIGNIN_ADDR, "192.0.2.1", t0 + 1);
	assert_false(throttle_allowed(t, THROTTLE_SIGNIN_ADDR, "192.0.2.1", t0 + 2, &wait));
	assert_int_equal(wait, 1799);
	throttle_free(t);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_hash_and_check),
		cmocka_unit_test(password_rules),
		cmocka_unit_test(user_names),
		cmocka_unit_test_setup_teardown(users_check, setup, teardown),
		cmocka_unit_test_setup_teardown(reviewer_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_open_check_expire_close, setup, teardown),
		cmocka_unit_test_setup_teardown(key_sessions_end_with_the_key, setup, teardown),
		cmocka_unit_test(csrf_tokens),
		cmocka_unit_test(lockout_counting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
