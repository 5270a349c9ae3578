/* supervise — see include/supervise.h. */
#include "supervise.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

unsigned supervise_backoff(unsigned previous, double ran)
{
	if (previous == 0 || ran >= SUPERVISE_STABLE)
		return 1;
	return previous >= SUPERVISE_DELAY_MAX / 2 ? SUPERVISE_DELAY_MAX : previous * 2;
}

bool supervise_die_with_parent(pid_t parent)
{
	if (parent == 0)
		parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
		return false;
	/* Reparented before the prctl: the signal will never come. */
	return getppid() == parent;
}

/* Fork a worker that runs s->work with the caller's signal mask (mask). */
static pid_t spawn(const struct supervisor *s, const sigset_t *mask, double *started)
{
	pid_t self = getpid();
	*started = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", s->name, strerror(errno));
	} else if (pid == 0) {
		/* A worker whose supervisor is gone would serve unsupervised. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != self)
			_exit(0);
		sigprocmask(SIG_SETMASK, mask, NULL);
		_exit(s->work(s->arg));
	}
	return pid;
}

/* Wait ms milliseconds; true when a stop signal came first. */
static bool pause_stopped(const sigset_t *set, double ms)
{
	double end = now_ms() + ms;
	for (;;) {
		double left = end - now_ms();
		if (left <= 0)
			return false;
		long long ns = (long long)(left * 1e6);
		struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000)};
		int sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			return true;
		if (sig < 0 && errno == EAGAIN)
			return false;
		/* SIGCHLD of no worker of ours, or EINTR: wait on. */
	}
}

static void log_end(const struct supervisor *s, pid_t pid, int status, unsigned delay,
                    unsigned unit)
{
	char pause[32];
	if (unit == 1000)
		snprintf(pause, sizeof pause, "%us", delay);
	else
		snprintf(pause, sizeof pause, "%ums", delay * unit);
	if (WIFSIGNALED(status))
		fprintf(stderr, "%s: worker %d killed by signal %d; restarting in %s\n", s->name,
		        (int)pid, WTERMSIG(status), pause);
	else
		fprintf(stderr, "%s: worker %d exited with status %d; restarting in %s\n", s->name,
		        (int)pid, WEXITSTATUS(status), pause);
}

int supervise(const struct supervisor *s)
{
	sigset_t set, old;
	unsigned unit = s->unit_ms != 0 ? s->unit_ms : 1000;
	unsigned delay = 0;
	double started;
	int sig, status, rc = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);

	pid_t child = spawn(s, &old, &started);
	if (child < 0)
		goto done;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGINT || sig == SIGTERM) {
			kill(child, SIGTERM);
			while (waitpid(child, &status, 0) < 0 && errno == EINTR)
				;
			rc = 0;
			goto done;
		}
		/* SIGCHLD */
		if (waitpid(child, &status, WNOHANG) != child)
			continue;
		if (s->give_up_status != 0 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == s->give_up_status) {
			fprintf(stderr, "%s: no worker could start; giving up\n", s->name);
			goto done;
		}
		delay = supervise_backoff(delay, (now_ms() - started) / unit);
		log_end(s, child, status, delay, unit);
		if (s->ended != NULL)
			s->ended(s->ctx, child, status, delay);
		/* Pause, but stop at once when told to. */
		if (pause_stopped(&set, (double)delay * unit)) {
			rc = 0;
			goto done;
		}
		if ((child = spawn(s, &old, &started)) < 0)
			goto done;
	}
done:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
