/*
 * throttle — counting events per client address, in memory only.
 *
 * Two rules need to know how often one address did something: wrong
 * invitation tokens (slowed down, then locked out) and answers without an
 * invitation (20 an hour).  The counts live in one table in memory, never in
 * the database or a file, so nothing on disk can tie an address to an
 * answer.  An address is never kept: a slot is named by a keyed BLAKE2b hash
 * of (kind, address) under a random key drawn in memory, replaced every
 * THROTTLE_ROTATE seconds (the previous key is kept one period so that a
 * lock-out outlives the change; an entry found under it moves to the new
 * key).  Counts are kept in clock-aligned windows (a quarter of an hour, an
 * hour): the table holds no time finer than its window.
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
	THROTTLE__MAX
};

/* How often the hashing key is replaced, in seconds. */
#define THROTTLE_ROTATE 7200

struct throttle;

/*
 * A new table of `slots` entries (rounded up to a power of two), or NULL when
 * the memory cannot be mapped.  Caller frees with throttle_free().
 */
struct throttle *throttle_new(size_t slots);
/* Accepts NULL. */
void throttle_free(struct throttle *t);

/*
 * The process's table, made at the first call (thread-safe) and kept until
 * the process ends; NULL when it cannot be mapped (nothing is throttled
 * then).  Call it once before fork() so that the children share it.
 */
struct throttle *throttle_shared(void);

/*
 * May addr go on now?  False with *retry_after (seconds, at least 1) when it
 * is slowed down or locked out.  t may be NULL (always true).
 */
bool throttle_allowed(struct throttle *t, enum throttle_kind k, const char *addr, time_t now,
                      long *retry_after);
/* Count one event for addr (a wrong token, a public answer).  t may be NULL. */
void throttle_count(struct throttle *t, enum throttle_kind k, const char *addr, time_t now);

/* Entries in use (for tests and metrics). */
size_t throttle_used(struct throttle *t, time_t now);

#endif
