/* The fieldwork's progress: pace, projection, target and threshold, worked by hand. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "progress.h"

#define NONE PROGRESS_NO_DAY

/* A figure as expected: want NaN, or within 1e-12 of want. */
static void same(const char *name, double got, double want)
{
	if (isnan(want) ? !isnan(got) : !(fabs(got - want) < 1e-12))
		fail_msg("%s: %.17g, expected %.17g", name, got, want);
}

static struct progress_pace project(long long answered, long long first, long long today,
                                    long long until, long long target, long long threshold)
{
	struct progress_pace p;
	progress_project(answered, first, today, until, target, threshold, &p);
	return p;
}

/* 12 answers over days 100..103 (4 days): 3 a day; 10 days left to day 113: 12 + 30 = 42. */
static void pace_and_projection(void **state)
{
	(void)state;
	struct progress_pace p = project(12, 100, 103, 113, 50, 30);
	assert_int_equal(p.days_elapsed, 4);
	assert_int_equal(p.days_left, 10);
	same("pace", p.pace, 3.0);
	same("projected", p.projected, 42.0);
	same("needed", p.needed_per_day, 38.0 / 10.0);
	assert_false(p.on_track); /* 42 < 50 */
	assert_false(p.under);    /* 42 >= 30 */

	p = project(12, 100, 103, 113, 42, 30);
	assert_true(p.on_track); /* exactly the target */

	/* 5 answers in 7 days, 3 left: 5 + 15/7 = 7.142857...: under 30. */
	p = project(5, 10, 16, 19, 30, 30);
	same("pace", p.pace, 5.0 / 7.0);
	same("projected", p.projected, 5.0 + 3.0 * 5.0 / 7.0);
	assert_true(p.under);
	assert_false(p.on_track);
}

/* Without until, or with an end already past: no day left, projected = answered. */
static void no_projection(void **state)
{
	(void)state;
	struct progress_pace p = project(29, 1, 10, NONE, 30, 30);
	assert_int_equal(p.days_left, 0);
	same("pace", p.pace, 2.9);
	same("projected", p.projected, 29.0);
	same("needed", p.needed_per_day, NAN);
	assert_true(p.under);

	p = project(31, 1, 10, 5, 30, 30); /* until before today */
	assert_int_equal(p.days_left, 0);
	same("projected", p.projected, 31.0);
	assert_false(p.under);
	assert_true(p.on_track);

	p = project(31, 1, 10, 10, 30, 30); /* until today: nothing left */
	assert_int_equal(p.days_left, 0);
	same("projected", p.projected, 31.0);
}

/* The first day is today: one day elapsed. */
static void first_day_today(void **state)
{
	(void)state;
	struct progress_pace p = project(4, 20, 20, 29, 30, 30);
	assert_int_equal(p.days_elapsed, 1);
	same("pace", p.pace, 4.0);
	same("projected", p.projected, 40.0);
	same("needed", p.needed_per_day, 26.0 / 9.0);
	assert_false(p.under);
}

/* No answer yet anywhere: no pace (null), nothing projected, every agency under. */
static void no_answers(void **state)
{
	(void)state;
	struct progress_pace p = project(0, NONE, 50, 60, 30, 30);
	assert_int_equal(p.days_elapsed, 0);
	assert_int_equal(p.days_left, 10);
	same("pace", p.pace, NAN);
	same("projected", p.projected, 0.0);
	same("needed", p.needed_per_day, 3.0);
	assert_true(p.under);
	assert_false(p.on_track);

	/* An agency with none while others answer: pace 0, projected 0. */
	p = project(0, 40, 50, 60, 30, 30);
	same("pace", p.pace, 0.0);
	same("projected", p.projected, 0.0);
	assert_true(p.under);
}

/* Answers dated after today (an import ahead of the clock): no elapsed day, no pace. */
static void first_day_ahead(void **state)
{
	(void)state;
	struct progress_pace p = project(7, 30, 25, 40, 30, 30);
	assert_int_equal(p.days_elapsed, 0);
	same("pace", p.pace, NAN);
	same("projected", p.projected, 7.0);
}

/* Target and threshold of 0: always on track, never under; the needed pace is 0 once reached. */
static void zero_target(void **state)
{
	(void)state;
	struct progress_pace p = project(0, NONE, 5, 9, 0, 0);
	assert_true(p.on_track);
	assert_false(p.under);
	same("needed", p.needed_per_day, 0.0);
	p = project(40, 1, 5, 9, 30, 30);
	same("needed", p.needed_per_day, 0.0);
}

/* Today in UTC+8: 16:00 UTC is midnight in the city. */
static void today_in_utc8(void **state)
{
	(void)state;
	assert_int_equal(progress_today(0), 0);
	assert_int_equal(progress_today(16 * 3600 - 1), 0);
	assert_int_equal(progress_today(16 * 3600), 1);
	/* 2026-11-30T16:00:00Z is 2026-12-01 in UTC+8. */
	long long d;
	assert_true(day_parse("2026-12-01", &d));
	assert_int_equal(progress_today((time_t)1796054400), d);
	assert_int_equal(progress_today((time_t)1796054399), d - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pace_and_projection),
		cmocka_unit_test(no_projection),
		cmocka_unit_test(first_day_today),
		cmocka_unit_test(no_answers),
		cmocka_unit_test(first_day_ahead),
		cmocka_unit_test(zero_target),
		cmocka_unit_test(today_in_utc8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
