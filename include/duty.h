/*
 * duty — the efficacy evaluation's imports (CONTRACT §6, issue 14):
 *
 *   manyi import duties FILE.csv          duty_id,agency,domain,name,basis,required
 *   manyi import performance FILE.csv     duty_id,year,performed[,records]
 *   manyi import quality-scores FILE.csv  year,agency,score,se,n
 *
 * duty_id is a code; agency and domain registered; name and basis not
 * empty; required a whole number >= 0 (the actions required in a year).
 * A performance row names a duty already imported, a year 1900..9999 and
 * performed a whole number >= 0; records (optional) the record ids, kept
 * as given.  A quality score is a review done elsewhere: score 0..100, se
 * >= 0, n files >= 0.  A later row (of the file or a later import) for the
 * same duty, duty and year, or year and agency replaces an earlier one.
 * Atomic, as every import: msg "FILE:LINE: reason" and nothing stored.
 */
#ifndef MANYI_DUTY_H
#define MANYI_DUTY_H

#include <stdbool.h>
#include <stddef.h>

#include "import.h"
#include "store.h"

enum duty_kind { DUTY_DUTIES, DUTY_PERFORMANCE, DUTY_QUALITY_SCORES, DUTY__MAX };

/* Each kind's columns, in the order duty_put() takes its fields, and how many. */
#define DUTY_MAX_COLS 6
extern const char *const duty_columns[DUTY__MAX][DUTY_MAX_COLS];
extern const size_t duty_ncolumns[DUTY__MAX];

/* Where rows go: the store (in the caller's transaction), their kind, and
 * for an agency key its agency (a duty of another agency is refused, and
 * forbidden set), else NULL. */
struct duty_put {
	struct store *store;
	enum duty_kind kind;
	const char *only_agency;
	bool forbidden;
};

/*
 * Check and store one row: fields f in duty_columns[c->kind]'s order ("" for
 * an optional one absent).  False with msg (why) and, when the store
 * failed, res->store_err.  The CSV import and POST /api/v1/duties and
 * /api/v1/performance go through it.
 */
bool duty_put(struct duty_put *c, const char *const *f, struct import_result *res, char *msg,
              size_t n);

struct cJSON;
/*
 * The fields of a JSON element o (an object whose members are the columns;
 * others ignored) in duty_columns[kind]'s order into f: a string as it
 * is (borrowed from o), a number as text in buf[k] (a whole number without
 * a decimal point), absent or null as "".  False with msg when o is not an
 * object or a member is neither a string nor a number.  Pure.
 */
bool duty_json_fields(const struct cJSON *o, enum duty_kind kind, const char *f[DUTY_MAX_COLS],
                      char buf[DUTY_MAX_COLS][64], char *msg, size_t n);

/* Import path of kind atomically: IMPORT_OK, or an error with msg "FILE:LINE: reason". */
enum import_err duty_import(struct store *s, enum duty_kind kind, const char *path,
                            struct import_result *res, char *msg, size_t msglen);

#endif
