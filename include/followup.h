/*
 * followup — a follow-up case, the respondent's side (docs/followup.md):
 * an answer that rates the survey's follow-up item badly or ticks a
 * misconduct option (struct survey_followup) opens a case in the same
 * transaction as the answer itself, whatever the channel; the respondent
 * may leave a call-back phone (sealed, crypto_seal, deleted a while after
 * the case closes) and gets a rater code for one 追评 (a later rating of
 * how the case was handled).  An answer can be excluded from the
 * statistics (an upheld appeal, an integrity finding): it keeps its case,
 * the statistics leave it out exactly as if its row were gone, the export
 * marks it.
 *
 * Codes: a case's code is "FU-" and 10 random base32 characters (shown to
 * the respondent and to staff); the rater code is 12 random base32
 * characters shown as XXXX-XXXX-XXXX, of which only the BLAKE2b-256 is
 * stored (followup.rater_code).  Neither says anything of the respondent.
 *
 * The store-layer module (src/store/followup.c); the deadlines come from
 * the working-day calendar through the hook followup_set_due(), which the
 * programs install at start (followup_due.h).
 */
#ifndef MANYI_FOLLOWUP_H
#define MANYI_FOLLOWUP_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "survey.h"

/* Why a case was opened: bits of followup_reasons(). */
enum followup_reason { FOLLOWUP_LOW_SCORE = 1, FOLLOWUP_MISCONDUCT = 2 };

/*
 * The reasons answers a (checked, borrowed) give to open a case under its
 * survey's follow-up rule; 0: none.  Pure.
 */
unsigned followup_reasons(const struct answers *a);
/* "low_score", "misconduct", "low_score,misconduct" or "" for reasons. */
const char *followup_reason_text(unsigned reasons);

/*
 * Is phone a call-back number we take: a mainland mobile (1, then 3-9,
 * then 9 digits) or a landline (0 and 9 to 11 digits, one optional hyphen
 * after the area code's 3 or 4 digits)?  Pure; NULL is false.
 */
bool followup_phone_valid(const char *phone);

#define FOLLOWUP_CODE_LEN 14   /* "FU-" + 10 + NUL */
#define FOLLOWUP_RATER_LEN 15  /* "XXXX-XXXX-XXXX" + NUL */

/*
 * The rater code typed by a person, as XXXX-XXXX-XXXX into out: case,
 * spaces and hyphens do not matter.  False when it is not 12 characters of
 * base32 (A-Z, 2-7).  Pure.
 */
bool followup_rater_normalize(const char *typed, char out[FOLLOWUP_RATER_LEN]);

/*
 * The deadline hook: into out, date (YYYY-MM-DD) plus n working days;
 * *covered false (out untouched) when the calendar does not reach it.  It
 * may read s (inside the caller's transaction).  Until a program installs
 * one, every deadline is uncovered.
 */
typedef enum store_err (*followup_due_fn)(struct store *s, const char *date, int n,
                                         char out[11], bool *covered);
/* Install fn (NULL: none) for the whole process; call before any thread starts. */
void followup_set_due(followup_due_fn fn);

/* What opening gave: all empty when no case was opened. */
struct followup_opened {
	bool opened;
	char code[FOLLOWUP_CODE_LEN];   /* FU-XXXXXXXXXX */
	char rater[FOLLOWUP_RATER_LEN]; /* XXXX-XXXX-XXXX: shown once, never stored */
	char reason[32];                /* followup_reason_text() */
	char opened_on[11];             /* YYYY-MM-DD, UTC+8 */
	char reply_due[11];             /* "" when the calendar does not reach it */
	char rectify_due[11];
	bool due_uncovered;             /* one of the two is "" */
	bool contact;                   /* a call-back phone was sealed */
};

/* The call-back contact that comes with an answer (web form only); borrowed. */
struct followup_contact_in {
	const char *phone;              /* checked with followup_phone_valid() */
	const unsigned char *key;       /* CRYPTO_SEAL_KEYBYTES bytes */
};

/*
 * Inside the caller's transaction (store_response_add() calls it): open a
 * case for response resp (of survey, to agency; borrowed) when answers a
 * give a reason, with the code, rater code, dates and deadlines; seal the
 * contact (NULL: none) into followup_contact only then — otherwise it is
 * never written.  out (may be NULL) says what happened.
 */
enum store_err followup_open(struct store *s, long long resp, const char *survey,
                             const char *agency, const struct answers *a,
                             const struct followup_contact_in *contact,
                             struct followup_opened *out);

/*
 * Exclude response resp from the statistics: source "appeal" or
 * "integrity", reason (non-empty), by (who decided) — with an audit row,
 * in the caller's transaction or its own.  STORE_ERR_NOTFOUND: no such
 * response; STORE_ERR_CONSTRAINT: excluded already, or a bad source.
 * The response keeps its case.
 */
enum store_err followup_exclude(struct store *s, long long resp, const char *source,
                                const char *reason, const char *by);

/*
 * A closed case's contact is kept until closed_on (YYYY-MM-DD) plus the
 * retention days (config contact_retention_days): set its purge_after.
 * In the caller's transaction; no contact is not an error.
 */
enum store_err followup_contact_schedule(struct store *s, long long followup,
                                         const char *closed_on);

/*
 * Delete every sealed contact whose purge_after is on or before today
 * (YYYY-MM-DD; NULL: today in UTC+8), in its own transaction; *purged how
 * many (may be NULL).  Audited when any was deleted.
 */
enum store_err followup_purge(struct store *s, const char *today, long *purged);

/* A case as the respondent sees it through the rater code (/followup). */
struct followup_view {
	long long id;
	char code[FOLLOWUP_CODE_LEN];
	char survey[65];
	char state[16];
	char opened_on[11], reply_due[11], rectify_due[11], closed_on[11]; /* "" when none */
	char reply_kind[16];    /* the agency's last reply's action (fixed, rectify, ...), or "" */
	char reply_note[2001];
	char rectify_by[11];
	bool rated;             /* the 追评 was given */
	int score;              /* its score, when rated */
};

/*
 * The case whose rater code is typed (borrowed; normalized here) into
 * *out.  STORE_ERR_NOTFOUND for a code that is not one.
 */
enum store_err followup_by_rater(struct store *s, const char *typed, struct followup_view *out);

/*
 * Record the 追评 of case id: score (1..points of its survey, checked by the
 * caller) and comment (may be ""), one per case: STORE_ERR_CONSTRAINT when
 * it was given already.  Its own transaction.
 */
enum store_err followup_rate(struct store *s, long long id, int score, const char *comment);

#endif
