/* report — the comparison of a period with the previous one (vs_previous):
 * its dates, its estimate and the differences, Holm-adjusted over the groups. */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days since 1970-01-01 of the first day of month m (any integer: 0 is the
 * December before, 13 the next January) of year y. */
static long long month_start_day(long long y, long long m)
{
	long long k = y * 12 + (m - 1);
	long long yy = k >= 0 ? k / 12 : -((-k + 11) / 12);
	return days_from_civil(yy, (int)(k - yy * 12) + 1, 1);
}

/*
 * The period before [from, to].  Whole calendar months — from the 1st of a
 * month to the last day of a month, so a month, a quarter, a half or a
 * year — are followed by as many whole months before them (February after
 * the 31 days of January, a quarter after the one before it, a year after
 * the year before); any other period by as many days, ending the day
 * before from.  False when from or to is not a date, to is before from, or
 * the previous period would start before the year 1.
 */
static bool previous_dates(const char *from, const char *to, char *pfrom, char *pto, size_t n)
{
	long long f, t, start;
	if (!day_parse(from, &f) || !day_parse(to, &t) || t < f)
		return false;
	long long fy, ty;
	int fm, fd, tm, td;
	civil_from_days(f, &fy, &fm, &fd);
	civil_from_days(t + 1, &ty, &tm, &td); /* the day after to: the 1st when to ends a month */
	if (fd == 1 && td == 1) {
		long long months = (ty * 12 + tm) - (fy * 12 + fm);
		start = month_start_day(fy, fm - months);
	} else {
		start = f - (t - f + 1);
	}
	if (start < days_from_civil(1, 1, 1))
		return false;
	day_format(start, pfrom, n);
	day_format(f - 1, pto, n);
	return true;
}

/* Compare cur with prev (NULL: absent) as two independent estimates. */
static void vs_prev_fill(struct vs_prev *v, const struct stats_row *cur,
                         const struct stats_row *prev, double df, double level, bool rate)
{
	v->prev_mean = prev != NULL ? prev->mean : NAN;
	v->prev_rate = prev != NULL && rate ? prev->rate : NAN;
	v->prev_n = prev != NULL ? prev->n : 0;
	v->prev_low_n = prev == NULL || prev->low_n;
	stats_compare_independent(cur->mean, cur->se, v->prev_mean, prev != NULL ? prev->se : NAN,
	                          df, level, &v->mean);
	stats_compare_independent(rate ? cur->rate : NAN, rate ? cur->rate_se : NAN, v->prev_rate,
	                          prev != NULL && rate ? prev->rate_se : NAN, df, level, &v->rate);
}

/*
 * Estimate the previous period of q (when q has both dates) and compare
 * every row of res with it.  Only a database failure is an error; a
 * previous period that cannot be estimated leaves pv->res NULL and says
 * why in pv->error.
 */
enum report_status report_previous_run(struct store *s, const struct report_query *q,
                                       const struct survey *sv, const struct load *L,
                                       const struct stats_result *res, struct previous *pv,
                                       char *msg, size_t msglen)
{
	pv->asked = q->from != NULL && q->to != NULL;
	if (!pv->asked)
		return REPORT_OK;
	if (!previous_dates(q->from, q->to, pv->from, pv->to, sizeof pv->from)) {
		snprintf(pv->error, sizeof pv->error, "no previous period before %s to %s", q->from,
		         q->to);
		return REPORT_OK;
	}
	pv->q = *q;
	pv->q.from = pv->from;
	pv->q.to = pv->to;
	enum report_status st = report_estimate_period(s, &pv->q, sv, &pv->L, &pv->res, pv->error,
	                                        sizeof pv->error);
	if (st == REPORT_STORE || st == REPORT_BUSY) {
		snprintf(msg, msglen, "%s", pv->error);
		return st;
	}
	/* The previous period's item values made its index; alpha is this period's. */
	free(pv->L.x);
	pv->L.x = NULL;
	if (st != REPORT_OK) {
		stats_result_free(pv->res);
		pv->res = NULL;
		return REPORT_OK;
	}

	bool rate = L->measure != NULL;
	double df = res->df < pv->res->df ? res->df : pv->res->df;
	vs_prev_fill(&pv->overall, &res->overall, &pv->res->overall, df, q->level, rate);
	pv->groups = xcalloc(res->n_groups + 1, sizeof *pv->groups);
	for (size_t g = 0; g < res->n_groups; g++) {
		int pg = report_group_find(&pv->L.groups, L->groups.keys[g]);
		vs_prev_fill(&pv->groups[g], &res->groups[g], pg >= 0 ? &pv->res->groups[pg] : NULL, df,
		             q->level, rate);
	}
	/* Holm over the groups, as for vs_overall. */
	if (res->n_groups > 0) {
		struct stats_cmp *c = xmalloc(res->n_groups * sizeof *c);
		for (int m = 0; m < 2; m++) {
			for (size_t g = 0; g < res->n_groups; g++)
				c[g] = m == 0 ? pv->groups[g].mean : pv->groups[g].rate;
			stats_holm_cmp(c, res->n_groups, q->level);
			for (size_t g = 0; g < res->n_groups; g++) {
				if (m == 0)
					pv->groups[g].mean = c[g];
				else
					pv->groups[g].rate = c[g];
			}
		}
		free(c);
	}
	return REPORT_OK;
}

void report_previous_free(struct previous *pv)
{
	stats_result_free(pv->res);
	report_load_free(&pv->L);
	free(pv->groups);
}
