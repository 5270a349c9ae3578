/* workdays — see include/workdays.h: the calendar in memory and counts of
 * working days.  Days are numbered from 1970-01-01 (util.h's civil days). */
#include "workdays.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct mark {
	long long day;
	int workday; /* 1: a weekend day worked; 0: a weekday holiday */
};

struct calendar {
	struct mark *marks; /* by day */
	size_t nmarks;
	int *years;         /* covered, ascending */
	size_t nyears;
};

static int cmp_mark(const void *a, const void *b)
{
	long long x = ((const struct mark *)a)->day, y = ((const struct mark *)b)->day;
	return (x > y) - (x < y);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

enum store_err calendar_load(struct store *s, struct calendar **out)
{
	*out = NULL;
	struct calendar_mark *days;
	struct calendar_source *years;
	size_t nd, ny;
	enum store_err e = store_calendar_days(s, 0, &days, &nd);
	if (e != STORE_OK)
		return e;
	e = store_calendar_years(s, &years, &ny);
	if (e != STORE_OK) {
		free(days);
		return e;
	}
	struct calendar *c = calloc(1, sizeof *c);
	if (c != NULL) {
		c->marks = calloc(nd ? nd : 1, sizeof *c->marks);
		c->years = calloc(ny ? ny : 1, sizeof *c->years);
	}
	if (c == NULL || c->marks == NULL || c->years == NULL) {
		calendar_free(c);
		free(days);
		free(years);
		return STORE_ERR_SQL;
	}
	for (size_t i = 0; i < nd; i++) {
		long long d;
		if (!day_parse(days[i].date, &d))
			continue;
		c->marks[c->nmarks].day = d;
		c->marks[c->nmarks].workday = strcmp(days[i].kind, "workday") == 0;
		c->nmarks++;
	}
	for (size_t i = 0; i < ny; i++)
		c->years[c->nyears++] = years[i].year;
	xqsort(c->marks, c->nmarks, sizeof *c->marks, cmp_mark);
	xqsort(c->years, c->nyears, sizeof *c->years, cmp_int);
	free(days);
	free(years);
	*out = c;
	return STORE_OK;
}

void calendar_free(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->marks);
	free(c->years);
	free(c);
}

int calendar_last_year(const struct calendar *c)
{
	return c != NULL && c->nyears > 0 ? c->years[c->nyears - 1] : 0;
}

int calendar_covers(const struct calendar *c, int year)
{
	return c != NULL && c->nyears > 0 &&
	       bsearch(&year, c->years, c->nyears, sizeof *c->years, cmp_int) != NULL;
}

/* Whether day's year is covered. */
static int day_covered(const struct calendar *c, long long day)
{
	long long y;
	int m, d;
	civil_from_days(day, &y, &m, &d);
	return calendar_covers(c, (int)y);
}

/* Whether day (of a covered year) is a working day. */
static int working(const struct calendar *c, long long day)
{
	struct mark key = {.day = day};
	const struct mark *m = c->nmarks ? bsearch(&key, c->marks, c->nmarks, sizeof *c->marks, cmp_mark) : NULL;
	if (m != NULL)
		return m->workday;
	int wd = (int)(((day % 7) + 7 + 3) % 7); /* 0 Monday .. 6 Sunday (1970-01-01 a Thursday) */
	return wd < 5;
}

/* A real date into *day. */
static int parse(const char *date, long long *day)
{
	return date != NULL && date_valid(date) && day_parse(date, day);
}

enum workdays_status calendar_is_workday(const struct calendar *c, const char *date, int *out)
{
	long long day;
	if (!parse(date, &day))
		return WORKDAYS_BAD_DATE;
	if (!day_covered(c, day))
		return WORKDAYS_UNCOVERED;
	*out = working(c, day);
	return WORKDAYS_OK;
}

enum workdays_status calendar_add(const struct calendar *c, const char *date, int n, char out[11])
{
	long long day;
	if (n < 0 || !parse(date, &day))
		return WORKDAYS_BAD_DATE;
	if (n == 0 && !day_covered(c, day))
		return WORKDAYS_UNCOVERED;
	for (int left = n; left > 0;) {
		day++;
		if (!day_covered(c, day))
			return WORKDAYS_UNCOVERED;
		if (working(c, day))
			left--;
	}
	day_format(day, out, 11);
	return WORKDAYS_OK;
}

enum workdays_status calendar_between(const struct calendar *c, const char *from, const char *to, int *out)
{
	long long a, b;
	if (!parse(from, &a) || !parse(to, &b))
		return WORKDAYS_BAD_DATE;
	int count = 0;
	for (long long d = a + 1; d <= b; d++) {
		if (!day_covered(c, d))
			return WORKDAYS_UNCOVERED;
		count += working(c, d);
	}
	*out = count;
	return WORKDAYS_OK;
}
