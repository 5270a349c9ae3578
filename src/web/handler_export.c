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

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
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

/* ?survey= naming a registered survey: 0, or the status answered. */
static int survey_param(struct app *a, const struct http_request *req, struct http_response *r,
                        char *survey, size_t n)
{
	int version, status;
	if ((status = app_query_survey(req, r, true, survey, n)) != 0)
		return status;
	if (app_survey(a, survey, &version) == NULL) {
		http_json_error(r, 404, "not_found", "no survey with this id", NULL);
		return 404;
	}
	return 0;
}

/* ?lang=zh|en (default zh): 0, or the status answered. */
static int lang_param(const struct http_request *req, struct http_response *r, enum lang *l)
{
	char v[8];
	int status;
	*l = LANG_ZH;
	if ((status = app_query_text(req, r, "lang", v, sizeof v)) != 0)
		return status;
	if (*v == '\0' || strcmp(v, "zh") == 0)
		return 0;
	if (strcmp(v, "en") == 0) {
		*l = LANG_EN;
		return 0;
	}
	return app_bad_param(r, "lang", "zh or en");
}

/* A filter value: *set NULL when absent; false (answered 400) when malformed. */
static bool filter_param(const struct http_request *req, struct http_response *r, const char *name,
                         bool date, char *out, size_t n, const char **set)
{
	*set = NULL;
	if (app_query_text(req, r, name, out, n) != 0)
		return false;
	if (*out == '\0')
		return true;
	if (date && !date_valid(out)) {
		app_bad_param(r, name, "a date written YYYY-MM-DD");
		return false;
	}
	*set = out;
	return true;
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
	struct export_job *j;
	char format[16], bom[8];
	enum export_format f;
	int status;

	(void)rest;
	if ((status = require_evaluator(a, req, r)) != 0)
		return status;
	j = xcalloc(1, sizeof *j);
	export_options_default(&j->o);
	if ((status = survey_param(a, req, r, j->survey, sizeof j->survey)) != 0 ||
	    (status = lang_param(req, r, &j->o.lang)) != 0)
		goto fail;
	if (!http_query_get(req->query, "format", format, sizeof format) || !export_format_parse(format, &f)) {
		http_json_error(r, 400, "bad_request", "format is csv, json, ndjson, xlsx, sav or dta", NULL);
		status = 400;
		goto fail;
	}
	if (!filter_param(req, r, "from", true, j->from, sizeof j->from, &j->o.from) ||
	    !filter_param(req, r, "to", true, j->to, sizeof j->to, &j->o.to)) {
		status = 400;
		goto fail;
	}
	if (j->o.from != NULL && j->o.to != NULL && strcmp(j->o.from, j->o.to) > 0) {
		http_json_error(r, 400, "bad_request", "from is after to", NULL);
		status = 400;
		goto fail;
	}
	if ((status = app_query_text(req, r, "bom", bom, sizeof bom)) != 0)
		goto fail;
	if (*bom != '\0') {
		if (strcmp(bom, "1") != 0 && strcmp(bom, "true") != 0 && strcmp(bom, "0") != 0 &&
		    strcmp(bom, "false") != 0) {
			status = app_bad_param(r, "bom", "1 or 0");
			goto fail;
		}
		j->o.bom = bom[0] == '1' || bom[0] == 't';
		if (j->o.bom && f != EXPORT_CSV) {
			http_json_error(r, 400, "bad_request", "bom goes with format=csv only", NULL);
			status = 400;
			goto fail;
		}
	}
	/* What would fail after the head is sent is refused before it. */
	if (f == EXPORT_XLSX && j->o.from == NULL && j->o.to == NULL &&
	    store_response_count(a->store, j->survey) > XLSX_ROWS_MAX) {
		http_json_error(r, 400, "bad_request",
		                "xlsx holds at most 1,048,575 responses; use csv, sav or dta", NULL);
		status = 400;
		goto fail;
	}
	/* What the command line prints as warnings goes in the head here. */
	char warn[2048];
	if (export_warnings(a->store, j->survey, f, &j->o, warn, sizeof warn) == EXPORT_OK && *warn) {
		for (char *p = warn; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				*p = '?'; /* a header holds printable ASCII */
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
 * [&limit=100][&cursor=]: a page of answers, oldest first; next_cursor
 * fetches the next.
 */
int app_api_responses_list(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest)
{
	char survey[72], agency[64], domain[64], channel[32], from[16], to[16], cursor[64], limit[16];
	struct export_filter f = {.limit = PAGE_DEFAULT};
	int status;

	(void)rest;
	if ((status = require_evaluator(a, req, r)) != 0 ||
	    (status = survey_param(a, req, r, survey, sizeof survey)) != 0)
		return status;
	if ((status = app_query_code(req, r, "agency", agency, sizeof agency)) != 0 ||
	    (status = app_query_code(req, r, "domain", domain, sizeof domain)) != 0)
		return status;
	if (!filter_param(req, r, "agency", false, agency, sizeof agency, &f.agency) ||
	    !filter_param(req, r, "domain", false, domain, sizeof domain, &f.domain) ||
	    !filter_param(req, r, "channel", false, channel, sizeof channel, &f.channel) ||
	    !filter_param(req, r, "from", true, from, sizeof from, &f.from) ||
	    !filter_param(req, r, "to", true, to, sizeof to, &f.to) ||
	    !filter_param(req, r, "cursor", false, cursor, sizeof cursor, &f.after))
		return 400;
	if (f.channel != NULL && response_channel_index(f.channel) < 0)
		return app_bad_param(r, "channel", "one of the channels /api/v1/registry lists");
	if ((status = app_query_text(req, r, "limit", limit, sizeof limit)) != 0)
		return status;
	if (*limit != '\0' && !parse_long(limit, 1, PAGE_MAX, &f.limit))
		return app_bad_param(r, "limit", "a whole number from 1 to 1000");
	if (f.from != NULL && f.to != NULL && strcmp(f.from, f.to) > 0) {
		http_json_error(r, 400, "bad_request", "from is after to", NULL);
		return 400;
	}
	char msg[512];
	sbuf_reset(&r->body);
	switch (export_page(a->store, survey, &f, LANG_ZH, &r->body, msg, sizeof msg)) {
	case EXPORT_OK:
		break;
	case EXPORT_BAD_QUERY:
		sbuf_reset(&r->body);
		http_json_error(r, 400, "bad_cursor", msg, NULL);
		return 400;
	default:
		sbuf_reset(&r->body);
		return app_store_failure_json(a, r, STORE_ERR_SQL);
	}
	r->content_type = "application/json; charset=utf-8";
	http_header(r, "Cache-Control", "no-store");
	r->status = 200;
	return 200;
}
