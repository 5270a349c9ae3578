/*
 * The tamper-evident record (audit.h): the canonical encoding (NULL apart
 * from "", no two lists of fields alike), a row's hash against SHA-256 of
 * the bytes written out by hand, the chain store_audit() writes (also from
 * two processes appending at once), and audit_verify() naming an edited
 * row, a deleted one, and a published head that is not in the chain.
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
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "crypto.h"
#include "manyi_init.h"
#include "fixture.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

#define F(s) ((struct audit_field){(s), (s) ? strlen(s) : 0})

static void hash_of(const char *at, const char *actor, const char *action, const char *object,
                    const char *detail, long long id, const unsigned char *prev, unsigned char out[32])
{
	struct audit_fields f = {id, F(at), F(actor), F(action), F(object), F(detail)};
	audit_row_hash(prev, &f, out);
}

static void encoding(void **state)
{
	struct sbuf a, b;
	(void)state;
	sbuf_init(&a);
	sbuf_init(&b);
	audit_enc_text(&a, NULL, 0);
	audit_enc_text(&b, "", 0);
	assert_int_equal(a.len, 1);
	assert_int_equal((unsigned char)a.data[0], 0x00);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "\x03\x00\x00\x00\x00", 5);
	sbuf_reset(&a);
	audit_enc_int(&a, 258);
	assert_memory_equal(a.data, "\x01\x00\x00\x00\x00\x00\x00\x01\x02", 9);
	sbuf_reset(&a);
	audit_enc_int(&a, -1);
	assert_memory_equal(a.data, "\x01\xff\xff\xff\xff\xff\xff\xff\xff", 9);
	sbuf_reset(&a);
	audit_enc_blob(&a, "\x05\x04", 2);
	assert_memory_equal(a.data, "\x04\x00\x00\x00\x02\x05\x04", 7);
	/* Moving bytes from one field to the next changes the encoding. */
	sbuf_reset(&a);
	sbuf_reset(&b);
	audit_enc_text(&a, "ab", 2);
	audit_enc_text(&a, "c", 1);
	audit_enc_text(&b, "a", 1);
	audit_enc_text(&b, "bc", 2);
	assert_int_equal(a.len, b.len);
	assert_true(memcmp(a.data, b.data, a.len) != 0);
	sbuf_free(&a);
	sbuf_free(&b);
}

static void row_hash(void **state)
{
	unsigned char h[32], want[32], h2[32];
	(void)state;
	/* 32 zero bytes, then the fields as the encoding writes them. */
	static const unsigned char bytes[] =
		"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
		"\x01\0\0\0\0\0\0\0\x07"
		"\x03\0\0\0\x14" "2026-11-30T10:00:00Z"
		"\x03\0\0\0\x03" "cli"
		"\x03\0\0\0\x0a" "key create"
		"\x00"
		"\x03\0\0\0\x00";
	crypto_sha256(want, bytes, sizeof bytes - 1);
	hash_of("2026-11-30T10:00:00Z", "cli", "key create", NULL, "", 7, NULL, h);
	assert_memory_equal(h, want, 32);
	/* NULL and "" differ; so do the previous hashes. */
	hash_of("2026-11-30T10:00:00Z", "cli", "key create", "", "", 7, NULL, h2);
	assert_true(memcmp(h, h2, 32) != 0);
	hash_of("2026-11-30T10:00:00Z", "cli", "key create", NULL, "", 7, h2, h2);
	assert_true(memcmp(h, h2, 32) != 0);
	/* Hex both ways. */
	char hex[65];
	unsigned char back[32];
	audit_hex(h, hex);
	assert_int_equal(strlen(hex), 64);
	assert_true(audit_unhex(hex, back));
	assert_memory_equal(back, h, 32);
	assert_false(audit_unhex("12", back));
}

struct fixture {
	char path[64];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char msg[256];
	fixture_db_path(f->path, sizeof f->path, "audit");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	fixture_db_remove(f->path);
	free(f);
	return 0;
}

static void exec_ok(struct store *s, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static void chain(void **state)
{
	struct fixture *f = *state;
	struct audit_verdict v;
	struct audit_head h;
	assert_int_equal(audit_head(f->s, &h), STORE_OK);
	assert_int_equal(h.id, 0);
	assert_int_equal(audit_verify(f->s, NULL, &v), STORE_OK);
	assert_true(v.intact);
	assert_int_equal(v.rows, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(store_audit(f->s, "cli", "test", i % 2 ? NULL : "obj", "detail"), STORE_OK);
	assert_int_equal(audit_head(f->s, &h), STORE_OK);
	assert_int_equal(h.id, 5);
	assert_int_equal(audit_verify(f->s, NULL, &v), STORE_OK);
	assert_true(v.intact);
	assert_int_equal(v.rows, 5);
	assert_string_equal(v.head.hash, h.hash);
	char head[96];
	snprintf(head, sizeof head, "%lld %s", h.id, h.hash);
	assert_int_equal(audit_verify(f->s, head, &v), STORE_OK);
	assert_true(v.intact && v.head_found);
	/* The first row as audit_row_hash() computes it from what is stored. */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(f->s->db, "SELECT at, hash FROM audit WHERE id = 1", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	unsigned char want[32];
	hash_of((const char *)sqlite3_column_text(st, 0), "cli", "test", "obj", "detail", 1, NULL, want);
	assert_memory_equal(sqlite3_column_blob(st, 1), want, 32);
	sqlite3_finalize(st);

	/* Edited: that row is named. */
	exec_ok(f->s, "DROP TRIGGER audit_append_only_u; UPDATE audit SET detail = 'other' WHERE id = 3");
	assert_int_equal(audit_verify(f->s, NULL, &v), STORE_OK);
	assert_false(v.intact);
	assert_int_equal(v.rows, 2);
	assert_non_null(strstr(v.what, "audit row 3 ("));
	assert_non_null(strstr(v.what, "edited"));
	exec_ok(f->s, "UPDATE audit SET detail = 'detail' WHERE id = 3");
	assert_int_equal(audit_verify(f->s, NULL, &v), STORE_OK);
	assert_true(v.intact);
	/* Deleted: the row after the gap is named. */
	exec_ok(f->s, "DROP TRIGGER audit_append_only_d; DELETE FROM audit WHERE id = 2");
	assert_int_equal(audit_verify(f->s, NULL, &v), STORE_OK);
	assert_false(v.intact);
	assert_non_null(strstr(v.what, "audit row 3 ("));
	assert_non_null(strstr(v.what, "the rows 2 to 2 before it are missing"));
	/* The last row deleted: consistent, but the published head is gone. */
	exec_ok(f->s, "DELETE FROM audit WHERE id >= 2");
	assert_int_equal(audit_verify(f->s, NULL, &v), STORE_OK);
	assert_true(v.intact);
	assert_int_equal(audit_verify(f->s, head, &v), STORE_OK);
	assert_false(v.intact);
	assert_non_null(strstr(v.what, "is not in the audit chain"));
}

/* Two processes, each with its own connection, appending at once. */
static void concurrent(void **state)
{
	struct fixture *f = *state;
	enum { PER = 150 };
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct store *s;
			char msg[256];
			int bad = 0;
			if (store_open(f->path, false, &s, msg, sizeof msg) != STORE_OK)
				_exit(2);
			for (int i = 0; i < PER; i++)
				if (store_audit(s, k ? "b" : "a", "race", NULL, NULL) != STORE_OK)
					bad++;
			store_close(s);
			_exit(bad ? 1 : 0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	struct audit_verdict v;
	assert_int_equal(audit_verify(f->s, NULL, &v), STORE_OK);
	assert_true(v.intact);
	assert_int_equal(v.rows, 2 * PER);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encoding),
		cmocka_unit_test(row_hash),
		cmocka_unit_test_setup_teardown(chain, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
