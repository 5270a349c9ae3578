/*
 * The supervisor: the back-off policy; a worker that keeps crashing is
 * started again after 1, 2, 4, 8, 8 units; a stop signal ends worker and
 * supervisor cleanly, also during a pause; a worker outlives no killed
 * supervisor; a worker that cannot start makes it give up.  Units are 5 ms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervise.h"
#include "util.h"

#define UNIT_MS 5

static void backoff(void **state)
{
	(void)state;
	static const struct { unsigned prev; double ran; unsigned want; } t[] = {
		{0, 0.1, 1}, {1, 0.1, 2}, {2, 3, 4}, {4, 1, 8}, {8, 1, 8}, {8, 29.9, 8},
		/* a worker that ran fine for a while: back to a short pause */
		{8, SUPERVISE_STABLE, 1}, {4, 3600, 1}, {0, 3600, 1},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (supervise_backoff(t[i].prev, t[i].ran) != t[i].want)
			fail_msg("supervise_backoff(%u, %g) = %u, want %u", t[i].prev, t[i].ran,
			         supervise_backoff(t[i].prev, t[i].ran), t[i].want);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Read up to n bytes from fd until EOF or timeout_ms; the count read. */
static size_t read_all(int fd, void *buf, size_t n, int timeout_ms)
{
	size_t got = 0;
	double end = now_ms() + timeout_ms;
	while (got < n) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = (int)(end - now_ms());
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/* ---- a worker that crashes at once, every time ---- */

static int pipe_w = -1;

static int crash(void *arg)
{
	(void)arg;
	double t = now_ms();
	if (write(pipe_w, &t, sizeof t) != (ssize_t)sizeof t)
		return 1;
	/* Die by a signal, as a crash does (SIGKILL: no core file, nothing for ASan). */
	kill(getpid(), SIGKILL);
	return 1;
}

#define ENDS 5
struct ends {
	int n;
	int status[ENDS];
	unsigned delay[ENDS];
};

static void ended(void *ctx, pid_t worker, int status, unsigned delay)
{
	struct ends *e = ctx;
	(void)worker;
	e->status[e->n] = status;
	e->delay[e->n] = delay;
	/* Stop during the last pause: the supervisor must not wait it out. */
	if (++e->n == ENDS)
		kill(getpid(), SIGTERM);
}

static void crash_restarts_with_backoff(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pipe_w = fds[1];
	struct ends e = {0};
	const struct supervisor s = {
		.name = "test_supervise", .work = crash, .unit_ms = UNIT_MS, .ended = ended, .ctx = &e,
	};
	assert_int_equal(supervise(&s), 0);
	close(fds[1]);

	static const unsigned want[ENDS] = {1, 2, 4, 8, 8};
	assert_int_equal(e.n, ENDS);
	for (int i = 0; i < ENDS; i++) {
		assert_true(WIFSIGNALED(e.status[i]) && WTERMSIG(e.status[i]) == SIGKILL);
		assert_int_equal(e.delay[i], want[i]);
	}
	/* ENDS workers started, each after the pause before it. */
	double started[ENDS + 1];
	size_t got = read_all(fds[0], started, sizeof started, 1000);
	close(fds[0]);
	assert_int_equal(got, ENDS * sizeof(double));
	for (int i = 1; i < ENDS; i++)
		if (started[i] - started[i - 1] < want[i - 1] * UNIT_MS - 0.5)
			fail_msg("worker %d started %.1f ms after the one before, before its %u ms pause",
			         i + 1, started[i] - started[i - 1], want[i - 1] * UNIT_MS);
}

/* ---- a worker that serves until told to stop ---- */

static int wait_stop(void *arg)
{
	(void)arg;
	char line[32];
	int n = snprintf(line, sizeof line, "up %d\n", (int)getpid());
	if (write(pipe_w, line, (size_t)n) != n)
		return 1;
	/* As fcgi_run does: INT and TERM are blocked here, and waited for. */
	sigset_t set;
	int sig;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigwait(&set, &sig);
	return write(pipe_w, "clean\n", 6) == 6 ? 0 : 1;
}

/* Fork a supervisor of wait_stop workers (INT and TERM blocked, as
 * manyi-fcgi has them); read the first worker's pid from fds[0]. */
static pid_t start_supervisor(int fds[2], pid_t *worker)
{
	assert_int_equal(pipe(fds), 0);
	pid_t sup = fork();
	assert_true(sup >= 0);
	if (sup == 0) {
		close(fds[0]);
		pipe_w = fds[1];
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		const struct supervisor s = {.name = "test_supervise", .work = wait_stop, .unit_ms = UNIT_MS};
		_exit(supervise(&s));
	}
	close(fds[1]);
	char line[32] = "";
	size_t n = 0;
	while (n < sizeof line - 1 && read_all(fds[0], line + n, 1, 5000) == 1 && line[n] != '\n')
		n++;
	assert_int_equal(sscanf(line, "up %d", worker), 1);
	return sup;
}

/*
 * Start a supervisor of wait_stop workers, send it sig, and wait for it
 * (its status into *status); then read what its worker wrote after "up"
 * until end of file — which comes once the worker is gone — into rest.
 */
static pid_t end_supervisor(int sig, int *status, char *rest, size_t n)
{
	int fds[2];
	pid_t worker;
	pid_t sup = start_supervisor(fds, &worker);
	assert_int_equal(kill(sup, sig), 0);
	assert_int_equal(waitpid(sup, status, 0), sup);
	memset(rest, 0, n);
	read_all(fds[0], rest, n - 1, 5000);
	close(fds[0]);
	return worker;
}

static void stop_ends_cleanly(void **state)
{
	(void)state;
	int status;
	char rest[64];
	pid_t worker = end_supervisor(SIGTERM, &status, rest, sizeof rest);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The worker finished its way, and the supervisor reaped it. */
	assert_string_equal(rest, "clean\n");
	assert_int_equal(kill(worker, 0), -1);
	assert_int_equal(errno, ESRCH);
}

static void worker_dies_with_supervisor(void **state)
{
	(void)state;
	int status;
	char rest[64];
	end_supervisor(SIGKILL, &status, rest, sizeof rest);
	assert_true(WIFSIGNALED(status));
	/* The orphaned worker was told to stop, and stopped its way. */
	assert_string_equal(rest, "clean\n");
}

static int cannot_start(void *arg)
{
	(void)arg;
	return 3;
}

static void gives_up(void **state)
{
	(void)state;
	const struct supervisor s = {
		.name = "test_supervise", .work = cannot_start, .give_up_status = 3, .unit_ms = UNIT_MS,
	};
	assert_int_equal(supervise(&s), 1);
}

static void die_with_parent(void **state)
{
	(void)state;
	pid_t c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		/* Another parent than ours: refused; ours: bound. */
		bool other = supervise_die_with_parent(getppid() + 1);
		bool ours = supervise_die_with_parent(getppid());
		bool now = supervise_die_with_parent(0);
		_exit(!other && ours && now ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(c, &status, 0), c);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff),
		cmocka_unit_test(crash_restarts_with_backoff),
		cmocka_unit_test(stop_ends_cleanly),
		cmocka_unit_test(worker_dies_with_supervisor),
		cmocka_unit_test(gives_up),
		cmocka_unit_test(die_with_parent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
