/* Sample allocation: proportional (largest remainder) and equal, with caps and minimums. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sample.h"
#include "util.h"

static void check(enum allocation a, size_t n, const size_t *N, size_t h, const size_t *want,
                  size_t want_total)
{
	size_t out[16];
	assert_int_equal(sample_allocate(a, n, N, h, out), want_total);
	size_t sum = 0;
	for (size_t i = 0; i < h; i++) {
		if (out[i] != want[i])
			fail_msg("stratum %zu: %zu, expected %zu", i, out[i], want[i]);
		assert_true(out[i] <= N[i]);
		sum += out[i];
	}
	assert_int_equal(sum, want_total);
}

static void proportional(void **state)
{
	(void)state;
	const size_t N1[] = {100, 200, 700};
	check(ALLOC_PROPORTIONAL, 10, N1, 3, (const size_t[]){1, 2, 7}, 10);
	const size_t N2[] = {1, 1, 1};
	check(ALLOC_PROPORTIONAL, 2, N2, 3, (const size_t[]){1, 1, 0}, 2);
	const size_t N3[] = {5, 10, 85};
	/* 7 x .05 = .35, .7, 5.95: floors 0,0,5; remainders to .95 then .7 */
	check(ALLOC_PROPORTIONAL, 7, N3, 3, (const size_t[]){0, 1, 6}, 7);
	const size_t N4[] = {3, 4};
	check(ALLOC_PROPORTIONAL, 100, N4, 2, (const size_t[]){3, 4}, 7);
}

static void equal(void **state)
{
	(void)state;
	const size_t N1[] = {100, 200, 700};
	check(ALLOC_EQUAL, 10, N1, 3, (const size_t[]){4, 3, 3}, 10);
	const size_t N2[] = {2, 50, 50};
	check(ALLOC_EQUAL, 30, N2, 3, (const size_t[]){2, 14, 14}, 30);
	const size_t N3[] = {0, 5};
	check(ALLOC_EQUAL, 3, N3, 2, (const size_t[]){0, 3}, 3);
}

static void empty(void **state)
{
	(void)state;
	size_t out[1];
	assert_int_equal(sample_allocate(ALLOC_EQUAL, 5, NULL, 0, out), 0);
	const size_t N[] = {0};
	assert_int_equal(sample_allocate(ALLOC_PROPORTIONAL, 5, N, 1, out), 0);
}

/* A minimum per stratum first, then the rest by the allocation over what is left. */
static void check_min(enum allocation a, size_t n, const size_t *N, size_t h, size_t min,
                      const size_t *want, size_t want_total)
{
	size_t out[16], total = 0, sum = 0;
	assert_true(sample_allocate_min(a, n, N, h, min, out, &total));
	assert_int_equal(total, want_total);
	for (size_t i = 0; i < h; i++) {
		if (out[i] != want[i])
			fail_msg("stratum %zu: %zu, expected %zu", i, out[i], want[i]);
		assert_true(out[i] <= N[i]);
		assert_true(out[i] >= (N[i] < min ? N[i] : min));
		sum += out[i];
	}
	assert_int_equal(sum, want_total);
}

static void minimum(void **state)
{
	(void)state;
	const size_t N[] = {300, 60, 10};
	/* Exactly the minimums: 60, 60 and the whole 10. */
	check_min(ALLOC_PROPORTIONAL, 130, N, 3, 60, (const size_t[]){60, 60, 10}, 130);
	/* 40, 40, 10 first; 110 over what is left, 260 and 20 of 280: 102.14 and 7.86 ->
	 * floors 102 and 7, the larger remainder (.86) gets the last one. */
	check_min(ALLOC_PROPORTIONAL, 200, N, 3, 40, (const size_t[]){142, 48, 10}, 200);
	/* Equal: 110 one at a time round 260 and 20 left: 20 each, then 70 more to the first. */
	check_min(ALLOC_EQUAL, 200, N, 3, 40, (const size_t[]){130, 60, 10}, 200);
	/* No minimum: the allocation alone. */
	const size_t N1[] = {100, 200, 700};
	check_min(ALLOC_PROPORTIONAL, 10, N1, 3, 0, (const size_t[]){1, 2, 7}, 10);
	/* More asked than the frame holds: every unit. */
	const size_t N2[] = {3, 4};
	check_min(ALLOC_PROPORTIONAL, 100, N2, 2, 5, (const size_t[]){3, 4}, 7);
}

static void minimum_too_large(void **state)
{
	(void)state;
	const size_t N[] = {300, 60, 10};
	size_t out[3] = {9, 9, 9}, total = 0;
	/* 60 + 60 + 10 = 130 > 100: refused, nothing allocated, the least n that works told. */
	assert_false(sample_allocate_min(ALLOC_PROPORTIONAL, 100, N, 3, 60, out, &total));
	assert_int_equal(total, 130);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(out[i], 0);
	assert_true(sample_allocate_min(ALLOC_PROPORTIONAL, 130, N, 3, 60, out, &total));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proportional),
		cmocka_unit_test(equal),
		cmocka_unit_test(empty),
		cmocka_unit_test(minimum),
		cmocka_unit_test(minimum_too_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
