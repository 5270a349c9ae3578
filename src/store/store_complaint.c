/* store_complaint — see include/store_complaint.h.  Complaints are few (a
 * citizen's form, a staff member's action): each statement is prepared for
 * its call and finalized, rather than kept with the connection. */
#include "store_complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* sql prepared on s's connection, or NULL (*e says why). */
static sqlite3_stmt *prep(struct store *s, const char *sql, enum store_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	*e = rc == SQLITE_OK ? STORE_OK : map_rc(rc);
	return rc == SQLITE_OK ? st : NULL;
}

/* Run st (no rows) and finalize it. */
static enum store_err run_once(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : map_rc(rc);
}

/* Column i as a malloc'd string ("" for NULL). */
static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return xstrdup(t ? (const char *)t : "");
}

#define CATEGORY_COLS "code, version, national, name_zh, name_en, discipline, position, retired"

static void category_row(sqlite3_stmt *st, struct complaint_category *c)
{
	memset(c, 0, sizeof *c);
	col_copy(st, 0, c->code, sizeof c->code);
	c->version = sqlite3_column_int(st, 1);
	c->national = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 2);
	col_copy(st, 3, c->name[LANG_ZH], sizeof c->name[LANG_ZH]);
	col_copy(st, 4, c->name[LANG_EN], sizeof c->name[LANG_EN]);
	c->discipline = sqlite3_column_int(st, 5) != 0;
	c->position = sqlite3_column_int(st, 6);
	c->retired = sqlite3_column_int(st, 7) != 0;
}

enum store_err store_complaint_categories(struct store *s, bool with_retired,
                                          struct complaint_category **out, size_t *n)
{
	enum store_err e;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(s, with_retired
	                               ? "SELECT " CATEGORY_COLS " FROM complaint_category ORDER BY retired, position, code"
	                               : "SELECT " CATEGORY_COLS " FROM complaint_category WHERE retired = 0 "
	                                 "ORDER BY position, code", &e);
	if (st == NULL)
		return e;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, *n, &cap, sizeof **out, 16);
		category_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return map_rc(rc);
	}
	return STORE_OK;
}

enum store_err store_complaint_category(struct store *s, const char *code,
                                        struct complaint_category *out)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "SELECT " CATEGORY_COLS " FROM complaint_category WHERE code = ?1", &e);
	if (st == NULL)
		return e;
	bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		category_row(st, out);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_complaint_categories_replace(struct store *s,
                                                  const struct complaint_category *v, size_t n,
                                                  int *version)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "SELECT coalesce(max(version), 0) + 1 FROM complaint_category", &e);
	if (st == NULL)
		return e;
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return map_rc(rc);
	/* Those no complaint names go; the others stay, retired, until loaded again. */
	st = prep(s, "DELETE FROM complaint_category WHERE code NOT IN "
	             "(SELECT category FROM complaint)", &e);
	if (st == NULL || (e = run_once(st)) != STORE_OK)
		return e;
	st = prep(s, "UPDATE complaint_category SET retired = 1", &e);
	if (st == NULL || (e = run_once(st)) != STORE_OK)
		return e;
	for (size_t i = 0; i < n; i++) {
		st = prep(s, "INSERT INTO complaint_category (" CATEGORY_COLS ") "
		             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0) ON CONFLICT (code) DO UPDATE SET "
		             "version = ?2, national = ?3, name_zh = ?4, name_en = ?5, discipline = ?6, "
		             "position = ?7, retired = 0", &e);
		if (st == NULL)
			return e;
		bind_text(st, 1, v[i].code);
		sqlite3_bind_int(st, 2, *version);
		if (v[i].national > 0)
			sqlite3_bind_int(st, 3, v[i].national);
		else
			sqlite3_bind_null(st, 3);
		bind_text(st, 4, v[i].name[LANG_ZH]);
		bind_text(st, 5, v[i].name[LANG_EN]);
		sqlite3_bind_int(st, 6, v[i].discipline ? 1 : 0);
		sqlite3_bind_int(st, 7, (int)i + 1);
		if ((e = run_once(st)) != STORE_OK)
			return e;
	}
	return STORE_OK;
}

void complaint_free(struct complaint *c)
{
	if (c == NULL)
		return;
	free(c->officer_text);
	free(c->place);
	free(c->what);
	c->officer_text = c->place = c->what = NULL;
}

enum store_err store_complaint_add(struct store *s, const struct complaint_new *c, long long *id)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "INSERT INTO complaint (code, track_hash, agency, officer, officer_text, "
	                           "category, happened_on, place, what, anonymous, contact_sealed, filed_on) "
	                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", &e);
	if (st == NULL)
		return e;
	bind_text(st, 1, c->code);
	sqlite3_bind_blob(st, 2, c->track_hash, 32, SQLITE_TRANSIENT);
	bind_text(st, 3, c->agency);
	bind_text(st, 4, c->officer);
	bind_text(st, 5, c->officer_text ? c->officer_text : "");
	bind_text(st, 6, c->category);
	bind_text(st, 7, c->happened_on);
	bind_text(st, 8, c->place ? c->place : "");
	bind_text(st, 9, c->what);
	sqlite3_bind_int(st, 10, c->anonymous ? 1 : 0);
	if (c->sealed != NULL)
		sqlite3_bind_blob(st, 11, c->sealed, (int)c->nsealed, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 11);
	bind_text(st, 12, c->filed_on);
	e = run_once(st);
	if (e == STORE_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return e;
}

#define COMPLAINT_COLS \
	"c.id, c.code, c.agency, coalesce(c.officer, ''), coalesce(o.name, ''), c.category, " \
	"coalesce(c.happened_on, ''), c.filed_on, c.state, coalesce(c.due, ''), c.anonymous, " \
	"c.contact_sealed IS NOT NULL, c.officer_text, c.place, c.what " \
	"FROM complaint c LEFT JOIN officer o ON o.cert_no = c.officer "

static void complaint_row(sqlite3_stmt *st, struct complaint *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, c->code, sizeof c->code);
	col_copy(st, 2, c->agency, sizeof c->agency);
	col_copy(st, 3, c->officer, sizeof c->officer);
	col_copy(st, 4, c->officer_name, sizeof c->officer_name);
	col_copy(st, 5, c->category, sizeof c->category);
	col_copy(st, 6, c->happened_on, sizeof c->happened_on);
	col_copy(st, 7, c->filed_on, sizeof c->filed_on);
	col_copy(st, 8, c->state, sizeof c->state);
	col_copy(st, 9, c->due, sizeof c->due);
	c->anonymous = sqlite3_column_int(st, 10) != 0;
	c->has_contact = sqlite3_column_int(st, 11) != 0;
	c->officer_text = col_dup(st, 12);
	c->place = col_dup(st, 13);
	c->what = col_dup(st, 14);
}

/* The one row st (bound) finds. */
static enum store_err complaint_one(sqlite3_stmt *st, struct complaint *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		complaint_row(st, out);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_complaint_get(struct store *s, const char *code, struct complaint *out)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "SELECT " COMPLAINT_COLS "WHERE c.code = ?1", &e);
	if (st == NULL)
		return e;
	bind_text(st, 1, code);
	return complaint_one(st, out);
}

enum store_err store_complaint_by_track(struct store *s, const unsigned char hash[32],
                                        struct complaint *out)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "SELECT " COMPLAINT_COLS "WHERE c.track_hash = ?1", &e);
	if (st == NULL)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
	return complaint_one(st, out);
}

enum store_err store_complaint_list(struct store *s, const char *state, const char *forwarded_to,
                                    struct complaint **out, size_t *n)
{
	enum store_err e;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(s, "SELECT " COMPLAINT_COLS
	                           "WHERE (?1 IS NULL OR c.state = ?1) AND (?2 IS NULL OR (c.agency = ?2 AND "
	                           "EXISTS (SELECT 1 FROM complaint_event e WHERE e.complaint = c.id "
	                           "AND e.action = 'forward') AND NOT EXISTS (SELECT 1 FROM complaint_event e "
	                           "WHERE e.complaint = c.id AND e.action = 'transfer'))) ORDER BY c.id DESC", &e);
	if (st == NULL)
		return e;
	bind_text(st, 1, state);
	bind_text(st, 2, forwarded_to);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, *n, &cap, sizeof **out, 16);
		complaint_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < *n; i++)
			complaint_free(&(*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
		return map_rc(rc);
	}
	return STORE_OK;
}

enum store_err store_complaint_events(struct store *s, long long complaint,
                                      struct complaint_event **out, size_t *n)
{
	enum store_err e;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(s, "SELECT id, at, actor, action, receiver, coalesce(due, ''), note "
	                           "FROM complaint_event WHERE complaint = ?1 ORDER BY id", &e);
	if (st == NULL)
		return e;
	sqlite3_bind_int64(st, 1, complaint);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, *n, &cap, sizeof **out, 8);
		struct complaint_event *ev = &(*out)[(*n)++];
		memset(ev, 0, sizeof *ev);
		ev->id = sqlite3_column_int64(st, 0);
		col_copy(st, 1, ev->at, sizeof ev->at);
		col_copy(st, 2, ev->actor, sizeof ev->actor);
		col_copy(st, 3, ev->action, sizeof ev->action);
		col_copy(st, 4, ev->receiver, sizeof ev->receiver);
		col_copy(st, 5, ev->due, sizeof ev->due);
		ev->note = col_dup(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		complaint_events_free(*out, *n);
		*out = NULL;
		*n = 0;
		return map_rc(rc);
	}
	return STORE_OK;
}

void complaint_events_free(struct complaint_event *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i].note);
	free(v);
}

enum store_err store_complaint_event_add(struct store *s, long long complaint, const char *actor,
                                         const char *action, const char *receiver,
                                         const char *due, const char *note)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "INSERT INTO complaint_event (complaint, actor, action, receiver, due, note) "
	                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &e);
	if (st == NULL)
		return e;
	sqlite3_bind_int64(st, 1, complaint);
	bind_text(st, 2, actor);
	bind_text(st, 3, action);
	bind_text(st, 4, receiver ? receiver : "");
	bind_text(st, 5, due);
	bind_text(st, 6, note ? note : "");
	return run_once(st);
}

enum store_err store_complaint_set_state(struct store *s, long long complaint, const char *state,
                                         const char *due)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "UPDATE complaint SET state = ?2, due = ?3 WHERE id = ?1", &e);
	if (st == NULL)
		return e;
	sqlite3_bind_int64(st, 1, complaint);
	bind_text(st, 2, state);
	bind_text(st, 3, due);
	return run_once(st);
}

enum store_err store_complaint_contact(struct store *s, long long complaint, unsigned char **out,
                                       size_t *n)
{
	enum store_err e;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prep(s, "SELECT contact_sealed FROM complaint WHERE id = ?1 "
	                           "AND contact_sealed IS NOT NULL", &e);
	if (st == NULL)
		return e;
	sqlite3_bind_int64(st, 1, complaint);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_bytes(st, 0);
		*out = xmalloc(*n ? *n : 1);
		memcpy(*out, sqlite3_column_blob(st, 0), *n);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_complaint_officer(struct store *s, const char *cert, char *name, char *agency)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "SELECT name, agency FROM officer WHERE cert_no = ?1", &e);
	if (st == NULL)
		return e;
	bind_text(st, 1, cert);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, name, 128);
		col_copy(st, 1, agency, 65);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_complaint_transfer_seq(struct store *s, long long event, long long *seq)
{
	enum store_err e;
	sqlite3_stmt *st = prep(s, "SELECT count(*) FROM complaint_event WHERE action = 'transfer' AND id <= ?1 "
	                           "AND substr(at, 1, 4) = (SELECT substr(at, 1, 4) FROM complaint_event "
	                           "WHERE id = ?1)", &e);
	if (st == NULL)
		return e;
	sqlite3_bind_int64(st, 1, event);
	int rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : map_rc(rc);
}
