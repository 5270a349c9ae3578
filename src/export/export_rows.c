/*
 * export_rows — the responses, one row at a time: a store cursor gives a
 * response's fields and answers, this file gathers them into the current
 * row with the response's weights (one table by cell, report_weights()),
 * and hands each finished row to the format.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "export_internal.h"
#include "report.h"
#include "stats.h"

struct cell export_cell_of(const struct exporter *x, const struct column *c)
{
	struct cell v = {.t = CELL_MISSING};
	const struct ans *a = c->kind >= COL_SCALE && c->kind <= COL_TEXT ? &x->ans[c->item] : NULL;
	enum field fl = F__MAX;
	switch (c->kind) {
	case COL_ID: fl = F_ID; break;
	case COL_CHANNEL: fl = F_CHANNEL; break;
	case COL_SUBMITTED: fl = F_SUBMITTED; break;
	case COL_AGENCY: fl = F_AGENCY; break;
	case COL_DOMAIN: fl = F_DOMAIN; break;
	case COL_SIZE: fl = F_SIZE; break;
	case COL_DISTRICT: fl = F_DISTRICT; break;
	case COL_OUTCOME: fl = F_OUTCOME; break;
	case COL_DATE: fl = F_DATE; break;
	case COL_IN_SAMPLE:
		v.t = CELL_INT;
		v.i = x->sampled;
		break;
	case COL_EXCLUDED:
		v.t = CELL_INT;
		v.i = x->excluded;
		break;
	case COL_EXCLUDED_REASON: fl = F_EXCLUDED_REASON; break;
	case COL_STRATUM_N:
		if (x->stratum_n >= 0) {
			v.t = CELL_INT;
			v.i = x->stratum_n;
		}
		break;
	case COL_VERSION:
		v.t = CELL_INT;
		v.i = x->survey_version;
		break;
	case COL_SCALE:
		if (a->present && a->na) {
			v.t = CELL_NA;
		} else if (a->present && a->num > 0) {
			v.t = CELL_INT;
			v.i = a->num;
		}
		break;
	case COL_CHOICE:
		if (!a->present) {
			break;
		} else if (x->numeric_choice) {
			if (a->choice >= 0) {
				v.t = CELL_INT;
				v.i = a->choice + 1;
			}
		} else if (a->text.len > 0) {
			v.t = CELL_STR;
			v.s = a->text.data;
			v.len = a->text.len;
		}
		break;
	case COL_MULTI:
		if (a->present) {
			v.t = CELL_INT;
			v.i = (long long)((a->multi >> c->option) & 1ULL);
		}
		break;
	case COL_TEXT:
		if (a->present) {
			v.t = CELL_STR;
			v.s = a->text.data;
			v.len = a->text.len;
		}
		break;
	case COL_WEIGHT:
		if (!isnan(x->w[c->weighting])) {
			v.t = CELL_REAL;
			v.d = x->w[c->weighting];
		}
		break;
	case COL_AGENCY_NAME:
	case COL_DOMAIN_NAME:
	case COL_AGENCY_CODE:
	case COL_DOMAIN_CODE: {
		enum field code = c->kind == COL_AGENCY_NAME || c->kind == COL_AGENCY_CODE ? F_AGENCY : F_DOMAIN;
		const struct registry_list *l = export_registry_of(x, c->kind);
		long k = x->fld_null[code] ? 0 : export_registry_number(l, x->fld[code].data);
		if (k > 0 && (c->kind == COL_AGENCY_CODE || c->kind == COL_DOMAIN_CODE)) {
			v.t = CELL_INT;
			v.i = k;
		} else if (k > 0) {
			v.t = CELL_STR;
			v.s = l->v[k - 1].name[x->o->lang];
			v.len = strlen(v.s);
		}
		break;
	}
	case COL__MAX:
		break;
	}
	if (fl != F__MAX && !x->fld_null[fl]) {
		v.t = CELL_STR;
		v.s = x->fld[fl].data;
		v.len = x->fld[fl].len;
	}
	return v;
}

/* Start response r: its fields, no answers yet, its weights. */
static void row_start(struct exporter *x, const struct export_source_row *r)
{
	const char *f[F__MAX] = {
		[F_ID] = r->public_id, [F_CHANNEL] = r->channel,   [F_SUBMITTED] = r->submitted_at,
		[F_AGENCY] = r->agency, [F_DOMAIN] = r->domain,    [F_SIZE] = r->size,
		[F_DISTRICT] = r->district, [F_OUTCOME] = r->outcome,    [F_DATE] = r->date,
		[F_EXCLUDED_REASON] = r->excluded,
	};
	x->have_row = true;
	x->id = r->id;
	x->survey_version = r->survey_version;
	x->sampled = r->sampled;
	x->excluded = r->excluded != NULL;
	for (int i = 0; i < F__MAX; i++) {
		sbuf_reset(&x->fld[i]);
		x->fld_null[i] = f[i] == NULL;
		if (f[i] != NULL)
			export_clean_text(f[i], strlen(f[i]), &x->fld[i]);
	}
	for (size_t i = 0; i < x->sv->nitems; i++) {
		struct ans *a = &x->ans[i];
		a->present = a->na = false;
		a->num = 0;
		a->choice = -1;
		a->multi = 0;
		sbuf_reset(&a->text);
	}
	/* Weights: the cell of the response (sampled, agency, domain, size). */
	for (int w = 0; w < STATS_W__MAX; w++)
		x->w[w] = NAN;
	/* An excluded answer is in no cell of the statistics: no weight. */
	long c = x->have_weights && !x->excluded
	             ? report_weights_cell(&x->weights, r->sampled, r->agency, r->domain, r->size)
	             : -1;
	if (c >= 0)
		memcpy(x->w, x->weights.w[c], sizeof x->w);
	x->stratum_n = r->sampled && c >= 0 ? (long long)x->weights.n_h[c] : -1;
}

static void row_answer(struct exporter *x, const struct export_source_row *r)
{
	long i = export_find_item(x, r->item);
	if (i < 0)
		return; /* an item no version of the survey defines */
	const struct item *it = &x->sv->items[i];
	struct ans *a = &x->ans[i];
	a->present = true;
	switch (it->type) {
	case ITEM_SCALE:
		if (r->na)
			a->na = true;
		else if (r->has_num && r->num >= 1 && r->num <= x->sv->points)
			a->num = r->num;
		break;
	case ITEM_CHOICE:
		if (r->text != NULL) {
			sbuf_reset(&a->text);
			export_clean_text(r->text, r->text_len, &a->text);
			a->choice = item_option(it, a->text.data);
		}
		break;
	case ITEM_MULTI:
		if (r->text != NULL) {
			sbuf_reset(&x->scratch);
			export_clean_text(r->text, r->text_len, &x->scratch);
			int j = item_option(it, x->scratch.data);
			if (j >= 0)
				a->multi |= 1ULL << j;
		}
		break;
	case ITEM_TEXT:
		if (r->text != NULL && r->seq == 0) {
			sbuf_reset(&a->text);
			export_clean_text(r->text, r->text_len, &a->text);
		}
		break;
	case ITEM_POINTS: /* rubrics are not exported (export_load_survey) */
	case ITEM_FLAG:
	case ITEM__MAX:
		break;
	}
}

static bool row_end(struct exporter *x)
{
	x->rows++;
	if (!x->ops->row(x))
		return false;
	if (x->out.failed)
		return export_fail(x, EXPORT_WRITE, "the output refused the export after %zu rows", x->rows);
	return true;
}

static bool on_source_row(void *ctx, const struct export_source_row *r)
{
	struct exporter *x = ctx;
	if (!x->have_row || r->id != x->id) {
		if (x->have_row && !row_end(x))
			return false;
		row_start(x, r);
	}
	if (r->item != NULL)
		row_answer(x, r);
	return true;
}

/* See export_internal.h. */
bool export_run_rows(struct exporter *x)
{
	x->have_row = false;
	x->rows = 0;
	enum store_err e = store_each_export_row(x->s, x->sv->id, &x->reading,
	                                         on_source_row, x);
	if (e == STORE_ERR_NOTFOUND)
		return export_fail(x, EXPORT_BAD_QUERY, "the cursor is not a response of survey \"%.64s\"", x->sv->id);
	if (x->status != EXPORT_OK)
		return false;
	if (e != STORE_OK)
		return export_store_fail(x, e);
	if (x->have_row && !row_end(x))
		return false;
	return true;
}

/* See export_internal.h. */
bool export_load_weights(struct exporter *x, struct sbuf *warn)
{
	char why[512];
	enum report_status st = report_weights(x->s, x->sv->id, x->o->from, x->o->to, &x->weights, why,
	                                       sizeof why);
	if (st == REPORT_BUSY || st == REPORT_STORE) {
		report_weights_free(&x->weights);
		return export_fail(x, st == REPORT_BUSY ? EXPORT_BUSY : EXPORT_STORE, "%s", why);
	}
	if (st != REPORT_OK) {
		sbuf_printf(warn, "%sno weights: %s", warn->len ? "; " : "", why);
		report_weights_free(&x->weights);
		return true;
	}
	x->have_weights = true;
	for (int w = 0; w < STATS_W__MAX; w++)
		if (x->weights.why[w][0] != '\0')
			sbuf_printf(warn, "%sweight_%s is empty: %s", warn->len ? "; " : "",
			            stats_weighting_name((enum stats_weighting)w), x->weights.why[w]);
	return true;
}
