/*
 * test_quality — the agreement figures of case-file review on small hand
 * examples (R's figures on the fixture set are test_quality.sh's): ICC1,
 * ICC1k and Cohen's kappa as psych computes them, and NaN where they cannot
 * be computed; the quality groupings' names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "quality.h"

static void close_to(double got, double want)
{
	if (!(fabs(got - want) <= 1e-12 * fmax(1, fabs(want))))
		fail_msg("got %.17g, want %.17g", got, want);
}

/* psych::ICC(cbind(c(1,2,3,4,5), c(2,2,4,5,4)), lmer=FALSE): ICC1 0.8139535, ICC1k 0.8974359. */
static void icc_by_hand(void **state)
{
	const double x1[] = {1, 2, 3, 4, 5}, x2[] = {2, 2, 4, 5, 4};
	const int d1[] = {1, 0, 0, 1, 0}, d2[] = {1, 0, 1, 0, 0};
	struct quality_agreement ag;
	(void)state;
	quality_agreement_of(x1, x2, d1, d2, 5, &ag);
	assert_int_equal(ag.files, 5);
	/* means 1.5 2 3.5 4.5 4.5, grand 3.2: MSB = 2 * 7.8 / 4 = 3.9, MSW = 2 / 5 = 0.4 */
	close_to(ag.icc1, 3.5 / 4.3);
	close_to(ag.icc1k, 3.5 / 3.9);
	assert_true(fabs(ag.icc1 - 0.8139535) < 1e-7 && fabs(ag.icc1k - 0.8974359) < 1e-7);
	/* flags: po = 3/5; marginals 2/5, 2/5: pe = 0.6*0.6 + 0.4*0.4 = 0.52 */
	close_to(ag.kappa, (0.6 - 0.52) / (1 - 0.52));
}

static void undefined(void **state)
{
	const double x[] = {80, 80, 80}, y[] = {80, 80, 80};
	const int none[] = {0, 0, 0};
	struct quality_agreement ag;
	(void)state;
	quality_agreement_of(x, y, none, none, 1, &ag);
	assert_true(isnan(ag.icc1) && isnan(ag.icc1k) && isnan(ag.kappa));
	quality_agreement_of(x, y, none, none, 3, &ag);
	assert_int_equal(ag.files, 3);
	assert_true(isnan(ag.icc1) && isnan(ag.icc1k)); /* no spread at all */
	assert_true(isnan(ag.kappa));                   /* every flag alike */
	quality_agreement_of(NULL, NULL, NULL, NULL, 0, &ag);
	assert_int_equal(ag.files, 0);
}

static void by_names(void **state)
{
	static const char *const names[] = {"agency", "domain", "kind", "outcome"};
	enum quality_by b;
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_true(quality_by_parse(names[i], &b));
		assert_string_equal(quality_by_name(b), names[i]);
	}
	assert_false(quality_by_parse("size", &b));
	assert_false(quality_by_parse(NULL, &b));
	assert_null(quality_by_name(QUALITY_BY_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(icc_by_hand),
		cmocka_unit_test(undefined),
		cmocka_unit_test(by_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
