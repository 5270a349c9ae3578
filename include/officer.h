/*
 * officer — the register of enforcement certificates (CONTRACT §6:
 * cert_no,name,agency,status,valid_until, optionally category,area) from
 * CSV files (`manyi import officers`) and from the JSON arrays of
 * POST /api/v1/officers, and the officers an encounter names.
 *
 * officer_parse() is the one validator both take; officer_store() checks
 * the agency against the registry and stores.  An import is atomic: the
 * first bad row stops it with "FILE:LINE: reason" and nothing is stored.
 * A row for a certificate already registered updates it (its status
 * changes: suspended, revoked, renewed).
 */
#ifndef MANYI_OFFICER_H
#define MANYI_OFFICER_H

#include <stdbool.h>
#include <stddef.h>

#include "import.h"
#include "store.h"
#include "store_officer.h"

struct cJSON;

/* An officer's fields as received; category and area may be NULL or "". */
struct officer_in {
	const char *cert_no;
	const char *name;
	const char *agency;
	const char *status;
	const char *valid_until;
	const char *category;
	const char *area;
};

/*
 * Is s a well-formed certificate number: 1 to OFFICER_CERT_MAX bytes of
 * one line of UTF-8 text (no control characters, no tab or line break), no
 * ';' (the encounters' separator), no space at either end?  Names,
 * categories and areas are one line of text too.
 */
bool officer_cert_valid(const char *s);

/*
 * Check the shape of every field (not whether the agency exists) and fill
 * *o.  Pure.  On failure msg names the field and the rule, e.g.
 * `status "lost" is not one of valid, suspended, revoked`.
 */
bool officer_parse(const struct officer_in *in, struct officer *o, char *msg, size_t n);

/*
 * Check o's agency against the registry and store o in the open
 * transaction (*created says whether it is new).  restrict_agency, when not
 * NULL, is the only agency allowed (an agency key), both for o and for
 * the certificate's agency before.  STORE_ERR_CONSTRAINT with msg when o
 * breaks a rule; another store error with msg when the database failed.
 */
enum store_err officer_store(struct store *s, const struct officer *o, const char *restrict_agency,
                             bool *created, char *msg, size_t n);

/* Import a CSV file atomically; msg "FILE:LINE: reason" on failure. */
enum import_err officer_import(struct store *s, const char *path, struct import_result *res,
                               char *msg, size_t msglen);

/* An officers array as POST /api/v1/officers takes it. */
#define OFFICERS_MAX_BYTES (4 * 1024 * 1024)
#define OFFICERS_MAX_COUNT 10000

enum officers_err {
	OFFICERS_OK,
	OFFICERS_ERR_MALFORMED, /* not UTF-8, a NUL byte, not JSON, or not an array */
	OFFICERS_ERR_COUNT,     /* none, or more than OFFICERS_MAX_COUNT */
	OFFICERS_ERR__MAX
};

/* The parsed array: like struct encounters (encounter.h). */
struct officers {
	struct officer_in *item;
	const char **error;     /* NULL, or what is wrong with element i (a literal) */
	size_t n;
	struct cJSON *root;     /* private */
};

/* Parse len bytes as a JSON array of officer objects.  Pure.  Free with officers_free(). */
enum officers_err officers_parse(const char *data, size_t len, struct officers *out);
/* Accepts a zeroed or freed *o. */
void officers_free(struct officers *o);

/* The officers an encounter names: certificate numbers, in order. */
struct enc_officers {
	char cert_no[ENC_OFFICERS_MAX][OFFICER_CERT_MAX + 1];
	size_t n;
};

/*
 * Parse list, ';'-separated certificate numbers (the encounters' CSV
 * column; NULL or "" is none), into *out.  Pure.  False with msg when a
 * number is malformed, named twice, or there are more than
 * ENC_OFFICERS_MAX.
 */
bool enc_officers_parse(const char *list, struct enc_officers *out, char *msg, size_t n);

/*
 * Store that encounter enc_code of agency names the officers of o, in the
 * open transaction: each must be a registered officer of that agency.
 * STORE_ERR_CONSTRAINT with msg naming the number otherwise.
 */
enum store_err enc_officers_store(struct store *s, const char *enc_code, const char *agency,
                                  const struct enc_officers *o, char *msg, size_t n);

#endif
