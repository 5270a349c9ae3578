/*
 * export_xlsx — the xlsx format through libxlsxwriter: sheet "data" and
 * sheet "codebook", built in a temporary file and then copied to the sink.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "export.h"
#include "export_internal.h"

#define XLSX_MAX_ROWS 1048575 /* below the header row */

/* ---- XLSX ---- */

static bool xlsx_check(struct exporter *x, lxw_error e)
{
	if (e == LXW_NO_ERROR)
		return true;
	return export_fail(x, EXPORT_LIBRARY, "xlsx: %s", lxw_strerror(e));
}

/* The codebook's description of a column's values. */
static void codebook_values(const struct exporter *x, const struct column *c, struct sbuf *b)
{
	enum lang l = x->o->lang;
	const struct item *it = c->kind >= COL_SCALE && c->kind <= COL_TEXT ? &x->sv->items[c->item] : NULL;
	switch (c->kind) {
	case COL_SCALE:
		for (int v = 1; v <= x->sv->points; v++)
			sbuf_printf(b, "%s%d = %s", v > 1 ? "; " : "", v, x->sv->labels[l][v - 1]);
		if (it->allow_na)
			sbuf_printf(b, "; na = %s", export_na_label[l]);
		break;
	case COL_CHOICE:
		for (size_t j = 0; j < it->noptions; j++)
			sbuf_printf(b, "%s%s = %s", j > 0 ? "; " : "", it->options[j].value,
			            it->options[j].text.s[l]);
		break;
	case COL_MULTI:
		sbuf_printf(b, "0 = %s; 1 = %s", export_chosen_label[0][l], export_chosen_label[1][l]);
		break;
	case COL_IN_SAMPLE:
		sbuf_printf(b, "0 = %s; 1 = %s", export_sample_label[0][l], export_sample_label[1][l]);
		break;
	case COL_EXCLUDED:
		sbuf_printf(b, "0 = %s; 1 = %s", export_excluded_label[0][l], export_excluded_label[1][l]);
		break;
	case COL_AGENCY:
	case COL_DOMAIN:
		export_registry_values(export_registry_of(x, c->kind), l, false, b);
		break;
	default:
		break;
	}
}

static const char *codebook_type(const struct exporter *x, const struct column *c)
{
	if (export_col_is_string(c->kind, x->numeric_choice))
		return "string";
	if (c->kind == COL_SCALE && x->sv->items[c->item].allow_na)
		return "integer (or na)";
	return c->kind == COL_WEIGHT ? "number" : "integer";
}

static bool xlsx_begin(struct exporter *x)
{
	const char *tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (x->expected_rows > XLSX_MAX_ROWS)
		return export_fail(x, EXPORT_BAD_QUERY,
		            "xlsx holds at most %d responses; this survey has %zu (use csv, sav or dta)",
		            XLSX_MAX_ROWS, x->expected_rows);
	snprintf(x->xlsx_path, sizeof x->xlsx_path, "%s/manyi-export-XXXXXX", tmp);
	int fd = mkstemp(x->xlsx_path);
	if (fd < 0)
		return export_fail(x, EXPORT_WRITE, "xlsx: cannot create a temporary file in %s: %s", tmp,
		            strerror(errno));
	close(fd);
	x->xlsx_temp = true;
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
	x->wb = workbook_new_opt(x->xlsx_path, &opt);
	if (x->wb == NULL)
		return export_fail(x, EXPORT_LIBRARY, "xlsx: cannot start the workbook");
	x->ws = workbook_add_worksheet(x->wb, "data");
	lxw_worksheet *cb = workbook_add_worksheet(x->wb, "codebook");
	lxw_format *bold = workbook_add_format(x->wb);
	if (x->ws == NULL || cb == NULL || bold == NULL)
		return export_fail(x, EXPORT_LIBRARY, "xlsx: cannot add the worksheets");
	format_set_bold(bold);
	/* The data's time, not the clock: the same data gives the same bytes. */
	lxw_doc_properties props = {.title = (char *)x->sv->id, .created = x->data_time};
	if (x->data_time != 0 && !xlsx_check(x, workbook_set_properties(x->wb, &props)))
		return false;
	for (size_t i = 0; i < x->ncols; i++)
		if (!xlsx_check(x, worksheet_write_string(x->ws, 0, (lxw_col_t)i, x->cols[i].name, bold)))
			return false;
	worksheet_freeze_panes(x->ws, 1, 1);

	static const char *const head[] = {"variable", "label", "type", "values"};
	for (size_t j = 0; j < ARRAY_SIZE(head); j++)
		if (!xlsx_check(x, worksheet_write_string(cb, 0, (lxw_col_t)j, head[j], bold)))
			return false;
	struct sbuf values;
	sbuf_init(&values);
	bool ok = true;
	for (size_t i = 0; i < x->ncols && ok; i++) {
		const struct column *c = &x->cols[i];
		lxw_row_t r = (lxw_row_t)(i + 1);
		sbuf_reset(&values);
		codebook_values(x, c, &values);
		/* Labels and option texts come from the definition: clean them too. */
		sbuf_reset(&x->scratch);
		export_clean_text(values.data, values.len, &x->scratch);
		sbuf_reset(&values);
		sbuf_add(&values, x->scratch.data, x->scratch.len);
		ok = xlsx_check(x, worksheet_write_string(cb, r, 0, c->name, NULL)) &&
		     xlsx_check(x, worksheet_write_string(cb, r, 1, c->label, NULL)) &&
		     xlsx_check(x, worksheet_write_string(cb, r, 2, codebook_type(x, c), NULL)) &&
		     (values.len == 0 ||
		      xlsx_check(x, worksheet_write_string(cb, r, 3, values.data, NULL)));
	}
	sbuf_free(&values);
	return ok;
}

static bool xlsx_row(struct exporter *x)
{
	lxw_row_t r = (lxw_row_t)x->rows;
	if (x->rows > XLSX_MAX_ROWS)
		return export_fail(x, EXPORT_BAD_QUERY,
		            "xlsx holds at most %d responses; this export has more (use csv, sav or dta)",
		            XLSX_MAX_ROWS);
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell v = export_cell_of(x, &x->cols[i]);
		lxw_col_t c = (lxw_col_t)i;
		lxw_error e = LXW_NO_ERROR;
		switch (v.t) {
		case CELL_MISSING:
			break;
		case CELL_NA:
			e = worksheet_write_string(x->ws, r, c, "na", NULL);
			break;
		case CELL_INT:
			e = worksheet_write_number(x->ws, r, c, (double)v.i, NULL);
			break;
		case CELL_REAL:
			e = worksheet_write_number(x->ws, r, c, v.d, NULL);
			break;
		case CELL_STR:
			if (v.len > 0)
				e = worksheet_write_string(x->ws, r, c, v.s, NULL);
			break;
		}
		if (!xlsx_check(x, e))
			return false;
	}
	return true;
}

static bool xlsx_end(struct exporter *x)
{
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	if (!xlsx_check(x, e))
		return false;
	FILE *fp = fopen(x->xlsx_path, "rb");
	if (fp == NULL)
		return export_fail(x, EXPORT_WRITE, "xlsx: cannot read back %s: %s", x->xlsx_path, strerror(errno));
	char buf[OUT_BUFSIZE];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0 && !x->out.failed)
		out_add(&x->out, buf, n);
	bool bad = ferror(fp) != 0;
	fclose(fp);
	if (bad)
		return export_fail(x, EXPORT_WRITE, "xlsx: cannot read back %s", x->xlsx_path);
	return true;
}

static void xlsx_cleanup(struct exporter *x)
{
	if (x->wb != NULL) {
		workbook_close(x->wb);
		x->wb = NULL;
	}
	if (x->xlsx_temp) {
		unlink(x->xlsx_path);
		x->xlsx_temp = false;
	}
}

const struct format_ops export_xlsx_ops = {xlsx_begin, xlsx_row, xlsx_end, xlsx_cleanup};
