/*
 * calendar — the working-day calendar's tables (calendar_day: holidays on a
 * weekday and weekend days worked, each with its festival's name;
 * calendar_year: the covered years and the notice each comes from).
 * workdays.h reads them into memory and counts working days.
 */
#ifndef MANYI_CALENDAR_H
#define MANYI_CALENDAR_H

#include <stddef.h>

#include "store.h"

/* One marked day: a holiday on a weekday, or a weekend day worked. */
struct calendar_mark {
	char date[11];
	char kind[8];   /* "holiday" or "workday" */
	char name[96];  /* the festival's name, "" when none */
};

/* One covered year and the notice it comes from. */
struct calendar_source {
	int year;
	char source[256];
};

/* Marked days of year (0: every year) in date order, and the covered
 * years; each list is freed by free(). */
enum store_err store_calendar_days(struct store *s, int year, struct calendar_mark **out, size_t *n);
enum store_err store_calendar_years(struct store *s, struct calendar_source **out, size_t *n);
/*
 * Replace year wholly (inside the caller's transaction): its marked days are
 * deleted, days (each in year) inserted, and the year is covered with
 * source.
 */
enum store_err store_calendar_replace_year(struct store *s, int year, const char *source,
                                           const struct calendar_mark *days, size_t n);
/* Add one marked day (its year already replaced in this transaction). */
enum store_err store_calendar_add_day(struct store *s, const struct calendar_mark *m);

#endif
