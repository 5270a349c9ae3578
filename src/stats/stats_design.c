/*
 * stats_design — the sample design of CONTRACT §5 and its weights: which
 * responses are in it, the units (see stats_estimate.c), strata, base
 * weights and fpc, then the calibration: post-stratification on
 * agency x domain, or raking on the agency, domain and size margins.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_internal.h"
#include "util.h"

/* Caps that keep the dense cell maps small. */
#define MAX_DIM    (1u << 20)
#define MAX_KEYS   (1u << 22)
#define MAX_ROWS   ((size_t)UINT32_MAX - 1)
#define MAX_GROUPS ((size_t)1 << 24)

static const char *const margin_names[STATS_M__MAX] = {
    [STATS_M_NONE] = "none",
    [STATS_M_AGENCY] = "agency",
    [STATS_M_DOMAIN] = "domain",
    [STATS_M_SIZE] = "size",
    [STATS_M_AGENCY_DOMAIN] = "agency x domain",
};

void stats_design_free(struct design *d)
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
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->weighting,
		                  "unknown weighting %d", (int)o->weighting);
	if (!(o->level > 0 && o->level < 1))
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->level,
		                  "level %g is not between 0 and 1", o->level);
	if (o->points != 0 && o->points < 2)
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->points,
		                  "a scale needs at least 2 points, not %d", o->points);
	if (o->rake_maxit < 1)
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->rake_maxit,
		                  "rake_maxit %d is below 1", o->rake_maxit);
	if (!(o->rake_epsilon > 0) || !isfinite(o->rake_epsilon))
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->rake_epsilon,
		                  "rake_epsilon %g is not positive", o->rake_epsilon);
	if (isnan(o->low_n))
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, o->low_n,
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
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		                  "population dimensions %zu x %zu x %zu out of range",
		                  p->n_agencies, p->n_domains, p->n_sizes);
	if (wt != STATS_W_NONE && p->agency == NULL)
		return stats_fail(err, STATS_E_INPUT, STATS_M_AGENCY, -1, -1, -1, 0,
		                  "weighting %s needs the population by agency",
		                  stats_weighting_name(wt));
	if (wt == STATS_W_POSTSTRAT && p->agency_domain == NULL)
		return stats_fail(err, STATS_E_INPUT, STATS_M_AGENCY_DOMAIN, -1, -1, -1, 0,
		                  "weighting poststrat needs the population by agency x domain");
	if (wt == STATS_W_RAKE && (p->domain == NULL || p->size == NULL || p->n_sizes < 1))
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		                  "weighting rake needs the margins by domain and size");
	if (wt == STATS_W_RAKE && (uint64_t)p->n_agencies * p->n_domains * p->n_sizes > MAX_KEYS)
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		                  "too many agency x domain x size cells to rake");
	if (wt == STATS_W_POSTSTRAT && (uint64_t)p->n_agencies * p->n_domains > MAX_KEYS)
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		                  "too many agency x domain cells to post-stratify");
	for (size_t k = 0; k < 4; k++) {
		if (arrays[k] == NULL)
			continue;
		for (size_t i = 0; i < lens[k]; i++) {
			if (!(arrays[k][i] >= 0) || !isfinite(arrays[k][i]))
				return stats_fail(err, STATS_E_INPUT, ms[k], (long)i, -1, -1,
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
			e = stats_fail(err, STATS_E_INPUT, STATS_M_AGENCY, r->agency, -1, row, 0,
			               "response %zu: agency %d out of range", i, (int)r->agency);
			goto out;
		}
		if (r->domain < 0 || (size_t)r->domain >= p->n_domains) {
			e = stats_fail(err, STATS_E_INPUT, STATS_M_DOMAIN, r->domain, -1, row, 0,
			               "response %zu: domain %d out of range", i, (int)r->domain);
			goto out;
		}
		if (r->size < -1 || (r->size >= 0 && (size_t)r->size >= p->n_sizes) ||
		    (d->wt == STATS_W_RAKE && r->size < 0)) {
			e = stats_fail(err, STATS_E_INPUT, STATS_M_SIZE, r->size, -1, row, 0,
			               "response %zu: size %d out of range", i, (int)r->size);
			goto out;
		}
		if (check_measure) {
			if (r->group < -1 || (r->group >= 0 && (size_t)r->group >= n_groups)) {
				e = stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, row,
				               r->group, "response %zu: group %d out of range", i,
				               (int)r->group);
				goto out;
			}
			if (isinf(r->y)) {
				e = stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, row, r->y,
				               "response %zu: the measure is infinite", i);
				goto out;
			}
			if (o->rate && !isnan(r->y) && r->satisfied != 0 && r->satisfied != 1) {
				e = stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, row,
				               r->satisfied,
				               "response %zu: satisfied is %d, not 0 or 1", i,
				               (int)r->satisfied);
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
			return stats_fail(err, STATS_E_FPC, STATS_M_AGENCY, (long)h, -1, -1, N,
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
				return stats_fail(
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
				return stats_fail(
				    err, STATS_E_EMPTY_CELL, STATS_M_AGENCY_DOMAIN, (long)a,
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
			return stats_fail(err, STATS_E_MARGINS, names[k], -1, -1, -1, totals[k],
			                  "the %s margin totals %.17g but the agency margin %.17g",
			                  margin_names[names[k]], totals[k], totals[0]);
	}
	for (size_t k = 0; k < NMARGIN; k++) {
		for (size_t c = 0; c < ncell[k]; c++) {
			if (d->cell_n[k][c] > 0 && pops[k][c] == 0)
				return stats_fail(err, STATS_E_NO_POPULATION, names[k], (long)c, -1,
				                  -1, 0, "%s %zu has responses but no population",
				                  margin_names[names[k]], c);
			if (d->cell_n[k][c] == 0 && pops[k][c] > 0)
				return stats_fail(err, STATS_E_EMPTY_CELL, names[k], (long)c, -1,
				                  -1, pops[k][c],
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
			e = stats_fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, delta,
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
		e = stats_fail(
		    err, STATS_E_NOT_CONVERGED, STATS_M_NONE, -1, -1, -1, delta,
		    "raking did not converge after %d passes (last change %g, tolerance %g)", iter,
		    delta, eps);
out:
	free(freq);
	free(table);
	return e;
}

enum stats_err stats_design_build(struct design *d, const struct stats_resp *resp,
                                  const double *count, size_t n, const struct stats_population *p,
                                  size_t n_groups, bool check_measure,
                                  const struct stats_options *o, struct stats_error *err)
{
	enum stats_err e;
	uint32_t *cell_of_key = NULL;

	memset(d, 0, sizeof(*d));
	d->wt = o->weighting;
	d->n_rows = n;
	if ((e = check_options(o, err)) != STATS_OK)
		return e;
	if (p == NULL)
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0, "no population");
	if ((e = check_population(p, o->weighting, err)) != STATS_OK)
		return e;
	if (n > MAX_ROWS || n_groups > MAX_GROUPS || (n > 0 && resp == NULL))
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, (double)n,
		                  "too many responses or groups");
	if ((e = assign_units(d, resp, count, n, p, n_groups, check_measure, o, err)) != STATS_OK)
		return e;
	if (d->n_design == 0)
		return stats_fail(err, STATS_E_EMPTY, STATS_M_NONE, -1, -1, -1, 0,
		                  "no response in the %s design", stats_weighting_name(d->wt));
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
			return stats_fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, d->u_w[u],
			                  "a weight came out as %g", d->u_w[u]);
	return STATS_OK;
}

enum stats_err stats_cell_weights(const struct stats_resp *resp, const double *count, size_t n,
                                  const struct stats_population *pop,
                                  const struct stats_options *opts, double *w, int *iterations,
                                  struct stats_error *err)
{
	struct design d;
	enum stats_err e;

	if (opts == NULL || (n > 0 && w == NULL))
		return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0,
		                  "no options or no output array");
	for (size_t i = 0; count != NULL && i < n; i++)
		if (!(count[i] >= 1 && count[i] <= (double)MAX_ROWS && count[i] == floor(count[i])))
			return stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, (long)i,
			                  count[i], "cell %zu: a count of %g responses", i,
			                  count[i]);
	e = stats_design_build(&d, resp, count, n, pop, 0, false, opts, err);
	if (e == STATS_OK) {
		for (size_t i = 0; i < n; i++)
			w[i] = d.unit[i] == NO_UNIT ? 0 : d.u_w[d.unit[i]];
		if (iterations != NULL)
			*iterations = d.iterations;
	}
	stats_design_free(&d);
	return e;
}

enum stats_err stats_weights(const struct stats_resp *resp, size_t n,
                             const struct stats_population *pop, const struct stats_options *opts,
                             double *w, int *iterations, struct stats_error *err)
{
	return stats_cell_weights(resp, NULL, n, pop, opts, w, iterations, err);
}
