/* fcgi — see include/fcgi.h. */
#include "fcgi.h"

#include <cjson/cJSON.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "app.h"
#include "http.h"
#include "metrics.h"
#include "util.h"

static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stopping;
static int listen_sock = -1;

struct worker {
	pthread_t thread;
	int id;
	const char *db_path;
	bool started;
};

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
static void log_request(const struct http_request *req, const struct http_response *r, double ms)
{
	char ts[32];
	time_now_iso(ts, sizeof ts);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "method", req->method);
	cJSON_AddStringToObject(o, "route", r->route);
	cJSON_AddNumberToObject(o, "status", r->status);
	cJSON_AddNumberToObject(o, "ms", (double)(long)(ms * 10) / 10);
	cJSON_AddNumberToObject(o, "bytes", (double)(r->stream.run ? r->streamed : r->body.len));
	if (r->aborted)
		cJSON_AddBoolToObject(o, "aborted", true);
	char *line = cJSON_PrintUnformatted(o);
	if (line != NULL)
		fprintf(stderr, "%s\n", line);
	free(line);
	cJSON_Delete(o);
}

/* Serve one accepted request. */
static void serve_one(struct app *a, FCGX_Request *rq)
{
	struct http_response resp;
	struct timespec t0;
	const char *uri = param(rq, "DOCUMENT_URI");
	const char *cl = param(rq, "CONTENT_LENGTH");
	long len = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (*cl != '\0' && !parse_long(cl, 0, 1L << 40, &len))
		len = -1;
	if (*uri == '\0')
		uri = param(rq, "SCRIPT_NAME");
	struct http_request req = {
		.method = param(rq, "REQUEST_METHOD"),
		.path = uri,
		.query = param(rq, "QUERY_STRING"),
		.content_type = param(rq, "CONTENT_TYPE"),
		.cookie = param(rq, "HTTP_COOKIE"),
		.authorization = param(rq, "HTTP_AUTHORIZATION"),
		.accept_language = param(rq, "HTTP_ACCEPT_LANGUAGE"),
		.remote_addr = param(rq, "REMOTE_ADDR"),
		.origin = param(rq, "HTTP_ORIGIN"),
		.if_none_match = param(rq, "HTTP_IF_NONE_MATCH"),
		.https = strcmp(param(rq, "HTTPS"), "on") == 0,
		.content_length = len,
		.read = read_body,
		.read_ctx = rq,
	};
	http_response_init(&resp);
	app_handle(a, &req, &resp);
	send_response(rq, &resp);
	double ms = ms_since(&t0);
	/* A body cut short counts as the failure it is, whatever the head said. */
	metrics_request(resp.route, resp.aborted ? 500 : resp.status, ms / 1e3);
	log_request(&req, &resp, ms);
	http_response_free(&resp);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct app *a = NULL;
	FCGX_Request rq;
	char msg[512];

	if (app_new(w->db_path, &a, msg, sizeof msg) != 0) {
		fprintf(stderr, "manyi-fcgi: worker %d: %s\n", w->id, msg);
		return NULL;
	}
	FCGX_InitRequest(&rq, listen_sock, 0);
	while (!atomic_load(&stopping)) {
		pthread_mutex_lock(&accept_lock);
		int rc = atomic_load(&stopping) ? -1 : FCGX_Accept_r(&rq);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			break;
		serve_one(a, &rq);
		FCGX_Finish_r(&rq);
	}
	FCGX_Free(&rq, 1);
	app_free(a);
	return NULL;
}

int fcgi_listen(const char *where, int backlog)
{
	if (FCGX_Init() != 0)
		return -1;
	return FCGX_OpenSocket(where, backlog);
}

int fcgi_serve(int listen_fd, const char *db_path, int nthreads)
{
	struct worker *w = xcalloc((size_t)nthreads, sizeof *w);
	int started = 0;

	if (FCGX_Init() != 0) {
		free(w);
		return -1;
	}
	listen_sock = listen_fd;
	for (int i = 0; i < nthreads; i++) {
		w[i] = (struct worker){.id = i, .db_path = db_path};
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) == 0) {
			w[i].started = true;
			started++;
		}
	}
	for (int i = 0; i < nthreads; i++)
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
	free(w);
	return started > 0 && atomic_load(&stopping) ? 0 : -1;
}

void fcgi_stop(void)
{
	atomic_store(&stopping, true);
	FCGX_ShutdownPending();
	/* Wake the worker blocked in accept(); the others see `stopping`. */
	if (listen_sock >= 0)
		shutdown(listen_sock, SHUT_RDWR);
}
