/* report — the CSV of a report: one line a row, figures as R prints them;
 * after each by column that has names (agency, domain, size) its VAR_name
 * column in q->lang. */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const row_fields[] = {
	"n", "wsum", "mean", "se", "df", "ci_low", "ci_high", "rate", "rate_se", "rate_ci_low",
	"rate_ci_high", "index", "n_eff", "low_n", "diff", "diff_se", "p", "p_holm", "significant",
	"prev_mean", "prev_n", "prev_diff", "prev_diff_se", "prev_p", "prev_p_holm", "prev_significant",
};

static void csv_num(struct sbuf *b, double v)
{
	if (isfinite(v))
		sbuf_printf(b, ",%.15g", v); /* R's format(x, digits = 15) */
	else
		sbuf_adds(b, ",");
}

/* A comparison's significance: empty without a p value or when withheld. */
static void csv_significant(struct sbuf *b, const struct stats_cmp *c, bool withheld)
{
	sbuf_adds(b, isfinite(c->p) && !withheld ? (c->significant ? ",true" : ",false") : ",");
}

static void row_csv(struct sbuf *b, const struct stats_row *r, bool rate, const struct vs_prev *v)
{
	sbuf_printf(b, ",%zu", r->n);
	csv_num(b, r->wsum);
	csv_num(b, r->mean);
	csv_num(b, r->se);
	csv_num(b, r->df);
	csv_num(b, r->ci_low);
	csv_num(b, r->ci_high);
	csv_num(b, rate ? r->rate : NAN);
	csv_num(b, rate ? r->rate_se : NAN);
	csv_num(b, rate ? r->rate_ci_low : NAN);
	csv_num(b, rate ? r->rate_ci_high : NAN);
	csv_num(b, r->index);
	csv_num(b, r->n_eff);
	sbuf_adds(b, r->low_n ? ",true" : ",false");
	csv_num(b, r->mean_vs_overall.diff);
	csv_num(b, r->mean_vs_overall.se);
	csv_num(b, r->mean_vs_overall.p);
	csv_num(b, r->mean_vs_overall.p_holm);
	csv_significant(b, &r->mean_vs_overall, r->low_n);
	if (v != NULL) {
		csv_num(b, v->prev_mean);
		sbuf_printf(b, ",%zu", v->prev_n);
		csv_num(b, v->mean.diff);
		csv_num(b, v->mean.se);
		csv_num(b, v->mean.p);
		csv_num(b, v->mean.p_holm);
		csv_significant(b, &v->mean, report_prev_withheld(r, v) != NULL);
	} else {
		sbuf_adds(b, ",,,,,,,");
	}
	sbuf_adds(b, "\r\n");
}

void report_csv(const struct report_view *v, struct sbuf *out)
{
	const struct report_query *q = v->q;
	const struct previous *pv = v->pv;
	bool rate = v->L->measure != NULL;
	for (size_t i = 0; i < q->nby; i++) {
		sbuf_printf(out, "%s,", report_by_name(q->by[i]));
		if (report_by_named(q->by[i]))
			sbuf_printf(out, "%s_name,", report_by_name(q->by[i]));
	}
	sbuf_adds(out, "row");
	for (size_t i = 0; i < ARRAY_SIZE(row_fields); i++)
		sbuf_printf(out, ",%s", row_fields[i]);
	sbuf_adds(out, "\r\n");
	for (size_t i = 0; i < q->nby; i++)
		sbuf_adds(out, report_by_named(q->by[i]) ? ",," : ",");
	sbuf_adds(out, "overall");
	row_csv(out, &v->res->overall, rate, pv->res != NULL ? &pv->overall : NULL);
	for (size_t gi = 0; gi < v->L->groups.n; gi++) {
		size_t g = v->order[gi];
		char *key;
		const char *vals[REPORT_MAX_BY] = {NULL};
		if (report_group_values(v, g, &key, vals)) {
			for (size_t i = 0; i < q->nby; i++) {
				/* Group values such as districts are the registry's
				 * text: guarded against spreadsheet formulas. */
				csv_field(out, vals[i] ? vals[i] : "", vals[i] ? strlen(vals[i]) : 0, true);
				sbuf_addc(out, ',');
				if (report_by_named(q->by[i])) {
					const char *nm = report_value_name(v->L, q->by[i], vals[i], q->lang);
					csv_field(out, nm ? nm : "", nm ? strlen(nm) : 0, true);
					sbuf_addc(out, ',');
				}
			}
			sbuf_adds(out, "group");
			row_csv(out, &v->res->groups[g], rate, pv->res != NULL ? &pv->groups[g] : NULL);
		}
		free(key);
	}
}
