/*
 * fixture — test data the unit tests share, read from tests/data/ (the
 * Makefile passes the folder as TEST_DATA; "tests/data" from the top of
 * the checkout otherwise).  A test that needs another definition derives
 * it from this one in code rather than writing a copy.
 *
 *   survey-unit.json   a public survey "t": q (scale, n/a, index weight),
 *                      to (choice x-1, y), m (multi a, b), agency (text)
 */
#ifndef MANYI_TEST_FIXTURE_H
#define MANYI_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "survey.h"
#include "util.h"

#ifndef TEST_DATA
#define TEST_DATA "tests/data"
#endif

/* The bytes of tests/data/NAME, NUL-terminated; *len (may be NULL) gets
 * their length.  Aborts when the file cannot be read.  Caller frees. */
static inline char *fixture_text(const char *name, size_t *len)
{
	char path[512];
	struct sbuf b;
	char buf[4096];
	size_t n;
	snprintf(path, sizeof path, "%s/%s", TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "fixture: cannot open %s\n", path);
		abort();
	}
	sbuf_init(&b);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sbuf_add(&b, buf, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return sbuf_detach(&b);
}

/* The survey in tests/data/NAME, parsed; aborts with the reason when it does
 * not parse.  Caller frees with survey_free(). */
static inline struct survey *fixture_survey(const char *name)
{
	size_t len;
	char msg[512];
	struct survey *sv = NULL;
	char *text = fixture_text(name, &len);
	if (survey_parse(name, text, len, &sv, msg, sizeof msg) != SURVEY_OK) {
		fprintf(stderr, "fixture: %s: %s\n", name, msg);
		abort();
	}
	free(text);
	return sv;
}

/* A fresh path for a test database, /tmp/manyi-NAME-XXXXXX, unique and with
 * no file there yet, into path (capacity n). */
static inline void fixture_db_path(char *path, size_t n, const char *name)
{
	snprintf(path, n, "/tmp/manyi-%s-XXXXXX", name);
	int fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "fixture: cannot make %s\n", path);
		abort();
	}
	close(fd);
	unlink(path);
}

/* Remove a test database with its -wal and -shm files. */
static inline void fixture_db_remove(const char *path)
{
	char p[512];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

#endif
