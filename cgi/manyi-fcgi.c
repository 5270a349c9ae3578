/*
 * manyi-fcgi — the FastCGI application nginx talks to.
 *
 *   manyi-fcgi [--db PATH] [--socket PATH] [--threads N] [--queue N] [--foreground]
 *
 * Opens the listening socket, then supervises a worker process that serves
 * requests with N threads and holds up to --queue accepted requests for
 * them, answering 503 beyond (fcgi.h).  A worker that dies is started again
 * (the socket stays open, so nginx's connections wait rather than fail).
 * SIGINT or SIGTERM stops cleanly: requests in flight are finished first.
 * --foreground serves in this process without a supervisor.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fcgi.h"
#include "manyi_init.h"
#include "throttle.h"

#define EXIT_NO_WORKERS 3

static void *signal_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;
	while (sigwait(set, &sig) == 0) {
		if (sig == SIGINT || sig == SIGTERM) {
			fcgi_stop();
			return NULL;
		}
	}
	return NULL;
}

/* What a worker serves with. */
struct serving {
	int fd;
	const char *db;
	int threads;
	int queue;
};

/* The worker: threads serve until a stop signal; exit status for the parent. */
static int run_workers(const struct serving *sv)
{
	sigset_t set;
	pthread_t st;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&st, NULL, signal_thread, &set) != 0)
		return 1;
	int rc = fcgi_serve(sv->fd, sv->db, sv->threads, sv->queue);
	if (rc != 0)
		return EXIT_NO_WORKERS;
	pthread_join(st, NULL);
	return 0;
}

static pid_t spawn(const struct serving *sv)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(run_workers(sv)); /* INT and TERM stay blocked */
	return pid;
}

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Keep one worker process alive until told to stop. */
static int supervise(const struct serving *sv)
{
	sigset_t set;
	int sig;
	unsigned delay = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);

	double started = now_seconds();
	pid_t child = spawn(sv);
	if (child < 0) {
		perror("manyi-fcgi: fork");
		return 1;
	}
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGINT || sig == SIGTERM) {
			int status;
			kill(child, SIGTERM);
			while (waitpid(child, &status, 0) < 0 && errno == EINTR)
				;
			return 0;
		}
		/* SIGCHLD */
		int status;
		pid_t p = waitpid(child, &status, WNOHANG);
		if (p != child)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NO_WORKERS) {
			fprintf(stderr, "manyi-fcgi: no worker could start; giving up\n");
			return 1;
		}
		delay = fcgi_restart_delay(delay, now_seconds() - started);
		if (WIFSIGNALED(status))
			fprintf(stderr, "manyi-fcgi: worker %d killed by signal %d; restarting in %us\n",
			        (int)child, WTERMSIG(status), delay);
		else
			fprintf(stderr, "manyi-fcgi: worker %d exited with status %d; restarting in %us\n",
			        (int)child, WEXITSTATUS(status), delay);
		/* Pause, but stop at once when told to. */
		struct timespec pause = {.tv_sec = (time_t)delay};
		siginfo_t info;
		while ((sig = sigtimedwait(&set, &info, &pause)) == SIGCHLD)
			;
		if (sig == SIGINT || sig == SIGTERM)
			return 0;
		started = now_seconds();
		if ((child = spawn(sv)) < 0) {
			perror("manyi-fcgi: fork");
			return 1;
		}
	}
}

static void usage(void)
{
	fputs("usage: manyi-fcgi [--db PATH] [--socket PATH] [--threads N] [--queue N] [--foreground]\n",
	      stderr);
	exit(2);
}

/*
 * Every queued request holds a descriptor: raise the soft limit on open
 * files (1024 under systemd unless LimitNOFILE says otherwise) to what the
 * queue, the threads' databases and the listening socket need, as far as
 * the hard limit allows.
 */
static void raise_nofile(const struct serving *sv)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)sv->queue + 4 * (rlim_t)sv->threads + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		fprintf(stderr, "manyi-fcgi: warning: open files limited to %lu, under the %lu a queue "
		        "of %d needs; raise the hard limit (LimitNOFILE=) or lower --queue\n",
		        (unsigned long)rl.rlim_cur, (unsigned long)want, sv->queue);
}

int main(int argc, char **argv)
{
	const char *db = getenv("MANYI_DB");
	const char *sock = "var/manyi.sock";
	struct serving sv = {.threads = 4, .queue = FCGI_QUEUE_DEFAULT};
	bool foreground = false;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"socket", required_argument, NULL, 's'},
		{"threads", required_argument, NULL, 't'},
		{"queue", required_argument, NULL, 'q'},
		{"foreground", no_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': sock = optarg; break;
		case 't':
			sv.threads = atoi(optarg);
			if (sv.threads < 1 || sv.threads > 64)
				usage();
			break;
		case 'q':
			sv.queue = atoi(optarg);
			if (sv.queue < 1 || sv.queue > FCGI_QUEUE_MAX)
				usage();
			break;
		case 'f': foreground = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (db == NULL || *db == '\0')
		db = "var/manyi.db";
	if (!manyi_init()) {
		fputs("manyi-fcgi: libsodium failed to start\n", stderr);
		return 1;
	}
	/* The throttle's table, made before the worker is forked: every worker
	 * shares it, and it outlives a worker that is restarted. */
	if (throttle_shared() == NULL) {
		fputs("manyi-fcgi: cannot map the throttle table\n", stderr);
		return 1;
	}
	if (access(db, R_OK | W_OK) != 0) {
		fprintf(stderr, "manyi-fcgi: %s: %s (run `manyi init` first)\n", db, strerror(errno));
		return 1;
	}
	/* From here on INT and TERM wait for sigwait(): one that comes while
	 * starting up stops the program as soon as it serves. */
	sigset_t stop_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_set, NULL);
	char msg[512];
	sv.db = db;
	raise_nofile(&sv);
	sv.fd = fcgi_listen(sock, FCGI_BACKLOG, msg, sizeof msg);
	if (sv.fd < 0) {
		fprintf(stderr, "manyi-fcgi: %s\n", msg);
		return 1;
	}
	fcgi_warn_base_url();
	fprintf(stderr, "manyi-fcgi: serving %s on %s with %d threads and a queue of %d\n", db, sock,
	        sv.threads, sv.queue);
	int rc = foreground ? run_workers(&sv) : supervise(&sv);
	if (sock[0] != ':')
		unlink(sock);
	fprintf(stderr, "manyi-fcgi: stopped\n");
	return rc;
}
