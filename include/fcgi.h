/*
 * fcgi — the FastCGI glue: the only module that includes libfcgi.
 *
 * fcgi_serve() runs one acceptor and a pool of serving threads on a
 * listening socket.  The acceptor takes each connection nginx makes as soon
 * as it comes (so nginx never finds the listen backlog full, which it would
 * answer 502) and queues it; each serving thread owns a struct app (and so
 * its own SQLite connection), takes one queued request at a time, turns the
 * CGI parameters nginx sends into a struct http_request, calls app_handle()
 * and writes the response back.  Answers from all serving threads are
 * stored through one group commit (commit.h in src/web: a committer thread
 * with its own connection puts the answers waiting at one moment in one
 * transaction), and a thread answers its request only once that COMMIT
 * has returned.  When the queue is full the acceptor answers the request
 * itself at once: 503, Retry-After, nothing stored (app_overloaded()).
 *
 * fcgi_stop() (safe to call from any thread) stops the accepting; the
 * serving threads finish the request they are serving and every queued one,
 * then return; fcgi_serve() returns once all of them have.  Nothing else
 * ends a worker that has started: a failed accept (out of file descriptors,
 * say) is logged once and tried again after a short pause.
 */
#ifndef MANYI_FCGI_H
#define MANYI_FCGI_H

#include <stddef.h>

/* The listen backlog manyi-fcgi asks for (Linux caps it at net.core.somaxconn). */
#define FCGI_BACKLOG 4096
/*
 * Serving threads, by default and at most.  A thread that has sent an
 * answer to the group commit waits, idle, for its COMMIT, so a batch holds
 * at most one answer a thread: the threads, not the disk, bound how many
 * answers one fsync carries.  32 lets 32 clients' answers in flight share
 * a commit (4 capped the server near 3,000 answers/s on a disk that
 * commits ~2,700 single rows/s).  Each thread holds a SQLite connection
 * (its page cache at most ~2 MB) and 4 file descriptors at most.
 */
#define FCGI_THREADS_DEFAULT 32
#define FCGI_THREADS_MAX 256
/* Requests accepted and waiting for a serving thread, by default. */
#define FCGI_QUEUE_DEFAULT 1024
#define FCGI_QUEUE_MAX 65536

enum fcgi_err {
	FCGI_OK,
	FCGI_ERR_LIB,        /* libfcgi could not start (FCGX_Init) */
	FCGI_ERR_NO_WORKERS, /* no serving thread could start */
	FCGI_ERR__MAX
};

/* A sentence for e, for logs. */
const char *fcgi_strerror(enum fcgi_err e);

/*
 * Serve on listen_fd (borrowed; see fcgi_listen()) with nthreads serving
 * threads using the database at db_path (borrowed), holding up to
 * queue_size accepted requests (1..FCGI_QUEUE_MAX) for them.  Returns
 * FCGI_OK after fcgi_stop(), or at once FCGI_ERR_LIB, or
 * FCGI_ERR_NO_WORKERS when no thread could start (could not open the
 * database; each worker's reason is logged on stderr).
 */
enum fcgi_err fcgi_serve(int listen_fd, const char *db_path, int nthreads, int queue_size);

/* Ask fcgi_serve() to return after in-flight requests finish. */
void fcgi_stop(void);

/*
 * Open a FastCGI listening socket: a unix socket path or ":port".  A socket
 * file nobody listens on (left by a crash) is replaced; one a server still
 * listens on, or a path that is not a socket, is refused.  A unix socket is
 * made mode 0660 (nginx connects through the group).  Returns the fd, or -1
 * with the reason in msg (n bytes).
 */
int fcgi_listen(const char *where, int backlog, char *msg, size_t n);

/*
 * Read the database's base URL setting (invite_base_url_load(), so that the
 * workers forked afterwards make links with it) and warn on stderr when
 * the setting cannot be read (links use the default until a restart), and
 * when links in invitations, QR codes and notices would not work for
 * respondents, who open them on their own phones: a loopback address (also
 * the default when nothing is set).  A database that cannot be opened is
 * not reported here.
 */
void fcgi_warn_base_url(const char *db_path);

/* The exit status of a worker none of whose serving threads could start. */
#define FCGI_EXIT_NO_WORKERS 3

/*
 * A worker's whole life, in the process that serves: fcgi_serve() until
 * SIGINT or SIGTERM, which a thread of its own waits for (the others block
 * them; SIGPIPE is ignored).  Returns the process's exit status: 0 after a
 * stop, FCGI_EXIT_NO_WORKERS when fcgi_serve() failed (no serving thread
 * could start; the reason on stderr), 1 when the signal thread could not.
 * manyi-fcgi runs it in place (--foreground) or as the work of supervise()
 * (supervise.h).
 */
int fcgi_run(int listen_fd, const char *db_path, int nthreads, int queue_size);

#endif
