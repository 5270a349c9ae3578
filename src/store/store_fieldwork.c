/* store — encounters, invitations, dispositions, API keys and the audit table; see include/store.h. */
#include "store_internal.h"

/*
 * The encounter's row, and its count in the population: at once outside a
 * transaction, else with the transaction's commit (store_commit() writes
 * the counts pending, so an import of a million encounters updates each
 * cell once).
 */
enum store_err store_encounter_add(struct store *s, const struct encounter *e)
{
	long long agency, domain, size, district, outcome, day;
	enum store_err err;
	bool own = sqlite3_get_autocommit(s->db);

	if (!day_parse(e->occurred_on, &day))
		return STORE_ERR_CONSTRAINT;
	if ((err = code_id(s, CODE_AGENCY, e->agency, false, &agency)) != STORE_OK ||
	    (err = code_id(s, CODE_DOMAIN, e->domain, false, &domain)) != STORE_OK)
		return err == STORE_ERR_NOTFOUND ? STORE_ERR_CONSTRAINT : err;
	if (own && (err = store_begin(s)) != STORE_OK)
		return err;
	if ((err = code_id(s, CODE_SIZE, e->size, true, &size)) == STORE_OK &&
	    (err = code_id(s, CODE_DISTRICT, e->district, true, &district)) == STORE_OK &&
	    (err = code_id(s, CODE_OUTCOME, e->outcome[0] ? e->outcome : NULL, true, &outcome)) ==
	        STORE_OK) {
		sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_INSERT);
		bind_text(st, 1, e->id);
		sqlite3_bind_int64(st, 2, agency);
		sqlite3_bind_int64(st, 3, domain);
		sqlite3_bind_int64(st, 4, size);
		sqlite3_bind_int64(st, 5, district);
		sqlite3_bind_int64(st, 6, day);
		if (outcome > 0)
			sqlite3_bind_int64(st, 7, outcome);
		sqlite3_bind_int64(st, 8, (long long)time(NULL));
		if ((err = step_done(st)) == STORE_OK)
			pop_add(s, day, agency, domain, size);
	}
	err = own_end(s, own, err);
	return err;
}

enum store_err enc_lookup(struct store *s, const char *code, struct enc_ref *r)
{
	if (s->last_code[0] != '\0' && strcmp(s->last_code, code) == 0) {
		*r = s->last;
		return STORE_OK;
	}
	sqlite3_stmt *st = stmt_get(s, STMT_ENC_LOOKUP);
	bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*r = (struct enc_ref){
			sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
			sqlite3_column_int64(st, 6),
		};
		if (strlen(code) < sizeof s->last_code) {
			strcpy(s->last_code, code);
			s->last = *r;
			if (sqlite3_txn_state(s->db, NULL) == SQLITE_TXN_WRITE)
				s->uncommitted = true; /* perhaps registered in this transaction */
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

/* Copy the text of dictionary id into out (n bytes), "" when none. */
static void code_copy(struct store *s, long long id, char *out, size_t n)
{
	const char *t = code_text(s, id);
	snprintf(out, n, "%s", t ? t : "");
}

enum store_err store_encounter_get(struct store *s, const char *id, struct encounter *e)
{
	struct enc_ref r;
	enum store_err err = enc_lookup(s, id, &r);
	if (err != STORE_OK)
		return err;
	snprintf(e->id, sizeof e->id, "%s", id);
	code_copy(s, r.agency, e->agency, sizeof e->agency);
	code_copy(s, r.domain, e->domain, sizeof e->domain);
	code_copy(s, r.size, e->size, sizeof e->size);
	code_copy(s, r.district, e->district, sizeof e->district);
	code_copy(s, r.outcome, e->outcome, sizeof e->outcome);
	day_format(r.day, e->occurred_on, sizeof e->occurred_on);
	return STORE_OK;
}

/* The answer of encounter id: found (STORE_OK) or not (STORE_ERR_NOTFOUND). */
static enum store_err answer_of(struct store *s, const char *id, struct encounter_answer *a)
{
	struct enc_ref r;
	enum store_err e = enc_lookup(s, id, &r);
	if (e != STORE_OK)
		return e;
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_ANSWERED);
	sqlite3_bind_int64(st, 1, r.id);
	int rc = sqlite3_step(st);
	e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW && a != NULL) {
		code_copy(s, sqlite3_column_int64(st, 0), a->channel, sizeof a->channel);
		col_copy(st, 1, a->day, sizeof a->day);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_encounter_answer(struct store *s, const char *id, struct encounter_answer *a)
{
	return answer_of(s, id, a);
}

enum store_err store_encounter_answered(struct store *s, const char *id, bool *answered)
{
	enum store_err e = answer_of(s, id, NULL);
	*answered = e == STORE_OK;
	return e == STORE_ERR_NOTFOUND ? STORE_OK : e;
}

enum store_err store_invitation_add(struct store *s, const unsigned char hash[32],
                                    const char *survey, const char *encounter,
                                    const char *channel, long long created_at,
                                    long long expires_at)
{
	sqlite3_stmt *st = stmt_get(s, STMT_INVITATION_INSERT);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	bind_text(st, 2, survey);
	bind_text(st, 3, encounter);
	bind_text(st, 4, channel);
	sqlite3_bind_int64(st, 5, created_at);
	sqlite3_bind_int64(st, 6, expires_at);
	return step_done(st);
}

enum store_err store_invitation_get(struct store *s, const unsigned char hash[32],
                                    struct invitation *inv)
{
	sqlite3_stmt *st = stmt_get(s, STMT_INVITATION_GET);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	enum store_err err = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, inv->survey, sizeof inv->survey);
		col_copy(st, 1, inv->encounter, sizeof inv->encounter);
		col_copy(st, 2, inv->channel, sizeof inv->channel);
		inv->expires_at = sqlite3_column_int64(st, 3);
		inv->used = sqlite3_column_int(st, 4) != 0;
	}
	sqlite3_reset(st);
	return err;
}

enum store_err store_invitation_use(struct store *s, const unsigned char hash[32], long long now)
{
	sqlite3_stmt *st = stmt_get(s, STMT_INVITATION_USE);
	sqlite3_bind_int64(st, 1, (long long)time_grain((time_t)now, STORE_TIME_GRAIN));
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) != 1)
		e = STORE_ERR_CONSTRAINT;
	return e;
}

enum store_err store_key_add(struct store *s, const char *id, const unsigned char hash[32],
                             const char *role, const char *agency)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_INSERT);
	bind_text(st, 1, id);
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	bind_text(st, 3, role);
	bind_text(st, 4, agency);
	return step_done(st);
}

enum store_err store_key_list(struct store *s, bool (*cb)(const struct key_row *k, void *ctx),
                              void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_LIST);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c[8];
		for (int i = 0; i < 8; i++)
			c[i] = (const char *)sqlite3_column_text(st, i);
		struct key_row k = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
		if (!cb(&k, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_key_get(struct store *s, const char *id, struct api_key *k)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_GET);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	enum store_err err = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == 32)
			memcpy(k->hash, sqlite3_column_blob(st, 0), 32);
		else
			memset(k->hash, 0, 32);
		col_copy(st, 1, k->role, sizeof k->role);
		col_copy(st, 2, k->agency, sizeof k->agency);
		k->revoked = sqlite3_column_int(st, 3) != 0;
	}
	sqlite3_reset(st);
	return err;
}

enum store_err store_key_revoke(struct store *s, const char *id)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_REVOKE);
	bind_text(st, 1, id);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) != 1)
		e = STORE_ERR_NOTFOUND;
	return e;
}

enum store_err store_audit(struct store *s, const char *actor, const char *action,
                           const char *object, const char *detail)
{
	sqlite3_stmt *st = stmt_get(s, STMT_AUDIT_INSERT);
	bind_text(st, 1, actor);
	bind_text(st, 2, action);
	bind_text(st, 3, object);
	bind_text(st, 4, detail);
	return step_done(st);
}

enum store_err store_encounters_uninvited(struct store *s, const char *survey, char ***ids,
                                          size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_UNINVITED);
	size_t cap = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xgrow(*ids, *n, &cap, sizeof **ids, 256);
		(*ids)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_encounter_frame(struct store *s, const char *from, const char *to, int households,
                                     struct sampled **out, size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_FRAME);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	bind_text(st, 1, from);
	bind_text(st, 2, to);
	sqlite3_bind_int(st, 3, households);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, *n, &cap, sizeof **out, 1024);
		struct sampled *x = &(*out)[(*n)++];
		col_copy(st, 0, x->id, sizeof x->id);
		col_copy(st, 1, x->agency, sizeof x->agency);
		col_copy(st, 2, x->domain, sizeof x->domain);
		col_copy(st, 3, x->occurred_on, sizeof x->occurred_on);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return map_rc(rc);
	}
	return STORE_OK;
}

enum store_err store_disposition_put(struct store *s, const char *encounter, const char *survey,
                                     const char *outcome, long attempts, const char *last_call_at)
{
	sqlite3_stmt *st = stmt_get(s, STMT_DISPOSITION_PUT);
	bind_text(st, 1, encounter);
	bind_text(st, 2, survey);
	bind_text(st, 3, outcome);
	sqlite3_bind_int64(st, 4, attempts);
	bind_text(st, 5, last_call_at);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) == 0)
		return STORE_ERR_NOTFOUND;
	return e;
}

enum store_err store_fieldwork_cells(struct store *s, const char *survey,
                                     struct fieldwork_cell **cells, size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_FIELDWORK_CELLS);
	size_t cap = 0;
	int rc;
	*cells = NULL;
	*n = 0;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*cells = xrealloc(*cells, cap * sizeof **cells);
		}
		struct fieldwork_cell *c = &(*cells)[(*n)++];
		col_copy(st, 0, c->agency, sizeof c->agency);
		c->answered = sqlite3_column_int(st, 1) != 0;
		const char *outcome = col_or_null(st, 2);
		c->outcome = outcome != NULL ? disposition_index(outcome) : -1;
		c->n = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*cells);
		*cells = NULL;
		*n = 0;
		return map_rc(rc);
	}
	return STORE_OK;
}

void progress_rows_free(struct progress_rows *r)
{
	if (r == NULL)
		return;
	free(r->frame);
	free(r->invited);
	free(r->answers);
	*r = (struct progress_rows){0};
}

enum store_err store_progress_rows(struct store *s, const char *survey, const char *from,
                                   const char *to, bool households, long long now,
                                   struct progress_rows *out)
{
	size_t cap[3] = {0, 0, 0};
	int rc;
	*out = (struct progress_rows){0};

	sqlite3_stmt *st = stmt_get(s, STMT_PROGRESS_FRAME);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	sqlite3_bind_int(st, 4, households);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->frame = xgrow(out->frame, out->nframe, &cap[0], sizeof *out->frame, 32);
		struct progress_frame *f = &out->frame[out->nframe++];
		col_copy(st, 0, f->agency, sizeof f->agency);
		f->n = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;

	st = stmt_get(s, STMT_PROGRESS_INVITED);
	bind_text(st, 1, survey);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	sqlite3_bind_int64(st, 4, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->invited = xgrow(out->invited, out->ninvited, &cap[1], sizeof *out->invited, 1024);
		struct progress_invited *v = &out->invited[out->ninvited++];
		col_copy(st, 0, v->agency, sizeof v->agency);
		v->encounter = sqlite3_column_int64(st, 1);
		col_copy(st, 2, v->channel, sizeof v->channel);
		v->answered = sqlite3_column_int(st, 3) != 0;
		v->expired = sqlite3_column_int(st, 4) != 0;
		const char *outcome = col_or_null(st, 5);
		v->outcome = outcome != NULL ? disposition_index(outcome) : -1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;

	st = stmt_get(s, STMT_PROGRESS_ANSWERS);
	bind_text(st, 1, survey);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->answers = xgrow(out->answers, out->nanswers, &cap[2], sizeof *out->answers, 256);
		struct progress_answers *a = &out->answers[out->nanswers++];
		col_copy(st, 0, a->agency, sizeof a->agency);
		col_copy(st, 1, a->channel, sizeof a->channel);
		a->day = sqlite3_column_int64(st, 2);
		a->linked = sqlite3_column_int(st, 3) != 0;
		a->n = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
fail:
	progress_rows_free(out);
	return map_rc(rc);
}
