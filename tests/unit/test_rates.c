/* The fieldwork's AAPOR rates: hand-computed counts, and a denominator of 0 as null (NaN). */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rates.h"

/* A rate as expected: want NaN, or within 1e-12 of want. */
static void same(const char *name, double got, double want)
{
	if (isnan(want) ? !isnan(got) : !(fabs(got - want) < 1e-12))
		fail_msg("%s: %.17g, expected %.17g", name, got, want);
}

/* Counts in the order I, P, R, NC, O, U, NE. */
static struct rates counted(long long i, long long p, long long r, long long nc, long long o,
                            long long u, long long ne)
{
	struct rates x = {.n = {i, p, r, nc, o, u, ne}};
	x.sampled = i + p + r + nc + o + u + ne;
	rates_compute(&x);
	return x;
}

static void hand_computed(void **state)
{
	(void)state;
	/* I+P+R+NC+O = 26, + U = 30, + NE = 29; contacted I+P+R+O = 18. */
	struct rates x = counted(10, 2, 5, 8, 1, 4, 3);
	same("e", x.e, 26.0 / 29);
	same("rr1", x.rr1, 10.0 / 30);
	same("rr3", x.rr3, 290.0 / 858); /* 10 / (26 + 4·26/29) */
	same("coop1", x.coop1, 10.0 / 18);
	same("ref1", x.ref1, 5.0 / 30);
	same("con1", x.con1, 18.0 / 30);
}

static void zero_denominators(void **state)
{
	(void)state;
	struct rates x = counted(0, 0, 0, 0, 0, 0, 0);
	same("e of nothing", x.e, NAN);
	same("rr1 of nothing", x.rr1, NAN);
	same("rr3 of nothing", x.rr3, NAN);
	same("coop1 of nothing", x.coop1, NAN);
	same("ref1 of nothing", x.ref1, NAN);
	same("con1 of nothing", x.con1, NAN);
	/* Only ineligibles: e is 0, every rate's denominator is 0. */
	x = counted(0, 0, 0, 0, 0, 0, 3);
	same("e of ineligibles", x.e, 0);
	same("rr1 of ineligibles", x.rr1, NAN);
	same("rr3 of ineligibles", x.rr3, NAN);
	same("coop1 of ineligibles", x.coop1, NAN);
	/* Only unknowns: e cannot be told, so neither can rr3; rr1 is 0. */
	x = counted(0, 0, 0, 0, 0, 5, 0);
	same("e of unknowns", x.e, NAN);
	same("rr1 of unknowns", x.rr1, 0);
	same("rr3 of unknowns", x.rr3, NAN);
	same("coop1 of unknowns", x.coop1, NAN);
	same("ref1 of unknowns", x.ref1, 0);
	same("con1 of unknowns", x.con1, 0);
	/* Nobody reached: cooperation has no denominator, the others do. */
	x = counted(0, 0, 0, 2, 0, 2, 0);
	same("e with non-contacts", x.e, 1);
	same("rr3 with non-contacts", x.rr3, 0);
	same("coop1 with non-contacts", x.coop1, NAN);
	same("con1 with non-contacts", x.con1, 0);
}

static void classify(void **state)
{
	(void)state;
	for (int d = -1; d < DISP__MAX; d++)
		assert_int_equal(rates_classify(true, d), RC_I); /* an answer: I, whatever the outcome */
	assert_int_equal(rates_classify(false, -1), RC_U); /* neither an answer nor a disposition */
	assert_int_equal(rates_classify(false, DISP_UNKNOWN), RC_U);
	assert_int_equal(rates_classify(false, DISP_PARTIAL), RC_P);
	assert_int_equal(rates_classify(false, DISP_REFUSAL), RC_R);
	assert_int_equal(rates_classify(false, DISP_NON_CONTACT), RC_NC);
	assert_int_equal(rates_classify(false, DISP_OTHER), RC_O);
	assert_int_equal(rates_classify(false, DISP_COMPLETE), RC_O); /* no answer stored */
	assert_int_equal(rates_classify(false, DISP_INELIGIBLE), RC_NE);
	assert_int_equal(disposition_index("non_contact"), DISP_NON_CONTACT);
	assert_int_equal(disposition_index("Refusal"), -1);
	assert_int_equal(disposition_index(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_computed),
		cmocka_unit_test(zero_denominators),
		cmocka_unit_test(classify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
