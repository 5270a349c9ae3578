/*
 * export_text — the text formats: csv, json and ndjson, and a page of
 * GET /api/v1/responses (JSON with a cursor to the next page).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "export.h"
#include "export_internal.h"

/* ---- CSV ---- */

/* Shortest %g that reads back as the same double. */
static int format_double(char *buf, size_t n, double d)
{
	int len = 0;
	for (int prec = 15; prec <= 17; prec++) {
		len = snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return len;
}


static bool csv_begin(struct exporter *x)
{
	if (x->o->bom)
		out_add(&x->out, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; i < x->ncols; i++) {
		if (i > 0)
			out_addc(&x->out, ',');
		out_adds(&x->out, x->cols[i].name);
	}
	out_add(&x->out, "\r\n", 2);
	return true;
}

static bool csv_row(struct exporter *x)
{
	char num[40];
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell v = export_cell_of(x, &x->cols[i]);
		if (i > 0)
			out_addc(&x->out, ',');
		switch (v.t) {
		case CELL_MISSING:
			break;
		case CELL_NA:
			out_add(&x->out, "na", 2);
			break;
		case CELL_INT:
			out_add(&x->out, num, (size_t)snprintf(num, sizeof num, "%lld", v.i));
			break;
		case CELL_REAL:
			out_add(&x->out, num, (size_t)format_double(num, sizeof num, v.d));
			break;
		case CELL_STR:
			/* The response id and the time are machine-made: never altered. */
			sbuf_reset(&x->scratch);
			csv_field(&x->scratch, v.s, v.len,
			          x->cols[i].kind != COL_ID && x->cols[i].kind != COL_SUBMITTED);
			out_add(&x->out, x->scratch.data, x->scratch.len);
			break;
		}
	}
	out_add(&x->out, "\r\n", 2);
	return true;
}

static bool csv_end(struct exporter *x)
{
	(void)x;
	return true;
}

/* ---- JSON and NDJSON ---- */

static bool json_begin(struct exporter *x)
{
	if (x->f == EXPORT_JSON)
		out_addc(&x->out, '[');
	return true;
}

static bool json_row(struct exporter *x)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell v = export_cell_of(x, &x->cols[i]);
		cJSON *item = NULL;
		switch (v.t) {
		case CELL_MISSING:
			item = cJSON_CreateNull();
			break;
		case CELL_NA:
			item = cJSON_CreateString("na");
			break;
		case CELL_INT:
			item = cJSON_CreateNumber((double)v.i);
			break;
		case CELL_REAL:
			item = cJSON_CreateNumber(v.d);
			break;
		case CELL_STR:
			item = cJSON_CreateString(v.s);
			break;
		}
		cJSON_AddItemToObjectCS(o, x->cols[i].name, item);
	}
	if (x->f == EXPORT_JSON)
		out_add(&x->out, x->rows == 1 ? "\n" : ",\n", x->rows == 1 ? 1 : 2);
	if (x->json_cap == 0) {
		x->json_cap = 16384;
		x->json_buf = xmalloc(x->json_cap);
	}
	if (cJSON_PrintPreallocated(o, x->json_buf, (int)x->json_cap, false)) {
		out_adds(&x->out, x->json_buf);
	} else {
		char *text = cJSON_PrintUnformatted(o);
		if (text == NULL)
			abort(); /* cJSON fails only when out of memory */
		out_adds(&x->out, text);
		if (strlen(text) + 1024 > x->json_cap && strlen(text) < (1u << 24)) {
			x->json_cap = strlen(text) + 1024;
			x->json_buf = xrealloc(x->json_buf, x->json_cap);
		}
		free(text);
	}
	if (x->f == EXPORT_NDJSON)
		out_addc(&x->out, '\n');
	cJSON_Delete(o);
	return true;
}

static bool json_end(struct exporter *x)
{
	if (x->f == EXPORT_JSON)
		out_adds(&x->out, x->rows > 0 ? "\n]\n" : "]\n");
	return true;
}

static void json_cleanup(struct exporter *x)
{
	free(x->json_buf);
	x->json_buf = NULL;
}

/* ---- a page of GET /api/v1/responses ---- */

static void page_string(struct exporter *x, const char *s)
{
	cJSON *j = cJSON_CreateString(s);
	char *text = cJSON_PrintUnformatted(j);
	if (text == NULL)
		abort();
	out_adds(&x->out, text);
	free(text);
	cJSON_Delete(j);
}

static bool page_begin(struct exporter *x)
{
	out_adds(&x->out, "{\"survey\":");
	page_string(x, x->sv->id);
	out_adds(&x->out, ",\"responses\":");
	return json_begin(x);
}

static bool page_row(struct exporter *x)
{
	if (x->rows > (size_t)x->filter->limit) {
		x->more = true;
		return true;
	}
	sbuf_reset(&x->last_id);
	sbuf_add(&x->last_id, x->fld[F_ID].data, x->fld[F_ID].len);
	return json_row(x);
}

static bool page_end(struct exporter *x)
{
	out_adds(&x->out, x->rows > 0 ? "\n]," : "],");
	out_adds(&x->out, "\"next_cursor\":");
	if (x->more)
		page_string(x, x->last_id.data);
	else
		out_adds(&x->out, "null");
	out_adds(&x->out, "}\n");
	return true;
}

const struct format_ops export_csv_ops = {csv_begin, csv_row, csv_end, NULL};
const struct format_ops export_json_ops = {json_begin, json_row, json_end, json_cleanup};
const struct format_ops export_page_ops = {page_begin, page_row, page_end, json_cleanup};
