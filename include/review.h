/*
 * review — case-file review's data coming in (CONTRACT §6): the case
 * registry (`manyi import cases`, POST /api/v1/cases), the panel of
 * reviewers (`manyi reviewer add`), and paper reviews entered afterwards
 * (`manyi import reviews --survey ID`).  The figures are quality.h's.
 *
 * case_parse() is the one validator of a case, whichever way it comes;
 * imports are atomic: the first bad row stops them with "FILE:LINE:
 * reason" and nothing of the file is stored.
 */
#ifndef MANYI_REVIEW_H
#define MANYI_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "import.h"
#include "store.h"
#include "store_review.h"
#include "survey.h"

struct cJSON;

/* A case's fields as received (any may be NULL: missing). */
struct case_in {
	const char *id, *agency, *domain, *kind, *decided_on, *enterprise, *outcome;
};

/*
 * Check the shape of every field (not whether the codes are registered)
 * and fill *c.  False with msg naming the field, the value and the rule
 * (`kind "fine" is not one of penalty, coercion, inspection, licence, other`).
 */
bool case_parse(const struct case_in *in, struct case_file *c, char *msg, size_t n);

/*
 * Check c against the registry (agency, domain, and that the agency
 * enforces the domain when the registry lists its domains) and the clock,
 * and store it in the open transaction.  restrict_agency (NULL: any) is the
 * only agency allowed.  STORE_ERR_CONSTRAINT with msg when c breaks a rule
 * (the caller's fault); another store error when the database failed.
 */
enum store_err case_store(struct store *s, const struct case_file *c, const char *restrict_agency,
                          char *msg, size_t n);

/* Import a cases CSV file atomically: IMPORT_OK or msg "FILE:LINE: reason". */
enum import_err cases_import(struct store *s, const char *path, struct import_result *res,
                             char *msg, size_t msglen);

/* POST /api/v1/cases: a JSON array of at most CASES_MAX_COUNT cases. */
#define CASES_MAX_BYTES (4 * 1024 * 1024)
#define CASES_MAX_COUNT 10000

/*
 * Parse len bytes as a JSON array of case objects (members as the CSV's
 * columns, strings; enterprise also true/false).  Pure.  On success *root
 * holds the parse (free with cJSON_Delete()), in[] (*n of them, caller
 * frees the array) borrow from it and error[i] is NULL or what is wrong
 * with element i (a literal).  False when the body is not a JSON array of
 * 1..CASES_MAX_COUNT elements (*count_bad tells which).
 */
bool cases_parse(const char *data, size_t len, struct cJSON **root, struct case_in **in,
                 const char ***error, size_t *n, bool *count_bad);

/*
 * `manyi reviewer add`: check code (a registry-style code), name (text),
 * affiliation (may be NULL) and the comma-separated agency codes of
 * conflicts (may be NULL; each registered), and store the reviewer.
 * STORE_ERR_CONSTRAINT with msg on a broken rule.
 */
enum store_err reviewer_add(struct store *s, const char *code, const char *name,
                            const char *affiliation, const char *conflicts, char *msg, size_t n);

/*
 * Import paper reviews against rubric sv (stored as version) from a CSV
 * file `case_id,reviewer,submitted_at,` then one column per rubric item:
 * each case and reviewer must exist, a reviewer with a conflict with the
 * case's agency is refused, every points and flag item is answered.
 */
enum import_err reviews_import(struct store *s, const struct survey *sv, int version,
                               const char *path, struct import_result *res, char *msg,
                               size_t msglen);

/* The evaluator's decision on a double-reviewed file (`manyi review adjudicate`); borrowed. */
struct adjudication {
	const char *case_id, *survey;
	int points_total;     /* the rubric's best total (survey_points_total()) */
	const char *third;    /* a third review by this reviewer, or NULL for the panel's decision: */
	int total;            /* the file's total, 0..points_total */
	int defect;           /* 1: the file has a major defect */
	const char *note;     /* the panel's reasons (text) */
};

/*
 * Record j in a transaction of its own, with its audit line ("review
 * adjudicate"): the file has two reviews or more for the rubric and is not
 * adjudicated yet; a third reviewer exists, has no conflict with the case's
 * agency and has neither reviewed nor been assigned the file (the file is
 * assigned to them, round 3); a panel's total is within 0..points_total and
 * its note is text.  STORE_ERR_CONSTRAINT with msg when a rule is broken.
 */
enum store_err review_adjudicate(struct store *s, const struct adjudication *j, char *msg, size_t n);

/* A review to store: all borrowed. */
struct review_in {
	const struct survey *sv;   /* the rubric */
	int version;               /* its stored version */
	const char *case_id, *reviewer;
	const char *submitted_at;  /* UTC, YYYY-MM-DDTHH:MM:SSZ */
	const struct pairs *answers; /* item id -> value, as answers_check() takes them */
};

enum review_put {
	REVIEW_PUT_OK,
	REVIEW_PUT_UNKNOWN,     /* no such case or reviewer */
	REVIEW_PUT_CONFLICT,    /* the reviewer is conflicted with the case's agency */
	REVIEW_PUT_INVALID,     /* errs names each item: a points or flag item unanswered, a bad value */
	REVIEW_PUT_DUPLICATE,   /* this reviewer has reviewed this case for this rubric already */
	REVIEW_PUT_STORE,       /* the database failed: *se */
	REVIEW_PUT__MAX
};

/*
 * The one way a review is stored, whichever way it comes (`manyi import
 * reviews`, POST /review/{case}): the case and the reviewer exist, the
 * reviewer has no conflict with the case's agency, every points and flag
 * item is answered and every value passes answers_check(); then the review
 * (its total and defects beside the answers) is stored in the open
 * transaction.  msg (n bytes) says what went wrong in words.
 */
enum review_put review_put(struct store *s, const struct review_in *in, struct answer_errors *errs,
                           enum store_err *se, char *msg, size_t n);

#endif
