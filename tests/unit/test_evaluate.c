/*
 * The efficacy evaluation's pure computation (evaluate_compute) against R:
 * tests/efficacy/make_fixtures.R read tests/efficacy/input.csv and wrote
 * expected.csv (composite, its SE and interval, grade, rank, the simulated
 * rank interval and grade probabilities, the nine sensitivity scenarios).
 * Figures agree to 1e-9, ranks and grades exactly.  Also: the Park-Miller
 * generator's known value, composites by hand, the grade bands' edges.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "fixture.h"

#define MAXA 16
#define MAXC 48

/* The rows of CSV file tests/efficacy/NAME: cell[r][c] as numbers (NaN for "NA"),
 * the first column's text in first[r]; returns the rows read. */
static int read_csv(const char *name, double cell[MAXA][MAXC], char first[MAXA][16])
{
	char path[512], line[4096];
	int r = 0;
	bool header = true;
	snprintf(path, sizeof path, "%s/../efficacy/%s", TEST_DATA, name);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof line, f) != NULL && r < MAXA) {
		if (header) {
			header = false;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		char *save = NULL, *tok = strtok_r(line, ",", &save);
		snprintf(first[r], sizeof first[r], "%s", tok);
		for (int c = 0; c < MAXC && (tok = strtok_r(NULL, ",", &save)) != NULL; c++)
			cell[r][c] = strcmp(tok, "NA") == 0 ? NAN : strtod(tok, NULL);
		r++;
	}
	fclose(f);
	return r;
}

static void same(const char *what, const char *agency, double got, double want)
{
	if (isnan(want) ? !isnan(got) : !(fabs(got - want) <= 1e-9 * fmax(1, fabs(want))))
		fail_msg("%s of %s: %.17g, R says %.17g", what, agency, got, want);
}

/* An int figure (0 or -1 for unknown) as R wrote it (NA, or 1-based grades). */
static void same_int(const char *what, const char *agency, int got, double want, int unknown,
                     int base)
{
	int w = isnan(want) ? unknown : (int)want - base;
	if (got != w)
		fail_msg("%s of %s: %d, R says %d", what, agency, got, w);
}

static void against_r(void **state)
{
	(void)state;
	static double in[MAXA][MAXC], ex[MAXA][MAXC];
	static char ain[MAXA][16], aex[MAXA][16];
	int n = read_csv("input.csv", in, ain);
	assert_int_equal(read_csv("expected.csv", ex, aex), n);
	struct eval_in x[MAXA];
	struct eval_out out[MAXA];
	for (int i = 0; i < n; i++) {
		x[i].x[EVAL_PERFORMANCE] = in[i][0];
		x[i].se[EVAL_PERFORMANCE] = 0;
		x[i].x[EVAL_QUALITY] = in[i][1];
		x[i].se[EVAL_QUALITY] = in[i][2];
		x[i].x[EVAL_SATISFACTION] = in[i][3];
		x[i].se[EVAL_SATISFACTION] = in[i][4];
	}
	const struct eval_options o = {.weights = {30, 50, 20}, .bands = {90, 80, 60},
	                               .seed = 20240101, .simulations = 1000};
	evaluate_compute(x, (size_t)n, &o, out);
	for (int i = 0; i < n; i++) {
		const char *a = ain[i];
		const double *e = ex[i];
		assert_string_equal(a, aex[i]);
		same("composite", a, out[i].composite, e[0]);
		same("composite_se", a, out[i].composite_se, e[1]);
		same("ci_low", a, out[i].ci_low, e[2]);
		same("ci_high", a, out[i].ci_high, e[3]);
		same_int("grade", a, out[i].grade, e[4], -1, 1);
		same_int("rank", a, out[i].rank, e[5], 0, 0);
		same_int("rank_low", a, out[i].rank_low, e[6], 0, 0);
		same_int("rank_high", a, out[i].rank_high, e[7], 0, 0);
		for (int g = 0; g < EVAL_GRADE__MAX; g++)
			same(eval_grade_names[g], a, out[i].grade_p[g], e[8 + g]);
		for (int k = 0; k < EVAL_SCENARIOS; k++) {
			const struct eval_scenario *sc = &out[i].scenario[k];
			same(eval_scenario_name(k), a, sc->composite, e[12 + 3 * k]);
			same_int(eval_scenario_name(k), a, sc->grade, e[13 + 3 * k], -1, 1);
			same_int(eval_scenario_name(k), a, sc->rank, e[14 + 3 * k], 0, 0);
		}
	}
}

/* std::minstd_rand (the same generator) gives 399268537 as its 10000th value from seed 1. */
static void park_miller(void **state)
{
	(void)state;
	struct eval_rng r;
	double u = 0;
	eval_rng_seed(&r, 1);
	for (int i = 0; i < 10000; i++)
		u = eval_rng_uniform(&r);
	assert_int_equal(r.x, 399268537);
	assert_true(u > 0 && u < 1);
	eval_rng_seed(&r, 0); /* 0 would stay 0: it starts at 1 */
	assert_int_equal(r.x, 1);
	eval_rng_seed(&r, 2147483647ULL);
	assert_int_equal(r.x, 1);
}

/* Composites and grades by hand. */
static void by_hand(void **state)
{
	(void)state;
	const double x[3] = {80, 90, NAN}, bands[3] = {90, 80, 60};
	assert_true(fabs(eval_composite(x, (double[]){1, 1, 0}) - 85) < 1e-12);
	assert_true(isnan(eval_composite(x, (double[]){1, 1, 1})));
	assert_true(fabs(eval_composite(x, (double[]){1, 3, 0}) - 87.5) < 1e-12);
	assert_int_equal(eval_grade_of(90, bands), EVAL_EXCELLENT);
	assert_int_equal(eval_grade_of(89.999, bands), EVAL_GOOD);
	assert_int_equal(eval_grade_of(80, bands), EVAL_GOOD);
	assert_int_equal(eval_grade_of(60, bands), EVAL_PASS);
	assert_int_equal(eval_grade_of(59.9, bands), EVAL_FAIL);
	assert_int_equal(eval_grade_of(NAN, bands), -1);
	/* SE: sqrt(Q^2 qse^2 + S^2 sse^2) / (P+Q+S) = sqrt(4*9 + 16) / 4 */
	struct eval_in in = {.x = {70, 80, 90}, .se = {0, 3, 4}};
	struct eval_out out;
	const struct eval_options o = {.weights = {1, 2, 1}, .bands = {90, 80, 60}, .seed = 7,
	                               .simulations = 200};
	evaluate_compute(&in, 1, &o, &out);
	assert_true(fabs(out.composite - 80) < 1e-12);
	assert_true(fabs(out.composite_se - sqrt(52) / 4) < 1e-12);
	assert_int_equal(out.rank, 1);
	assert_int_equal(out.rank_low, 1);
	assert_int_equal(out.rank_high, 1);
	assert_true(fabs(out.grade_p[0] + out.grade_p[1] + out.grade_p[2] + out.grade_p[3] - 1) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(against_r),
		cmocka_unit_test(park_miller),
		cmocka_unit_test(by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
