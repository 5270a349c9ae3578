/*
 * evaluate — the yearly efficacy evaluation (CONTRACT §6, issue 14,
 * `manyi evaluate`): per agency the supervision performance rate (a census
 * of its duties), enforcement quality (case-file review or an imported
 * score) and social satisfaction (the statistics engine), their composite
 * with its standard error, a grade, and how sure the grade and the rank
 * are (a seeded simulation), the sensitivity of grades and ranks to the
 * weights, and the change from the previous year's stored evaluation.
 * docs/statistics.md ("The efficacy evaluation") defines every figure.
 *
 * evaluate_compute() is the pure part (no I/O): tests/efficacy/ checks it
 * against R.  evaluate_run() gathers the inputs from the database, computes,
 * stores and writes the JSON; evaluation_get() reads a stored one.
 */
#ifndef MANYI_EVALUATE_H
#define MANYI_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "survey.h"
#include "util.h"

#define EVAL_METHOD "manyi-efficacy-1"
#define EVAL_SIMULATIONS 1000
/* The dimensions, in the order of the weights. */
enum eval_dim { EVAL_PERFORMANCE, EVAL_QUALITY, EVAL_SATISFACTION, EVAL_DIM__MAX };
/* Grades, best first: excellent 优秀, good 良好, pass 合格, fail 不合格. */
enum eval_grade { EVAL_EXCELLENT, EVAL_GOOD, EVAL_PASS, EVAL_FAIL, EVAL_GRADE__MAX };
/* Sensitivity scenarios: each weight +10 and -10 points, each dimension left out. */
#define EVAL_SCENARIOS 9

extern const char *const eval_dim_names[EVAL_DIM__MAX];      /* "performance", ... */
extern const char *const eval_grade_names[EVAL_GRADE__MAX];  /* "excellent", ... */
extern const char *const eval_grade_labels[EVAL_GRADE__MAX][LANG__MAX]; /* 优秀 / Excellent */

/* One agency's inputs: x[d] the figure on 0-100 and se[d] its standard
 * error (0 for the performance rate, a census); NaN when unknown. */
struct eval_in {
	double x[EVAL_DIM__MAX], se[EVAL_DIM__MAX];
};

struct eval_options {
	double weights[EVAL_DIM__MAX]; /* >= 0, not all 0 */
	double bands[3];               /* excellent, good, pass lower bounds, decreasing */
	unsigned long long seed;
	int simulations;               /* EVAL_SIMULATIONS */
};

struct eval_scenario {
	double weights[EVAL_DIM__MAX];
	double composite;              /* NaN when unknown */
	int grade;                     /* enum eval_grade, -1 when unknown */
	int rank;                      /* 0 when unknown */
};

struct eval_out {
	double composite, composite_se, ci_low, ci_high; /* NaN when unknown */
	int grade;                                       /* enum eval_grade, -1 when unknown */
	double grade_p[EVAL_GRADE__MAX];                 /* NaN when unknown */
	int rank, rank_low, rank_high;                   /* 0 when unknown */
	struct eval_scenario scenario[EVAL_SCENARIOS];
};

/* Scenario k's name ("performance+10", ..., "without_satisfaction"). */
const char *eval_scenario_name(int k);
/* The grade of composite c under bands (-1 for NaN). */
int eval_grade_of(double c, const double bands[3]);
/* The composite of x under weights w: NaN when a dimension of positive weight is unknown. */
double eval_composite(const double x[EVAL_DIM__MAX], const double w[EVAL_DIM__MAX]);

/*
 * The figures of n agencies in[0..n-1] (in the order the simulation draws
 * them: by agency code) into out[0..n-1].  Pure.
 */
void evaluate_compute(const struct eval_in *in, size_t n, const struct eval_options *o,
                      struct eval_out *out);

/* The Park-Miller minimal standard generator: x <- 48271 x mod (2^31 - 1). */
struct eval_rng {
	unsigned long long x;
};
void eval_rng_seed(struct eval_rng *r, unsigned long long seed);
/* The next uniform in (0, 1): x / (2^31 - 1) after one step. */
double eval_rng_uniform(struct eval_rng *r);

struct evaluate_query {
	int year;
	struct eval_options opt;
	const char *weighting;   /* "base" (default), "none", "poststrat", "rake" */
	const char *measure;     /* "index" (default) or "overall" */
	const char *survey;      /* the satisfaction survey, or NULL: the only one */
	const char *rubric;      /* the review rubric, or NULL: the only one, if any */
	const char *rate;        /* the performance rate: "mean" (default) or "pooled" */
	const char *actor;       /* who asks, for the audit row ("cli" when NULL) */
};

enum evaluate_status { EVALUATE_OK, EVALUATE_BAD_QUERY, EVALUATE_BUSY, EVALUATE_STORE };

/*
 * Evaluate q's year: compute, store (table evaluation) and append the JSON
 * to out.  msg says why on failure.
 */
enum evaluate_status evaluate_run(struct store *s, const struct evaluate_query *q,
                                  struct sbuf *out, char *msg, size_t msglen);

/* The latest stored evaluation of year as JSON text (malloc'd, caller frees);
 * STORE_ERR_NOTFOUND when none. */
enum store_err evaluation_get(struct store *s, int year, char **json_out);

#endif
