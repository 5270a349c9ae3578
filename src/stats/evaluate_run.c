/* evaluate_run — gather an evaluation's inputs, compute, store, write; see include/evaluate.h. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "quality.h"
#include "report.h"
#include "store_duty.h"
#include "survey.h"

/* What is gathered for one agency or domain beyond struct eval_in. */
struct unit {
	size_t duties, counted, quality_n, satisfaction_n;
	bool satisfaction_low_n; /* its satisfaction group under the threshold (n or n_eff) */
	double rate_sum;            /* sum over counted duties of min(1, performed/required) */
	double done, required;      /* sums over counted duties of min(performed, required), required */
	const char *quality_source; /* "review", "imported" or NULL */
	double ci[EVAL_DIM__MAX][2]; /* quality's and satisfaction's 95% intervals, NaN when unknown */
};

#define Z975 1.959963984540054 /* qnorm(0.975) */

struct gather {
	char survey[80], rubric[80]; /* what was evaluated ("" for none), named in the JSON */
	struct registry_list agencies, domains;
	struct duty_rows duties;
	struct eval_in *in;         /* by agency */
	struct unit *u;             /* by agency */
	struct unit *du;            /* by domain */
	struct eval_in city;
	struct unit cu;
	bool pooled;                /* --rate pooled */
};

static void add_num(cJSON *o, const char *name, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, v);
}

static double num_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static long index_of(const struct registry_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return (long)i;
	return -1;
}

/* The one survey of the kind wanted (rubric or not) into *out (malloc'd), NULL when none. */
static enum evaluate_status find_survey(struct store *s, bool rubric, char **out, char *msg,
                                        size_t n)
{
	char **ids = NULL;
	size_t nids = 0, found = 0;
	enum store_err e = store_survey_ids(s, &ids, &nids);
	*out = NULL;
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot list the surveys: %s", store_strerror(e));
		return e == STORE_ERR_BUSY ? EVALUATE_BUSY : EVALUATE_STORE;
	}
	for (size_t i = 0; i < nids; i++) {
		char *def = NULL, why[256];
		int version;
		struct survey *sv = NULL;
		if (store_survey_latest(s, ids[i], &version, &def) == STORE_OK &&
		    survey_parse(ids[i], def, strlen(def), &sv, why, sizeof why) == SURVEY_OK &&
		    survey_is_rubric(sv) == rubric) {
			found++;
			if (*out == NULL)
				*out = xstrdup(ids[i]);
		}
		survey_free(sv);
		free(def);
	}
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	if (found > 1) {
		snprintf(msg, n, "%zu %s are loaded: name one with %s", found,
		         rubric ? "review rubrics" : "surveys of respondents", rubric ? "--rubric ID" : "--survey ID");
		free(*out);
		*out = NULL;
		return EVALUATE_BAD_QUERY;
	}
	return EVALUATE_OK;
}

/* The performance rate of the duties into the units. */
static void gather_duties(struct gather *g)
{
	for (size_t i = 0; i < g->duties.n; i++) {
		const struct duty_row *d = &g->duties.v[i];
		long a = index_of(&g->agencies, d->agency), m = index_of(&g->domains, d->domain);
		struct unit *us[3] = {a >= 0 ? &g->u[a] : NULL, m >= 0 ? &g->du[m] : NULL, &g->cu};
		for (int k = 0; k < 3; k++) {
			if (us[k] == NULL)
				continue;
			us[k]->duties++;
			if (d->required > 0) {
				us[k]->counted++;
				us[k]->rate_sum += fmin(1.0, (double)d->performed / (double)d->required);
				us[k]->done += (double)(d->performed < d->required ? d->performed : d->required);
				us[k]->required += (double)d->required;
			}
		}
	}
}

/* The performance rate of u: the mean of the duties' rates, or pooled over them. */
static double rate_of(const struct unit *u, bool pooled)
{
	if (u->counted == 0)
		return NAN;
	return pooled ? 100 * u->done / u->required : 100 * u->rate_sum / (double)u->counted;
}

/* Parse JSON text; NULL with msg on failure. */
static cJSON *parse(const struct sbuf *b, const char *what, char *msg, size_t n)
{
	cJSON *root = cJSON_Parse(b->data);
	if (root == NULL)
		snprintf(msg, n, "cannot read the %s figures", what);
	return root;
}

/* Quality from the case-file review of rubric over the year. */
static enum evaluate_status gather_review(struct store *s, const char *rubric, int year,
                                          struct gather *g, char *msg, size_t n)
{
	char from[16], to[16];
	struct sbuf b;
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	struct quality_query q = {.survey = rubric, .by = QUALITY_BY_AGENCY, .from = from, .to = to,
	                          .level = 0.95};
	sbuf_init(&b);
	enum quality_status st = quality_report(s, &q, &b, msg, n);
	if (st == QUALITY_EMPTY || st == QUALITY_NO_DATA) {
		sbuf_free(&b);
		msg[0] = '\0';
		return EVALUATE_OK;
	}
	if (st != QUALITY_OK) {
		sbuf_free(&b);
		return st == QUALITY_BUSY ? EVALUATE_BUSY : st == QUALITY_STORE ? EVALUATE_STORE
		                                                                 : EVALUATE_BAD_QUERY;
	}
	cJSON *root = parse(&b, "quality", msg, n);
	sbuf_free(&b);
	if (root == NULL)
		return EVALUATE_STORE;
	double scale = 100 / num_of(root, "max");
	if (!(scale > 0 && isfinite(scale))) { /* a rubric without points: no score to rescale */
		cJSON_Delete(root);
		return EVALUATE_OK;
	}
	const cJSON *ov = cJSON_GetObjectItemCaseSensitive(root, "overall"), *grp;
	g->city.x[EVAL_QUALITY] = scale * num_of(ov, "mean");
	g->city.se[EVAL_QUALITY] = scale * num_of(ov, "se");
	g->cu.quality_n = (size_t)num_of(ov, "n");
	g->cu.quality_source = "review";
	g->cu.ci[EVAL_QUALITY][0] = scale * num_of(ov, "ci_low");
	g->cu.ci[EVAL_QUALITY][1] = scale * num_of(ov, "ci_high");
	cJSON_ArrayForEach(grp, cJSON_GetObjectItemCaseSensitive(root, "groups"))
	{
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(grp, "by");
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(by, "agency");
		long a = cJSON_IsString(code) ? index_of(&g->agencies, code->valuestring) : -1;
		if (a < 0)
			continue;
		g->in[a].x[EVAL_QUALITY] = scale * num_of(grp, "mean");
		g->in[a].se[EVAL_QUALITY] = scale * num_of(grp, "se");
		g->u[a].quality_n = (size_t)num_of(grp, "n");
		g->u[a].quality_source = "review";
		g->u[a].ci[EVAL_QUALITY][0] = scale * num_of(grp, "ci_low");
		g->u[a].ci[EVAL_QUALITY][1] = scale * num_of(grp, "ci_high");
	}
	cJSON_Delete(root);
	return EVALUATE_OK;
}

/* Imported quality scores, for agencies the review does not cover. */
static enum evaluate_status gather_imported(struct store *s, int year, struct gather *g,
                                            char *msg, size_t n)
{
	struct quality_score *qs = NULL;
	size_t nq = 0, used = 0;
	double sum = 0, var = 0;
	long long files = 0;
	enum store_err e = store_quality_scores(s, year, &qs, &nq);
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot read the quality scores: %s", store_strerror(e));
		return e == STORE_ERR_BUSY ? EVALUATE_BUSY : EVALUATE_STORE;
	}
	for (size_t i = 0; i < nq; i++) {
		long a = index_of(&g->agencies, qs[i].agency);
		if (a < 0 || g->u[a].quality_source != NULL)
			continue;
		g->in[a].x[EVAL_QUALITY] = qs[i].score;
		g->in[a].se[EVAL_QUALITY] = qs[i].se;
		g->u[a].quality_n = (size_t)qs[i].n;
		g->u[a].quality_source = "imported";
		g->u[a].ci[EVAL_QUALITY][0] = qs[i].score - Z975 * qs[i].se;
		g->u[a].ci[EVAL_QUALITY][1] = qs[i].score + Z975 * qs[i].se;
		sum += qs[i].score;
		var += qs[i].se * qs[i].se;
		files += qs[i].n;
		used++;
	}
	if (g->cu.quality_source == NULL && used > 0) {
		/* No review: the city's figure is the mean of the agencies' scores. */
		g->city.x[EVAL_QUALITY] = sum / (double)used;
		g->city.se[EVAL_QUALITY] = sqrt(var) / (double)used;
		g->cu.quality_n = (size_t)files;
		g->cu.quality_source = "imported";
		g->cu.ci[EVAL_QUALITY][0] = g->city.x[EVAL_QUALITY] - Z975 * g->city.se[EVAL_QUALITY];
		g->cu.ci[EVAL_QUALITY][1] = g->city.x[EVAL_QUALITY] + Z975 * g->city.se[EVAL_QUALITY];
	}
	free(qs);
	return EVALUATE_OK;
}

/* Satisfaction from the statistics engine for the year, by agency. */
static enum evaluate_status gather_satisfaction(struct store *s, const struct evaluate_query *eq,
                                                const char *survey, struct gather *g, char *msg,
                                                size_t n)
{
	char from[16], to[16];
	struct report_query q;
	struct sbuf b;
	bool rate = strcmp(eq->measure, "overall") == 0;
	report_query_default(&q);
	snprintf(from, sizeof from, "%04d-01-01", eq->year);
	snprintf(to, sizeof to, "%04d-12-31", eq->year);
	q.survey = survey;
	q.measure = eq->measure;
	q.by[0] = BY_AGENCY;
	q.nby = 1;
	q.from = from;
	q.to = to;
	if (!stats_weighting_parse(eq->weighting, &q.weighting)) {
		snprintf(msg, n, "--weighting %s is not one of none, base, poststrat, rake", eq->weighting);
		return EVALUATE_BAD_QUERY;
	}
	sbuf_init(&b);
	enum report_status st = report_run(s, &q, false, &b, msg, n);
	if (st == REPORT_EMPTY) {
		sbuf_free(&b);
		msg[0] = '\0';
		return EVALUATE_OK;
	}
	if (st != REPORT_OK) {
		sbuf_free(&b);
		return st == REPORT_BUSY ? EVALUATE_BUSY : st == REPORT_STORE ? EVALUATE_STORE
		                                                               : EVALUATE_BAD_QUERY;
	}
	cJSON *root = parse(&b, "satisfaction", msg, n);
	sbuf_free(&b);
	if (root == NULL)
		return EVALUATE_STORE;
	const char *x = rate ? "rate" : "mean", *se = rate ? "rate_se" : "se";
	const char *lo = rate ? "rate_ci_low" : "ci_low", *hi = rate ? "rate_ci_high" : "ci_high";
	double k = rate ? 100 : 1;
	const cJSON *ov = cJSON_GetObjectItemCaseSensitive(root, "overall"), *grp;
	g->city.x[EVAL_SATISFACTION] = k * num_of(ov, x);
	g->city.se[EVAL_SATISFACTION] = k * num_of(ov, se);
	g->cu.satisfaction_n = (size_t)num_of(ov, "n");
	g->cu.ci[EVAL_SATISFACTION][0] = k * num_of(ov, lo);
	g->cu.ci[EVAL_SATISFACTION][1] = k * num_of(ov, hi);
	cJSON_ArrayForEach(grp, cJSON_GetObjectItemCaseSensitive(root, "groups"))
	{
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(grp, "by"), "agency");
		long a = cJSON_IsString(code) ? index_of(&g->agencies, code->valuestring) : -1;
		if (a < 0)
			continue;
		g->in[a].x[EVAL_SATISFACTION] = k * num_of(grp, x);
		g->in[a].se[EVAL_SATISFACTION] = k * num_of(grp, se);
		g->u[a].satisfaction_n = (size_t)num_of(grp, "n");
		g->u[a].satisfaction_low_n = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(grp, "low_n"));
		g->u[a].ci[EVAL_SATISFACTION][0] = k * num_of(grp, lo);
		g->u[a].ci[EVAL_SATISFACTION][1] = k * num_of(grp, hi);
	}
	cJSON_Delete(root);
	return EVALUATE_OK;
}

static void names_json(cJSON *o, const char *key, const struct registry_entry *e)
{
	cJSON *nm = cJSON_AddObjectToObject(o, key);
	cJSON_AddStringToObject(nm, "zh", e->name[LANG_ZH]);
	cJSON_AddStringToObject(nm, "en", e->name[LANG_EN]);
}

static void grade_json(cJSON *o, const char *key, int grade)
{
	if (grade < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, eval_grade_names[grade]);
}

static void weights_json(cJSON *o, const char *key, const double *w, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(w[i]));
}

/* Dimension d's figure of one unit (the city or an agency): value, se, interval. */
static void dim_json(cJSON *o, enum eval_dim d, const struct eval_in *in, const struct unit *u)
{
	char name[64];
	add_num(o, eval_dim_names[d], in->x[d]);
	snprintf(name, sizeof name, "%s_se", eval_dim_names[d]);
	add_num(o, name, in->se[d]);
	snprintf(name, sizeof name, "%s_ci_low", eval_dim_names[d]);
	add_num(o, name, u->ci[d][0]);
	snprintf(name, sizeof name, "%s_ci_high", eval_dim_names[d]);
	add_num(o, name, u->ci[d][1]);
}

/* The city's figures with its composite. */
static void figures_json(cJSON *o, const struct eval_in *in, const struct unit *u,
                         const struct eval_out *e)
{
	add_num(o, "performance", in->x[EVAL_PERFORMANCE]);
	dim_json(o, EVAL_QUALITY, in, u);
	dim_json(o, EVAL_SATISFACTION, in, u);
	add_num(o, "composite", e->composite);
	add_num(o, "composite_se", e->composite_se);
	add_num(o, "composite_ci_low", e->ci_low);
	add_num(o, "composite_ci_high", e->ci_high);
}

/* difference a - b, its SE from independent samples; null parts when unknown. */
static void diff_json(cJSON *o, const char *key, const cJSON *now, const cJSON *prev,
                      const char *x, const char *se)
{
	char name[64];
	snprintf(name, sizeof name, "%s_diff", key);
	add_num(o, name, num_of(now, x) - num_of(prev, x));
	if (se == NULL)
		return;
	double a = num_of(now, se), b = num_of(prev, se);
	double d = num_of(now, x) - num_of(prev, x), se_d = sqrt(a * a + b * b);
	snprintf(name, sizeof name, "%s_diff_se", key);
	add_num(o, name, se_d);
	snprintf(name, sizeof name, "%s_diff_ci_low", key);
	add_num(o, name, d - Z975 * se_d);
	snprintf(name, sizeof name, "%s_diff_ci_high", key);
	add_num(o, name, d + Z975 * se_d);
}

/* vs_previous of unit o (an agency's object, or the city's) against prev's. */
static void vs_previous(cJSON *o, const cJSON *prev, int year)
{
	if (prev == NULL) {
		cJSON_AddNullToObject(o, "vs_previous");
		return;
	}
	cJSON *v = cJSON_AddObjectToObject(o, "vs_previous");
	cJSON_AddNumberToObject(v, "year", year);
	diff_json(v, "performance", o, prev, "performance", NULL);
	diff_json(v, "quality", o, prev, "quality", "quality_se");
	diff_json(v, "satisfaction", o, prev, "satisfaction", "satisfaction_se");
	diff_json(v, "composite", o, prev, "composite", "composite_se");
}

/* The agency object of code in a stored evaluation's JSON, or NULL. */
static const cJSON *prev_agency(const cJSON *prev, const char *code)
{
	const cJSON *a;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(prev, "agencies"))
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "agency");
		if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0)
			return a;
	}
	return NULL;
}

static cJSON *agency_json(const struct gather *g, size_t i, const struct eval_out *e,
                          const cJSON *prev, int prev_year)
{
	const struct unit *u = &g->u[i];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "agency", g->agencies.v[i].code);
	names_json(o, "agency_name", &g->agencies.v[i]);
	add_num(o, "performance", g->in[i].x[EVAL_PERFORMANCE]);
	cJSON_AddNumberToObject(o, "duties", (double)u->duties);
	cJSON_AddNumberToObject(o, "duties_counted", (double)u->counted);
	cJSON *never = cJSON_AddArrayToObject(o, "never_performed");
	cJSON *none = cJSON_AddArrayToObject(o, "not_required");
	for (size_t k = 0; k < g->duties.n; k++) {
		const struct duty_row *d = &g->duties.v[k];
		if (strcmp(d->agency, g->agencies.v[i].code) != 0)
			continue;
		if (d->required == 0) {
			cJSON_AddItemToArray(none, cJSON_CreateString(d->code));
		} else if (d->performed == 0) {
			cJSON *n = cJSON_CreateObject();
			cJSON_AddStringToObject(n, "duty_id", d->code);
			cJSON_AddStringToObject(n, "name", d->name);
			cJSON_AddNumberToObject(n, "required", (double)d->required);
			cJSON_AddItemToArray(never, n);
		}
	}
	dim_json(o, EVAL_QUALITY, &g->in[i], u);
	if (u->quality_source)
		cJSON_AddNumberToObject(o, "quality_n", (double)u->quality_n);
	else
		cJSON_AddNullToObject(o, "quality_n");
	if (u->quality_source)
		cJSON_AddStringToObject(o, "quality_source", u->quality_source);
	else
		cJSON_AddNullToObject(o, "quality_source");
	dim_json(o, EVAL_SATISFACTION, &g->in[i], u);
	cJSON_AddNumberToObject(o, "satisfaction_n", (double)u->satisfaction_n);
	cJSON_AddBoolToObject(o, "satisfaction_low_n", u->satisfaction_low_n);
	add_num(o, "composite", e->composite);
	add_num(o, "composite_se", e->composite_se);
	add_num(o, "composite_ci_low", e->ci_low);
	add_num(o, "composite_ci_high", e->ci_high);
	grade_json(o, "grade", e->grade);
	if (e->grade < 0) {
		cJSON_AddNullToObject(o, "grade_name");
	} else {
		cJSON *gn = cJSON_AddObjectToObject(o, "grade_name");
		cJSON_AddStringToObject(gn, "zh", eval_grade_labels[e->grade][LANG_ZH]);
		cJSON_AddStringToObject(gn, "en", eval_grade_labels[e->grade][LANG_EN]);
	}
	cJSON *gp = cJSON_AddObjectToObject(o, "grade_p");
	for (int k = 0; k < EVAL_GRADE__MAX; k++)
		add_num(gp, eval_grade_names[k], e->grade_p[k]);
	add_num(o, "rank", e->rank ? e->rank : NAN);
	add_num(o, "rank_low", e->rank ? e->rank_low : NAN);
	add_num(o, "rank_high", e->rank ? e->rank_high : NAN);
	cJSON *sens = cJSON_AddArrayToObject(o, "sensitivity");
	cJSON *changes = cJSON_AddArrayToObject(o, "grade_changes");
	for (int k = 0; k < EVAL_SCENARIOS; k++) {
		const struct eval_scenario *sc = &e->scenario[k];
		cJSON *so = cJSON_CreateObject();
		cJSON_AddStringToObject(so, "scenario", eval_scenario_name(k));
		weights_json(so, "weights", sc->weights, EVAL_DIM__MAX);
		add_num(so, "composite", sc->composite);
		grade_json(so, "grade", sc->grade);
		add_num(so, "rank", sc->rank ? sc->rank : NAN);
		cJSON_AddItemToArray(sens, so);
		if (e->grade >= 0 && sc->grade != e->grade)
			cJSON_AddItemToArray(changes, cJSON_CreateString(eval_scenario_name(k)));
	}
	vs_previous(o, prev ? prev_agency(prev, g->agencies.v[i].code) : NULL, prev_year);
	return o;
}

/* The JSON of the whole evaluation; prev the previous year's stored one, or NULL. */
static cJSON *evaluation_json(const struct evaluate_query *q, const struct gather *g,
                              const struct eval_out *out, const struct eval_out *city,
                              const cJSON *prev)
{
	cJSON *root = cJSON_CreateObject();
	long grades[EVAL_GRADE__MAX] = {0};
	cJSON_AddNumberToObject(root, "year", q->year);
	if (g->survey[0])
		cJSON_AddStringToObject(root, "survey", g->survey);
	else
		cJSON_AddNullToObject(root, "survey");
	if (g->rubric[0])
		cJSON_AddStringToObject(root, "rubric", g->rubric);
	else
		cJSON_AddNullToObject(root, "rubric");
	weights_json(root, "weights", q->opt.weights, EVAL_DIM__MAX);
	weights_json(root, "bands", q->opt.bands, 3);
	cJSON_AddStringToObject(root, "weighting", q->weighting);
	cJSON_AddStringToObject(root, "measure", q->measure);
	cJSON_AddStringToObject(root, "performance_rate", g->pooled ? "pooled" : "mean");
	cJSON_AddNumberToObject(root, "seed", (double)q->opt.seed);
	cJSON_AddStringToObject(root, "method", EVAL_METHOD);
	cJSON_AddNumberToObject(root, "simulations", q->opt.simulations);
	cJSON *c = cJSON_AddObjectToObject(root, "city");
	figures_json(c, &g->city, &g->cu, city);
	vs_previous(c, prev ? cJSON_GetObjectItemCaseSensitive(prev, "city") : NULL, q->year - 1);
	for (size_t i = 0; i < g->agencies.n; i++)
		if (out[i].grade >= 0)
			grades[out[i].grade]++;
	cJSON *gr = cJSON_AddObjectToObject(root, "grades");
	for (int k = 0; k < EVAL_GRADE__MAX; k++)
		cJSON_AddNumberToObject(gr, eval_grade_names[k], (double)grades[k]);
	cJSON *ag = cJSON_AddArrayToObject(root, "agencies");
	for (size_t i = 0; i < g->agencies.n; i++)
		cJSON_AddItemToArray(ag, agency_json(g, i, &out[i], prev, q->year - 1));
	cJSON *dm = cJSON_AddArrayToObject(root, "domains");
	for (size_t i = 0; i < g->domains.n; i++) {
		if (g->du[i].duties == 0)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "domain", g->domains.v[i].code);
		names_json(o, "domain_name", &g->domains.v[i]);
		add_num(o, "performance", rate_of(&g->du[i], g->pooled));
		cJSON_AddNumberToObject(o, "duties", (double)g->du[i].duties);
		cJSON_AddNumberToObject(o, "duties_counted", (double)g->du[i].counted);
		cJSON_AddItemToArray(dm, o);
	}
	return root;
}

static void gather_free(struct gather *g)
{
	registry_list_free(&g->agencies);
	registry_list_free(&g->domains);
	duty_rows_free(&g->duties);
	free(g->in);
	free(g->u);
	free(g->du);
}

static enum evaluate_status store_failed(enum store_err e, const char *what, char *msg, size_t n)
{
	snprintf(msg, n, "cannot read %s: %s", what, store_strerror(e));
	return e == STORE_ERR_BUSY ? EVALUATE_BUSY : EVALUATE_STORE;
}

/* Read the registry, the duties and the three dimensions into g. */
static enum evaluate_status gather(struct store *s, const struct evaluate_query *q,
                                   struct gather *g, char *msg, size_t n)
{
	char *survey = NULL, *rubric = NULL;
	enum store_err e;
	enum evaluate_status st = EVALUATE_OK;

	if ((e = store_registry_list(s, REGISTRY_AGENCY, &g->agencies)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_DOMAIN, &g->domains)) != STORE_OK ||
	    (e = store_duty_year(s, q->year, &g->duties)) != STORE_OK)
		return store_failed(e, "the registry and duties", msg, n);
	g->in = xcalloc(g->agencies.n + 1, sizeof *g->in);
	g->u = xcalloc(g->agencies.n + 1, sizeof *g->u);
	g->du = xcalloc(g->domains.n + 1, sizeof *g->du);
	g->pooled = q->rate != NULL && strcmp(q->rate, "pooled") == 0;
	for (size_t i = 0; i <= g->agencies.n; i++) {
		struct eval_in *in = i < g->agencies.n ? &g->in[i] : &g->city;
		struct unit *u = i < g->agencies.n ? &g->u[i] : &g->cu;
		for (int d = 0; d < EVAL_DIM__MAX; d++)
			in->x[d] = in->se[d] = u->ci[d][0] = u->ci[d][1] = NAN;
	}
	gather_duties(g);
	for (size_t i = 0; i <= g->agencies.n; i++) {
		struct eval_in *in = i < g->agencies.n ? &g->in[i] : &g->city;
		in->x[EVAL_PERFORMANCE] = rate_of(i < g->agencies.n ? &g->u[i] : &g->cu, g->pooled);
		in->se[EVAL_PERFORMANCE] = 0;
	}
	if (q->rubric)
		rubric = xstrdup(q->rubric);
	else
		st = find_survey(s, true, &rubric, msg, n);
	if (st == EVALUATE_OK && rubric)
		st = gather_review(s, rubric, q->year, g, msg, n);
	if (st == EVALUATE_OK)
		st = gather_imported(s, q->year, g, msg, n);
	if (st == EVALUATE_OK) {
		if (q->survey)
			survey = xstrdup(q->survey);
		else
			st = find_survey(s, false, &survey, msg, n);
	}
	if (st == EVALUATE_OK && survey)
		st = gather_satisfaction(s, q, survey, g, msg, n);
	snprintf(g->survey, sizeof g->survey, "%s", survey ? survey : "");
	snprintf(g->rubric, sizeof g->rubric, "%s", rubric ? rubric : "");
	free(survey);
	free(rubric);
	return st;
}

enum evaluate_status evaluate_run(struct store *s, const struct evaluate_query *q,
                                  struct sbuf *out, char *msg, size_t msglen)
{
	struct gather g = {0};
	struct eval_out *res = NULL, city;
	cJSON *prev = NULL, *root = NULL;
	char *prev_text = NULL, weights[128], bands[128], detail[400], year[16];
	enum store_err e;
	enum evaluate_status st;

	msg[0] = '\0';
	st = gather(s, q, &g, msg, msglen);
	if (st == EVALUATE_OK) {
		e = store_evaluation_latest(s, q->year - 1, &prev_text);
		if (e == STORE_OK)
			prev = cJSON_Parse(prev_text);
		else if (e != STORE_ERR_NOTFOUND)
			st = store_failed(e, "the previous evaluation", msg, msglen);
	}
	if (st != EVALUATE_OK)
		goto done;
	res = xcalloc(g.agencies.n + 1, sizeof *res);
	evaluate_compute(g.in, g.agencies.n, &q->opt, res);
	{
		struct eval_options one = q->opt;
		one.simulations = 0;
		evaluate_compute(&g.city, 1, &one, &city);
	}
	root = evaluation_json(q, &g, res, &city, prev);
	char *text = cJSON_PrintUnformatted(root);
	snprintf(year, sizeof year, "%d", q->year);
	snprintf(weights, sizeof weights, "%.17g,%.17g,%.17g", q->opt.weights[0], q->opt.weights[1],
	         q->opt.weights[2]);
	snprintf(bands, sizeof bands, "%.17g,%.17g,%.17g", q->opt.bands[0], q->opt.bands[1],
	         q->opt.bands[2]);
	snprintf(detail, sizeof detail, "seed %llu, weights %s, bands %s", q->opt.seed, weights, bands);
	if ((e = store_begin(s)) == STORE_OK &&
	    (e = store_evaluation_add(s, q->year, weights, bands, (long long)q->opt.seed,
	                              q->weighting, q->measure, text)) == STORE_OK &&
	    (e = store_audit(s, q->actor ? q->actor : "cli", "evaluate", year, detail)) == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK) {
		store_rollback(s);
		snprintf(msg, msglen, "cannot store the evaluation: %s", store_strerror(e));
		st = e == STORE_ERR_BUSY ? EVALUATE_BUSY : EVALUATE_STORE;
	} else {
		sbuf_adds(out, text);
		sbuf_addc(out, '\n');
	}
	cJSON_free(text);
done:
	cJSON_Delete(root);
	cJSON_Delete(prev);
	free(prev_text);
	free(res);
	gather_free(&g);
	return st;
}

enum store_err evaluation_get(struct store *s, int year, char **json_out)
{
	return store_evaluation_latest(s, year, json_out);
}
