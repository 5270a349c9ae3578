/*
 * throttle — counting events per client address, in memory only.
 *
 * Rules that need to know how often one address did something: wrong
 * invitation tokens (slowed down, then locked out), answers without an
 * invitation (20 an hour), failed sign-ins.  The counts live in one table in memory, never in
 * the database or a file, so nothing on disk can tie an address to an
 * answer.  An address is never kept: a slot is named by a keyed BLAKE2b hash
 * of (kind, address) under a random key drawn in memory, replaced every
 * THROTTLE_ROTATE seconds (the previous key is kept one period so that a
 * lock-out outlives the change; an entry found under it moves to the new
 * key).  Counts are kept in clock-aligned windows (a quarter of an hour for
 * wrong tokens, an hour for public answers), the last two windows of each
 * entry; the only finer time the table holds is when an entry's slow-down
 * or lock-out ends.  Wrong tokens: from the 5th in the last quarter of an
 * hour on, each slows the address down (1, 2, 4 ... 64 seconds), the 20th
 * locks it out for half an hour.  Public answers: the 20th in the last
 * hour locks it out for an hour.  Officer lookups: the 60th (or the
 * throttle_set_limit()) in the last hour locks the address out for an
 * hour.  Sign-in (session.h): the 5th failed
 * sign-in for one username within a quarter of an hour locks that name out
 * for a quarter of an hour (the name, not an address, is the "address"
 * here, hashed like one); failed sign-ins (keys or passwords) count per
 * address too, from the 10th on slowed down, the 30th locks the address
 * out for half an hour.  When the entries near a slot's place are
 * all in use, the one that ends first is given up.
 *
 * The table sits in a shared anonymous mapping: made by a process before it
 * forks its workers (throttle_shared() in manyi-fcgi's supervisor), it is one
 * table for all of them and outlives a worker that is restarted.  Every
 * function is safe to call from several threads and processes at once.
 */
#ifndef MANYI_THROTTLE_H
#define MANYI_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Kinds of events counted per address. */
enum throttle_kind {
	THROTTLE_BAD_TOKEN, /* wrong invitation tokens */
	THROTTLE_PUBLIC,    /* answers without a token (public channel) */
	THROTTLE_SIGNIN_USER, /* failed sign-ins, per username (not per address) */
	THROTTLE_SIGNIN_ADDR, /* failed sign-ins (keys, passwords), per address */
	THROTTLE_LOOKUP,    /* public officer lookups: throttle_set_limit() an hour, 60 by default */
	THROTTLE__MAX
};

/* How often the hashing key is replaced, in seconds. */
#define THROTTLE_ROTATE 7200

struct throttle;

/*
 * A new table of `slots` entries (rounded up to a power of two, 16 to 2^24),
 * or NULL when the memory cannot be mapped (or libsodium cannot start).
 * Caller frees with throttle_free(), in one process only.
 */
struct throttle *throttle_new(size_t slots);
/* Accepts NULL. */
void throttle_free(struct throttle *t);

/*
 * The process's table of 65536 entries, made at the first call
 * (thread-safe) and kept until the process ends; NULL when it cannot be
 * mapped (nothing is throttled then).  Call it once before fork() so that
 * the children share it.
 */
struct throttle *throttle_shared(void);

/*
 * May addr (borrowed) go on now?  False with *retry_after (seconds, at
 * least 1) when it is slowed down or locked out.  Counts nothing
 * (throttle_count() does).  t may be NULL (always true).
 */
bool throttle_allowed(struct throttle *t, enum throttle_kind k, const char *addr, time_t now,
                      long *retry_after);
/* Count one event for addr (a wrong token, a public answer).  t may be NULL. */
void throttle_count(struct throttle *t, enum throttle_kind k, const char *addr, time_t now);

/*
 * Allow `events` of kind k per window before the lock-out (for
 * THROTTLE_LOOKUP: lookups an hour, the setting officer_lookups_per_hour),
 * for every process sharing t; events <= 0 restores the default.  t may be
 * NULL.
 */
void throttle_set_limit(struct throttle *t, enum throttle_kind k, long events);

/* Entries in use (for tests and metrics). */
size_t throttle_used(struct throttle *t, time_t now);

#endif
