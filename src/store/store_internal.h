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
 *   store_fieldwork.c  encounters, invitations, dispositions, API keys, audit
 *   store_read.c       the statistics' and the export's reads
 *   store_session.c    people who sign in and their sessions
 *   store_code.c       the dictionary of short texts, the scale items of a
 *                      survey version, the registry's counts pending commit
 *   store_migrate.c    the migrations' steps that SQL alone cannot do
 *   audit.c            the audit chain and the answers' day roots (audit.h)
 */
#ifndef MANYI_STORE_INTERNAL_H
#define MANYI_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "store.h"
#include "store_followup_handle.h"
#include "store_review.h"
#include "util.h"

/* The schema, one migration per entry (store_schema.c); PRAGMA
 * user_version counts how many have been applied. */
extern const char *const store_migrations[];
extern const size_t store_migrations_n;

/* Migration 5 rewrote rows: their old bytes leave the file (see migrate). */
#define MIGRATION_FORGET 5
/* Migration 9 (the compact layout) has a step in C, then this SQL. */
#define MIGRATION_COMPACT 9
extern const char *const store_migration_9_finish;
/* Migration 16, the working-day calendar 2022-2026 (calendar.c). */
extern const char store_migration_calendar[];
/* Migration 19, the audit chain and the answers' day roots (audit.c): its SQL,
 * then its step in C, which chains the audit rows already there. */
#define MIGRATION_AUDIT 19
extern const char store_migration_audit[];
#define MIGRATION_INTEGRITY 20
extern const char store_migration_integrity[];
enum store_err audit_chain_existing(struct store *s, char *msg, size_t msglen);
/* Register the SQL function audit_hash() on a connection (store_open()). */
int audit_sql_register(sqlite3 *db);
/* Run migration number's step in C, if it has one (store_migrate.c). */
enum store_err store_migration_step(struct store *s, int number, char *msg, size_t msglen);

/* A scale answer's byte in resp.nums: 1..SURVEY_MAX_POINTS is the value. */
#define NUM_MISSING STORE_NUM_MISSING
#define NUM_NA STORE_NUM_NA

/*
 * The dictionary (table code): short texts that repeat, stored as small
 * integers.  Entries are never changed or removed, so a connection keeps
 * them in memory; only an entry added in a transaction that is then
 * rolled back must be forgotten (code_forget(), called by every rollback).
 */
enum code_kind { CODE_SURVEY, CODE_AGENCY, CODE_DOMAIN, CODE_SIZE, CODE_DISTRICT, CODE_OUTCOME,
                 CODE_CHANNEL, CODE__MAX };

struct code_cache {
	char **text;          /* by id; NULL where there is none */
	unsigned char *kind;  /* by id */
	size_t n;             /* ids below n have been read */
	long long *slot;      /* open addressing on (kind, text): id, or 0 */
	size_t nslots, used;
};

/* The scale items of one survey version, in their order in resp.nums. */
struct scale_items {
	char *survey;
	int version;
	char **item;
	size_t n;
};

/* An encounter's row in enc, its codes as dictionary ids. */
struct enc_ref {
	long long id, agency, domain, size, district, outcome, day;
};

/*
 * The encounter with this code into *r: STORE_ERR_NOTFOUND when there is
 * none.  The last one found is remembered (an import reads an encounter
 * to check it, then to store its answer).
 */
enum store_err enc_lookup(struct store *s, const char *code, struct enc_ref *r);

/* Encounters counted by (day, agency, domain, size). */
struct pop_cell {
	long long day, agency, domain, size, n;
};

/* A table of counts by cell (open addressing; n == 0 marks a free slot). */
struct pop_cells {
	struct pop_cell *v;
	size_t cap, used;
};

/* Add n to the cell's count. */
void pop_cells_add(struct pop_cells *t, long long day, long long agency, long long domain,
                   long long size, long long n);


enum stmt {
	STMT_META_GET,
	STMT_META_PUT,
	STMT_META_SET,
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
	STMT_RESPONSE_COUNT,
	STMT_ENCOUNTER_INSERT,
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
	STMT_STATS_RESPONSES_ALL,
	STMT_STATS_EXCLUDED,
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
	STMT_CODE_LOAD,
	STMT_CODE_ADD,
	STMT_SCALE_ITEMS,
	STMT_POP_ADD,
	STMT_ENC_LOOKUP,
	STMT_TEXT_INSERT,
	STMT_EXPORT_TEXT,
	STMT_ITEM_TEXT,
	STMT_DISPOSITION_PUT,
	STMT_FIELDWORK_CELLS,
	STMT_PROGRESS_FRAME,
	STMT_PROGRESS_INVITED,
	STMT_PROGRESS_ANSWERS,
	STMT_USER_INSERT,
	STMT_USER_GET,
	STMT_USER_DELETE,
	STMT_USER_LIST,
	STMT_SESSION_INSERT,
	STMT_SESSION_GET,
	STMT_SESSION_DELETE,
	STMT_SESSION_PURGE,
	STMT__MAX
};


/* The most statements store_review.c prepares (its enum review_stmt), and
 * store_duty.c (its enum duty_stmt). */
#define STORE_REVIEW_STMTS 32
#define STORE_DUTY_STMTS 8
#define STORE_FOLLOWUP_STMTS 16 /* followup.c's (its enum fu_stmt) */
#define STORE_INTEGRITY_STMTS 12 /* integrity.c's (its enum ig_stmt) */
#define STORE_FU_HANDLE_STMTS 12 /* store_followup_handle.c's (its enum fuh_stmt) */

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STMT__MAX];
	struct code_cache codes;
	bool uncommitted;       /* the caches hold what the open transaction wrote:
	                         * a rollback must forget them (store_rollback) */
	struct scale_items *scales;
	size_t nscales;
	struct pop_cells pop;   /* encounters registered in the open transaction */
	char last_code[65];     /* enc_lookup()'s last encounter, "" when none */
	time_t hour;            /* the hour of answers stored, and its text */
	char hour_iso[32];
	struct enc_ref last;
	sqlite3_stmt *review_stmt[STORE_REVIEW_STMTS]; /* store_review.c's statements */
	sqlite3_stmt *duty_stmt[STORE_DUTY_STMTS];     /* store_duty.c's statements */
	sqlite3_stmt *followup_stmt[STORE_FOLLOWUP_STMTS]; /* followup.c's statements */
	sqlite3_stmt *integrity_stmt[STORE_INTEGRITY_STMTS]; /* integrity.c's statements */
	sqlite3_stmt *fu_handle_stmt[STORE_FU_HANDLE_STMTS]; /* store_followup_handle.c's */
};

/*
 * The id of text in the dictionary under kind into *id.  When it is not
 * there: with add, it is added (in the caller's transaction); without,
 * STORE_ERR_NOTFOUND.  text NULL gives id 0 (SQL NULL).
 */
enum store_err code_id(struct store *s, enum code_kind kind, const char *text, bool add,
                       long long *id);
/* The text of dictionary id, or NULL (id 0 or unknown); borrowed from s. */
const char *code_text(struct store *s, long long id);
/* Forget every cached entry (after a rollback); the next use reads them again. */
void code_forget(struct store *s);
/* The scale items of survey's version (borrowed from s); none is STORE_OK with n 0. */
enum store_err scale_items(struct store *s, const char *survey, int version,
                           const struct scale_items **out);
/* Count one encounter into the population pending commit. */
void pop_add(struct store *s, long long day, long long agency, long long domain, long long size);
/* Write the pending counts into population (store_commit() does, first). */
enum store_err pop_flush(struct store *s);
/* Drop the pending counts and every cache (a rollback, store_close()). */
void store_forget(struct store *s);

/* Map an SQLite result code to a store error. */
enum store_err map_rc(int rc);
/* *slot prepared from text on first use (kept with the connection until
 * store_close), reset and unbound: every cached statement goes through it. */
sqlite3_stmt *stmt_prepared(struct store *s, sqlite3_stmt **slot, const char *text);
/* The prepared statement for id (prepared on first use), reset and with
 * bindings cleared; borrowed from s. */
sqlite3_stmt *stmt_get(struct store *s, enum stmt id);
/* Bind text, or NULL when s is NULL. */
void bind_text(sqlite3_stmt *st, int i, const char *s);
/* Copy column i as text into out (capacity n). */
void col_copy(sqlite3_stmt *st, int i, char *out, size_t n);
/*
 * End the transaction a function opened for itself (own: there was none
 * when it was called): commit when e is STORE_OK, else roll back; returns
 * the outcome.  Without own, e as it is (the caller's transaction goes on).
 */
enum store_err own_end(struct store *s, bool own, enum store_err e);
/* Run a statement that returns no rows. */
enum store_err step_done(sqlite3_stmt *st);
/* Column i as text, or NULL when it is NULL; borrowed until the next step. */
const char *col_or_null(sqlite3_stmt *st, int i);

#endif
