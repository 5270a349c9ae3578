/*
 * store_internal — what the files of the store share (src/store/ only):
 * the statements' enum and the table of their SQL text (store.c), the
 * migrations (store_schema.c), the connection, and the helpers every
 * statement runs through.  The only header that includes sqlite3.h.
 *
 *   store.c            open, migrate, transactions, errors, settings
 *   store_schema.c     the migrations
 *   store_survey.c     registry, survey definitions, publications
 *   store_response.c   responses and answers, form marks, idempotency keys
 *   store_fieldwork.c  encounters, invitations, API keys, audit
 *   store_read.c       the statistics' and the export's reads
 */
#ifndef MANYI_STORE_INTERNAL_H
#define MANYI_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "store.h"
#include "util.h"

/* The schema, one migration per entry (store_schema.c); PRAGMA
 * user_version counts how many have been applied. */
extern const char *const store_migrations[];
extern const size_t store_migrations_n;

/* Migration 5 rewrote rows: their old bytes leave the file (see migrate). */
#define MIGRATION_FORGET 5


enum stmt {
	STMT_META_GET,
	STMT_META_PUT,
	STMT_META_SET,
	STMT_DOMAIN_EXISTS,
	STMT_AGENCY_EXISTS,
	STMT_DOMAIN_UPSERT,
	STMT_AGENCY_UPSERT,
	STMT_DOMAIN_LIST,
	STMT_AGENCY_LIST,
	STMT_SURVEY_FIND,
	STMT_SURVEY_MAXVER,
	STMT_SURVEY_INSERT,
	STMT_SURVEY_LATEST,
	STMT_SURVEY_VERSIONS,
	STMT_RESPONSE_INSERT,
	STMT_ANSWER_INSERT,
	STMT_RESPONSE_COUNT,
	STMT_ENCOUNTER_INSERT,
	STMT_ENCOUNTER_GET,
	STMT_ENCOUNTER_ANSWERED,
	STMT_INVITATION_INSERT,
	STMT_INVITATION_GET,
	STMT_INVITATION_USE,
	STMT_KEY_INSERT,
	STMT_KEY_GET,
	STMT_KEY_REVOKE,
	STMT_KEY_LIST,
	STMT_AUDIT_INSERT,
	STMT_ENCOUNTER_UNINVITED,
	STMT_ENCOUNTER_FRAME,
	STMT_STATS_RESPONSES,
	STMT_STATS_NUMBERS,
	STMT_STATS_COUNTS,
	STMT_STATS_CELLS,
	STMT_EXPORT_ROWS,
	STMT_EXPORT_PAGE,
	STMT_RESPONSE_BY_PUBLIC,
	STMT_SURVEY_DATA_TIME,
	STMT_SURVEY_IDS,
	STMT_PUBLICATION_ADD,
	STMT_PUBLICATION_GET,
	STMT_PUBLICATION_LIST,
	STMT_ONCE_INSERT,
	STMT_ONCE_PURGE,
	STMT_IDEM_GET,
	STMT_IDEM_PUT,
	STMT_IDEM_PURGE,
	STMT_PUBLICATION_COUNT,
	STMT_PUBLICATION_VERSION,
	STMT_AGENCY_DOMAIN_CLEAR,
	STMT_AGENCY_DOMAIN_INSERT,
	STMT_AGENCY_DOMAIN_ALLOWED,
	STMT_AGENCY_DOMAIN_LIST,
	STMT__MAX
};


struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STMT__MAX];
};

/* Map an SQLite result code to a store error. */
enum store_err map_rc(int rc);
/* The prepared statement for id (prepared on first use), reset and with
 * bindings cleared; borrowed from s. */
sqlite3_stmt *stmt_get(struct store *s, enum stmt id);
/* Bind text, or NULL when s is NULL. */
void bind_text(sqlite3_stmt *st, int i, const char *s);
/* Copy column i as text into out (capacity n). */
void col_copy(sqlite3_stmt *st, int i, char *out, size_t n);
/* Run a statement that returns no rows. */
enum store_err step_done(sqlite3_stmt *st);
/* Column i as text, or NULL when it is NULL; borrowed until the next step. */
const char *col_or_null(sqlite3_stmt *st, int i);

#endif
