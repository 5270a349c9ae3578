/*
 * integrity_web — the integrity signals that need the request
 * (docs/integrity.md): the form render's signed time, the per-network and
 * per-device counts of the day (in memory only, in a mapping shared by the
 * workers, like the throttle's), and the flags of one answer.
 *
 * Nothing here is written anywhere: an address or a fingerprint is hashed
 * under the key of the day (drawn at random in memory, replaced when the
 * day (UTC+8) changes, the old one forgotten) and only the count and a
 * short group name derived from the hash leave this module.
 */
#ifndef MANYI_INTEGRITY_WEB_H
#define MANYI_INTEGRITY_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "integrity.h"
#include "store.h"

/* A render stamp's room: "R.T.M" (22 + 1 + up to 20 + 1 + 22) + NUL. */
#define INTEGRITY_STAMP_LEN 72

/*
 * This render's hidden _n into out: random, the time of the render and a
 * MAC under secret (32 bytes) over both and the survey id.  It is also the
 * render's once-mark (a double tap stores once).
 */
void integrity_stamp_make(const unsigned char secret[32], const char *survey, time_t now,
                          char out[INTEGRITY_STAMP_LEN]);
/* The render time of stamp into *rendered; false when it is not one of ours for survey. */
bool integrity_stamp_check(const unsigned char secret[32], const char *survey, const char *stamp,
                           time_t *rendered);

struct integrity_counts;

/* The process's table, made at the first call (call it before fork()); NULL when it cannot be mapped. */
struct integrity_counts *integrity_counts_shared(void);
/* A private table of 2^k slots (tests); caller frees with integrity_counts_free(). */
struct integrity_counts *integrity_counts_new(size_t slots);
void integrity_counts_free(struct integrity_counts *t);

/* The request's side of one answer; all borrowed, none kept. */
struct integrity_signals {
	const char *addr;            /* the client's address */
	const char *user_agent;      /* may be NULL */
	const char *accept_language; /* may be NULL */
	time_t now;
	time_t rendered;             /* the form's render time, 0 when unknown */
	bool keyed;                  /* posted with an evaluator's key: no network counts */
	const char *agency;          /* the rated agency */
	const char *occurred_on;     /* the encounter's date (invitations), or NULL */
};

/* Where an answer was counted (burst, device), to note its id there once stored. */
struct integrity_marks {
	size_t n;
	struct {
		size_t slot;
		int pos;
		long long at;
		unsigned char tag[16];
	} v[2];
};

/*
 * The flags of answer ans (checked, borrowed) under the thresholds of s's
 * settings (config.h) and agency's networks, counting it in t (may be
 * NULL: no burst or device rule) — into out; where it was counted into
 * marks.  When the answer brings a burst or a device's run to its
 * threshold, out->earlier names the answers of it counted before (their
 * ids, in memory only, noted by integrity_counts_note()).  A store error
 * reading the agency's networks is returned after every other rule has
 * run (out holds their flags): the caller stores the answer all the same.
 */
enum store_err integrity_signals_flags(struct store *s, struct integrity_counts *t,
                                       const struct integrity_signals *sig,
                                       const struct answers *ans, struct integrity_flags *out,
                                       struct integrity_marks *marks);
/* The answer counted at marks was stored as resp (its id, kept in memory for the day). */
void integrity_counts_note(struct integrity_counts *t, const struct integrity_marks *marks,
                           long long resp);

#endif
