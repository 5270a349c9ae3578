/* The supervisor's restart delay: doubling while workers die early, reset after a good run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fcgi.h"
#include "util.h"

static void restart_delay(void **state)
{
	(void)state;
	static const struct { unsigned prev; double ran; unsigned want; } t[] = {
		{0, 0.1, 1}, {1, 0.1, 2}, {2, 3, 4}, {4, 1, 8}, {8, 1, 8}, {8, 29.9, 8},
		/* a worker that ran fine for a while: back to a short pause */
		{8, FCGI_WORKER_STABLE_SECONDS, 1}, {4, 3600, 1}, {0, 3600, 1},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (fcgi_restart_delay(t[i].prev, t[i].ran) != t[i].want)
			fail_msg("fcgi_restart_delay(%u, %g) = %u, want %u", t[i].prev, t[i].ran,
			         fcgi_restart_delay(t[i].prev, t[i].ran), t[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(restart_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
