/*
 * efficacy_detail — the report's per-agency detail (include/efficacy_report.h)
 * gathered from the statistics engine and the case review over the
 * evaluation's year: each scale item by agency against the city, the
 * satisfaction by enforcement outcome, the major defects found, the
 * reviewers' agreement; the response rates through the caller's function
 * (the fieldwork layer is above this one).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efficacy_report.h"
#include "integrity_evidence.h"
#include "quality.h"
#include "report.h"
#include "store_digest.h"

/* The one loaded survey that is (rubric) or is not a review rubric, or NULL. */
static char *only_survey(struct store *s, bool rubric)
{
	char **ids = NULL, *found = NULL;
	size_t n = 0, k = 0;
	if (store_survey_ids(s, &ids, &n) != STORE_OK)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char *def = NULL, why[256];
		int version;
		struct survey *sv = NULL;
		if (store_survey_latest(s, ids[i], &version, &def) == STORE_OK &&
		    survey_parse(ids[i], def, strlen(def), &sv, why, sizeof why) == SURVEY_OK &&
		    survey_is_rubric(sv) == rubric && k++ == 0)
			found = xstrdup(ids[i]);
		survey_free(sv);
		free(def);
		free(ids[i]);
	}
	free(ids);
	if (k != 1) {
		free(found);
		found = NULL;
	}
	return found;
}

/* report_run() of q as parsed JSON, or NULL when it cannot be computed. */
static cJSON *stats_json(struct store *s, const struct report_query *q)
{
	struct sbuf out;
	char msg[512];
	cJSON *o = NULL;
	sbuf_init(&out);
	if (report_run(s, q, false, &out, msg, sizeof msg) == REPORT_OK)
		o = cJSON_Parse(out.data);
	sbuf_free(&out);
	return o;
}

/* A query of survey within year (from and to: the caller's, filled) by agency, under weighting. */
static void year_query(struct report_query *q, const char *survey, int year, const char *weighting,
                       char from[11], char to[11])
{
	report_query_default(q);
	snprintf(from, 11, "%04d-01-01", year);
	snprintf(to, 11, "%04d-12-31", year);
	q->survey = survey;
	q->by[0] = BY_AGENCY;
	q->nby = 1;
	q->from = from;
	q->to = to;
	if (weighting)
		stats_weighting_parse(weighting, &q->weighting);
}

/* Each scale item of survey by agency: the estimate, its difference from
 * the city's and whether that is significant (Holm-adjusted p < 0.05). */
static void detail_items(struct store *s, const char *survey, int year, const char *weighting,
                         cJSON *items)
{
	char *def = NULL, from[11], to[11], why[256];
	int version;
	struct survey *sv = NULL;
	if (store_survey_latest(s, survey, &version, &def) != STORE_OK ||
	    survey_parse(survey, def, strlen(def), &sv, why, sizeof why) != SURVEY_OK) {
		free(def);
		return;
	}
	for (size_t i = 0; i < sv->nitems; i++) {
		const struct item *it = &sv->items[i];
		struct report_query q;
		if (it->type != ITEM_SCALE)
			continue;
		year_query(&q, survey, year, weighting, from, to);
		q.measure = it->id;
		cJSON *r = stats_json(s, &q), *g;
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(r, "groups")) {
			const cJSON *vs = cJSON_GetObjectItemCaseSensitive(g, "vs_overall");
			const cJSON *ag = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "by"), "agency");
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(g, "mean");
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(vs, "diff");
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(vs, "p_holm");
			if (!cJSON_IsString(ag) || !cJSON_IsNumber(m) || !cJSON_IsNumber(d))
				continue;
			cJSON *o = cJSON_CreateObject(), *t = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "agency", ag->valuestring);
			cJSON_AddStringToObject(o, "item", it->id);
			cJSON_AddStringToObject(t, "zh", it->text.s[LANG_ZH]);
			cJSON_AddStringToObject(t, "en", it->text.s[LANG_EN]);
			cJSON_AddItemToObject(o, "text", t);
			cJSON_AddNumberToObject(o, "points", sv->points);
			cJSON_AddNumberToObject(o, "estimate", m->valuedouble);
			cJSON_AddNumberToObject(o, "diff", d->valuedouble);
			cJSON_AddBoolToObject(o, "significant", cJSON_IsNumber(p) && p->valuedouble < 0.05);
			cJSON_AddItemToArray(items, o);
		}
		cJSON_Delete(r);
	}
	survey_free(sv);
	free(def);
}

/* Satisfaction (the evaluation's measure) by agency and enforcement outcome. */
static void detail_outcomes(struct store *s, const char *survey, int year, const char *weighting,
                            cJSON *list)
{
	char from[11], to[11];
	struct report_query q;
	year_query(&q, survey, year, weighting, from, to);
	q.by[1] = BY_OUTCOME;
	q.nby = 2;
	cJSON *r = stats_json(s, &q), *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(r, "groups")) {
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(g, "by");
		const char *ag = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(by, "agency"));
		const char *oc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(by, "outcome"));
		if (ag == NULL || oc == NULL)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "agency", ag);
		cJSON_AddStringToObject(o, "outcome", oc);
		cJSON *nm = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "names"), "outcome");
		if (nm)
			cJSON_AddItemToObject(o, "outcome_name", cJSON_Duplicate(nm, true));
		static const char *const keep[] = {"mean", "ci_low", "ci_high", "n"};
		for (size_t i = 0; i < 4; i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(g, keep[i]);
			cJSON_AddItemToObject(o, i == 0 ? "estimate" : keep[i],
			                      cJSON_IsNumber(v) ? cJSON_CreateNumber(v->valuedouble) : cJSON_CreateNull());
		}
		cJSON_AddItemToArray(list, o);
	}
	cJSON_Delete(r);
}

static void add_flag(void *ctx, const char *agency, const char *item, long long yes, long long reviews)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "agency", agency);
	cJSON_AddStringToObject(o, "item", item);
	cJSON_AddNumberToObject(o, "yes", (double)yes);
	cJSON_AddNumberToObject(o, "reviews", (double)reviews);
	cJSON_AddItemToArray(ctx, o);
}

/* The flags' texts from the rubric, and the most frequent first per agency. */
static void name_flags(struct store *s, const char *rubric, cJSON *list)
{
	char *def = NULL, why[256];
	int version;
	struct survey *sv = NULL;
	cJSON *o;
	if (store_survey_latest(s, rubric, &version, &def) != STORE_OK ||
	    survey_parse(rubric, def, strlen(def), &sv, why, sizeof why) != SURVEY_OK) {
		free(def);
		return;
	}
	cJSON_ArrayForEach(o, list) {
		const struct item *it = survey_item(sv, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "item")));
		if (it == NULL)
			continue;
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "zh", it->text.s[LANG_ZH]);
		cJSON_AddStringToObject(t, "en", it->text.s[LANG_EN]);
		cJSON_AddItemToObject(o, "text", t);
	}
	survey_free(sv);
	free(def);
}

/* The detail of year's report as JSON text (malloc'd): the survey and rubric
 * given, else those the evaluation names, else the only one loaded. */
char *efficacy_detail(struct store *s, const char *evaluation, int year, const char *given_survey,
                      const char *given_rubric, efr_rates_fn rates, efr_followup_fn followup)
{
	cJSON *ev = cJSON_Parse(evaluation), *d = cJSON_CreateObject();
	const char *weighting = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "weighting"));
	const char *ev_survey = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "survey"));
	const char *ev_rubric = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "rubric"));
	char *survey = given_survey ? xstrdup(given_survey) : ev_survey ? xstrdup(ev_survey) : only_survey(s, false);
	char *rubric = given_rubric ? xstrdup(given_rubric) : ev_rubric ? xstrdup(ev_rubric) : only_survey(s, true);
	struct sbuf out;
	char msg[512];
	sbuf_init(&out);
	cJSON_AddNumberToObject(d, "low_n", 30);
	if (survey) {
		cJSON_AddStringToObject(d, "survey", survey);
		detail_items(s, survey, year, weighting, cJSON_AddArrayToObject(d, "items"));
		detail_outcomes(s, survey, year, weighting, cJSON_AddArrayToObject(d, "outcomes"));
		if (rates && rates(s, survey, &out))
			cJSON_AddItemToObject(d, "rates", cJSON_Parse(out.data));
		/* The evidence of pressure of the year (docs/integrity.md), on the
		 * evaluation's design (base unless it was none). */
		char from[16], to[16];
		enum stats_weighting w = STATS_W_BASE;
		if (weighting != NULL && strcmp(weighting, "none") == 0)
			w = STATS_W_NONE;
		snprintf(from, sizeof from, "%04d-01-01", year);
		snprintf(to, sizeof to, "%04d-12-31", year);
		sbuf_reset(&out);
		if (integrity_evidence_json(s, survey, w, from, to, &out, msg, sizeof msg) == REPORT_OK)
			cJSON_AddItemToObject(d, "integrity", cJSON_Parse(out.data));
	}
	if (rubric) {
		cJSON *flags = cJSON_AddArrayToObject(d, "defects");
		cJSON_AddStringToObject(d, "rubric", rubric);
		store_review_flags(s, rubric, year, add_flag, flags);
		name_flags(s, rubric, flags);
		sbuf_reset(&out);
		if (quality_agreement(s, rubric, &out, msg, sizeof msg) == QUALITY_OK)
			cJSON_AddItemToObject(d, "agreement", cJSON_Parse(out.data));
	}
	sbuf_reset(&out);
	if (followup && followup(s, year, &out))
		cJSON_AddItemToObject(d, "followup", cJSON_Parse(out.data));
	char *text = cJSON_PrintUnformatted(d);
	sbuf_free(&out);
	free(survey);
	free(rubric);
	cJSON_Delete(d);
	cJSON_Delete(ev);
	return text;
}
