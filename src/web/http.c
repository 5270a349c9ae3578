/* http — see http.h. */
#include "http.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

void http_response_init(struct http_response *r)
{
	r->status = 200;
	r->route = "other";
	r->content_type = "text/plain; charset=utf-8";
	sbuf_init(&r->headers);
	sbuf_init(&r->body);
	r->stream = (struct http_stream){0};
	r->streamed = 0;
	r->aborted = false;
	r->head_only = false;
}

void http_response_free(struct http_response *r)
{
	if (r == NULL)
		return;
	sbuf_free(&r->headers);
	sbuf_free(&r->body);
	if (r->stream.free != NULL)
		r->stream.free(r->stream.ctx);
	r->stream = (struct http_stream){0};
}

void http_header(struct http_response *r, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
		fprintf(stderr, "manyi: refusing header with CR/LF: %s\n", name);
		abort();
	}
	sbuf_printf(&r->headers, "%s: %s\r\n", name, value);
}

int http_read_body(const struct http_request *req, size_t cap, struct sbuf *out)
{
	char buf[16384];
	if (req->content_length > 0 && (size_t)req->content_length > cap)
		return 413;
	for (;;) {
		long n = req->read(req->read_ctx, buf, sizeof buf);
		if (n < 0)
			return 400;
		if (n == 0)
			break;
		if (out->len + (size_t)n > cap)
			return 413;
		sbuf_add(out, buf, (size_t)n);
	}
	if (req->content_length >= 0 && out->len != (size_t)req->content_length)
		return 400;
	return 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void http_json(struct http_response *r, int status, struct cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	sbuf_reset(&r->body);
	sbuf_adds(&r->body, text);
	sbuf_addc(&r->body, '\n');
	free(text);
	cJSON_Delete(root);
}

void http_json_error(struct http_response *r, int status, const char *code,
                     const char *message, struct cJSON *fields)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *err = cJSON_AddObjectToObject(root, "error");
	cJSON_AddStringToObject(err, "code", code);
	cJSON_AddStringToObject(err, "message", message);
	if (fields != NULL)
		cJSON_AddItemToObject(err, "fields", fields);
	http_json(r, status, root);
}

bool http_query_has(const char *query, const char *name)
{
	struct pairs p;
	bool has;
	pairs_init(&p);
	if (query != NULL && form_parse(query, strlen(query), &p) == FORM_OK)
		has = pairs_get(&p, name) != NULL;
	else /* unparsable: present when it is written there at all */
		has = query != NULL && strstr(query, name) != NULL;
	pairs_free(&p);
	return has;
}

bool http_query_get(const char *query, const char *name, char *out, size_t n)
{
	struct pairs p;
	bool found = false;
	pairs_init(&p);
	if (query != NULL && form_parse(query, strlen(query), &p) == FORM_OK) {
		const char *v = pairs_get(&p, name);
		if (v != NULL && strlen(v) < n) {
			memcpy(out, v, strlen(v) + 1);
			found = true;
		}
	}
	pairs_free(&p);
	return found;
}
