/*
 * csvin — reading CSV files for imports (CONTRACT §2): UTF-8, a header row,
 * comma separated, RFC 4180 quoting, an optional byte-order mark.
 *
 * Built on libcsv.  Rows are streamed to a callback, so files of any size
 * are read in constant memory (one row at a time).
 */
#ifndef MANYI_CSVIN_H
#define MANYI_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CSVIN_MAX_FIELDS 512
#define CSVIN_MAX_FIELD 65536

/* One record.  Everything is borrowed and valid only during the callback. */
struct csvin_row {
	size_t line;           /* the physical line the record starts on (header = 1) */
	size_t n;              /* number of fields */
	const char **field;    /* NUL-terminated values, n entries */
	const size_t *len;     /* their lengths in bytes */
};

/*
 * Called once per record after the header.  header is the header row (same
 * lifetime rules).  Return true to go on; false stops reading, and the
 * callback should have written its reason into msg (capacity msglen) —
 * csvin_read() then returns CSVIN_ERR_CALLBACK.
 */
typedef bool (*csvin_row_fn)(void *ctx, const struct csvin_row *header,
                             const struct csvin_row *row, char *msg,
                             size_t msglen);

enum csvin_err {
	CSVIN_OK,
	CSVIN_ERR_IO,        /* cannot open or read */
	CSVIN_ERR_SYNTAX,    /* quoting error, e.g. a stray quote */
	CSVIN_ERR_UTF8,      /* bytes that are not UTF-8 */
	CSVIN_ERR_EMPTY,     /* no header row */
	CSVIN_ERR_WIDTH,     /* a row with a different number of fields than the header */
	CSVIN_ERR_LIMIT,     /* more than CSVIN_MAX_FIELDS fields or a field over CSVIN_MAX_FIELD bytes */
	CSVIN_ERR_CALLBACK,  /* the callback stopped */
	CSVIN_ERR__MAX
};

/*
 * Read CSV from fp (borrowed; not closed).  A leading UTF-8 BOM is skipped;
 * a blank last line is not a record.  On any error other than
 * CSVIN_ERR_CALLBACK, *errline is the line of the problem and msg holds a
 * reason without the file name ("a row has 5 fields, the header 6").
 */
enum csvin_err csvin_read(FILE *fp, csvin_row_fn fn, void *ctx,
                          size_t *errline, char *msg, size_t msglen);

/* The index of column name in header, or -1. */
int csvin_column(const struct csvin_row *header, const char *name);

#endif
