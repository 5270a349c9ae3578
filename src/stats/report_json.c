/* report — the JSON of a report (CONTRACT §5): rows, vs_overall with its
 * funnel limits, vs_previous. */
#include "report_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A JSON number, or null for NaN/inf. */
static void add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/*
 * Why a comparison gets no verdict: a row under the publication threshold
 * (low_n), on this side or, against the previous period, on the other.
 * Its figures are given all the same; p_holm counts it among the groups.
 */
static const char *const withheld_low_n = "low_n";
static const char *const withheld_previous_low_n = "previous_low_n";

/* A comparison; withheld (NULL: none) replaces the verdict with null and says why. */
static cJSON *cmp_json(const struct stats_cmp *c, const char *withheld)
{
	cJSON *o = cJSON_CreateObject();
	add_num(o, "diff", c->diff);
	add_num(o, "se", c->se);
	add_num(o, "t", c->t);
	add_num(o, "p", c->p);
	add_num(o, "p_holm", c->p_holm);
	if (withheld != NULL) {
		cJSON_AddNullToObject(o, "significant");
		cJSON_AddStringToObject(o, "significance_note", withheld);
	} else {
		cJSON_AddBoolToObject(o, "significant", c->significant);
	}
	add_num(o, "funnel_low", c->lim_low);
	add_num(o, "funnel_high", c->lim_high);
	return o;
}

static cJSON *vs_prev_json(const struct stats_cmp *c, const char *withheld, const char *prev_name,
                           double prev, size_t prev_n)
{
	cJSON *o = cmp_json(c, withheld);
	add_num(o, prev_name, prev);
	cJSON_AddNumberToObject(o, "previous_n", (double)prev_n);
	return o;
}

/* Why the comparison of row r with the previous period gets no verdict, or NULL. */
const char *report_prev_withheld(const struct stats_row *r, const struct vs_prev *v)
{
	return r->low_n ? withheld_low_n : v->prev_low_n ? withheld_previous_low_n : NULL;
}

/* The fields of CONTRACT §5 and the comparisons of one row; v is the row's
 * comparison with the previous period (NULL when it was not estimated). */
static void row_json(cJSON *o, const struct stats_row *r, bool rate, bool with_cmp,
                     const struct previous *pv, const struct vs_prev *v)
{
	const char *withheld = r->low_n ? withheld_low_n : NULL;
	cJSON_AddNumberToObject(o, "n", (double)r->n);
	add_num(o, "wsum", r->wsum);
	add_num(o, "mean", r->mean);
	add_num(o, "se", r->se);
	add_num(o, "df", r->df);
	add_num(o, "ci_low", r->ci_low);
	add_num(o, "ci_high", r->ci_high);
	add_num(o, "rate", rate ? r->rate : NAN);
	add_num(o, "rate_se", rate ? r->rate_se : NAN);
	add_num(o, "rate_ci_low", rate ? r->rate_ci_low : NAN);
	add_num(o, "rate_ci_high", rate ? r->rate_ci_high : NAN);
	add_num(o, "index", r->index);
	add_num(o, "n_eff", r->n_eff);
	cJSON_AddBoolToObject(o, "low_n", r->low_n);
	if (with_cmp) {
		cJSON_AddItemToObject(o, "vs_overall", cmp_json(&r->mean_vs_overall, withheld));
		if (rate)
			cJSON_AddItemToObject(o, "rate_vs_overall", cmp_json(&r->rate_vs_overall, withheld));
	}
	if (pv->asked) {
		if (v != NULL)
			cJSON_AddItemToObject(o, "vs_previous",
			                      vs_prev_json(&v->mean, report_prev_withheld(r, v), "previous_mean",
			                                   v->prev_mean, v->prev_n));
		else
			cJSON_AddNullToObject(o, "vs_previous");
		if (rate && v != NULL)
			cJSON_AddItemToObject(o, "rate_vs_previous",
			                      vs_prev_json(&v->rate, report_prev_withheld(r, v), "previous_rate",
			                                   v->prev_rate, v->prev_n));
		else if (rate)
			cJSON_AddNullToObject(o, "rate_vs_previous");
	}
}

/* The head of the report: the query, alpha, the funnel's centre, the previous period. */
static void json_head(const struct report_view *v, cJSON *root)
{
	const struct report_query *q = v->q;
	const struct previous *pv = v->pv;
	cJSON_AddStringToObject(root, "survey", v->sv->id);
	cJSON_AddNumberToObject(root, "survey_version", v->version);
	cJSON_AddStringToObject(root, "measure", v->L->measure ? v->L->measure->id
	                                         : v->L->multi ? q->measure : "index");
	cJSON_AddStringToObject(root, "weighting", stats_weighting_name(q->weighting));
	cJSON_AddNumberToObject(root, "level", q->level);
	if (q->from)
		cJSON_AddStringToObject(root, "from", q->from);
	if (q->to)
		cJSON_AddStringToObject(root, "to", q->to);
	cJSON *by = cJSON_AddArrayToObject(root, "by");
	for (size_t i = 0; i < q->nby; i++)
		cJSON_AddItemToArray(by, cJSON_CreateString(report_by_name(q->by[i])));
	cJSON_AddNumberToObject(root, "low_n_threshold", q->low_n);
	cJSON_AddNumberToObject(root, "rake_iterations", v->res->rake_iterations);
	add_num(root, "cronbach_alpha", v->alpha);
	cJSON_AddNumberToObject(root, "alpha_n", (double)v->n_complete);
	/* A funnel plot: each group's mean (or rate) against its precision,
	 * around this centre, with the group's vs_overall.funnel_low/high
	 * as the limits at this level. */
	cJSON *funnel = cJSON_AddObjectToObject(root, "funnel");
	add_num(funnel, "center", v->res->overall.mean);
	add_num(funnel, "rate_center", v->L->measure != NULL ? v->res->overall.rate : NAN);
	cJSON_AddNumberToObject(funnel, "level", q->level);
	add_num(funnel, "df", v->res->df);
	if (pv->asked) {
		cJSON *prev = cJSON_AddObjectToObject(root, "previous");
		if (*pv->from) {
			cJSON_AddStringToObject(prev, "from", pv->from);
			cJSON_AddStringToObject(prev, "to", pv->to);
		}
		if (pv->res != NULL) {
			cJSON_AddNumberToObject(prev, "n", (double)pv->res->overall.n);
			add_num(prev, "df", pv->res->df);
			cJSON_AddNumberToObject(prev, "rake_iterations", pv->res->rake_iterations);
		} else {
			cJSON_AddStringToObject(root, "previous_error", pv->error);
		}
	}
}

/*
 * The names of a group's values, {"agency": {"zh", "en"}, ...}, for the by
 * columns that have names (registry or size) and a value; nothing when
 * none has.
 */
static void names_json(const struct report_view *v, cJSON *o, const char *const *vals)
{
	cJSON *names = NULL;
	for (size_t i = 0; i < v->q->nby; i++) {
		const char *zh = report_value_name(v->L, v->q->by[i], vals[i], LANG_ZH);
		const char *en = report_value_name(v->L, v->q->by[i], vals[i], LANG_EN);
		if (zh == NULL || en == NULL)
			continue;
		if (names == NULL)
			names = cJSON_AddObjectToObject(o, "names");
		cJSON *nm = cJSON_AddObjectToObject(names, report_by_name(v->q->by[i]));
		cJSON_AddStringToObject(nm, "zh", zh);
		cJSON_AddStringToObject(nm, "en", en);
	}
}

void report_json(const struct report_view *v, struct sbuf *out)
{
	const struct report_query *q = v->q;
	const struct previous *pv = v->pv;
	bool rate = v->L->measure != NULL;
	cJSON *root = cJSON_CreateObject();
	json_head(v, root);
	cJSON *ov = cJSON_AddObjectToObject(root, "overall");
	row_json(ov, &v->res->overall, rate, false, pv, pv->res != NULL ? &pv->overall : NULL);
	cJSON_AddNumberToObject(ov, "excluded", (double)v->L->excluded);
	cJSON *groups = cJSON_AddArrayToObject(root, "groups");
	for (size_t gi = 0; gi < v->L->groups.n; gi++) {
		size_t g = v->order[gi];
		char *key;
		const char *vals[REPORT_MAX_BY] = {NULL};
		if (report_group_values(v, g, &key, vals)) {
			cJSON *o = cJSON_CreateObject();
			cJSON *b = cJSON_AddObjectToObject(o, "by");
			for (size_t i = 0; i < q->nby; i++) {
				if (vals[i])
					cJSON_AddStringToObject(b, report_by_name(q->by[i]), vals[i]);
				else
					cJSON_AddNullToObject(b, report_by_name(q->by[i]));
			}
			names_json(v, o, vals);
			row_json(o, &v->res->groups[g], rate, true, pv,
			         pv->res != NULL ? &pv->groups[g] : NULL);
			cJSON_AddNumberToObject(o, "excluded",
			                        v->L->excluded_group != NULL ? (double)v->L->excluded_group[g] : 0);
			cJSON_AddItemToArray(groups, o);
		}
		free(key);
	}
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	sbuf_addc(out, '\n');
	free(text);
	cJSON_Delete(root);
}
