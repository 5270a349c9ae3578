/*
 * stats_internal — what the parts of the statistics module share, and
 * nothing outside src/stats/ includes: the design (stats_design.c builds it,
 * stats_estimate.c reads it), the per-group sums, and the helpers that
 * describe a failure and turn variances into intervals.
 */
#ifndef MANYI_STATS_INTERNAL_H
#define MANYI_STATS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* The unit of a response outside the design. */
#define NO_UNIT UINT32_MAX

/* The raking margins: agency, domain, size. */
enum { NMARGIN = 3 };

/*
 * The design: units, strata, weights, and what the variance needs from the
 * calibration.  Built by stats_design_build(), released by stats_design_free().
 */
struct design {
	enum stats_weighting wt;
	size_t n_rows;   /* responses given */
	uint32_t *unit;  /* [n_rows]: unit of each response, NO_UNIT outside */
	size_t n_design; /* responses in the design */

	size_t n_units;
	uint32_t *u_stratum;       /* stratum slot of each unit */
	double *u_n;               /* responses in the unit */
	double *u_w;               /* final weight */
	double *u_oldw;            /* poststrat: the weight before post-stratification */
	uint32_t *u_cell[NMARGIN]; /* poststrat: [0] is the cell; rake: the margin cells */
	double *u_psw[NMARGIN];    /* poststrat: [0]; rake: weights after each margin's
	                            * step in the last pass */
	size_t n_margins;          /* 0 (none, base), 1 (poststrat), 3 (rake) */
	size_t n_cells[NMARGIN];
	double *cell_n[NMARGIN];    /* rake: responses per margin cell */
	double *cell_oldw[NMARGIN]; /* poststrat: sum of the old weights per cell */

	size_t n_slots;  /* stratum slots: 1 (none) or n_agencies */
	double *h_n;     /* responses per stratum */
	double *h_f;     /* 1 - n_h/N_h, or 1 without fpc */
	size_t n_strata; /* strata with a response */
	double df;
	int iterations;
};

/* Per-group sums of the first pass. */
struct gsum {
	size_t n, n_design;
	double w, w2, wy, ws;
};

/* Record a failure in err (may be NULL: then only the code is returned) and
 * return its code; msg is fmt's text, cut to fit. */
enum stats_err stats_fail(struct stats_error *err, enum stats_err code, enum stats_margin m,
                          long c0, long c1, long row, double value, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Check the options, the population and the responses (their measure and
 * group too when check_measure), and build the design of o->weighting into
 * d, which the caller releases with stats_design_free() whatever the
 * result.  count (may be NULL) gives the responses each row stands for.
 * resp, count and p are borrowed. */
enum stats_err stats_design_build(struct design *d, const struct stats_resp *resp,
                                  const double *count, size_t n,
                                  const struct stats_population *p, size_t n_groups,
                                  bool check_measure, const struct stats_options *o,
                                  struct stats_error *err);

/* Release what d holds and zero it; d itself is the caller's. */
void stats_design_free(struct design *d);

/* q[0] and q[1]: the t quantiles of a two-sided interval at level with df
 * degrees of freedom, qt((1 - level)/2, df) and qt(1 - (1 - level)/2, df) as
 * survey:::tconfint forms them.  STATS_E_NUMERIC when df >= 1 and either is
 * not finite (with df < 1 they are NaN and STATS_OK). */
enum stats_err stats_quantiles(double level, double df, double q[2], struct stats_error *err);

/* Every figure of c undefined. */
void stats_cmp_nan(struct stats_cmp *c);

/* Fill c from a difference, its variance and the reference figure. */
void stats_cmp_fill(struct stats_cmp *c, double diff, double var, double ref, double df,
                    const double q[2]);

/* The figures of one row from its sums and variances (var[0] of the mean,
 * var[1] of the rate). */
void stats_row_fill(struct stats_row *r, const struct gsum *g, const double var[2], double df,
                    const double q[2], const struct stats_options *o);

#endif
