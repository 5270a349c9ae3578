/* store_officer — see include/store_officer.h. */
#include "store_officer.h"

#include "store_internal.h"

/* All the SQL of this file, in one place. */
enum officer_sql { OS_PUT, OS_EXISTS, OS_GET, OS_FIND, OS_ENC_ADD, OS_ENC_LIST, OS_EACH_RESP, OS__MAX };

#define OFFICER_COLS "cert_no, name, agency, status, valid_until, category, area"

static const char *const officer_sql[OS__MAX] = {
	[OS_PUT] = "INSERT INTO officer (" OFFICER_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	           "ON CONFLICT (cert_no) DO UPDATE SET name = ?2, agency = ?3, status = ?4, "
	           "valid_until = ?5, category = ?6, area = ?7, "
	           "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
	[OS_EXISTS] = "SELECT 1 FROM officer WHERE cert_no = ?1",
	[OS_GET] = "SELECT " OFFICER_COLS " FROM officer WHERE cert_no = ?1 LIMIT ?2",
	[OS_FIND] = "SELECT " OFFICER_COLS " FROM officer WHERE cert_no = ?1 OR name = ?1 "
	            "ORDER BY cert_no <> ?1, name, cert_no LIMIT ?2",
	[OS_ENC_ADD] = "INSERT INTO enc_officer (enc, cert_no, seq) "
	               "SELECT id, ?2, ?3 FROM enc WHERE code = ?1",
	[OS_ENC_LIST] = "SELECT o.cert_no, o.name, o.agency, o.status, o.valid_until, o.category, o.area "
	                "FROM enc e JOIN enc_officer eo ON eo.enc = e.id "
	                "JOIN officer o ON o.cert_no = eo.cert_no WHERE e.code = ?1 "
	                "ORDER BY eo.seq LIMIT ?2",
	[OS_EACH_RESP] = "SELECT r.id, eo.cert_no FROM resp r "
	                 "JOIN enc_officer eo ON eo.enc = r.encounter "
	                 "WHERE r.survey = (SELECT id FROM code WHERE kind = 'survey' AND text = ?1) "
	                 "ORDER BY r.id, eo.seq",
};

/* Statement id prepared into *st for this call: finalize it after. */
static enum store_err prep(struct store *s, enum officer_sql id, sqlite3_stmt **st)
{
	*st = NULL;
	return map_rc(sqlite3_prepare_v2(s->db, officer_sql[id], -1, st, NULL));
}

/* Copy the OFFICER_COLS of the current row into *o. */
static void officer_row(sqlite3_stmt *st, struct officer *o)
{
	col_copy(st, 0, o->cert_no, sizeof o->cert_no);
	col_copy(st, 1, o->name, sizeof o->name);
	col_copy(st, 2, o->agency, sizeof o->agency);
	col_copy(st, 3, o->status, sizeof o->status);
	col_copy(st, 4, o->valid_until, sizeof o->valid_until);
	col_copy(st, 5, o->category, sizeof o->category);
	col_copy(st, 6, o->area, sizeof o->area);
}

enum store_err store_officer_put(struct store *s, const struct officer *o, bool *created)
{
	sqlite3_stmt *st;
	enum store_err e = prep(s, OS_EXISTS, &st);
	bool there = false;
	if (e == STORE_OK) {
		bind_text(st, 1, o->cert_no);
		int rc = sqlite3_step(st);
		there = rc == SQLITE_ROW;
		e = map_rc(rc);
	}
	sqlite3_finalize(st);
	if (e != STORE_OK || (e = prep(s, OS_PUT, &st)) != STORE_OK) {
		sqlite3_finalize(st);
		return e;
	}
	bind_text(st, 1, o->cert_no);
	bind_text(st, 2, o->name);
	bind_text(st, 3, o->agency);
	bind_text(st, 4, o->status);
	bind_text(st, 5, o->valid_until);
	bind_text(st, 6, o->category);
	bind_text(st, 7, o->area);
	e = map_rc(sqlite3_step(st));
	sqlite3_finalize(st);
	if (e == STORE_OK && created != NULL)
		*created = !there;
	return e;
}

/* The rows of statement id (?1 text, ?2 max) into out: at most max, *n of them. */
static enum store_err officer_list(struct store *s, enum officer_sql id, const char *text,
                                   struct officer *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	enum store_err e = prep(s, id, &st);
	*n = 0;
	if (e == STORE_OK) {
		int rc;
		bind_text(st, 1, text);
		sqlite3_bind_int64(st, 2, (long long)max);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
			officer_row(st, &out[(*n)++]);
		e = map_rc(rc);
	}
	sqlite3_finalize(st);
	return e;
}

enum store_err store_officer_get(struct store *s, const char *cert_no, struct officer *o)
{
	size_t n;
	enum store_err e = officer_list(s, OS_GET, cert_no, o, 1, &n);
	return e == STORE_OK && n == 0 ? STORE_ERR_NOTFOUND : e;
}

enum store_err store_officer_find(struct store *s, const char *q, struct officer *out, size_t max,
                                  size_t *n)
{
	return officer_list(s, OS_FIND, q, out, max, n);
}

enum store_err store_enc_officer_add(struct store *s, const char *enc_code, const char *cert_no,
                                     int seq)
{
	sqlite3_stmt *st;
	enum store_err e = prep(s, OS_ENC_ADD, &st);
	if (e == STORE_OK) {
		bind_text(st, 1, enc_code);
		bind_text(st, 2, cert_no);
		sqlite3_bind_int(st, 3, seq);
		e = map_rc(sqlite3_step(st));
		if (e == STORE_OK && sqlite3_changes(s->db) == 0)
			e = STORE_ERR_NOTFOUND; /* no such encounter */
	}
	sqlite3_finalize(st);
	return e;
}

enum store_err store_enc_officers(struct store *s, const char *enc_code, struct officer *out,
                                  size_t max, size_t *n)
{
	return officer_list(s, OS_ENC_LIST, enc_code, out, max, n);
}

enum store_err store_each_response_officer(struct store *s, const char *survey,
                                           bool (*fn)(void *ctx, long long response,
                                                      const char *cert_no),
                                           void *ctx)
{
	sqlite3_stmt *st;
	enum store_err e = prep(s, OS_EACH_RESP, &st);
	if (e == STORE_OK) {
		int rc;
		bind_text(st, 1, survey);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (!fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1))) {
				rc = SQLITE_DONE;
				break;
			}
		e = map_rc(rc);
	}
	sqlite3_finalize(st);
	return e;
}
