/*
 * encounter — registering enforcement encounters, the sampling frame
 * (CONTRACT §2: encounter_id,agency,domain,size,district,occurred_on
 * [,outcome][,officers]) from CSV files and from the API's JSON arrays.
 * officers (issue 15) are the certificate numbers of the officers who came,
 * ';'-separated in the CSV, an array of strings in JSON (officer.h).
 *
 * encounter_parse() is the one validator both use.  Imports are atomic:
 * the first bad row stops them and nothing is stored.
 */
#ifndef MANYI_ENCOUNTER_H
#define MANYI_ENCOUNTER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "registry.h"
#include "store.h"
#include "util.h" /* date_valid() */

struct cJSON;

/*
 * True when stamp — a valid date "YYYY-MM-DD" or a UTC time
 * "YYYY-MM-DDTHH:MM:SSZ" (iso8601_to_utc()) — lies more than a day after
 * now: a day for clocks and time zones (the date is today somewhere on
 * earth up to a day after it is today in UTC).  Nothing is registered or
 * answered in the future.
 */
bool stamp_in_future(const char *stamp, time_t now);

/* The encounter's fields as received; outcome may be NULL or "". */
struct encounter_in {
	const char *id;
	const char *agency;
	const char *domain;
	const char *size;
	const char *district;
	const char *occurred_on;
	const char *outcome;
	const char *officers; /* ';'-separated certificate numbers, NULL or "" for none */
};

/*
 * Check the shape of every field (not whether agency/domain exist) and fill
 * *e.  On failure msg names the field and the rule, e.g.
 * `size "huge" is not one of large, medium, small, micro, household`.
 */
bool encounter_parse(const struct encounter_in *in, struct encounter *e, char *msg, size_t n);

/* An encounters array as POST /api/v1/encounters takes it. */
#define ENCOUNTERS_MAX_BYTES (4 * 1024 * 1024)
#define ENCOUNTERS_MAX_COUNT 10000

enum encounters_err {
	ENCOUNTERS_OK,
	ENCOUNTERS_ERR_MALFORMED, /* not UTF-8, a NUL byte, not JSON, or not an array */
	ENCOUNTERS_ERR_COUNT,     /* none, or more than ENCOUNTERS_MAX_COUNT */
	ENCOUNTERS_ERR__MAX
};

/*
 * The parsed array.  item[i] borrows its strings from the parse (they live
 * until encounters_free()); a member absent or null is NULL.  error[i] is
 * NULL when element i is an object of strings, else what is wrong with it
 * ("not an object", "every member must be a string"), a literal.
 * "officers" is an array of strings (or one ';'-separated string): item[i]
 * has them joined with ';'.  Whether
 * the fields are well formed is encounter_parse()'s to say.
 */
struct encounters {
	struct encounter_in *item;
	const char **error;
	size_t n;
	struct cJSON *root; /* private */
	char **owned;       /* private: the officers arrays joined with ';' */
	size_t nowned;
};

/*
 * Parse len bytes (any bytes; NUL-terminated or not) as a JSON array of
 * encounter objects into *out.  Pure: no I/O, no globals, so it is fuzzed
 * (tests/fuzz/fuzz_encounters.c).  On an error *out is empty.  Free *out
 * with encounters_free() either way.
 */
enum encounters_err encounters_parse(const char *data, size_t len, struct encounters *out);
/* Release what encounters_parse() made; accepts a zeroed or freed *e. */
void encounters_free(struct encounters *e);

/*
 * Check the codes against the registry and the date against the clock
 * (stamp_in_future()), and store e in the open transaction.
 * restrict_agency, when not NULL, is the only agency allowed (agency keys).
 * Returns STORE_OK; STORE_ERR_CONSTRAINT when e breaks a rule, with msg
 * set ("unknown agency \"X\"", "duplicate encounter_id \"E1\"",
 * "occurred_on \"2099-11-01\" is in the future", ...): the caller's fault;
 * or another store error (busy, ...) with msg saying what could not be
 * done: not the caller's fault, never read as a broken rule.
 */
enum store_err encounter_store(struct store *s, const struct encounter *e, const char *restrict_agency,
                    char *msg, size_t n);

/*
 * Store that the encounter e (stored) names officers (';'-separated
 * certificate numbers, NULL or "" for none), each a registered officer of
 * e's agency, in the open transaction; errors as encounter_store()'s.
 */
enum store_err encounter_store_officers(struct store *s, const struct encounter *e,
                                        const char *officers, char *msg, size_t n);

/*
 * Import a CSV file atomically.  progress: print a running count to stderr.
 * Returns IMPORT_OK, or another import_err with msg "FILE:LINE: reason".
 */
enum import_err encounter_import(struct store *s, const char *path, bool progress,
                     struct import_result *res, char *msg, size_t msglen);

#endif
