/*
 * workdays — the working-day calendar: which days are public holidays on a
 * weekday and which weekend days are worked (调休), year by year as the State
 * Council publishes them, and deadlines counted in working days.
 *
 * The calendar is keyed by date (the 2023 notice's New Year holiday starts on
 * 2022-12-31, which belongs to 2022).  A year is covered only when
 * calendar_year lists it; a count that must look at a day of a year not
 * covered answers WORKDAYS_UNCOVERED: never guessed from weekends alone.
 */
#ifndef MANYI_WORKDAYS_H
#define MANYI_WORKDAYS_H

#include <stddef.h>

#include "calendar.h"
#include "store.h"

struct calendar; /* the calendar in memory */

/* Read the calendar (calendar_day, calendar_year) from s; calendar_free() it. */
enum store_err calendar_load(struct store *s, struct calendar **out);
void calendar_free(struct calendar *c);

enum workdays_status { WORKDAYS_OK, WORKDAYS_BAD_DATE, WORKDAYS_UNCOVERED };

/*
 * The date n (>= 0) working days after date: count starts the next day; a
 * working day is Mon–Fri not a holiday, or a weekend day marked workday.
 * n = 0 gives date itself (when it is a valid date of a covered year).
 * UNCOVERED (out untouched) when a day it must look at is in a year
 * calendar_year does not list — never guessed.  BAD_DATE when date is not
 * a real YYYY-MM-DD or n < 0.
 */
enum workdays_status calendar_add(const struct calendar *c, const char *date, int n, char out[11]);
/* Working days in (from, to]; 0 when to <= from; UNCOVERED likewise. */
enum workdays_status calendar_between(const struct calendar *c, const char *from, const char *to,
                                      int *out);
/* The last year covered, 0 when none. */
int calendar_last_year(const struct calendar *c);
/* Whether year is covered. */
int calendar_covers(const struct calendar *c, int year);
/*
 * Whether date is a working day into *working (1) or not (0); UNCOVERED when
 * its year is not covered.
 */
enum workdays_status calendar_is_workday(const struct calendar *c, const char *date, int *working);

#endif
