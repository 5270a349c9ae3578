/* integrity_evidence — evidence of pressure per agency; see include/integrity_evidence.h. */
#include "integrity_evidence.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrity.h"
#include "report_internal.h"

void integrity_ttest(size_t n, const double *y, const double *w, const int *h, const double *N,
                     size_t nh, const bool *x, const bool *in, struct integrity_ttest *out)
{
	double S[2] = {0, 0}, Sy[2] = {0, 0};
	*out = (struct integrity_ttest){.mean0 = NAN, .mean1 = NAN, .diff = NAN, .se = NAN,
	                                .t = NAN, .df = NAN, .p = NAN};
	for (size_t i = 0; i < n; i++) {
		if (in != NULL && !in[i])
			continue;
		S[x[i]] += w[i];
		Sy[x[i]] += w[i] * y[i];
		if (x[i])
			out->n1++;
		else
			out->n0++;
	}
	if (out->n0 > 0)
		out->mean0 = Sy[0] / S[0];
	if (out->n1 > 0)
		out->mean1 = Sy[1] / S[1];
	if (out->n0 == 0 || out->n1 == 0)
		return;
	out->diff = out->mean1 - out->mean0;
	/*
	 * The influence of row i on the coefficient of x in the weighted
	 * regression y ~ 1 + x (the second row of (X'WX)^-1 times x_i w_i e_i):
	 * w_i e_i / S1 for a flagged row, -w_i e_i / S0 for an unflagged one,
	 * e_i its residual from its group's mean.  Its variance is the
	 * stratified one of svyrecvar(): per stratum (1 - n_h/N_h) n_h/(n_h-1)
	 * times the sum of squares about the stratum's mean influence.
	 */
	double *sum = xcalloc(nh, sizeof *sum), *sum2 = xcalloc(nh, sizeof *sum2);
	size_t *cnt = xcalloc(nh, sizeof *cnt), *cnt_in = xcalloc(nh, sizeof *cnt_in);
	for (size_t i = 0; i < n; i++) {
		/* A row of the design outside the domain has no influence (0),
		 * but it is one of its stratum's n_h, as in R's subset(). */
		cnt[h[i]]++;
		if (in != NULL && !in[i])
			continue;
		double e = y[i] - (x[i] ? out->mean1 : out->mean0);
		double u = x[i] ? w[i] * e / S[1] : -w[i] * e / S[0];
		sum[h[i]] += u;
		sum2[h[i]] += u * u;
		cnt_in[h[i]]++;
	}
	double var = 0;
	size_t strata = 0;
	bool lonely = false;
	for (size_t k = 0; k < nh; k++) {
		if (cnt_in[k] == 0)
			continue;
		strata++;
		double f = N != NULL && N[k] > 0 ? (double)cnt[k] / N[k] : 0;
		if (cnt[k] == 1) {
			lonely |= f < 1; /* one answer, not the whole stratum: no variance to estimate */
			continue;
		}
		double ss = sum2[k] - sum[k] * sum[k] / (double)cnt[k];
		var += (1 - f) * (double)cnt[k] / (double)(cnt[k] - 1) * ss;
	}
	free(sum);
	free(sum2);
	free(cnt);
	free(cnt_in);
	out->df = (double)(out->n0 + out->n1) - (double)strata - 1;
	if (lonely || !(out->df > 0))
		return;
	out->se = sqrt(var);
	out->t = out->diff / out->se;
	out->p = stats_t_pvalue(out->t, out->df);
}

/* The five bands of the index: [0,20), [20,40), [40,60), [60,80), [80,100]. */
#define BANDS 5

static int band_of(double y)
{
	int b = (int)floor(y / 20);
	return b < 0 ? 0 : b >= BANDS ? BANDS - 1 : b;
}

static void add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* The rows of the design, and the domain of one comparison (in: NULL, all). */
struct rows {
	size_t n;
	double *y, *w;
	int *h, *agency;
	bool *x, *in;
	size_t band[2][BANDS]; /* the domain's answers by flag and band */
};

/* One comparison (an agency's, or the overall; in_n answers) as JSON into o. */
static void comparison_json(cJSON *o, const struct rows *r, size_t in_n, const double *N, size_t nh)
{
	struct integrity_ttest t;
	integrity_ttest(r->n, r->y, r->w, r->h, N, nh, r->x, r->in, &t);
	cJSON_AddNumberToObject(o, "n", (double)in_n);
	cJSON_AddNumberToObject(o, "flagged", (double)t.n1);
	add_num(o, "flagged_share", in_n > 0 ? (double)t.n1 / (double)in_n : NAN);
	add_num(o, "mean_flagged", t.mean1);
	add_num(o, "mean_unflagged", t.mean0);
	add_num(o, "diff", t.diff);
	add_num(o, "se", t.se);
	add_num(o, "t", t.t);
	add_num(o, "df", t.df);
	add_num(o, "p", t.p);
	static const char *const names[2] = {"bands_unflagged", "bands_flagged"};
	for (int g = 0; g < 2; g++) {
		cJSON *a = cJSON_AddArrayToObject(o, names[g]);
		for (int b = 0; b < BANDS; b++)
			cJSON_AddItemToArray(a, cJSON_CreateNumber((double)r->band[g][b]));
	}
}

static bool is_flagged(const long long *ids, size_t n, long long id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id;
}

enum report_status integrity_evidence_json(struct store *s, const char *survey,
                                           enum stats_weighting weighting, const char *from,
                                           const char *to, struct sbuf *out, char *msg,
                                           size_t msglen)
{
	struct report_query q;
	struct load L = {0};
	struct survey *sv = NULL;
	char *def = NULL;
	long long *flagged = NULL;
	size_t nflagged = 0;
	int version;
	enum report_status st;
	struct rows all = {0};
	size_t *n_h = NULL;

	report_query_default(&q);
	q.survey = survey;
	q.from = from;
	q.to = to;
	q.weighting = weighting;
	if (weighting != STATS_W_BASE && weighting != STATS_W_NONE) {
		snprintf(msg, msglen, "the evidence is computed under weighting base or none");
		return REPORT_BAD_QUERY;
	}
	L.keep_ids = true;
	if ((st = report_survey_of(s, &q, &version, &def, &sv, msg, msglen)) != REPORT_OK ||
	    (st = report_load_data(s, &q, sv, &L, msg, msglen)) != REPORT_OK)
		goto done;
	enum store_err e = integrity_flagged_ids(s, survey, &flagged, &nflagged);
	if (e != STORE_OK) {
		st = report_store_failure(s, e, msg, msglen);
		goto done;
	}
	size_t na = L.agencies.n;
	/* The design: base, the invited answers weighted N_h / n_h (n_h: the
	 * stratum's answers in the design); none, every answer weighted 1. */
	n_h = xcalloc(na + 1, sizeof *n_h);
	for (size_t i = 0; i < L.n; i++)
		if (weighting == STATS_W_NONE || L.resp[i].sampled)
			n_h[L.resp[i].agency]++;
	all.y = xcalloc(L.n + 1, sizeof *all.y);
	all.w = xcalloc(L.n + 1, sizeof *all.w);
	all.h = xcalloc(L.n + 1, sizeof *all.h);
	all.x = xcalloc(L.n + 1, sizeof *all.x);
	all.agency = xcalloc(L.n + 1, sizeof *all.agency);
	for (size_t i = 0; i < L.n; i++) {
		const struct stats_resp *r = &L.resp[i];
		if ((weighting != STATS_W_NONE && !r->sampled) || isnan(r->y))
			continue;
		size_t k = all.n++;
		all.y[k] = r->y;
		all.w[k] = weighting == STATS_W_NONE ? 1 : L.pop_agency[r->agency] / (double)n_h[r->agency];
		all.h[k] = weighting == STATS_W_NONE ? 0 : r->agency;
		all.x[k] = is_flagged(flagged, nflagged, L.ids[i]);
		all.agency[k] = r->agency;
	}
	if (all.n == 0) {
		snprintf(msg, msglen, "no answer to %.64s is in the design%s", survey,
		         weighting == STATS_W_BASE ? ": weighting base counts the invited answers only "
		                                     "(try weighting none for the public channel)" : "");
		st = REPORT_EMPTY;
		goto done;
	}
	const double *N = weighting == STATS_W_NONE ? NULL : L.pop_agency;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "survey", survey);
	cJSON_AddStringToObject(root, "weighting", stats_weighting_name(weighting));
	cJSON_AddStringToObject(root, "measure", "index");
	cJSON *agencies = cJSON_AddArrayToObject(root, "agencies");
	all.in = xcalloc(all.n + 1, sizeof *all.in);
	for (size_t a = 0; a < na; a++) {
		/* subset(des, agency == a): a domain of the design, the
		 * stratum's fpc kept. */
		size_t in_n = 0;
		memset(all.band, 0, sizeof all.band);
		for (size_t k = 0; k < all.n; k++) {
			all.in[k] = all.agency[k] == (int)a;
			if (all.in[k]) {
				all.band[all.x[k]][band_of(all.y[k])]++;
				in_n++;
			}
		}
		if (in_n == 0)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "agency", L.agencies.v[a].code);
		cJSON_AddStringToObject(o, "agency_name", L.agencies.v[a].name[LANG_ZH]);
		comparison_json(o, &all, in_n, N, weighting == STATS_W_NONE ? 1 : na);
		cJSON_AddItemToArray(agencies, o);
	}
	memset(all.band, 0, sizeof all.band);
	for (size_t k = 0; k < all.n; k++)
		all.band[all.x[k]][band_of(all.y[k])]++;
	free(all.in);
	all.in = NULL;
	comparison_json(cJSON_AddObjectToObject(root, "overall"), &all, all.n, N,
	                weighting == STATS_W_NONE ? 1 : na);
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	cJSON_free(text);
	cJSON_Delete(root);
done:
	free(n_h);
	free(all.y);
	free(all.w);
	free(all.h);
	free(all.x);
	free(all.agency);
	free(all.in);
	free(flagged);
	report_load_free(&L);
	survey_free(sv);
	free(def);
	return st;
}
