/*
 * http — a request and a response as the application sees them, apart
 * from how they travel (FastCGI in production, memory in unit tests).
 *
 * The FastCGI glue (fcgi.h) fills a struct http_request from the CGI
 * parameters nginx passes and writes a struct http_response back; the
 * application (app.h) never sees libfcgi.
 */
#ifndef MANYI_HTTP_H
#define MANYI_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct cJSON;
struct params;

/* Everything borrowed; strings are never NULL (empty when absent). */
struct http_request {
	const char *method;        /* "GET", "POST", ... */
	const char *path;          /* the path without the query, not decoded */
	const char *query;         /* after '?', not decoded */
	const char *content_type;
	const char *cookie;
	const char *authorization;
	const char *accept_language;
	const char *user_agent;    /* hashed for the integrity device rule, never kept; may be NULL */
	const char *remote_addr;
	const char *origin;        /* Origin, for CORS */
	const char *if_none_match; /* If-None-Match, for ETags */
	const char *idempotency_key; /* Idempotency-Key (answers from apps); may be NULL */
	const char *csrf_token;    /* X-CSRF-Token (a session's, session.h); may be NULL */
	const char *fetch_site;    /* Sec-Fetch-Site ("cross-site" from another site's page); may be NULL */
	bool https;                /* HTTPS=on from nginx, or X-Forwarded-Proto: https */
	/* The query as the route's keys read it (params.h), parsed and checked
	 * by app_handle() before the handler runs; NULL on a route that lists
	 * no keys. */
	const struct params *params;
	long content_length;       /* -1 when not given */
	/* Read up to n body bytes into buf: bytes read, 0 at the end, -1 on error. */
	long (*read)(void *ctx, char *buf, size_t n);
	void *read_ctx;
};

/* Where a streamed body goes: false when the bytes could not be sent. */
typedef bool (*http_write_fn)(void *wctx, const void *data, size_t n);

/*
 * A body too large to hold in memory (an export): written after the head,
 * without Content-Length.  run writes it through write(wctx, ...) and
 * returns false when it failed midway; the transport then cuts the
 * connection, so the client sees an incomplete body rather than a short
 * one that looks whole.  free (may be NULL) releases ctx.
 */
struct http_stream {
	bool (*run)(void *ctx, http_write_fn write, void *wctx);
	void (*free)(void *ctx);
	void *ctx;
};

struct http_response {
	int status;
	const char *route;         /* the route's name for logs and metrics (a literal) */
	const char *content_type;  /* a literal, e.g. "text/html; charset=utf-8" */
	struct sbuf headers;       /* extra "Name: value\r\n" lines */
	struct sbuf body;
	struct http_stream stream; /* run != NULL: the body is streamed, body unused */
	size_t streamed;           /* bytes the stream wrote (for logs) */
	bool head_only;            /* HEAD: the head as for GET (Content-Length of body, none
	                            * for a stream); neither body nor stream is sent */
	bool aborted;              /* the stream failed and the connection was cut */
};

/* An empty 200 response: route "other", text/plain; charset=utf-8. */
void http_response_init(struct http_response *r);
/* Free what r holds, the stream's ctx too (stream.free); accepts NULL. */
void http_response_free(struct http_response *r);
/* Add a header (name and value borrowed); name must hold no CR, LF or ':'
 * and value no CR or LF (aborts otherwise). */
void http_header(struct http_response *r, const char *name, const char *value);

/*
 * Read the whole body into out (caller-initialised), refusing more than cap
 * bytes before reading when Content-Length says so, and while reading
 * otherwise.  Returns 0, or the HTTP status to answer: 413 too large,
 * 400 truncated or unreadable.
 */
int http_read_body(const struct http_request *req, size_t cap, struct sbuf *out);

/* The reason phrase of a status ("Not Found"). */
const char *http_reason(int status);

/* Replace the body with root as one line of JSON (takes ownership of and
 * frees root), and set the status and the JSON content type. */
void http_json(struct http_response *r, int status, struct cJSON *root);
/*
 * The error shape of CONTRACT §4: {"error": {"code": ..., "message": ...}}.
 * code and message are borrowed; fields, when not NULL, is added to the
 * error object under "fields" (takes ownership).
 */
void http_json_error(struct http_response *r, int status, const char *code,
                     const char *message, struct cJSON *fields);

/*
 * Decode the query parameter name into out (capacity n); the first one when
 * it is there twice.  False when absent, when the query is malformed, or
 * when the value is too long.  query may be NULL.
 */
bool http_query_get(const char *query, const char *name, char *out, size_t n);
/* Is the parameter there at all (even too long for a buffer)?  In a query
 * that cannot be decoded, true when name is written anywhere in it. */
bool http_query_has(const char *query, const char *name);

#endif
