/* review_sample — see include/review_sample.h. */
#include "review_sample.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Has reviewer r a conflict with agency? */
static bool conflicted(const struct reviewer *r, const char *agency)
{
	for (size_t k = 0; k < r->nconflicts; k++)
		if (strcmp(r->conflicts[k], agency) == 0)
			return true;
	return false;
}

/*
 * The least-loaded reviewer without a conflict with agency, other than
 * exclude (SIZE_MAX: none), ties broken at random; SIZE_MAX when there is
 * none.  ties has room for npanel indices.
 */
static size_t pick(struct sample_rng *rng, const struct reviewer *panel, size_t npanel,
                   const size_t *load, const char *agency, size_t exclude, size_t *ties)
{
	size_t nties = 0, best = SIZE_MAX;
	for (size_t r = 0; r < npanel; r++) {
		if (r == exclude || conflicted(&panel[r], agency))
			continue;
		if (best == SIZE_MAX || load[r] < best) {
			best = load[r];
			nties = 0;
		}
		if (load[r] == best)
			ties[nties++] = r;
	}
	return nties == 0 ? SIZE_MAX : ties[sample_rng_below(rng, nties)];
}

bool review_assign(struct sample_rng *rng, const char *const *agency, size_t nfiles,
                   const struct reviewer *panel, size_t npanel, double double_share,
                   size_t *first, size_t *second, char *msg, size_t n)
{
	size_t *load = xcalloc(npanel + 1, sizeof *load), *ties = xcalloc(npanel + 1, sizeof *ties);
	size_t *order = xcalloc(nfiles + 1, sizeof *order), *twice = xcalloc(nfiles + 1, sizeof *twice);
	size_t m = (size_t)llround(double_share * (double)nfiles);
	bool ok = false;

	for (size_t i = 0; i < nfiles; i++) {
		order[i] = i;
		second[i] = SIZE_MAX;
	}
	sample_rng_shuffle(rng, order, nfiles, sizeof *order);
	for (size_t k = 0; k < nfiles; k++) {
		size_t i = order[k];
		if ((first[i] = pick(rng, panel, npanel, load, agency[i], SIZE_MAX, ties)) == SIZE_MAX) {
			snprintf(msg, n, "no reviewer of the panel is free of a conflict with agency \"%s\"",
			         agency[i]);
			goto done;
		}
		load[first[i]]++;
	}
	for (size_t i = 0; i < nfiles; i++)
		order[i] = i;
	sample_rng_choose(rng, twice, m > nfiles ? nfiles : m, order, nfiles, sizeof *order);
	for (size_t k = 0; k < m && k < nfiles; k++) {
		size_t i = twice[k];
		if ((second[i] = pick(rng, panel, npanel, load, agency[i], first[i], ties)) == SIZE_MAX) {
			snprintf(msg, n, "no second reviewer of the panel is free of a conflict with agency "
			         "\"%s\" (a file reviewed twice needs two)", agency[i]);
			goto done;
		}
		load[second[i]]++;
	}
	ok = true;
done:
	free(twice);
	free(order);
	free(ties);
	free(load);
	return ok;
}

/* The frame: every case of the period. */
struct frame {
	struct case_file *v;
	size_t n, cap;
};

static bool on_case(void *ctx, const struct case_file *c)
{
	struct frame *f = ctx;
	f->v = xgrow(f->v, f->n, &f->cap, sizeof *f->v, 64);
	f->v[f->n++] = *c;
	return true;
}

/* Do frame rows i and j lie in the same stratum (agency, and kind when by_kind)? */
static bool same_stratum(const struct case_file *a, const struct case_file *b, bool by_kind)
{
	return strcmp(a->agency, b->agency) == 0 && (!by_kind || strcmp(a->kind, b->kind) == 0);
}

/*
 * How many files each stratum gives (take[j] of the stratum starting at
 * start[j] with N[j] files; h strata), agencies first, then an agency's
 * share over its kinds.  Returns the total.
 */
static size_t allocate(const struct review_sample_spec *spec, const struct frame *f,
                       const size_t *start, const size_t *N, size_t h, size_t *take)
{
	size_t na = 0, total = 0;
	size_t *agency_of = xcalloc(h + 1, sizeof *agency_of), *NA = xcalloc(h + 1, sizeof *NA);
	size_t *TA = xcalloc(h + 1, sizeof *TA);
	for (size_t j = 0; j < h; j++) {
		if (j == 0 || strcmp(f->v[start[j]].agency, f->v[start[j - 1]].agency) != 0)
			na++;
		agency_of[j] = na - 1;
		NA[na - 1] += N[j];
	}
	if (spec->per_agency > 0)
		for (size_t a = 0; a < na; a++)
			TA[a] = NA[a] < spec->per_agency ? NA[a] : spec->per_agency;
	else
		sample_allocate(spec->allocation, spec->n, NA, na, TA);
	for (size_t j = 0; j < h;) {
		size_t k = j;
		while (k < h && agency_of[k] == agency_of[j])
			k++;
		total += sample_allocate(ALLOC_PROPORTIONAL, TA[agency_of[j]], N + j, k - j, take + j);
		j = k;
	}
	free(TA);
	free(NA);
	free(agency_of);
	return total;
}

/* Store the assignments (one transaction, audited). */
static enum store_err store_all(struct store *s, const struct review_sample_spec *spec,
                                const struct reviewer_list *panel, const struct review_assignment *a,
                                size_t n, size_t twice)
{
	char detail[128];
	enum store_err e = store_begin(s);
	for (size_t i = 0; i < n && e == STORE_OK; i++)
		e = store_assignment_add(s, a[i].c.id, spec->survey, panel->v[a[i].reviewer].code,
		                         a[i].round, spec->seed);
	snprintf(detail, sizeof detail, "%zu files, %zu reviewed twice, seed %lu", n - twice, twice,
	         spec->seed);
	if (e == STORE_OK)
		e = store_audit(s, "cli", "review sample", spec->survey, detail);
	if (e == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK)
		store_rollback(s);
	return e;
}

enum review_sample_status review_sample(struct store *s, const struct review_sample_spec *spec,
                                        struct reviewer_list *panel,
                                        struct review_assignment **out, size_t *nout, char *msg,
                                        size_t msglen)
{
	struct frame f = {0};
	struct sample_rng *rng = NULL;
	struct case_file *drawn = NULL;
	size_t *start = NULL, *N = NULL, *take = NULL, *first = NULL, *second = NULL;
	const char **agency = NULL;
	size_t h = 0, k = 0, twice = 0;
	long long done;
	enum review_sample_status st = REVIEW_SAMPLE_STORE;
	enum store_err e;

	*out = NULL;
	*nout = 0;
	panel->v = NULL;
	panel->n = 0;
	if ((e = store_assignment_count(s, spec->survey, &done)) != STORE_OK ||
	    (e = store_reviewer_list(s, panel)) != STORE_OK ||
	    (e = store_case_frame(s, spec->from, spec->to, on_case, &f)) != STORE_OK) {
		snprintf(msg, msglen, "cannot read the registry: %s", store_strerror(e));
		goto done;
	}
	st = REVIEW_SAMPLE_BAD;
	if (done > 0) {
		snprintf(msg, msglen, "the sample of %s is drawn already (%lld assignments): a sample is "
		         "drawn once", spec->survey, done);
		goto done;
	}
	if (panel->n == 0) {
		snprintf(msg, msglen, "no reviewers yet (manyi reviewer add)");
		goto done;
	}
	if (f.n == 0) {
		snprintf(msg, msglen, "no registered case in the period (manyi import cases)");
		goto done;
	}
	start = xcalloc(f.n + 1, sizeof *start);
	N = xcalloc(f.n + 1, sizeof *N);
	take = xcalloc(f.n + 1, sizeof *take);
	for (size_t i = 0; i < f.n; i++) {
		if (i == 0 || !same_stratum(&f.v[i], &f.v[i - 1], spec->by_kind))
			start[h++] = i;
		N[h - 1]++;
	}
	size_t total = allocate(spec, &f, start, N, h, take);
	rng = sample_rng_new(spec->seed);
	drawn = xcalloc(total + 1, sizeof *drawn);
	for (size_t j = 0; j < h; j++) {
		sample_rng_choose(rng, drawn + k, take[j], f.v + start[j], N[j], sizeof *drawn);
		k += take[j];
	}
	agency = xcalloc(k + 1, sizeof *agency);
	first = xcalloc(k + 1, sizeof *first);
	second = xcalloc(k + 1, sizeof *second);
	for (size_t i = 0; i < k; i++)
		agency[i] = drawn[i].agency;
	if (!review_assign(rng, agency, k, panel->v, panel->n, spec->double_share, first, second, msg,
	                   msglen))
		goto done;
	*out = xcalloc(2 * k + 1, sizeof **out);
	for (size_t i = 0; i < k; i++) {
		(*out)[(*nout)++] = (struct review_assignment){.c = drawn[i], .reviewer = first[i], .round = 1};
		if (second[i] != SIZE_MAX) {
			(*out)[(*nout)++] = (struct review_assignment){.c = drawn[i], .reviewer = second[i],
			                                               .round = 2};
			twice++;
		}
	}
	if ((e = store_all(s, spec, panel, *out, *nout, twice)) != STORE_OK) {
		snprintf(msg, msglen, "cannot store the assignments: %s", store_strerror(e));
		st = REVIEW_SAMPLE_STORE;
		free(*out);
		*out = NULL;
		*nout = 0;
		goto done;
	}
	st = REVIEW_SAMPLE_OK;
done:
	free(second);
	free(first);
	free(agency);
	free(drawn);
	sample_rng_free(rng);
	free(take);
	free(N);
	free(start);
	free(f.v);
	return st;
}
