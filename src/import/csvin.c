/*
 * csvin — see include/csvin.h.
 *
 * libcsv does the quoting; this file keeps the current record, the header,
 * the line numbers and the limits.  Spaces are part of a field, as RFC 4180
 * says (libcsv's default of trimming them is switched off).
 *
 * Line numbers: with CSV_REPALL_NL libcsv reports every unquoted CR and LF
 * through the end-of-row callback, once each, and quoted line breaks arrive
 * inside field values byte for byte.  Counting both (a CR directly followed
 * by a LF counting once) gives the physical line at every callback, so the
 * line a record starts on is the count when its first field arrives.
 */
#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CSVIN_CHUNK 65536

/* One record being collected: field bytes back to back, each NUL-ended. */
struct record {
	struct sbuf bytes;
	size_t off[CSVIN_MAX_FIELDS];
	size_t len[CSVIN_MAX_FIELDS];
	const char *field[CSVIN_MAX_FIELDS];
	size_t n;
	size_t line;
};

struct reader {
	struct csv_parser parser;
	struct record cur;
	struct record head;
	bool have_header;
	size_t line;        /* physical line at the parser's position */
	bool after_cr;      /* the last line break seen was a CR */
	enum csvin_err err; /* first error; callbacks do nothing after it */
	size_t errline;
	char *msg;
	size_t msglen;
	csvin_row_fn fn;
	void *ctx;
};

/* Record the first error e at line with a printf-style message. */
static void reader_fail(struct reader *r, enum csvin_err e, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void reader_fail(struct reader *r, enum csvin_err e, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (r->err != CSVIN_OK)
		return;
	r->err = e;
	r->errline = line;
	if (r->msg != NULL && r->msglen > 0) {
		va_start(ap, fmt);
		vsnprintf(r->msg, r->msglen, fmt, ap);
		va_end(ap);
	}
}

/* Count one line break character c into r->line. */
static void count_break(struct reader *r, unsigned char c)
{
	if (c == '\n' && r->after_cr) {
		r->after_cr = false;
		return;
	}
	r->line++;
	r->after_cr = c == '\r';
}

/* Count the line breaks inside a field value (s, n) into r->line. */
static void count_breaks(struct reader *r, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			count_break(r, s[i]);
		else
			r->after_cr = false;
	}
}

/*
 * The field r->cur is collecting, on line, is not UTF-8: name its column
 * (the header's name for it, once there is a header) and say how to save
 * the file, since Excel's plain "CSV" is GBK on a Chinese Windows.
 */
static void utf8_fail(struct reader *r, size_t line)
{
	size_t k = r->cur.n;
	static const char hint[] =
		"; save the file as UTF-8 (Excel: 另存为 \"CSV UTF-8（逗号分隔）\", "
		"\"CSV UTF-8 (Comma delimited)\"; plain \"CSV\" is GBK on a Chinese Windows)";

	if (!r->have_header)
		reader_fail(r, CSVIN_ERR_UTF8, line, "the header's field %zu is not valid UTF-8%s",
		            k + 1, hint);
	else if (k < r->head.n)
		reader_fail(r, CSVIN_ERR_UTF8, line, "column \"%s\" (field %zu) is not valid UTF-8%s",
		            r->head.bytes.data + r->head.off[k], k + 1, hint);
	else
		reader_fail(r, CSVIN_ERR_UTF8, line, "field %zu is not valid UTF-8%s", k + 1, hint);
}

/* libcsv's field callback: check the value and append a copy to r->cur. */
static void on_field(void *data, size_t n, void *vr)
{
	struct reader *r = vr;
	struct record *rec = &r->cur;
	size_t line = r->line;

	if (r->err != CSVIN_OK)
		return;
	if (rec->n == 0)
		rec->line = line;
	/*
	 * Everything before the field is counted, so it starts on `line`.  A
	 * break in a value follows the opening quote, never another break.
	 */
	r->after_cr = false;
	count_breaks(r, data, n);
	r->after_cr = false;
	if (rec->n == CSVIN_MAX_FIELDS) {
		reader_fail(r, CSVIN_ERR_LIMIT, rec->line, "row has more than %d fields",
		            CSVIN_MAX_FIELDS);
		return;
	}
	if (n > CSVIN_MAX_FIELD) {
		reader_fail(r, CSVIN_ERR_LIMIT, line, "field %zu is longer than %d bytes",
		            rec->n + 1, CSVIN_MAX_FIELD);
		return;
	}
	if (n > 0 && memchr(data, '\0', n) != NULL) {
		reader_fail(r, CSVIN_ERR_SYNTAX, line, "field %zu contains a NUL byte", rec->n + 1);
		return;
	}
	if (!utf8_valid(data, n)) {
		utf8_fail(r, line);
		return;
	}
	rec->off[rec->n] = rec->bytes.len;
	rec->len[rec->n] = n;
	sbuf_add(&rec->bytes, data, n);
	sbuf_addc(&rec->bytes, '\0');
	rec->n++;
}

/* Point rec->field[] into rec->bytes and describe rec as a csvin_row. */
static void record_view(struct record *rec, struct csvin_row *row)
{
	for (size_t i = 0; i < rec->n; i++)
		rec->field[i] = rec->bytes.data + rec->off[i];
	row->line = rec->line;
	row->n = rec->n;
	row->field = rec->field;
	row->len = rec->len;
}

/* Make head a copy of the record rec; rec is emptied. */
static void record_take(struct record *head, struct record *rec)
{
	struct sbuf tmp = head->bytes;

	head->bytes = rec->bytes;
	rec->bytes = tmp;
	memcpy(head->off, rec->off, rec->n * sizeof(rec->off[0]));
	memcpy(head->len, rec->len, rec->n * sizeof(rec->len[0]));
	head->n = rec->n;
	head->line = rec->line;
	sbuf_reset(&rec->bytes);
	rec->n = 0;
}

/*
 * libcsv's end-of-row callback (c is the CR or LF, or -1 at the end of
 * input): keep the first record as the header, hand the others to the
 * caller's callback, skip blank lines, and count the line break.
 */
static void on_row(int c, void *vr)
{
	struct reader *r = vr;
	struct record *rec = &r->cur;
	struct csvin_row head, row;

	if (r->err != CSVIN_OK)
		return;
	if (rec->n > 0) {
		if (!r->have_header) {
			record_take(&r->head, rec);
			r->have_header = true;
		} else if (rec->n != r->head.n) {
			reader_fail(r, CSVIN_ERR_WIDTH, rec->line,
			            "row has %zu field%s but the header has %zu", rec->n,
			            rec->n == 1 ? "" : "s", r->head.n);
			return;
		} else {
			record_view(&r->head, &head);
			record_view(rec, &row);
			if (r->fn != NULL && !r->fn(r->ctx, &head, &row, r->msg, r->msglen)) {
				r->err = CSVIN_ERR_CALLBACK;
				r->errline = rec->line;
				return;
			}
		}
		sbuf_reset(&rec->bytes);
		rec->n = 0;
	}
	if (c == '\r' || c == '\n')
		count_break(r, (unsigned char)c);
}

/* libcsv's space test: nothing is a space, fields keep their blanks. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/*
 * Explain libcsv's strict-mode stop (the parser stands just before the
 * offending byte) as a message for a person, on the line of that byte.
 */
static void syntax_error(struct reader *r)
{
	struct csv_parser *p = &r->parser;
	size_t fieldline = r->line;
	char where[64] = "";

	if (csv_error(p) != CSV_EPARSE) {
		reader_fail(r, CSVIN_ERR_IO, r->line, "%s", csv_strerror(csv_error(p)));
		return;
	}
	/* The open field's value holds the only line breaks not yet counted. */
	r->after_cr = false;
	count_breaks(r, p->entry_buf, p->entry_pos);
	if (fieldline != r->line)
		snprintf(where, sizeof(where), ", which starts on line %zu,", fieldline);
	if (p->quoted)
		reader_fail(r, CSVIN_ERR_SYNTAX, r->line,
		            "field %zu%s: a closing quote must be followed by a comma "
		            "or the end of the line (a quote inside a quoted field is "
		            "written twice: \"\")",
		            r->cur.n + 1, where);
	else
		reader_fail(r, CSVIN_ERR_SYNTAX, r->line,
		            "field %zu: a quote (\") inside an unquoted field (quote "
		            "the whole field and write the quote twice: \"\")",
		            r->cur.n + 1);
}

/*
 * Read fp to the end, feeding libcsv 64 KiB at a time; stop at the first
 * error.  fp is borrowed and not closed.
 */
enum csvin_err csvin_read(FILE *fp, csvin_row_fn fn, void *ctx, size_t *errline, char *msg,
                          size_t msglen)
{
	struct reader *r = NULL;
	unsigned char *buf = NULL;
	enum csvin_err err = CSVIN_OK;
	bool first = true;
	size_t skip = 0;

	if (msg != NULL && msglen > 0)
		msg[0] = '\0';
	r = xcalloc(1, sizeof(*r));
	buf = xmalloc(CSVIN_CHUNK);
	sbuf_init(&r->cur.bytes);
	sbuf_init(&r->head.bytes);
	r->line = 1;
	r->msg = msg;
	r->msglen = msglen;
	r->fn = fn;
	r->ctx = ctx;
	csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL);
	csv_set_space_func(&r->parser, no_space);
	csv_set_realloc_func(&r->parser, xrealloc);
	csv_set_blk_size(&r->parser, 16384);

	for (;;) {
		size_t n, done;

		n = fread(buf, 1, CSVIN_CHUNK, fp);
		if (ferror(fp)) {
			reader_fail(r, CSVIN_ERR_IO, r->line, "read error: %s", strerror(errno));
			break;
		}
		if (first) {
			first = false;
			if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
				skip = 3;
		}
		if (n == 0)
			break;
		done = csv_parse(&r->parser, buf + skip, n - skip, on_field, on_row, r);
		if (r->err != CSVIN_OK)
			break;
		if (done < n - skip) {
			syntax_error(r);
			break;
		}
		skip = 0;
		/* An open field may hold its closing quote too. */
		if (r->parser.entry_pos > (size_t)CSVIN_MAX_FIELD + 1) {
			reader_fail(r, CSVIN_ERR_LIMIT, r->line,
			            "field %zu is longer than %d bytes", r->cur.n + 1,
			            CSVIN_MAX_FIELD);
			break;
		}
	}
	if (r->err == CSVIN_OK && csv_fini(&r->parser, on_field, on_row, r) != 0 &&
	    r->err == CSVIN_OK)
		reader_fail(r, CSVIN_ERR_SYNTAX, r->line,
		            "unterminated quoted field (a quote opens a field here and "
		            "is never closed)");
	if (r->err == CSVIN_OK && !r->have_header)
		reader_fail(r, CSVIN_ERR_EMPTY, 1, "the file is empty: there is no header row");
	err = r->err;
	if (errline != NULL)
		*errline = err == CSVIN_OK ? 0 : r->errline;
	csv_free(&r->parser);
	sbuf_free(&r->head.bytes);
	sbuf_free(&r->cur.bytes);
	free(buf);
	free(r);
	return err;
}

/* Compare each header field to name; the first match wins. */
int csvin_column(const struct csvin_row *header, const char *name)
{
	if (header == NULL || name == NULL)
		return -1;
	for (size_t i = 0; i < header->n && i < (size_t)CSVIN_MAX_FIELDS; i++)
		if (strcmp(header->field[i], name) == 0)
			return (int)i;
	return -1;
}
