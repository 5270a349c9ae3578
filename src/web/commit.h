/*
 * commit — group commit: writes from concurrent requests share one
 * transaction and one COMMIT, so the server pays one fsync for a batch of
 * answers instead of one each, and still acknowledges none of them before
 * the fsync that holds it.
 *
 * Who owns what:
 *   - The committer (commit_start) owns one thread and one database
 *     connection of its own; nothing else uses that connection.  The
 *     thread waits for writes, takes every write queued at that moment as
 *     one batch, runs it (commit_batch) and wakes the writers.  A lone
 *     write is run at once: nothing waits for company; writes that come
 *     while a batch commits form the next batch.
 *   - A writer (commit_submit) owns its write function and ctx; the
 *     committer borrows both only until commit_submit returns, which is
 *     after the COMMIT (or the failure) of the batch that held the write.
 *     The write runs on the committer's thread and connection: it must
 *     touch nothing but the store it is given and ctx.
 *   - Without a committer (NULL: unit tests, the command line) a write is
 *     a batch of one on the caller's own connection, in the caller's thread.
 *
 * A batch: BEGIN IMMEDIATE; each write in its own part (store_savepoint),
 * kept (store_release) when it returned STORE_OK, undone alone
 * (store_rollback_to) when it returned STORE_ERR_CONSTRAINT or
 * STORE_ERR_NOTFOUND (a refusal: the others of the batch go on); COMMIT.
 * Any other error of a write (which may have ended the transaction), or of
 * BEGIN, a part or the COMMIT, fails the whole batch: everything is rolled
 * back and every write of it gets that error, refusals included (a refusal
 * may have been caused by another write of the batch, now undone).
 */
#ifndef MANYI_COMMIT_H
#define MANYI_COMMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/*
 * A write: what it does to s inside its part of the transaction.  It
 * returns STORE_OK to keep its writes, STORE_ERR_CONSTRAINT or
 * STORE_ERR_NOTFOUND to have them undone alone, any other error to fail
 * the batch.  It never begins, commits or rolls back itself.
 */
typedef enum store_err (*commit_write_fn)(struct store *s, void *ctx);

/* One write of a batch (commit_batch's list; commit_submit makes its own). */
struct commit_job {
	commit_write_fn write;
	void *ctx;
	enum store_err err;     /* out: the write's result once the batch committed, else the batch's error */
	struct commit_job *next;
	/* The committer's, under its lock: done is set (and done_cond
	 * signalled) when err is final. */
	bool done;
	pthread_cond_t *done_cond;
};

struct committer;

/*
 * Start a committer on the database at db_path (borrowed; it must exist and
 * be initialised).  On failure *out is NULL and msg says why.  Caller stops
 * it with commit_stop().
 */
enum store_err commit_start(const char *db_path, struct committer **out, char *msg, size_t msglen);

/*
 * Run the writes still queued, end the thread, close the connection and
 * free c.  No commit_submit() may be running or start.  Accepts NULL.
 */
void commit_stop(struct committer *c);

/*
 * Run write(s, ctx) in a batch and return its result once the batch has
 * committed (or failed; see above).  With c NULL the batch is this write
 * alone, on own (the caller's connection, borrowed); else own is unused
 * and the write runs on the committer's connection.
 */
enum store_err commit_submit(struct committer *c, struct store *own, commit_write_fn write,
                             void *ctx);

/*
 * Run the list of jobs (first, linked by next) as one batch on s, setting
 * each job's err.  What the committer and commit_submit() without one do;
 * the unit tests call it to build a batch by hand.
 */
void commit_batch(struct store *s, struct commit_job *first);

#endif
