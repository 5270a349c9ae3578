/* report — see include/report.h. */
#include "report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey.h"

static const char *const by_names[BY__MAX] = {
	"agency", "domain", "size", "district", "outcome", "channel", "month", "quarter", "year",
};

static const char *const size_codes[] = {"large", "medium", "small", "micro", "household"};
#define N_SIZES 5

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

/* Index of code in a registry list sorted by code, or -1. */
static int code_index(const struct registry_list *l, const char *code)
{
	size_t lo = 0, hi = l->n;
	if (code == NULL)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->v[mid].code, code);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int size_index(const char *s)
{
	for (int i = 0; s != NULL && i < N_SIZES; i++)
		if (strcmp(s, size_codes[i]) == 0)
			return i;
	return -1;
}

/* Groups: distinct key tuples, found through a small open-addressing table. */
struct groups {
	char **keys;         /* key[g]: the values joined by '\x1f', "\x1e" for none */
	size_t n, cap;
	int *slots;          /* -1 empty, else group index */
	size_t nslots;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int group_of(struct groups *g, const char *key)
{
	if (g->nslots == 0 || (g->n + 1) * 2 > g->nslots) {
		size_t ns = g->nslots ? g->nslots * 2 : 64;
		int *slots = xmalloc(ns * sizeof *slots);
		for (size_t i = 0; i < ns; i++)
			slots[i] = -1;
		for (size_t i = 0; i < g->n; i++) {
			size_t j = hash_str(g->keys[i]) & (ns - 1);
			while (slots[j] >= 0)
				j = (j + 1) & (ns - 1);
			slots[j] = (int)i;
		}
		free(g->slots);
		g->slots = slots;
		g->nslots = ns;
	}
	size_t j = hash_str(key) & (g->nslots - 1);
	while (g->slots[j] >= 0) {
		if (strcmp(g->keys[g->slots[j]], key) == 0)
			return g->slots[j];
		j = (j + 1) & (g->nslots - 1);
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->keys = xrealloc(g->keys, g->cap * sizeof *g->keys);
	}
	g->keys[g->n] = xstrdup(key);
	g->slots[j] = (int)g->n;
	return (int)g->n++;
}

/* The group of key, or -1 when there is none (nothing is added). */
static int group_find(const struct groups *g, const char *key)
{
	if (g->nslots == 0)
		return -1;
	size_t j = hash_str(key) & (g->nslots - 1);
	while (g->slots[j] >= 0) {
		if (strcmp(g->keys[g->slots[j]], key) == 0)
			return g->slots[j];
		j = (j + 1) & (g->nslots - 1);
	}
	return -1;
}

static void groups_free(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->keys[i]);
	free(g->keys);
	free(g->slots);
}

/* Everything gathered from the store for one report. */
struct load {
	const struct report_query *q;
	const struct survey *sv;
	const struct item *measure;       /* NULL for the index */
	int *index_items;                 /* survey item index of each index item */
	double *index_weights;
	size_t k;                         /* number of index items */
	struct registry_list agencies, domains;
	struct stats_resp *resp;
	long long *ids;
	double *x;                        /* n x k item values for the index and alpha */
	char **keys;                      /* report_weights(): the key of each cell */
	size_t n, cap;
	struct groups groups;
	double *pop_agency, *pop_agency_domain, *pop_domain, *pop_size;
	double *count;                    /* report_weights(): responses in each cell of resp */
	size_t cursor;                    /* merge position for answers */
	bool bad;
	char msg[256];
};

/* The value of dimension b for a response; NULL when it has none. */
static const char *dim_value(enum report_by b, const struct stats_source_row *r, char *buf, size_t n)
{
	switch (b) {
	case BY_AGENCY: return r->agency;
	case BY_DOMAIN: return r->domain;
	case BY_SIZE: return r->size;
	case BY_DISTRICT: return r->district;
	case BY_OUTCOME: return r->outcome;
	case BY_CHANNEL: return r->channel;
	case BY_MONTH:
		snprintf(buf, n, "%.7s", r->date);
		return buf;
	case BY_QUARTER:
		snprintf(buf, n, "%.4s-Q%d", r->date, (atoi(r->date + 5) + 2) / 3);
		return buf;
	case BY_YEAR:
		snprintf(buf, n, "%.4s", r->date);
		return buf;
	case BY__MAX:
		break;
	}
	return NULL;
}

/*
 * The registry indices of a response's agency and domain; false (L->bad,
 * with a message) when either is not in the registry.
 */
static bool registry_indices(struct load *L, const char *agency, const char *domain, int *a, int *d)
{
	*a = code_index(&L->agencies, agency);
	*d = code_index(&L->domains, domain);
	if (*a >= 0 && *d >= 0)
		return true;
	snprintf(L->msg, sizeof L->msg, "a response names an agency or domain not in the registry");
	L->bad = true;
	return false;
}

static bool on_response(void *ctx, const struct stats_source_row *r)
{
	struct load *L = ctx;
	int a, d;
	if (!registry_indices(L, r->agency, r->domain, &a, &d))
		return false;
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 1024;
		L->resp = xrealloc(L->resp, L->cap * sizeof *L->resp);
		L->ids = xrealloc(L->ids, L->cap * sizeof *L->ids);
		L->x = xrealloc(L->x, L->cap * (L->k ? L->k : 1) * sizeof *L->x);
	}
	struct sbuf key;
	sbuf_init(&key);
	for (size_t i = 0; i < L->q->nby; i++) {
		char buf[32];
		const char *v = dim_value(L->q->by[i], r, buf, sizeof buf);
		if (i > 0)
			sbuf_addc(&key, '\x1f');
		sbuf_adds(&key, v ? v : "\x1e");
	}
	struct stats_resp *s = &L->resp[L->n];
	*s = (struct stats_resp){
		.y = NAN,
		.agency = a,
		.domain = d,
		.size = size_index(r->size),
		.group = L->q->nby ? group_of(&L->groups, key.data) : -1,
		.sampled = r->encounter != NULL,
	};
	sbuf_free(&key);
	for (size_t j = 0; j < L->k; j++)
		L->x[L->n * (L->k ? L->k : 1) + j] = NAN;
	L->ids[L->n++] = r->id;
	return true;
}

static bool on_number(void *ctx, long long response, const char *item, int value)
{
	struct load *L = ctx;
	while (L->cursor < L->n && L->ids[L->cursor] < response)
		L->cursor++;
	if (L->cursor == L->n || L->ids[L->cursor] != response)
		return true; /* outside the period */
	size_t i = L->cursor;
	if (L->measure != NULL && strcmp(item, L->measure->id) == 0)
		L->resp[i].y = value;
	for (size_t j = 0; j < L->k; j++)
		if (strcmp(item, L->sv->items[L->index_items[j]].id) == 0)
			L->x[i * L->k + j] = value;
	return true;
}

static bool on_count(void *ctx, const char *agency, const char *domain, const char *size,
                     long long count)
{
	struct load *L = ctx;
	int a = code_index(&L->agencies, agency), d = code_index(&L->domains, domain), z = size_index(size);
	if (a < 0 || d < 0 || z < 0)
		return true;
	L->pop_agency[a] += (double)count;
	L->pop_agency_domain[(size_t)a * L->domains.n + (size_t)d] += (double)count;
	L->pop_domain[d] += (double)count;
	L->pop_size[z] += (double)count;
	return true;
}

/* The registry's encounters within [from, to], counted into L's population arrays. */
static const char *const report_errors[REPORT__MAX] = {
	[REPORT_OK] = "ok",
	[REPORT_BAD_QUERY] = "bad query",
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
static enum report_status store_failure(struct store *s, enum store_err e, char *msg, size_t msglen)
{
	if (e == STORE_ERR_BUSY) {
		snprintf(msg, msglen, "%s", report_strerror(REPORT_BUSY));
		return REPORT_BUSY;
	}
	snprintf(msg, msglen, "database error: %s", store_errmsg(s));
	return REPORT_STORE;
}

static enum store_err load_counts(struct store *s, const char *from, const char *to, struct load *L)
{
	L->pop_agency = xcalloc(L->agencies.n + 1, sizeof(double));
	L->pop_agency_domain = xcalloc(L->agencies.n * L->domains.n + 1, sizeof(double));
	L->pop_domain = xcalloc(L->domains.n + 1, sizeof(double));
	L->pop_size = xcalloc(N_SIZES, sizeof(double));
	return store_each_encounter_count(s, from, to, on_count, L);
}

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

/* One row against the same row (same group key) in the previous period. */
struct vs_prev {
	struct stats_cmp mean, rate;
	double prev_mean, prev_rate; /* NaN when the previous period has no such figure */
	size_t prev_n;               /* 0 when the group is absent from the previous period */
	bool prev_low_n;             /* the previous row is under the threshold, or absent */
};

/*
 * The previous period of a report with both --from and --to (see
 * previous_dates()), ending the day before from, with the same measure,
 * weighting and groups, estimated on its own design (its own N_h and
 * margins).
 */
struct previous {
	bool asked;                 /* both --from and --to were given */
	char from[16], to[16];
	struct report_query q;      /* the query with the previous dates */
	struct load L;
	struct stats_result *res;   /* NULL when it could not be estimated */
	char error[512];            /* why, when res is NULL */
	struct vs_prev overall;
	struct vs_prev *groups;     /* [n_groups of this period] */
};

static cJSON *vs_prev_json(const struct stats_cmp *c, const char *withheld, const char *prev_name,
                           double prev, size_t prev_n)
{
	cJSON *o = cmp_json(c, withheld);
	add_num(o, prev_name, prev);
	cJSON_AddNumberToObject(o, "previous_n", (double)prev_n);
	return o;
}

/* Why the comparison of row r with the previous period gets no verdict, or NULL. */
static const char *prev_withheld(const struct stats_row *r, const struct vs_prev *v)
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
			                      vs_prev_json(&v->mean, prev_withheld(r, v), "previous_mean",
			                                   v->prev_mean, v->prev_n));
		else
			cJSON_AddNullToObject(o, "vs_previous");
		if (rate && v != NULL)
			cJSON_AddItemToObject(o, "rate_vs_previous",
			                      vs_prev_json(&v->rate, prev_withheld(r, v), "previous_rate",
			                                   v->prev_rate, v->prev_n));
		else if (rate)
			cJSON_AddNullToObject(o, "rate_vs_previous");
	}
}

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
		csv_significant(b, &v->mean, prev_withheld(r, v) != NULL);
	} else {
		sbuf_adds(b, ",,,,,,,");
	}
	sbuf_adds(b, "\r\n");
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

/* Release what load_data() gathered. */
static void load_free(struct load *L)
{
	groups_free(&L->groups);
	registry_list_free(&L->agencies);
	registry_list_free(&L->domains);
	free(L->pop_agency);
	free(L->pop_agency_domain);
	free(L->pop_domain);
	free(L->pop_size);
	free(L->resp);
	free(L->count);
	free(L->ids);
	free(L->x);
	free(L->index_items);
	free(L->index_weights);
}

/*
 * Gather the responses of q's survey and period, their measure, groups and
 * index items, and the registry counts.  sv is the parsed survey (borrowed).
 */
static enum report_status load_data(struct store *s, const struct report_query *q,
                                    const struct survey *sv, struct load *L, char *msg,
                                    size_t msglen)
{
	L->q = q;
	L->sv = sv;
	if (q->measure != NULL && strcmp(q->measure, "index") != 0) {
		L->measure = survey_item(sv, q->measure);
		if (L->measure == NULL || L->measure->type != ITEM_SCALE) {
			snprintf(msg, msglen, "measure \"%.64s\" is not a scale item of %s (or \"index\")",
			         q->measure, sv->id);
			return REPORT_BAD_QUERY;
		}
	}
	L->index_items = xcalloc(sv->nitems, sizeof *L->index_items);
	L->index_weights = xcalloc(sv->nitems, sizeof *L->index_weights);
	for (size_t i = 0; i < sv->nitems; i++)
		if (sv->items[i].type == ITEM_SCALE && sv->items[i].index_weight > 0) {
			L->index_items[L->k] = (int)i;
			L->index_weights[L->k++] = sv->items[i].index_weight;
		}
	if (L->measure == NULL && L->k == 0) {
		snprintf(msg, msglen, "survey %s has no item with an index_weight", sv->id);
		return REPORT_BAD_QUERY;
	}
	enum store_err e;
	if ((e = store_registry_list(s, REGISTRY_AGENCY, &L->agencies)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_DOMAIN, &L->domains)) != STORE_OK ||
	    (e = store_each_response(s, sv->id, q->from, q->to, on_response, L)) != STORE_OK)
		goto store_fail;
	if (L->bad) {
		snprintf(msg, msglen, "%s", L->msg);
		return REPORT_NO_DATA;
	}
	if ((e = store_each_number(s, sv->id, on_number, L)) != STORE_OK)
		goto store_fail;
	for (size_t i = 0; i < L->n; i++) {
		struct stats_resp *r = &L->resp[i];
		if (L->measure == NULL)
			r->y = stats_index_value(L->x + i * L->k, L->index_weights, L->k, sv->points);
		if (!isnan(r->y))
			r->satisfied = L->measure != NULL && r->y >= 1 && r->y <= sv->points &&
			               sv->satisfied[(int)r->y];
	}
	if ((e = load_counts(s, q->from, q->to, L)) != STORE_OK)
		goto store_fail;
	return REPORT_OK;
store_fail:
	return store_failure(s, e, msg, msglen);
}

/* The population arrays of L. */
static struct stats_population load_population(const struct load *L)
{
	return (struct stats_population){
		.n_agencies = L->agencies.n,
		.n_domains = L->domains.n,
		.n_sizes = N_SIZES,
		.agency = L->pop_agency,
		.agency_domain = L->pop_agency_domain,
		.domain = L->pop_domain,
		.size = L->pop_size,
	};
}

/* The registry code(s) of a cell of margin m into buf ("" when out of range). */
static void cell_name(const struct load *L, enum stats_margin m, long c0, long c1, char *buf,
                      size_t n)
{
	*buf = '\0';
	switch (m) {
	case STATS_M_AGENCY:
		if (c0 >= 0 && (size_t)c0 < L->agencies.n)
			snprintf(buf, n, "%s", L->agencies.v[c0].code);
		break;
	case STATS_M_DOMAIN:
		if (c0 >= 0 && (size_t)c0 < L->domains.n)
			snprintf(buf, n, "%s", L->domains.v[c0].code);
		break;
	case STATS_M_SIZE:
		if (c0 >= 0 && c0 < N_SIZES)
			snprintf(buf, n, "%s", size_codes[c0]);
		break;
	case STATS_M_AGENCY_DOMAIN:
		if (c0 >= 0 && (size_t)c0 < L->agencies.n && c1 >= 0 && (size_t)c1 < L->domains.n)
			snprintf(buf, n, "%s x %s", L->agencies.v[c0].code, L->domains.v[c1].code);
		break;
	default:
		break;
	}
}

/*
 * Every cell of margin m with encounters in the period and no response from
 * the invitation sample, as "cell A03 x urban (2 encounters), cell ..." into
 * b; returns how many there are (those that do not fit are counted at the
 * end).  R's postStratify() names them all, so this does too.
 */
static size_t empty_cells(const struct load *L, enum stats_margin m, struct sbuf *b)
{
	size_t na = L->agencies.n, nd = L->domains.n, ncell;
	const double *pop;
	switch (m) {
	case STATS_M_AGENCY: ncell = na; pop = L->pop_agency; break;
	case STATS_M_DOMAIN: ncell = nd; pop = L->pop_domain; break;
	case STATS_M_SIZE: ncell = N_SIZES; pop = L->pop_size; break;
	case STATS_M_AGENCY_DOMAIN: ncell = na * nd; pop = L->pop_agency_domain; break;
	default: return 0;
	}
	size_t *smp = xcalloc(ncell + 1, sizeof *smp), count = 0, shown = 0;
	for (size_t i = 0; i < L->n; i++) {
		const struct stats_resp *r = &L->resp[i];
		long c = m == STATS_M_AGENCY ? r->agency : m == STATS_M_DOMAIN ? r->domain
		       : m == STATS_M_SIZE ? r->size : (long)r->agency * (long)nd + r->domain;
		if (r->sampled && c >= 0 && (size_t)c < ncell)
			smp[c]++;
	}
	for (size_t c = 0; c < ncell; c++) {
		if (!(pop[c] > 0) || smp[c] > 0)
			continue;
		char name[160];
		count++;
		cell_name(L, m, m == STATS_M_AGENCY_DOMAIN ? (long)(c / nd) : (long)c,
		          m == STATS_M_AGENCY_DOMAIN ? (long)(c % nd) : -1, name, sizeof name);
		if (b->len > 260)
			continue;
		sbuf_printf(b, "%scell %s (%.0f encounter%s)", shown ? ", " : "", name, pop[c],
		            pop[c] == 1 ? "" : "s");
		shown++;
	}
	if (count > shown)
		sbuf_printf(b, " and %zu more", count - shown);
	free(smp);
	return count;
}

/* A stats failure as a sentence naming the cells by registry code. */
static void describe_error(const struct load *L, enum stats_err se, const struct stats_error *err,
                           char *msg, size_t msglen)
{
	char cell[160];
	cell_name(L, err->margin, err->cell[0], err->cell[1], cell, sizeof cell);
	if (se == STATS_E_EMPTY_CELL && *cell != '\0') {
		struct sbuf cells;
		sbuf_init(&cells);
		size_t k = empty_cells(L, err->margin, &cells);
		if (k > 1)
			snprintf(msg, msglen, "%zu population cells have no response (encounters "
			         "registered in the period, no answer from the invitation sample): %s; use "
			         "weighting base, or a period in which every cell has an answer", k,
			         cells.data);
		else
			snprintf(msg, msglen, "%s (cell %s): %.0f encounter%s registered in the period "
			         "but no answer from the invitation sample; use weighting base, or a "
			         "period in which every cell has an answer", stats_strerror(se), cell,
			         err->value, err->value == 1 ? "" : "s");
		sbuf_free(&cells);
	} else if (*cell == '\0' && se == STATS_E_EMPTY) {
		snprintf(msg, msglen, "%s", err->msg); /* "no response in the rake design" says it all */
	} else if (*cell == '\0') {
		snprintf(msg, msglen, "%s: %s", stats_strerror(se), err->msg);
	} else if (se == STATS_E_NO_POPULATION) {
		snprintf(msg, msglen, "%s (cell %s): answers from the invitation sample but no "
		         "encounter registered in the period", stats_strerror(se), cell);
	} else {
		snprintf(msg, msglen, "%s (cell %s): %s", stats_strerror(se), cell, err->msg);
	}
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
static enum report_status estimate_period(struct store *s, const struct report_query *q,
                                          const struct survey *sv, struct load *L,
                                          struct stats_result **res, char *msg, size_t msglen)
{
	struct stats_options opts;
	struct stats_error err;
	enum report_status st;

	*res = NULL;
	if ((st = load_data(s, q, sv, L, msg, msglen)) != REPORT_OK)
		return st;
	if (nothing_to_estimate(q, L, msg, msglen))
		return REPORT_EMPTY;
	struct stats_population pop = load_population(L);
	report_options(q, L, &opts);
	enum stats_err se = stats_estimate(L->resp, L->n, L->groups.n, &pop, &opts, res, &err);
	if (se != STATS_OK) {
		describe_error(L, se, &err, msg, msglen);
		return REPORT_NO_DATA;
	}
	return REPORT_OK;
}

/* Back from days since 1970-01-01 to a civil date (util's days_from_civil()). */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool parse_day(const char *s, long long *days)
{
	int y, m, d, len = 0;
	if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &len) != 3 || len != 10 ||
	    s[len] != '\0')
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

static void format_day(long long days, char *out, size_t n)
{
	long long y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	/* previous_dates() keeps the year within 1..9999. */
	snprintf(out, n, "%04u-%02u-%02u", (unsigned)(y % 10000) % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
}

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
	if (!parse_day(from, &f) || !parse_day(to, &t) || t < f)
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
	format_day(start, pfrom, n);
	format_day(f - 1, pto, n);
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
static enum report_status previous_run(struct store *s, const struct report_query *q,
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
	enum report_status st = estimate_period(s, &pv->q, sv, &pv->L, &pv->res, pv->error,
	                                        sizeof pv->error);
	if (st == REPORT_STORE || st == REPORT_BUSY) {
		snprintf(msg, msglen, "%s", pv->error);
		return st;
	}
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
		int pg = group_find(&pv->L.groups, L->groups.keys[g]);
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

static void previous_free(struct previous *pv)
{
	stats_result_free(pv->res);
	load_free(&pv->L);
	free(pv->groups);
}

#define WEIGHTS_KEY_MAX 256 /* codes are at most 64 characters */

/* The key of a weight cell into buf: sampled, agency, domain and size (a
 * size that is not a registry size counts as unknown), joined by \x1f. */
static void weights_key(char *buf, size_t n, bool sampled, const char *agency, const char *domain,
                        const char *size)
{
	snprintf(buf, n, "%d\x1f%s\x1f%s\x1f%s", sampled, agency ? agency : "", domain ? domain : "",
	         size_index(size) >= 0 ? size : "\x1e");
}

/* One cell of responses for report_weights(). */
static bool on_cell(void *ctx, bool sampled, const char *agency, const char *domain,
                    const char *size, long long count)
{
	struct load *L = ctx;
	int a, d;
	if (!registry_indices(L, agency, domain, &a, &d))
		return false;
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 64;
		L->resp = xrealloc(L->resp, L->cap * sizeof *L->resp);
		L->count = xrealloc(L->count, L->cap * sizeof *L->count);
		L->keys = xrealloc(L->keys, L->cap * sizeof *L->keys);
	}
	L->resp[L->n] = (struct stats_resp){
		.y = NAN, .agency = a, .domain = d, .size = size_index(size), .group = -1, .sampled = sampled,
	};
	L->count[L->n] = (double)count;
	char key[WEIGHTS_KEY_MAX];
	weights_key(key, sizeof key, sampled, agency, domain, size);
	L->keys[L->n] = xstrdup(key);
	L->n++;
	return true;
}

static int cmp_cell(const void *a, const void *b, void *ctx)
{
	char **keys = ctx;
	return strcmp(keys[*(const size_t *)a], keys[*(const size_t *)b]);
}

enum report_status report_weights(struct store *s, const char *survey, const char *from,
                                  const char *to, struct report_weights *out, char *msg,
                                  size_t msglen)
{
	struct load L = {0};
	enum report_status st = REPORT_OK;

	memset(out, 0, sizeof *out);
	int latest;
	enum store_err e = store_survey_version(s, survey, &latest);
	if (e != STORE_OK)
		return store_failure(s, e, msg, msglen);
	if (latest <= 0) {
		snprintf(msg, msglen, "unknown survey \"%.64s\"", survey);
		return REPORT_BAD_QUERY;
	}
	if ((e = store_registry_list(s, REGISTRY_AGENCY, &L.agencies)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_DOMAIN, &L.domains)) != STORE_OK ||
	    (e = store_each_response_cell(s, survey, from, to, on_cell, &L)) != STORE_OK)
		goto store_fail;
	if (L.bad) {
		snprintf(msg, msglen, "%s", L.msg);
		st = REPORT_NO_DATA;
		goto done;
	}
	if ((e = load_counts(s, from, to, &L)) != STORE_OK)
		goto store_fail;

	struct stats_population pop = load_population(&L);
	struct stats_options opts;
	double *w = xcalloc(L.n + 1, sizeof *w);
	size_t *order = xcalloc(L.n + 1, sizeof *order);
	stats_options_default(&opts);
	out->n = L.n;
	out->keys = xcalloc(L.n + 1, sizeof *out->keys);
	out->w = xcalloc(L.n + 1, sizeof *out->w);
	out->n_h = xcalloc(L.n + 1, sizeof *out->n_h);
	for (size_t i = 0; i < L.n; i++)
		order[i] = i;
	qsort_r(order, L.n, sizeof *order, cmp_cell, L.keys);
	for (size_t i = 0; i < L.n; i++) {
		out->keys[i] = L.keys[order[i]];
		out->n_h[i] = L.pop_agency[L.resp[order[i]].agency];
		L.keys[order[i]] = NULL;
	}
	for (int k = 0; k < STATS_W__MAX; k++) {
		struct stats_error err;
		opts.weighting = (enum stats_weighting)k;
		enum stats_err se = stats_cell_weights(L.resp, L.count, L.n, &pop, &opts, w, NULL, &err);
		if (se != STATS_OK)
			describe_error(&L, se, &err, out->why[k], sizeof out->why[k]);
		for (size_t i = 0; i < L.n; i++)
			out->w[i][k] = se == STATS_OK ? w[order[i]] : NAN;
	}
	free(w);
	free(order);
	goto done;
store_fail:
	st = store_failure(s, e, msg, msglen);
done:
	for (size_t i = 0; i < L.n; i++)
		free(L.keys[i]);
	free(L.keys);
	load_free(&L);
	return st;
}

long report_weights_cell(const struct report_weights *w, bool sampled, const char *agency,
                         const char *domain, const char *size)
{
	char key[WEIGHTS_KEY_MAX];
	weights_key(key, sizeof key, sampled, agency, domain, size);
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(w->keys[mid], key);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void report_weights_free(struct report_weights *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->keys[i]);
	free(w->keys);
	free(w->w);
	free(w->n_h);
	memset(w, 0, sizeof *w);
}

enum report_status report_run(struct store *s, const struct report_query *q, bool csv,
                              struct sbuf *out, char *msg, size_t msglen)
{
	struct load L = {0};
	struct previous pv;
	struct stats_result *res = NULL;
	enum report_status status = REPORT_STORE;
	char *def = NULL;
	struct survey *sv = NULL;
	size_t *order = NULL;
	int version;

	memset(&pv, 0, sizeof pv);
	enum store_err e = store_survey_latest(s, q->survey, &version, &def);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, msglen, "unknown survey \"%.64s\"", q->survey);
		status = REPORT_BAD_QUERY;
		goto done;
	}
	if (e != STORE_OK) {
		status = store_failure(s, e, msg, msglen);
		goto done;
	}
	if (survey_parse(q->survey, def, strlen(def), &sv, msg, msglen) != SURVEY_OK) {
		/* The stored text is ours: a failure, not the query's fault. */
		char why[256];
		snprintf(why, sizeof why, "%s", msg);
		snprintf(msg, msglen, "stored survey \"%.64s\" does not parse: %s", q->survey, why);
		status = REPORT_STORE;
		goto done;
	}
	if (!(q->level > 0 && q->level < 1)) {
		snprintf(msg, msglen, "level must be between 0 and 1");
		status = REPORT_BAD_QUERY;
		goto done;
	}
	if ((status = estimate_period(s, q, sv, &L, &res, msg, msglen)) != REPORT_OK)
		goto done;
	if ((status = previous_run(s, q, sv, &L, res, &pv, msg, msglen)) != REPORT_OK)
		goto done;

	/* Cronbach's alpha of the index items, unweighted, complete cases. */
	double alpha = NAN;
	size_t n_complete = 0;
	if (L.k >= 2)
		stats_cronbach_alpha(L.x, L.n, L.k, &alpha, &n_complete);

	bool rate = L.measure != NULL;
	const struct vs_prev *vp_overall = pv.res != NULL ? &pv.overall : NULL;
	/* Groups in key order, so output is stable. */
	order = xcalloc(L.groups.n + 1, sizeof *order);
	for (size_t i = 0; i < L.groups.n; i++)
		order[i] = i;
	for (size_t i = 1; i < L.groups.n; i++)
		for (size_t j = i; j > 0 && strcmp(L.groups.keys[order[j - 1]], L.groups.keys[order[j]]) > 0; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	if (!csv) {
		cJSON *root = cJSON_CreateObject();
		cJSON_AddStringToObject(root, "survey", sv->id);
		cJSON_AddNumberToObject(root, "survey_version", version);
		cJSON_AddStringToObject(root, "measure", L.measure ? L.measure->id : "index");
		cJSON_AddStringToObject(root, "weighting", stats_weighting_name(q->weighting));
		cJSON_AddNumberToObject(root, "level", q->level);
		if (q->from)
			cJSON_AddStringToObject(root, "from", q->from);
		if (q->to)
			cJSON_AddStringToObject(root, "to", q->to);
		cJSON *by = cJSON_AddArrayToObject(root, "by");
		for (size_t i = 0; i < q->nby; i++)
			cJSON_AddItemToArray(by, cJSON_CreateString(by_names[q->by[i]]));
		cJSON_AddNumberToObject(root, "low_n_threshold", q->low_n);
		cJSON_AddNumberToObject(root, "rake_iterations", res->rake_iterations);
		add_num(root, "cronbach_alpha", alpha);
		cJSON_AddNumberToObject(root, "alpha_n", (double)n_complete);
		/* A funnel plot: each group's mean (or rate) against its precision,
		 * around this centre, with the group's vs_overall.funnel_low/high
		 * as the limits at this level. */
		cJSON *funnel = cJSON_AddObjectToObject(root, "funnel");
		add_num(funnel, "center", res->overall.mean);
		add_num(funnel, "rate_center", rate ? res->overall.rate : NAN);
		cJSON_AddNumberToObject(funnel, "level", q->level);
		add_num(funnel, "df", res->df);
		if (pv.asked) {
			cJSON *prev = cJSON_AddObjectToObject(root, "previous");
			if (*pv.from) {
				cJSON_AddStringToObject(prev, "from", pv.from);
				cJSON_AddStringToObject(prev, "to", pv.to);
			}
			if (pv.res != NULL) {
				cJSON_AddNumberToObject(prev, "n", (double)pv.res->overall.n);
				add_num(prev, "df", pv.res->df);
				cJSON_AddNumberToObject(prev, "rake_iterations", pv.res->rake_iterations);
			} else {
				cJSON_AddStringToObject(root, "previous_error", pv.error);
			}
		}
		cJSON *ov = cJSON_AddObjectToObject(root, "overall");
		row_json(ov, &res->overall, rate, false, &pv, vp_overall);
		cJSON *groups = cJSON_AddArrayToObject(root, "groups");
		for (size_t gi = 0; gi < L.groups.n; gi++) {
			size_t g = order[gi];
			char *key = xstrdup(L.groups.keys[g]);
			const char *vals[REPORT_MAX_BY] = {NULL};
			key_values(key, vals, q->nby);
			if (group_shown(q, &res->groups[g], vals)) {
				cJSON *o = cJSON_CreateObject();
				cJSON *b = cJSON_AddObjectToObject(o, "by");
				for (size_t i = 0; i < q->nby; i++) {
					if (vals[i])
						cJSON_AddStringToObject(b, by_names[q->by[i]], vals[i]);
					else
						cJSON_AddNullToObject(b, by_names[q->by[i]]);
				}
				row_json(o, &res->groups[g], rate, true, &pv,
				         pv.res != NULL ? &pv.groups[g] : NULL);
				cJSON_AddItemToArray(groups, o);
			}
			free(key);
		}
		char *text = cJSON_PrintUnformatted(root);
		sbuf_adds(out, text);
		sbuf_addc(out, '\n');
		free(text);
		cJSON_Delete(root);
	} else {
		for (size_t i = 0; i < q->nby; i++)
			sbuf_printf(out, "%s,", by_names[q->by[i]]);
		sbuf_adds(out, "row");
		for (size_t i = 0; i < ARRAY_SIZE(row_fields); i++)
			sbuf_printf(out, ",%s", row_fields[i]);
		sbuf_adds(out, "\r\n");
		for (size_t i = 0; i < q->nby; i++)
			sbuf_adds(out, ",");
		sbuf_adds(out, "overall");
		row_csv(out, &res->overall, rate, vp_overall);
		for (size_t gi = 0; gi < L.groups.n; gi++) {
			size_t g = order[gi];
			char *key = xstrdup(L.groups.keys[g]);
			const char *vals[REPORT_MAX_BY] = {NULL};
			key_values(key, vals, q->nby);
			if (group_shown(q, &res->groups[g], vals)) {
				for (size_t i = 0; i < q->nby; i++) {
					/* Group values such as districts are the registry's
					 * text: guarded against spreadsheet formulas. */
					csv_field(out, vals[i] ? vals[i] : "", vals[i] ? strlen(vals[i]) : 0, true);
					sbuf_addc(out, ',');
				}
				sbuf_adds(out, "group");
				row_csv(out, &res->groups[g], rate, pv.res != NULL ? &pv.groups[g] : NULL);
			}
			free(key);
		}
	}
	status = REPORT_OK;
done:
	free(order);
	previous_free(&pv);
	stats_result_free(res);
	load_free(&L);
	survey_free(sv);
	free(def);
	return status;
}

const char *report_by_name(enum report_by b)
{
	return b < BY__MAX ? by_names[b] : "";
}
