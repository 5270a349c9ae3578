/*
 * export_readstat — SPSS (.sav) and Stata (.dta) through libreadstat: a
 * first pass measures the string columns, a second (Stata strLs only)
 * collects the long strings, the last writes the rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <readstat.h>

#include "export.h"
#include "export_internal.h"

/* SPSS: the user-missing code of "not applicable" (scales have at most 11 points). */
#define SAV_NA_CODE 99
#define SAV_MAX_STRING 32767
#define DTA_MAX_STR 2045

/* ---- SPSS and Stata through libreadstat ---- */

/* First pass: the row count and the widest value of each string column. */
static bool measure_row(struct exporter *x)
{
	for (size_t i = 0; i < x->ncols; i++) {
		struct column *c = &x->cols[i];
		if (!export_col_is_string(c->kind, x->numeric_choice))
			continue;
		struct cell v = export_cell_of(x, c);
		if (v.t == CELL_STR && v.len > c->width)
			c->width = v.len;
	}
	return true;
}

const struct format_ops export_measure_ops = {.row = measure_row};

static ssize_t rs_data_writer(const void *data, size_t len, void *ctx)
{
	struct exporter *x = ctx;
	out_add(&x->out, data, len);
	return x->out.failed ? -1 : (ssize_t)len;
}

static bool rs_check(struct exporter *x, readstat_error_t e, const char *what)
{
	if (e == READSTAT_OK)
		return true;
	if (x->out.failed)
		return export_fail(x, EXPORT_WRITE, "the output refused the export after %zu rows", x->rows);
	return export_fail(x, EXPORT_LIBRARY, "%s: %s: %s", export_format_name(x->f), what, readstat_error_message(e));
}

/* A label cut to what the format holds, in x->scratch. */
static const char *rs_label(struct exporter *x, const char *s, bool value_label)
{
	sbuf_reset(&x->scratch);
	if (x->f == EXPORT_SAV)
		export_fit_label(s, SIZE_MAX, value_label ? 120 : 255, &x->scratch);
	else
		export_fit_label(s, value_label ? 32000 : 80, value_label ? 32000 : 320, &x->scratch);
	return x->scratch.data;
}

/* A cell's strL: a new ref for text, the one shared ref for an empty cell. */
static bool collect_row(struct exporter *x)
{
	for (size_t i = 0; i < x->ncols; i++) {
		const struct column *c = &x->cols[i];
		if (c->var == NULL || readstat_variable_get_type(c->var) != READSTAT_TYPE_STRING_REF)
			continue;
		struct cell v = export_cell_of(x, c);
		readstat_string_ref_t *ref;
		if (v.t == CELL_STR && v.len > 0) {
			ref = readstat_add_string_ref(x->rs, v.s);
		} else {
			if (x->empty_ref == NULL)
				x->empty_ref = readstat_add_string_ref(x->rs, "");
			ref = x->empty_ref;
		}
		if (ref == NULL)
			abort();
		if (x->nrefs == x->refs_cap) {
			x->refs_cap = x->refs_cap ? 2 * x->refs_cap : 1024;
			x->refs = xrealloc(x->refs, x->refs_cap * sizeof *x->refs);
		}
		x->refs[x->nrefs++] = ref;
	}
	return true;
}

static const struct format_ops collect_ops = {.row = collect_row};

/* The writer, with the file's label, time and format. */
static bool rs_writer_start(struct exporter *x)
{
	bool sav = x->f == EXPORT_SAV;
	x->rs = readstat_writer_init();
	if (x->rs == NULL)
		abort();
	readstat_set_data_writer(x->rs, rs_data_writer);
	char file_label[80];
	if (x->o->from != NULL || x->o->to != NULL)
		snprintf(file_label, sizeof file_label, "%.48s v%d %s..%s", x->sv->id, x->version,
		         x->o->from ? x->o->from : "", x->o->to ? x->o->to : "");
	else
		snprintf(file_label, sizeof file_label, "%.48s v%d", x->sv->id, x->version);
	if (!rs_check(x, readstat_writer_set_file_label(x->rs, file_label), "file label"))
		return false;
	if (x->data_time != 0 &&
	    !rs_check(x, readstat_writer_set_file_timestamp(x->rs, x->data_time), "timestamp"))
		return false;
	if (sav) {
		if (!rs_check(x, readstat_writer_set_compression(x->rs, READSTAT_COMPRESS_ROWS), "compression"))
			return false;
	} else if (!rs_check(x, readstat_writer_set_file_format_version(x->rs, 118), "version")) {
		return false;
	}
	return true;
}

/* The label sets more than one variable shares. */
struct rs_sets {
	readstat_label_set_t *scale[2]; /* [allow_na] */
	readstat_label_set_t *chosen;
};

/* Value labels: the scale without and with "not applicable" (each only
 * when some item uses it), 0/1. */
static void rs_shared_sets(struct exporter *x, struct rs_sets *sets)
{
	enum lang l = x->o->lang;
	bool sav = x->f == EXPORT_SAV;
	readstat_label_set_t **scale = sets->scale;

	scale[0] = scale[1] = NULL;
	for (size_t i = 0; i < x->ncols; i++) {
		const struct column *c = &x->cols[i];
		if (c->kind != COL_SCALE)
			continue;
		bool na = x->sv->items[c->item].allow_na;
		if (scale[na] != NULL)
			continue;
		scale[na] = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, na ? "scale_na" : "scale");
		for (int v = 1; v <= x->sv->points; v++)
			readstat_label_int32_value(scale[na], v, rs_label(x, x->sv->labels[l][v - 1], true));
		if (na && sav)
			readstat_label_int32_value(scale[na], SAV_NA_CODE, rs_label(x, export_na_label[l], true));
		else if (na)
			readstat_label_tagged_value(scale[na], 'a', rs_label(x, export_na_label[l], true));
	}
	sets->chosen = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, "chosen");
	for (int v = 0; v <= 1; v++)
		readstat_label_int32_value(sets->chosen, v, rs_label(x, export_chosen_label[v][l], true));
}

/* Column c's variable into c->var: its type, format, measure, value labels
 * (one set per choice item) and label. */
static bool rs_add_variable(struct exporter *x, struct column *c, const struct rs_sets *sets)
{
	enum lang l = x->o->lang;
	bool sav = x->f == EXPORT_SAV;
	const struct item *it = c->kind >= COL_SCALE && c->kind <= COL_TEXT ? &x->sv->items[c->item] : NULL;
	readstat_variable_t *v;
	if (export_col_is_string(c->kind, x->numeric_choice)) {
		size_t width = c->width > 0 ? c->width : 1;
		if (sav && width > SAV_MAX_STRING)
			width = SAV_MAX_STRING;
		if (!sav && width > DTA_MAX_STR)
			v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_STRING_REF, 0);
		else
			v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_STRING, width);
		c->width = width;
		readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
		readstat_variable_set_alignment(v, READSTAT_ALIGNMENT_LEFT);
	} else if (c->kind == COL_WEIGHT) {
		v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_DOUBLE, 0);
		readstat_variable_set_measure(v, READSTAT_MEASURE_SCALE);
		readstat_variable_set_format(v, sav ? "F12.6" : "%12.6f");
	} else if (c->kind == COL_DATE) {
		/* SPSS counts seconds from 1582-10-14, Stata days from 1960-01-01. */
		v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_DOUBLE, 0);
		readstat_variable_set_format(v, sav ? "SDATE10" : "%td");
		readstat_variable_set_measure(v, READSTAT_MEASURE_SCALE);
	} else if (c->kind == COL_VERSION || c->kind == COL_STRATUM_N) {
		v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_INT32, 0);
		readstat_variable_set_measure(v, c->kind == COL_VERSION ? READSTAT_MEASURE_NOMINAL
		                                                        : READSTAT_MEASURE_SCALE);
	} else if (c->kind == COL_AGENCY_CODE || c->kind == COL_DOMAIN_CODE) {
		/* The registry's names as value labels: SPSS and Stata label numbers. */
		const struct registry_list *reg = export_registry_of(x, c->kind);
		v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_INT32, 0);
		readstat_label_set_t *set = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, c->name);
		for (size_t k = 0; k < reg->n; k++)
			readstat_label_int32_value(set, (int32_t)k + 1, rs_label(x, reg->v[k].name[l], true));
		readstat_variable_set_label_set(v, set);
		readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
	} else if (c->kind == COL_IN_SAMPLE || c->kind == COL_EXCLUDED) {
		const char *const(*labels)[LANG__MAX] = c->kind == COL_IN_SAMPLE ? export_sample_label
		                                                                  : export_excluded_label;
		v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_INT8, 0);
		readstat_label_set_t *set = readstat_add_label_set(
			x->rs, READSTAT_TYPE_INT32, c->kind == COL_IN_SAMPLE ? "in_sample" : "excluded");
		for (int k = 0; k <= 1; k++)
			readstat_label_int32_value(set, k, rs_label(x, labels[k][l], true));
		readstat_variable_set_label_set(v, set);
		readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
	} else {
		v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_INT8, 0);
		if (c->kind == COL_SCALE) {
			readstat_variable_set_label_set(v, sets->scale[it->allow_na]);
			readstat_variable_set_measure(v, READSTAT_MEASURE_ORDINAL);
			if (sav && it->allow_na &&
			    !rs_check(x, readstat_variable_add_missing_double_value(v, SAV_NA_CODE), "missing value"))
				return false;
		} else if (c->kind == COL_MULTI) {
			readstat_variable_set_label_set(v, sets->chosen);
			readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
		} else { /* COL_CHOICE */
			readstat_label_set_t *set = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, c->name);
			for (size_t j = 0; j < it->noptions; j++)
				readstat_label_int32_value(set, (int32_t)j + 1,
				                           rs_label(x, it->options[j].text.s[l], true));
			readstat_variable_set_label_set(v, set);
			readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
		}
	}
	readstat_variable_set_label(v, rs_label(x, c->label, false));
	c->var = v;
	return true;
}

/* Stata strLs: a pass over the rows that makes every string ref, which
 * libreadstat needs before the header. */
static bool rs_collect_strls(struct exporter *x)
{
	bool strl = false;
	for (size_t i = 0; i < x->ncols; i++)
		strl = strl || readstat_variable_get_type(x->cols[i].var) == READSTAT_TYPE_STRING_REF;
	if (!strl)
		return true;
	const struct format_ops *keep = x->ops;
	x->ops = &collect_ops;
	bool ok = export_run_rows(x);
	x->ops = keep;
	if (!ok)
		return false;
	if (x->rows != x->expected_rows)
		return export_fail(x, EXPORT_STORE, "the responses changed during the export");
	x->ref_pos = 0;
	return true;
}

static bool rs_begin(struct exporter *x)
{
	struct rs_sets sets;

	if (!rs_writer_start(x))
		return false;
	rs_shared_sets(x, &sets);
	for (size_t i = 0; i < x->ncols; i++)
		if (!rs_add_variable(x, &x->cols[i], &sets))
			return false;
	if (!rs_collect_strls(x))
		return false;
	readstat_error_t e = x->f == EXPORT_SAV
	                         ? readstat_begin_writing_sav(x->rs, x, (long)x->expected_rows)
	                         : readstat_begin_writing_dta(x->rs, x, (long)x->expected_rows);
	if (!rs_check(x, e, "header"))
		return false;
	return rs_check(x, readstat_validate_metadata(x->rs), "metadata");
}

/* Cut s to at most max bytes at a code point boundary, into x->scratch. */
static const char *rs_string(struct exporter *x, const char *s, size_t len, size_t max)
{
	if (len <= max)
		return s;
	size_t keep = 0;
	while (keep < len) {
		unsigned long cp;
		size_t k = utf8_next((const unsigned char *)s + keep, len - keep, &cp);
		if (k == 0 || keep + k > max)
			break;
		keep += k;
	}
	sbuf_reset(&x->scratch);
	sbuf_add(&x->scratch, s, keep);
	return x->scratch.data;
}

static bool rs_row(struct exporter *x)
{
	if (!rs_check(x, readstat_begin_row(x->rs), "row"))
		return false;
	for (size_t i = 0; i < x->ncols; i++) {
		const struct column *c = &x->cols[i];
		struct cell v = export_cell_of(x, c);
		readstat_error_t e = READSTAT_OK;
		if (readstat_variable_get_type(c->var) == READSTAT_TYPE_STRING_REF) {
			if (x->ref_pos >= x->nrefs)
				return export_fail(x, EXPORT_STORE, "the responses changed during the export");
			e = readstat_insert_string_ref(x->rs, c->var, x->refs[x->ref_pos++]);
		} else if (c->kind == COL_DATE) {
			int y, m, d;
			if (v.t != CELL_STR || sscanf(v.s, "%4d-%2d-%2d", &y, &m, &d) != 3) {
				e = readstat_insert_missing_value(x->rs, c->var);
			} else {
				double days = (double)days_from_civil(y, m, d);
				e = readstat_insert_double_value(
				    x->rs, c->var,
				    x->f == EXPORT_SAV ? (days - (double)days_from_civil(1582, 10, 14)) * 86400
				                       : days - (double)days_from_civil(1960, 1, 1));
			}
		} else if (export_col_is_string(c->kind, x->numeric_choice)) {
			e = readstat_insert_string_value(x->rs, c->var,
			                                 v.t == CELL_STR ? rs_string(x, v.s, v.len, c->width) : "");
		} else {
			switch (v.t) {
			case CELL_MISSING:
			case CELL_STR:
				e = readstat_insert_missing_value(x->rs, c->var);
				break;
			case CELL_NA:
				e = x->f == EXPORT_SAV ? readstat_insert_int8_value(x->rs, c->var, SAV_NA_CODE)
				                       : readstat_insert_tagged_missing_value(x->rs, c->var, 'a');
				break;
			case CELL_INT:
				e = c->kind == COL_VERSION || c->kind == COL_STRATUM_N ||
				            c->kind == COL_AGENCY_CODE || c->kind == COL_DOMAIN_CODE
				        ? readstat_insert_int32_value(x->rs, c->var, (int32_t)v.i)
				        : readstat_insert_int8_value(x->rs, c->var, (int8_t)v.i);
				break;
			case CELL_REAL:
				e = readstat_insert_double_value(x->rs, c->var, v.d);
				break;
			}
		}
		if (!rs_check(x, e, c->name))
			return false;
	}
	return rs_check(x, readstat_end_row(x->rs), "row");
}

static bool rs_end(struct exporter *x)
{
	return rs_check(x, readstat_end_writing(x->rs), "end");
}

static void rs_cleanup(struct exporter *x)
{
	if (x->rs != NULL)
		readstat_writer_free(x->rs);
	x->rs = NULL;
	free(x->refs);
	x->refs = NULL;
}

const struct format_ops export_rs_ops = {rs_begin, rs_row, rs_end, rs_cleanup};
