/*
 * store_followup_handle — the store's part in handling follow-up cases
 * (issue 15, the handling side; docs/followup.md "Handling"): reading cases
 * with their events and the answer they follow, and writing what staff do
 * (an event row, the case's new state, a moved reply deadline, the close).
 * The tables are migration 15's (store_schema.c); the code is
 * src/store/store_followup_handle.c with its own statement table.
 *
 * Nothing here names the encounter, its day, a token or a phone: a case
 * carries the month of the encounter (else of the answer) only.  Writes run
 * in the caller's transaction (store_begin()) when there is one.
 */
#ifndef MANYI_STORE_FOLLOWUP_HANDLE_H
#define MANYI_STORE_FOLLOWUP_HANDLE_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* A case as the handling reads it; "" for a NULL text. */
struct fu_case {
	long long id;
	long long resp;          /* the answer's row (for exclusion; never shown) */
	char code[32];
	char agency[65], agency_zh[256], agency_en[256];
	char domain[65], domain_zh[256], domain_en[256];
	char survey[65];
	char month[8];           /* YYYY-MM of the encounter, else of the answer */
	char reason[64];         /* "low_score", "misconduct" or both, comma separated */
	char opened_on[11], reply_due[11], rectify_due[11], closed_on[11];
	char state[16];
	char rectify_by[11];     /* the latest reply's promised date, "" when none */
	char first_reply_on[11]; /* the day (UTC+8) of the first reply, "" when none */
	bool excluded;           /* an exclusion row stands for the answer */
	bool accepted;           /* a review accepted a reply */
	bool returned;           /* a review or decision sent the case back (reply_due moved) */
	bool reached;            /* a call-back reached the rater */
	char satisfaction[16];   /* the latest reached call-back's, "" when none */
	bool has_contact;        /* a sealed call-back contact is kept */
};

/* Which cases: every member NULL (or false) is no filter. */
struct fu_query {
	const char *code;        /* one case */
	const char *state;
	const char *agency;
	const char *survey;
	const char *from, *to;   /* opened_on within [from, to] */
};

/* Each case q selects, by opened_on then code; cb returns false to stop. */
enum store_err store_fu_cases(struct store *s, const struct fu_query *q,
                              bool (*cb)(const struct fu_case *c, void *ctx), void *ctx);

/* An event of a case; strings borrowed for the callback ("" for NULL; score 0 for none). */
struct fu_event {
	const char *at, *actor, *kind, *action, *rectify_by, *satisfaction, *note;
	int score;
};
/* The events of case id, oldest first; cb returns false to stop. */
enum store_err store_fu_events(struct store *s, long long id,
                               bool (*cb)(const struct fu_event *e, void *ctx), void *ctx);

/* An answer of the case's response: item, its type in the survey version
 * ("scale", "multi", "text", ...), num (-1 when none) or text (NULL). */
struct fu_answer {
	const char *item, *type, *text;
	int num;
	bool na;
};
enum store_err store_fu_answers(struct store *s, long long resp,
                                bool (*cb)(const struct fu_answer *a, void *ctx), void *ctx);

/* Append an event to case id (at: this hour, UTC); e->at is ignored. */
enum store_err store_fu_event_add(struct store *s, long long id, const struct fu_event *e);
/* Set case id's state; reply_due too when not NULL ("" stores NULL). */
enum store_err store_fu_set_state(struct store *s, long long id, const char *state,
                                  const char *reply_due);
/* Close case id on closed_on (followup_contact_schedule() then dates its contact's purge). */
enum store_err store_fu_close(struct store *s, long long id, const char *closed_on);
/* The sealed contact of case id (caller frees *sealed); STORE_ERR_NOTFOUND when none. */
enum store_err store_fu_contact(struct store *s, long long id, unsigned char **sealed, size_t *n);

#endif
