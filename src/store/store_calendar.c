/* store_calendar — see include/workdays.h: the calendar's tables, calendar_day
 * (marked days) and calendar_year (covered years and their source). */
#include "workdays.h"

#include "store_internal.h"

/* Prepare sql on s (not cached: the calendar is read once per process). */
static enum store_err prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	return map_rc(sqlite3_prepare_v2(s->db, sql, -1, st, NULL));
}

/* Step st to its end, each row read by row() into a new element of size
 * bytes of *out (*n of them); st is finalized.  On error *out is NULL. */
static enum store_err read_rows(sqlite3_stmt *st, void **out, size_t *n, size_t size,
                                void (*row)(sqlite3_stmt *, void *))
{
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, *n, &cap, size, 64);
		row(st, (char *)*out + size * (*n)++);
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

static void day_row(sqlite3_stmt *st, void *elem)
{
	struct calendar_mark *m = elem;
	col_copy(st, 0, m->date, sizeof m->date);
	col_copy(st, 1, m->kind, sizeof m->kind);
	col_copy(st, 2, m->name, sizeof m->name);
}

static void year_row(sqlite3_stmt *st, void *elem)
{
	struct calendar_source *y = elem;
	y->year = sqlite3_column_int(st, 0);
	col_copy(st, 1, y->source, sizeof y->source);
}

enum store_err store_calendar_days(struct store *s, int year, struct calendar_mark **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	enum store_err e = prepare(s, "SELECT date, kind, name FROM calendar_day "
	                              "WHERE ?1 = 0 OR substr(date, 1, 4) = printf('%04d', ?1) ORDER BY date", &st);
	if (e != STORE_OK)
		return e;
	sqlite3_bind_int(st, 1, year);
	return read_rows(st, (void **)out, n, sizeof **out, day_row);
}

enum store_err store_calendar_years(struct store *s, struct calendar_source **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	enum store_err e = prepare(s, "SELECT year, source FROM calendar_year ORDER BY year", &st);
	if (e != STORE_OK)
		return e;
	return read_rows(st, (void **)out, n, sizeof **out, year_row);
}

/* Run sql with year bound as ?1 and text (unless NULL) as ?2. */
static enum store_err run_year(struct store *s, const char *sql, int year, const char *text)
{
	sqlite3_stmt *st;
	enum store_err e = prepare(s, sql, &st);
	if (e != STORE_OK)
		return e;
	sqlite3_bind_int(st, 1, year);
	if (text != NULL)
		bind_text(st, 2, text);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_calendar_replace_year(struct store *s, int year, const char *source,
                                           const struct calendar_mark *days, size_t n)
{
	enum store_err e = run_year(s, "DELETE FROM calendar_day WHERE substr(date, 1, 4) = printf('%04d', ?1)",
	                     year, NULL);
	if (e == STORE_OK)
		e = run_year(s, "INSERT INTO calendar_year (year, source) VALUES (?1, ?2) "
		                "ON CONFLICT (year) DO UPDATE SET source = ?2", year, source);
	if (e != STORE_OK)
		return e;
	sqlite3_stmt *st;
	e = prepare(s, "INSERT INTO calendar_day (date, kind, name) VALUES (?1, ?2, ?3)", &st);
	for (size_t i = 0; e == STORE_OK && i < n; i++) {
		sqlite3_reset(st);
		bind_text(st, 1, days[i].date);
		bind_text(st, 2, days[i].kind);
		bind_text(st, 3, days[i].name);
		int rc = sqlite3_step(st);
		if (rc != SQLITE_DONE)
			e = map_rc(rc);
	}
	if (st != NULL)
		sqlite3_finalize(st);
	return e;
}
