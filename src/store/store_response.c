/* store — responses and their answers, form-render marks and idempotency keys; see include/store.h. */
#include "store_internal.h"

/* Insert one answer row. */
static enum store_err answer_row(struct store *s, sqlite3_int64 rid, const char *item,
                                 int seq, const int *num, const char *text, bool na)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ANSWER_INSERT);
	sqlite3_bind_int64(st, 1, rid);
	bind_text(st, 2, item);
	sqlite3_bind_int(st, 3, seq);
	if (num != NULL)
		sqlite3_bind_int(st, 4, *num);
	else
		sqlite3_bind_null(st, 4);
	bind_text(st, 5, text);
	sqlite3_bind_int(st, 6, na ? 1 : 0);
	return step_done(st);
}

/* Insert the rows of every answered item of response rid. */
static enum store_err answer_rows(struct store *s, sqlite3_int64 rid, const struct answers *a)
{
	const struct survey *sv = a->survey;
	enum store_err e = STORE_OK;

	for (size_t i = 0; i < sv->nitems && e == STORE_OK; i++) {
		const struct item *it = &sv->items[i];
		const struct answer *an = &a->a[i];
		if (!an->present)
			continue;
		switch (it->type) {
		case ITEM_SCALE:
			e = answer_row(s, rid, it->id, 0, an->na ? NULL : &an->scale, NULL, an->na);
			break;
		case ITEM_CHOICE:
			e = answer_row(s, rid, it->id, 0, NULL, it->options[an->choice].value, false);
			break;
		case ITEM_MULTI: {
			int seq = 0;
			for (size_t j = 0; j < it->noptions && e == STORE_OK; j++)
				if (an->multi & (1ULL << j))
					e = answer_row(s, rid, it->id, seq++, NULL, it->options[j].value, false);
			if (seq == 0 && e == STORE_OK) /* answered "none of these" */
				e = answer_row(s, rid, it->id, 0, NULL, NULL, false);
			break;
		}
		case ITEM_TEXT:
			e = answer_row(s, rid, it->id, 0, NULL, an->text, false);
			break;
		case ITEM__MAX:
			break;
		}
	}
	return e;
}

enum store_err store_response_add(struct store *s, const struct response_meta *m,
                                  const struct answers *a, char *public_id,
                                  size_t idlen)
{
	char pid[CRYPTO_B64URL_LEN(16)];
	char now[32];
	enum store_err e;
	bool own = sqlite3_get_autocommit(s->db);

	crypto_random_id(pid, sizeof pid, 16);
	time_iso(now, sizeof now, time_grain(time(NULL), STORE_TIME_GRAIN));

	if (own && (e = store_begin(s)) != STORE_OK)
		goto out;
	sqlite3_stmt *st = stmt_get(s, STMT_RESPONSE_INSERT);
	bind_text(st, 1, pid);
	bind_text(st, 2, m->survey);
	sqlite3_bind_int(st, 3, m->survey_version);
	bind_text(st, 4, m->channel);
	bind_text(st, 5, m->encounter);
	bind_text(st, 6, m->agency);
	bind_text(st, 7, m->domain);
	bind_text(st, 8, m->size);
	bind_text(st, 9, m->submitted_at ? m->submitted_at : now);
	bind_text(st, 10, now);
	if ((e = step_done(st)) == STORE_OK)
		e = answer_rows(s, sqlite3_last_insert_rowid(s->db), a);
	if (own) {
		if (e == STORE_OK)
			e = store_commit(s);
		if (e != STORE_OK)
			store_rollback(s);
	}
	if (e == STORE_OK)
		snprintf(public_id, idlen, "%s", pid);
out:
	return e;
}

enum store_err store_response_count(struct store *s, const char *survey, long *count)
{
	sqlite3_stmt *st = stmt_get(s, STMT_RESPONSE_COUNT);
	bind_text(st, 1, survey);
	int rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_once(struct store *s, const unsigned char hash[32], long long now,
                          long long keep)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ONCE_PURGE);
	sqlite3_bind_int64(st, 1, now - keep);
	enum store_err e = step_done(st);
	if (e != STORE_OK)
		return e;
	st = stmt_get(s, STMT_ONCE_INSERT);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)time_grain((time_t)now, STORE_TIME_GRAIN));
	return step_done(st);
}

/* The oldest time an idempotency entry of now still holds at. */
static long long idem_since(long long now)
{
	return (long long)time_grain((time_t)now, STORE_TIME_GRAIN) - STORE_IDEM_KEEP;
}

enum store_err store_idem_get(struct store *s, const unsigned char key[32], long long now,
                              unsigned char body[32], char *response, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_IDEM_GET);
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, idem_since(now));
	int rc = sqlite3_step(st);
	enum store_err e = STORE_ERR_NOTFOUND;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(body, sqlite3_column_blob(st, 0), 32);
		col_copy(st, 1, response, n);
		e = STORE_OK;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		e = map_rc(rc);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_idem_put(struct store *s, const unsigned char key[32],
                              const unsigned char body[32], const char *response, long long now)
{
	sqlite3_stmt *st = stmt_get(s, STMT_IDEM_PURGE);
	sqlite3_bind_int64(st, 1, idem_since(now));
	enum store_err e = step_done(st);
	if (e != STORE_OK)
		return e;
	st = stmt_get(s, STMT_IDEM_PUT);
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, body, 32, SQLITE_STATIC);
	bind_text(st, 3, response);
	sqlite3_bind_int64(st, 4, (long long)time_grain((time_t)now, STORE_TIME_GRAIN));
	return step_done(st);
}
