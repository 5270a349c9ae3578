/* calendar_import — see include/calendar_import.h: `manyi import calendar FILE.csv`. */
#include "calendar_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The days a file may name: 1900-01-01 .. 2999-12-31 (date_valid's range). */
#define FIRST_YEAR 1900
#define LAST_YEAR 2999

static const char *const columns[] = {"date", "kind", "name"};

struct import_ctx {
	struct store *s;
	const char *source;
	int col[3];
	long long first_day;  /* days of 1900-01-01 */
	unsigned *line_of;    /* by day from first_day: the line that named it, 0 none */
	size_t ndays;
	unsigned char *seen;  /* by year - FIRST_YEAR: replaced already */
};

static bool import_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	return import_columns(h, columns, 3, 2, c->col, msg, n);
}

static const char *const weekdays[] = {"a Monday", "a Tuesday", "a Wednesday", "a Thursday",
                                       "a Friday", "a Saturday", "a Sunday"};

static bool import_row(void *ctx, const struct csvin_row *r, struct import_result *res, char *msg,
                       size_t n)
{
	struct import_ctx *c = ctx;
	const char *date = r->field[c->col[0]], *kind = r->field[c->col[1]];
	const char *name = c->col[2] < 0 ? "" : r->field[c->col[2]];
	char q[IMPORT_QUOTE_SIZE];
	long long day;
	if (!date_valid(date) || !day_parse(date, &day)) {
		snprintf(msg, n, "date %s is not a date YYYY-MM-DD (years 1900 to 2999)", import_quote(date, q));
		return false;
	}
	bool holiday = strcmp(kind, "holiday") == 0;
	if (!holiday && strcmp(kind, "workday") != 0) {
		snprintf(msg, n, "kind %s is not holiday (a weekday off) or workday (a weekend day worked)",
		         import_quote(kind, q));
		return false;
	}
	int wd = (int)(((day % 7) + 7 + 3) % 7);
	if (holiday && wd >= 5) {
		snprintf(msg, n, "%s is %s: a holiday is a weekday off (weekends are off already)", date, weekdays[wd]);
		return false;
	}
	if (!holiday && wd < 5) {
		snprintf(msg, n, "%s is %s: a workday is a weekend day worked (调休)", date, weekdays[wd]);
		return false;
	}
	if (strlen(name) >= sizeof ((struct calendar_mark *)0)->name) {
		snprintf(msg, n, "name is longer than %zu bytes", sizeof ((struct calendar_mark *)0)->name - 1);
		return false;
	}
	size_t at = (size_t)(day - c->first_day);
	if (c->line_of[at] != 0) {
		snprintf(msg, n, "duplicate date %s (first on line %u)", date, c->line_of[at]);
		return false;
	}
	c->line_of[at] = (unsigned)r->line;
	struct calendar_mark m;
	snprintf(m.date, sizeof m.date, "%s", date);
	snprintf(m.kind, sizeof m.kind, "%s", kind);
	snprintf(m.name, sizeof m.name, "%s", name);
	int year = atoi(date);
	/* The year's first row replaces the year (its days gone, covered); the
	 * rest add theirs. */
	enum store_err e = c->seen[year - FIRST_YEAR]
	                           ? store_calendar_add_day(c->s, &m)
	                           : store_calendar_replace_year(c->s, year, c->source, &m, 1);
	c->seen[year - FIRST_YEAR] = 1;
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot store %s: %s", date, store_strerror(e));
		res->store_err = e == STORE_ERR_NOTFOUND ? STORE_ERR_SQL : e;
		return false;
	}
	res->created++;
	return true;
}

enum import_err calendar_import(struct store *s, const char *path, struct import_result *res,
                                char *msg, size_t msglen)
{
	const char *base = strrchr(path, '/');
	char *source = xasprintf("import %s", base ? base + 1 : path);
	struct import_ctx c = {.s = s, .source = source};
	c.first_day = days_from_civil(FIRST_YEAR, 1, 1);
	c.ndays = (size_t)(days_from_civil(LAST_YEAR + 1, 1, 1) - c.first_day);
	c.line_of = xcalloc(c.ndays, sizeof *c.line_of);
	c.seen = xcalloc(LAST_YEAR - FIRST_YEAR + 1, 1);
	const struct importer imp = {
		.action = "import calendar",
		.noun = "calendar days",
		.header = import_header,
		.row = import_row,
		.ctx = &c,
	};
	enum import_err e = import_csv(s, path, &imp, false, res, msg, msglen);
	free(c.line_of);
	free(c.seen);
	free(source);
	return e;
}
