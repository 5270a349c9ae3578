/*
 * supervise — keep one worker process alive until told to stop.
 *
 * supervise() forks a worker that runs a function, and when the worker
 * ends starts it again after a pause that doubles while workers keep dying
 * early (1, 2, 4, ... SUPERVISE_DELAY_MAX units) and starts over after one
 * ran SUPERVISE_STABLE units; each end is logged on stderr with the pause.
 * SIGINT or SIGTERM to the supervisor stops it: the worker gets SIGTERM and
 * is waited for; during a pause it returns at once.  A worker that exits
 * with give_up_status could not start at all: the supervisor gives up.
 *
 * Each worker binds its life to the supervisor (PR_SET_PDEATHSIG, SIGTERM):
 * a supervisor killed outright leaves no worker behind.  With
 * supervise_die_with_parent() the supervisor does the same towards its own
 * parent — for `make run`, not for a service manager's unit.
 *
 * The unit of the pauses is a second in the programs; tests make it short.
 * manyi-fcgi is the one program that uses it; a unit test drives it with
 * workers that crash or wait for the stop.
 */
#ifndef MANYI_SUPERVISE_H
#define MANYI_SUPERVISE_H

#include <stdbool.h>
#include <sys/types.h>

/* A worker that ran this many units was fine: the pause starts over. */
#define SUPERVISE_STABLE 30
/* The longest pause, in units. */
#define SUPERVISE_DELAY_MAX 8

struct supervisor {
	/* Messages start "NAME: ", e.g. "manyi-fcgi". */
	const char *name;
	/* Runs in each worker process with the signal mask supervise() was
	 * called with; its return value is the worker's exit status. */
	int (*work)(void *arg);
	void *arg;
	/* A worker's exit status that means "no worker can start": give up.
	 * 0 for none. */
	int give_up_status;
	/* Milliseconds in a unit of pause; 0 means 1000 (seconds). */
	unsigned unit_ms;
	/* When not NULL, called in the supervisor after each worker ended
	 * (status as from waitpid) with the pause about to be taken, in units. */
	void (*ended)(void *ctx, pid_t worker, int status, unsigned delay);
	void *ctx;
};

/*
 * Supervise s's workers until SIGINT or SIGTERM (0), or until a worker
 * exits with give_up_status or fork fails (1; the reason on stderr).  The
 * calling process must have no other threads that take INT, TERM or CHLD;
 * the signal mask is restored on return.
 */
int supervise(const struct supervisor *s);

/*
 * The pause, in units, before starting a worker again that ended after
 * ran units, given the previous pause (0 when none yet): 1, 2, 4, ... up to
 * SUPERVISE_DELAY_MAX while workers keep dying early, 1 again after a worker
 * ran SUPERVISE_STABLE.
 */
unsigned supervise_backoff(unsigned previous, double ran);

/*
 * Ask for SIGTERM when this process's parent ends.  parent is the pid the
 * parent is expected to have (0: whatever getppid() says now).  False, with
 * nothing to undo, when the parent has already gone (this process was
 * reparented) or the kernel refuses: do not start then.
 */
bool supervise_die_with_parent(pid_t parent);

#endif
