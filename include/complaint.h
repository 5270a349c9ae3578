/*
 * complaint — the complaint channel's rules (投诉举报, issue 15), shared by
 * the web (src/web/handler_complaint.c) and the command line
 * (src/cli/cli_complaint.c); the code is src/import/complaint.c, the
 * tables store_complaint.h's.
 *
 *   - the categories file (`manyi complaint categories load FILE.json`):
 *     a JSON array of {"code", "name": {"zh", "en"}, "national": 1..3 or
 *     null, "discipline": true|false}, checked whole (FILE: [i].field: why)
 *     and stored atomically as a new version, audited;
 *   - a citizen's complaint checked field by field (complaint_check);
 *   - the codes: the case's TS- code (staff) and the tracking code the
 *     complainant keeps (16 characters, shown in groups of four; only its
 *     BLAKE2b-256 is stored);
 *   - the states and which action each allows (complaint_next);
 *   - a complaint as JSON, for the evaluator or for an agency (which never
 *     sees the contact, the anonymous flag or the evaluator's notes).
 */
#ifndef MANYI_COMPLAINT_H
#define MANYI_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "store_complaint.h"

struct cJSON;

#define COMPLAINT_WHAT_MAX 2000     /* characters of what happened */
#define COMPLAINT_SHORT_MAX 200     /* characters of where, the officer's description, the contact */
#define COMPLAINT_NOTE_MAX 2000     /* characters of a staff note */
#define COMPLAINT_TRACK_CHARS 16
#define COMPLAINT_TRACK_SHOWN 20    /* XXXX-XXXX-XXXX-XXXX and the NUL */

/*
 * Load the categories file at path as a new version (*version), in one
 * transaction with its audit row (actor "cli").  False with msg saying
 * what, where and why; nothing is stored then.
 */
bool complaint_categories_load(struct store *s, const char *path, int *version, char *msg,
                               size_t n);

/* What a citizen sent (all borrowed; NULL or "" for a field left empty). */
struct complaint_form {
	const char *what, *happened_on, *place, *agency, *officer_cert, *officer_text, *category;
	const char *anonymous;  /* "yes" | "no"; NULL is "yes" */
	const char *contact;
	bool contact_offered;   /* the form offers a contact (the sealing key was read) */
	const char *today;      /* UTC+8 YYYY-MM-DD */
};

/* The fields of the form, for the errors. */
enum complaint_field {
	CF_WHAT, CF_HAPPENED_ON, CF_PLACE, CF_AGENCY, CF_OFFICER_CERT, CF_OFFICER_TEXT,
	CF_CATEGORY, CF_ANONYMOUS, CF_CONTACT, CF__MAX
};
/* The form's name of a field ("what", "happened_on", ...). */
const char *complaint_field_name(enum complaint_field f);

/* Per field, why it was refused (localised), "" when it is fine. */
struct complaint_errors {
	char msg[CF__MAX][LANG__MAX][256];
	size_t n;
};

/*
 * Check f against the registry, the officers and the categories: STORE_OK
 * with errs->n 0 when it may be stored, errs filled otherwise; a store
 * error is returned as is (the database could not say).
 */
enum store_err complaint_check(struct store *s, const struct complaint_form *f,
                               struct complaint_errors *errs);

/* A new case code "TS-" and 10 base32 characters into out (>= 14). */
void complaint_case_code(char *out, size_t n);
/* A new tracking code: shown (XXXX-XXXX-XXXX-XXXX) and its hash. */
void complaint_track_new(char shown[COMPLAINT_TRACK_SHOWN], unsigned char hash[32]);
/* The hash of a tracking code as typed (case, spaces and hyphens ignored;
 * O read as 0, I and L as 1); false when it cannot be one. */
bool complaint_track_hash(const char *typed, unsigned char hash[32]);

/*
 * The state after action (accept, forward, transfer, reject, close, note,
 * answer) from state, or NULL when state does not allow it; *allowed
 * (static) says in words which states do.
 */
const char *complaint_next(const char *state, const char *action, const char **allowed);

/* The national categories' names (1..3) in l; "" for others. */
const char *complaint_national_name(int national, enum lang l);

/*
 * The complaint as the API gives it (DESIGN: code, agency, agency_name,
 * officer, officer_text, category, category_name, national, discipline,
 * happened_on, place, what, filed_on, state, due, overdue, events; the
 * evaluator also anonymous and has_contact).  An agency sees only the
 * forward and answer events.  today (UTC+8) decides overdue.  NULL *out
 * with the store's error.
 */
enum store_err complaint_json(struct store *s, const struct complaint *c, bool evaluator,
                              const char *today, struct cJSON **out);

/* A stored UTC time "YYYY-MM-DDTHH:MM:SSZ" as its UTC+8 date into out. */
void complaint_local_date(const char *at, char out[11]);

/* Today in UTC+8 as YYYY-MM-DD into out (>= 11). */
void complaint_today(char *out, size_t n);

#endif
