/*
 * test_review_sample — assigning case files to reviewers (review_assign()):
 * a property test over random panels, conflicts, files and shares — no file
 * ever goes to a reviewer with a conflict with its agency, a second review
 * goes to another reviewer, the share reviewed twice is as asked, a refusal
 * happens only when no (second) reviewer is free of a conflict — and the
 * same seed giving the same assignments; with no conflicts, the load is
 * balanced to one file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review_sample.h"
#include "util.h"

static const char *const agencies[] = {"A01", "A02", "A03", "A04", "A05", "A06"};
#define NAG 6

/* A random panel of n reviewers, each conflicted with each agency with probability p (per mille). */
static struct reviewer *panel_new(struct sample_rng *rng, size_t n, size_t p)
{
	struct reviewer *v = xcalloc(n, sizeof *v);
	for (size_t r = 0; r < n; r++) {
		snprintf(v[r].code, sizeof v[r].code, "R%zu", r);
		v[r].conflicts = xcalloc(NAG, sizeof *v[r].conflicts);
		for (size_t a = 0; a < NAG; a++)
			if (sample_rng_below(rng, 1000) < p)
				v[r].conflicts[v[r].nconflicts++] = (char *)agencies[a];
	}
	return v;
}

static void panel_free(struct reviewer *v, size_t n)
{
	for (size_t r = 0; r < n; r++)
		free(v[r].conflicts);
	free(v);
}

static bool has_conflict(const struct reviewer *r, const char *agency)
{
	for (size_t k = 0; k < r->nconflicts; k++)
		if (strcmp(r->conflicts[k], agency) == 0)
			return true;
	return false;
}

/* Reviewers of the panel free of a conflict with agency. */
static size_t free_of(const struct reviewer *v, size_t n, const char *agency)
{
	size_t k = 0;
	for (size_t r = 0; r < n; r++)
		k += !has_conflict(&v[r], agency);
	return k;
}

static void random_panels(void **state)
{
	size_t refused = 0, assigned = 0;
	(void)state;
	for (unsigned long seed = 1; seed <= 400; seed++) {
		struct sample_rng *g = sample_rng_new(seed * 7919);
		size_t npanel = 1 + sample_rng_below(g, 10), nfiles = sample_rng_below(g, 80);
		struct reviewer *panel = panel_new(g, npanel, sample_rng_below(g, 500));
		double share = (double)sample_rng_below(g, 101) / 100;
		const char **agency = xcalloc(nfiles + 1, sizeof *agency);
		size_t *first = xcalloc(nfiles + 1, sizeof *first), *second = xcalloc(nfiles + 1, sizeof *second);
		size_t *first2 = xcalloc(nfiles + 1, sizeof *first2), *second2 = xcalloc(nfiles + 1, sizeof *second2);
		char msg[256] = "", msg2[256] = "";
		for (size_t i = 0; i < nfiles; i++)
			agency[i] = agencies[sample_rng_below(g, NAG)];

		struct sample_rng *r1 = sample_rng_new(seed), *r2 = sample_rng_new(seed);
		bool ok = review_assign(r1, agency, nfiles, panel, npanel, share, first, second, msg, sizeof msg);
		bool ok2 = review_assign(r2, agency, nfiles, panel, npanel, share, first2, second2, msg2,
		                         sizeof msg2);
		assert_int_equal(ok, ok2); /* the same seed, the same outcome */
		if (ok) {
			size_t twice = 0;
			assigned++;
			assert_memory_equal(first, first2, nfiles * sizeof *first);
			assert_memory_equal(second, second2, nfiles * sizeof *second);
			for (size_t i = 0; i < nfiles; i++) {
				assert_true(first[i] < npanel);
				assert_false(has_conflict(&panel[first[i]], agency[i]));
				if (second[i] != SIZE_MAX) {
					twice++;
					assert_true(second[i] < npanel && second[i] != first[i]);
					assert_false(has_conflict(&panel[second[i]], agency[i]));
				}
			}
			assert_int_equal(twice, (size_t)llround(share * (double)nfiles));
		} else {
			/* Refused only when the agency it names has no (second) free reviewer. */
			refused++;
			assert_string_equal(msg, msg2);
			const char *q = strchr(msg, '"');
			assert_non_null(q);
			char code[8] = "";
			sscanf(q + 1, "%7[^\"]", code);
			size_t k = free_of(panel, npanel, code);
			assert_true(k == 0 || (k == 1 && strstr(msg, "second") != NULL));
		}
		sample_rng_free(r1);
		sample_rng_free(r2);
		sample_rng_free(g);
		free(second2);
		free(first2);
		free(second);
		free(first);
		free(agency);
		panel_free(panel, npanel);
	}
	/* The random panels exercised both outcomes. */
	assert_true(assigned > 100 && refused > 10);
}

static void balanced_without_conflicts(void **state)
{
	(void)state;
	for (unsigned long seed = 1; seed <= 50; seed++) {
		struct sample_rng *g = sample_rng_new(seed);
		size_t npanel = 2 + sample_rng_below(g, 9), nfiles = 1 + sample_rng_below(g, 100);
		struct reviewer *panel = panel_new(g, npanel, 0);
		const char **agency = xcalloc(nfiles, sizeof *agency);
		size_t *first = xcalloc(nfiles, sizeof *first), *second = xcalloc(nfiles, sizeof *second);
		size_t *load = xcalloc(npanel, sizeof *load);
		char msg[256];
		for (size_t i = 0; i < nfiles; i++)
			agency[i] = agencies[sample_rng_below(g, NAG)];
		assert_true(review_assign(g, agency, nfiles, panel, npanel, 0, first, second, msg, sizeof msg));
		size_t lo = SIZE_MAX, hi = 0;
		for (size_t i = 0; i < nfiles; i++)
			load[first[i]]++;
		for (size_t r = 0; r < npanel; r++) {
			lo = load[r] < lo ? load[r] : lo;
			hi = load[r] > hi ? load[r] : hi;
		}
		assert_true(hi - lo <= 1);
		free(load);
		free(second);
		free(first);
		free(agency);
		panel_free(panel, npanel);
		sample_rng_free(g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_panels),
		cmocka_unit_test(balanced_without_conflicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
