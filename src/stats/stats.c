/*
 * stats — design-based estimates that reproduce R's survey package 4.1.
 *
 * The whole computation runs on "units": the finest classes of responses
 * that share a stratum, a weight and a post-stratification adjustment (one
 * unit for weighting none, the agency for base, agency x domain for
 * poststrat, agency x domain x size for rake).  A response's influence on a
 * mean is x_i = (y_i - mean) w_i / wsum; survey:::svyrecvar subtracts from
 * it a term that is constant on a unit (u_k for unit k), then sums squares
 * of deviations from the stratum mean.  So per unit it is enough to know
 * S_k = sum x_i and the centred sum of squares M_k = sum (x_i - S_k/n_k)^2
 * over the unit's rows:
 *
 *   sum_{i in k} (x_i - u_k - c)^2 = M_k + n_k (S_k/n_k - u_k - c)^2
 *
 * and the adjustment u is a linear function of S alone (see residualize()).
 * Both terms are sums of squares of differences, never a difference of
 * large sums of squares, so a variance that is 0 in R (every unit alike)
 * comes out as 0 or rounding noise of order (1e-16 x)^2 here too, not the
 * 1e-16 x^2 that Q - n mean^2 would leave (whose square root, 1e-8 x, would
 * break the 1e-9 agreement).  Two passes over the responses of each group
 * give S and M, and O(units) work per group, instead of an n-long residual
 * vector per group.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "stats.h"
#include "util.h"

#define NO_UNIT UINT32_MAX
/* Caps that keep the dense cell maps small. */
#define MAX_DIM    (1u << 20)
#define MAX_KEYS   (1u << 22)
#define MAX_ROWS   ((size_t)UINT32_MAX - 1)
#define MAX_GROUPS ((size_t)1 << 24)
/* The number of sweeps survey:::svyrecvar makes over raking margins. */
#define RAKE_VAR_SWEEPS 10
/* survey:::onestrat: a stratum whose sampling fraction leaves f below this
 * adds nothing. */
#define FPC_ZERO 1e-7
/* Below this two-sided p, stats_t_pvalue() uses the incomplete beta. */
#define P_TAIL 1e-6
/* Relative slack of the n_eff test against the low_n threshold. */
#define LOW_N_SLACK 1e-9

enum { NMARGIN = 3 };

static const char *const weighting_names[STATS_W__MAX] = {
    [STATS_W_NONE] = "none",
    [STATS_W_BASE] = "base",
    [STATS_W_POSTSTRAT] = "poststrat",
    [STATS_W_RAKE] = "rake",
};

static const char *const err_text[STATS_E__MAX] = {
    [STATS_OK] = "success",
    [STATS_E_INPUT] = "invalid input",
    [STATS_E_EMPTY] = "no response in the design",
    [STATS_E_FPC] = "more responses than population in a stratum",
    [STATS_E_NO_POPULATION] = "responses in a cell with no population",
    [STATS_E_EMPTY_CELL] = "a population cell has no response",
    [STATS_E_MARGINS] = "raking margins have different totals",
    [STATS_E_NOT_CONVERGED] = "raking did not converge",
    [STATS_E_NUMERIC] = "numerical failure",
};

static const char *const margin_names[STATS_M__MAX] = {
    [STATS_M_NONE] = "none",
    [STATS_M_AGENCY] = "agency",
    [STATS_M_DOMAIN] = "domain",
    [STATS_M_SIZE] = "size",
    [STATS_M_AGENCY_DOMAIN] = "agency x domain",
};

const char *stats_weighting_name(enum stats_weighting w)
{
	if ((unsigned)w >= STATS_W__MAX)
		return NULL;
	return weighting_names[w];
}

bool stats_weighting_parse(const char *s, enum stats_weighting *out)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < STATS_W__MAX; i++) {
		if (strcmp(s, weighting_names[i]) == 0) {
			*out = (enum stats_weighting)i;
			return true;
		}
	}
	return false;
}

const char *stats_strerror(enum stats_err e)
{
	if ((unsigned)e >= STATS_E__MAX)
		return "unknown error";
	return err_text[e];
}

void stats_options_default(struct stats_options *o)
{
	o->weighting = STATS_W_BASE;
	o->level = 0.95;
	o->rate = true;
	o->points = 5;
	o->low_n = 30;
	o->rake_maxit = 1000;
	o->rake_epsilon = 1e-13;
}

/* Record a failure in err (may be NULL) and return its code. */
static enum stats_err fail(struct stats_error *err, enum stats_err code, enum stats_margin m,
                           long c0, long c1, long row, double value, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static enum stats_err fail(struct stats_error *err, enum stats_err code, enum stats_margin m,
                           long c0, long c1, long row, double value, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->margin = m;
	err->cell[0] = c0;
	err->cell[1] = c1;
	err->row = row;
	err->value = value;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

/*
 * The design: units, strata, weights, and what the variance needs from the
 * calibration.  Built by design_build(), released by design_free().
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

static void design_free(struct design *d)
{
	free(d->unit);
	free(d->u_stratum);
	free(d->u_n);
	free(d->u_w);
	free(d->u_oldw);
	for (size_t k = 0; k < NMARGIN; k++) {
		free(d->u_cell[k]);
		free(d->u_psw[k]);
		free(d->cell_n[k]);
		free(d->cell_oldw[k]);
	}
	free(d->h_n);
	free(d->h_f);
	memset(d, 0, sizeof(*d));
}

static bool in_design(const struct design *d, const struct stats_resp *r)
{
	return d->wt == STATS_W_NONE || r->sampled;
}

static enum stats_err check_options(const struct stats_options *o, struct stats_error *err)
{
	if ((unsigned)o->weighting >= STATS_W__MAX)
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->weighting,
		            "unknown weighting %d", (int)o->weighting);
	if (!(o->level > 0 && o->level < 1))
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->level,
		            "level %g is not between 0 and 1", o->level);
	if (o->points != 0 && o->points < 2)
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->points,
		            "a scale needs at least 2 points, not %d", o->points);
	if (o->rake_maxit < 1)
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->rake_maxit,
		            "rake_maxit %d is below 1", o->rake_maxit);
	if (!(o->rake_epsilon > 0) || !isfinite(o->rake_epsilon))
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->rake_epsilon,
		            "rake_epsilon %g is not positive", o->rake_epsilon);
	if (isnan(o->low_n))
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->low_n,
		            "low_n is not a number");
	return STATS_OK;
}

static enum stats_err check_population(const struct stats_population *p, enum stats_weighting wt,
                                       struct stats_error *err)
{
	const double *arrays[4] = {p->agency, p->agency_domain, p->domain, p->size};
	const size_t lens[4] = {p->n_agencies, p->n_agencies * p->n_domains, p->n_domains,
	                        p->n_sizes};
	const enum stats_margin ms[4] = {STATS_M_AGENCY, STATS_M_AGENCY_DOMAIN, STATS_M_DOMAIN,
	                                 STATS_M_SIZE};

	if (p->n_agencies < 1 || p->n_agencies > MAX_DIM || p->n_domains < 1 ||
	    p->n_domains > MAX_DIM || p->n_sizes > MAX_DIM)
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		            "population dimensions %zu x %zu x %zu out of range", p->n_agencies,
		            p->n_domains, p->n_sizes);
	if (wt != STATS_W_NONE && p->agency == NULL)
		return fail(err, STATS_E_INPUT, STATS_M_AGENCY, -1, -1, -1, 0,
		            "weighting %s needs the population by agency", weighting_names[wt]);
	if (wt == STATS_W_POSTSTRAT && p->agency_domain == NULL)
		return fail(err, STATS_E_INPUT, STATS_M_AGENCY_DOMAIN, -1, -1, -1, 0,
		            "weighting poststrat needs the population by agency x domain");
	if (wt == STATS_W_RAKE && (p->domain == NULL || p->size == NULL || p->n_sizes < 1))
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		            "weighting rake needs the margins by domain and size");
	if (wt == STATS_W_RAKE && (uint64_t)p->n_agencies * p->n_domains * p->n_sizes > MAX_KEYS)
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		            "too many agency x domain x size cells to rake");
	if (wt == STATS_W_POSTSTRAT && (uint64_t)p->n_agencies * p->n_domains > MAX_KEYS)
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		            "too many agency x domain cells to post-stratify");
	for (size_t k = 0; k < 4; k++) {
		if (arrays[k] == NULL)
			continue;
		for (size_t i = 0; i < lens[k]; i++) {
			if (!(arrays[k][i] >= 0) || !isfinite(arrays[k][i]))
				return fail(err, STATS_E_INPUT, ms[k], (long)i, -1, -1,
				            arrays[k][i],
				            "population %s cell %zu is %g, not a count",
				            margin_names[ms[k]], i, arrays[k][i]);
		}
	}
	return STATS_OK;
}

/* The unit key of a response in the design (see the file comment). */
static size_t unit_key(const struct design *d, const struct stats_population *p,
                       const struct stats_resp *r)
{
	switch (d->wt) {
	case STATS_W_NONE:
		return 0;
	case STATS_W_BASE:
		return (size_t)r->agency;
	case STATS_W_POSTSTRAT:
		return (size_t)r->agency * p->n_domains + (size_t)r->domain;
	default:
		return ((size_t)r->agency * p->n_domains + (size_t)r->domain) * p->n_sizes +
		       (size_t)r->size;
	}
}

static size_t key_space(enum stats_weighting wt, const struct stats_population *p)
{
	switch (wt) {
	case STATS_W_NONE:
		return 1;
	case STATS_W_BASE:
		return p->n_agencies;
	case STATS_W_POSTSTRAT:
		return p->n_agencies * p->n_domains;
	default:
		return p->n_agencies * p->n_domains * p->n_sizes;
	}
}

/* Check each response of the design and assign it a unit. */
static enum stats_err assign_units(struct design *d, const struct stats_resp *resp,
                                   const double *count, size_t n,
                                   const struct stats_population *p, size_t n_groups,
                                   bool check_measure, const struct stats_options *o,
                                   struct stats_error *err)
{
	size_t nkeys = key_space(d->wt, p);
	uint32_t *map = xcalloc(nkeys, sizeof(*map)); /* unit + 1, 0 = none yet */
	enum stats_err e = STATS_OK;
	size_t cap = 16;

	d->unit = xmalloc((n ? n : 1) * sizeof(*d->unit));
	d->u_stratum = xmalloc(cap * sizeof(*d->u_stratum));
	d->u_n = xmalloc(cap * sizeof(*d->u_n));
	for (size_t i = 0; i < n; i++) {
		const struct stats_resp *r = &resp[i];
		long row = (long)i;

		d->unit[i] = NO_UNIT;
		if (!in_design(d, r))
			continue;
		if (r->agency < 0 || (size_t)r->agency >= p->n_agencies) {
			e = fail(err, STATS_E_INPUT, STATS_M_AGENCY, r->agency, -1, row, 0,
			         "response %zu: agency %d out of range", i, (int)r->agency);
			goto out;
		}
		if (r->domain < 0 || (size_t)r->domain >= p->n_domains) {
			e = fail(err, STATS_E_INPUT, STATS_M_DOMAIN, r->domain, -1, row, 0,
			         "response %zu: domain %d out of range", i, (int)r->domain);
			goto out;
		}
		if (r->size < -1 || (r->size >= 0 && (size_t)r->size >= p->n_sizes) ||
		    (d->wt == STATS_W_RAKE && r->size < 0)) {
			e = fail(err, STATS_E_INPUT, STATS_M_SIZE, r->size, -1, row, 0,
			         "response %zu: size %d out of range", i, (int)r->size);
			goto out;
		}
		if (check_measure) {
			if (r->group < -1 || (r->group >= 0 && (size_t)r->group >= n_groups)) {
				e = fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, row, r->group,
				         "response %zu: group %d out of range", i, (int)r->group);
				goto out;
			}
			if (isinf(r->y)) {
				e = fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, row, r->y,
				         "response %zu: the measure is infinite", i);
				goto out;
			}
			if (o->rate && !isnan(r->y) && r->satisfied != 0 && r->satisfied != 1) {
				e = fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, row,
				         r->satisfied, "response %zu: satisfied is %d, not 0 or 1",
				         i, (int)r->satisfied);
				goto out;
			}
		}
		size_t key = unit_key(d, p, r);
		if (map[key] == 0) {
			if (d->n_units == cap) {
				cap *= 2;
				d->u_stratum = xrealloc(d->u_stratum, cap * sizeof(*d->u_stratum));
				d->u_n = xrealloc(d->u_n, cap * sizeof(*d->u_n));
			}
			d->u_stratum[d->n_units] = d->wt == STATS_W_NONE ? 0 : (uint32_t)r->agency;
			d->u_n[d->n_units] = 0;
			map[key] = (uint32_t)++d->n_units;
		}
		d->unit[i] = map[key] - 1;
		d->u_n[d->unit[i]] += count != NULL ? count[i] : 1;
		d->n_design += count != NULL ? (size_t)count[i] : 1;
	}
out:
	free(map);
	return e;
}

/*
 * Strata, base weights (N_h / n_h), and fpc: svydesign(ids=~1,
 * strata=~agency, weights=~w, fpc=~N_h); or one stratum of weight 1.
 */
static enum stats_err base_weights(struct design *d, const struct stats_population *p,
                                   struct stats_error *err)
{
	d->n_slots = d->wt == STATS_W_NONE ? 1 : p->n_agencies;
	d->h_n = xcalloc(d->n_slots, sizeof(*d->h_n));
	d->h_f = xcalloc(d->n_slots, sizeof(*d->h_f));
	d->u_w = xmalloc(d->n_units * sizeof(*d->u_w));
	for (size_t k = 0; k < d->n_units; k++)
		d->h_n[d->u_stratum[k]] += d->u_n[k];
	for (size_t h = 0; h < d->n_slots; h++) {
		if (d->h_n[h] == 0)
			continue;
		d->n_strata++;
		if (d->wt == STATS_W_NONE) {
			d->h_f[h] = 1;
			continue;
		}
		double N = p->agency[h];
		if (!(N >= d->h_n[h]))
			return fail(err, STATS_E_FPC, STATS_M_AGENCY, (long)h, -1, -1, N,
			            "agency %zu has %.0f responses but a population of %g", h,
			            d->h_n[h], N);
		d->h_f[h] = (N - d->h_n[h]) / N;
	}
	for (size_t k = 0; k < d->n_units; k++) {
		if (d->wt == STATS_W_NONE) {
			d->u_w[k] = 1;
		} else {
			uint32_t h = d->u_stratum[k];
			/* R keeps prob = 1/w and uses 1/prob as the weight. */
			d->u_w[k] = 1.0 / (1.0 / (p->agency[h] / d->h_n[h]));
		}
	}
	d->df = (double)d->n_design - (double)d->n_strata;
	return STATS_OK;
}

/* postStratify(des, ~agency+domain, population): units are the cells. */
static enum stats_err poststratify(struct design *d, const struct stats_population *p,
                                   const uint32_t *cell_of_key, struct stats_error *err)
{
	size_t nd = p->n_domains;

	d->n_margins = 1;
	d->n_cells[0] = d->n_units;
	d->u_oldw = xmalloc(d->n_units * sizeof(*d->u_oldw));
	d->u_psw[0] = xmalloc(d->n_units * sizeof(*d->u_psw[0]));
	d->u_cell[0] = xmalloc(d->n_units * sizeof(*d->u_cell[0]));
	d->cell_oldw[0] = xmalloc(d->n_units * sizeof(*d->cell_oldw[0]));
	/* R stops first on sample cells without population, then on
	 * population cells without sample. */
	for (size_t a = 0; a < p->n_agencies; a++) {
		for (size_t dm = 0; dm < nd; dm++) {
			double pop = p->agency_domain[a * nd + dm];
			if (cell_of_key[a * nd + dm] != 0 && pop == 0)
				return fail(
				    err, STATS_E_NO_POPULATION, STATS_M_AGENCY_DOMAIN, (long)a,
				    (long)dm, -1, pop,
				    "agency %zu x domain %zu has responses but no population", a,
				    dm);
		}
	}
	for (size_t a = 0; a < p->n_agencies; a++) {
		for (size_t dm = 0; dm < nd; dm++) {
			double pop = p->agency_domain[a * nd + dm];
			if (cell_of_key[a * nd + dm] == 0 && pop > 0)
				return fail(err, STATS_E_EMPTY_CELL, STATS_M_AGENCY_DOMAIN, (long)a,
				            (long)dm, -1, pop,
				            "agency %zu x domain %zu has a population of %g but no "
				            "response",
				            a, dm, pop);
		}
	}
	for (size_t a = 0; a < p->n_agencies; a++) {
		for (size_t dm = 0; dm < nd; dm++) {
			uint32_t k1 = cell_of_key[a * nd + dm];
			if (k1 == 0)
				continue;
			size_t k = k1 - 1;
			double freq = d->u_n[k] * d->u_w[k];
			double reweight = p->agency_domain[a * nd + dm] / freq;
			d->u_oldw[k] = d->u_w[k];
			d->u_w[k] = 1.0 / ((1.0 / d->u_w[k]) / reweight);
			d->u_psw[0][k] = d->u_w[k];
			d->u_cell[0][k] = (uint32_t)k;
			d->cell_oldw[0][k] = d->u_n[k] * d->u_oldw[k];
		}
	}
	return STATS_OK;
}

/*
 * rake(des, list(~agency,~domain,~size), margins, control): repeated
 * post-stratification on each margin in turn until the weighted
 * agency x domain x size table moves by less than epsilon (times the sum of
 * the base weights when epsilon < 1) in every cell.
 */
static enum stats_err rake(struct design *d, const struct stats_population *p,
                           const struct stats_resp *resp, const struct stats_options *o,
                           struct stats_error *err)
{
	const double *pops[NMARGIN] = {p->agency, p->domain, p->size};
	const size_t ncell[NMARGIN] = {p->n_agencies, p->n_domains, p->n_sizes};
	const enum stats_margin names[NMARGIN] = {STATS_M_AGENCY, STATS_M_DOMAIN, STATS_M_SIZE};
	double totals[NMARGIN] = {0, 0, 0};
	double *freq = NULL, *table = NULL;
	enum stats_err e = STATS_OK;

	d->n_margins = NMARGIN;
	for (size_t k = 0; k < NMARGIN; k++) {
		d->n_cells[k] = ncell[k];
		d->u_cell[k] = xmalloc(d->n_units * sizeof(*d->u_cell[k]));
		d->u_psw[k] = xmalloc(d->n_units * sizeof(*d->u_psw[k]));
		d->cell_n[k] = xcalloc(ncell[k], sizeof(*d->cell_n[k]));
		for (size_t c = 0; c < ncell[k]; c++)
			totals[k] += pops[k][c];
	}
	/* The margin cells of each unit, from any of its responses. */
	for (size_t i = 0; i < d->n_rows; i++) {
		uint32_t k = d->unit[i];
		if (k == NO_UNIT)
			continue;
		d->u_cell[0][k] = (uint32_t)resp[i].agency;
		d->u_cell[1][k] = (uint32_t)resp[i].domain;
		d->u_cell[2][k] = (uint32_t)resp[i].size;
	}
	for (size_t k = 0; k < NMARGIN; k++)
		for (size_t u = 0; u < d->n_units; u++)
			d->cell_n[k][d->u_cell[k][u]] += d->u_n[u];

	for (size_t k = 1; k < NMARGIN; k++) {
		if (fabs(totals[k] - totals[0]) > 1e-9 * fmax(fabs(totals[0]), 1))
			return fail(err, STATS_E_MARGINS, names[k], -1, -1, -1, totals[k],
			            "the %s margin totals %.17g but the agency margin %.17g",
			            margin_names[names[k]], totals[k], totals[0]);
	}
	for (size_t k = 0; k < NMARGIN; k++) {
		for (size_t c = 0; c < ncell[k]; c++) {
			if (d->cell_n[k][c] > 0 && pops[k][c] == 0)
				return fail(err, STATS_E_NO_POPULATION, names[k], (long)c, -1, -1,
				            0, "%s %zu has responses but no population",
				            margin_names[names[k]], c);
			if (d->cell_n[k][c] == 0 && pops[k][c] > 0)
				return fail(err, STATS_E_EMPTY_CELL, names[k], (long)c, -1, -1,
				            pops[k][c],
				            "%s %zu has a population of %g but no response",
				            margin_names[names[k]], c, pops[k][c]);
		}
	}

	double wsum = 0;
	size_t maxc = ncell[0] > ncell[1] ? ncell[0] : ncell[1];
	if (ncell[2] > maxc)
		maxc = ncell[2];
	freq = xmalloc(maxc * sizeof(*freq));
	table = xmalloc(d->n_units * sizeof(*table));
	for (size_t u = 0; u < d->n_units; u++) {
		table[u] = d->u_n[u] * d->u_w[u];
		wsum += table[u];
	}
	double eps = o->rake_epsilon < 1 ? o->rake_epsilon * wsum : o->rake_epsilon;
	double delta = INFINITY;
	int iter = 0;
	bool converged = false;
	while (iter < o->rake_maxit) {
		for (size_t k = 0; k < NMARGIN; k++) {
			memset(freq, 0, ncell[k] * sizeof(*freq));
			for (size_t u = 0; u < d->n_units; u++)
				freq[d->u_cell[k][u]] += d->u_n[u] * d->u_w[u];
			for (size_t u = 0; u < d->n_units; u++) {
				uint32_t c = d->u_cell[k][u];
				double reweight = pops[k][c] / freq[c];
				d->u_w[u] = 1.0 / ((1.0 / d->u_w[u]) / reweight);
				d->u_psw[k][u] = d->u_w[u];
			}
		}
		delta = 0;
		for (size_t u = 0; u < d->n_units; u++) {
			double t = d->u_n[u] * d->u_w[u];
			double dt = fabs(table[u] - t);
			if (!(dt <= delta))
				delta = dt; /* NaN propagates, as in max() */
			table[u] = t;
		}
		if (isnan(delta)) {
			e = fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, delta,
			         "raking produced a non-finite weight");
			goto out;
		}
		if (delta < eps) {
			converged = true;
			break;
		}
		iter++;
	}
	d->iterations = converged ? iter + 1 : iter;
	if (!converged)
		e = fail(err, STATS_E_NOT_CONVERGED, STATS_M_NONE, -1, -1, -1, delta,
		         "raking did not converge after %d passes (last change %g, tolerance %g)",
		         iter, delta, eps);
out:
	free(freq);
	free(table);
	return e;
}

static enum stats_err design_build(struct design *d, const struct stats_resp *resp,
                                   const double *count, size_t n,
                                   const struct stats_population *p, size_t n_groups,
                                   bool check_measure, const struct stats_options *o,
                                   struct stats_error *err)
{
	enum stats_err e;
	uint32_t *cell_of_key = NULL;

	memset(d, 0, sizeof(*d));
	d->wt = o->weighting;
	d->n_rows = n;
	if ((e = check_options(o, err)) != STATS_OK)
		return e;
	if (p == NULL)
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0, "no population");
	if ((e = check_population(p, o->weighting, err)) != STATS_OK)
		return e;
	if (n > MAX_ROWS || n_groups > MAX_GROUPS || (n > 0 && resp == NULL))
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, (double)n,
		            "too many responses or groups");
	if ((e = assign_units(d, resp, count, n, p, n_groups, check_measure, o, err)) != STATS_OK)
		return e;
	if (d->n_design == 0)
		return fail(err, STATS_E_EMPTY, STATS_M_NONE, -1, -1, -1, 0,
		            "no response in the %s design", weighting_names[d->wt]);
	if ((e = base_weights(d, p, err)) != STATS_OK)
		return e;
	if (d->wt == STATS_W_POSTSTRAT) {
		/* Which units are which cells (units are the cells here). */
		size_t nkeys = p->n_agencies * p->n_domains;
		cell_of_key = xcalloc(nkeys, sizeof(*cell_of_key));
		for (size_t i = 0; i < n; i++)
			if (d->unit[i] != NO_UNIT)
				cell_of_key[unit_key(d, p, &resp[i])] = d->unit[i] + 1;
		e = poststratify(d, p, cell_of_key, err);
		free(cell_of_key);
		if (e != STATS_OK)
			return e;
	} else if (d->wt == STATS_W_RAKE) {
		if ((e = rake(d, p, resp, o, err)) != STATS_OK)
			return e;
	}
	for (size_t u = 0; u < d->n_units; u++)
		if (!isfinite(d->u_w[u]) || !(d->u_w[u] > 0))
			return fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, d->u_w[u],
			            "a weight came out as %g", d->u_w[u]);
	return STATS_OK;
}

/*
 * The constant survey:::svyrecvar subtracts on each unit (out, n_units) from
 * the unit sums S of an influence vector, using ws (n_units + cells) as
 * scratch.  Linear in S.
 *   postStratify: x - psw * rowsum(x * oldw / psw, cell) / sum(oldw in cell)
 *   rake: ten sweeps of  x - psw_m * ave(x / psw_m, margin m)  over margins
 */
static void residualize(const struct design *d, const double *S, double *out, double *ws)
{
	if (d->n_margins == 0) {
		memset(out, 0, d->n_units * sizeof(*out));
		return;
	}
	if (d->wt == STATS_W_POSTSTRAT) {
		for (size_t u = 0; u < d->n_units; u++) {
			double m = S[u] * (d->u_oldw[u] / d->u_psw[0][u]) / d->cell_oldw[0][u];
			out[u] = m * d->u_psw[0][u];
		}
		return;
	}
	memset(out, 0, d->n_units * sizeof(*out));
	for (int sweep = 0; sweep < RAKE_VAR_SWEEPS; sweep++) {
		for (size_t k = 0; k < d->n_margins; k++) {
			const uint32_t *cell = d->u_cell[k];
			const double *psw = d->u_psw[k];
			memset(ws, 0, d->n_cells[k] * sizeof(*ws));
			for (size_t u = 0; u < d->n_units; u++)
				ws[cell[u]] += (S[u] - d->u_n[u] * out[u]) / psw[u];
			for (size_t c = 0; c < d->n_cells[k]; c++)
				if (d->cell_n[k][c] > 0)
					ws[c] /= d->cell_n[k][c];
			for (size_t u = 0; u < d->n_units; u++)
				out[u] += psw[u] * ws[cell[u]];
		}
	}
}

/*
 * The variance survey:::onestage/onestrat compute for the influence vector
 * with unit sums S, centred unit sums of squares M (see the file comment)
 * and unit adjustments adj, with survey.lonely.psu = "adjust".  sr and sc
 * are n_slots scratch arrays.
 */
static double strat_variance(const struct design *d, const double *S, const double *M,
                             const double *adj, double *sr, double *sc)
{
	double v = 0;

	memset(sr, 0, d->n_slots * sizeof(*sr));
	memset(sc, 0, d->n_slots * sizeof(*sc));
	for (size_t u = 0; u < d->n_units; u++)
		sr[d->u_stratum[u]] += S[u] - d->u_n[u] * adj[u];
	for (size_t u = 0; u < d->n_units; u++) {
		uint32_t h = d->u_stratum[u];
		/* A lonely stratum is not centred ("adjust"). */
		double c = adj[u] + (d->h_n[h] > 1 ? sr[h] / d->h_n[h] : 0);
		double dev = S[u] / d->u_n[u] - c;
		sc[h] += M[u] + d->u_n[u] * dev * dev;
	}
	for (size_t h = 0; h < d->n_slots; h++) {
		double nh = d->h_n[h], f = d->h_f[h];
		if (nh == 0 || f < FPC_ZERO)
			continue;
		double scale = nh > 1 ? f * nh / (nh - 1) : f;
		v += scale * sc[h];
	}
	return v;
}

/* Quantiles for level: qt((1 - level)/2, df) and qt(1 - (1 - level)/2, df),
 * as survey:::tconfint forms them. */
static enum stats_err quantiles(double level, double df, double q[2], struct stats_error *err)
{
	double a = (1 - level) / 2;

	q[0] = stats_t_quantile(a, df);
	q[1] = stats_t_quantile(1 - a, df);
	if (df >= 1 && (!isfinite(q[0]) || !isfinite(q[1])))
		return fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, df,
		            "no t quantile for level %g with %g degrees of freedom", level, df);
	return STATS_OK;
}

static double expit(double eta)
{
	return exp(eta) / (1 + exp(eta)); /* survey:::expit, overflow and all */
}

static void cmp_nan(struct stats_cmp *c)
{
	c->diff = c->se = c->t = c->p = c->p_holm = NAN;
	c->lim_low = c->lim_high = NAN;
	c->significant = false;
}

/* Fill c from a difference, its variance and the reference figure. */
static void cmp_fill(struct stats_cmp *c, double diff, double var, double ref, double df,
                     const double q[2])
{
	c->diff = diff;
	c->se = sqrt(var > 0 ? var : 0);
	c->t = diff / c->se;
	c->p = stats_t_pvalue(c->t, df);
	c->p_holm = c->p;
	c->significant = false;
	c->lim_low = ref + c->se * q[0];
	c->lim_high = ref + c->se * q[1];
}

/* Per-group sums of the first pass. */
struct gsum {
	size_t n, n_design;
	double w, w2, wy, ws;
};

/* The figures of one row from its sums and variances (var[0] of the mean,
 * var[1] of the rate). */
static void row_fill(struct stats_row *r, const struct gsum *g, const double var[2], double df,
                     const double q[2], const struct stats_options *o)
{
	r->n = g->n;
	r->n_design = g->n_design;
	r->wsum = g->w;
	r->df = df;
	r->mean = r->se = r->ci_low = r->ci_high = NAN;
	r->rate = r->rate_se = r->rate_ci_low = r->rate_ci_high = NAN;
	r->index = r->n_eff = NAN;
	r->low_n = true;
	cmp_nan(&r->mean_vs_overall);
	cmp_nan(&r->rate_vs_overall);
	if (g->n == 0)
		return;
	r->mean = g->wy / g->w;
	r->se = sqrt(var[0] > 0 ? var[0] : 0);
	r->ci_low = r->mean + r->se * q[0];
	r->ci_high = r->mean + r->se * q[1];
	r->index = o->points ? 100 * (r->mean - 1) / (o->points - 1) : r->mean;
	r->n_eff = g->w * g->w / g->w2;
	/* n_eff equals n in exact arithmetic when weights are equal; rounding
	 * must not push it under the threshold. */
	r->low_n = (double)g->n < o->low_n || r->n_eff < o->low_n * (1 - LOW_N_SLACK);
	if (!o->rate)
		return;
	double p = g->ws / g->w;
	r->rate = p;
	r->rate_se = sqrt(var[1] > 0 ? var[1] : 0);
	if (p > 0 && p < 1) {
		/* svyciprop(method = "xlogit"): a t interval for logit(p) whose
		 * standard error comes from the delta method. */
		double logit = log(p / (1 - p));
		double se = r->rate_se / (p * (1 - p));
		r->rate_ci_low = expit(logit + se * q[0]);
		r->rate_ci_high = expit(logit + se * q[1]);
	}
}

/* The work arrays of stats_estimate(). */
struct work {
	double *S0[2], *M0[2], *adj0[2]; /* the overall influence, per measure */
	double *S, *M, *S0g, *C0g, *L0g, *adj, *Sd, *Md, *adjd;
	double *n_y; /* responses with y present per unit */
	uint32_t *m_g; /* the group's responses per unit */
	double *ws, *sr, *sc;
	struct gsum *g;
	size_t *off;
	uint32_t *perm;
};

static void work_free(struct work *w)
{
	for (int m = 0; m < 2; m++) {
		free(w->S0[m]);
		free(w->M0[m]);
		free(w->adj0[m]);
	}
	free(w->S);
	free(w->M);
	free(w->C0g);
	free(w->L0g);
	free(w->n_y);
	free(w->m_g);
	free(w->S0g);
	free(w->adj);
	free(w->Sd);
	free(w->Md);
	free(w->adjd);
	free(w->ws);
	free(w->sr);
	free(w->sc);
	free(w->g);
	free(w->off);
	free(w->perm);
}

static double *dalloc(size_t n)
{
	return xcalloc(n ? n : 1, sizeof(double));
}

/* The value of measure m (0: y, 1: the satisfied indicator) of a response. */
static double measure(const struct stats_resp *r, int m)
{
	return m == 0 ? r->y : (double)r->satisfied;
}

enum stats_err stats_estimate(const struct stats_resp *resp, size_t n, size_t n_groups,
                              const struct stats_population *pop, const struct stats_options *opts,
                              struct stats_result **out, struct stats_error *err)
{
	struct design d;
	struct work w;
	struct stats_result *res = NULL;
	enum stats_err e;
	double q[2];
	int nm = opts != NULL && opts->rate ? 2 : 1;

	memset(&w, 0, sizeof(w));
	*out = NULL;
	if (opts == NULL) {
		memset(&d, 0, sizeof(d));
		e = fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0, "no options");
		goto done;
	}
	if ((e = design_build(&d, resp, NULL, n, pop, n_groups, true, opts, err)) != STATS_OK)
		goto done;
	if ((e = quantiles(opts->level, d.df, q, err)) != STATS_OK)
		goto done;

	size_t U = d.n_units;
	size_t maxcells = U;
	for (size_t k = 0; k < d.n_margins; k++)
		if (d.n_cells[k] > maxcells)
			maxcells = d.n_cells[k];
	for (int m = 0; m < nm; m++) {
		w.S0[m] = dalloc(U);
		w.M0[m] = dalloc(U);
		w.adj0[m] = dalloc(U);
	}
	w.S = dalloc(U);
	w.M = dalloc(U);
	w.C0g = dalloc(U);
	w.L0g = dalloc(U);
	w.n_y = dalloc(U);
	w.m_g = xcalloc(U ? U : 1, sizeof(*w.m_g));
	w.S0g = dalloc(U);
	w.adj = dalloc(U);
	w.Sd = dalloc(U);
	w.Md = dalloc(U);
	w.adjd = dalloc(U);
	w.ws = dalloc(maxcells);
	w.sr = dalloc(d.n_slots);
	w.sc = dalloc(d.n_slots);
	w.g = xcalloc(n_groups + 1, sizeof(*w.g)); /* [n_groups] is the overall row */
	w.off = xcalloc(n_groups + 1, sizeof(*w.off));

	/* Pass 1: counts and weighted sums per group. */
	struct gsum *all = &w.g[n_groups];
	size_t in_groups = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t u = d.unit[i];
		if (u == NO_UNIT)
			continue;
		const struct stats_resp *r = &resp[i];
		struct gsum *g = r->group >= 0 ? &w.g[r->group] : NULL;
		if (g != NULL)
			g->n_design++;
		all->n_design++;
		if (isnan(r->y))
			continue;
		double wt = d.u_w[u];
		double s = opts->rate ? (double)r->satisfied : 0;
		all->n++;
		all->w += wt;
		all->w2 += wt * wt;
		all->wy += r->y * wt;
		all->ws += s * wt;
		if (g != NULL) {
			g->n++;
			g->w += wt;
			g->w2 += wt * wt;
			g->wy += r->y * wt;
			g->ws += s * wt;
			w.off[r->group]++;
			in_groups++;
		}
	}
	/* Counting sort of the responses with y present, by group. */
	size_t acc = 0;
	for (size_t g = 0; g < n_groups; g++) {
		size_t c = w.off[g];
		w.off[g] = acc;
		acc += c;
	}
	w.off[n_groups] = acc;
	w.perm = xmalloc((in_groups ? in_groups : 1) * sizeof(*w.perm));
	for (size_t i = 0; i < n; i++) {
		const struct stats_resp *r = &resp[i];
		if (d.unit[i] == NO_UNIT || isnan(r->y) || r->group < 0)
			continue;
		w.perm[w.off[r->group]++] = (uint32_t)i;
	}
	for (size_t g = n_groups; g > 0; g--)
		w.off[g] = w.off[g - 1];
	w.off[0] = 0;

	res = xcalloc(1, sizeof(*res));
	res->weighting = d.wt;
	res->level = opts->level;
	res->df = d.df;
	res->n_design = d.n_design;
	res->n_strata = d.n_strata;
	res->rake_iterations = d.iterations;
	res->n_groups = n_groups;
	res->groups = xcalloc(n_groups ? n_groups : 1, sizeof(*res->groups));

	/* The overall row. */
	double mean0[2] = {NAN, NAN}, var0[2] = {NAN, NAN};
	if (all->n > 0) {
		mean0[0] = all->wy / all->w;
		mean0[1] = all->ws / all->w;
		for (size_t i = 0; i < n; i++) {
			uint32_t u = d.unit[i];
			if (u == NO_UNIT || isnan(resp[i].y))
				continue;
			w.n_y[u] += 1;
			for (int m = 0; m < nm; m++)
				w.S0[m][u] += (measure(&resp[i], m) - mean0[m]) * d.u_w[u] / all->w;
		}
		/* Centred: the rows with y present, then the zeros of the others. */
		for (size_t i = 0; i < n; i++) {
			uint32_t u = d.unit[i];
			if (u == NO_UNIT || isnan(resp[i].y))
				continue;
			for (int m = 0; m < nm; m++) {
				double x = (measure(&resp[i], m) - mean0[m]) * d.u_w[u] / all->w;
				double dev = x - w.S0[m][u] / d.u_n[u];
				w.M0[m][u] += dev * dev;
			}
		}
		for (int m = 0; m < nm; m++) {
			for (size_t u = 0; u < U; u++) {
				double a = w.S0[m][u] / d.u_n[u];
				w.M0[m][u] += (d.u_n[u] - w.n_y[u]) * a * a;
			}
			residualize(&d, w.S0[m], w.adj0[m], w.ws);
			var0[m] = strat_variance(&d, w.S0[m], w.M0[m], w.adj0[m], w.sr, w.sc);
		}
	}
	row_fill(&res->overall, all, var0, d.df, q, opts);

	/* Each group: its influence, and the difference from the overall one. */
	for (size_t g = 0; g < n_groups; g++) {
		const struct gsum *gs = &w.g[g];
		struct stats_row *row = &res->groups[g];
		double var[2] = {NAN, NAN}, vard[2] = {NAN, NAN}, mean[2];

		if (gs->n == 0) {
			row_fill(row, gs, var, d.df, q, opts);
			continue;
		}
		mean[0] = gs->wy / gs->w;
		mean[1] = gs->ws / gs->w;
		for (int m = 0; m < nm; m++) {
			memset(w.S, 0, U * sizeof(double));
			memset(w.M, 0, U * sizeof(double));
			memset(w.Md, 0, U * sizeof(double));
			memset(w.S0g, 0, U * sizeof(double));
			memset(w.C0g, 0, U * sizeof(double));
			memset(w.L0g, 0, U * sizeof(double));
			memset(w.m_g, 0, U * sizeof(*w.m_g));
			/* Pass 1: the unit sums of the group's influence xg and of
			 * the overall influence x0 on the group's rows. */
			for (size_t j = w.off[g]; j < w.off[g + 1]; j++) {
				const struct stats_resp *r = &resp[w.perm[j]];
				uint32_t u = d.unit[w.perm[j]];
				double v = measure(r, m), wt = d.u_w[u];
				w.S[u] += (v - mean[m]) * wt / gs->w;
				w.S0g[u] += (v - mean0[m]) * wt / all->w;
				w.m_g[u]++;
			}
			/* Pass 2: centred sums of squares on the group's rows: of xg,
			 * of the difference dx = xg - x0, and of x0 (around the
			 * unit's overall mean, for the rows outside the group). */
			for (size_t j = w.off[g]; j < w.off[g + 1]; j++) {
				const struct stats_resp *r = &resp[w.perm[j]];
				uint32_t u = d.unit[w.perm[j]];
				double v = measure(r, m), wt = d.u_w[u], nu = d.u_n[u];
				double xg = (v - mean[m]) * wt / gs->w;
				double x0 = (v - mean0[m]) * wt / all->w;
				double eg = xg - w.S[u] / nu;
				double ed = (xg - x0) - (w.S[u] - w.S0[m][u]) / nu;
				double e0 = x0 - w.S0[m][u] / nu;
				w.M[u] += eg * eg;
				w.Md[u] += ed * ed;
				w.C0g[u] += e0 * e0;
				w.L0g[u] += e0;
			}
			/* The unit's other r rows: xg = 0 there and dx = -x0. */
			for (size_t u = 0; u < U; u++) {
				double nu = d.u_n[u], r = nu - w.m_g[u];
				double gbar = w.S[u] / nu;
				w.Sd[u] = w.S[u] - w.S0[m][u];
				if (w.m_g[u] == 0) {
					w.Md[u] = w.M0[m][u];
					continue;
				}
				w.M[u] += r * gbar * gbar;
				if (r > 0) {
					/* sum over them of (x0 + mean dx)^2 = sum (e0 + gbar)^2
					 * with e0 = x0 - the unit's mean of x0 */
					double t = w.M0[m][u] - w.C0g[u];
					double l = -w.L0g[u];
					double rest = (t > 0 ? t : 0) + 2 * gbar * l + r * gbar * gbar;
					w.Md[u] += rest > 0 ? rest : 0;
				}
			}
			residualize(&d, w.S, w.adj, w.ws);
			var[m] = strat_variance(&d, w.S, w.M, w.adj, w.sr, w.sc);
			for (size_t u = 0; u < U; u++)
				w.adjd[u] = w.adj[u] - w.adj0[m][u];
			vard[m] = strat_variance(&d, w.Sd, w.Md, w.adjd, w.sr, w.sc);
		}
		row_fill(row, gs, var, d.df, q, opts);
		cmp_fill(&row->mean_vs_overall, row->mean - res->overall.mean, vard[0],
		         res->overall.mean, d.df, q);
		if (opts->rate)
			cmp_fill(&row->rate_vs_overall, row->rate - res->overall.rate, vard[1],
			         res->overall.rate, d.df, q);
		if (isfinite(row->mean_vs_overall.t) && isnan(row->mean_vs_overall.p)) {
			e = fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, d.df,
			         "no p value for group %zu", g);
			goto done;
		}
	}

	/* Holm over the groups, for the mean and for the rate. */
	if (n_groups > 0) {
		struct stats_cmp *c = xmalloc(n_groups * sizeof(*c));
		for (int m = 0; m < nm; m++) {
			for (size_t g = 0; g < n_groups; g++)
				c[g] = m == 0 ? res->groups[g].mean_vs_overall
				              : res->groups[g].rate_vs_overall;
			stats_holm_cmp(c, n_groups, opts->level);
			for (size_t g = 0; g < n_groups; g++) {
				if (m == 0)
					res->groups[g].mean_vs_overall = c[g];
				else
					res->groups[g].rate_vs_overall = c[g];
			}
		}
		free(c);
	}
	*out = res;
	res = NULL;
	e = STATS_OK;
done:
	stats_result_free(res);
	work_free(&w);
	design_free(&d);
	return e;
}

void stats_result_free(struct stats_result *res)
{
	if (res == NULL)
		return;
	free(res->groups);
	free(res);
}

enum stats_err stats_cell_weights(const struct stats_resp *resp, const double *count, size_t n,
                                  const struct stats_population *pop,
                                  const struct stats_options *opts, double *w, int *iterations,
                                  struct stats_error *err)
{
	struct design d;
	enum stats_err e;

	if (opts == NULL || (n > 0 && w == NULL))
		return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		            "no options or no output array");
	for (size_t i = 0; count != NULL && i < n; i++)
		if (!(count[i] >= 1 && count[i] <= (double)MAX_ROWS && count[i] == floor(count[i])))
			return fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, (long)i, count[i],
			            "cell %zu: a count of %g responses", i, count[i]);
	e = design_build(&d, resp, count, n, pop, 0, false, opts, err);
	if (e == STATS_OK) {
		for (size_t i = 0; i < n; i++)
			w[i] = d.unit[i] == NO_UNIT ? 0 : d.u_w[d.unit[i]];
		if (iterations != NULL)
			*iterations = d.iterations;
	}
	design_free(&d);
	return e;
}

enum stats_err stats_weights(const struct stats_resp *resp, size_t n,
                             const struct stats_population *pop, const struct stats_options *opts,
                             double *w, int *iterations, struct stats_error *err)
{
	return stats_cell_weights(resp, NULL, n, pop, opts, w, iterations, err);
}

double stats_index_value(const double *x, const double *a, size_t k, int points)
{
	double num = 0, den = 0;

	if (points < 2)
		return NAN;
	for (size_t j = 0; j < k; j++) {
		if (!(a[j] > 0) || isnan(x[j]))
			continue;
		num += a[j] * (x[j] - 1) / (points - 1);
		den += a[j];
	}
	return den > 0 ? 100 * num / den : NAN;
}

enum stats_err stats_cronbach_alpha(const double *x, size_t n, size_t k, double *alpha,
                                    size_t *n_complete)
{
	double *mean = NULL, *ss = NULL;
	double tmean = 0, tss = 0;
	size_t m = 0;

	*alpha = NAN;
	if (n_complete != NULL)
		*n_complete = 0;
	if (k < 2 || (n > 0 && x == NULL))
		return STATS_E_INPUT;
	mean = dalloc(k);
	ss = dalloc(k);
	/* Two passes: means, then sums of squared deviations. */
	for (size_t i = 0; i < n; i++) {
		const double *row = &x[i * k];
		bool complete = true;
		double t = 0;
		for (size_t j = 0; j < k && complete; j++)
			complete = !isnan(row[j]);
		if (!complete)
			continue;
		for (size_t j = 0; j < k; j++) {
			mean[j] += row[j];
			t += row[j];
		}
		tmean += t;
		m++;
	}
	if (n_complete != NULL)
		*n_complete = m;
	if (m >= 2) {
		for (size_t j = 0; j < k; j++)
			mean[j] /= (double)m;
		tmean /= (double)m;
		for (size_t i = 0; i < n; i++) {
			const double *row = &x[i * k];
			bool complete = true;
			double t = 0;
			for (size_t j = 0; j < k && complete; j++)
				complete = !isnan(row[j]);
			if (!complete)
				continue;
			for (size_t j = 0; j < k; j++) {
				double dv = row[j] - mean[j];
				ss[j] += dv * dv;
				t += row[j];
			}
			tss += (t - tmean) * (t - tmean);
		}
		double sum = 0;
		for (size_t j = 0; j < k; j++)
			sum += ss[j] / (double)(m - 1);
		double vt = tss / (double)(m - 1);
		if (vt > 0)
			*alpha = (double)k / (double)(k - 1) * (1 - sum / vt);
	}
	free(mean);
	free(ss);
	return STATS_OK;
}

double stats_t_pvalue(double t, double df)
{
	if (isnan(t) || isnan(df) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	double q = gsl_cdf_tdist_Q(fabs(t), df);
	if (!isfinite(q))
		return NAN;
	if (2 * q < P_TAIL) {
		/* gsl_cdf_tdist_Q loses relative accuracy far in the tail (3e-7
		 * at t = 21.6, df = 59, where p = 1e-29); the regularized
		 * incomplete beta I_{df/(df+t^2)}(df/2, 1/2), which is the
		 * two-sided p, keeps it to about 1e-13 as R's pt() does. */
		gsl_sf_result r;
		int st = gsl_sf_beta_inc_e(df / 2, 0.5, df / (df + t * t), &r);
		if (st == GSL_EUNDRFLW)
			return 0;
		if (st == GSL_SUCCESS && isfinite(r.val))
			return r.val;
	}
	return 2 * q;
}

double stats_t_quantile(double p, double df)
{
	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	double q = gsl_cdf_tdist_Pinv(p, df);
	return isfinite(q) ? q : NAN;
}

struct pidx {
	double p;
	size_t i;
};

static int pidx_cmp(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void stats_holm(const double *p, size_t m, double *adj)
{
	struct pidx *v = xmalloc((m ? m : 1) * sizeof(*v));
	size_t lp = 0;

	for (size_t i = 0; i < m; i++) {
		if (!isnan(p[i]))
			v[lp++] = (struct pidx){p[i], i};
		else
			adj[i] = NAN;
	}
	qsort(v, lp, sizeof(*v), pidx_cmp);
	/* pmin(1, cummax((n + 1 - i) * p[o])) with n the non-missing count. */
	double run = -INFINITY;
	for (size_t j = 0; j < lp; j++) {
		double a = (double)(lp - j) * v[j].p;
		if (a > run)
			run = a;
		adj[v[j].i] = run < 1 ? run : 1;
	}
	free(v);
}

void stats_holm_cmp(struct stats_cmp *cmp, size_t m, double level)
{
	double *p = xmalloc((m ? m : 1) * sizeof(*p));

	for (size_t i = 0; i < m; i++)
		p[i] = cmp[i].p;
	stats_holm(p, m, p);
	for (size_t i = 0; i < m; i++) {
		cmp[i].p_holm = p[i];
		cmp[i].significant = !isnan(p[i]) && p[i] < 1 - level;
	}
	free(p);
}

void stats_compare_independent(double est1, double se1, double est2, double se2, double df,
                               double level, struct stats_cmp *out)
{
	double q[2];
	double a = (1 - level) / 2;

	/* A side without an estimate (a group absent from one period) leaves
	 * the whole comparison undefined, as struct stats_cmp says; without
	 * this the NaN variance would be clamped to a standard error of 0. */
	if (isnan(est1) || isnan(se1) || isnan(est2) || isnan(se2)) {
		cmp_nan(out);
		return;
	}
	q[0] = stats_t_quantile(a, df);
	q[1] = stats_t_quantile(1 - a, df);
	cmp_fill(out, est1 - est2, se1 * se1 + se2 * se2, est2, df, q);
	out->significant = !isnan(out->p) && out->p < 1 - level;
}
