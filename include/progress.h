/*
 * progress — how a survey's fieldwork is going (`manyi fieldwork
 * --progress`, GET /api/v1/fieldwork/progress): per agency, the
 * encounters in the frame, sampled (phone), invited, answered and expired,
 * by channel; the phone sample's call outcomes; answers per day and
 * cumulated; and, against each agency's target n, the pace so far, the
 * number projected at the end of fieldwork and the agencies that will stay
 * under the publication threshold at that pace.  docs/statistics.md §8
 * defines every figure.
 *
 * Days are whole days since 1970-01-01 in UTC+8 (the city's calendar).
 * The fieldwork's clock starts on the day of the survey's first answer
 * through an encounter (first_day) and runs to today, both counted.
 */
#ifndef MANYI_PROGRESS_H
#define MANYI_PROGRESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rates.h"
#include "store.h"
#include "util.h"

#define PROGRESS_NO_DAY LLONG_MIN /* no such day: no answer yet, no end of fieldwork given */

/* One agency's (or the overall row's) pace and projection. */
struct progress_pace {
	long long days_elapsed; /* first_day .. today, both counted; 0 without a first day */
	long long days_left;    /* today+1 .. until, both counted; 0 without until or when past */
	double pace;            /* answered / days_elapsed; NaN when no day has elapsed */
	double projected;       /* answered + pace * days_left (answered when pace is NaN) */
	double needed_per_day;  /* max(0, target - answered) / days_left; NaN when no day is left */
	bool on_track;          /* projected >= target */
	bool under;             /* projected < threshold: will stay under the publication threshold */
};

/*
 * The pace of answered answers since first_day (PROGRESS_NO_DAY: none yet)
 * as of today, projected to until (PROGRESS_NO_DAY: no projection beyond
 * today), against target and threshold, into *p.  Pure.
 */
void progress_project(long long answered, long long first_day, long long today, long long until,
                      long long target, long long threshold, struct progress_pace *p);

/* Today in UTC+8 at Unix time now, as days since 1970-01-01. */
long long progress_today(time_t now);

/* What `manyi fieldwork --progress` and the route ask for. */
struct progress_query {
	const char *survey;      /* borrowed */
	const char *from, *to;   /* the period, YYYY-MM-DD (valid) or NULL: encounters by the day
	                          * they occurred on, public answers by the day they were given */
	long threshold;          /* the publication threshold (low_n) */
	long target;             /* each agency's target n; < 0: the threshold */
	const char *until;       /* the end of fieldwork, YYYY-MM-DD (valid), or NULL */
	const char *only_agency; /* an agency key's agency: its row (and warning) only, beside
	                          * the overall row (NULL: all) */
	time_t now;              /* the time expiry and today are judged at */
};

/*
 * The progress of q as JSON (or CSV with csv) appended to out.
 * RATES_NOT_FOUND (msg set) when the survey is not loaded; RATES_BUSY or
 * RATES_STORE (msg set) when the store fails.
 */
enum rates_err progress_report(struct store *s, const struct progress_query *q, bool csv,
                               struct sbuf *out, char *msg, size_t msglen);

#endif
