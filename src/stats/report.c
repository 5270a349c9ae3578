/* report — see include/report.h: the query, the estimate of a period, and
 * report_run(), which writes it as JSON (report_json.c) or CSV (report_csv.c). */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const by_names[BY__MAX] = {
	"agency", "domain", "size", "district", "outcome", "channel", "month", "quarter", "year",
};

void report_query_default(struct report_query *q)
{
	memset(q, 0, sizeof *q);
	q->measure = "index";
	q->weighting = STATS_W_BASE;
	q->level = 0.95;
	q->low_n = 30;
}

bool report_parse_by(const char *s, struct report_query *q, char *msg, size_t n)
{
	char *copy = xstrdup(s), *save = NULL;
	bool ok = true;
	q->nby = 0;
	for (char *t = strtok_r(copy, ",", &save); t != NULL && ok; t = strtok_r(NULL, ",", &save)) {
		int k;
		for (k = 0; k < BY__MAX; k++)
			if (strcmp(t, by_names[k]) == 0)
				break;
		if (k == BY__MAX) {
			snprintf(msg, n, "by: \"%.32s\" is not one of agency, domain, size, district, outcome, "
			         "channel, month, quarter, year", t);
			ok = false;
		} else if (q->nby == REPORT_MAX_BY) {
			snprintf(msg, n, "by: at most %d columns", REPORT_MAX_BY);
			ok = false;
		} else {
			for (size_t i = 0; i < q->nby; i++)
				if (q->by[i] == (enum report_by)k) {
					snprintf(msg, n, "by: \"%s\" named twice", t);
					ok = false;
				}
			q->by[q->nby++] = (enum report_by)k;
		}
	}
	free(copy);
	return ok;
}

static const char *const report_errors[REPORT__MAX] = {
	[REPORT_OK] = "ok",
	[REPORT_BAD_QUERY] = "bad query",
	[REPORT_NO_SURVEY] = "no such survey",
	[REPORT_NO_DATA] = "the statistics could not be computed",
	[REPORT_EMPTY] = "nothing to estimate yet",
	[REPORT_BUSY] = "the database is busy, try again",
	[REPORT_STORE] = "database error",
};

const char *report_strerror(enum report_status st)
{
	return st < REPORT__MAX ? report_errors[st] : "unknown error";
}

/* A store error as a report status, msg saying so (SQLite's text is for logs). */
enum report_status report_store_failure(struct store *s, enum store_err e, char *msg, size_t msglen)
{
	if (e == STORE_ERR_BUSY) {
		snprintf(msg, msglen, "%s", report_strerror(REPORT_BUSY));
		return REPORT_BUSY;
	}
	snprintf(msg, msglen, "database error: %s", store_errmsg(s));
	return REPORT_STORE;
}

/* Split a group key into its values (in place); NULL for "none". */
static size_t key_values(char *key, const char **vals, size_t max)
{
	size_t n = 0;
	char *p = key;
	while (n < max) {
		char *sep = strchr(p, '\x1f');
		if (sep)
			*sep = '\0';
		vals[n++] = strcmp(p, "\x1e") == 0 ? NULL : p;
		if (!sep)
			break;
		p = sep + 1;
	}
	return n;
}

/* Is group g to be shown to a caller limited to one agency? */
static bool group_visible(const struct report_query *q, const char *const *vals)
{
	if (q->only_agency == NULL)
		return true;
	for (size_t i = 0; i < q->nby; i++)
		if (q->by[i] == BY_AGENCY)
			return vals[i] != NULL && strcmp(vals[i], q->only_agency) == 0;
	return false;
}

/*
 * Is a group reported?  Only groups with a response in the design (under
 * weightings other than none, a group of public-channel answers alone is
 * not one: svyby() never sees it), and only those a caller limited to one
 * agency may see.
 */
static bool group_shown(const struct report_query *q, const struct stats_row *r,
                        const char *const *vals)
{
	return r->n_design > 0 && group_visible(q, vals);
}

/*
 * The values of group g of v (its key split into vals; *key holds them and
 * is the caller's to free) and whether the group is reported.
 */
bool report_group_values(const struct report_view *v, size_t g, char **key, const char **vals)
{
	*key = xstrdup(v->L->groups.keys[g]);
	key_values(*key, vals, v->q->nby);
	return group_shown(v->q, &v->res->groups[g], vals);
}

/* The options of stats_estimate() for q and its measure. */
static void report_options(const struct report_query *q, const struct load *L,
                           struct stats_options *opts)
{
	stats_options_default(opts);
	opts->weighting = q->weighting;
	opts->level = q->level;
	opts->low_n = q->low_n;
	opts->rate = L->measure != NULL;
	opts->points = L->measure != NULL ? L->sv->points : 0;
}

/* " between FROM and TO" (or since, until) for q's period into buf; "" without one. */
static void period_words(const struct report_query *q, char *buf, size_t n)
{
	if (q->from != NULL && q->to != NULL)
		snprintf(buf, n, " between %s and %s", q->from, q->to);
	else if (q->from != NULL)
		snprintf(buf, n, " since %s", q->from);
	else if (q->to != NULL)
		snprintf(buf, n, " until %s", q->to);
	else
		*buf = '\0';
}

/*
 * Is there nothing to estimate?  Then msg says what is missing and what to
 * do about it, and the caller answers REPORT_EMPTY: no answer in the
 * period; or, for a weighting other than none (the invitation sample over
 * the encounter registry), no encounter registered in the period, or no
 * answer linked to one.
 */
static bool nothing_to_estimate(const struct report_query *q, const struct load *L, char *msg,
                                size_t msglen)
{
	char period[64];
	const char *id = L->sv->id;
	period_words(q, period, sizeof period);
	if (L->n == 0) {
		snprintf(msg, msglen, "no answers to survey %s%s: nothing to estimate; import "
		         "answers (manyi import responses --survey %s FILE.csv) or collect them with "
		         "the form /s/%s or POST /api/v1/responses%s", id,
		         *period ? period : " yet", id, id,
		         *period ? ", or choose a period with answers" : "");
		return true;
	}
	if (q->weighting == STATS_W_NONE)
		return false;
	double encounters = 0;
	size_t sampled = 0;
	for (size_t a = 0; a < L->agencies.n; a++)
		encounters += L->pop_agency[a];
	for (size_t i = 0; i < L->n; i++)
		sampled += L->resp[i].sampled;
	if (sampled > 0)
		return false;
	const char *w = stats_weighting_name(q->weighting);
	if (!(encounters > 0))
		snprintf(msg, msglen, "no encounters registered%s: weighting %s weights the answers "
		         "of invited encounters to the encounter registry, and the %zu answer%s%s came "
		         "through the public channel; import encounters (manyi import encounters "
		         "FILE.csv; for demo data, python3 tools/gen_encounters.py 1000 > "
		         "encounters.csv) and invite them (manyi sample, manyi invite), or use "
		         "weighting none", period, w, L->n, L->n == 1 ? "" : "s",
		         *period ? " of the period" : "");
	else
		snprintf(msg, msglen, "no answers from the invitation sample%s: weighting %s uses only "
		         "answers linked to a registered encounter (%.0f registered), and the %zu "
		         "answer%s came through the public channel; invite encounters (manyi sample, "
		         "manyi invite) and import or collect their answers, or use weighting none",
		         period, w, encounters, L->n, L->n == 1 ? "" : "s");
	return true;
}

/*
 * Load the data of q and estimate.  REPORT_NO_DATA (msg says why) when the
 * period cannot be estimated; *res is the caller's to free on REPORT_OK.
 */
enum report_status report_estimate_period(struct store *s, const struct report_query *q,
                                          const struct survey *sv, struct load *L,
                                          struct stats_result **res, char *msg, size_t msglen)
{
	struct stats_options opts;
	struct stats_error err;
	enum report_status st;

	*res = NULL;
	if ((st = report_load_data(s, q, sv, L, msg, msglen)) != REPORT_OK)
		return st;
	if (nothing_to_estimate(q, L, msg, msglen))
		return REPORT_EMPTY;
	struct stats_population pop = report_load_population(L);
	report_options(q, L, &opts);
	enum stats_err se = stats_estimate(L->resp, L->n, L->groups.n, &pop, &opts, res, &err);
	if (se != STATS_OK) {
		report_describe_error(L, se, &err, msg, msglen);
		return REPORT_NO_DATA;
	}
	if (L->multi != NULL) { /* a share (0 to 1) is on no 0-100 scale: no index */
		(*res)->overall.index = NAN;
		for (size_t g = 0; g < (*res)->n_groups; g++)
			(*res)->groups[g].index = NAN;
	}
	return REPORT_OK;
}

/*
 * The latest definition of q's survey: REPORT_OK with *version, *def and
 * *sv (the caller frees def with free() and sv with survey_free(), also on
 * failure), else msg says why.
 */
enum report_status report_survey_of(struct store *s, const struct report_query *q, int *version,
                                    char **def, struct survey **sv, char *msg, size_t msglen)
{
	enum store_err e = store_survey_latest(s, q->survey, version, def);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, msglen, "unknown survey \"%.64s\"", q->survey);
		return REPORT_NO_SURVEY;
	}
	if (e != STORE_OK)
		return report_store_failure(s, e, msg, msglen);
	if (survey_parse(q->survey, *def, strlen(*def), sv, msg, msglen) != SURVEY_OK) {
		/* The stored text is ours: a failure, not the query's fault. */
		char why[256];
		snprintf(why, sizeof why, "%s", msg);
		snprintf(msg, msglen, "stored survey \"%.64s\" does not parse: %s", q->survey, why);
		return REPORT_STORE;
	}
	if (survey_is_rubric(*sv)) {
		snprintf(msg, msglen, "\"%.64s\" is a case-review rubric (audience reviewer), not a "
		         "survey of respondents: its figures are manyi quality's", q->survey);
		return REPORT_NO_SURVEY;
	}
	return REPORT_OK;
}

/*
 * Cronbach's alpha of the index items over the complete cases (those with
 * every item answered), in the order of the responses.
 */
static void complete_alpha(const struct load *L, double *alpha, size_t *n_complete)
{
	double *x = xmalloc((L->n ? L->n : 1) * L->k * sizeof *x);
	size_t m = 0;
	for (size_t i = 0; i < L->n; i++) {
		if (memchr(L->x + i * L->k, 0, L->k) == NULL)
			report_item_values(L, i, x + m++ * L->k);
	}
	stats_cronbach_alpha(x, m, L->k, alpha, n_complete);
	free(x);
}

/* The groups of L in key order, so output is stable; caller frees. */
static size_t *groups_in_order(const struct load *L)
{
	size_t *order = xcalloc(L->groups.n + 1, sizeof *order);
	for (size_t i = 0; i < L->groups.n; i++)
		order[i] = i;
	for (size_t i = 1; i < L->groups.n; i++)
		for (size_t j = i; j > 0 && strcmp(L->groups.keys[order[j - 1]], L->groups.keys[order[j]]) > 0; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	return order;
}

enum report_status report_run(struct store *s, const struct report_query *q, bool csv,
                              struct sbuf *out, char *msg, size_t msglen)
{
	struct load L = {0};
	struct previous pv;
	struct stats_result *res = NULL;
	enum report_status status;
	char *def = NULL;
	struct survey *sv = NULL;
	size_t *order = NULL;
	int version;

	memset(&pv, 0, sizeof pv);
	if ((status = report_survey_of(s, q, &version, &def, &sv, msg, msglen)) != REPORT_OK)
		goto done;
	if (!(q->level > 0 && q->level < 1)) {
		snprintf(msg, msglen, "level must be between 0 and 1");
		status = REPORT_BAD_QUERY;
		goto done;
	}
	if ((status = report_estimate_period(s, q, sv, &L, &res, msg, msglen)) != REPORT_OK)
		goto done;
	if ((status = report_previous_run(s, q, sv, &L, res, &pv, msg, msglen)) != REPORT_OK)
		goto done;

	/* Cronbach's alpha of the index items, unweighted, complete cases. */
	double alpha = NAN;
	size_t n_complete = 0;
	if (L.k >= 2)
		complete_alpha(&L, &alpha, &n_complete);

	order = groups_in_order(&L);
	struct report_view v = {
		.q = q, .sv = sv, .version = version, .L = &L, .res = res, .pv = &pv,
		.alpha = alpha, .n_complete = n_complete, .order = order,
	};
	if (csv)
		report_csv(&v, out);
	else
		report_json(&v, out);
	status = REPORT_OK;
done:
	free(order);
	report_previous_free(&pv);
	stats_result_free(res);
	report_load_free(&L);
	survey_free(sv);
	free(def);
	return status;
}

const char *report_by_name(enum report_by b)
{
	return b < BY__MAX ? by_names[b] : "";
}
