/* officer_stats — see include/officer_stats.h. */
#include "officer_stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "store_officer.h"

/* One answer naming one officer: the officer's number and the answer's place in L. */
struct named_pair {
	char *cert;
	size_t i;
};

/* An officer named in the period: who, which answers, and the estimate. */
struct named {
	struct officer who;
	bool registered;        /* who was read (a row of officer) */
	size_t *idx, n;         /* the answers (indices into L->resp) */
	struct stats_row row;
};

struct collect {
	const struct load *L;
	struct named_pair *v;
	size_t n, cap;
};

/* store_each_response_officer()'s callback: keep the pairs of answers in L. */
static bool on_pair(void *ctx, long long resp, const char *cert)
{
	struct collect *c = ctx;
	size_t lo = 0, hi = c->L->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->L->ids[mid] < resp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->L->n || c->L->ids[lo] != resp)
		return true; /* not in the period (or left out) */
	c->v = xgrow(c->v, c->n, &c->cap, sizeof *c->v, 256);
	c->v[c->n++] = (struct named_pair){xstrdup(cert), lo};
	return true;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct named_pair *x = a, *y = b;
	int c = strcmp(x->cert, y->cert);
	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

static int named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->who.agency, y->who.agency);
	return c != 0 ? c : strcmp(x->who.cert_no, y->who.cert_no);
}

/* The officers of the pairs (sorted), each with its answers, into *out (*n of them). */
static enum store_err officers_of(struct store *s, struct collect *c, struct named **out, size_t *n)
{
	xqsort(c->v, c->n, sizeof *c->v, pair_cmp);
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	for (size_t k = 0; k < c->n;) {
		size_t end = k;
		while (end < c->n && strcmp(c->v[end].cert, c->v[k].cert) == 0)
			end++;
		*out = xgrow(*out, *n, &cap, sizeof **out, 16);
		struct named *o = &(*out)[(*n)++];
		memset(o, 0, sizeof *o);
		enum store_err e = store_officer_get(s, c->v[k].cert, &o->who);
		if (e != STORE_OK && e != STORE_ERR_NOTFOUND)
			return e;
		o->registered = e == STORE_OK;
		if (!o->registered)
			snprintf(o->who.cert_no, sizeof o->who.cert_no, "%s", c->v[k].cert);
		o->idx = xmalloc((end - k) * sizeof *o->idx);
		for (size_t j = k; j < end; j++)
			o->idx[o->n++] = c->v[j].i;
		k = end;
	}
	xqsort(*out, *n, sizeof **out, named_cmp);
	return STORE_OK;
}

/* Each officer's domain estimate on L's full design (group 0: the answers naming it). */
static enum report_status estimate_each(struct load *L, const struct officer_stats_query *q,
                                        struct named *v, size_t n, char *msg, size_t msglen)
{
	struct stats_population pop = report_load_population(L);
	struct stats_options opts;
	stats_options_default(&opts);
	opts.weighting = q->weighting;
	opts.level = q->level;
	opts.rate = false;
	opts.points = 0; /* the index */
	opts.low_n = (double)q->min_n;
	for (size_t k = 0; k < n; k++) {
		struct stats_result *res = NULL;
		struct stats_error err;
		for (size_t j = 0; j < v[k].n; j++)
			L->resp[v[k].idx[j]].group = 0;
		enum stats_err se = stats_estimate(L->resp, L->n, 1, &pop, &opts, &res, &err);
		for (size_t j = 0; j < v[k].n; j++)
			L->resp[v[k].idx[j]].group = -1;
		if (se != STATS_OK) {
			report_describe_error(L, se, &err, msg, msglen);
			return REPORT_NO_DATA;
		}
		v[k].row = res->groups[0];
		stats_result_free(res);
	}
	return REPORT_OK;
}

/* A JSON number, or null for NaN/inf. */
static void add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* The figures of r into o; an officer's row (officer) says whether it is suppressed. */
static void row_json(cJSON *o, const struct stats_row *r, bool officer, bool suppressed)
{
	double nan = NAN;
	cJSON_AddNumberToObject(o, "n", (double)r->n);
	if (officer)
		cJSON_AddBoolToObject(o, "suppressed", suppressed);
	add_num(o, "wsum", suppressed ? nan : r->wsum);
	add_num(o, "mean", suppressed ? nan : r->mean);
	add_num(o, "se", suppressed ? nan : r->se);
	add_num(o, "df", suppressed ? nan : r->df);
	add_num(o, "ci_low", suppressed ? nan : r->ci_low);
	add_num(o, "ci_high", suppressed ? nan : r->ci_high);
}

static void add_str_or_null(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static void write_json(const struct officer_stats_query *q, const struct load *L,
                       const struct stats_result *res, const struct named *v, size_t n,
                       struct sbuf *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "survey", q->survey);
	cJSON_AddStringToObject(root, "measure", "index");
	cJSON_AddStringToObject(root, "weighting", stats_weighting_name(q->weighting));
	cJSON_AddNumberToObject(root, "level", q->level);
	cJSON_AddNumberToObject(root, "min_n", (double)q->min_n);
	add_str_or_null(root, "from", q->from);
	add_str_or_null(root, "to", q->to);
	row_json(cJSON_AddObjectToObject(root, "overall"), &res->overall, false, false);
	cJSON *arr = cJSON_AddArrayToObject(root, "officers");
	for (size_t k = 0; k < n; k++) {
		const struct officer *w = &v[k].who;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "cert_no", w->cert_no);
		add_str_or_null(o, "name", v[k].registered ? w->name : NULL);
		add_str_or_null(o, "agency", v[k].registered ? w->agency : NULL);
		cJSON *nm = cJSON_AddObjectToObject(o, "agency_name");
		add_str_or_null(nm, "zh", report_value_name(L, BY_AGENCY, w->agency, LANG_ZH));
		add_str_or_null(nm, "en", report_value_name(L, BY_AGENCY, w->agency, LANG_EN));
		add_str_or_null(o, "status", v[k].registered ? w->status : NULL);
		row_json(o, &v[k].row, true, (long)v[k].row.n < q->min_n);
		cJSON_AddItemToArray(arr, o);
	}
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	sbuf_addc(out, '\n');
	free(text);
	cJSON_Delete(root);
}

static void csv_num(struct sbuf *b, double v, bool suppressed)
{
	if (isfinite(v) && !suppressed)
		sbuf_printf(b, ",%.15g", v); /* R's format(x, digits = 15) */
	else
		sbuf_adds(b, ",");
}

static void csv_text(struct sbuf *b, const char *s, bool first)
{
	if (!first)
		sbuf_addc(b, ',');
	csv_field(b, s ? s : "", s ? strlen(s) : 0, true);
}

static void write_csv(const struct load *L, const struct named *v, size_t n, long min_n,
                      struct sbuf *out)
{
	sbuf_adds(out, "cert_no,name,agency,agency_name,status,n,suppressed,wsum,mean,se,df,ci_low,"
	               "ci_high\n");
	for (size_t k = 0; k < n; k++) {
		const struct officer *w = &v[k].who;
		const struct stats_row *r = &v[k].row;
		bool sup = (long)r->n < min_n;
		csv_text(out, w->cert_no, true);
		csv_text(out, w->name, false);
		csv_text(out, w->agency, false);
		csv_text(out, report_value_name(L, BY_AGENCY, w->agency, LANG_ZH), false);
		csv_text(out, w->status, false);
		sbuf_printf(out, ",%zu,%s", r->n, sup ? "true" : "false");
		csv_num(out, r->wsum, sup);
		csv_num(out, r->mean, sup);
		csv_num(out, r->se, sup);
		csv_num(out, r->df, sup);
		csv_num(out, r->ci_low, sup);
		csv_num(out, r->ci_high, sup);
		sbuf_addc(out, '\n');
	}
}

void officer_stats_query_of(const struct report_query *rq, long min_n, struct officer_stats_query *q)
{
	*q = (struct officer_stats_query){
		.survey = rq->survey, .weighting = rq->weighting, .from = rq->from, .to = rq->to,
		.level = rq->level, .min_n = min_n,
	};
}

enum report_status officer_stats_run(struct store *s, const struct officer_stats_query *q, bool csv,
                                     struct sbuf *out, char *msg, size_t msglen)
{
	struct load L = {.keep_ids = true};
	struct report_query rq;
	struct stats_result *res = NULL;
	struct collect c = {.L = &L};
	struct named *v = NULL;
	size_t n = 0;
	char *def = NULL;
	struct survey *sv = NULL;
	int version;
	enum report_status st;
	enum store_err e;

	report_query_default(&rq);
	rq.survey = q->survey;
	rq.weighting = q->weighting;
	rq.from = q->from;
	rq.to = q->to;
	rq.level = q->level;
	rq.low_n = (double)q->min_n;
	if (q->weighting != STATS_W_BASE && q->weighting != STATS_W_NONE) {
		snprintf(msg, msglen, "weighting must be base or none for officers");
		return REPORT_BAD_QUERY;
	}
	if (!(q->level > 0 && q->level < 1)) {
		snprintf(msg, msglen, "level must be between 0 and 1");
		return REPORT_BAD_QUERY;
	}
	if ((st = report_survey_of(s, &rq, &version, &def, &sv, msg, msglen)) != REPORT_OK ||
	    (st = report_estimate_period(s, &rq, sv, &L, &res, msg, msglen)) != REPORT_OK)
		goto done;
	if ((e = store_each_response_officer(s, sv->id, on_pair, &c)) != STORE_OK ||
	    (e = officers_of(s, &c, &v, &n)) != STORE_OK) {
		st = report_store_failure(s, e, msg, msglen);
		goto done;
	}
	if ((st = estimate_each(&L, q, v, n, msg, msglen)) != REPORT_OK)
		goto done;
	if (csv)
		write_csv(&L, v, n, q->min_n, out);
	else
		write_json(q, &L, res, v, n, out);
done:
	for (size_t k = 0; k < n; k++)
		free(v[k].idx);
	free(v);
	for (size_t k = 0; k < c.n; k++)
		free(c.v[k].cert);
	free(c.v);
	stats_result_free(res);
	report_load_free(&L);
	survey_free(sv);
	free(def);
	return st;
}
