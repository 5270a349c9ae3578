/* store — the reads of the statistics and the export; see include/store.h. */
#include "store_internal.h"

#include <limits.h>

const char *col_or_null(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Bind the day of date (YYYY-MM-DD) at i; none (NULL) is dflt. */
static void bind_day(sqlite3_stmt *st, int i, const char *date, long long dflt)
{
	long long d;
	if (date == NULL)
		sqlite3_bind_int64(st, i, dflt);
	else if (day_parse(date, &d))
		sqlite3_bind_int64(st, i, d);
	else
		sqlite3_bind_null(st, i); /* no day compares with it: nothing is in the period */
}

#define DAY_FIRST (-99999999LL)
#define DAY_LAST 99999999LL

/* A response of the statistics as read, its codes not yet texts (dictionary
 * ids and days fit 32 bits); kept by the thousand for a period. */
struct stats_raw {
	long long id;
	int32_t agency, domain, size, district, outcome, channel, day;
	int32_t version;
	bool sampled;
	unsigned char nnums;
	unsigned char nums[]; /* up to SURVEY_MAX_ITEMS: the row's own length */
};

static struct stats_raw *raw_row(sqlite3_stmt *st, struct stats_raw *r)
{
	size_t n = (size_t)sqlite3_column_bytes(st, 10);
	*r = (struct stats_raw){
		.id = sqlite3_column_int64(st, 0),
		.sampled = sqlite3_column_int(st, 1) != 0,
		.agency = sqlite3_column_int(st, 2),
		.domain = sqlite3_column_int(st, 3),
		.size = sqlite3_column_int(st, 4),
		.district = sqlite3_column_int(st, 5),
		.outcome = sqlite3_column_int(st, 6),
		.channel = sqlite3_column_int(st, 7),
		.day = sqlite3_column_int(st, 8),
		.version = sqlite3_column_int(st, 9),
		.nnums = (unsigned char)(n < SURVEY_MAX_ITEMS ? n : SURVEY_MAX_ITEMS),
	};
	if (r->nnums > 0)
		memcpy(r->nums, sqlite3_column_blob(st, 10), r->nnums);
	return r;
}

static bool raw_call(struct store *s, const struct stats_raw *w,
                     bool (*fn)(void *ctx, const struct stats_source_row *r), void *ctx)
{
	char date[16];
	day_format(w->day, date, sizeof date);
	struct stats_source_row r = {
		.id = w->id,
		.sampled = w->sampled,
		.agency = code_text(s, w->agency),
		.domain = code_text(s, w->domain),
		.size = code_text(s, w->size),
		.district = code_text(s, w->district),
		.outcome = code_text(s, w->outcome),
		.channel = code_text(s, w->channel),
		.date = date,
		.version = w->version,
		.nums = w->nums,
		.nnums = w->nnums,
	};
	return fn(ctx, &r);
}

/* A row's place in the buffer of a period: where it starts, and its id. */
struct raw_ref {
	long long id;
	size_t at;
};

static int ref_cmp(const void *pa, const void *pb)
{
	const struct raw_ref *a = pa, *b = pb;
	return (a->id > b->id) - (a->id < b->id);
}

/*
 * Every response of a period: read through the index in day order into a
 * buffer (a few dozen bytes a response), then given in id order, the order
 * of every day's pass, so that sums run in the same order either way.
 */
static enum store_err each_in_period(struct store *s, sqlite3_stmt *st,
                                     bool (*fn)(void *ctx, const struct stats_source_row *r),
                                     void *ctx)
{
	struct sbuf buf;
	struct raw_ref *refs = NULL;
	size_t n = 0, cap = 0;
	int rc;
	union {
		struct stats_raw r;
		unsigned char bytes[sizeof(struct stats_raw) + SURVEY_MAX_ITEMS];
	} one;

	sbuf_init(&buf);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_raw *r = raw_row(st, &one.r);
		size_t size = (sizeof *r + r->nnums + 7) & ~(size_t)7;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			refs = xrealloc(refs, cap * sizeof *refs);
		}
		refs[n++] = (struct raw_ref){r->id, buf.len};
		sbuf_add(&buf, one.bytes, size);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE && n > 0) {
		xqsort(refs, n, sizeof *refs, ref_cmp);
		for (size_t i = 0; i < n; i++)
			if (!raw_call(s, (const struct stats_raw *)(void *)(buf.data + refs[i].at), fn, ctx))
				break;
	}
	free(refs);
	sbuf_free(&buf);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_response(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct stats_source_row *r),
                                   void *ctx)
{
	union {
		struct stats_raw r;
		unsigned char bytes[sizeof(struct stats_raw) + SURVEY_MAX_ITEMS];
	} one;
	sqlite3_stmt *st;
	int rc;
	if (from != NULL || to != NULL) {
		st = stmt_get(s, STMT_STATS_RESPONSES);
		bind_text(st, 1, survey);
		bind_day(st, 2, from, DAY_FIRST);
		bind_day(st, 3, to, DAY_LAST);
		return each_in_period(s, st, fn, ctx);
	}
	st = stmt_get(s, STMT_STATS_RESPONSES_ALL);
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!raw_call(s, raw_row(st, &one.r), fn, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_excluded(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct stats_source_row *r),
                                   void *ctx)
{
	union {
		struct stats_raw r;
		unsigned char bytes[sizeof(struct stats_raw) + SURVEY_MAX_ITEMS];
	} one;
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_EXCLUDED);
	int rc;
	bind_text(st, 1, survey);
	bind_day(st, 2, from, DAY_FIRST);
	bind_day(st, 3, to, DAY_LAST);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!raw_call(s, raw_row(st, &one.r), fn, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_item_text(struct store *s, const char *item, long long lo, long long hi,
                                    bool (*fn)(void *ctx, long long response, const char *text),
                                    void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ITEM_TEXT);
	int rc;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	bind_text(st, 3, item);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!fn(ctx, sqlite3_column_int64(st, 0), col_or_null(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_scale_items(struct store *s, const char *survey, int version,
                                 const char *const **items, size_t *n)
{
	const struct scale_items *si;
	enum store_err e = scale_items(s, survey, version, &si);
	*items = (const char *const *)si->item;
	*n = si->n;
	return e;
}

enum store_err store_each_response_cell(struct store *s, const char *survey, const char *from,
                                       const char *to,
                                       bool (*fn)(void *ctx, bool sampled, const char *agency,
                                                  const char *domain, const char *size,
                                                  long long count),
                                       void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_CELLS);
	int rc;
	bind_text(st, 1, survey);
	bind_day(st, 2, from, DAY_FIRST);
	bind_day(st, 3, to, DAY_LAST);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, sqlite3_column_int(st, 0) != 0, code_text(s, sqlite3_column_int64(st, 1)),
		        code_text(s, sqlite3_column_int64(st, 2)),
		        code_text(s, sqlite3_column_int64(st, 3)), sqlite3_column_int64(st, 4))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_encounter_count(struct store *s, const char *from, const char *to,
                                          bool (*fn)(void *ctx, const char *agency,
                                                     const char *domain, const char *size,
                                                     long long count),
                                          void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_COUNTS);
	struct pop_cells cells = {0};
	int rc;
	bind_day(st, 1, from, DAY_FIRST);
	bind_day(st, 2, to, DAY_LAST);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		pop_cells_add(&cells, 0, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		              sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	sqlite3_reset(st);
	for (size_t i = 0; rc == SQLITE_DONE && i < cells.cap; i++) {
		const struct pop_cell *c = &cells.v[i];
		if (c->n != 0 && !fn(ctx, code_text(s, c->agency), code_text(s, c->domain),
		                     code_text(s, c->size), c->n))
			break;
	}
	free(cells.v);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

/*
 * The export cursor.  A response's answers are its scale bytes (resp.nums,
 * named through the version's scale items) and its rows in answer_text,
 * read by a second cursor that walks answer_text in step with resp; the
 * two are merged into one list ordered by item, then seq, as one table of
 * (response, item, seq) rows was.
 */
struct answer_entry {
	const char *item;
	int seq;
	bool has_num, na;
	int num;
	const char *text;
	size_t text_len;
};

struct export_cursor {
	struct store *s;
	const char *survey;
	sqlite3_stmt *text;         /* answer_text rows of the responses read */
	bool text_row;              /* text is on a row not yet used */
	bool text_done;             /* text has no more rows */
	struct answer_entry *v;
	char **owned;               /* copies of the text rows' strings */
	size_t n, cap, nowned;
	bool (*fn)(void *ctx, const struct export_source_row *r);
	void *ctx;
};

static void entry_add(struct export_cursor *c, struct answer_entry e)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = e;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct answer_entry *a = pa, *b = pb;
	int k = strcmp(a->item, b->item);
	return k != 0 ? k : (a->seq > b->seq) - (a->seq < b->seq);
}

static char *own(struct export_cursor *c, const void *p, size_t n)
{
	if (p == NULL)
		return NULL;
	char *copy = xmalloc(n + 1);
	memcpy(copy, p, n);
	copy[n] = '\0';
	c->owned = xrealloc(c->owned, (c->nowned + 1) * sizeof *c->owned);
	return c->owned[c->nowned++] = copy;
}

/* The answer_text rows of response id (the cursor is in id order). */
static enum store_err text_entries(struct export_cursor *c, long long id)
{
	int rc = SQLITE_ROW;
	for (;;) {
		if (!c->text_row) {
			if (c->text_done)
				return STORE_OK;
			if ((rc = sqlite3_step(c->text)) != SQLITE_ROW) {
				c->text_done = true;
				break;
			}
			c->text_row = true;
		}
		long long rid = sqlite3_column_int64(c->text, 0);
		if (rid > id)
			return STORE_OK;
		c->text_row = false;
		if (rid < id)
			continue; /* a response outside the filter */
		const void *t = sqlite3_column_text(c->text, 3);
		size_t tl = (size_t)sqlite3_column_bytes(c->text, 3);
		const char *item = own(c, sqlite3_column_text(c->text, 1),
		                       (size_t)sqlite3_column_bytes(c->text, 1));
		entry_add(c, (struct answer_entry){.item = item, .seq = sqlite3_column_int(c->text, 2),
		                                   .text = own(c, t, tl), .text_len = tl});
	}
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

/* Call the cursor's fn with one row per answer of the response at st. */
static enum store_err export_row(struct export_cursor *c, sqlite3_stmt *st, bool *go_on)
{
	char date[16];
	const struct scale_items *si;
	long long id = sqlite3_column_int64(st, 0);
	int version = sqlite3_column_int(st, 2);
	enum store_err e = scale_items(c->s, c->survey, version, &si);

	c->n = 0;
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	c->nowned = 0;
	if (e != STORE_OK || (e = text_entries(c, id)) != STORE_OK)
		return e;
	const unsigned char *nums = sqlite3_column_blob(st, 12);
	size_t nn = (size_t)sqlite3_column_bytes(st, 12);
	for (size_t i = 0; i < nn && i < si->n; i++)
		if (nums[i] != NUM_MISSING && si->item[i] != NULL)
			entry_add(c, (struct answer_entry){.item = si->item[i], .has_num = nums[i] != NUM_NA,
			                                   .num = nums[i] == NUM_NA ? 0 : nums[i],
			                                   .na = nums[i] == NUM_NA});
	if (c->n > 1)
		xqsort(c->v, c->n, sizeof *c->v, entry_cmp);
	day_format(sqlite3_column_int64(st, 11), date, sizeof date);
	struct export_source_row r = {
		.id = id,
		.public_id = col_or_null(st, 1),
		.survey_version = version,
		.channel = code_text(c->s, sqlite3_column_int64(st, 3)),
		.submitted_at = col_or_null(st, 4),
		.agency = code_text(c->s, sqlite3_column_int64(st, 5)),
		.domain = code_text(c->s, sqlite3_column_int64(st, 6)),
		.size = code_text(c->s, sqlite3_column_int64(st, 7)),
		.district = code_text(c->s, sqlite3_column_int64(st, 8)),
		.outcome = code_text(c->s, sqlite3_column_int64(st, 9)),
		.sampled = sqlite3_column_int(st, 10) != 0,
		.date = date,
		.excluded = col_or_null(st, 13),
	};
	*go_on = true;
	if (c->n == 0) /* a response without answers: one row, item NULL */
		*go_on = c->fn(c->ctx, &r);
	for (size_t i = 0; i < c->n && *go_on; i++) {
		const struct answer_entry *a = &c->v[i];
		r.item = a->item;
		r.seq = a->seq;
		r.has_num = a->has_num;
		r.num = a->num;
		r.na = a->na;
		r.text = a->text;
		r.text_len = a->text_len;
		*go_on = c->fn(c->ctx, &r);
	}
	return STORE_OK;
}

/* A filter's code as its dictionary id to bind at i: NULL for any, -1 when unknown. */
static enum store_err bind_code(struct store *s, sqlite3_stmt *st, int i, enum code_kind k,
                                const char *text)
{
	long long id;
	enum store_err e = code_id(s, k, text, false, &id);
	if (text == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, e == STORE_OK ? id : -1);
	return e == STORE_ERR_NOTFOUND ? STORE_OK : e;
}

/* The statement of the export's responses, bound to f (or the whole survey). */
static enum store_err export_statement(struct store *s, const char *survey,
                                       const struct export_filter *f, sqlite3_stmt **out,
                                       long long *first)
{
	sqlite3_stmt *st;
	enum store_err e;
	int rc;
	*out = NULL;
	*first = 0;
	if (f == NULL || f->limit <= 0) {
		st = stmt_get(s, STMT_EXPORT_ROWS);
		bind_text(st, 1, survey);
		bind_day(st, 2, f ? f->from : NULL, DAY_FIRST);
		bind_day(st, 3, f ? f->to : NULL, DAY_LAST);
		*out = st;
		return STORE_OK;
	}
	long long after = 0;
	if (f->after != NULL) {
		sqlite3_stmt *q = stmt_get(s, STMT_RESPONSE_BY_PUBLIC);
		bind_text(q, 1, f->after);
		bind_text(q, 2, survey);
		rc = sqlite3_step(q);
		after = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
		sqlite3_reset(q);
		if (rc != SQLITE_ROW)
			return rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	}
	*first = after + 1;
	st = stmt_get(s, STMT_EXPORT_PAGE);
	bind_text(st, 1, survey);
	sqlite3_bind_int64(st, 2, after);
	if ((e = bind_code(s, st, 3, CODE_AGENCY, f->agency)) != STORE_OK ||
	    (e = bind_code(s, st, 4, CODE_DOMAIN, f->domain)) != STORE_OK ||
	    (e = bind_code(s, st, 5, CODE_CHANNEL, f->channel)) != STORE_OK)
		return e;
	bind_day(st, 6, f->from, DAY_FIRST);
	bind_day(st, 7, f->to, DAY_LAST);
	sqlite3_bind_int64(st, 8, f->limit);
	bool text = f->text || f->q != NULL;
	bind_text(st, 9, text ? (f->text_items != NULL ? f->text_items : "[]") : NULL);
	bind_text(st, 10, text ? f->q : NULL);
	*out = st;
	return STORE_OK;
}

enum store_err store_each_export_row(struct store *s, const char *survey,
                                     const struct export_filter *f,
                                     bool (*fn)(void *ctx, const struct export_source_row *r),
                                     void *ctx)
{
	struct export_cursor c = {.s = s, .survey = survey, .fn = fn, .ctx = ctx};
	sqlite3_stmt *st;
	long long first;
	enum store_err e = export_statement(s, survey, f, &st, &first);
	int rc = SQLITE_DONE;
	bool go_on = true;
	if (e != STORE_OK)
		return e;
	c.text = stmt_get(s, STMT_EXPORT_TEXT);
	sqlite3_bind_int64(c.text, 1, first);
	sqlite3_bind_int64(c.text, 2, LLONG_MAX);
	while (go_on && e == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		e = export_row(&c, st, &go_on);
	if (e == STORE_OK && go_on && rc != SQLITE_DONE)
		e = map_rc(rc);
	sqlite3_reset(st);
	sqlite3_reset(c.text);
	for (size_t i = 0; i < c.nowned; i++)
		free(c.owned[i]);
	free(c.owned);
	free(c.v);
	return e;
}

enum store_err store_survey_data_time(struct store *s, const char *survey, char *out, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_DATA_TIME);
	bind_text(st, 1, survey);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? STORE_OK
	                   : rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_ERR_NOTFOUND
	                   : map_rc(rc);
	if (e == STORE_OK)
		col_copy(st, 0, out, n);
	sqlite3_reset(st);
	return e;
}
