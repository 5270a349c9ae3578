/* calendar — see include/calendar.h: the calendar's tables, calendar_day
 * (marked days) and calendar_year (covered years and their source). */
#include "calendar.h"

#include "store_internal.h"

/*
 * Migration 16: the working-day calendar 2022-2026 from the State Council's
 * notices (DOMAIN.md §5): every public holiday that falls on a weekday
 * ('holiday') and every weekend day worked in exchange (调休, 'workday'),
 * with the festival's name.  Keyed by date: the 2023 notice's New Year
 * holiday begins on Saturday 2022-12-31 (a weekend day, so no row), and its
 * Monday 2023-01-02 is a 2023 row.  Weekdays off: 2022 18, 2023 18, 2024 19,
 * 2025 18, 2026 19.  `manyi import calendar` replaces a year wholly.
 */
const char store_migration_calendar[] =
	"INSERT INTO calendar_day (date, kind, name) VALUES "
	"('2022-01-03','holiday','元旦 New Year''s Day'),"
	"('2022-01-29','workday','春节 Spring Festival'),"
	"('2022-01-30','workday','春节 Spring Festival'),"
	"('2022-01-31','holiday','春节 Spring Festival'),"
	"('2022-02-01','holiday','春节 Spring Festival'),"
	"('2022-02-02','holiday','春节 Spring Festival'),"
	"('2022-02-03','holiday','春节 Spring Festival'),"
	"('2022-02-04','holiday','春节 Spring Festival'),"
	"('2022-04-02','workday','清明节 Qingming Festival'),"
	"('2022-04-04','holiday','清明节 Qingming Festival'),"
	"('2022-04-05','holiday','清明节 Qingming Festival'),"
	"('2022-04-24','workday','劳动节 Labour Day'),"
	"('2022-05-02','holiday','劳动节 Labour Day'),"
	"('2022-05-03','holiday','劳动节 Labour Day'),"
	"('2022-05-04','holiday','劳动节 Labour Day'),"
	"('2022-05-07','workday','劳动节 Labour Day'),"
	"('2022-06-03','holiday','端午节 Dragon Boat Festival'),"
	"('2022-09-12','holiday','中秋节 Mid-Autumn Festival'),"
	"('2022-10-03','holiday','国庆节 National Day'),"
	"('2022-10-04','holiday','国庆节 National Day'),"
	"('2022-10-05','holiday','国庆节 National Day'),"
	"('2022-10-06','holiday','国庆节 National Day'),"
	"('2022-10-07','holiday','国庆节 National Day'),"
	"('2022-10-08','workday','国庆节 National Day'),"
	"('2022-10-09','workday','国庆节 National Day');"
	"INSERT INTO calendar_day (date, kind, name) VALUES "
	"('2023-01-02','holiday','元旦 New Year''s Day'),"
	"('2023-01-23','holiday','春节 Spring Festival'),"
	"('2023-01-24','holiday','春节 Spring Festival'),"
	"('2023-01-25','holiday','春节 Spring Festival'),"
	"('2023-01-26','holiday','春节 Spring Festival'),"
	"('2023-01-27','holiday','春节 Spring Festival'),"
	"('2023-01-28','workday','春节 Spring Festival'),"
	"('2023-01-29','workday','春节 Spring Festival'),"
	"('2023-04-05','holiday','清明节 Qingming Festival'),"
	"('2023-04-23','workday','劳动节 Labour Day'),"
	"('2023-05-01','holiday','劳动节 Labour Day'),"
	"('2023-05-02','holiday','劳动节 Labour Day'),"
	"('2023-05-03','holiday','劳动节 Labour Day'),"
	"('2023-05-06','workday','劳动节 Labour Day'),"
	"('2023-06-22','holiday','端午节 Dragon Boat Festival'),"
	"('2023-06-23','holiday','端午节 Dragon Boat Festival'),"
	"('2023-06-25','workday','端午节 Dragon Boat Festival'),"
	"('2023-09-29','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2023-10-02','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2023-10-03','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2023-10-04','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2023-10-05','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2023-10-06','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2023-10-07','workday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2023-10-08','workday','中秋节、国庆节 Mid-Autumn Festival, National Day');"
	"INSERT INTO calendar_day (date, kind, name) VALUES "
	"('2024-01-01','holiday','元旦 New Year''s Day'),"
	"('2024-02-04','workday','春节 Spring Festival'),"
	"('2024-02-12','holiday','春节 Spring Festival'),"
	"('2024-02-13','holiday','春节 Spring Festival'),"
	"('2024-02-14','holiday','春节 Spring Festival'),"
	"('2024-02-15','holiday','春节 Spring Festival'),"
	"('2024-02-16','holiday','春节 Spring Festival'),"
	"('2024-02-18','workday','春节 Spring Festival'),"
	"('2024-04-04','holiday','清明节 Qingming Festival'),"
	"('2024-04-05','holiday','清明节 Qingming Festival'),"
	"('2024-04-07','workday','清明节 Qingming Festival'),"
	"('2024-04-28','workday','劳动节 Labour Day'),"
	"('2024-05-01','holiday','劳动节 Labour Day'),"
	"('2024-05-02','holiday','劳动节 Labour Day'),"
	"('2024-05-03','holiday','劳动节 Labour Day'),"
	"('2024-05-11','workday','劳动节 Labour Day'),"
	"('2024-06-10','holiday','端午节 Dragon Boat Festival'),"
	"('2024-09-14','workday','中秋节 Mid-Autumn Festival'),"
	"('2024-09-16','holiday','中秋节 Mid-Autumn Festival'),"
	"('2024-09-17','holiday','中秋节 Mid-Autumn Festival'),"
	"('2024-09-29','workday','国庆节 National Day'),"
	"('2024-10-01','holiday','国庆节 National Day'),"
	"('2024-10-02','holiday','国庆节 National Day'),"
	"('2024-10-03','holiday','国庆节 National Day'),"
	"('2024-10-04','holiday','国庆节 National Day'),"
	"('2024-10-07','holiday','国庆节 National Day'),"
	"('2024-10-12','workday','国庆节 National Day');"
	"INSERT INTO calendar_day (date, kind, name) VALUES "
	"('2025-01-01','holiday','元旦 New Year''s Day'),"
	"('2025-01-26','workday','春节 Spring Festival'),"
	"('2025-01-28','holiday','春节 Spring Festival'),"
	"('2025-01-29','holiday','春节 Spring Festival'),"
	"('2025-01-30','holiday','春节 Spring Festival'),"
	"('2025-01-31','holiday','春节 Spring Festival'),"
	"('2025-02-03','holiday','春节 Spring Festival'),"
	"('2025-02-04','holiday','春节 Spring Festival'),"
	"('2025-02-08','workday','春节 Spring Festival'),"
	"('2025-04-04','holiday','清明节 Qingming Festival'),"
	"('2025-04-27','workday','劳动节 Labour Day'),"
	"('2025-05-01','holiday','劳动节 Labour Day'),"
	"('2025-05-02','holiday','劳动节 Labour Day'),"
	"('2025-05-05','holiday','劳动节 Labour Day'),"
	"('2025-06-02','holiday','端午节 Dragon Boat Festival'),"
	"('2025-09-28','workday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2025-10-01','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2025-10-02','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2025-10-03','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2025-10-06','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2025-10-07','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2025-10-08','holiday','中秋节、国庆节 Mid-Autumn Festival, National Day'),"
	"('2025-10-11','workday','中秋节、国庆节 Mid-Autumn Festival, National Day');"
	"INSERT INTO calendar_day (date, kind, name) VALUES "
	"('2026-01-01','holiday','元旦 New Year''s Day'),"
	"('2026-01-02','holiday','元旦 New Year''s Day'),"
	"('2026-01-04','workday','元旦 New Year''s Day'),"
	"('2026-02-14','workday','春节 Spring Festival'),"
	"('2026-02-16','holiday','春节 Spring Festival'),"
	"('2026-02-17','holiday','春节 Spring Festival'),"
	"('2026-02-18','holiday','春节 Spring Festival'),"
	"('2026-02-19','holiday','春节 Spring Festival'),"
	"('2026-02-20','holiday','春节 Spring Festival'),"
	"('2026-02-23','holiday','春节 Spring Festival'),"
	"('2026-02-28','workday','春节 Spring Festival'),"
	"('2026-04-06','holiday','清明节 Qingming Festival'),"
	"('2026-05-01','holiday','劳动节 Labour Day'),"
	"('2026-05-04','holiday','劳动节 Labour Day'),"
	"('2026-05-05','holiday','劳动节 Labour Day'),"
	"('2026-05-09','workday','劳动节 Labour Day'),"
	"('2026-06-19','holiday','端午节 Dragon Boat Festival'),"
	"('2026-09-20','workday','国庆节 National Day'),"
	"('2026-09-25','holiday','中秋节 Mid-Autumn Festival'),"
	"('2026-10-01','holiday','国庆节 National Day'),"
	"('2026-10-02','holiday','国庆节 National Day'),"
	"('2026-10-05','holiday','国庆节 National Day'),"
	"('2026-10-06','holiday','国庆节 National Day'),"
	"('2026-10-07','holiday','国庆节 National Day'),"
	"('2026-10-10','workday','国庆节 National Day');"
	"INSERT INTO calendar_year (year, source) VALUES "
	"(2022,'国务院办公厅关于2022年部分节假日安排的通知 (2021-10-25)'),"
	"(2023,'国务院办公厅关于2023年部分节假日安排的通知 (2022-12-08)'),"
	"(2024,'国务院办公厅关于2024年部分节假日安排的通知 (2023-10-25)'),"
	"(2025,'国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)'),"
	"(2026,'国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)');";

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
	/* Year 0: only insert the days (store_calendar_add_day). */
	enum store_err e = year == 0 ? STORE_OK
	                 : run_year(s, "DELETE FROM calendar_day WHERE substr(date, 1, 4) = printf('%04d', ?1)",
	                            year, NULL);
	if (e == STORE_OK && year != 0)
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

enum store_err store_calendar_add_day(struct store *s, const struct calendar_mark *m)
{
	return store_calendar_replace_year(s, 0, NULL, m, 1);
}
