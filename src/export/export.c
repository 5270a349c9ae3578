/*
 * export — see include/export.h.  This file holds the formats' names and
 * the entry points: one run of an export (or of a page of responses), from
 * the survey and its columns through the passes over the rows to the sink.
 * The parts are named in export_internal.h.
 */
#include "export.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export_internal.h"
#include "report.h"
#include "stats.h"

static const char *const format_names[EXPORT__MAX] = {
	[EXPORT_CSV] = "csv",   [EXPORT_JSON] = "json", [EXPORT_NDJSON] = "ndjson",
	[EXPORT_XLSX] = "xlsx", [EXPORT_SAV] = "sav",   [EXPORT_DTA] = "dta",
};

static const char *const content_types[EXPORT__MAX] = {
	[EXPORT_CSV] = "text/csv; charset=utf-8",
	[EXPORT_JSON] = "application/json; charset=utf-8",
	[EXPORT_NDJSON] = "application/x-ndjson; charset=utf-8",
	[EXPORT_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	[EXPORT_SAV] = "application/x-spss-sav",
	[EXPORT_DTA] = "application/x-stata-dta",
};

static const char *const status_text[EXPORT_STATUS__MAX] = {
	[EXPORT_OK] = "ok",
	[EXPORT_BAD_QUERY] = "bad export request",
	[EXPORT_BUSY] = "the database is busy, try again",
	[EXPORT_STORE] = "database error",
	[EXPORT_WRITE] = "cannot write the export",
	[EXPORT_LIBRARY] = "the file library refused the export",
};

const char *export_format_name(enum export_format f)
{
	return (unsigned)f < EXPORT__MAX ? format_names[f] : NULL;
}

bool export_format_parse(const char *s, enum export_format *out)
{
	for (int f = 0; s != NULL && f < EXPORT__MAX; f++)
		if (strcmp(s, format_names[f]) == 0) {
			*out = (enum export_format)f;
			return true;
		}
	return false;
}

const char *export_content_type(enum export_format f)
{
	return (unsigned)f < EXPORT__MAX ? content_types[f] : "application/octet-stream";
}

bool export_format_binary(enum export_format f)
{
	return f == EXPORT_XLSX || f == EXPORT_SAV || f == EXPORT_DTA;
}

const char *export_strerror(enum export_status e)
{
	return (unsigned)e < EXPORT_STATUS__MAX ? status_text[e] : "unknown error";
}

void export_options_default(struct export_options *o)
{
	*o = (struct export_options){.bom = false, .lang = LANG_ZH, .from = NULL, .to = NULL};
}

static const struct format_ops *const ops[EXPORT__MAX] = {
	[EXPORT_CSV] = &export_csv_ops,   [EXPORT_JSON] = &export_json_ops,
	[EXPORT_NDJSON] = &export_json_ops, [EXPORT_XLSX] = &export_xlsx_ops,
	[EXPORT_SAV] = &export_rs_ops,    [EXPORT_DTA] = &export_rs_ops,
};

bool export_store_fail(struct exporter *x, enum store_err e)
{
	if (e == STORE_ERR_BUSY)
		return export_fail(x, EXPORT_BUSY, "%s", export_strerror(EXPORT_BUSY));
	return export_fail(x, EXPORT_STORE, "database error: %s", store_errmsg(x->s));
}

bool export_fail(struct exporter *x, enum export_status st, const char *fmt, ...)
{
	if (x->status == EXPORT_OK) {
		va_list ap;
		x->status = st;
		va_start(ap, fmt);
		vsnprintf(x->msg, x->msglen, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* The names of a registry list through the export's text hygiene, in place. */
static void clean_names(struct registry_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (int k = 0; k < LANG__MAX; k++) {
			struct sbuf b;
			sbuf_init(&b);
			export_clean_text(l->v[i].name[k], strlen(l->v[i].name[k]), &b);
			free(l->v[i].name[k]);
			l->v[i].name[k] = sbuf_detach(&b);
		}
}

/* An export (filter NULL) or a page of responses (f is EXPORT_JSON). */
static enum export_status run(struct store *s, const char *survey, enum export_format f,
                              const struct export_options *o, const struct export_filter *filter,
                              export_sink sink, void *ctx, char *msg, size_t msglen)
{
	struct exporter X = {
		.s = s, .f = f, .o = o, .numeric_choice = f == EXPORT_SAV || f == EXPORT_DTA,
		.status = EXPORT_OK, .msg = msg, .msglen = msglen,
		.out = {.sink = sink, .ctx = ctx}, .filter = filter,
	};
	struct exporter *x = &X;
	struct survey *sv = NULL;
	char *def = NULL;
	struct sbuf warn;
	bool in_txn = false;
	char *text_items = NULL;

	sbuf_init(&warn);
	sbuf_init(&x->scratch);
	sbuf_init(&x->last_id);
	if (filter != NULL) {
		x->reading = *filter;
		x->reading.limit = filter->limit + 1;
	} else {
		x->reading = (struct export_filter){.from = o->from, .to = o->to};
	}
	for (int i = 0; i < F__MAX; i++)
		sbuf_init(&x->fld[i]);
	if (msglen > 0)
		msg[0] = '\0';
	if ((unsigned)f >= EXPORT__MAX || (o->lang != LANG_ZH && o->lang != LANG_EN)) {
		export_fail(x, EXPORT_BAD_QUERY, "unknown format or language");
		goto done;
	}
	if (o->bom && f != EXPORT_CSV) {
		export_fail(x, EXPORT_BAD_QUERY, "a byte order mark is for csv only");
		goto done;
	}
	/* One snapshot for the weights, the count and the rows. */
	enum store_err e = store_begin_read(s);
	if (e != STORE_OK) {
		export_store_fail(x, e);
		goto done;
	}
	in_txn = true;
	if (!export_load_survey(x, survey, &sv, &def, &warn))
		goto done;
	x->sv = sv;
	if (filter == NULL && (f == EXPORT_XLSX || x->numeric_choice) &&
	    ((e = store_registry_list(s, REGISTRY_AGENCY, &x->agencies)) != STORE_OK ||
	     (e = store_registry_list(s, REGISTRY_DOMAIN, &x->domains)) != STORE_OK)) {
		export_store_fail(x, e);
		goto done;
	}
	clean_names(&x->agencies);
	clean_names(&x->domains);
	x->ans = xcalloc(sv->nitems + 1, sizeof *x->ans);
	for (size_t i = 0; i < sv->nitems; i++)
		sbuf_init(&x->ans[i].text);
	export_build_columns(x);
	if (filter != NULL && (filter->text || filter->q != NULL)) {
		/* The free-text items of every version, for the store's filter. */
		cJSON *ids = cJSON_CreateArray();
		for (size_t i = 0; i < sv->nitems; i++)
			if (sv->items[i].type == ITEM_TEXT)
				cJSON_AddItemToArray(ids, cJSON_CreateString(sv->items[i].id));
		text_items = cJSON_PrintUnformatted(ids);
		cJSON_Delete(ids);
		if (text_items == NULL)
			abort();
		x->reading.text_items = text_items;
	}
	if (filter != NULL) {
		x->out.buf = xmalloc(OUT_BUFSIZE);
		x->ops = &export_page_ops;
		if (x->ops->begin(x) && export_run_rows(x) && x->ops->end(x)) {
			out_flush(&x->out);
			if (x->out.failed)
				export_fail(x, EXPORT_WRITE, "the output refused the page");
		}
		goto done;
	}
	if (!export_load_weights(x, &warn))
		goto done;
	if (sink == NULL)
		goto done; /* export_warnings(): no rows */
	char when[40];
	struct tm tm = {0};
	long count;
	if ((e = store_survey_data_time(s, sv->id, when, sizeof when)) == STORE_OK &&
	    strptime(when, "%Y-%m-%dT%H:%M:%S", &tm) != NULL)
		x->data_time = timegm(&tm);
	if ((e != STORE_OK && e != STORE_ERR_NOTFOUND) ||
	    (e = store_response_count(s, sv->id, &count)) != STORE_OK) {
		export_store_fail(x, e);
		goto done;
	}
	/* A period holds fewer: xlsx_row() counts those. */
	x->expected_rows = o->from == NULL && o->to == NULL ? (size_t)count : 0;
	if (f == EXPORT_SAV || f == EXPORT_DTA) {
		x->ops = &export_measure_ops;
		if (!export_run_rows(x))
			goto done;
		x->expected_rows = x->rows;
	}
	x->out.buf = xmalloc(OUT_BUFSIZE);
	x->ops = ops[f];
	if (!x->ops->begin(x) || !export_run_rows(x) || !x->ops->end(x))
		goto done;
	out_flush(&x->out);
	if (x->out.failed)
		export_fail(x, EXPORT_WRITE, "the output refused the export");
done:
	if (x->ops != NULL && x->ops->cleanup != NULL)
		x->ops->cleanup(x);
	if (in_txn)
		store_rollback(s);
	if (x->status == EXPORT_OK && msglen > 0)
		snprintf(msg, msglen, "%s", warn.len ? warn.data : "");
	for (size_t i = 0; i < x->ncols; i++)
		free(x->cols[i].label);
	free(x->cols);
	free(x->by_id);
	for (size_t i = 0; sv != NULL && i < sv->nitems; i++)
		sbuf_free(&x->ans[i].text);
	free(x->ans);
	for (int i = 0; i < F__MAX; i++)
		sbuf_free(&x->fld[i]);
	sbuf_free(&x->scratch);
	sbuf_free(&x->last_id);
	sbuf_free(&warn);
	free(x->out.buf);
	report_weights_free(&x->weights);
	registry_list_free(&x->agencies);
	registry_list_free(&x->domains);
	survey_free(sv);
	free(def);
	free(text_items);
	return x->status;
}

enum export_status export_write(struct store *s, const char *survey, enum export_format f,
                                const struct export_options *o, export_sink sink, void *ctx,
                                char *msg, size_t msglen)
{
	return run(s, survey, f, o, NULL, sink, ctx, msg, msglen);
}

enum export_status export_warnings(struct store *s, const char *survey, enum export_format f,
                                   const struct export_options *o, char *msg, size_t msglen)
{
	return run(s, survey, f, o, NULL, NULL, NULL, msg, msglen);
}

static bool sbuf_sink(void *ctx, const void *data, size_t n)
{
	sbuf_add(ctx, data, n);
	return true;
}

enum export_status export_page(struct store *s, const char *survey, const struct export_filter *f,
                               enum lang l, struct sbuf *out, char *msg, size_t msglen)
{
	struct export_options o;
	export_options_default(&o);
	o.lang = l;
	return run(s, survey, EXPORT_JSON, &o, f, sbuf_sink, out, msg, msglen);
}

struct file_sink {
	FILE *fp;
	int err; /* errno of the first failed write, 0 when none */
};

static bool file_sink(void *ctx, const void *data, size_t n)
{
	struct file_sink *fs = ctx;
	if (fwrite(data, 1, n, fs->fp) == n)
		return true;
	if (fs->err == 0)
		fs->err = errno != 0 ? errno : EIO;
	return false;
}

enum export_status export_write_file(struct store *s, const char *survey, enum export_format f,
                                     const struct export_options *o, FILE *out, char *msg,
                                     size_t msglen)
{
	struct file_sink fs = {.fp = out};
	enum export_status st = export_write(s, survey, f, o, file_sink, &fs, msg, msglen);
	if (st == EXPORT_WRITE && fs.err != 0 && msglen > 0)
		snprintf(msg, msglen, "cannot write the export: %s", strerror(fs.err));
	return st;
}
