/* report — the weights of every cell of responses, under every weighting
 * (report_weights(), for the export). */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEIGHTS_KEY_MAX 256 /* codes are at most 64 characters */

/* The key of a weight cell into buf: sampled, agency, domain and size (a
 * size that is not a registry size counts as unknown), joined by \x1f. */
static void weights_key(char *buf, size_t n, bool sampled, const char *agency, const char *domain,
                        const char *size)
{
	snprintf(buf, n, "%d\x1f%s\x1f%s\x1f%s", sampled, agency ? agency : "", domain ? domain : "",
	         report_size_index(size) >= 0 ? size : "\x1e");
}

/* One cell of responses for report_weights(). */
static bool on_cell(void *ctx, bool sampled, const char *agency, const char *domain,
                    const char *size, long long count)
{
	struct load *L = ctx;
	int a, d;
	if (!report_registry_indices(L, agency, domain, &a, &d))
		return false;
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 64;
		L->resp = xrealloc(L->resp, L->cap * sizeof *L->resp);
		L->count = xrealloc(L->count, L->cap * sizeof *L->count);
		L->keys = xrealloc(L->keys, L->cap * sizeof *L->keys);
	}
	L->resp[L->n] = (struct stats_resp){
		.y = NAN, .agency = a, .domain = d, .size = report_size_index(size), .group = -1, .sampled = sampled,
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
		return report_store_failure(s, e, msg, msglen);
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
	if ((e = report_load_counts(s, from, to, &L)) != STORE_OK)
		goto store_fail;

	struct stats_population pop = report_load_population(&L);
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
			report_describe_error(&L, se, &err, out->why[k], sizeof out->why[k]);
		for (size_t i = 0; i < L.n; i++)
			out->w[i][k] = se == STATS_OK ? w[order[i]] : NAN;
	}
	free(w);
	free(order);
	goto done;
store_fail:
	st = report_store_failure(s, e, msg, msglen);
done:
	for (size_t i = 0; i < L.n; i++)
		free(L.keys[i]);
	free(L.keys);
	report_load_free(&L);
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
