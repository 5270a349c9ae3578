/* Sample allocation: proportional (largest remainder) and equal, with caps. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proportional),
		cmocka_unit_test(equal),
		cmocka_unit_test(empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
