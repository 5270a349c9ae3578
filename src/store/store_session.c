/* store — people who sign in and their sessions; see include/store.h. */
#include "store_internal.h"

enum store_err store_user_add(struct store *s, const char *name, const char *hash,
                              const char *role, const char *agency)
{
	sqlite3_stmt *st = stmt_get(s, STMT_USER_INSERT);
	bind_text(st, 1, name);
	bind_text(st, 2, hash);
	bind_text(st, 3, role);
	bind_text(st, 4, agency);
	return step_done(st);
}

enum store_err store_user_get(struct store *s, const char *name, struct user_rec *u)
{
	sqlite3_stmt *st = stmt_get(s, STMT_USER_GET);
	bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	enum store_err err = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, u->hash, sizeof u->hash);
		col_copy(st, 1, u->role, sizeof u->role);
		col_copy(st, 2, u->agency, sizeof u->agency);
		col_copy(st, 3, u->reviewer, sizeof u->reviewer);
	}
	sqlite3_reset(st);
	return err;
}

enum store_err store_user_remove(struct store *s, const char *name)
{
	sqlite3_stmt *st = stmt_get(s, STMT_USER_DELETE);
	bind_text(st, 1, name);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) != 1)
		e = STORE_ERR_NOTFOUND;
	return e;
}

enum store_err store_user_list(struct store *s, long long now,
                               bool (*cb)(const struct user_row *u, void *ctx), void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_USER_LIST);
	int rc;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c[6];
		for (int i = 0; i < 6; i++)
			c[i] = (const char *)sqlite3_column_text(st, i);
		struct user_row u = {c[0], c[1], c[2], c[3], c[4], c[5], sqlite3_column_int64(st, 6)};
		if (!cb(&u, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_session_put(struct store *s, const unsigned char hash[32],
                                 const struct session_rec *r)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SESSION_INSERT);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	bind_text(st, 2, r->role);
	bind_text(st, 3, *r->agency ? r->agency : NULL);
	bind_text(st, 4, *r->user ? r->user : NULL);
	bind_text(st, 5, *r->key_id ? r->key_id : NULL);
	sqlite3_bind_int64(st, 6, r->created_at);
	sqlite3_bind_int64(st, 7, r->expires_at);
	bind_text(st, 8, *r->reviewer ? r->reviewer : NULL);
	return step_done(st);
}

enum store_err store_session_get(struct store *s, const unsigned char hash[32], long long now,
                                 struct session_rec *r)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SESSION_GET);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	enum store_err err = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, r->role, sizeof r->role);
		col_copy(st, 1, r->agency, sizeof r->agency);
		col_copy(st, 2, r->user, sizeof r->user);
		col_copy(st, 3, r->key_id, sizeof r->key_id);
		r->created_at = sqlite3_column_int64(st, 4);
		r->expires_at = sqlite3_column_int64(st, 5);
		col_copy(st, 6, r->reviewer, sizeof r->reviewer);
	}
	sqlite3_reset(st);
	return err;
}

enum store_err store_session_delete(struct store *s, const unsigned char hash[32])
{
	sqlite3_stmt *st = stmt_get(s, STMT_SESSION_DELETE);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	return step_done(st);
}

enum store_err store_session_purge(struct store *s, long long now)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SESSION_PURGE);
	sqlite3_bind_int64(st, 1, now);
	return step_done(st);
}
