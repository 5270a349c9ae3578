/* store — responses and their answers, form-render marks and idempotency keys; see include/store.h. */
#include "followup.h"
#include "integrity.h"
#include "store_internal.h"

/* Insert one row of a choice, multi or text answer. */
static enum store_err text_row(struct store *s, sqlite3_int64 rid, const char *item, int seq,
                               const char *text)
{
	sqlite3_stmt *st = stmt_get(s, STMT_TEXT_INSERT);
	sqlite3_bind_int64(st, 1, rid);
	bind_text(st, 2, item);
	sqlite3_bind_int(st, 3, seq);
	bind_text(st, 4, text);
	return step_done(st);
}

/* The rows of every answered choice, multi and text item of response rid. */
static enum store_err text_rows(struct store *s, sqlite3_int64 rid, const struct answers *a)
{
	const struct survey *sv = a->survey;
	enum store_err e = STORE_OK;

	for (size_t i = 0; i < sv->nitems && e == STORE_OK; i++) {
		const struct item *it = &sv->items[i];
		const struct answer *an = &a->a[i];
		if (!an->present)
			continue;
		switch (it->type) {
		case ITEM_CHOICE:
			e = text_row(s, rid, it->id, 0, it->options[an->choice].value);
			break;
		case ITEM_MULTI: {
			int seq = 0;
			for (size_t j = 0; j < it->noptions && e == STORE_OK; j++)
				if (an->multi & (1ULL << j))
					e = text_row(s, rid, it->id, seq++, it->options[j].value);
			if (seq == 0 && e == STORE_OK) /* answered "none of these" */
				e = text_row(s, rid, it->id, 0, NULL);
			break;
		}
		case ITEM_TEXT:
			e = text_row(s, rid, it->id, 0, an->text);
			break;
		case ITEM_SCALE:
		case ITEM_POINTS: /* rubrics' answers are reviews (store_review.c), */
		case ITEM_FLAG:   /* never responses */
		case ITEM__MAX:
			break;
		}
	}
	return e;
}

/* The scale answers as bytes, in the order of the version's scale items
 * (survey_item); returns how many bytes, 0 when no scale item is answered. */
static size_t scale_bytes(const struct answers *a, unsigned char *out)
{
	size_t n = 0, used = 0;
	for (size_t i = 0; i < a->survey->nitems; i++) {
		if (a->survey->items[i].type != ITEM_SCALE)
			continue;
		const struct answer *an = &a->a[i];
		out[n++] = !an->present ? NUM_MISSING : an->na ? NUM_NA : (unsigned char)an->scale;
		if (an->present)
			used = n;
	}
	return used;
}

/* Insert the response row of m (the caller's transaction); *rid its row id. */
static enum store_err response_row(struct store *s, const struct response_meta *m,
                                   const struct answers *a, const char *pid, sqlite3_int64 *rid)
{
	unsigned char nums[SURVEY_MAX_ITEMS];
	struct enc_ref er = {0};
	long long survey, channel, agency, domain, size;
	enum store_err e;
	time_t t = time_grain(time(NULL), STORE_TIME_GRAIN);

	if (t != s->hour) { /* the text of the hour, made once an hour */
		time_iso(s->hour_iso, sizeof s->hour_iso, t);
		s->hour = t;
	}
	const char *now = s->hour_iso;
	if ((e = code_id(s, CODE_SURVEY, m->survey, true, &survey)) != STORE_OK ||
	    (e = code_id(s, CODE_CHANNEL, m->channel, true, &channel)) != STORE_OK ||
	    (e = code_id(s, CODE_SIZE, m->size, true, &size)) != STORE_OK ||
	    (m->encounter != NULL && (e = enc_lookup(s, m->encounter, &er)) != STORE_OK))
		/* An answer names an encounter that is not registered: a broken rule. */
		return e == STORE_ERR_NOTFOUND ? STORE_ERR_CONSTRAINT : e;
	/* Registry codes are in the dictionary from the day they were registered. */
	if ((e = code_id(s, CODE_AGENCY, m->agency, false, &agency)) != STORE_OK ||
	    (e = code_id(s, CODE_DOMAIN, m->domain, false, &domain)) != STORE_OK)
		return e == STORE_ERR_NOTFOUND ? STORE_ERR_CONSTRAINT : e;
	size_t n = scale_bytes(a, nums);
	sqlite3_stmt *st = stmt_get(s, STMT_RESPONSE_INSERT);
	bind_text(st, 1, pid);
	sqlite3_bind_int64(st, 2, survey);
	sqlite3_bind_int(st, 3, m->survey_version);
	sqlite3_bind_int64(st, 4, channel);
	if (m->encounter != NULL) {
		sqlite3_bind_int64(st, 5, er.id);
		sqlite3_bind_int64(st, 9, er.district);
		if (er.outcome > 0)
			sqlite3_bind_int64(st, 10, er.outcome);
		sqlite3_bind_int64(st, 11, er.day);
		size = er.size;
	}
	sqlite3_bind_int64(st, 6, agency);
	sqlite3_bind_int64(st, 7, domain);
	if (size > 0)
		sqlite3_bind_int64(st, 8, size);
	bind_text(st, 12, m->submitted_at ? m->submitted_at : now);
	sqlite3_bind_int64(st, 13, (long long)t);
	if (n > 0)
		sqlite3_bind_blob(st, 14, nums, (int)n, SQLITE_STATIC);
	if ((e = step_done(st)) == STORE_OK)
		*rid = sqlite3_last_insert_rowid(s->db);
	return e;
}

enum store_err store_response_add(struct store *s, const struct response_meta *m,
                                  const struct answers *a, char *public_id,
                                  size_t idlen)
{
	char pid[CRYPTO_B64URL_LEN(16)];
	enum store_err e;
	sqlite3_int64 rid = 0;
	bool own = sqlite3_get_autocommit(s->db);

	crypto_random_id(pid, sizeof pid, 16);
	if (own && (e = store_begin(s)) != STORE_OK)
		return e;
	if ((e = response_row(s, m, a, pid, &rid)) == STORE_OK)
		e = text_rows(s, rid, a);
	/* The case opens with the answer, or neither is stored. */
	if (e == STORE_OK)
		e = followup_open(s, rid, m->survey, m->agency, a, m->contact, m->opened);
	/* Its flags too (integrity.h): never a reason to refuse it. */
	if (e == STORE_OK)
		e = integrity_flags_store(s, rid, m->flags);
	e = own_end(s, own, e);
	if (e == STORE_OK)
		snprintf(public_id, idlen, "%s", pid);
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
