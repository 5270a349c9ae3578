/* Throttling in memory: the two policies, clock-aligned windows and the
 * sliding estimate across them, the key that rotates without losing a
 * lock-out, a full table, kinds and addresses counted apart, threads
 * counting at once, and a table shared with a forked child. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "throttle.h"

/* A time at the start of an hour, of a quarter and of a key period. */
#define T0 ((time_t)1800000000 / (4 * THROTTLE_ROTATE) * (4 * THROTTLE_ROTATE))

static int setup(void **state)
{
	*state = throttle_new(1024);
	return *state == NULL;
}

static int teardown(void **state)
{
	throttle_free(*state);
	return 0;
}

/* Count n events of kind k for addr at when. */
static void count_n(struct throttle *t, enum throttle_kind k, const char *addr, time_t when, int n)
{
	for (int i = 0; i < n; i++)
		throttle_count(t, k, addr, when);
}

static void public_twenty_an_hour(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	for (int i = 0; i < 19; i++) {
		assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.7", T0 + 60 + i, &wait));
		throttle_count(t, THROTTLE_PUBLIC, "198.51.100.7", T0 + 60 + i);
	}
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.7", T0 + 100, &wait));
	throttle_count(t, THROTTLE_PUBLIC, "198.51.100.7", T0 + 100);
	/* The 21st waits an hour from the 20th. */
	assert_false(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.7", T0 + 101, &wait));
	assert_int_equal(wait, 3599);
	assert_false(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.7", T0 + 3699, &wait));
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.7", T0 + 3700, &wait));
	/* Another address, and the other kind, are not touched. */
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.8", T0 + 101, &wait));
	assert_true(throttle_allowed(t, THROTTLE_BAD_TOKEN, "198.51.100.7", T0 + 101, &wait));
}

/* Officer lookups: 60 an hour by default, or the limit set (the setting
 * officer_lookups_per_hour), then an hour's lock-out; no slowing down. */
static void lookups_limit(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	for (int i = 0; i < 60; i++) {
		assert_true(throttle_allowed(t, THROTTLE_LOOKUP, "198.51.100.9", T0 + 60 + i, &wait));
		throttle_count(t, THROTTLE_LOOKUP, "198.51.100.9", T0 + 60 + i);
	}
	assert_false(throttle_allowed(t, THROTTLE_LOOKUP, "198.51.100.9", T0 + 120, &wait));
	assert_int_equal(wait, 3599);
	throttle_set_limit(t, THROTTLE_LOOKUP, 3);
	for (int i = 0; i < 3; i++) {
		assert_true(throttle_allowed(t, THROTTLE_LOOKUP, "198.51.100.10", T0 + 60 + i, &wait));
		throttle_count(t, THROTTLE_LOOKUP, "198.51.100.10", T0 + 60 + i);
	}
	assert_false(throttle_allowed(t, THROTTLE_LOOKUP, "198.51.100.10", T0 + 63, &wait));
	assert_true(throttle_allowed(t, THROTTLE_LOOKUP, "198.51.100.10", T0 + 62 + 3600, &wait));
	/* The other kinds keep their policies. */
	count_n(t, THROTTLE_PUBLIC, "198.51.100.10", T0 + 70, 3);
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.10", T0 + 71, &wait));
	throttle_set_limit(t, THROTTLE_LOOKUP, 0); /* back to 60 */
	count_n(t, THROTTLE_LOOKUP, "198.51.100.11", T0 + 80, 3);
	assert_true(throttle_allowed(t, THROTTLE_LOOKUP, "198.51.100.11", T0 + 81, &wait));
}

static void bad_tokens_slow_down_then_lock(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	time_t now = T0 + 10;
	count_n(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now, 4);
	assert_true(throttle_allowed(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now, &wait));
	throttle_count(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now); /* 5th: 1 s */
	assert_false(throttle_allowed(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now, &wait));
	assert_int_equal(wait, 1);
	throttle_count(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now); /* 6th: 2 s */
	assert_false(throttle_allowed(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now, &wait));
	assert_int_equal(wait, 2);
	count_n(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now, 13);
	assert_false(throttle_allowed(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now, &wait));
	assert_int_equal(wait, 64); /* the doubling stops at 64 s */
	throttle_count(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now); /* 20th: locked */
	assert_false(throttle_allowed(t, THROTTLE_BAD_TOKEN, "2001:db8::1", now, &wait));
	assert_int_equal(wait, 1800);
}

/* Events just before and just after a window's edge count together. */
static void window_edge(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	time_t edge = T0 + 3600;
	count_n(t, THROTTLE_PUBLIC, "203.0.113.9", edge - 2, 10);
	count_n(t, THROTTLE_PUBLIC, "203.0.113.9", edge + 1, 10);
	assert_false(throttle_allowed(t, THROTTLE_PUBLIC, "203.0.113.9", edge + 2, &wait));

	/* Ten an hour ago and ten now: the old ones have left the window. */
	count_n(t, THROTTLE_PUBLIC, "203.0.113.10", edge - 3600, 10);
	count_n(t, THROTTLE_PUBLIC, "203.0.113.10", edge + 3599, 10);
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "203.0.113.10", edge + 3599, &wait));
}

/* A lock-out made just before the key changes holds after it, and the
 * address is forgotten two key periods on. */
static void key_rotation_keeps_lockouts(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	time_t before = T0 + THROTTLE_ROTATE - 5;
	count_n(t, THROTTLE_PUBLIC, "192.0.2.44", before, 20);
	assert_false(throttle_allowed(t, THROTTLE_PUBLIC, "192.0.2.44", before + 10, &wait));
	assert_int_equal(wait, 3590);
	assert_int_equal(throttle_used(t, before + 10), 1);
	/* Counting again after the change carries the state to the new key. */
	throttle_count(t, THROTTLE_PUBLIC, "192.0.2.44", before + 20);
	assert_false(throttle_allowed(t, THROTTLE_PUBLIC, "192.0.2.44", before + 3000, &wait));
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "192.0.2.44", before + 20 + 3600, &wait));
	assert_int_equal(throttle_used(t, before + 3 * THROTTLE_ROTATE), 0);
}

/* A table far smaller than the addresses: old entries give way, nothing breaks. */
static void full_table(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(16);
	assert_non_null(t);
	long wait = 0;
	char addr[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(addr, sizeof addr, "10.0.%d.%d", i / 256, i % 256);
		throttle_count(t, THROTTLE_BAD_TOKEN, addr, T0 + i);
	}
	assert_true(throttle_used(t, T0 + 1000) <= 16);
	count_n(t, THROTTLE_BAD_TOKEN, "10.9.9.9", T0 + 1000, 20);
	assert_false(throttle_allowed(t, THROTTLE_BAD_TOKEN, "10.9.9.9", T0 + 1001, &wait));
	throttle_free(t);
}

/* A child made after the table counts into the parent's table. */
static void shared_with_children(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (int i = 0; i < 20; i++)
			throttle_count(t, THROTTLE_PUBLIC, "198.51.100.77", T0 + 5);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_false(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.77", T0 + 6, &wait));
}

/* Half way into a window, half of the last window's events still count. */
static void sliding_estimate(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	time_t start = T0 + 3600;
	count_n(t, THROTTLE_PUBLIC, "198.51.100.30", start - 1, 18);
	/* Half way: 18 * 0.5 = 9, plus 10 new = 19: allowed; the 11th new makes 20. */
	count_n(t, THROTTLE_PUBLIC, "198.51.100.30", start + 1800, 10);
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.30", start + 1800, &wait));
	throttle_count(t, THROTTLE_PUBLIC, "198.51.100.30", start + 1800);
	assert_false(throttle_allowed(t, THROTTLE_PUBLIC, "198.51.100.30", start + 1800, &wait));
	assert_true(wait >= 1 && wait <= 3600);
}

/* One slot per (kind, address); the address is taken as bytes, whatever it is. */
static void kinds_and_addresses_apart(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	static const char *const addrs[] = {"192.0.2.1", "192.0.2.10", "192.0.2.1 ", "",
	                                    "2001:db8::1", "2001:DB8::1", "x\r\ny"};
	for (size_t i = 0; i < sizeof addrs / sizeof *addrs; i++) {
		throttle_count(t, THROTTLE_PUBLIC, addrs[i], T0 + 1);
		throttle_count(t, THROTTLE_BAD_TOKEN, addrs[i], T0 + 1);
	}
	assert_int_equal(throttle_used(t, T0 + 2), 2 * (sizeof addrs / sizeof *addrs));
	count_n(t, THROTTLE_BAD_TOKEN, "192.0.2.1", T0 + 2, 30);
	assert_false(throttle_allowed(t, THROTTLE_BAD_TOKEN, "192.0.2.1", T0 + 3, &wait));
	for (size_t i = 1; i < sizeof addrs / sizeof *addrs; i++)
		assert_true(throttle_allowed(t, THROTTLE_BAD_TOKEN, addrs[i], T0 + 3, &wait));
	assert_true(throttle_allowed(t, THROTTLE_PUBLIC, "192.0.2.1", T0 + 3, &wait));
}

struct counter {
	struct throttle *t;
	const char *addr;
	int n;
};

static void *count_some(void *arg)
{
	struct counter *c = arg;
	for (int i = 0; i < c->n; i++)
		throttle_count(c->t, THROTTLE_PUBLIC, c->addr, T0 + 60);
	return NULL;
}

/* Four threads counting at once lose no event: 4 x 5 = 20 locks out, 19 does not. */
static void threads_count_every_event(void **state)
{
	struct throttle *t = *state;
	long wait = 0;
	for (int round = 0; round < 50; round++) {
		char full[32], under[32];
		snprintf(full, sizeof full, "203.0.113.%d", round);
		snprintf(under, sizeof under, "198.18.0.%d", round);
		pthread_t th[8];
		struct counter c[8];
		for (int i = 0; i < 8; i++) {
			c[i] = (struct counter){t, i < 4 ? full : under, i < 4 ? 5 : (i == 4 ? 4 : 5)};
			assert_int_equal(pthread_create(&th[i], NULL, count_some, &c[i]), 0);
		}
		for (int i = 0; i < 8; i++)
			assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_false(throttle_allowed(t, THROTTLE_PUBLIC, full, T0 + 61, &wait));
		assert_true(throttle_allowed(t, THROTTLE_PUBLIC, under, T0 + 61, &wait));
	}
}

static void null_table_allows(void **state)
{
	(void)state;
	long wait = 0;
	throttle_count(NULL, THROTTLE_PUBLIC, "x", T0);
	assert_true(throttle_allowed(NULL, THROTTLE_PUBLIC, "x", T0, &wait));
	assert_int_equal(throttle_used(NULL, T0), 0);
	throttle_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(public_twenty_an_hour, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_tokens_slow_down_then_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(lookups_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(window_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(key_rotation_keeps_lockouts, setup, teardown),
		cmocka_unit_test(full_table),
		cmocka_unit_test_setup_teardown(sliding_estimate, setup, teardown),
		cmocka_unit_test_setup_teardown(kinds_and_addresses_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(threads_count_every_event, setup, teardown),
		cmocka_unit_test_setup_teardown(shared_with_children, setup, teardown),
		cmocka_unit_test(null_table_allows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
