/*
 * handler_export — microdata for evaluators: GET /api/v1/export (the same
 * bytes as `manyi export`, streamed) and GET /api/v1/responses (pages of
 * answers with a cursor); see app_internal.h.  Agency keys never
 * get here: single respondents' answers are the evaluator's only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "encounter.h"
#include "export.h"
#include "params.h"

#define PAGE_DEFAULT 100
#define XLSX_ROWS_MAX 1048575

/* A key, and an evaluator's: 0, or the status answered (401, 403). */
static int require_evaluator(struct app *a, const struct http_request *req, struct http_response *r)
{
	struct principal p;
	int status = app_require_key(a, req, r, &p);
	if (status != 0)
		return status;
	if (p.role != ROLE_EVALUATOR) {
		http_json_error(r, 403, "forbidden",
		                "single respondents' answers are for evaluator keys only; an agency key "
		                "reads its aggregates at /api/v1/stats", NULL);
		return 403;
	}
	return 0;
}

/* The survey the query names (req->params, required): 0, or the status
 * answered (404, or 503/500 when the database could not say). */
static int survey_known(struct app *a, const struct http_request *req, struct http_response *r)
{
	int version;
	const struct survey *sv;
	enum store_err e = app_survey(a, req->params->survey, &sv, &version);
	if (e == STORE_ERR_NOTFOUND) {
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	}
	return e == STORE_OK ? 0 : app_store_failure_json(a, r, e);
}

/* The store error an export status stands for (EXPORT_BUSY, EXPORT_STORE). */
static enum store_err export_store_err(enum export_status st)
{
	return st == EXPORT_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL;
}

struct export_job {
	struct store *store;
	char survey[72], from[16], to[16];
	enum export_format format;
	struct export_options o;
};

static bool export_stream(void *ctx, http_write_fn write, void *wctx)
{
	struct export_job *j = ctx;
	char msg[512];
	enum export_status st = export_write(j->store, j->survey, j->format, &j->o, write, wctx, msg,
	                                     sizeof msg);
	if (st != EXPORT_OK)
		fprintf(stderr, "manyi-fcgi: export of %s as %s: %s\n", j->survey,
		        export_format_name(j->format), msg);
	return st == EXPORT_OK;
}

/* GET /api/v1/export?survey=&format=[&lang=zh|en][&bom=1][&from=][&to=]: `manyi export`'s bytes. */
int app_api_export(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest)
{
	const struct params *p = req->params;
	struct export_job *j;
	enum export_format f = p->format;
	int status;

	(void)rest;
	if ((status = require_evaluator(a, req, r)) != 0 || (status = survey_known(a, req, r)) != 0)
		return status;
	j = xcalloc(1, sizeof *j);
	/* The job outlives the request: it holds its own copies. */
	snprintf(j->survey, sizeof j->survey, "%s", p->survey);
	snprintf(j->from, sizeof j->from, "%s", p->from);
	snprintf(j->to, sizeof j->to, "%s", p->to);
	params_export_options(p, &j->o);
	j->o.from = j->o.from != NULL ? j->from : NULL;
	j->o.to = j->o.to != NULL ? j->to : NULL;
	/* What would fail after the head is sent is refused before it. */
	long count = 0;
	enum store_err e = f == EXPORT_XLSX && j->o.from == NULL && j->o.to == NULL
	                   ? store_response_count(a->store, j->survey, &count) : STORE_OK;
	if (e != STORE_OK) {
		status = app_store_failure_json(a, r, e);
		goto fail;
	}
	if (count > XLSX_ROWS_MAX) {
		http_json_error(r, 400, "bad_request",
		                "xlsx holds at most 1,048,575 responses; use csv, sav or dta", NULL);
		status = 400;
		goto fail;
	}
	/* What the command line prints as warnings goes in the head here. */
	char warn[2048];
	enum export_status wst = export_warnings(a->store, j->survey, f, &j->o, warn, sizeof warn);
	if (wst == EXPORT_BUSY || wst == EXPORT_STORE) {
		fprintf(stderr, "manyi-fcgi: export of %s: %s\n", j->survey, warn);
		status = app_store_failure_json(a, r, export_store_err(wst));
		goto fail;
	}
	if (wst == EXPORT_OK && *warn) {
		for (char *c = warn; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?'; /* a header holds printable ASCII */
		http_header(r, "Manyi-Warning", warn);
	}
	j->store = a->store;
	j->format = f;
	char disposition[128];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.%s\"", j->survey,
	         export_format_name(f));
	http_header(r, "Content-Disposition", disposition);
	http_header(r, "Cache-Control", "no-store");
	r->content_type = export_content_type(f);
	r->status = 200;
	r->stream = (struct http_stream){.run = export_stream, .free = free, .ctx = j};
	return 200;
fail:
	free(j);
	return status;
}

/*
 * GET /api/v1/responses?survey=[&agency=][&domain=][&channel=][&from=][&to=]
 * [&text=1][&q=][&limit=100][&cursor=]: a page of answers, oldest first;
 * next_cursor fetches the next.  text=1: only responses with a free-text
 * answer; q: only those with one containing q.
 */
int app_api_responses_list(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest)
{
	const struct params *p = req->params;
	struct export_filter f = {
		.agency = p->given[PARAM_AGENCY] ? p->agency : NULL,
		.domain = p->given[PARAM_DOMAIN] ? p->domain : NULL,
		.channel = p->given[PARAM_CHANNEL] ? p->channel : NULL,
		.from = p->given[PARAM_FROM] ? p->from : NULL,
		.to = p->given[PARAM_TO] ? p->to : NULL,
		.after = p->given[PARAM_CURSOR] ? p->cursor : NULL,
		.limit = p->given[PARAM_LIMIT] ? p->limit : PAGE_DEFAULT,
		.text = p->given[PARAM_TEXT] && p->text,
		.q = p->given[PARAM_Q] ? p->q : NULL,
	};
	int status;

	(void)rest;
	if ((status = require_evaluator(a, req, r)) != 0 || (status = survey_known(a, req, r)) != 0)
		return status;
	char msg[512];
	sbuf_reset(&r->body);
	enum export_status st = export_page(a->store, p->survey, &f, LANG_ZH, &r->body, msg, sizeof msg);
	switch (st) {
	case EXPORT_OK:
		break;
	case EXPORT_BAD_QUERY:
		sbuf_reset(&r->body);
		http_json_error(r, 400, "bad_cursor", msg, NULL);
		return 400;
	default:
		fprintf(stderr, "manyi-fcgi: page of %s: %s\n", p->survey, msg);
		sbuf_reset(&r->body);
		return app_store_failure_json(a, r, export_store_err(st));
	}
	r->content_type = "application/json; charset=utf-8";
	http_header(r, "Cache-Control", "no-store");
	r->status = 200;
	return 200;
}
