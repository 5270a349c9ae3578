/*
 * The group commit (commit.h) over a real SQLite file: a refused write is
 * undone alone and the rest of its batch commits; a failed write or a
 * failed COMMIT acknowledges nothing of the batch; the committer thread
 * serves writers from many threads.  (Answers through the application
 * with a committer: test_app.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commit.h"
#include "manyi_init.h"
#include "store.h"
#include "util.h"

static char dbpath[64];
static struct store *db; /* the tests' own connection, for the batches run by hand */

static int setup(void **state)
{
	(void)state;
	char msg[512];
	snprintf(dbpath, sizeof dbpath, "/tmp/manyi-commit-XXXXXX");
	close(mkstemp(dbpath));
	unlink(dbpath);
	return store_open(dbpath, true, &db, msg, sizeof msg) == STORE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const ext[] = {"", "-wal", "-shm"};
	store_close(db);
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		char p[80];
		snprintf(p, sizeof p, "%s%s", dbpath, ext[i]);
		unlink(p);
	}
	return 0;
}

/* A write: set a setting, then return what it was told to. */
struct put {
	char name[32];
	enum store_err then;
};

static enum store_err put_write(struct store *s, void *ctx)
{
	const struct put *p = ctx;
	enum store_err e = store_setting_put(s, p->name, "v");
	return e != STORE_OK ? e : p->then;
}

/* Is the setting there, read on a connection of its own (what is committed)? */
static bool committed(const char *name)
{
	struct store *s;
	char msg[256], v[16];
	assert_int_equal(store_open(dbpath, false, &s, msg, sizeof msg), STORE_OK);
	enum store_err e = store_setting_get(s, name, v, sizeof v);
	store_close(s);
	assert_true(e == STORE_OK || e == STORE_ERR_NOTFOUND);
	return e == STORE_OK;
}

/* Run puts[0..n) as one batch on db; their results into err. */
static void run_batch(struct put *puts, size_t n, enum store_err *err)
{
	struct commit_job jobs[8] = {0};
	assert_true(n <= ARRAY_SIZE(jobs));
	for (size_t i = 0; i < n; i++) {
		jobs[i] = (struct commit_job){.write = put_write, .ctx = &puts[i]};
		jobs[i].next = i + 1 < n ? &jobs[i + 1] : NULL;
	}
	commit_batch(db, &jobs[0]);
	for (size_t i = 0; i < n; i++)
		err[i] = jobs[i].err;
}

/* A refusal (constraint, not found) undoes its own writes only. */
static void refusal_undone_alone(void **state)
{
	(void)state;
	struct put p[] = {
		{"r1", STORE_OK}, {"r2", STORE_ERR_CONSTRAINT}, {"r3", STORE_OK},
		{"r4", STORE_ERR_NOTFOUND}, {"r5", STORE_OK},
	};
	enum store_err err[ARRAY_SIZE(p)];
	run_batch(p, ARRAY_SIZE(p), err);
	for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
		assert_int_equal(err[i], p[i].then);
		assert_int_equal(committed(p[i].name), p[i].then == STORE_OK);
	}
}

/* Any other error of a write fails the batch: nothing kept, all told. */
static void failure_fails_batch(void **state)
{
	(void)state;
	struct put p[] = {{"f1", STORE_OK}, {"f2", STORE_ERR_CONSTRAINT}, {"f3", STORE_ERR_SQL},
	                  {"f4", STORE_OK}};
	enum store_err err[ARRAY_SIZE(p)];
	run_batch(p, ARRAY_SIZE(p), err);
	for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
		assert_int_equal(err[i], STORE_ERR_SQL);
		assert_false(committed(p[i].name));
	}
	/* The connection is out of the transaction: the next batch commits. */
	struct put q = {"f5", STORE_OK};
	run_batch(&q, 1, err);
	assert_int_equal(err[0], STORE_OK);
	assert_true(committed("f5"));
}

/*
 * A write that, inside the transaction, forbids this process to grow any
 * file past the WAL's present size: the COMMIT, which appends the batch's
 * frames to the WAL, then fails as on a full disk.
 */
static enum store_err cap_files(struct store *s, void *ctx)
{
	(void)ctx;
	char wal[80];
	struct stat st;
	enum store_err e = store_setting_put(s, "c2", "v");
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	if (e != STORE_OK || stat(wal, &st) != 0)
		return STORE_ERR_SQL;
	struct rlimit rl;
	getrlimit(RLIMIT_FSIZE, &rl);
	rl.rlim_cur = (rlim_t)st.st_size;
	setrlimit(RLIMIT_FSIZE, &rl);
	return STORE_OK;
}

static void failed_commit_acknowledges_nothing(void **state)
{
	(void)state;
	struct put a = {"c1", STORE_OK}, b = {"c3", STORE_OK};
	struct commit_job jobs[3] = {
		{.write = put_write, .ctx = &a, .next = &jobs[1]},
		{.write = cap_files, .next = &jobs[2]},
		{.write = put_write, .ctx = &b},
	};
	struct rlimit was;
	getrlimit(RLIMIT_FSIZE, &was);
	signal(SIGXFSZ, SIG_IGN); /* a write past the cap fails instead of ending the process */
	commit_batch(db, &jobs[0]);
	setrlimit(RLIMIT_FSIZE, &was);
	signal(SIGXFSZ, SIG_DFL);
	for (size_t i = 0; i < ARRAY_SIZE(jobs); i++)
		assert_int_not_equal(jobs[i].err, STORE_OK);
	assert_false(committed("c1"));
	assert_false(committed("c2"));
	assert_false(committed("c3"));
	/* The disk has room again: the next batch commits. */
	struct put q = {"c4", STORE_OK};
	enum store_err err;
	run_batch(&q, 1, &err);
	assert_int_equal(err, STORE_OK);
	assert_true(committed("c4"));
}

/* Without a committer a write is a batch of one on the caller's connection. */
static void inline_without_committer(void **state)
{
	(void)state;
	struct put ok = {"i1", STORE_OK}, no = {"i2", STORE_ERR_CONSTRAINT};
	assert_int_equal(commit_submit(NULL, db, put_write, &ok), STORE_OK);
	assert_int_equal(commit_submit(NULL, db, put_write, &no), STORE_ERR_CONSTRAINT);
	assert_true(committed("i1"));
	assert_false(committed("i2"));
}

#define WRITERS 16
#define WRITES 25

struct writer {
	struct committer *c;
	int id;
	int ok, refused;
};

/* Every third write of a writer refuses; the others must all be there. */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (int k = 0; k < WRITES; k++) {
		struct put p;
		snprintf(p.name, sizeof p.name, "w%d.%d", w->id, k);
		p.then = k % 3 == 2 ? STORE_ERR_CONSTRAINT : STORE_OK;
		enum store_err e = commit_submit(w->c, NULL, put_write, &p);
		if (e == STORE_OK)
			w->ok++;
		else if (e == STORE_ERR_CONSTRAINT)
			w->refused++;
	}
	return NULL;
}

static void committer_serves_threads(void **state)
{
	(void)state;
	struct committer *c;
	char msg[256];
	pthread_t t[WRITERS];
	struct writer w[WRITERS];
	assert_int_equal(commit_start(dbpath, &c, msg, sizeof msg), STORE_OK);
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){.c = c, .id = i};
		assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	commit_stop(c);
	for (int i = 0; i < WRITERS; i++) {
		assert_int_equal(w[i].ok, WRITES - WRITES / 3);
		assert_int_equal(w[i].refused, WRITES / 3);
		for (int k = 0; k < WRITES; k++) {
			char name[32];
			snprintf(name, sizeof name, "w%d.%d", i, k);
			assert_int_equal(committed(name), k % 3 != 2);
		}
	}
	commit_stop(NULL);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refusal_undone_alone),
		cmocka_unit_test(failure_fails_batch),
		cmocka_unit_test(failed_commit_acknowledges_nothing),
		cmocka_unit_test(inline_without_committer),
		cmocka_unit_test(committer_serves_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
