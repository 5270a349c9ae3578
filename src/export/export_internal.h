/*
 * export_internal — what the parts of the export share, and nothing outside
 * src/export/ includes.  One export is one struct exporter: export.c runs it
 * (the survey, the columns, then passes over the rows through a format),
 * export_survey.c merges the survey's versions, export_columns.c makes the
 * columns and their names and labels, export_rows.c reads the responses and
 * their weights one row at a time, and the formats write them:
 * export_text.c (csv, json, ndjson, a page of responses), export_xlsx.c
 * (libxlsxwriter) and export_readstat.c (sav and dta through libreadstat).
 * The libraries' types appear here only by their struct tags, so that
 * each library stays in its own file.
 */
#ifndef MANYI_EXPORT_INTERNAL_H
#define MANYI_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "report.h"
#include "stats.h"

/* The output buffer's size; xlsx reads its file back in pieces of it. */
#define OUT_BUFSIZE 65536

/* What a column holds. */
enum col_kind {
	COL_ID, COL_VERSION, COL_CHANNEL, COL_SUBMITTED, COL_AGENCY, COL_DOMAIN, COL_SIZE,
	COL_DISTRICT, COL_OUTCOME, COL_DATE, COL_IN_SAMPLE, COL_SCALE, COL_CHOICE, COL_MULTI,
	COL_TEXT, COL_WEIGHT, COL_STRATUM_N,
	COL_AGENCY_NAME, COL_DOMAIN_NAME, /* xlsx: the registry's name beside the code */
	COL_AGENCY_CODE, COL_DOMAIN_CODE, /* sav, dta: the code's number, labelled with the name */
	COL_EXCLUDED, COL_EXCLUDED_REASON, /* left out of the statistics (0/1), and why */
	COL__MAX
};

/* The string fields of a response, in the order of the first columns. */
enum field {
	F_ID, F_CHANNEL, F_SUBMITTED, F_AGENCY, F_DOMAIN, F_SIZE, F_DISTRICT, F_OUTCOME, F_DATE,
	F_EXCLUDED_REASON, F__MAX
};

/* A column of the export, made by export_build_columns(). */
struct column {
	char name[EXPORT_NAME_MAX + 1];
	enum col_kind kind;
	size_t item;   /* survey item index (answer columns) */
	int option;    /* COL_MULTI: the option index */
	int weighting; /* COL_WEIGHT */
	char *label;   /* the variable label, in the chosen language */
	size_t width;  /* string columns: the longest value in bytes (sav, dta) */
	struct readstat_variable_s *var; /* sav, dta */
};

/* One item's answer in the current response. */
struct ans {
	bool present;
	bool na;
	int num;
	int choice;               /* option index, -1 when unknown */
	unsigned long long multi; /* bit j: option j chosen */
	struct sbuf text;         /* text: the answer; choice: the stored value (cleaned) */
};

/* A cell of the current row. */
enum cell_type { CELL_MISSING, CELL_NA, CELL_INT, CELL_REAL, CELL_STR };

struct cell {
	enum cell_type t;
	long long i;
	double d;
	const char *s;
	size_t len;
};

/* The output buffer in front of the sink. */
struct out {
	export_sink sink;
	void *ctx;
	char *buf;
	size_t len;
	bool failed;
};

static inline void out_flush(struct out *o)
{
	if (o->len > 0 && !o->failed && !o->sink(o->ctx, o->buf, o->len))
		o->failed = true;
	o->len = 0;
}

static inline void out_add(struct out *o, const void *p, size_t n)
{
	if (n > OUT_BUFSIZE - o->len) {
		out_flush(o);
		if (n >= OUT_BUFSIZE) {
			if (!o->failed && !o->sink(o->ctx, p, n))
				o->failed = true;
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void out_adds(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

static inline void out_addc(struct out *o, char c)
{
	if (o->len == OUT_BUFSIZE)
		out_flush(o);
	o->buf[o->len++] = c;
}

struct exporter;

/* A format: begin before the first row, row for each, end after the last. */
struct format_ops {
	bool (*begin)(struct exporter *x);
	bool (*row)(struct exporter *x);
	bool (*end)(struct exporter *x);
	void (*cleanup)(struct exporter *x); /* after end, or after a failure */
};

struct exporter {
	struct store *s;
	const struct survey *sv;
	int version; /* of the definition */
	enum export_format f;
	const struct export_options *o;
	bool numeric_choice; /* sav, dta */

	struct column *cols;
	size_t ncols;
	size_t *by_id; /* item indices sorted by item id */

	/* the current response */
	bool have_row;
	long long id;
	int survey_version;
	struct sbuf fld[F__MAX];
	bool fld_null[F__MAX];
	struct ans *ans;
	double w[STATS_W__MAX];

	bool sampled;
	bool excluded;       /* left out of the statistics: no weights */
	long long stratum_n; /* N_h of the response's agency; -1 outside the sample */

	struct report_weights weights;
	bool have_weights;

	/* xlsx, sav, dta: the registry, for the names of agencies and domains
	 * (the numbers of COL_AGENCY_CODE and COL_DOMAIN_CODE: 1 + the index
	 * in code order) */
	struct registry_list agencies, domains;

	const struct format_ops *ops;
	size_t rows;
	size_t expected_rows;
	struct out out;
	struct sbuf scratch;

	/* format state */
	struct lxw_workbook *wb;
	struct lxw_worksheet *ws;
	char xlsx_path[4096];
	bool xlsx_temp;
	struct readstat_writer_s *rs;
	struct readstat_string_ref_s *empty_ref;
	/* Stata strLs: libreadstat needs every string ref before the header, so
	 * a pass between the measuring and the writing creates them, in cell
	 * order (rows x strL columns); the writing pass takes them back in the
	 * same order. */
	struct readstat_string_ref_s **refs;
	size_t nrefs, refs_cap, ref_pos;
	char *json_buf;
	size_t json_cap;

	/* a page of GET /api/v1/responses (no weight columns) */
	const struct export_filter *filter; /* a page of responses; NULL for an export */
	struct export_filter reading;       /* what the store reads: the period, or the page
	                                     * with one row more, to see if more follow */
	bool more;
	struct sbuf last_id;

	time_t data_time; /* the data's last change: the files' creation time */

	enum export_status status;
	char *msg;
	size_t msglen;
};

/* Record the first failure of x (its status and message); returns false. */
bool export_fail(struct exporter *x, enum export_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a store error: EXPORT_BUSY when busy, else EXPORT_STORE with
 * SQLite's text (for logs and the command line); returns false. */
bool export_store_fail(struct exporter *x, enum store_err e);

/* The survey's latest definition with the items and options only older
 * versions had (include/export.h says in which order) into *sv (caller
 * frees with survey_free()), its text into *def (caller frees; it may be
 * set even when false is returned), x->version; warnings appended to warn.
 * When the merged definition breaks a rule of a definition, the latest
 * alone, with a warning.  False when the survey is unknown or the database
 * failed, recorded in x. */
bool export_load_survey(struct exporter *x, const char *survey, struct survey **sv, char **def,
                        struct sbuf *warn);

/* x->cols and x->by_id from x->sv, x->o->lang and x->filter. */
void export_build_columns(struct exporter *x);

/* The registry list a column of kind k names (agency or domain kinds), or NULL. */
const struct registry_list *export_registry_of(const struct exporter *x, enum col_kind k);
/* 1 + the index of code in l (sorted by code), or 0 when it is not there. */
long export_registry_number(const struct registry_list *l, const char *code);
/* The registry names of l as "CODE = NAME; ..." (numbered: "1 = NAME (CODE); ...") into b. */
void export_registry_values(const struct registry_list *l, enum lang lang, bool numbered,
                            struct sbuf *b);

/* The survey item index of id, or -1. */
long export_find_item(const struct exporter *x, const char *id);

/* Whether a column of kind k is a string variable (numeric_choice: sav and
 * dta, where a choice is its option's number and a date a date). */
bool export_col_is_string(enum col_kind k, bool numeric_choice);

/* Value labels the codebook and the SPSS/Stata label sets share. */
extern const char *const export_na_label[LANG__MAX];
extern const char *const export_chosen_label[2][LANG__MAX];
extern const char *const export_sample_label[2][LANG__MAX];
/* The excluded column's values: 0 no, 1 left out of the statistics. */
extern const char *const export_excluded_label[2][LANG__MAX];

/* Weights for every response into x->weights; a weighting that fails
 * becomes a warning in warn.  False when the database failed (recorded in
 * x: EXPORT_BUSY or EXPORT_STORE). */
bool export_load_weights(struct exporter *x, struct sbuf *warn);

/* One pass over the responses through x->ops->row; false on a failure,
 * recorded in x. */
bool export_run_rows(struct exporter *x);

/* The cell of column c in the current row; strings are borrowed from x. */
struct cell export_cell_of(const struct exporter *x, const struct column *c);

/* The formats (export_text.c, export_xlsx.c, export_readstat.c). */
extern const struct format_ops export_csv_ops;
extern const struct format_ops export_json_ops;   /* json and ndjson */
extern const struct format_ops export_page_ops;   /* a page of GET /api/v1/responses */
extern const struct format_ops export_xlsx_ops;
extern const struct format_ops export_rs_ops;     /* sav and dta */
extern const struct format_ops export_measure_ops; /* sav, dta: the first pass */

#endif
