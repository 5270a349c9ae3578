/* quality — see include/quality.h: the reviewed files, the design, the JSON and CSV. */
#include "quality.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "store_review.h"

static const char *const by_names[QUALITY_BY__MAX] = {
	[QUALITY_BY_NONE] = NULL,
	[QUALITY_BY_AGENCY] = "agency",
	[QUALITY_BY_DOMAIN] = "domain",
	[QUALITY_BY_KIND] = "kind",
	[QUALITY_BY_OUTCOME] = "outcome",
};

const char *quality_by_name(enum quality_by b)
{
	return (unsigned)b < QUALITY_BY__MAX ? by_names[b] : NULL;
}

bool quality_by_parse(const char *s, enum quality_by *out)
{
	for (int b = 1; b < QUALITY_BY__MAX; b++)
		if (s != NULL && strcmp(s, by_names[b]) == 0) {
			*out = (enum quality_by)b;
			return true;
		}
	return false;
}

/* The labels of the groups: a code and its names in each language. */
struct label {
	const char *code;
	const char *name[LANG__MAX];
};

/* Everything one report reads. */
struct load {
	const struct quality_query *q;
	struct registry_list agencies, domains;
	double *N;                /* [n agencies]: cases registered within the period */
	struct stats_resp *resp;  /* the reviewed files */
	size_t n, cap, reviews;
	struct label *labels;     /* the groups */
	size_t nlabels;
	bool failed;              /* a file named a code the registry lacks */
};

/* Index of code in l, or -1. */
static long index_of(const struct registry_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return (long)i;
	return -1;
}

/* Index of s in set[0..n-1], or -1. */
static long index_in(const char *const *set, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], s) == 0)
			return (long)i;
	return -1;
}

static bool on_count(void *ctx, const char *agency, long long n)
{
	struct load *L = ctx;
	long a = index_of(&L->agencies, agency);
	if (a < 0)
		return !(L->failed = true);
	L->N[a] = (double)n;
	return true;
}

static bool on_file(void *ctx, const struct quality_file *f)
{
	struct load *L = ctx;
	long a = index_of(&L->agencies, f->agency), d = index_of(&L->domains, f->domain);
	long g = -1;
	if (a < 0 || d < 0)
		return !(L->failed = true);
	switch (L->q->by) {
	case QUALITY_BY_AGENCY:
		g = a;
		break;
	case QUALITY_BY_DOMAIN:
		g = d;
		break;
	case QUALITY_BY_KIND:
		g = index_in(case_kinds, CASE_KINDS, f->kind);
		break;
	case QUALITY_BY_OUTCOME:
		g = index_in(case_outcomes, CASE_OUTCOMES, f->outcome);
		break;
	default:
		break;
	}
	L->resp = xgrow(L->resp, L->n, &L->cap, sizeof *L->resp, 64);
	L->resp[L->n++] = (struct stats_resp){
		.y = f->total, .agency = (int32_t)a, .domain = (int32_t)d, .size = -1,
		.group = (int32_t)g, .satisfied = f->ok ? 1 : 0, .sampled = true,
	};
	L->reviews += (size_t)f->reviews;
	return true;
}

/* The groups' labels for q->by. */
static void make_labels(struct load *L)
{
	const struct registry_list *reg = L->q->by == QUALITY_BY_AGENCY ? &L->agencies
	                                  : L->q->by == QUALITY_BY_DOMAIN ? &L->domains : NULL;
	if (reg != NULL) {
		L->nlabels = reg->n;
		L->labels = xcalloc(reg->n + 1, sizeof *L->labels);
		for (size_t i = 0; i < reg->n; i++) {
			L->labels[i].code = reg->v[i].code;
			for (int l = 0; l < LANG__MAX; l++)
				L->labels[i].name[l] = reg->v[i].name[l];
		}
		return;
	}
	bool kind = L->q->by == QUALITY_BY_KIND;
	L->nlabels = L->q->by == QUALITY_BY_NONE ? 0 : kind ? CASE_KINDS : CASE_OUTCOMES;
	L->labels = xcalloc(L->nlabels + 1, sizeof *L->labels);
	for (size_t i = 0; i < L->nlabels; i++) {
		L->labels[i].code = kind ? case_kinds[i] : case_outcomes[i];
		for (int l = 0; l < LANG__MAX; l++)
			L->labels[i].name[l] = kind ? case_kind_names[i][l] : case_outcome_names[i][l];
	}
}

/* A JSON number, or null when not finite. */
static void add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* Append root as one line of compact JSON to out, and free root. */
static void json_out(cJSON *root, struct sbuf *out)
{
	char *text = cJSON_PrintUnformatted(root);
	if (text == NULL)
		abort();
	sbuf_adds(out, text);
	sbuf_adds(out, "\n");
	cJSON_free(text);
	cJSON_Delete(root);
}

/* The figures of one row (CONTRACT §6). */
static void row_json(cJSON *o, const struct stats_row *r)
{
	cJSON_AddNumberToObject(o, "n", (double)r->n);
	add_num(o, "mean", r->mean);
	add_num(o, "se", r->se);
	add_num(o, "df", r->df);
	add_num(o, "ci_low", r->ci_low);
	add_num(o, "ci_high", r->ci_high);
	add_num(o, "ok_rate", r->rate);
	add_num(o, "ok_rate_se", r->rate_se);
	add_num(o, "ok_rate_ci_low", r->rate_ci_low);
	add_num(o, "ok_rate_ci_high", r->rate_ci_high);
}

/* Is group g of the report (it has files, and is the agency's own when scoped)? */
static bool shown(const struct load *L, const struct stats_result *res, size_t g)
{
	if (res->groups[g].n == 0)
		return false;
	return L->q->only_agency == NULL || L->q->by != QUALITY_BY_AGENCY ||
	       strcmp(L->labels[g].code, L->q->only_agency) == 0;
}

static void write_json(const struct load *L, const struct survey *sv, int version,
                       const struct stats_result *res, struct sbuf *out)
{
	const struct quality_query *q = L->q;
	cJSON *root = cJSON_CreateObject(), *groups;
	double cases = 0;
	for (size_t a = 0; a < L->agencies.n; a++)
		cases += L->N[a];
	cJSON_AddStringToObject(root, "survey", sv->id);
	cJSON_AddNumberToObject(root, "version", version);
	cJSON_AddNumberToObject(root, "max", survey_points_total(sv));
	if (q->by != QUALITY_BY_NONE)
		cJSON_AddStringToObject(root, "by", by_names[q->by]);
	else
		cJSON_AddNullToObject(root, "by");
	if (q->from != NULL)
		cJSON_AddStringToObject(root, "from", q->from);
	if (q->to != NULL)
		cJSON_AddStringToObject(root, "to", q->to);
	cJSON_AddNumberToObject(root, "level", q->level);
	cJSON_AddNumberToObject(root, "cases", cases);
	cJSON_AddNumberToObject(root, "reviews", (double)L->reviews);
	row_json(cJSON_AddObjectToObject(root, "overall"), &res->overall);
	groups = cJSON_AddArrayToObject(root, "groups");
	for (size_t g = 0; g < L->nlabels; g++) {
		if (!shown(L, res, g))
			continue;
		cJSON *o = cJSON_CreateObject(), *names = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "by"), by_names[q->by], L->labels[g].code);
		for (int l = 0; l < LANG__MAX; l++)
			cJSON_AddStringToObject(names, lang_code((enum lang)l), L->labels[g].name[l]);
		cJSON_AddItemToObject(cJSON_AddObjectToObject(o, "names"), by_names[q->by], names);
		if (q->by == QUALITY_BY_AGENCY)
			cJSON_AddNumberToObject(o, "cases", L->N[g]);
		row_json(o, &res->groups[g]);
		cJSON_AddItemToArray(groups, o);
	}
	json_out(root, out);
}

/* A CSV cell: quoted when it holds a comma, quote or line break. */
static void csv_cell(struct sbuf *out, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		sbuf_adds(out, "\"");
		for (const char *c = s; *c; c++)
			sbuf_printf(out, "%s%c", *c == '"' ? "\"" : "", *c);
		sbuf_adds(out, "\"");
	} else {
		sbuf_adds(out, s);
	}
	sbuf_adds(out, last ? "\n" : ",");
}

/* One CSV row: the group's code and name ("" overall), then the figures. */
static void csv_row(struct sbuf *out, const char *code, const char *name, const struct stats_row *r)
{
	const double v[] = {r->mean, r->se, r->df, r->ci_low, r->ci_high,
	                    r->rate, r->rate_se, r->rate_ci_low, r->rate_ci_high};
	char num[40];
	csv_cell(out, code, false);
	csv_cell(out, name, false);
	sbuf_printf(out, "%zu,", r->n);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (isfinite(v[i]))
			snprintf(num, sizeof num, "%.17g", v[i]);
		else
			num[0] = '\0';
		csv_cell(out, num, i + 1 == ARRAY_SIZE(v));
	}
}

static void write_csv(const struct load *L, const struct stats_result *res, struct sbuf *out)
{
	const char *by = L->q->by != QUALITY_BY_NONE ? by_names[L->q->by] : "group";
	sbuf_printf(out, "%s,%s_name,n,mean,se,df,ci_low,ci_high,ok_rate,ok_rate_se,ok_rate_ci_low,"
	            "ok_rate_ci_high\n", by, by);
	csv_row(out, "", L->q->lang == LANG_EN ? "Overall" : "总体", &res->overall);
	for (size_t g = 0; g < L->nlabels; g++)
		if (shown(L, res, g))
			csv_row(out, L->labels[g].code, L->labels[g].name[L->q->lang], &res->groups[g]);
}

/* The store error e as a status, with msg. */
static enum quality_status store_status(enum store_err e, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "%s", e == STORE_ERR_BUSY ? "the database is busy, try again"
	                                                : "the database failed");
	return e == STORE_ERR_BUSY ? QUALITY_BUSY : QUALITY_STORE;
}

/* The rubric q names: QUALITY_OK with *sv and *version, else why. */
static enum quality_status rubric_of(struct store *s, const char *id, struct survey **sv,
                                     int *version, char *msg, size_t msglen)
{
	char *def = NULL, why[256];
	enum store_err e = store_survey_latest(s, id, version, &def);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, msglen, "unknown survey \"%.64s\"", id);
		return QUALITY_BAD_QUERY;
	}
	if (e != STORE_OK)
		return store_status(e, msg, msglen);
	enum survey_err se = survey_parse(id, def, strlen(def), sv, why, sizeof why);
	free(def);
	if (se != SURVEY_OK) {
		snprintf(msg, msglen, "stored survey \"%.64s\" does not parse: %s", id, why);
		return QUALITY_STORE;
	}
	if (!survey_is_rubric(*sv)) {
		snprintf(msg, msglen, "\"%.64s\" is a survey of respondents, not a case-review rubric "
		         "(audience reviewer): its figures are manyi stats'", id);
		return QUALITY_BAD_QUERY;
	}
	return QUALITY_OK;
}

enum quality_status quality_report(struct store *s, const struct quality_query *q,
                                   struct sbuf *out, char *msg, size_t msglen)
{
	struct load L = {.q = q};
	struct survey *sv = NULL;
	struct stats_result *res = NULL;
	struct stats_error err;
	int version;
	enum store_err e;
	enum quality_status st = rubric_of(s, q->survey, &sv, &version, msg, msglen);

	if (st != QUALITY_OK)
		goto done;
	if ((e = store_begin_read(s)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_AGENCY, &L.agencies)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_DOMAIN, &L.domains)) != STORE_OK) {
		st = store_status(e, msg, msglen);
		goto done;
	}
	L.N = xcalloc(L.agencies.n + 1, sizeof *L.N);
	if ((e = store_case_counts(s, q->from, q->to, on_count, &L)) != STORE_OK ||
	    (e = store_quality_files(s, q->survey, q->from, q->to, on_file, &L)) != STORE_OK) {
		st = store_status(e, msg, msglen);
		goto done;
	}
	if (L.failed || L.domains.n == 0) {
		snprintf(msg, msglen, "a reviewed case names a code the registry lacks");
		st = QUALITY_STORE;
		goto done;
	}
	if (L.n == 0) {
		snprintf(msg, msglen, "no reviewed case file for %s%s%s%s%s", q->survey,
		         q->from || q->to ? " decided " : "", q->from ? "from " : "",
		         q->from ? q->from : "", q->to ? (q->from ? " to " : "to ") : "");
		if (q->to)
			snprintf(msg + strlen(msg), msglen - strlen(msg), "%s", q->to);
		st = QUALITY_EMPTY;
		goto done;
	}
	make_labels(&L);
	struct stats_population pop = {
		.n_agencies = L.agencies.n, .n_domains = L.domains.n, .n_sizes = 1, .agency = L.N,
	};
	struct stats_options o;
	stats_options_default(&o);
	o.weighting = STATS_W_BASE;
	o.level = q->level;
	o.rate = true;
	o.points = 0;
	if (stats_estimate(L.resp, L.n, L.nlabels, &pop, &o, &res, &err) != STATS_OK) {
		snprintf(msg, msglen, "the quality figures cannot be computed: %s", err.msg);
		st = QUALITY_NO_DATA;
		goto done;
	}
	if (q->csv)
		write_csv(&L, res, out);
	else
		write_json(&L, sv, version, res, out);
done:
	store_rollback(s);
	stats_result_free(res);
	free(L.labels);
	free(L.resp);
	free(L.N);
	registry_list_free(&L.agencies);
	registry_list_free(&L.domains);
	survey_free(sv);
	return st;
}

void quality_agreement_of(const double *x1, const double *x2, const int *d1, const int *d2,
                          size_t n, struct quality_agreement *out)
{
	double grand = 0, msb = 0, msw = 0, p[2][2] = {{0, 0}, {0, 0}};

	out->files = n;
	out->icc1 = out->icc1k = out->kappa = NAN;
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		grand += x1[i] + x2[i];
	grand /= 2.0 * (double)n;
	for (size_t i = 0; i < n; i++) {
		double m = (x1[i] + x2[i]) / 2;
		msb += (m - grand) * (m - grand);
		msw += (x1[i] - m) * (x1[i] - m) + (x2[i] - m) * (x2[i] - m);
		p[d1[i] != 0][d2[i] != 0] += 1.0 / (double)n;
	}
	msb = 2 * msb / (double)(n - 1);
	msw /= (double)n;
	if (msb + msw > 0)
		out->icc1 = (msb - msw) / (msb + msw);
	if (msb > 0)
		out->icc1k = (msb - msw) / msb;
	double po = p[0][0] + p[1][1];
	double pe = (p[0][0] + p[0][1]) * (p[0][0] + p[1][0]) + (p[1][0] + p[1][1]) * (p[0][1] + p[1][1]);
	if (pe < 1)
		out->kappa = (po - pe) / (1 - pe);
}

/* The first two reviews of each file, gathered in case order. */
struct pair_row {
	double x1, x2; /* the totals of the first and second review */
	int d1, d2;    /* whether each flags a major defect */
	char case_id[65], agency[65], r1[65], r2[65];
};

struct pairs_load {
	char last[65];
	int seen;              /* reviews of the current case so far */
	struct pair_row *v;
	size_t n, cap;         /* v[n] is the pair being filled */
};

static bool on_review(void *ctx, const struct review_total *t)
{
	struct pairs_load *P = ctx;
	if (strcmp(P->last, t->case_id) != 0) {
		snprintf(P->last, sizeof P->last, "%s", t->case_id);
		P->seen = 0;
	}
	if (++P->seen > 2)
		return true;
	if (P->seen == 1) {
		P->v = xgrow(P->v, P->n, &P->cap, sizeof *P->v, 64);
		struct pair_row *r = &P->v[P->n];
		*r = (struct pair_row){.x1 = t->total, .d1 = t->defects > 0};
		snprintf(r->case_id, sizeof r->case_id, "%s", t->case_id);
		snprintf(r->agency, sizeof r->agency, "%s", t->agency);
		snprintf(r->r1, sizeof r->r1, "%s", t->reviewer);
	} else {
		P->v[P->n].x2 = t->total;
		P->v[P->n].d2 = t->defects > 0;
		snprintf(P->v[P->n].r2, sizeof P->v[P->n].r2, "%s", t->reviewer);
		P->n++;
	}
	return true;
}

/* The first two reviews of each of rubric survey's files into *P (the caller frees P->v). */
static enum quality_status load_pairs(struct store *s, const char *survey, struct pairs_load *P,
                                      char *msg, size_t msglen)
{
	struct survey *sv = NULL;
	int version;
	enum quality_status st = rubric_of(s, survey, &sv, &version, msg, msglen);
	enum store_err e;

	survey_free(sv);
	if (st == QUALITY_OK && (e = store_review_totals(s, survey, on_review, P)) != STORE_OK)
		st = store_status(e, msg, msglen);
	return st;
}

enum quality_status quality_agreement(struct store *s, const char *survey, struct sbuf *out,
                                      char *msg, size_t msglen)
{
	struct pairs_load P = {.last = ""};
	struct quality_agreement ag;
	enum quality_status st = load_pairs(s, survey, &P, msg, msglen);

	if (st != QUALITY_OK)
		goto done;
	double *x = xcalloc(2 * P.n + 1, sizeof *x);
	int *d = xcalloc(2 * P.n + 1, sizeof *d);
	for (size_t i = 0; i < P.n; i++) {
		x[i] = P.v[i].x1, x[P.n + i] = P.v[i].x2;
		d[i] = P.v[i].d1, d[P.n + i] = P.v[i].d2;
	}
	quality_agreement_of(x, x + P.n, d, d + P.n, P.n, &ag);
	free(x);
	free(d);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "survey", survey);
	cJSON_AddNumberToObject(o, "files", (double)ag.files);
	add_num(o, "icc1", ag.icc1);
	add_num(o, "icc1k", ag.icc1k);
	add_num(o, "kappa", ag.kappa);
	json_out(o, out);
done:
	free(P.v);
	return st;
}

enum quality_status quality_disagreements(struct store *s, const char *survey, double threshold,
                                          enum lang lang, struct sbuf *out, char *msg,
                                          size_t msglen)
{
	struct pairs_load P = {.last = ""};
	struct registry_list ag = {0};
	enum quality_status st = load_pairs(s, survey, &P, msg, msglen);
	enum store_err e;
	char num[3][32];

	if (st == QUALITY_OK && (e = store_registry_list(s, REGISTRY_AGENCY, &ag)) != STORE_OK)
		st = store_status(e, msg, msglen);
	if (st != QUALITY_OK)
		goto done;
	sbuf_adds(out, "case_id,agency,agency_name,reviewer_1,total_1,defect_1,reviewer_2,total_2,"
	          "defect_2,difference,reason,adjudicated\n");
	for (size_t i = 0; i < P.n; i++) {
		const struct pair_row *r = &P.v[i];
		bool totals = fabs(r->x2 - r->x1) > threshold, defects = r->d1 != r->d2;
		long a = index_of(&ag, r->agency);
		if (!totals && !defects)
			continue;
		snprintf(num[0], sizeof num[0], "%.17g", r->x1);
		snprintf(num[1], sizeof num[1], "%.17g", r->x2);
		snprintf(num[2], sizeof num[2], "%.17g", r->x2 - r->x1);
		csv_cell(out, r->case_id, false);
		csv_cell(out, r->agency, false);
		csv_cell(out, a >= 0 ? ag.v[a].name[lang] : "", false);
		csv_cell(out, r->r1, false);
		csv_cell(out, num[0], false);
		csv_cell(out, r->d1 ? "yes" : "no", false);
		csv_cell(out, r->r2, false);
		csv_cell(out, num[1], false);
		csv_cell(out, r->d2 ? "yes" : "no", false);
		csv_cell(out, num[2], false);
		csv_cell(out, totals && defects ? "totals;defects" : totals ? "totals" : "defects", false);
		char kind[8] = "";
		if ((e = store_adjudication_kind(s, r->case_id, survey, kind)) != STORE_OK &&
		    e != STORE_ERR_NOTFOUND) {
			st = store_status(e, msg, msglen);
			goto done;
		}
		csv_cell(out, kind, true);
	}
done:
	registry_list_free(&ag);
	free(P.v);
	return st;
}

/* A progress row into the JSON array (ctx). */
struct progress_ctx {
	cJSON *rows;
	bool agency;
};

static bool on_progress(void *ctx, const struct review_progress *p)
{
	struct progress_ctx *c = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, c->agency ? "agency" : "reviewer", p->code);
	if (c->agency) {
		cJSON_AddStringToObject(o, "name_zh", p->name[LANG_ZH]);
		cJSON_AddStringToObject(o, "name_en", p->name[LANG_EN]);
	} else {
		cJSON_AddStringToObject(o, "name", p->name[LANG_ZH]);
	}
	cJSON_AddNumberToObject(o, "assigned", (double)p->assigned);
	cJSON_AddNumberToObject(o, "drafts", (double)p->drafts);
	cJSON_AddNumberToObject(o, "submitted", (double)p->submitted);
	cJSON_AddNumberToObject(o, "open", (double)(p->assigned - p->submitted));
	cJSON_AddItemToArray(c->rows, o);
	return true;
}

/* The rows of one grouping as CSV lines "by,code,name_zh,name_en,assigned,drafts,submitted,open". */
static void progress_csv(struct sbuf *out, const cJSON *rows, bool agency)
{
	const cJSON *o;
	char num[4][24];
	cJSON_ArrayForEach(o, rows)
	{
		const char *code = cJSON_GetObjectItem(o, agency ? "agency" : "reviewer")->valuestring;
		const char *zh = cJSON_GetObjectItem(o, agency ? "name_zh" : "name")->valuestring;
		const char *en = cJSON_GetObjectItem(o, agency ? "name_en" : "name")->valuestring;
		static const char *const keys[4] = {"assigned", "drafts", "submitted", "open"};
		for (int k = 0; k < 4; k++)
			snprintf(num[k], sizeof num[k], "%.0f", cJSON_GetObjectItem(o, keys[k])->valuedouble);
		csv_cell(out, agency ? "agency" : "reviewer", false);
		csv_cell(out, code, false);
		csv_cell(out, zh, false);
		csv_cell(out, en, false);
		for (int k = 0; k < 4; k++)
			csv_cell(out, num[k], k == 3);
	}
}

enum quality_status quality_progress(struct store *s, const char *survey, bool csv,
                                     struct sbuf *out, char *msg, size_t msglen)
{
	struct survey *sv = NULL;
	int version;
	enum quality_status st = rubric_of(s, survey, &sv, &version, msg, msglen);
	struct progress_ctx by_reviewer = {.rows = cJSON_CreateArray(), .agency = false};
	struct progress_ctx by_agency = {.rows = cJSON_CreateArray(), .agency = true};
	enum store_err e;

	survey_free(sv);
	if (st == QUALITY_OK &&
	    ((e = store_review_progress(s, survey, false, on_progress, &by_reviewer)) != STORE_OK ||
	     (e = store_review_progress(s, survey, true, on_progress, &by_agency)) != STORE_OK))
		st = store_status(e, msg, msglen);
	if (st != QUALITY_OK) {
		cJSON_Delete(by_reviewer.rows);
		cJSON_Delete(by_agency.rows);
		return st;
	}
	if (csv) {
		sbuf_adds(out, "by,code,name_zh,name_en,assigned,drafts,submitted,open\n");
		progress_csv(out, by_reviewer.rows, false);
		progress_csv(out, by_agency.rows, true);
		cJSON_Delete(by_reviewer.rows);
		cJSON_Delete(by_agency.rows);
		return QUALITY_OK;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "survey", survey);
	cJSON_AddItemToObject(o, "reviewers", by_reviewer.rows);
	cJSON_AddItemToObject(o, "agencies", by_agency.rows);
	json_out(o, out);
	return QUALITY_OK;
}
