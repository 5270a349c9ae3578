/* rates — see include/rates.h. */
#include "rates.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const rate_count_names[RC__MAX] = {"I", "P", "R", "NC", "O", "U", "NE"};

enum rate_count rates_classify(bool answered, int outcome)
{
	if (answered)
		return RC_I;
	switch (outcome) {
	case DISP_PARTIAL:
		return RC_P;
	case DISP_REFUSAL:
		return RC_R;
	case DISP_NON_CONTACT:
		return RC_NC;
	case DISP_OTHER:
	case DISP_COMPLETE: /* reached and eligible, but no answer stored: docs/statistics.md */
		return RC_O;
	case DISP_INELIGIBLE:
		return RC_NE;
	default:
		return RC_U;
	}
}

/* num / den, or NaN when den is 0. */
static double ratio(double num, double den)
{
	return den > 0 ? num / den : NAN;
}

void rates_compute(struct rates *r)
{
	const long long *n = r->n;
	double known = (double)(n[RC_I] + n[RC_P] + n[RC_R] + n[RC_NC] + n[RC_O]);
	double all = known + (double)n[RC_U];
	double contacted = (double)(n[RC_I] + n[RC_P] + n[RC_R] + n[RC_O]);
	r->e = ratio(known, known + (double)n[RC_NE]);
	r->rr1 = ratio((double)n[RC_I], all);
	/* e unknown: no case's eligibility is known, so I..O are 0 and the
	 * denominator is e·U, which cannot be told. */
	r->rr3 = isnan(r->e) ? NAN : ratio((double)n[RC_I], known + r->e * (double)n[RC_U]);
	r->coop1 = ratio((double)n[RC_I], contacted);
	r->ref1 = ratio((double)n[RC_R], all);
	r->con1 = ratio(contacted, all);
}

/* One group while counting: an agency's code and names. */
struct group {
	const char *agency;     /* borrowed from the cells */
	const char *name;       /* borrowed from the registry list; "" when none */
	struct rates r;
};

static const char *const rate_names[] = {"e", "rr1", "rr3", "coop1", "ref1", "con1"};

static double rate_value(const struct rates *r, size_t i)
{
	const double v[] = {r->e, r->rr1, r->rr3, r->coop1, r->ref1, r->con1};
	return v[i];
}

static cJSON *group_json(const struct rates *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "sampled", (double)r->sampled);
	for (size_t c = 0; c < RC__MAX; c++)
		cJSON_AddNumberToObject(o, rate_count_names[c], (double)r->n[c]);
	for (size_t i = 0; i < ARRAY_SIZE(rate_names); i++) {
		double v = rate_value(r, i);
		if (isnan(v))
			cJSON_AddNullToObject(o, rate_names[i]);
		else
			cJSON_AddNumberToObject(o, rate_names[i], v);
	}
	return o;
}

static void write_json(const struct rates_query *q, const struct rates *all, const struct group *g,
                       size_t ng, struct sbuf *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "survey", q->survey);
	cJSON *by = cJSON_AddArrayToObject(root, "by");
	if (q->by_agency)
		cJSON_AddItemToArray(by, cJSON_CreateString("agency"));
	cJSON_AddItemToObject(root, "overall", group_json(all));
	cJSON *groups = cJSON_AddArrayToObject(root, "groups");
	for (size_t i = 0; i < ng; i++) {
		cJSON *o = group_json(&g[i].r);
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "agency", g[i].agency);
		cJSON_AddItemToObject(o, "by", b);
		cJSON_AddStringToObject(o, "agency_name", g[i].name);
		cJSON_AddItemToArray(groups, o);
	}
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	sbuf_addc(out, '\n');
	free(text);
	cJSON_Delete(root);
}

static void csv_rates(struct sbuf *out, const struct rates *r)
{
	sbuf_printf(out, ",%lld", r->sampled);
	for (size_t c = 0; c < RC__MAX; c++)
		sbuf_printf(out, ",%lld", r->n[c]);
	for (size_t i = 0; i < ARRAY_SIZE(rate_names); i++) {
		double v = rate_value(r, i);
		if (isnan(v))
			sbuf_addc(out, ',');
		else
			sbuf_printf(out, ",%.17g", v);
	}
	sbuf_adds(out, "\r\n");
}

static void write_csv(const struct rates_query *q, const struct rates *all, const struct group *g,
                      size_t ng, struct sbuf *out)
{
	if (q->by_agency)
		sbuf_adds(out, "agency,agency_name,");
	sbuf_adds(out, "row,sampled");
	for (size_t c = 0; c < RC__MAX; c++)
		sbuf_printf(out, ",%s", rate_count_names[c]);
	for (size_t i = 0; i < ARRAY_SIZE(rate_names); i++)
		sbuf_printf(out, ",%s", rate_names[i]);
	sbuf_adds(out, "\r\n");
	sbuf_adds(out, q->by_agency ? ",,overall" : "overall");
	csv_rates(out, all);
	for (size_t i = 0; i < ng; i++) {
		csv_field(out, g[i].agency, strlen(g[i].agency), true);
		sbuf_addc(out, ',');
		csv_field(out, g[i].name, strlen(g[i].name), true);
		sbuf_adds(out, ",group");
		csv_rates(out, &g[i].r);
	}
}

/* The zh name of agency in l, or "". */
static const char *agency_name(const struct registry_list *l, const char *agency)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, agency) == 0)
			return l->v[i].name[LANG_ZH];
	return "";
}

static enum rates_err store_failed(enum store_err e, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "%s", store_strerror(e));
	return e == STORE_ERR_BUSY ? RATES_BUSY : RATES_STORE;
}

enum rates_err rates_report(struct store *s, const struct rates_query *q, bool csv,
                            struct sbuf *out, char *msg, size_t msglen)
{
	struct registry_list ag = {0};
	struct fieldwork_cell *cells = NULL;
	struct group *g = NULL;
	struct rates all = {0};
	size_t n = 0, ng = 0;
	char *def = NULL;
	int version;

	enum store_err e = store_survey_latest(s, q->survey, &version, &def);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, msglen, "no survey %s (load it first: manyi survey load FILE.json)", q->survey);
		return RATES_NOT_FOUND;
	}
	struct survey *sv = NULL;
	char why[256];
	bool rubric = e == STORE_OK && survey_parse(q->survey, def, strlen(def), &sv, why, sizeof why) ==
	                                   SURVEY_OK && survey_is_rubric(sv);
	survey_free(sv);
	free(def);
	if (rubric) { /* no phone sample: a case review's progress is not fieldwork */
		snprintf(msg, msglen, "%s is a case-review rubric (audience reviewer): it has no phone "
		         "sample", q->survey);
		return RATES_NOT_FOUND;
	}
	if (e != STORE_OK || (e = store_fieldwork_cells(s, q->survey, &cells, &n)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_AGENCY, &ag)) != STORE_OK) {
		free(cells);
		return store_failed(e, msg, msglen);
	}
	g = xcalloc(n ? n : 1, sizeof *g);
	for (size_t i = 0; i < n; i++) {
		const struct fieldwork_cell *c = &cells[i];
		enum rate_count k = rates_classify(c->answered, c->outcome);
		all.sampled += c->n;
		all.n[k] += c->n;
		if (q->only_agency != NULL && strcmp(c->agency, q->only_agency) != 0)
			continue;
		if (ng == 0 || strcmp(g[ng - 1].agency, c->agency) != 0) /* cells come in agency order */
			g[ng++] = (struct group){.agency = c->agency, .name = agency_name(&ag, c->agency)};
		g[ng - 1].r.sampled += c->n;
		g[ng - 1].r.n[k] += c->n;
	}
	rates_compute(&all);
	for (size_t i = 0; i < ng; i++)
		rates_compute(&g[i].r);
	if (!q->by_agency)
		ng = 0;
	if (csv)
		write_csv(q, &all, g, ng, out);
	else
		write_json(q, &all, g, ng, out);
	free(g);
	registry_list_free(&ag);
	free(cells);
	return RATES_OK;
}
