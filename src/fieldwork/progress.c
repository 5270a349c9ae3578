/* progress — see include/progress.h. */
#include "progress.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey.h"

#define UTC8 (8 * 3600)

long long progress_today(time_t now)
{
	long long t = (long long)now + UTC8;
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

void progress_project(long long answered, long long first_day, long long today, long long until,
                      long long target, long long threshold, struct progress_pace *p)
{
	p->days_elapsed = first_day != PROGRESS_NO_DAY && first_day <= today ? today - first_day + 1 : 0;
	p->days_left = until != PROGRESS_NO_DAY && until > today ? until - today : 0;
	p->pace = p->days_elapsed > 0 ? (double)answered / (double)p->days_elapsed : NAN;
	p->projected = (double)answered + (isnan(p->pace) ? 0.0 : p->pace * (double)p->days_left);
	p->needed_per_day = p->days_left > 0 ?
	                    (double)(target > answered ? target - answered : 0) / (double)p->days_left :
	                    NAN;
	p->on_track = p->projected >= (double)target;
	p->under = p->projected < (double)threshold;
}

/* Answers on one day. */
struct day_count {
	long long day, n;
};

/* One channel's invitations and answers within a group. */
struct channel_count {
	long long invited, expired, answered;
};

/* One agency (or the overall row) while counting. */
struct group {
	const struct registry_entry *reg; /* borrowed from the registry list; NULL: overall */
	long long frame, sampled, invited, answered, expired, public_n;
	long long calls[RC__MAX];
	struct channel_count ch[RESPONSE_CHANNELS];
	struct day_count *days; /* day order */
	size_t ndays, cap;
	struct progress_pace pace;
};

static bool group_used(const struct group *g)
{
	long long calls = 0;
	for (size_t c = 0; c < RC__MAX; c++)
		calls += g->calls[c];
	return g->frame || g->invited || g->answered || g->public_n || calls;
}

static int entry_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct registry_entry *)e)->code);
}

/* The group of agency code (registry order), or NULL when not registered. */
static struct group *group_of(const struct registry_list *ag, struct group *g, const char *code)
{
	const struct registry_entry *e = bsearch(code, ag->v, ag->n, sizeof *ag->v, entry_cmp);
	return e != NULL ? &g[e - ag->v] : NULL;
}

/* Add n answers on day to g's series (days come in order, or equal to the last). */
static void day_add(struct group *g, long long day, long long n)
{
	if (g->ndays > 0 && g->days[g->ndays - 1].day == day) {
		g->days[g->ndays - 1].n += n;
		return;
	}
	g->days = xgrow(g->days, g->ndays, &g->cap, sizeof *g->days, 16);
	g->days[g->ndays++] = (struct day_count){day, n};
}

static int day_cmp(const void *a, const void *b)
{
	long long x = ((const struct day_count *)a)->day, y = ((const struct day_count *)b)->day;
	return (x > y) - (x < y);
}

/* The invited encounters (rows of one encounter adjacent) into the groups and all. */
static void count_invited(const struct progress_rows *rows, const struct registry_list *ag,
                          struct group *g, struct group *all)
{
	for (size_t i = 0; i < rows->ninvited;) {
		const struct progress_invited *v = &rows->invited[i];
		struct group *gr = group_of(ag, g, v->agency);
		bool phone = false, expired = true;
		size_t j = i;
		for (; j < rows->ninvited && rows->invited[j].encounter == v->encounter; j++) {
			const struct progress_invited *w = &rows->invited[j];
			int c = response_channel_index(w->channel);
			phone |= strcmp(w->channel, "phone") == 0;
			expired &= w->expired;
			if (c < 0)
				continue;
			for (struct group *x = all; x != NULL; x = x == all ? gr : NULL) {
				x->ch[c].invited++;
				x->ch[c].expired += !w->answered && w->expired;
			}
		}
		enum rate_count k = rates_classify(v->answered, v->outcome);
		for (struct group *x = all; x != NULL; x = x == all ? gr : NULL) {
			x->invited++;
			x->sampled += phone;
			x->calls[k] += phone; /* the phone sample's outcomes, as rates.c counts them */
			x->expired += !v->answered && expired;
		}
		i = j;
	}
}

/* The answers by day into the groups and all (all's days unsorted, summed later). */
static void count_answers(const struct progress_rows *rows, const struct registry_list *ag,
                          struct group *g, struct group *all)
{
	for (size_t i = 0; i < rows->nanswers; i++) {
		const struct progress_answers *a = &rows->answers[i];
		struct group *gr = group_of(ag, g, a->agency);
		int c = response_channel_index(a->channel);
		for (struct group *x = all; x != NULL; x = x == all ? gr : NULL) {
			if (!a->linked) {
				x->public_n += a->n;
				continue;
			}
			x->answered += a->n;
			if (c >= 0)
				x->ch[c].answered += a->n;
			if (x != all)
				day_add(x, a->day, a->n);
		}
		if (a->linked) {
			all->days = xgrow(all->days, all->ndays, &all->cap, sizeof *all->days, 64);
			all->days[all->ndays++] = (struct day_count){a->day, a->n};
		}
	}
	/* The overall series: by day, summed. */
	if (all->ndays > 1)
		xqsort(all->days, all->ndays, sizeof *all->days, day_cmp);
	size_t k = 0;
	for (size_t i = 0; i < all->ndays; i++) {
		if (k > 0 && all->days[k - 1].day == all->days[i].day)
			all->days[k - 1].n += all->days[i].n;
		else
			all->days[k++] = all->days[i];
	}
	all->ndays = k;
}

/* ---- output --------------------------------------------------------------- */

static void add_number_or_null(cJSON *o, const char *name, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, v);
}

static void add_day(cJSON *o, const char *name, long long day)
{
	char buf[16];
	if (day == PROGRESS_NO_DAY) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	day_format(day, buf, sizeof buf);
	cJSON_AddStringToObject(o, name, buf);
}

static cJSON *names_json(const struct registry_entry *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "zh", e->name[LANG_ZH]);
	cJSON_AddStringToObject(o, "en", e->name[LANG_EN]);
	return o;
}

static cJSON *group_json(const struct group *g, long target)
{
	cJSON *o = cJSON_CreateObject();
	if (g->reg != NULL) {
		cJSON_AddStringToObject(o, "agency", g->reg->code);
		cJSON_AddItemToObject(o, "agency_name", names_json(g->reg));
	}
	const struct {
		const char *name;
		long long v;
	} counts[] = {{"frame", g->frame},       {"sampled", g->sampled}, {"invited", g->invited},
	              {"answered", g->answered}, {"expired", g->expired}, {"public", g->public_n}};
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++)
		cJSON_AddNumberToObject(o, counts[i].name, (double)counts[i].v);
	cJSON *ch = cJSON_AddObjectToObject(o, "by_channel");
	for (size_t c = 0; c < RESPONSE_CHANNELS; c++) {
		const struct channel_count *x = &g->ch[c];
		if (x->invited == 0 && x->answered == 0)
			continue;
		cJSON *cc = cJSON_AddObjectToObject(ch, response_channels[c]);
		cJSON_AddNumberToObject(cc, "invited", (double)x->invited);
		cJSON_AddNumberToObject(cc, "answered", (double)x->answered);
		cJSON_AddNumberToObject(cc, "expired", (double)x->expired);
	}
	cJSON *calls = cJSON_AddObjectToObject(o, "calls");
	for (size_t c = 0; c < RC__MAX; c++)
		cJSON_AddNumberToObject(calls, rate_count_names[c], (double)g->calls[c]);
	cJSON *days = cJSON_AddArrayToObject(o, "days");
	long long cum = 0;
	for (size_t i = 0; i < g->ndays; i++) {
		cJSON *d = cJSON_CreateObject();
		cum += g->days[i].n;
		add_day(d, "date", g->days[i].day);
		cJSON_AddNumberToObject(d, "answered", (double)g->days[i].n);
		cJSON_AddNumberToObject(d, "cumulative", (double)cum);
		cJSON_AddItemToArray(days, d);
	}
	add_number_or_null(o, "pace_per_day", g->pace.pace);
	cJSON_AddNumberToObject(o, "projected", g->pace.projected);
	if (g->reg != NULL) {
		cJSON_AddNumberToObject(o, "target", (double)target);
		add_number_or_null(o, "needed_per_day", g->pace.needed_per_day);
		cJSON_AddBoolToObject(o, "on_track", g->pace.on_track);
		if (g->pace.under)
			cJSON_AddStringToObject(o, "warning", "under_threshold");
		else
			cJSON_AddNullToObject(o, "warning");
	}
	return o;
}

/* What the output needs beside the groups. */
struct report_head {
	const struct progress_query *q;
	long target;
	long long today, first_day, last_day, until;
};

static void write_json(const struct report_head *f, const struct group *all, const struct group *g,
                       size_t ng, struct sbuf *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "survey", f->q->survey);
	const char *period[][2] = {{"from", f->q->from}, {"to", f->q->to}};
	for (size_t i = 0; i < ARRAY_SIZE(period); i++)
		if (period[i][1] != NULL)
			cJSON_AddStringToObject(root, period[i][0], period[i][1]);
		else
			cJSON_AddNullToObject(root, period[i][0]);
	add_day(root, "today", f->today);
	add_day(root, "first_day", f->first_day);
	add_day(root, "last_day", f->last_day);
	add_day(root, "until", f->until);
	cJSON_AddNumberToObject(root, "days_elapsed", (double)all->pace.days_elapsed);
	cJSON_AddNumberToObject(root, "days_left", (double)all->pace.days_left);
	cJSON_AddNumberToObject(root, "target", (double)f->target);
	cJSON_AddNumberToObject(root, "threshold", (double)f->q->threshold);
	cJSON_AddItemToObject(root, "overall", group_json(all, f->target));
	cJSON *agencies = cJSON_AddArrayToObject(root, "agencies");
	cJSON *warnings = cJSON_AddArrayToObject(root, "warnings");
	for (size_t i = 0; i < ng; i++) {
		cJSON_AddItemToArray(agencies, group_json(&g[i], f->target));
		if (!g[i].pace.under)
			continue;
		cJSON *w = cJSON_CreateObject();
		cJSON_AddStringToObject(w, "agency", g[i].reg->code);
		cJSON_AddItemToObject(w, "agency_name", names_json(g[i].reg));
		cJSON_AddNumberToObject(w, "answered", (double)g[i].answered);
		cJSON_AddNumberToObject(w, "projected", g[i].pace.projected);
		cJSON_AddNumberToObject(w, "threshold", (double)f->q->threshold);
		cJSON_AddItemToArray(warnings, w);
	}
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	sbuf_addc(out, '\n');
	free(text);
	cJSON_Delete(root);
}

static void csv_number(struct sbuf *out, double v)
{
	if (isnan(v))
		sbuf_addc(out, ',');
	else
		sbuf_printf(out, ",%.17g", v);
}

static void csv_group(struct sbuf *out, const struct group *g, long target)
{
	if (g->reg != NULL) {
		csv_field(out, g->reg->code, strlen(g->reg->code), true);
		sbuf_addc(out, ',');
		csv_field(out, g->reg->name[LANG_ZH], strlen(g->reg->name[LANG_ZH]), true);
		sbuf_adds(out, ",agency");
	} else {
		sbuf_adds(out, ",,overall");
	}
	sbuf_printf(out, ",%lld,%lld,%lld,%lld,%lld,%lld", g->frame, g->sampled, g->invited, g->answered,
	            g->expired, g->public_n);
	csv_number(out, g->pace.pace);
	csv_number(out, g->pace.projected);
	if (g->reg != NULL) {
		sbuf_printf(out, ",%ld", target);
		csv_number(out, g->pace.needed_per_day);
		sbuf_printf(out, ",%s,%s\r\n", g->pace.on_track ? "true" : "false",
		            g->pace.under ? "under_threshold" : "");
	} else {
		sbuf_adds(out, ",,,,\r\n");
	}
}

static void write_csv(const struct report_head *f, const struct group *all, const struct group *g,
                      size_t ng, struct sbuf *out)
{
	sbuf_adds(out, "agency,agency_name,row,frame,sampled,invited,answered,expired,public,"
	               "pace_per_day,projected,target,needed_per_day,on_track,warning\r\n");
	csv_group(out, all, f->target);
	for (size_t i = 0; i < ng; i++)
		csv_group(out, &g[i], f->target);
}

/* ---- the report ------------------------------------------------------------ */

static enum rates_err store_failed(enum store_err e, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "%s", store_strerror(e));
	return e == STORE_ERR_BUSY ? RATES_BUSY : RATES_STORE;
}

/* Is survey a public one (its units households)?  RATES_OK, or why not. */
static enum rates_err survey_households(struct store *s, const char *survey, bool *households,
                                        char *msg, size_t msglen)
{
	char *def = NULL, why[256];
	struct survey *sv = NULL;
	int version;
	enum store_err e = store_survey_latest(s, survey, &version, &def);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, msglen, "no survey %s (load it first: manyi survey load FILE.json)", survey);
		return RATES_NOT_FOUND;
	}
	if (e != STORE_OK)
		return store_failed(e, msg, msglen);
	if (survey_parse(survey, def, strlen(def), &sv, why, sizeof why) != SURVEY_OK) {
		snprintf(msg, msglen, "the stored survey %s does not parse: %s", survey, why);
		free(def);
		return RATES_STORE;
	}
	*households = sv->audience == AUDIENCE_PUBLIC;
	survey_free(sv);
	free(def);
	return RATES_OK;
}

enum rates_err progress_report(struct store *s, const struct progress_query *q, bool csv,
                               struct sbuf *out, char *msg, size_t msglen)
{
	struct registry_list ag = {0};
	struct progress_rows rows = {0};
	struct group *g = NULL, all = {0};
	size_t ng = 0;
	bool households = false;
	enum rates_err re;
	enum store_err e;

	if ((re = survey_households(s, q->survey, &households, msg, msglen)) != RATES_OK)
		return re;
	if ((e = store_registry_list(s, REGISTRY_AGENCY, &ag)) != STORE_OK ||
	    (e = store_progress_rows(s, q->survey, q->from, q->to, households, (long long)q->now, &rows)) !=
	        STORE_OK) {
		re = store_failed(e, msg, msglen);
		goto done;
	}
	g = xcalloc(ag.n + 1, sizeof *g);
	for (size_t i = 0; i < ag.n; i++)
		g[i].reg = &ag.v[i];
	for (size_t i = 0; i < rows.nframe; i++) {
		struct group *gr = group_of(&ag, g, rows.frame[i].agency);
		all.frame += rows.frame[i].n;
		if (gr != NULL)
			gr->frame += rows.frame[i].n;
	}
	count_invited(&rows, &ag, g, &all);
	count_answers(&rows, &ag, g, &all);

	struct report_head f = {
		.q = q,
		.target = q->target >= 0 ? q->target : q->threshold,
		.today = progress_today(q->now),
		.first_day = all.ndays > 0 ? all.days[0].day : PROGRESS_NO_DAY,
		.last_day = all.ndays > 0 ? all.days[all.ndays - 1].day : PROGRESS_NO_DAY,
		.until = PROGRESS_NO_DAY,
	};
	if (q->until != NULL && !day_parse(q->until, &f.until))
		f.until = PROGRESS_NO_DAY; /* checked by params: not reached */
	/* The overall row against the whole: its target is no agency's. */
	progress_project(all.answered, f.first_day, f.today, f.until, 0, 0, &all.pace);
	for (size_t i = 0; i < ag.n; i++) {
		if (!group_used(&g[i]) || (q->only_agency != NULL && strcmp(g[i].reg->code, q->only_agency) != 0)) {
			free(g[i].days);
			continue;
		}
		progress_project(g[i].answered, f.first_day, f.today, f.until, f.target, q->threshold,
		                 &g[i].pace);
		g[ng++] = g[i];
	}
	if (csv)
		write_csv(&f, &all, g, ng, out);
	else
		write_json(&f, &all, g, ng, out);
	re = RATES_OK;
done:
	for (size_t i = 0; i < ng; i++)
		free(g[i].days);
	free(all.days);
	free(g);
	progress_rows_free(&rows);
	registry_list_free(&ag);
	return re;
}
