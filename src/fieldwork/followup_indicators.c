/*
 * followup_indicators — the follow-up indicators (docs/statistics.md §9):
 * per agency and overall, over the cases opened in a period, and the list
 * of cases overdue today.  Declared in include/followup_handle.h.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "followup_handle.h"
#include "store_followup_handle.h"
#include "util.h"
#include "workdays.h"

/* One group's counts; the days' lists for the medians. */
struct ind {
	char agency[65], zh[256], en[256];
	long cases, excluded, replied, on_time, on_time_base, rectified, callbacks, satisfied, overdue;
	double *days, *workdays;
	size_t ndays, nworkdays, capdays, capworkdays;
};

struct ind_ctx {
	const struct fu_ind_query *q;
	struct calendar *cal;
	long reply_days;
	struct ind overall;
	struct ind *groups;
	size_t n, cap;
	cJSON *overdue;
};

static void push(double **v, size_t *n, size_t *cap, double x)
{
	*v = xgrow(*v, *n + 1, cap, sizeof **v, 16);
	(*v)[(*n)++] = x;
}

/* The deadline the case opened with: reply_due, or for a case sent back
 * (its reply_due moved) reply days after opened_on; "" when unknown. */
static void first_due(const struct ind_ctx *x, const struct fu_case *c, char out[11])
{
	snprintf(out, 11, "%s", c->reply_due);
	if (c->returned && calendar_add(x->cal, c->opened_on, (int)x->reply_days, out) != WORKDAYS_OK)
		out[0] = '\0';
}

/* Count case c into g. */
static void count(struct ind_ctx *x, struct ind *g, const struct fu_case *c, bool overdue)
{
	if (c->excluded || strcmp(c->state, "excluded") == 0) {
		g->excluded++;
		return;
	}
	g->cases++;
	g->overdue += overdue;
	bool replied = *c->first_reply_on != '\0';
	char due[11];
	first_due(x, c, due);
	if (*due != '\0' && (replied || strcmp(x->q->today, due) > 0)) {
		g->on_time_base++;
		g->on_time += replied && strcmp(c->first_reply_on, due) <= 0;
	}
	if (replied) {
		long long a, b;
		int w;
		g->replied++;
		if (day_parse(c->opened_on, &a) && day_parse(c->first_reply_on, &b))
			push(&g->days, &g->ndays, &g->capdays, (double)(b - a));
		if (calendar_between(x->cal, c->opened_on, c->first_reply_on, &w) == WORKDAYS_OK)
			push(&g->workdays, &g->nworkdays, &g->capworkdays, w);
	}
	if (c->reached) {
		g->callbacks++;
		g->satisfied += strcmp(c->satisfaction, "satisfied") == 0 ||
		                strcmp(c->satisfaction, "basic") == 0;
		g->rectified += c->accepted;
	}
}

static bool ind_case(const struct fu_case *c, void *ctx)
{
	struct ind_ctx *x = ctx;
	bool overdue = (strcmp(c->state, "open") == 0 || strcmp(c->state, "returned") == 0) &&
	               *c->reply_due != '\0' && strcmp(x->q->today, c->reply_due) > 0;
	struct ind *g = NULL;
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->groups[i].agency, c->agency) == 0)
			g = &x->groups[i];
	if (g == NULL) {
		x->groups = xgrow(x->groups, x->n + 1, &x->cap, sizeof *x->groups, 8);
		g = &x->groups[x->n++];
		memset(g, 0, sizeof *g);
		snprintf(g->agency, sizeof g->agency, "%s", c->agency);
		snprintf(g->zh, sizeof g->zh, "%s", c->agency_zh);
		snprintf(g->en, sizeof g->en, "%s", c->agency_en);
	}
	count(x, g, c, overdue);
	count(x, &x->overall, c, overdue);
	if (overdue && !c->excluded) {
		cJSON *o = cJSON_CreateObject();
		int late;
		cJSON_AddStringToObject(o, "code", c->code);
		cJSON_AddStringToObject(o, "agency", c->agency);
		cJSON *n = cJSON_AddObjectToObject(o, "agency_name");
		cJSON_AddStringToObject(n, "zh", c->agency_zh);
		cJSON_AddStringToObject(n, "en", c->agency_en);
		cJSON_AddStringToObject(o, "reply_due", c->reply_due);
		if (calendar_between(x->cal, c->reply_due, x->q->today, &late) == WORKDAYS_OK)
			cJSON_AddNumberToObject(o, "workdays_late", late);
		else
			cJSON_AddNullToObject(o, "workdays_late");
		cJSON_AddItemToArray(x->overdue, o);
	}
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of v (sorted here), or null when n is 0. */
static void add_median(cJSON *o, const char *name, double *v, size_t n)
{
	if (n == 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	xqsort(v, n, sizeof *v, cmp_double);
	cJSON_AddNumberToObject(o, name, n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

static void add_rate(cJSON *o, const char *name, long num, long den)
{
	if (den > 0)
		cJSON_AddNumberToObject(o, name, (double)num / (double)den);
	else
		cJSON_AddNullToObject(o, name);
}

/* g's IND members into o; g's lists are freed. */
static void ind_json(cJSON *o, struct ind *g)
{
	cJSON_AddNumberToObject(o, "cases", g->cases);
	cJSON_AddNumberToObject(o, "excluded", g->excluded);
	cJSON_AddNumberToObject(o, "replied", g->replied);
	add_rate(o, "reply_rate", g->replied, g->cases);
	cJSON_AddNumberToObject(o, "on_time", g->on_time);
	add_rate(o, "on_time_rate", g->on_time, g->on_time_base);
	cJSON_AddNumberToObject(o, "rectified", g->rectified);
	add_rate(o, "rectification_rate", g->rectified, g->cases);
	cJSON_AddNumberToObject(o, "callbacks", g->callbacks);
	cJSON_AddNumberToObject(o, "callback_satisfied", g->satisfied);
	add_rate(o, "callback_satisfaction_rate", g->satisfied, g->callbacks);
	add_median(o, "median_reply_days", g->days, g->ndays);
	add_median(o, "median_reply_workdays", g->workdays, g->nworkdays);
	cJSON_AddNumberToObject(o, "overdue", g->overdue);
	free(g->days);
	free(g->workdays);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct ind *)a)->agency, ((const struct ind *)b)->agency);
}

enum store_err followup_indicators(struct store *s, const struct fu_ind_query *q, cJSON **out)
{
	struct ind_ctx x = {.q = q};
	struct fu_query fq = {.survey = q->survey, .agency = q->agency, .from = q->from, .to = q->to};
	*out = NULL;
	enum store_err e = store_begin_read(s);
	if (e != STORE_OK)
		return e;
	if ((e = calendar_load(s, &x.cal)) == STORE_OK) {
		x.reply_days = config_get(s, CONFIG_REPLY_DAYS);
		x.overdue = cJSON_CreateArray();
		e = store_fu_cases(s, &fq, ind_case, &x);
	}
	store_rollback(s);
	if (e == STORE_OK) {
		*out = cJSON_CreateObject();
		ind_json(cJSON_AddObjectToObject(*out, "overall"), &x.overall);
		cJSON *groups = cJSON_AddArrayToObject(*out, "groups");
		if (x.n > 0)
			xqsort(x.groups, x.n, sizeof *x.groups, cmp_group);
		for (size_t i = 0; i < x.n; i++) {
			cJSON *g = cJSON_CreateObject();
			cJSON_AddStringToObject(cJSON_AddObjectToObject(g, "by"), "agency", x.groups[i].agency);
			cJSON *n = cJSON_AddObjectToObject(cJSON_AddObjectToObject(g, "names"), "agency");
			cJSON_AddStringToObject(n, "zh", x.groups[i].zh);
			cJSON_AddStringToObject(n, "en", x.groups[i].en);
			ind_json(g, &x.groups[i]);
			cJSON_AddItemToArray(groups, g);
		}
		cJSON_AddItemToObject(*out, "overdue", x.overdue);
		x.overdue = NULL;
	} else {
		free(x.overall.days);
		free(x.overall.workdays);
		for (size_t i = 0; i < x.n; i++) {
			free(x.groups[i].days);
			free(x.groups[i].workdays);
		}
	}
	cJSON_Delete(x.overdue);
	free(x.groups);
	calendar_free(x.cal);
	return e;
}

enum store_err followup_indicators_json(struct store *s, const char *from, const char *to,
                                        cJSON **out)
{
	char today[11];
	followup_today(today);
	struct fu_ind_query q = {.from = from, .to = to, .today = today};
	return followup_indicators(s, &q, out);
}

bool followup_year_json(struct store *s, int year, struct sbuf *out)
{
	char from[16], to[16];
	cJSON *ind = NULL;
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	if (followup_indicators_json(s, from, to, &ind) != STORE_OK)
		return false;
	char *text = cJSON_PrintUnformatted(ind);
	sbuf_adds(out, text);
	free(text);
	cJSON_Delete(ind);
	return true;
}

static const char *const ind_cols[] = {
	"cases", "excluded", "replied", "reply_rate", "on_time", "on_time_rate", "rectified",
	"rectification_rate", "callbacks", "callback_satisfied", "callback_satisfaction_rate",
	"median_reply_days", "median_reply_workdays", "overdue",
};

/* One CSV row: agency, its names, then the IND members of o. */
static void csv_row(struct sbuf *out, const char *agency, const char *zh, const char *en,
                    const cJSON *o)
{
	csv_field(out, agency, strlen(agency), true);
	sbuf_addc(out, ',');
	csv_field(out, zh, strlen(zh), true);
	sbuf_addc(out, ',');
	csv_field(out, en, strlen(en), true);
	for (size_t i = 0; i < ARRAY_SIZE(ind_cols); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, ind_cols[i]);
		sbuf_addc(out, ',');
		if (cJSON_IsNumber(v))
			sbuf_printf(out, "%.17g", v->valuedouble);
	}
	sbuf_addc(out, '\n');
}

void followup_indicators_csv(const cJSON *ind, struct sbuf *out)
{
	sbuf_adds(out, "agency,agency_name,agency_name_en");
	for (size_t i = 0; i < ARRAY_SIZE(ind_cols); i++)
		sbuf_printf(out, ",%s", ind_cols[i]);
	sbuf_addc(out, '\n');
	csv_row(out, "", "全部", "All", cJSON_GetObjectItemCaseSensitive(ind, "overall"));
	const cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(ind, "groups"))
	{
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(g, "by");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "names"),
		                                                  "agency");
		csv_row(out, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(by, "agency")),
		        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "zh")),
		        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "en")), g);
	}
}
