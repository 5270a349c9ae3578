/*
 * export — a survey's microdata as a file evaluators take into Excel, WPS,
 * SPSS and Stata, or dashboards read as JSON: `manyi export` and
 * GET /api/v1/export (CONTRACT §3, §4).
 *
 * One row per response, in the order responses were stored, with these
 * columns (the same names in every format):
 *
 *   response_id      the public opaque id (never the internal key)
 *   survey_version, channel, submitted_at (as stored, ISO 8601),
 *   agency, domain, size, district, outcome   (codes; district and outcome
 *                    come from the encounter and are empty for the public
 *                    channel)
 *   date             YYYY-MM-DD, the date the statistics give the response
 *                    (periods, month, quarter, year): the encounter's
 *                    occurred_on, else the submission day in UTC+8.  A
 *                    string in csv, json and xlsx; a date variable in .sav
 *                    (format SDATE10, yyyy/mm/dd) and .dta (%td, the
 *                    format every Stata reader takes for a date).
 *   in_sample        1 when the response is linked to an encounter (the
 *                    invitation sample, the design of the weights), else 0;
 *                    value labels in .sav and .dta
 *   one column per item of every version of the survey, so that answers
 *   given to an older version never vanish: first the items of the latest
 *   definition in its order, then the items only older versions have (newest
 *   version first, each in its definition's order) with the texts and
 *   options of the latest version that has them.  A choice or multi item
 *   has the options of its latest definition first, then the options only
 *   older versions had, so the SPSS/Stata codes of current options do not
 *   change; a scale item allows "not applicable" when any version allowed
 *   it.  When an item changed type, the latest type holds.  (A definition
 *   holds at most 200 items of 64 options: what would pass that is left out
 *   with a warning.)  Answers to an item no version defines are not
 *   exported.  Per item:
 *     scale   the score 1..points.  "Not applicable" is kept apart from a
 *             missing answer: "na" in CSV, XLSX and JSON; in SPSS the value
 *             99, declared user-missing and labelled; in Stata the extended
 *             missing value .a, labelled.  An unanswered item is empty /
 *             null / system-missing.  Value labels: the scale labels, plus
 *             "not applicable" only for the items that allow it (two label
 *             sets, "scale" and "scale_na"); the xlsx codebook types such
 *             an item "integer (or na)".
 *     choice  CSV, XLSX and JSON: the option value as in the definition
 *             (e.g. "inspection"), which is also what CSV imports take.
 *             SPSS and Stata: the 1-based position of the option in the
 *             definition, with value labels = the option texts.
 *     multi   one 0/1 column per option, named ITEM_OPTION; all empty when
 *             the item was not answered, all 0 when answered with nothing
 *             ticked.  Value labels 0 = not chosen, 1 = chosen.
 *     text    a string.
 *   weight_none, weight_base, weight_poststrat, weight_rake: the response's
 *             final weight under each weighting (report_weights(), the same
 *             engine as `manyi stats`, over the export's period); 0 for a response outside that
 *             design (public channel under base/poststrat/rake); empty /
 *             null / system-missing when the weighting cannot be computed
 *             for the survey (the reason comes back as a warning).
 *   stratum_n the response's N_h: the encounters registered for its agency
 *             within the export's period (from, to), the stratum's size and
 *             finite population correction; empty for a response outside
 *             the sample.  With these columns the design is, in Stata,
 *               svyset _n [pw=weight_base], strata(agency) fpc(stratum_n)
 *             restricted to in_sample == 1 (weight_base = stratum_n / n_h).
 *
 * Variable labels, in the chosen language, for every column.
 *
 * Never exported: the internal response key, encounter ids (they identify
 * the enterprise to the agency that registered it), invitation tokens or
 * their hashes, addresses, keys.
 *
 * Variable names are ASCII [a-z][a-z0-9_]*, at most 32 characters, not a
 * reserved word of SPSS or Stata, unique (a clash gets _2, _3...): what
 * both packages accept.  Variable labels are the item texts in the chosen
 * language (Chinese by default), cut to what the format holds (SPSS 255
 * bytes, Stata 80 characters; a cut label ends in "…"); value labels are
 * the scale labels and option texts (SPSS: 120 bytes at most).
 *
 * Text hygiene, the same in every format: bytes that are not UTF-8, C0
 * controls other than TAB and LF, DEL, C1 controls and the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069, which can make a cell display something other than what
 * it holds) become U+FFFD; CR LF and lone CR become LF.  In CSV a text
 * cell that starts with = + - @ TAB or CR gets a leading apostrophe (') so
 * that Excel or WPS opening the file shows it as text and never runs it as
 * a formula; the response id and submitted_at are machine-made and never
 * altered.  XLSX cells hold such text as typed string cells, which a
 * spreadsheet never evaluates, so they keep the text exactly.  Numbers are
 * never altered.
 *
 * Formats:
 *   csv     RFC 4180, UTF-8, CRLF, a header row of names; with bom a UTF-8
 *           byte order mark first, for Excel and WPS.
 *   json    one array of objects, one object per response, a line each.
 *   ndjson  one object per line.
 *   xlsx    sheet "data" (a header row of names) and sheet "codebook"
 *           (variable, label, type, values); libxlsxwriter's
 *           constant_memory mode; at most 1,048,575 responses.
 *   sav     SPSS, UTF-8, row-compressed; strings longer than 32767 bytes are
 *           cut.
 *   dta     Stata 14+ (format 118, UTF-8); a text column whose longest value
 *           exceeds 2045 bytes becomes a strL.
 *
 * Creation times written into xlsx, sav and dta files are the data's last
 * change (the newest response), so the same data exports to the same bytes.
 *
 * Streaming: responses are read from SQLite with one cursor inside one read
 * transaction (a consistent snapshot; writers are not blocked) and written
 * one at a time; the output goes through a 64 KiB buffer to the sink.
 * Memory does not depend on the number of rows: the weights and stratum_n
 * come from one table by cell (report_weights()), which grows with
 * agencies x domains x sizes.
 * The one exception is Stata strLs (text over 2045 bytes), which libreadstat
 * needs before the header and keeps until the end of the file.  SPSS and
 * Stata need the row count and every string width before the first row, so
 * those two formats read the responses twice (three times with strLs).  XLSX is built in a
 * temporary file ($TMPDIR or /tmp) and then copied to the sink.
 */
#ifndef MANYI_EXPORT_H
#define MANYI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "store.h"
#include "survey.h"
#include "util.h"

enum export_format {
	EXPORT_CSV,
	EXPORT_JSON,
	EXPORT_NDJSON,
	EXPORT_XLSX,
	EXPORT_SAV,
	EXPORT_DTA,
	EXPORT__MAX
};

/* "csv", "json", "ndjson", "xlsx", "sav", "dta" (also the file extension). */
const char *export_format_name(enum export_format f);
/* Parse one of those names; false on anything else. */
bool export_format_parse(const char *s, enum export_format *out);
/* The Content-Type for HTTP (text formats with charset=utf-8). */
const char *export_content_type(enum export_format f);
/* xlsx, sav and dta: not for a terminal. */
bool export_format_binary(enum export_format f);

struct export_options {
	bool bom;       /* CSV only: a UTF-8 byte order mark first */
	enum lang lang; /* labels: LANG_ZH (default) or LANG_EN */
	/*
	 * A period (YYYY-MM-DD, borrowed; NULL: open): only the responses dated
	 * within it (the encounter's date, else the submission day in UTC+8, as
	 * for the statistics), weighted to the encounters of the period, so
	 * that the weights are those of `manyi stats --from --to`.
	 */
	const char *from, *to;
};

/* No byte order mark, LANG_ZH, no period. */
void export_options_default(struct export_options *o);

/*
 * Where the bytes go: called with n > 0 bytes (borrowed for the call);
 * returns false when it could not take them, which stops the export.
 */
typedef bool (*export_sink)(void *ctx, const void *data, size_t n);

enum export_status {
	EXPORT_OK,
	EXPORT_BAD_QUERY, /* unknown survey, an option the format does not take,
	                   * too many rows for xlsx (msg says) */
	EXPORT_BUSY,      /* the database is busy: try again */
	EXPORT_STORE,     /* the database failed */
	EXPORT_WRITE,     /* the sink refused bytes, or a temporary file failed */
	EXPORT_LIBRARY,   /* libxlsxwriter or libreadstat refused (msg says) */
	EXPORT_STATUS__MAX
};

const char *export_strerror(enum export_status e);

/*
 * Write the export of survey (the responses of every version, with the
 * columns of every version as above) in format f to sink.  s, survey and o are borrowed.  On
 * failure msg (capacity msglen) says why, for logs and the command line;
 * bytes may already have reached the sink.  On success msg holds warnings
 * ("" when none), such as a weighting that could not be computed.
 */
enum export_status export_write(struct store *s, const char *survey, enum export_format f,
                                const struct export_options *o, export_sink sink, void *ctx,
                                char *msg, size_t msglen);

/*
 * The warnings export_write() would give (in msg; "" when none) without
 * reading a row: for GET /api/v1/export, which must send them in its head.
 */
enum export_status export_warnings(struct store *s, const char *survey, enum export_format f,
                                   const struct export_options *o, char *msg, size_t msglen);

/* export_write() to a stdio stream (borrowed; not closed, not flushed). */
enum export_status export_write_file(struct store *s, const char *survey, enum export_format f,
                                     const struct export_options *o, FILE *out, char *msg,
                                     size_t msglen);

/*
 * One page of GET /api/v1/responses, as JSON appended to out:
 *
 *   {"survey": ID, "responses": [OBJECT...], "next_cursor": ID | null}
 *
 * each OBJECT as in the json export without the weight columns and
 * stratum_n (they belong to the export's period: use the export).  At most f->limit responses
 * that pass f's filters, after the response f->after; next_cursor is the
 * response_id of the last one when more follow, for the next page's
 * f->after.  EXPORT_BAD_QUERY for an unknown survey or cursor.
 */
enum export_status export_page(struct store *s, const char *survey, const struct export_filter *f,
                               enum lang l, struct sbuf *out, char *msg, size_t msglen);

/* Building blocks, public for the unit tests. */

#define EXPORT_NAME_MAX 32

/*
 * Append n bytes of s (any bytes) to out with the text hygiene described
 * above: invalid UTF-8, controls and bidi formatting characters become
 * U+FFFD, CR LF and CR become LF.
 */
void export_clean_text(const char *s, size_t n, struct sbuf *out);
/*
 * A variable name for raw (an item id, or item_option) following the rules
 * above, before uniqueness: lower case, [a-z0-9_], starting with a letter,
 * at most EXPORT_NAME_MAX characters, no trailing underscore.
 */
void export_name_base(const char *raw, char out[EXPORT_NAME_MAX + 1]);
/* True when name is a reserved word of SPSS or Stata (all, by, to, if, in, str1...). */
bool export_name_reserved(const char *name);
/*
 * Append s cut to at most max_chars code points and max_bytes bytes (valid
 * UTF-8 in, valid UTF-8 out); a cut string ends in "…" within the limits.
 */
void export_fit_label(const char *s, size_t max_chars, size_t max_bytes, struct sbuf *out);

#endif
