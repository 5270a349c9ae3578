/*
 * stats — the statistics of CONTRACT §5: the weighted mean and satisfaction
 * rate of one measure, overall and by group, with design-based standard
 * errors, confidence intervals, comparisons between groups, and the helpers
 * around them (composite index, Cronbach's alpha, Holm's adjustment).
 *
 * The module is pure: it reads arrays the caller filled from the database
 * and returns figures; no I/O, no globals, no database.  GSL is used for the
 * t distribution; stats_init() (which manyi_init() calls) turns GSL's
 * abort-on-error handler off at program start, and every GSL result is
 * checked here.
 *
 * The sample design (CONTRACT §5).  Strata are agencies; N_h is the number
 * of encounters registered for agency h (within the filters), n_h the number
 * of responses from the invitation sample of agency h.  Each weighting is
 * exactly one call of R's survey package 4.1, and every figure agrees with
 * it to a relative error of 1e-9 (tests/stats/ holds the proof):
 *
 *   STATS_W_NONE       svydesign(ids=~1, data=d)            every response,
 *                      weight 1, one stratum, no fpc, df = n - 1
 *   STATS_W_BASE       svydesign(ids=~1, strata=~agency, weights=~w,
 *                      fpc=~N_h, data=d)                    w = N_h / n_h
 *   STATS_W_POSTSTRAT  postStratify(base, ~agency+domain, counts by
 *                      agency x domain)
 *   STATS_W_RAKE       rake(base, list(~agency,~domain,~size), margins,
 *                      control=list(maxit=1000, epsilon=1e-13))
 *
 * Only responses with sampled == true (linked to an encounter) belong to the
 * base, poststrat and rake designs; STATS_W_NONE uses every response.
 *
 * What each output figure is, for a measure y (NaN = missing) and a group g
 * (the overall row is the group of everyone), with options(survey.lonely.psu
 * = "adjust"):
 *
 *   n, wsum     responses of g with y present, and the sum of their weights
 *   mean, se    svyby(~y, ~g, des, svymean, na.rm=TRUE): domain estimation
 *               by linearization on the full design.  The influence of a
 *               response is (y_i - mean) w_i / wsum inside g with y present
 *               and 0 elsewhere; it is reduced to post-stratification
 *               residuals (postStratify: one projection per cell; rake: ten
 *               sweeps of the three margins with the weights of the last
 *               raking pass, as survey:::svyrecvar does), and its variance is
 *               sum_h (1 - n_h/N_h) n_h/(n_h - 1) sum_i (r_i - rbar_h)^2 over
 *               strata, where n_h counts every response of stratum h in the
 *               design (so the strata of the full design are kept, which is
 *               what svymean's na.rm subset and svyby's domain subset keep).
 *               A stratum with one response (lonely PSU, "adjust") adds
 *               (1 - 1/N_h) r_i^2; a stratum with 1 - n_h/N_h < 1e-7 adds 0.
 *   df          degf(des): responses in the design minus strata (1 for none).
 *   ci_low/high mean + se * qt((1 -/+ level)/2, df), as confint(df=degf(des)).
 *   rate, rate_se, rate_ci_low/high
 *               the same for the 0/1 indicator "y is a satisfied answer"
 *               (scale measures only); the interval is svyciprop(method =
 *               "xlogit", df = degf(des)): expit(logit(rate) +/- q se /
 *               (rate (1 - rate))).  When rate is exactly 0 or 1 (every
 *               answer of the group alike) the interval is undefined: NaN
 *               (R gives NaN or rounding noise there).
 *   index       100 (mean - 1)/(points - 1) for a scale item; the mean itself
 *               for the composite index.
 *   n_eff       Kish: wsum^2 / sum w_i^2 over the responses counted in n.
 *   low_n       n or n_eff below the publication threshold (n_eff by more
 *               than a relative 1e-9, so equal weights give n_eff = n).
 *   vs_overall  mean_g - mean_overall, its standard error from the
 *               linearization of the difference on the same design (the
 *               difference of the two influence vectors, reduced and summed
 *               as above), t = diff/se, two-sided p from t with df, Holm's
 *               adjustment over the groups with a p value, significant when
 *               the adjusted p < 1 - level, and funnel limits mean_overall +
 *               qt((1 -/+ level)/2, df) * se.  Likewise for the rate.
 *
 * A group with no response where y is present has n = 0, wsum = 0 and every
 * other figure NaN (R's svymean returns 0 or NaN there, by design type).
 *
 * Cost: O(n) passes over the responses plus, per group, O(cells) work on
 * the weighting cells (agency for base, agency x domain for poststrat,
 * agency x domain x size for rake); memory is two 32-bit words per response.
 */
#ifndef MANYI_STATS_H
#define MANYI_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GSL's start-up, once before any thread: its error handler off (the
 * fieldwork's sampler relies on it too).  Called by manyi_init(). */
void stats_init(void);

enum stats_weighting { STATS_W_NONE, STATS_W_BASE, STATS_W_POSTSTRAT, STATS_W_RAKE, STATS_W__MAX };

/* "none", "base", "poststrat", "rake"; NULL when out of range. */
const char *stats_weighting_name(enum stats_weighting w);
/* Parse one of those names; false on anything else. */
bool stats_weighting_parse(const char *s, enum stats_weighting *out);

enum stats_err {
	STATS_OK,
	STATS_E_INPUT,         /* an argument or a response out of range */
	STATS_E_EMPTY,         /* no response in the design */
	STATS_E_FPC,           /* a stratum with more responses than N_h, or N_h <= 0 */
	STATS_E_NO_POPULATION, /* responses in a cell whose population is 0 */
	STATS_E_EMPTY_CELL,    /* a cell with population > 0 and no response */
	STATS_E_MARGINS,       /* rake margins whose totals differ */
	STATS_E_NOT_CONVERGED, /* raking did not converge within maxit passes */
	STATS_E_NUMERIC,       /* a GSL failure or a non-finite intermediate */
	STATS_E__MAX
};

/* A short English description of e; never NULL. */
const char *stats_strerror(enum stats_err e);

/* Which population table a failure is about. */
enum stats_margin {
	STATS_M_NONE,
	STATS_M_AGENCY,        /* cell[0] = agency */
	STATS_M_DOMAIN,        /* cell[0] = domain */
	STATS_M_SIZE,          /* cell[0] = size */
	STATS_M_AGENCY_DOMAIN, /* cell[0] = agency, cell[1] = domain */
	STATS_M__MAX
};

/*
 * The detail of a failure, for the caller to turn into a message with the
 * registry codes of the cells named by index.  msg is a complete English
 * sentence that names cells by index only.
 */
struct stats_error {
	enum stats_err code;
	enum stats_margin margin;
	long cell[2]; /* indices into the margin, -1 when unused */
	long row;     /* the offending response, -1 when unused */
	double value; /* the population, total, or last raking change involved */
	char msg[200];
};

/*
 * One response.  Indices are 0-based into the caller's registry lists (the
 * same order as the population arrays).  size may be -1 (unknown) except on
 * sampled responses under STATS_W_RAKE.  group is the caller's group number
 * in [0, n_groups) for --by, or -1 for a response in no group (it still
 * belongs to the design and the overall row).
 */
struct stats_resp {
	double y;       /* the measure; NaN = missing (na.rm=TRUE) */
	int32_t agency; /* stratum */
	int32_t domain;
	int32_t size;
	int32_t group;
	int8_t satisfied; /* 1 or 0 when y is present and opts.rate is set */
	bool sampled;     /* in the invitation sample (linked to an encounter) */
};

/*
 * Registry counts (borrowed).  The dimensions are always needed; an array
 * may be NULL when the weighting does not read it:
 *   agency         N_h: base, poststrat, rake (fpc, base weights, margin)
 *   agency_domain  [a * n_domains + d]: poststrat
 *   domain, size   the other rake margins; with agency, equal totals
 */
struct stats_population {
	size_t n_agencies;
	size_t n_domains;
	size_t n_sizes;
	const double *agency;
	const double *agency_domain;
	const double *domain;
	const double *size;
};

struct stats_options {
	enum stats_weighting weighting;
	double level;        /* confidence level in (0, 1) */
	bool rate;           /* a scale measure: compute the rate figures */
	int points;          /* scale points (>= 2) for index; 0 = y is the composite index */
	double low_n;        /* publication threshold for low_n */
	int rake_maxit;      /* R's control$maxit */
	double rake_epsilon; /* R's control$epsilon (< 1: times the sum of base weights) */
};

/* The defaults of CONTRACT §3: base weighting, level 0.95, rate on,
 * points 5, low_n 30, maxit 1000, epsilon 1e-13. */
void stats_options_default(struct stats_options *o);

/* A figure of a group minus another figure (the overall one, or the same
 * group's in another period). */
struct stats_cmp {
	double diff; /* NaN when either side is undefined */
	double se;
	double t;         /* diff / se */
	double p;         /* two-sided, t distribution with df */
	double p_holm;    /* Holm-adjusted over the groups (= p when alone) */
	bool significant; /* p_holm < 1 - level */
	double lim_low;   /* funnel limits: reference + q_lo * se, + q_hi * se */
	double lim_high;
};

struct stats_row {
	size_t n;        /* responses with y present */
	size_t n_design; /* responses of the design in the group, y present or not */
	double wsum;
	double mean, se, df, ci_low, ci_high;
	double rate, rate_se, rate_ci_low, rate_ci_high;
	double index;
	double n_eff;
	bool low_n;
	struct stats_cmp mean_vs_overall; /* NaN fields in the overall row */
	struct stats_cmp rate_vs_overall;
};

struct stats_result {
	enum stats_weighting weighting;
	double level;
	double df;           /* degf(des) */
	size_t n_design;     /* responses in the design */
	size_t n_strata;     /* strata with at least one response */
	int rake_iterations; /* raking passes until convergence; 0 unless raked */
	struct stats_row overall;
	size_t n_groups;
	struct stats_row *groups; /* [n_groups], indexed by stats_resp.group */
};

/*
 * Estimate the measure overall and for every group 0..n_groups-1 (a group
 * with no response gets n = 0 and NaN figures; at most 2^24 groups, none
 * for the overall row alone).  resp (n responses), pop
 * and opts are borrowed and not modified.  On success *out is a new result
 * the caller frees with stats_result_free(); on failure *out is NULL and
 * err (may be NULL) says why.
 */
enum stats_err stats_estimate(const struct stats_resp *resp, size_t n, size_t n_groups,
                              const struct stats_population *pop, const struct stats_options *opts,
                              struct stats_result **out, struct stats_error *err);

/* Release a result.  Accepts NULL. */
void stats_result_free(struct stats_result *res);

/*
 * The final weight of every response under opts->weighting into w[n]
 * (caller-owned; weights(des) in R; 0 for a response outside the design),
 * and the raking passes into *iterations (may be NULL).  Same checks and
 * errors as stats_estimate(); y, group and satisfied are not read.
 */
enum stats_err stats_weights(const struct stats_resp *resp, size_t n,
                             const struct stats_population *pop, const struct stats_options *opts,
                             double *w, int *iterations, struct stats_error *err);

/*
 * stats_weights() for responses given by cell: resp[i] stands for count[i]
 * responses (a whole number >= 1) alike in agency, domain, size and
 * sampled, and w[i] receives the weight of each of them.  A weight depends
 * on nothing else, so a survey of any size is weighted in memory that
 * grows with its cells, not its responses.  count NULL is stats_weights().
 */
enum stats_err stats_cell_weights(const struct stats_resp *resp, const double *count, size_t n,
                                  const struct stats_population *pop,
                                  const struct stats_options *opts, double *w, int *iterations,
                                  struct stats_error *err);

/*
 * The composite index of one respondent (CONTRACT §5): 100 x sum_j a_j
 * (x_j - 1)/(points - 1) / sum_j a_j over the items j with a_j > 0 and x_j
 * answered (not NaN).  x and a hold k values (borrowed).  NaN when no such
 * item is answered or points < 2.
 */
double stats_index_value(const double *x, const double *a, size_t k, int points);

/*
 * Cronbach's alpha of k scale items, unweighted, over complete cases: the
 * rows of x (n x k, row-major, NaN = missing, borrowed) with every item
 * answered.  alpha = k/(k-1) (1 - sum_j s_j^2 / s_T^2), where s_j^2 is the
 * sample variance of item j and s_T^2 that of the row sums (denominators
 * n-1, which cancel).  *n_complete (may be NULL) gets the rows used.
 * STATS_E_INPUT when k < 2; *alpha is NaN when fewer than 2 rows are
 * complete or s_T^2 is 0.
 */
enum stats_err stats_cronbach_alpha(const double *x, size_t n, size_t k, double *alpha,
                                    size_t *n_complete);

/* Two-sided p value of t with df degrees of freedom: 2 P(T_df > |t|), as
 * 2 * pt(-abs(t), df) in R, to a relative 1e-12 or so however small (below
 * 1e-6 it is the incomplete beta I_{df/(df+t^2)}(df/2, 1/2), where GSL's
 * t tail loses digits); 0 for an infinite t or below the smallest double.
 * NaN when t or df is NaN or df <= 0. */
double stats_t_pvalue(double t, double df);

/* The quantile function of the t distribution, qt(p, df) in R (GSL's
 * gsl_cdf_tdist_Pinv).  NaN outside 0 < p < 1 or df <= 0. */
double stats_t_quantile(double p, double df);
/* The standard normal quantile, qnorm(p) in R (gsl_cdf_ugaussian_Pinv); NaN outside 0 < p < 1. */
double stats_normal_quantile(double p);

/*
 * Holm's step-down adjustment, p.adjust(p, "holm") in R: adj[i] for each of
 * the m values p[i] (both arrays caller-owned; may be the same array).  NaN
 * entries stay NaN and do not count in m.
 */
void stats_holm(const double *p, size_t m, double *adj);

/*
 * Fill p_holm and significant (p_holm < 1 - level) of m comparisons by
 * Holm's method over those with a p value.  cmp is caller-owned.
 */
void stats_holm_cmp(struct stats_cmp *cmp, size_t m, double level);

/*
 * Compare two independent estimates (a group this period against the same
 * group in the previous period): diff = est1 - est2, se = sqrt(se1^2 +
 * se2^2), t, the two-sided p with df degrees of freedom (min of the two
 * designs' df is the conservative choice), funnel limits around est2, and
 * p_holm = p until stats_holm_cmp() runs over a set of them.  When any of
 * est1, se1, est2, se2 is NaN every figure is NaN and significant false.
 */
void stats_compare_independent(double est1, double se1, double est2, double se2, double df,
                               double level, struct stats_cmp *out);

#endif
