/* commit — group commit of writes from concurrent requests; see commit.h. */
#include "commit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

struct committer {
	struct store *store;  /* the committer thread's own connection */
	pthread_t thread;
	pthread_mutex_t lock; /* guards the members below and every queued job */
	pthread_cond_t work;  /* a job was queued, or stopping was set */
	struct commit_job *head, *tail; /* queued, oldest first */
	bool stopping;
};

/* A refusal of one write, undone alone; any other error fails the batch. */
static bool refusal(enum store_err e)
{
	return e == STORE_ERR_CONSTRAINT || e == STORE_ERR_NOTFOUND;
}

/*
 * Only a COMMIT that returned STORE_OK acknowledges anything.  Should
 * SQLite end the transaction by itself under a write (an I/O error, a full
 * disk), the COMMIT finds no transaction open and fails, so nothing of the
 * batch is acknowledged then either.
 */
void commit_batch(struct store *s, struct commit_job *first)
{
	enum store_err e = store_begin(s);
	for (struct commit_job *j = first; j != NULL && e == STORE_OK; j = j->next) {
		if ((e = store_savepoint(s)) != STORE_OK)
			break;
		j->err = j->write(s, j->ctx);
		if (j->err == STORE_OK) {
			e = store_release(s);
		} else {
			store_rollback_to(s);
			if (!refusal(j->err))
				e = j->err;
		}
	}
	if (e == STORE_OK)
		e = store_commit(s);
	if (e == STORE_OK)
		return;
	/* Nothing of the batch is kept, so nothing of it is acknowledged. */
	store_rollback(s);
	for (struct commit_job *j = first; j != NULL; j = j->next)
		j->err = e;
}

/* The committer thread: every queued job as one batch, until stopped and drained. */
static void *committer_main(void *arg)
{
	struct committer *c = arg;
	pthread_setname_np(pthread_self(), "committer"); /* for top -H, gdb */
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (c->head == NULL && !c->stopping)
			pthread_cond_wait(&c->work, &c->lock);
		if (c->head == NULL)
			break;
		struct commit_job *batch = c->head;
		c->head = c->tail = NULL;
		/* The writers wait for their done flag, so the jobs stay put
		 * while the lock is released for the batch. */
		pthread_mutex_unlock(&c->lock);
		commit_batch(c->store, batch);
		pthread_mutex_lock(&c->lock);
		/* Each writer of the batch alone is woken (those of the next
		 * batch sleep on).  Read next first: once done, a job's writer
		 * may return (the job lives on its stack) when the lock is released. */
		for (struct commit_job *j = batch, *next; j != NULL; j = next) {
			next = j->next;
			j->done = true;
			pthread_cond_signal(j->done_cond);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

enum store_err commit_start(const char *db_path, struct committer **out, char *msg, size_t msglen)
{
	struct committer *c = xcalloc(1, sizeof *c);
	*out = NULL;
	enum store_err e = store_open(db_path, false, &c->store, msg, msglen);
	if (e != STORE_OK) {
		free(c);
		return e;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->work, NULL);
	if (pthread_create(&c->thread, NULL, committer_main, c) != 0) {
		snprintf(msg, msglen, "cannot start the committer thread");
		pthread_cond_destroy(&c->work);
		pthread_mutex_destroy(&c->lock);
		store_close(c->store);
		free(c);
		return STORE_ERR_OPEN;
	}
	*out = c;
	return STORE_OK;
}

void commit_stop(struct committer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->work);
	pthread_mutex_destroy(&c->lock);
	store_close(c->store);
	free(c);
}

enum store_err commit_submit(struct committer *c, struct store *own, commit_write_fn write,
                             void *ctx)
{
	pthread_cond_t done = PTHREAD_COND_INITIALIZER;
	struct commit_job job = {.write = write, .ctx = ctx, .done_cond = &done};
	if (c == NULL) {
		commit_batch(own, &job);
		return job.err;
	}
	pthread_mutex_lock(&c->lock);
	if (c->tail != NULL)
		c->tail->next = &job;
	else
		c->head = &job;
	c->tail = &job;
	pthread_cond_signal(&c->work);
	while (!job.done)
		pthread_cond_wait(&done, &c->lock);
	pthread_mutex_unlock(&c->lock);
	pthread_cond_destroy(&done);
	return job.err;
}
