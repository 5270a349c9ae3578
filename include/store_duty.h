/*
 * store_duty — the store's part for the efficacy evaluation (CONTRACT §6,
 * issue 14): supervision duties, their performance per year, quality
 * scores reviewed elsewhere, and the stored evaluations.  The tables are
 * migration 14's (store_schema.c); the code is src/store/store_duty.c.
 *
 * Codes are checked by the callers (src/import/duty.c); these functions
 * store what they are given.  Writes run in the caller's transaction
 * (store_begin()) when there is one.
 */
#ifndef MANYI_STORE_DUTY_H
#define MANYI_STORE_DUTY_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Insert or replace duty code (its agency and domain registered). */
enum store_err store_duty_put(struct store *s, const char *code, const char *agency,
                              const char *domain, const char *name, const char *basis,
                              long long required);
/* *agency (capacity 65) of duty code; STORE_ERR_NOTFOUND when there is none. */
enum store_err store_duty_agency(struct store *s, const char *code, char *agency);
/* Insert or replace the actions performed on duty code in year. */
enum store_err store_performance_put(struct store *s, const char *duty, int year,
                                     long long performed, const char *records);
/* Insert or replace agency's quality score for year. */
enum store_err store_quality_score_put(struct store *s, int year, const char *agency,
                                       double score, double se, long long n);

/* A duty and what was performed of it in one year. */
struct duty_row {
	char code[65], agency[65], domain[65];
	char *name;             /* owned by the list */
	long long required;
	long long performed;    /* 0 when no performance row */
	bool reported;          /* a performance row exists for the year */
};

struct duty_rows {
	struct duty_row *v;
	size_t n;
};

/* Every duty (by agency, then code) with its performance in year; free with duty_rows_free(). */
enum store_err store_duty_year(struct store *s, int year, struct duty_rows *out);
void duty_rows_free(struct duty_rows *r);

/* An imported quality score. */
struct quality_score {
	char agency[65];
	double score, se;
	long long n;
};

/* The quality scores of year, by agency; *out malloc'd (caller frees), *n rows. */
enum store_err store_quality_scores(struct store *s, int year, struct quality_score **out,
                                    size_t *n);

/* Store one evaluation run: its options and result JSON. */
enum store_err store_evaluation_add(struct store *s, int year, const char *weights,
                                    const char *bands, long long seed, const char *weighting,
                                    const char *measure, const char *result);
/* The latest stored evaluation of year as JSON (malloc'd, caller frees); STORE_ERR_NOTFOUND when none. */
enum store_err store_evaluation_latest(struct store *s, int year, char **json_out);

#endif
