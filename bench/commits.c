/*
 * Raw SQLite single-row commits: the baseline of durable answers in
 * bench/perf.sh.  One connection, WAL, synchronous=FULL (every commit
 * waits for the disk), one INSERT of a BYTES-byte row per transaction,
 * for SECONDS seconds, into a new table in FILE.  Prints the commits per
 * second: what the disk and SQLite allow one writer before any server,
 * parsing or validation is involved.
 *
 *   commits FILE SECONDS [BYTES]        (BYTES defaults to 400)
 *
 *   cc -O2 -o commits bench/commits.c -lsqlite3
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: commits FILE SECONDS [BYTES]\n");
		return 2;
	}
	double seconds = atof(argv[2]);
	int bytes = argc > 3 ? atoi(argv[3]) : 400;
	if (seconds <= 0 || bytes < 1 || bytes > 1 << 20) {
		fprintf(stderr, "commits: SECONDS > 0 and BYTES 1..1048576\n");
		return 2;
	}
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	char *row = malloc((size_t)bytes);
	int rc = 1;
	if (row == NULL)
		abort();
	memset(row, 'x', (size_t)bytes);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                     "DROP TABLE IF EXISTS commits;"
	                     "CREATE TABLE commits(id INTEGER PRIMARY KEY, at REAL, body BLOB)",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO commits(at, body) VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	long n = 0;
	double t0 = now(), t = t0;
	while (t - t0 < seconds) {
		sqlite3_bind_double(ins, 1, t);
		sqlite3_bind_blob(ins, 2, row, bytes, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_reset(ins) != SQLITE_OK)
			goto out;
		n++;
		t = now();
	}
	printf("%.0f\n", (double)n / (t - t0));
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "commits: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(ins);
	sqlite3_close(db);
	free(row);
	return rc;
}
