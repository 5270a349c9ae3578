/* store_duty — see include/store_duty.h.  Each statement is prepared on its
 * first use and kept with the connection (stmt_prepared), as the store's own:
 * an import puts one row a call. */
#include "store_duty.h"

#include "store_internal.h"

enum duty_stmt {
	DS_DUTY_PUT, DS_DUTY_AGENCY, DS_PERFORMANCE_PUT, DS_QUALITY_PUT, DS_DUTY_YEAR,
	DS_QUALITY_YEAR, DS_EVALUATION_ADD, DS_EVALUATION_LATEST, DS__MAX
};
_Static_assert(DS__MAX <= STORE_DUTY_STMTS, "raise STORE_DUTY_STMTS");

/* Statement id (its text sql), prepared once per connection, reset. */
static sqlite3_stmt *prep(struct store *s, enum duty_stmt id, const char *sql)
{
	return stmt_prepared(s, &s->duty_stmt[id], sql);
}

/* Run st to its end (step_done resets it). */
static enum store_err run(sqlite3_stmt *st)
{
	return step_done(st);
}

enum store_err store_duty_put(struct store *s, const char *code, const char *agency,
                              const char *domain, const char *name, const char *basis,
                              long long required)
{
	sqlite3_stmt *st = prep(s, DS_DUTY_PUT, "INSERT INTO duty (code, agency, domain, name, basis, required) "
	                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (code) DO UPDATE SET "
	                           "agency = ?2, domain = ?3, name = ?4, basis = ?5, required = ?6");
	bind_text(st, 1, code);
	bind_text(st, 2, agency);
	bind_text(st, 3, domain);
	bind_text(st, 4, name);
	bind_text(st, 5, basis);
	sqlite3_bind_int64(st, 6, required);
	return run(st);
}

enum store_err store_duty_agency(struct store *s, const char *code, char *agency)
{
	sqlite3_stmt *st = prep(s, DS_DUTY_AGENCY, "SELECT agency FROM duty WHERE code = ?1");
	bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		col_copy(st, 0, agency, 65);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_performance_put(struct store *s, const char *duty, int year,
                                     long long performed, const char *records)
{
	sqlite3_stmt *st = prep(s, DS_PERFORMANCE_PUT, "INSERT OR REPLACE INTO performance (duty, year, performed, records) "
	                           "VALUES (?1, ?2, ?3, ?4)");
	bind_text(st, 1, duty);
	sqlite3_bind_int(st, 2, year);
	sqlite3_bind_int64(st, 3, performed);
	bind_text(st, 4, records ? records : "");
	return run(st);
}

enum store_err store_quality_score_put(struct store *s, int year, const char *agency,
                                       double score, double se, long long n)
{
	sqlite3_stmt *st = prep(s, DS_QUALITY_PUT, "INSERT OR REPLACE INTO quality_score (year, agency, score, se, n) "
	                           "VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_int(st, 1, year);
	bind_text(st, 2, agency);
	sqlite3_bind_double(st, 3, score);
	sqlite3_bind_double(st, 4, se);
	sqlite3_bind_int64(st, 5, n);
	return run(st);
}

enum store_err store_duty_year(struct store *s, int year, struct duty_rows *out)
{
	sqlite3_stmt *st = prep(s, DS_DUTY_YEAR, "SELECT d.code, d.agency, d.domain, d.name, d.required, "
	                           "coalesce(p.performed, 0), p.duty IS NOT NULL FROM duty d "
	                           "LEFT JOIN performance p ON p.duty = d.code AND p.year = ?1 "
	                           "ORDER BY d.agency, d.code");
	size_t cap = 0;
	int rc;
	out->v = NULL;
	out->n = 0;
	sqlite3_bind_int(st, 1, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? 2 * cap : 16;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		struct duty_row *d = &out->v[out->n++];
		col_copy(st, 0, d->code, sizeof d->code);
		col_copy(st, 1, d->agency, sizeof d->agency);
		col_copy(st, 2, d->domain, sizeof d->domain);
		d->name = xstrdup((const char *)sqlite3_column_text(st, 3));
		d->required = sqlite3_column_int64(st, 4);
		d->performed = sqlite3_column_int64(st, 5);
		d->reported = sqlite3_column_int(st, 6) != 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		duty_rows_free(out);
		return map_rc(rc);
	}
	return STORE_OK;
}

void duty_rows_free(struct duty_rows *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

enum store_err store_quality_scores(struct store *s, int year, struct quality_score **out,
                                    size_t *n)
{
	sqlite3_stmt *st = prep(s, DS_QUALITY_YEAR, "SELECT agency, score, se, n FROM quality_score WHERE year = ?1 "
	                           "ORDER BY agency");
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	sqlite3_bind_int(st, 1, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct quality_score *q = &(*out)[(*n)++];
		col_copy(st, 0, q->agency, sizeof q->agency);
		q->score = sqlite3_column_double(st, 1);
		q->se = sqlite3_column_double(st, 2);
		q->n = sqlite3_column_int64(st, 3);
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

enum store_err store_evaluation_add(struct store *s, int year, const char *weights,
                                    const char *bands, long long seed, const char *weighting,
                                    const char *measure, const char *result)
{
	sqlite3_stmt *st = prep(s, DS_EVALUATION_ADD, "INSERT INTO evaluation (year, weights, bands, seed, weighting, "
	                           "measure, result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_bind_int(st, 1, year);
	bind_text(st, 2, weights);
	bind_text(st, 3, bands);
	sqlite3_bind_int64(st, 4, seed);
	bind_text(st, 5, weighting);
	bind_text(st, 6, measure);
	bind_text(st, 7, result);
	return run(st);
}

enum store_err store_evaluation_latest(struct store *s, int year, char **json_out)
{
	sqlite3_stmt *st = prep(s, DS_EVALUATION_LATEST, "SELECT result FROM evaluation WHERE year = ?1 ORDER BY id DESC LIMIT 1");
	sqlite3_bind_int(st, 1, year);
	int rc = sqlite3_step(st);
	*json_out = NULL;
	if (rc == SQLITE_ROW)
		*json_out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}
