/* fcgi — see include/fcgi.h. */
#include "fcgi.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcgiapp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "commit.h"
#include "followup.h"
#include "followup_due.h"
#include "http.h"
#include "invite.h"
#include "metrics.h"
#include "store.h"
#include "util.h"

/* The longest pause between two accept attempts that failed. */
#define ACCEPT_BACKOFF_MAX_MS 1000

static atomic_bool stopping;
static int listen_sock = -1;
/* fcgi_stop() wakes workers pausing after a failed accept. */
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;

/* Accepted requests waiting for a serving thread: a ring of cap slots. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t ready; /* a request was queued, or the queue closed */
	FCGX_Request **v;
	size_t cap, head, n;
	bool closed;
} queue = {.lock = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER};

/* A CGI parameter, or "" when absent. */
static const char *param(FCGX_Request *rq, const char *name)
{
	const char *v = FCGX_GetParam(name, rq->envp);
	return v ? v : "";
}

static long read_body(void *ctx, char *buf, size_t n)
{
	FCGX_Request *rq = ctx;
	int got = FCGX_GetStr(buf, (int)(n > 65536 ? 65536 : n), rq->in);
	if (got < 0 || FCGX_GetError(rq->in) != 0)
		return -1;
	return got;
}

/*
 * Write status line, headers and body.  The head is formatted here:
 * libfcgi's own printf knows no %zu.
 */
struct stream_out {
	FCGX_Request *rq;
	size_t bytes;
};

static bool stream_write(void *wctx, const void *data, size_t n)
{
	struct stream_out *so = wctx;
	while (n > 0) {
		int k = n > (1u << 30) ? 1 << 30 : (int)n;
		if (FCGX_PutStr(data, k, so->rq->out) != k)
			return false;
		data = (const char *)data + k;
		n -= (size_t)k;
		so->bytes += (size_t)k;
	}
	return true;
}

static void send_response(FCGX_Request *rq, struct http_response *r)
{
	struct sbuf head;
	sbuf_init(&head);
	sbuf_printf(&head, "Status: %d %s\r\nContent-Type: %s\r\n", r->status, http_reason(r->status),
	            r->content_type);
	if (r->stream.run == NULL)
		sbuf_printf(&head, "Content-Length: %zu\r\n", r->body.len);
	sbuf_printf(&head, "%s\r\n", r->headers.data);
	FCGX_PutStr(head.data, (int)head.len, rq->out);
	sbuf_free(&head);
	if (r->head_only)
		return; /* HEAD: GET's Content-Length (none for a stream), no body */
	if (r->stream.run != NULL) {
		struct stream_out so = {.rq = rq};
		if (!r->stream.run(r->stream.ctx, stream_write, &so)) {
			/* Cut the connection: nginx then ends the client's response
			 * without its last chunk, and the client knows it is short. */
			fprintf(stderr, "manyi-fcgi: a streamed body failed after %zu bytes; "
			        "cutting the connection\n", so.bytes);
			shutdown(rq->ipcFd, SHUT_RDWR);
			r->aborted = true;
		}
		r->streamed = so.bytes;
		return;
	}
	if (r->body.len > 0)
		FCGX_PutStr(r->body.data, (int)r->body.len, rq->out);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * One JSON line per request on stderr.  The route name, never the query
 * (it may hold an invitation token) and never the client's address.
 */
/* s as the inside of a JSON string into out (n bytes): ASCII kept, '"', '\\'
 * and every other byte escaped (a method is whatever the client sent). */
static void json_chars(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; s != NULL && *s != '\0' && k + 7 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, n - k, "\\u%04x", c);
	}
	out[k] = '\0';
}

static void log_request(const struct http_request *req, const struct http_response *r, double ms)
{
	/* Made by hand, not through cJSON: a line per request, on the form's
	 * hot path.  The time's text is made once a second per thread. */
	static _Thread_local time_t ts_at = -1;
	static _Thread_local char ts[32];
	char method[64], line[256];
	time_t now = time(NULL);
	if (now != ts_at) {
		time_iso(ts, sizeof ts, now);
		ts_at = now;
	}
	json_chars(req->method, method, sizeof method);
	/* ms to the tenth, as a JSON number: 12.3, or 12 when the tenth is 0 */
	long tenths = (long)(ms * 10);
	char msbuf[32];
	if (tenths % 10 != 0)
		snprintf(msbuf, sizeof msbuf, "%ld.%ld", tenths / 10, tenths % 10);
	else
		snprintf(msbuf, sizeof msbuf, "%ld", tenths / 10);
	size_t bytes = r->head_only ? 0 : r->stream.run ? r->streamed : r->body.len;
	int len = snprintf(line, sizeof line,
	                   "{\"ts\":\"%s\",\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,"
	                   "\"ms\":%s,\"bytes\":%zu%s}\n",
	                   ts, method, r->route ? r->route : "", r->status, msbuf, bytes,
	                   r->aborted ? ",\"aborted\":true" : "");
	fwrite(line, 1, len > 0 && (size_t)len < sizeof line ? (size_t)len : strlen(line), stderr);
}

/* The request nginx sent, as the application sees it (borrows from rq). */
static struct http_request request_of(FCGX_Request *rq)
{
	const char *uri = param(rq, "DOCUMENT_URI");
	const char *cl = param(rq, "CONTENT_LENGTH");
	long len = -1;

	if (*cl != '\0' && !parse_long(cl, 0, 1L << 40, &len))
		len = -1;
	if (*uri == '\0')
		uri = param(rq, "SCRIPT_NAME");
	return (struct http_request){
		.method = param(rq, "REQUEST_METHOD"),
		.path = uri,
		.query = param(rq, "QUERY_STRING"),
		.content_type = param(rq, "CONTENT_TYPE"),
		.cookie = param(rq, "HTTP_COOKIE"),
		.authorization = param(rq, "HTTP_AUTHORIZATION"),
		.idempotency_key = param(rq, "HTTP_IDEMPOTENCY_KEY"),
		.accept_language = param(rq, "HTTP_ACCEPT_LANGUAGE"),
		.user_agent = param(rq, "HTTP_USER_AGENT"),
		.remote_addr = param(rq, "REMOTE_ADDR"),
		.origin = param(rq, "HTTP_ORIGIN"),
		.if_none_match = param(rq, "HTTP_IF_NONE_MATCH"),
		.csrf_token = param(rq, "HTTP_X_CSRF_TOKEN"),
		.fetch_site = param(rq, "HTTP_SEC_FETCH_SITE"),
		.https = strcmp(param(rq, "HTTPS"), "on") == 0 ||
		         strcasecmp(param(rq, "HTTP_X_FORWARDED_PROTO"), "https") == 0,
		.content_length = len,
		.read = read_body,
		.read_ctx = rq,
	};
}

/* Send resp, count and log it, then free it. */
static void respond(FCGX_Request *rq, const struct http_request *req, struct http_response *resp,
                    const struct timespec *t0)
{
	send_response(rq, resp);
	double ms = ms_since(t0);
	/* A body cut short counts as the failure it is, whatever the head said. */
	metrics_request(resp->route, resp->aborted ? 500 : resp->status, ms / 1e3);
	log_request(req, resp, ms);
	http_response_free(resp);
}

/* Serve one accepted request. */
static void serve_one(struct app *a, FCGX_Request *rq)
{
	struct http_response resp;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct http_request req = request_of(rq);
	http_response_init(&resp);
	app_handle(a, &req, &resp);
	respond(rq, &req, &resp, &t0);
}

/*
 * Turn a request away with 503 (app_overloaded()), nothing stored.  The
 * body is read to its end first: nginx has it whole (it buffers request
 * bodies) and must be able to finish sending it, or it would answer the
 * client 502 instead of our 503.
 */
static void reject_one(FCGX_Request *rq)
{
	struct http_response resp;
	struct timespec t0;
	char buf[16384];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct http_request req = request_of(rq);
	while (read_body(rq, buf, sizeof buf) > 0)
		;
	http_response_init(&resp);
	app_overloaded(&req, &resp);
	respond(rq, &req, &resp, &t0);
}

/* End a request and release it: rq is no longer valid after the call. */
static void request_end(FCGX_Request *rq)
{
	FCGX_Finish_r(rq);
	FCGX_Free(rq, 1);
	free(rq);
}

/*
 * Has nginx closed the connection while the request waited in the queue
 * (its client gave up, or fastcgi_read_timeout passed)?  Then nobody will
 * read the answer: better not to store it.
 */
static bool peer_gone(const FCGX_Request *rq)
{
	struct pollfd p = {.fd = rq->ipcFd, .events = POLLRDHUP};
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/* Append to the queue: false (and nothing queued) when it is full. */
static bool queue_push(FCGX_Request *rq)
{
	bool ok;
	pthread_mutex_lock(&queue.lock);
	ok = queue.n < queue.cap;
	if (ok) {
		queue.v[(queue.head + queue.n) % queue.cap] = rq;
		queue.n++;
		pthread_cond_signal(&queue.ready);
	}
	pthread_mutex_unlock(&queue.lock);
	return ok;
}

/* The oldest queued request; waits for one.  NULL once the queue is closed and empty. */
static FCGX_Request *queue_pop(void)
{
	FCGX_Request *rq = NULL;
	pthread_mutex_lock(&queue.lock);
	while (queue.n == 0 && !queue.closed)
		pthread_cond_wait(&queue.ready, &queue.lock);
	if (queue.n > 0) {
		rq = queue.v[queue.head];
		queue.head = (queue.head + 1) % queue.cap;
		queue.n--;
	}
	pthread_mutex_unlock(&queue.lock);
	return rq;
}

/* No more requests will come: the serving threads end once the queue is empty. */
static void queue_close(void)
{
	pthread_mutex_lock(&queue.lock);
	queue.closed = true;
	pthread_cond_broadcast(&queue.ready);
	pthread_mutex_unlock(&queue.lock);
}

/* Wait ms milliseconds, or until fcgi_stop() is called. */
static void pause_unless_stopped(long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&stop_lock);
	while (!atomic_load(&stopping) &&
	       pthread_cond_timedwait(&stop_cond, &stop_lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&stop_lock);
}

/* A serving thread: queued requests, one at a time, until the queue closes. */
static void *worker_main(void *arg)
{
	struct app *a = arg;
	FCGX_Request *rq;

	while ((rq = queue_pop()) != NULL) {
		if (peer_gone(rq)) {
			fputs("manyi-fcgi: a queued request was dropped: nginx had closed its connection\n",
			      stderr);
		} else {
			serve_one(a, rq);
		}
		request_end(rq);
	}
	return NULL;
}

/*
 * The acceptor: takes every connection nginx makes as soon as it comes and
 * queues it for the serving threads, or answers it 503 at once when the
 * queue is full, so that nginx never finds the listen backlog full (which
 * it reports to the client as 502).  Returns at the stop.
 */
static void accept_loop(void)
{
	long backoff_ms = 0;
	bool failing = false;

	while (!atomic_load(&stopping)) {
		FCGX_Request *rq = xmalloc(sizeof *rq);
		FCGX_InitRequest(rq, listen_sock, 0);
		int rc = FCGX_Accept_r(rq);
		if (rc < 0) {
			FCGX_Free(rq, 1);
			free(rq);
			if (atomic_load(&stopping))
				break;
			if (!failing)
				fprintf(stderr, "manyi-fcgi: accept failed: %s; retrying\n",
				        rc == -9999 ? "unknown error" : strerror(-rc));
			failing = true;
			/* A hard accept error (EMFILE, ENFILE, ENOBUFS, ...) passes:
			 * pause and try again rather than end, which would take
			 * the whole service down. */
			backoff_ms = backoff_ms == 0 ? 10 : backoff_ms * 2;
			if (backoff_ms > ACCEPT_BACKOFF_MAX_MS)
				backoff_ms = ACCEPT_BACKOFF_MAX_MS;
			pause_unless_stopped(backoff_ms);
			continue;
		}
		if (failing)
			fputs("manyi-fcgi: accepting connections again\n", stderr);
		failing = false;
		backoff_ms = 0;
		if (!queue_push(rq)) {
			reject_one(rq);
			request_end(rq);
		}
	}
}

/*
 * Make way for a unix socket at path: nothing there, or a socket file nobody
 * listens on (left by a crash, removed here).  A socket that accepts a
 * connection belongs to a running server; taking its path over would cut it
 * off from nginx without a word.
 */
static bool unix_path_free(const char *path, char *msg, size_t n)
{
	struct stat st;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return true;
		snprintf(msg, n, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(msg, n, "%s exists and is not a socket; not replacing it", path);
		return false;
	}
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(msg, n, "%s: socket path too long", path);
		return false;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(msg, n, "socket: %s", strerror(errno));
		return false;
	}
	int rc = connect(fd, (const struct sockaddr *)&sa, sizeof sa);
	int err = errno;
	close(fd);
	if (rc == 0 || err == EAGAIN) {
		snprintf(msg, n, "%s: another server is already listening on this socket "
		         "(a running manyi-fcgi?); stop it first or choose another --socket", path);
		return false;
	}
	if (err != ECONNREFUSED) {
		snprintf(msg, n, "%s: cannot tell whether a server listens there: %s", path, strerror(err));
		return false;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(msg, n, "%s: cannot remove the stale socket: %s", path, strerror(errno));
		return false;
	}
	return true;
}

/*
 * FCGX_Init(), idempotent.  libfcgi catches SIGTERM and SIGUSR1 by setting
 * a flag that makes every later accept fail, for good: the program stops
 * through fcgi_stop() instead, so both get their default action back (a
 * stray one ends the worker, which the supervisor starts again).
 */
static int lib_init(void)
{
	if (FCGX_Init() != 0)
		return -1;
	signal(SIGTERM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

int fcgi_listen(const char *where, int backlog, char *msg, size_t n)
{
	bool unix_path = where[0] != ':';
	if (lib_init() != 0) {
		snprintf(msg, n, "libfcgi failed to start");
		return -1;
	}
	if (unix_path && !unix_path_free(where, msg, n))
		return -1;
	int fd = FCGX_OpenSocket(where, backlog);
	if (fd < 0) {
		snprintf(msg, n, "cannot listen on %s", where);
		return -1;
	}
	if (unix_path)
		chmod(where, 0660);
	return fd;
}

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

int fcgi_run(int listen_fd, const char *db_path, int nthreads, int queue_size)
{
	static sigset_t set; /* the signal thread's, for as long as the process lives */
	pthread_t st;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&st, NULL, signal_thread, &set) != 0)
		return 1;
	enum fcgi_err e = fcgi_serve(listen_fd, db_path, nthreads, queue_size);
	if (e != FCGI_OK) {
		fprintf(stderr, "manyi-fcgi: %s\n", fcgi_strerror(e));
		return FCGI_EXIT_NO_WORKERS;
	}
	pthread_join(st, NULL);
	return 0;
}

const char *fcgi_strerror(enum fcgi_err e)
{
	static const char *const text[FCGI_ERR__MAX] = {
		[FCGI_OK] = "ok",
		[FCGI_ERR_LIB] = "libfcgi could not start",
		[FCGI_ERR_NO_WORKERS] = "no serving thread could start",
	};
	if ((unsigned)e >= FCGI_ERR__MAX)
		return "unknown error";
	return text[e];
}

enum fcgi_err fcgi_serve(int listen_fd, const char *db_path, int nthreads, int queue_size)
{
	pthread_t *threads = xcalloc((size_t)nthreads, sizeof *threads);
	struct app **apps = xcalloc((size_t)nthreads, sizeof *apps);
	struct committer *committer = NULL;
	int started = 0;
	enum fcgi_err rc = FCGI_ERR_NO_WORKERS;
	char msg[512];

	if (lib_init() != 0) {
		rc = FCGI_ERR_LIB;
		goto done;
	}
	listen_sock = listen_fd;
	followup_set_due(followup_due_calendar); /* before any thread: a case's deadlines */
	queue.cap = (size_t)queue_size;
	queue.v = xcalloc(queue.cap, sizeof *queue.v);
	/* Answers from all serving threads share the committer's transactions
	 * (commit.h); without it each commits alone, slower but as safe. */
	if (commit_start(db_path, &committer, msg, sizeof msg) != STORE_OK)
		fprintf(stderr, "manyi-fcgi: no group commit, answers commit one by one: %s\n", msg);
	/* Each serving thread owns a database connection, opened here so that
	 * nothing is accepted when none could be. */
	for (int i = 0; i < nthreads; i++) {
		if (app_new(db_path, &apps[i], msg, sizeof msg) != 0)
			fprintf(stderr, "manyi-fcgi: worker %d: %s\n", i, msg);
		else
			app_set_committer(apps[i], committer);
	}
	for (int i = 0; i < nthreads; i++)
		if (apps[i] != NULL && pthread_create(&threads[started], NULL, worker_main, apps[i]) == 0)
			started++;
	if (started > 0) {
		accept_loop();
		rc = FCGI_OK;
	}
	/* The stop: requests in flight and in the queue are answered first. */
	queue_close();
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
done:
	/* After the serving threads: none of them waits on a commit any more. */
	commit_stop(committer);
	for (int i = 0; i < nthreads; i++)
		app_free(apps[i]);
	free(queue.v);
	free(apps);
	free(threads);
	return rc;
}

/* See fcgi.h. */
void fcgi_warn_base_url(const char *db_path)
{
	struct store *s;
	char msg[256];
	if (store_open(db_path, false, &s, msg, sizeof msg) == STORE_OK) {
		enum store_err e = invite_base_url_load(s);
		if (e != STORE_OK)
			fprintf(stderr, "manyi-fcgi: warning: the base URL setting could not be read (%s): "
			        "links use the default until a restart\n", store_strerror(e));
		store_close(s);
	}
	const char *url = invite_base_url();
	if (invite_url_is_loopback(url))
		fprintf(stderr, "manyi-fcgi: warning: links in invitations, QR codes and notices point to %s, "
		        "which only this machine can open; set the public address with "
		        "`manyi init --base-url https://...` (or MANYI_BASE_URL)\n", url);
}

void fcgi_stop(void)
{
	pthread_mutex_lock(&stop_lock);
	atomic_store(&stopping, true);
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&stop_lock);
	FCGX_ShutdownPending();
	/* Wake the worker blocked in accept(); the others see `stopping`. */
	if (listen_sock >= 0)
		shutdown(listen_sock, SHUT_RDWR);
}
