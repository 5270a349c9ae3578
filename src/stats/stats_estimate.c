/*
 * stats_estimate — design-based means and rates, overall and by group, with
 * their variances, as R's survey package 4.1 computes them.
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
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_internal.h"
#include "util.h"

/* The number of sweeps survey:::svyrecvar makes over raking margins. */
#define RAKE_VAR_SWEEPS 10
/* survey:::onestrat: a stratum whose sampling fraction leaves f below this
 * adds nothing. */
#define FPC_ZERO 1e-7

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

/* The state of one stats_estimate() call: its inputs (borrowed) and work
 * arrays. */
struct work {
	const struct design *d;
	const struct stats_resp *resp;
	size_t n, n_groups;
	int nm; /* measures: 1 (the mean) or 2 (and the rate) */
	const struct stats_options *o;
	double q[2];     /* the t quantiles of the intervals */
	double mean0[2]; /* the overall mean and rate */

	double *S0[2], *M0[2], *adj0[2]; /* the overall influence, per measure */
	double *S, *M, *S0g, *C0g, *L0g, *adj, *Sd, *Md, *adjd;
	double *n_y; /* responses with y present per unit */
	uint32_t *m_g; /* the group's responses per unit */
	double *ws, *sr, *sc;
	struct gsum *g; /* [n_groups + 1]: [n_groups] is the overall row */
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

/* The work arrays, sized by the design's units, cells and strata. */
static void work_alloc(struct work *w)
{
	const struct design *d = w->d;
	size_t U = d->n_units;
	size_t maxcells = U;

	for (size_t k = 0; k < d->n_margins; k++)
		if (d->n_cells[k] > maxcells)
			maxcells = d->n_cells[k];
	for (int m = 0; m < w->nm; m++) {
		w->S0[m] = dalloc(U);
		w->M0[m] = dalloc(U);
		w->adj0[m] = dalloc(U);
	}
	w->S = dalloc(U);
	w->M = dalloc(U);
	w->C0g = dalloc(U);
	w->L0g = dalloc(U);
	w->n_y = dalloc(U);
	w->m_g = xcalloc(U ? U : 1, sizeof(*w->m_g));
	w->S0g = dalloc(U);
	w->adj = dalloc(U);
	w->Sd = dalloc(U);
	w->Md = dalloc(U);
	w->adjd = dalloc(U);
	w->ws = dalloc(maxcells);
	w->sr = dalloc(d->n_slots);
	w->sc = dalloc(d->n_slots);
	w->g = xcalloc(w->n_groups + 1, sizeof(*w->g));
	w->off = xcalloc(w->n_groups + 1, sizeof(*w->off));
}

/* Pass 1: counts and weighted sums per group and overall; w->off[g] counts
 * the group's responses with y present.  Returns their total. */
static size_t group_sums(struct work *w)
{
	const struct design *d = w->d;
	struct gsum *all = &w->g[w->n_groups];
	size_t in_groups = 0;

	for (size_t i = 0; i < w->n; i++) {
		uint32_t u = d->unit[i];
		if (u == NO_UNIT)
			continue;
		const struct stats_resp *r = &w->resp[i];
		struct gsum *g = r->group >= 0 ? &w->g[r->group] : NULL;
		if (g != NULL)
			g->n_design++;
		all->n_design++;
		if (isnan(r->y))
			continue;
		double wt = d->u_w[u];
		double s = w->o->rate ? (double)r->satisfied : 0;
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
			w->off[r->group]++;
			in_groups++;
		}
	}
	return in_groups;
}

/* Counting sort of the responses with y present, by group: group g's are
 * w->perm[w->off[g] .. w->off[g + 1]). */
static void group_sort(struct work *w, size_t in_groups)
{
	size_t n_groups = w->n_groups;
	size_t acc = 0;

	for (size_t g = 0; g < n_groups; g++) {
		size_t c = w->off[g];
		w->off[g] = acc;
		acc += c;
	}
	w->off[n_groups] = acc;
	w->perm = xmalloc((in_groups ? in_groups : 1) * sizeof(*w->perm));
	for (size_t i = 0; i < w->n; i++) {
		const struct stats_resp *r = &w->resp[i];
		if (w->d->unit[i] == NO_UNIT || isnan(r->y) || r->group < 0)
			continue;
		w->perm[w->off[r->group]++] = (uint32_t)i;
	}
	for (size_t g = n_groups; g > 0; g--)
		w->off[g] = w->off[g - 1];
	w->off[0] = 0;
}

/* A result with the design's figures and a row for each group, empty. */
static struct stats_result *result_new(const struct design *d, const struct stats_options *opts,
                                       size_t n_groups)
{
	struct stats_result *res = xcalloc(1, sizeof(*res));

	res->weighting = d->wt;
	res->level = opts->level;
	res->df = d->df;
	res->n_design = d->n_design;
	res->n_strata = d->n_strata;
	res->rake_iterations = d->iterations;
	res->n_groups = n_groups;
	res->groups = xcalloc(n_groups ? n_groups : 1, sizeof(*res->groups));
	return res;
}

/* The overall row: its means into w->mean0, the unit sums of its influence
 * into w->S0, w->M0 and w->adj0 (the groups' differences need them), and
 * its figures into row. */
static void overall_row(struct work *w, struct stats_row *row)
{
	const struct design *d = w->d;
	const struct stats_resp *resp = w->resp;
	const struct gsum *all = &w->g[w->n_groups];
	size_t n = w->n, U = d->n_units;
	int nm = w->nm;
	double *mean0 = w->mean0, var0[2] = {NAN, NAN};

	mean0[0] = mean0[1] = NAN;
	if (all->n > 0) {
		mean0[0] = all->wy / all->w;
		mean0[1] = all->ws / all->w;
		for (size_t i = 0; i < n; i++) {
			uint32_t u = d->unit[i];
			if (u == NO_UNIT || isnan(resp[i].y))
				continue;
			w->n_y[u] += 1;
			for (int m = 0; m < nm; m++)
				w->S0[m][u] += (measure(&resp[i], m) - mean0[m]) * d->u_w[u] / all->w;
		}
		/* Centred: the rows with y present, then the zeros of the others. */
		for (size_t i = 0; i < n; i++) {
			uint32_t u = d->unit[i];
			if (u == NO_UNIT || isnan(resp[i].y))
				continue;
			for (int m = 0; m < nm; m++) {
				double x = (measure(&resp[i], m) - mean0[m]) * d->u_w[u] / all->w;
				double dev = x - w->S0[m][u] / d->u_n[u];
				w->M0[m][u] += dev * dev;
			}
		}
		for (int m = 0; m < nm; m++) {
			for (size_t u = 0; u < U; u++) {
				double a = w->S0[m][u] / d->u_n[u];
				w->M0[m][u] += (d->u_n[u] - w->n_y[u]) * a * a;
			}
			residualize(d, w->S0[m], w->adj0[m], w->ws);
			var0[m] = strat_variance(d, w->S0[m], w->M0[m], w->adj0[m], w->sr, w->sc);
		}
	}
	stats_row_fill(row, all, var0, d->df, w->q, w->o);
}

/* The variance of group g's measure m (mean[m] its estimate) into *var, and
 * of its difference from the overall figure into *vard. */
static void group_variance(struct work *w, size_t g, int m, const double mean[2], double *var,
                           double *vard)
{
	const struct design *d = w->d;
	const struct stats_resp *resp = w->resp;
	const struct gsum *gs = &w->g[g], *all = &w->g[w->n_groups];
	const double *mean0 = w->mean0;
	size_t U = d->n_units;

	memset(w->S, 0, U * sizeof(double));
	memset(w->M, 0, U * sizeof(double));
	memset(w->Md, 0, U * sizeof(double));
	memset(w->S0g, 0, U * sizeof(double));
	memset(w->C0g, 0, U * sizeof(double));
	memset(w->L0g, 0, U * sizeof(double));
	memset(w->m_g, 0, U * sizeof(*w->m_g));
	/* Pass 1: the unit sums of the group's influence xg and of
	 * the overall influence x0 on the group's rows. */
	for (size_t j = w->off[g]; j < w->off[g + 1]; j++) {
		const struct stats_resp *r = &resp[w->perm[j]];
		uint32_t u = d->unit[w->perm[j]];
		double v = measure(r, m), wt = d->u_w[u];
		w->S[u] += (v - mean[m]) * wt / gs->w;
		w->S0g[u] += (v - mean0[m]) * wt / all->w;
		w->m_g[u]++;
	}
	/* Pass 2: centred sums of squares on the group's rows: of xg,
	 * of the difference dx = xg - x0, and of x0 (around the
	 * unit's overall mean, for the rows outside the group). */
	for (size_t j = w->off[g]; j < w->off[g + 1]; j++) {
		const struct stats_resp *r = &resp[w->perm[j]];
		uint32_t u = d->unit[w->perm[j]];
		double v = measure(r, m), wt = d->u_w[u], nu = d->u_n[u];
		double xg = (v - mean[m]) * wt / gs->w;
		double x0 = (v - mean0[m]) * wt / all->w;
		double eg = xg - w->S[u] / nu;
		double ed = (xg - x0) - (w->S[u] - w->S0[m][u]) / nu;
		double e0 = x0 - w->S0[m][u] / nu;
		w->M[u] += eg * eg;
		w->Md[u] += ed * ed;
		w->C0g[u] += e0 * e0;
		w->L0g[u] += e0;
	}
	/* The unit's other r rows: xg = 0 there and dx = -x0. */
	for (size_t u = 0; u < U; u++) {
		double nu = d->u_n[u], r = nu - w->m_g[u];
		double gbar = w->S[u] / nu;
		w->Sd[u] = w->S[u] - w->S0[m][u];
		if (w->m_g[u] == 0) {
			w->Md[u] = w->M0[m][u];
			continue;
		}
		w->M[u] += r * gbar * gbar;
		if (r > 0) {
			/* sum over them of (x0 + mean dx)^2 = sum (e0 + gbar)^2
			 * with e0 = x0 - the unit's mean of x0 */
			double t = w->M0[m][u] - w->C0g[u];
			double l = -w->L0g[u];
			double rest = (t > 0 ? t : 0) + 2 * gbar * l + r * gbar * gbar;
			w->Md[u] += rest > 0 ? rest : 0;
		}
	}
	residualize(d, w->S, w->adj, w->ws);
	*var = strat_variance(d, w->S, w->M, w->adj, w->sr, w->sc);
	for (size_t u = 0; u < U; u++)
		w->adjd[u] = w->adj[u] - w->adj0[m][u];
	*vard = strat_variance(d, w->Sd, w->Md, w->adjd, w->sr, w->sc);
}

/* Group g's row: its figures, and its difference from the overall one. */
static enum stats_err group_row(struct work *w, size_t g, struct stats_result *res,
                                struct stats_error *err)
{
	const struct gsum *gs = &w->g[g];
	struct stats_row *row = &res->groups[g];
	double var[2] = {NAN, NAN}, vard[2] = {NAN, NAN}, mean[2];
	double df = w->d->df;

	if (gs->n == 0) {
		stats_row_fill(row, gs, var, df, w->q, w->o);
		return STATS_OK;
	}
	mean[0] = gs->wy / gs->w;
	mean[1] = gs->ws / gs->w;
	for (int m = 0; m < w->nm; m++)
		group_variance(w, g, m, mean, &var[m], &vard[m]);
	stats_row_fill(row, gs, var, df, w->q, w->o);
	stats_cmp_fill(&row->mean_vs_overall, row->mean - res->overall.mean, vard[0],
	               res->overall.mean, df, w->q);
	if (w->o->rate)
		stats_cmp_fill(&row->rate_vs_overall, row->rate - res->overall.rate, vard[1],
		               res->overall.rate, df, w->q);
	if (isfinite(row->mean_vs_overall.t) && isnan(row->mean_vs_overall.p))
		return stats_fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, df,
		                  "no p value for group %zu", g);
	return STATS_OK;
}

/* Holm over the groups, for the mean and (nm 2) for the rate. */
static void holm_groups(struct stats_result *res, int nm, double level)
{
	size_t n_groups = res->n_groups;

	if (n_groups == 0)
		return;
	struct stats_cmp *c = xmalloc(n_groups * sizeof(*c));
	for (int m = 0; m < nm; m++) {
		for (size_t g = 0; g < n_groups; g++)
			c[g] = m == 0 ? res->groups[g].mean_vs_overall : res->groups[g].rate_vs_overall;
		stats_holm_cmp(c, n_groups, level);
		for (size_t g = 0; g < n_groups; g++) {
			if (m == 0)
				res->groups[g].mean_vs_overall = c[g];
			else
				res->groups[g].rate_vs_overall = c[g];
		}
	}
	free(c);
}

enum stats_err stats_estimate(const struct stats_resp *resp, size_t n, size_t n_groups,
                              const struct stats_population *pop, const struct stats_options *opts,
                              struct stats_result **out, struct stats_error *err)
{
	struct design d;
	struct work w;
	struct stats_result *res = NULL;
	enum stats_err e;

	memset(&w, 0, sizeof(w));
	*out = NULL;
	if (opts == NULL) {
		memset(&d, 0, sizeof(d));
		e = stats_fail(err, STATS_E_INPUT, STATS_M_NONE, -1, -1, -1, 0, "no options");
		goto done;
	}
	if ((e = stats_design_build(&d, resp, NULL, n, pop, n_groups, true, opts, err)) != STATS_OK)
		goto done;
	w.d = &d;
	w.resp = resp;
	w.n = n;
	w.n_groups = n_groups;
	w.nm = opts->rate ? 2 : 1;
	w.o = opts;
	if ((e = stats_quantiles(opts->level, d.df, w.q, err)) != STATS_OK)
		goto done;
	work_alloc(&w);
	group_sort(&w, group_sums(&w));
	res = result_new(&d, opts, n_groups);
	overall_row(&w, &res->overall);
	for (size_t g = 0; g < n_groups; g++)
		if ((e = group_row(&w, g, res, err)) != STATS_OK)
			goto done;
	holm_groups(res, w.nm, opts->level);
	*out = res;
	res = NULL;
	e = STATS_OK;
done:
	stats_result_free(res);
	work_free(&w);
	stats_design_free(&d);
	return e;
}

void stats_result_free(struct stats_result *res)
{
	if (res == NULL)
		return;
	free(res->groups);
	free(res);
}
