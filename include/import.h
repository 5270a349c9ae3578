/*
 * import — what every CSV import shares (CONTRACT §2): one transaction per
 * file, the header checked once, each row handed to the importer, the
 * first bad row stopping everything with "FILE:LINE: reason", an audit
 * record, and a running count on a terminal.
 */
#ifndef MANYI_IMPORT_H
#define MANYI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "csvin.h"
#include "store.h"

struct import_result {
	size_t rows;      /* data rows stored */
	size_t created;   /* rows that added something new */
	size_t updated;   /* rows that changed something already there */
	enum store_err store_err; /* set by a row function that the database, not
	                           * the row, stopped (busy, ...): STORE_OK else */
};

enum import_err {
	IMPORT_OK,
	IMPORT_FILE,      /* the file cannot be read (msg "FILE: reason") */
	IMPORT_INVALID,   /* the header or a row is wrong (msg "FILE:LINE: reason") */
	IMPORT_BUSY,      /* the database is busy: try again */
	IMPORT_STORE,     /* the database failed */
	IMPORT__MAX
};

const char *import_strerror(enum import_err e);

/*
 * Check the header (called once, before the first row).  Return false with
 * msg set to reject the file; the error is reported at the header's line.
 */
typedef bool (*import_header_fn)(void *ctx, const struct csvin_row *header, char *msg, size_t n);
/* Store one row (in the open transaction).  False with msg set stops the import. */
typedef bool (*import_row_fn)(void *ctx, const struct csvin_row *row, struct import_result *res,
                              char *msg, size_t n);

struct importer {
	const char *action;       /* audit action, e.g. "import encounters" */
	const char *noun;         /* for the progress line, e.g. "encounters" */
	import_header_fn header;
	import_row_fn row;
	void *ctx;
};

/*
 * Run imp over the CSV file at path atomically.  Returns IMPORT_OK
 * (committed), or another error with msg ("FILE:LINE: reason", "FILE:
 * reason") and nothing stored.
 */
enum import_err import_csv(struct store *s, const char *path, const struct importer *imp, bool progress,
               struct import_result *res, char *msg, size_t msglen);

/*
 * Map a header onto names[0..n-1]: cols[k] is the index of names[k] or -1.
 * The first nrequired names must be present; a column that is none of the
 * names, or one named twice, is an error ("unknown column \"x\" (expected
 * ...)", "column \"x\" appears twice", "missing column \"x\"").
 */
bool import_columns(const struct csvin_row *header, const char *const *names, size_t n,
                    size_t nrequired, int *cols, char *msg, size_t msglen);

/* Values whose quotation takes up to this many bytes are quoted whole. */
#define IMPORT_QUOTE_MAX 128
/* The size of import_quote()'s buffer: the longest quotation, its ends and length. */
#define IMPORT_QUOTE_SIZE (IMPORT_QUOTE_MAX + 48)

/*
 * Quote the value s (borrowed, UTF-8) for a message into buf
 * (IMPORT_QUOTE_SIZE bytes) and return buf: in double quotes, `"` and `\`
 * escaped with a backslash and control characters as \n, \r, \t or \xNN,
 * so a message stays on one line.  A value whose escaped form takes at
 * most IMPORT_QUOTE_MAX bytes is quoted whole; a longer one is cut to half
 * that at a character boundary, ends in "..." and is followed by its
 * length: "AB..." (300 characters).
 */
const char *import_quote(const char *s, char *buf);

/*
 * Check the code v of column col (an encounter_id, a registry code: 1-64
 * letters, digits, '_', '.' or '-').  False with msg set: the value quoted
 * whole or with its length when it is too long, and `what` (e.g. "a
 * registry code") when it holds other characters.
 */
bool import_code_check(const char *col, const char *v, const char *what, char *msg, size_t n);

/*
 * Is code registered as k?  STORE_OK when it is; STORE_ERR_CONSTRAINT with
 * msg ("unknown agency \"X\"") when not; another store error with msg
 * saying what could not be checked.
 */
enum store_err import_registered(struct store *s, enum registry_kind k, const char *code,
                                 char *msg, size_t n);

/* The keys a file has named so far (a code, a certificate number): to
 * refuse one named twice.  Start zeroed; free with import_seen_free(). */
struct import_seen {
	char **v;
	size_t n, cap;
};
/* True when key was added before; else false, and key (copied) is added. */
bool import_seen_add(struct import_seen *s, const char *key);
void import_seen_free(struct import_seen *s);

/*
 * The JSON arrays of the API's imports (encounters, officers): len bytes
 * (any bytes) parsed into *root, a JSON array of 1 to max_count elements,
 * at most max_bytes long, UTF-8 without NUL.  Pure.  IMPORT_JSON_OK with
 * *root (caller frees with cJSON_Delete()), else *root NULL.
 */
struct cJSON;
enum import_json { IMPORT_JSON_OK, IMPORT_JSON_MALFORMED, IMPORT_JSON_COUNT };
enum import_json import_json_array(const char *data, size_t len, size_t max_bytes, int max_count,
                                   struct cJSON **root);
/* A string member of o (borrowed from it), or NULL when absent or null; *bad
 * is set when it is present but not a string. */
const char *import_json_str(const struct cJSON *o, const char *name, bool *bad);

#endif
