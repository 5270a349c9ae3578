/*
 * stats_infer — from estimates and variances to inference: t quantiles and
 * p values (GSL), the t interval of a mean, the xlogit interval of a rate,
 * comparisons, and Holm's adjustment over groups.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "stats.h"
#include "stats_internal.h"
#include "util.h"

/* Below this two-sided p, stats_t_pvalue() uses the incomplete beta. */
#define P_TAIL 1e-6
/* Relative slack of the n_eff test against the low_n threshold. */
#define LOW_N_SLACK 1e-9

/* See stats_internal.h. */
enum stats_err stats_quantiles(double level, double df, double q[2], struct stats_error *err)
{
	double a = (1 - level) / 2;

	q[0] = stats_t_quantile(a, df);
	q[1] = stats_t_quantile(1 - a, df);
	if (df >= 1 && (!isfinite(q[0]) || !isfinite(q[1])))
		return stats_fail(err, STATS_E_NUMERIC, STATS_M_NONE, -1, -1, -1, df,
		                  "no t quantile for level %g with %g degrees of freedom", level,
		                  df);
	return STATS_OK;
}

static double expit(double eta)
{
	return exp(eta) / (1 + exp(eta)); /* survey:::expit, overflow and all */
}

void stats_cmp_nan(struct stats_cmp *c)
{
	c->diff = c->se = c->t = c->p = c->p_holm = NAN;
	c->lim_low = c->lim_high = NAN;
	c->significant = false;
}

/* See stats_internal.h. */
void stats_cmp_fill(struct stats_cmp *c, double diff, double var, double ref, double df,
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

/* See stats_internal.h. */
void stats_row_fill(struct stats_row *r, const struct gsum *g, const double var[2], double df,
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
	stats_cmp_nan(&r->mean_vs_overall);
	stats_cmp_nan(&r->rate_vs_overall);
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

double stats_normal_quantile(double p)
{
	return p > 0 && p < 1 ? gsl_cdf_ugaussian_Pinv(p) : NAN;
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
	xqsort(v, lp, sizeof(*v), pidx_cmp);
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
		stats_cmp_nan(out);
		return;
	}
	q[0] = stats_t_quantile(a, df);
	q[1] = stats_t_quantile(1 - a, df);
	stats_cmp_fill(out, est1 - est2, se1 * se1 + se2 * se2, est2, df, q);
	out->significant = !isnan(out->p) && out->p < 1 - level;
}
