/*
 * manyi-fcgi — the FastCGI application nginx talks to.
 *
 *   manyi-fcgi [--db PATH] [--socket PATH] [--threads N] [--queue N] [--foreground]
 *              [--die-with-parent[=PID]]
 *
 * Start-up only: reads the options, starts the libraries (manyi_init), maps
 * the throttle table, opens the listening socket and hands over to the
 * supervisor (supervise.h), which keeps a worker process alive that serves
 * requests with N threads (32 by default: enough answers in flight to
 * share a commit, see fcgi.h) and holds up to --queue accepted requests
 * for them, answering 503 beyond (fcgi.h).  A worker that dies is started
 * again (the socket stays open, so nginx's connections wait rather than
 * fail).
 * SIGINT or SIGTERM stops cleanly: requests in flight are finished first.
 * --foreground serves in this process without a supervisor.
 * --die-with-parent stops it (as SIGTERM does) when the process that
 * started it ends, however it ends; with =PID it refuses to start unless
 * its parent is PID (so it cannot miss a parent gone before it looked).
 * tools/stack.sh passes it for `make run` and the tests; a service
 * manager's unit must not.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fcgi.h"
#include "manyi_init.h"
#include "supervise.h"
#include "throttle.h"
#include "integrity_web.h"

/* What a worker serves with. */
struct serving {
	int fd;
	const char *db;
	int threads;
	int queue;
};

/* The supervisor's work: one worker process's life. */
static int serve(void *arg)
{
	const struct serving *sv = arg;
	return fcgi_run(sv->fd, sv->db, sv->threads, sv->queue);
}

static void usage(void)
{
	fputs("usage: manyi-fcgi [--db PATH] [--socket PATH] [--threads N] [--queue N] [--foreground]\n"
	      "                  [--die-with-parent[=PID]]\n",
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
	struct serving sv = {.threads = FCGI_THREADS_DEFAULT, .queue = FCGI_QUEUE_DEFAULT};
	bool foreground = false, with_parent = false;
	long parent = 0;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"socket", required_argument, NULL, 's'},
		{"threads", required_argument, NULL, 't'},
		{"queue", required_argument, NULL, 'q'},
		{"foreground", no_argument, NULL, 'f'},
		{"die-with-parent", optional_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': sock = optarg; break;
		case 't':
			sv.threads = atoi(optarg);
			if (sv.threads < 1 || sv.threads > FCGI_THREADS_MAX)
				usage();
			break;
		case 'q':
			sv.queue = atoi(optarg);
			if (sv.queue < 1 || sv.queue > FCGI_QUEUE_MAX)
				usage();
			break;
		case 'f': foreground = true; break;
		case 'p':
			with_parent = true;
			if (optarg != NULL) {
				char *end;
				parent = strtol(optarg, &end, 10);
				if (*optarg == '\0' || *end != '\0' || parent < 1 || parent > INT_MAX)
					usage();
			}
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (with_parent && !supervise_die_with_parent((pid_t)parent)) {
		fputs("manyi-fcgi: the process that started it is gone; not starting\n", stderr);
		return 1;
	}
	if (db == NULL || *db == '\0')
		db = "var/manyi.db";
	if (!manyi_init()) {
		fputs("manyi-fcgi: libsodium failed to start\n", stderr);
		return 1;
	}
	/* The throttle's table, made before the worker is forked: every worker
	 * shares it, and it outlives a worker that is restarted. */
	if (throttle_shared() == NULL || integrity_counts_shared() == NULL) {
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
	fcgi_warn_base_url(db);
	fprintf(stderr, "manyi-fcgi: serving %s on %s with %d threads and a queue of %d\n", db, sock,
	        sv.threads, sv.queue);
	const struct supervisor sup = {
		.name = "manyi-fcgi",
		.work = serve,
		.arg = &sv,
		.give_up_status = FCGI_EXIT_NO_WORKERS,
	};
	int rc = foreground ? serve(&sv) : supervise(&sup);
	if (sock[0] != ':')
		unlink(sock);
	fprintf(stderr, "manyi-fcgi: stopped\n");
	return rc;
}
