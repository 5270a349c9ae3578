/* store — see include/store.h. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "util.h"

/*
 * The schema, one migration per entry; PRAGMA user_version counts how many
 * have been applied.  Never edit a released migration: add one.
 */
static const char *const migrations[] = {
	/* 1: registry, surveys, responses, answers */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL"
	");"
	"CREATE TABLE domain ("
	"  code TEXT PRIMARY KEY,"
	"  name_zh TEXT NOT NULL,"
	"  name_en TEXT NOT NULL"
	");"
	"CREATE TABLE agency ("
	"  code TEXT PRIMARY KEY,"
	"  name_zh TEXT NOT NULL,"
	"  name_en TEXT NOT NULL"
	");"
	"CREATE TABLE survey ("
	"  id TEXT NOT NULL,"
	"  version INTEGER NOT NULL CHECK (version >= 1),"
	"  definition TEXT NOT NULL,"
	"  loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  PRIMARY KEY (id, version)"
	");"
	"CREATE TABLE response ("
	"  id INTEGER PRIMARY KEY,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  survey_id TEXT NOT NULL,"
	"  survey_version INTEGER NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  encounter_id TEXT,"
	"  agency TEXT NOT NULL REFERENCES agency(code),"
	"  domain TEXT NOT NULL REFERENCES domain(code),"
	"  size TEXT,"
	"  submitted_at TEXT NOT NULL,"
	"  stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  FOREIGN KEY (survey_id, survey_version) REFERENCES survey(id, version)"
	");"
	"CREATE INDEX response_survey ON response(survey_id, agency, domain);"
	"CREATE TABLE answer ("
	"  response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,"
	"  item TEXT NOT NULL,"
	"  seq INTEGER NOT NULL DEFAULT 0,"
	"  num INTEGER,"
	"  text TEXT,"
	"  na INTEGER NOT NULL DEFAULT 0 CHECK (na IN (0, 1)),"
	"  PRIMARY KEY (response_id, item, seq)"
	") WITHOUT ROWID;",

	/* 2: the encounter registry, invitations, keys, audit, throttling */
	"CREATE TABLE encounter ("
	"  id TEXT PRIMARY KEY,"
	"  agency TEXT NOT NULL REFERENCES agency(code),"
	"  domain TEXT NOT NULL REFERENCES domain(code),"
	"  size TEXT NOT NULL CHECK (size IN ('large','medium','small','micro','household')),"
	"  district TEXT NOT NULL,"
	"  occurred_on TEXT NOT NULL,"
	"  outcome TEXT CHECK (outcome IN ('no_violation','corrected','warning','fined','other')),"
	"  registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE INDEX encounter_agency ON encounter(agency, occurred_on);"
	"CREATE UNIQUE INDEX response_encounter ON response(encounter_id) WHERE encounter_id IS NOT NULL;"
	"CREATE TABLE invitation ("
	"  hash BLOB PRIMARY KEY,"
	"  survey_id TEXT NOT NULL,"
	"  encounter_id TEXT NOT NULL REFERENCES encounter(id),"
	"  channel TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER"
	") WITHOUT ROWID;"
	"CREATE INDEX invitation_encounter ON invitation(encounter_id);"
	"CREATE TABLE api_key ("
	"  id TEXT PRIMARY KEY,"
	"  hash BLOB NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('evaluator','agency')),"
	"  agency TEXT REFERENCES agency(code),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  revoked_at TEXT,"
	"  CHECK ((role = 'agency') = (agency IS NOT NULL))"
	");"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT,"
	"  detail TEXT"
	");"
	"CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;"
	"CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;"
	"CREATE TABLE throttle ("
	"  key BLOB PRIMARY KEY,"
	"  window_start INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  locked_until INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;",

	/* 3: published figures, frozen */
	"CREATE TABLE publication ("
	"  id INTEGER PRIMARY KEY,"
	"  survey_id TEXT NOT NULL,"
	"  query TEXT NOT NULL,"
	"  result TEXT NOT NULL,"
	"  published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE INDEX publication_query ON publication(query, id);",
	/* 4: form renders already answered (a double tap stores one answer) */
	"CREATE TABLE form_once ("
	"  hash BLOB PRIMARY KEY,"
	"  at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX form_once_at ON form_once(at);",
	/* 5: nothing ties an answer to an address or a request: throttling
	 * moves to memory (throttle.h), answer times to the hour.  Only times
	 * the server set are coarsened; an import's submitted_at stays. */
	"DROP TABLE throttle;"
	"UPDATE response SET submitted_at = strftime('%Y-%m-%dT%H:00:00Z', submitted_at) "
	"  WHERE submitted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' "
	"  AND abs(strftime('%s', submitted_at) - strftime('%s', stored_at)) <= 60;"
	"UPDATE response SET stored_at = strftime('%Y-%m-%dT%H:00:00Z', stored_at);"
	"UPDATE invitation SET used_at = used_at - used_at % 3600 WHERE used_at IS NOT NULL;"
	"UPDATE form_once SET at = at - at % 3600;",
	/* 6: answers stored under a client's Idempotency-Key, for a day */
	"CREATE TABLE idempotency ("
	"  key BLOB PRIMARY KEY,"
	"  body BLOB NOT NULL,"
	"  response TEXT NOT NULL,"
	"  at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX idempotency_at ON idempotency(at);",
};

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
	STMT__MAX
};

/*
 * The date a response counts under (periods, month, quarter, year): its
 * encounter's occurred_on, else the day of its submission in UTC+8.  R and
 * E name the response and encounter tables of the query.
 */
#define SQL_DAY(R, E) "coalesce(" E ".occurred_on, date(" R ".submitted_at, '+8 hours'))"

static const char *const sql[STMT__MAX] = {
	[STMT_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[STMT_META_PUT] = "INSERT INTO meta (key, value) VALUES (?, ?)",
	[STMT_META_SET] = "INSERT INTO meta (key, value) VALUES (?, ?) "
	                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[STMT_DOMAIN_EXISTS] = "SELECT 1 FROM domain WHERE code = ?",
	[STMT_AGENCY_EXISTS] = "SELECT 1 FROM agency WHERE code = ?",
	[STMT_DOMAIN_UPSERT] = "INSERT INTO domain (code, name_zh, name_en) VALUES (?, ?, ?) "
	                       "ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, "
	                       "name_en = excluded.name_en",
	[STMT_AGENCY_UPSERT] = "INSERT INTO agency (code, name_zh, name_en) VALUES (?, ?, ?) "
	                       "ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, "
	                       "name_en = excluded.name_en",
	[STMT_DOMAIN_LIST] = "SELECT code, name_zh, name_en FROM domain ORDER BY code",
	[STMT_AGENCY_LIST] = "SELECT code, name_zh, name_en FROM agency ORDER BY code",
	[STMT_SURVEY_FIND] = "SELECT version FROM survey WHERE id = ? AND definition = ? "
	                     "AND version < ? ORDER BY version DESC LIMIT 1",
	[STMT_SURVEY_MAXVER] = "SELECT coalesce(max(version), 0) FROM survey WHERE id = ?",
	[STMT_SURVEY_INSERT] = "INSERT INTO survey (id, version, definition) VALUES (?, ?, ?)",
	[STMT_SURVEY_LATEST] = "SELECT version, definition FROM survey WHERE id = ? "
	                       "ORDER BY version DESC LIMIT 1",
	[STMT_SURVEY_VERSIONS] = "SELECT version, definition FROM survey WHERE id = ? "
	                         "ORDER BY version DESC",
	[STMT_RESPONSE_INSERT] = "INSERT INTO response (public_id, survey_id, survey_version, "
	                         "channel, encounter_id, agency, domain, size, submitted_at, "
	                         "stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?10)",
	[STMT_ANSWER_INSERT] = "INSERT INTO answer (response_id, item, seq, num, text, na) "
	                       "VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_RESPONSE_COUNT] = "SELECT count(*) FROM response WHERE survey_id = ?",
	[STMT_ENCOUNTER_INSERT] = "INSERT INTO encounter (id, agency, domain, size, district, "
	                          "occurred_on, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[STMT_ENCOUNTER_GET] = "SELECT id, agency, domain, size, district, occurred_on, "
	                       "coalesce(outcome, '') FROM encounter WHERE id = ?",
	[STMT_ENCOUNTER_ANSWERED] = "SELECT channel, date(submitted_at, '+8 hours') FROM response "
	                            "WHERE encounter_id = ?",
	[STMT_INVITATION_INSERT] = "INSERT INTO invitation (hash, survey_id, encounter_id, channel, "
	                           "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
	[STMT_INVITATION_GET] = "SELECT survey_id, encounter_id, channel, expires_at, "
	                        "used_at IS NOT NULL FROM invitation WHERE hash = ?",
	[STMT_INVITATION_USE] = "UPDATE invitation SET used_at = ? WHERE hash = ? AND used_at IS NULL",
	[STMT_KEY_INSERT] = "INSERT INTO api_key (id, hash, role, agency) VALUES (?, ?, ?, ?)",
	[STMT_KEY_LIST] = "SELECT k.id, k.role, coalesce(k.agency, ''), coalesce(a.name_zh, ''), "
	                  "coalesce(a.name_en, ''), k.created_at, coalesce(k.revoked_at, ''), "
	                  "coalesce((SELECT max(at) FROM audit WHERE actor = k.id), '') "
	                  "FROM api_key k LEFT JOIN agency a ON a.code = k.agency "
	                  "ORDER BY k.created_at, k.id",
	[STMT_KEY_GET] = "SELECT hash, role, coalesce(agency, ''), revoked_at IS NOT NULL "
	                 "FROM api_key WHERE id = ?",
	[STMT_KEY_REVOKE] = "UPDATE api_key SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
	                    "WHERE id = ? AND revoked_at IS NULL",
	[STMT_AUDIT_INSERT] = "INSERT INTO audit (actor, action, object, detail) VALUES (?, ?, ?, ?)",
	[STMT_ENCOUNTER_UNINVITED] = "SELECT e.id FROM encounter e WHERE NOT EXISTS "
	    "(SELECT 1 FROM invitation i WHERE i.encounter_id = e.id AND i.survey_id = ?) "
	    "AND NOT EXISTS (SELECT 1 FROM response r WHERE r.encounter_id = e.id) ORDER BY e.id",
	[STMT_ENCOUNTER_FRAME] = "SELECT id, agency, domain, occurred_on FROM encounter "
	    "WHERE occurred_on >= coalesce(?1, '0000-00-00') AND occurred_on <= coalesce(?2, '9999-99-99') "
	    "AND (?3 < 0 OR (size = 'household') = ?3) ORDER BY agency, id",
	[STMT_STATS_RESPONSES] =
	    "SELECT id, encounter_id, agency, domain, size, district, outcome, channel, day FROM ("
	    " SELECT r.id, r.encounter_id, r.agency, r.domain, coalesce(e.size, r.size) AS size,"
	    "  e.district, e.outcome, r.channel,"
	    "  " SQL_DAY("r", "e") " AS day"
	    " FROM response r LEFT JOIN encounter e ON e.id = r.encounter_id"
	    " WHERE r.survey_id = ?)"
	    " WHERE day >= coalesce(?, '0000-00-00') AND day <= coalesce(?, '9999-99-99') ORDER BY id",
	[STMT_STATS_CELLS] =
	    "SELECT sampled, agency, domain, size, count(*) FROM ("
	    " SELECT r.encounter_id IS NOT NULL AS sampled, r.agency, r.domain,"
	    "  coalesce(e.size, r.size) AS size,"
	    "  " SQL_DAY("r", "e") " AS day"
	    " FROM response r LEFT JOIN encounter e ON e.id = r.encounter_id"
	    " WHERE r.survey_id = ?)"
	    " WHERE day >= coalesce(?, '0000-00-00') AND day <= coalesce(?, '9999-99-99')"
	    " GROUP BY sampled, agency, domain, size",
	[STMT_STATS_NUMBERS] = "SELECT a.response_id, a.item, a.num FROM answer a "
	    "JOIN response r ON r.id = a.response_id "
	    "WHERE r.survey_id = ? AND a.num IS NOT NULL ORDER BY a.response_id",
	[STMT_STATS_COUNTS] = "SELECT agency, domain, size, count(*) FROM encounter "
	    "WHERE occurred_on >= coalesce(?, '0000-00-00') AND occurred_on <= coalesce(?, '9999-99-99') "
	    "GROUP BY agency, domain, size",
	[STMT_EXPORT_ROWS] =
	    "SELECT r.id, r.public_id, r.survey_version, r.channel, r.submitted_at, r.agency, r.domain,"
	    " coalesce(e.size, r.size), e.district, e.outcome, a.item, a.seq, a.num, a.text, a.na,"
	    " r.encounter_id IS NOT NULL, " SQL_DAY("r", "e")
	    " FROM response r LEFT JOIN encounter e ON e.id = r.encounter_id"
	    " LEFT JOIN answer a ON a.response_id = r.id"
	    /* "+": scan response in id order rather than sort (memory stays flat) */
	    " WHERE +r.survey_id = ?1"
	    " AND (?2 IS NULL OR " SQL_DAY("r", "e") " >= ?2)"
	    " AND (?3 IS NULL OR " SQL_DAY("r", "e") " <= ?3)"
	    " ORDER BY r.id, a.item, a.seq",
	/* One page: the first ?8 responses after response ?2 that pass the
	 * filters, then their answers.  The date is the encounter's, else the
	 * day of submission in UTC+8, as for the statistics. */
	[STMT_EXPORT_PAGE] =
	    "SELECT r.id, r.public_id, r.survey_version, r.channel, r.submitted_at, r.agency, r.domain,"
	    " coalesce(e.size, r.size), e.district, e.outcome, a.item, a.seq, a.num, a.text, a.na,"
	    " r.encounter_id IS NOT NULL, " SQL_DAY("r", "e")
	    " FROM (SELECT p.* FROM response p LEFT JOIN encounter pe ON pe.id = p.encounter_id"
	    "  WHERE p.survey_id = ?1 AND p.id > ?2"
	    "  AND (?3 IS NULL OR p.agency = ?3) AND (?4 IS NULL OR p.domain = ?4)"
	    "  AND (?5 IS NULL OR p.channel = ?5)"
	    "  AND (?6 IS NULL OR " SQL_DAY("p", "pe") " >= ?6)"
	    "  AND (?7 IS NULL OR " SQL_DAY("p", "pe") " <= ?7)"
	    "  ORDER BY p.id LIMIT ?8) r"
	    " LEFT JOIN encounter e ON e.id = r.encounter_id"
	    " LEFT JOIN answer a ON a.response_id = r.id"
	    " ORDER BY r.id, a.item, a.seq",
	[STMT_RESPONSE_BY_PUBLIC] = "SELECT id FROM response WHERE public_id = ? AND survey_id = ?",
	[STMT_SURVEY_DATA_TIME] = "SELECT coalesce((SELECT max(stored_at) FROM response WHERE survey_id = ?1),"
	    " (SELECT max(loaded_at) FROM survey WHERE id = ?1))",
	[STMT_SURVEY_IDS] = "SELECT DISTINCT id FROM survey ORDER BY id",
	[STMT_PUBLICATION_ADD] = "INSERT INTO publication (survey_id, query, result) VALUES (?, ?, ?)",
	[STMT_PUBLICATION_GET] = "SELECT result, published_at FROM publication WHERE query = ? "
	                         "ORDER BY id DESC LIMIT 1",
	[STMT_ONCE_INSERT] = "INSERT INTO form_once (hash, at) VALUES (?, ?)",
	[STMT_ONCE_PURGE] = "DELETE FROM form_once WHERE at < ?",
	[STMT_IDEM_GET] = "SELECT body, response FROM idempotency WHERE key = ? AND at >= ?",
	[STMT_IDEM_PUT] = "INSERT INTO idempotency (key, body, response, at) VALUES (?, ?, ?, ?)",
	[STMT_IDEM_PURGE] = "DELETE FROM idempotency WHERE at < ?",
	[STMT_PUBLICATION_LIST] = "SELECT query, published_at FROM publication "
	                          "WHERE survey_id = ? ORDER BY query, id",
	/* A query's versions are its publications in the order they were made. */
	[STMT_PUBLICATION_COUNT] = "SELECT count(*), max(published_at) FROM publication WHERE query = ?",
	[STMT_PUBLICATION_VERSION] = "SELECT result, published_at FROM publication WHERE query = ?1 "
	                             "ORDER BY id LIMIT 1 OFFSET ?2 - 1",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STMT__MAX];
};

static const char *const store_errors[STORE_ERR__MAX] = {
	[STORE_OK] = "ok",
	[STORE_ERR_OPEN] = "cannot open the database",
	[STORE_ERR_SCHEMA] = "not a manyi database, or made by a newer manyi",
	[STORE_ERR_BUSY] = "the database is busy",
	[STORE_ERR_CONSTRAINT] = "a database rule was broken",
	[STORE_ERR_NOTFOUND] = "not found",
	[STORE_ERR_SQL] = "database error",
};

const char *store_strerror(enum store_err e)
{
	return e < STORE_ERR__MAX ? store_errors[e] : "unknown error";
}

const char *store_errmsg(const struct store *s)
{
	return s && s->db ? sqlite3_errmsg(s->db) : "no database";
}

/* Map an SQLite result code to a store error. */
static enum store_err map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_ERR_BUSY;
	case SQLITE_CONSTRAINT:
		return STORE_ERR_CONSTRAINT;
	default:
		return STORE_ERR_SQL;
	}
}

/* The prepared statement for id, reset and with bindings cleared. */
static sqlite3_stmt *stmt_get(struct store *s, enum stmt id)
{
	sqlite3_stmt *st = s->stmt[id];
	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
		                       &s->stmt[id], NULL) != SQLITE_OK) {
			/* SQL text is ours: a failure here is a programming error. */
			fprintf(stderr, "manyi: cannot prepare statement %d: %s\n", (int)id,
			        sqlite3_errmsg(s->db));
			abort();
		}
		st = s->stmt[id];
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Bind text, or NULL when s is NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Copy column i as text into out (capacity n). */
static void col_copy(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, n, "%s", t ? (const char *)t : "");
}

/* Run a statement that returns no rows. */
static enum store_err step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
	if (rc == SQLITE_ROW)
		e = STORE_OK;
	sqlite3_reset(st);
	return e;
}

static enum store_err exec(struct store *s, const char *text)
{
	return map_rc(sqlite3_exec(s->db, text, NULL, NULL, NULL));
}

enum store_err store_schema_version(struct store *s, int *version)
{
	sqlite3_stmt *st;
	*version = -1;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc) == STORE_OK ? STORE_ERR_SQL : map_rc(rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_SQL : map_rc(rc);
}

/* Apply the migrations not yet applied, each in its own transaction. */
static enum store_err migrate(struct store *s, char *msg, size_t msglen)
{
	enum store_err e = store_begin(s);
	if (e != STORE_OK) {
		snprintf(msg, msglen, "cannot lock the database: %s", store_errmsg(s));
		return e;
	}
	int have;
	int want = (int)ARRAY_SIZE(migrations);
	if ((e = store_schema_version(s, &have)) != STORE_OK) {
		snprintf(msg, msglen, "cannot read the schema version: %s", store_errmsg(s));
		store_rollback(s);
		return e;
	}
	if (have < 0 || have > want) {
		snprintf(msg, msglen, "schema version %d is newer than this manyi (%d)", have, want);
		store_rollback(s);
		return STORE_ERR_SCHEMA;
	}
	for (int i = have; i < want; i++) {
		char pragma[64];
		if ((e = exec(s, migrations[i])) != STORE_OK) {
			snprintf(msg, msglen, "migration %d failed: %s", i + 1, store_errmsg(s));
			store_rollback(s);
			return e;
		}
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
		if ((e = exec(s, pragma)) != STORE_OK) {
			store_rollback(s);
			return e;
		}
	}
	if ((e = store_commit(s)) != STORE_OK) {
		snprintf(msg, msglen, "cannot commit the schema: %s", store_errmsg(s));
		return e;
	}
	/* Rows that migration rewrote or dropped (addresses' hashes, exact
	 * times) must not linger in free pages or the write-ahead log. */
	if (have > 0 && have < MIGRATION_FORGET && want >= MIGRATION_FORGET &&
	    ((e = exec(s, "VACUUM")) != STORE_OK ||
	     (e = exec(s, "PRAGMA wal_checkpoint(TRUNCATE)")) != STORE_OK))
		snprintf(msg, msglen, "cannot compact the database after migration %d: %s",
		         MIGRATION_FORGET, store_errmsg(s));
	return e;
}

/*
 * How long a statement waits for another writer's lock before the store
 * says STORE_ERR_BUSY: STORE_BUSY_TIMEOUT_MS, or $MANYI_BUSY_TIMEOUT_MS
 * (milliseconds, 1..600000) when set — the tests make it short to see a
 * busy database answered as such without waiting.
 */
static int busy_timeout_ms(void)
{
	const char *v = getenv("MANYI_BUSY_TIMEOUT_MS");
	char *end;
	if (v == NULL || *v == '\0')
		return STORE_BUSY_TIMEOUT_MS;
	long ms = strtol(v, &end, 10);
	return *end == '\0' && ms >= 1 && ms <= 600000 ? (int)ms : STORE_BUSY_TIMEOUT_MS;
}

enum store_err store_open(const char *path, bool create, struct store **out,
                          char *msg, size_t msglen)
{
	struct store *s = xcalloc(1, sizeof *s);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	enum store_err e = STORE_ERR_OPEN;

	*out = NULL;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		snprintf(msg, msglen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_timeout_ms());
	/* WAL + FULL: a committed transaction is on disk before commit returns. */
	if (exec(s, "PRAGMA journal_mode = WAL") != STORE_OK ||
	    exec(s, "PRAGMA synchronous = FULL") != STORE_OK ||
	    exec(s, "PRAGMA foreign_keys = ON") != STORE_OK ||
	    exec(s, "PRAGMA secure_delete = ON") != STORE_OK) {
		snprintf(msg, msglen, "%s: %s", path, sqlite3_errmsg(s->db));
		e = sqlite3_errcode(s->db) == SQLITE_NOTADB ? STORE_ERR_SCHEMA : STORE_ERR_OPEN;
		goto fail;
	}
	if ((e = migrate(s, msg, msglen)) != STORE_OK)
		goto fail;
	*out = s;
	return STORE_OK;
fail:
	store_close(s);
	return e;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
}

enum store_err store_ping(struct store *s)
{
	sqlite3_stmt *st = stmt_get(s, STMT_META_GET);
	bind_text(st, 1, "ping");
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_begin(struct store *s)
{
	return exec(s, "BEGIN IMMEDIATE");
}

enum store_err store_commit(struct store *s)
{
	return exec(s, "COMMIT");
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
}

/* Settings live in meta under "setting." NAME, apart from the secret. */
enum store_err store_setting_get(struct store *s, const char *name, char *out, size_t n)
{
	char key[96];
	snprintf(key, sizeof key, "setting.%s", name);
	sqlite3_stmt *st = stmt_get(s, STMT_META_GET);
	bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW)
		col_copy(st, 0, out, n);
	sqlite3_reset(st);
	return e;
}

enum store_err store_setting_put(struct store *s, const char *name, const char *value)
{
	char key[96];
	snprintf(key, sizeof key, "setting.%s", name);
	sqlite3_stmt *st = stmt_get(s, STMT_META_SET);
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	return step_done(st);
}

enum store_err store_secret(struct store *s, unsigned char key[32])
{
	sqlite3_stmt *st = stmt_get(s, STMT_META_GET);
	bind_text(st, 1, "csrf_secret");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(key, sqlite3_column_blob(st, 0), 32);
		sqlite3_reset(st);
		return STORE_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return map_rc(rc);

	/* First use: make one.  A racing writer may win; then read theirs. */
	crypto_random(key, 32);
	st = stmt_get(s, STMT_META_PUT);
	bind_text(st, 1, "csrf_secret");
	sqlite3_bind_blob(st, 2, key, 32, SQLITE_STATIC);
	enum store_err e = step_done(st);
	if (e == STORE_ERR_CONSTRAINT)
		return store_secret(s, key);
	return e;
}

const char *registry_kind_name(enum registry_kind k)
{
	return k == REGISTRY_DOMAIN ? "domain" : "agency";
}

enum store_err store_registry_put(struct store *s, enum registry_kind k,
                                  const char *code, const char *name_zh,
                                  const char *name_en, bool *created)
{
	if (created != NULL) {
		bool exists;
		enum store_err e = store_registry_exists(s, k, code, &exists);
		if (e != STORE_OK)
			return e;
		*created = !exists;
	}
	sqlite3_stmt *st = stmt_get(s, k == REGISTRY_DOMAIN ? STMT_DOMAIN_UPSERT : STMT_AGENCY_UPSERT);
	bind_text(st, 1, code);
	bind_text(st, 2, name_zh);
	bind_text(st, 3, name_en);
	return step_done(st);
}

enum store_err store_registry_exists(struct store *s, enum registry_kind k, const char *code,
                                     bool *exists)
{
	sqlite3_stmt *st = stmt_get(s, k == REGISTRY_DOMAIN ? STMT_DOMAIN_EXISTS : STMT_AGENCY_EXISTS);
	bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	*exists = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_registry_list(struct store *s, enum registry_kind k,
                                   struct registry_list *out)
{
	sqlite3_stmt *st = stmt_get(s, k == REGISTRY_DOMAIN ? STMT_DOMAIN_LIST : STMT_AGENCY_LIST);
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 32;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		struct registry_entry *r = &out->v[out->n++];
		r->code = xstrdup((const char *)sqlite3_column_text(st, 0));
		r->name[LANG_ZH] = xstrdup((const char *)sqlite3_column_text(st, 1));
		r->name[LANG_EN] = xstrdup((const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		registry_list_free(out);
		return map_rc(rc);
	}
	return STORE_OK;
}

void registry_list_free(struct registry_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].code);
		for (int j = 0; j < LANG__MAX; j++)
			free(l->v[i].name[j]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

enum store_err store_survey_put(struct store *s, const struct survey *sv,
                                int *version, bool *created)
{
	enum store_err e;
	sqlite3_stmt *st;
	bool own = sqlite3_get_autocommit(s->db);

	*created = false;
	if (own && (e = store_begin(s)) != STORE_OK)
		return e;

	/* The latest version is the one served: only it counts as unchanged. */
	st = stmt_get(s, STMT_SURVEY_LATEST);
	bind_text(st, 1, sv->id);
	int rc = sqlite3_step(st);
	int latest = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	bool same = rc == SQLITE_ROW && sqlite3_column_text(st, 1) != NULL &&
	            strcmp((const char *)sqlite3_column_text(st, 1), sv->canonical) == 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		e = map_rc(rc);
		goto done;
	}
	if (same) {
		*version = latest;
		e = STORE_OK;
		goto done;
	}
	*version = sv->version > latest ? sv->version : latest + 1;

	st = stmt_get(s, STMT_SURVEY_INSERT);
	bind_text(st, 1, sv->id);
	sqlite3_bind_int(st, 2, *version);
	bind_text(st, 3, sv->canonical);
	if ((e = step_done(st)) == STORE_OK)
		*created = true;
done:
	if (own) {
		if (e == STORE_OK)
			e = store_commit(s);
		if (e != STORE_OK)
			store_rollback(s);
	}
	return e;
}

enum store_err store_survey_same_as(struct store *s, const struct survey *sv, int below,
                                    int *version)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_FIND);
	bind_text(st, 1, sv->id);
	bind_text(st, 2, sv->canonical);
	sqlite3_bind_int(st, 3, below);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return e;
}

enum store_err store_survey_version(struct store *s, const char *id, int *version)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_MAXVER);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_survey_latest(struct store *s, const char *id,
                                   int *version, char **definition)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_LATEST);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	enum store_err e;
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		*definition = xstrdup((const char *)sqlite3_column_text(st, 1));
		e = STORE_OK;
	} else {
		e = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_each_survey_version(struct store *s, const char *id,
                                        bool (*fn)(void *ctx, int version, const char *definition),
                                        void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_VERSIONS);
	bool any = false;
	int rc;
	bind_text(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		any = true;
		if (!fn(ctx, sqlite3_column_int(st, 0), (const char *)sqlite3_column_text(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return map_rc(rc);
	return any ? STORE_OK : STORE_ERR_NOTFOUND;
}

/* Insert one answer row. */
static enum store_err answer_row(struct store *s, sqlite3_int64 rid, const char *item,
                                 int seq, const int *num, const char *text, bool na)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ANSWER_INSERT);
	sqlite3_bind_int64(st, 1, rid);
	bind_text(st, 2, item);
	sqlite3_bind_int(st, 3, seq);
	if (num != NULL)
		sqlite3_bind_int(st, 4, *num);
	else
		sqlite3_bind_null(st, 4);
	bind_text(st, 5, text);
	sqlite3_bind_int(st, 6, na ? 1 : 0);
	return step_done(st);
}

/* Insert the rows of every answered item of response rid. */
static enum store_err answer_rows(struct store *s, sqlite3_int64 rid, const struct answers *a)
{
	const struct survey *sv = a->survey;
	enum store_err e = STORE_OK;

	for (size_t i = 0; i < sv->nitems && e == STORE_OK; i++) {
		const struct item *it = &sv->items[i];
		const struct answer *an = &a->a[i];
		if (!an->present)
			continue;
		switch (it->type) {
		case ITEM_SCALE:
			e = answer_row(s, rid, it->id, 0, an->na ? NULL : &an->scale, NULL, an->na);
			break;
		case ITEM_CHOICE:
			e = answer_row(s, rid, it->id, 0, NULL, it->options[an->choice].value, false);
			break;
		case ITEM_MULTI: {
			int seq = 0;
			for (size_t j = 0; j < it->noptions && e == STORE_OK; j++)
				if (an->multi & (1ULL << j))
					e = answer_row(s, rid, it->id, seq++, NULL, it->options[j].value, false);
			if (seq == 0 && e == STORE_OK) /* answered "none of these" */
				e = answer_row(s, rid, it->id, 0, NULL, NULL, false);
			break;
		}
		case ITEM_TEXT:
			e = answer_row(s, rid, it->id, 0, NULL, an->text, false);
			break;
		case ITEM__MAX:
			break;
		}
	}
	return e;
}

enum store_err store_response_add(struct store *s, const struct response_meta *m,
                                  const struct answers *a, char *public_id,
                                  size_t idlen)
{
	char pid[CRYPTO_B64URL_LEN(16)];
	char now[32];
	enum store_err e;
	bool own = sqlite3_get_autocommit(s->db);

	crypto_random_id(pid, sizeof pid, 16);
	time_iso(now, sizeof now, time_grain(time(NULL), STORE_TIME_GRAIN));

	if (own && (e = store_begin(s)) != STORE_OK)
		goto out;
	sqlite3_stmt *st = stmt_get(s, STMT_RESPONSE_INSERT);
	bind_text(st, 1, pid);
	bind_text(st, 2, m->survey);
	sqlite3_bind_int(st, 3, m->survey_version);
	bind_text(st, 4, m->channel);
	bind_text(st, 5, m->encounter);
	bind_text(st, 6, m->agency);
	bind_text(st, 7, m->domain);
	bind_text(st, 8, m->size);
	bind_text(st, 9, m->submitted_at ? m->submitted_at : now);
	bind_text(st, 10, now);
	if ((e = step_done(st)) == STORE_OK)
		e = answer_rows(s, sqlite3_last_insert_rowid(s->db), a);
	if (own) {
		if (e == STORE_OK)
			e = store_commit(s);
		if (e != STORE_OK)
			store_rollback(s);
	}
	if (e == STORE_OK)
		snprintf(public_id, idlen, "%s", pid);
out:
	return e;
}

enum store_err store_response_count(struct store *s, const char *survey, long *count)
{
	sqlite3_stmt *st = stmt_get(s, STMT_RESPONSE_COUNT);
	bind_text(st, 1, survey);
	int rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return map_rc(rc);
}


enum store_err store_encounter_add(struct store *s, const struct encounter *e)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_INSERT);
	bind_text(st, 1, e->id);
	bind_text(st, 2, e->agency);
	bind_text(st, 3, e->domain);
	bind_text(st, 4, e->size);
	bind_text(st, 5, e->district);
	bind_text(st, 6, e->occurred_on);
	bind_text(st, 7, e->outcome[0] ? e->outcome : NULL);
	return step_done(st);
}

enum store_err store_encounter_get(struct store *s, const char *id, struct encounter *e)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_GET);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	enum store_err err = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, e->id, sizeof e->id);
		col_copy(st, 1, e->agency, sizeof e->agency);
		col_copy(st, 2, e->domain, sizeof e->domain);
		col_copy(st, 3, e->size, sizeof e->size);
		col_copy(st, 4, e->district, sizeof e->district);
		col_copy(st, 5, e->occurred_on, sizeof e->occurred_on);
		col_copy(st, 6, e->outcome, sizeof e->outcome);
	}
	sqlite3_reset(st);
	return err;
}

enum store_err store_encounter_answer(struct store *s, const char *id, struct encounter_answer *a)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_ANSWERED);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, a->channel, sizeof a->channel);
		col_copy(st, 1, a->day, sizeof a->day);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_encounter_answered(struct store *s, const char *id, bool *answered)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_ANSWERED);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	*answered = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_invitation_add(struct store *s, const unsigned char hash[32],
                                    const char *survey, const char *encounter,
                                    const char *channel, long long created_at,
                                    long long expires_at)
{
	sqlite3_stmt *st = stmt_get(s, STMT_INVITATION_INSERT);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	bind_text(st, 2, survey);
	bind_text(st, 3, encounter);
	bind_text(st, 4, channel);
	sqlite3_bind_int64(st, 5, created_at);
	sqlite3_bind_int64(st, 6, expires_at);
	return step_done(st);
}

enum store_err store_invitation_get(struct store *s, const unsigned char hash[32],
                                    struct invitation *inv)
{
	sqlite3_stmt *st = stmt_get(s, STMT_INVITATION_GET);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	enum store_err err = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, inv->survey, sizeof inv->survey);
		col_copy(st, 1, inv->encounter, sizeof inv->encounter);
		col_copy(st, 2, inv->channel, sizeof inv->channel);
		inv->expires_at = sqlite3_column_int64(st, 3);
		inv->used = sqlite3_column_int(st, 4) != 0;
	}
	sqlite3_reset(st);
	return err;
}

enum store_err store_invitation_use(struct store *s, const unsigned char hash[32], long long now)
{
	sqlite3_stmt *st = stmt_get(s, STMT_INVITATION_USE);
	sqlite3_bind_int64(st, 1, (long long)time_grain((time_t)now, STORE_TIME_GRAIN));
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) != 1)
		e = STORE_ERR_CONSTRAINT;
	return e;
}

enum store_err store_key_add(struct store *s, const char *id, const unsigned char hash[32],
                             const char *role, const char *agency)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_INSERT);
	bind_text(st, 1, id);
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	bind_text(st, 3, role);
	bind_text(st, 4, agency);
	return step_done(st);
}

enum store_err store_key_list(struct store *s, bool (*cb)(const struct key_row *k, void *ctx),
                              void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_LIST);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c[8];
		for (int i = 0; i < 8; i++)
			c[i] = (const char *)sqlite3_column_text(st, i);
		struct key_row k = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
		if (!cb(&k, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_key_get(struct store *s, const char *id, struct api_key *k)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_GET);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	enum store_err err = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == 32)
			memcpy(k->hash, sqlite3_column_blob(st, 0), 32);
		else
			memset(k->hash, 0, 32);
		col_copy(st, 1, k->role, sizeof k->role);
		col_copy(st, 2, k->agency, sizeof k->agency);
		k->revoked = sqlite3_column_int(st, 3) != 0;
	}
	sqlite3_reset(st);
	return err;
}

enum store_err store_key_revoke(struct store *s, const char *id)
{
	sqlite3_stmt *st = stmt_get(s, STMT_KEY_REVOKE);
	bind_text(st, 1, id);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) != 1)
		e = STORE_ERR_NOTFOUND;
	return e;
}

enum store_err store_audit(struct store *s, const char *actor, const char *action,
                           const char *object, const char *detail)
{
	sqlite3_stmt *st = stmt_get(s, STMT_AUDIT_INSERT);
	bind_text(st, 1, actor);
	bind_text(st, 2, action);
	bind_text(st, 3, object);
	bind_text(st, 4, detail);
	return step_done(st);
}

enum store_err store_encounters_uninvited(struct store *s, const char *survey, char ***ids,
                                          size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_UNINVITED);
	size_t cap = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_encounter_frame(struct store *s, const char *from, const char *to, int households,
                                     struct sampled **out, size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ENCOUNTER_FRAME);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	bind_text(st, 1, from);
	bind_text(st, 2, to);
	sqlite3_bind_int(st, 3, households);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct sampled *x = &(*out)[(*n)++];
		col_copy(st, 0, x->id, sizeof x->id);
		col_copy(st, 1, x->agency, sizeof x->agency);
		col_copy(st, 2, x->domain, sizeof x->domain);
		col_copy(st, 3, x->occurred_on, sizeof x->occurred_on);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return map_rc(rc);
	}
	return STORE_OK;
}

static const char *col_or_null(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

enum store_err store_each_response(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct stats_source_row *r),
                                   void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_RESPONSES);
	int rc;
	bind_text(st, 1, survey);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_source_row r = {
			.id = sqlite3_column_int64(st, 0),
			.encounter = col_or_null(st, 1),
			.agency = col_or_null(st, 2),
			.domain = col_or_null(st, 3),
			.size = col_or_null(st, 4),
			.district = col_or_null(st, 5),
			.outcome = col_or_null(st, 6),
			.channel = col_or_null(st, 7),
			.date = col_or_null(st, 8),
		};
		if (!fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_number(struct store *s, const char *survey,
                                 bool (*fn)(void *ctx, long long response, const char *item,
                                            int value),
                                 void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_NUMBERS);
	int rc;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		        sqlite3_column_int(st, 2))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_response_cell(struct store *s, const char *survey, const char *from,
                                       const char *to,
                                       bool (*fn)(void *ctx, bool sampled, const char *agency,
                                                  const char *domain, const char *size,
                                                  long long count),
                                       void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_CELLS);
	int rc;
	bind_text(st, 1, survey);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, sqlite3_column_int(st, 0) != 0, col_or_null(st, 1), col_or_null(st, 2),
		        col_or_null(st, 3), sqlite3_column_int64(st, 4))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_encounter_count(struct store *s, const char *from, const char *to,
                                          bool (*fn)(void *ctx, const char *agency,
                                                     const char *domain, const char *size,
                                                     long long count),
                                          void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_COUNTS);
	int rc;
	bind_text(st, 1, from);
	bind_text(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, col_or_null(st, 0), col_or_null(st, 1), col_or_null(st, 2),
		        sqlite3_column_int64(st, 3))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_survey_ids(struct store *s, char ***ids, size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_IDS);
	size_t cap = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_publication_add(struct store *s, const char *survey, const char *query,
                                     const char *result, long long *id)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_ADD);
	bind_text(st, 1, survey);
	bind_text(st, 2, query);
	bind_text(st, 3, result);
	enum store_err e = step_done(st);
	if (e == STORE_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return e;
}

enum store_err store_publication_get(struct store *s, const char *query, char **result,
                                     char *published_at, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_GET);
	bind_text(st, 1, query);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		*result = xstrdup((const char *)sqlite3_column_text(st, 0));
		col_copy(st, 1, published_at, n);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_publication_list(struct store *s, const char *survey,
                                      bool (*fn)(void *ctx, const char *query, const char *at),
                                      void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_LIST);
	int rc;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_publication_count(struct store *s, const char *query, int *versions,
                                       char *latest_at, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_COUNT);
	bind_text(st, 1, query);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*versions = sqlite3_column_int(st, 0);
		col_copy(st, 1, latest_at, n);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_publication_version(struct store *s, const char *query, int version,
                                         char **result, char *published_at, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_VERSION);
	bind_text(st, 1, query);
	sqlite3_bind_int(st, 2, version);
	int rc = version >= 1 ? sqlite3_step(st) : SQLITE_DONE;
	enum store_err e = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		*result = xstrdup((const char *)sqlite3_column_text(st, 0));
		col_copy(st, 1, published_at, n);
		e = STORE_OK;
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_begin_read(struct store *s)
{
	return exec(s, "BEGIN DEFERRED");
}

enum store_err store_each_export_row(struct store *s, const char *survey,
                                     const struct export_filter *f,
                                     bool (*fn)(void *ctx, const struct export_source_row *r),
                                     void *ctx)
{
	sqlite3_stmt *st;
	int rc;
	if (f == NULL || f->limit <= 0) {
		st = stmt_get(s, STMT_EXPORT_ROWS);
		bind_text(st, 1, survey);
		bind_text(st, 2, f ? f->from : NULL);
		bind_text(st, 3, f ? f->to : NULL);
	} else {
		long long after = 0;
		if (f->after != NULL) {
			sqlite3_stmt *q = stmt_get(s, STMT_RESPONSE_BY_PUBLIC);
			bind_text(q, 1, f->after);
			bind_text(q, 2, survey);
			rc = sqlite3_step(q);
			after = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
			sqlite3_reset(q);
			if (rc != SQLITE_ROW)
				return rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
		}
		st = stmt_get(s, STMT_EXPORT_PAGE);
		bind_text(st, 1, survey);
		sqlite3_bind_int64(st, 2, after);
		bind_text(st, 3, f->agency);
		bind_text(st, 4, f->domain);
		bind_text(st, 5, f->channel);
		bind_text(st, 6, f->from);
		bind_text(st, 7, f->to);
		sqlite3_bind_int64(st, 8, f->limit);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* text before its length: sqlite3_column_bytes() after the conversion. */
		const char *text = col_or_null(st, 13);
		size_t text_len = (size_t)sqlite3_column_bytes(st, 13);
		struct export_source_row r = {
			.id = sqlite3_column_int64(st, 0),
			.public_id = col_or_null(st, 1),
			.survey_version = sqlite3_column_int(st, 2),
			.channel = col_or_null(st, 3),
			.submitted_at = col_or_null(st, 4),
			.agency = col_or_null(st, 5),
			.domain = col_or_null(st, 6),
			.size = col_or_null(st, 7),
			.district = col_or_null(st, 8),
			.outcome = col_or_null(st, 9),
			.item = col_or_null(st, 10),
			.seq = sqlite3_column_int(st, 11),
			.has_num = sqlite3_column_type(st, 12) != SQLITE_NULL,
			.num = sqlite3_column_int(st, 12),
			.text = text,
			.text_len = text_len,
			.na = sqlite3_column_int(st, 14) != 0,
			.sampled = sqlite3_column_int(st, 15) != 0,
			.date = col_or_null(st, 16),
		};
		if (!fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_survey_data_time(struct store *s, const char *survey, char *out, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_DATA_TIME);
	bind_text(st, 1, survey);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? STORE_OK
	                   : rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_ERR_NOTFOUND
	                   : map_rc(rc);
	if (e == STORE_OK)
		col_copy(st, 0, out, n);
	sqlite3_reset(st);
	return e;
}

enum store_err store_once(struct store *s, const unsigned char hash[32], long long now,
                          long long keep)
{
	sqlite3_stmt *st = stmt_get(s, STMT_ONCE_PURGE);
	sqlite3_bind_int64(st, 1, now - keep);
	enum store_err e = step_done(st);
	if (e != STORE_OK)
		return e;
	st = stmt_get(s, STMT_ONCE_INSERT);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)time_grain((time_t)now, STORE_TIME_GRAIN));
	return step_done(st);
}

/* The oldest time an idempotency entry of now still holds at. */
static long long idem_since(long long now)
{
	return (long long)time_grain((time_t)now, STORE_TIME_GRAIN) - STORE_IDEM_KEEP;
}

enum store_err store_idem_get(struct store *s, const unsigned char key[32], long long now,
                              unsigned char body[32], char *response, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_IDEM_GET);
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, idem_since(now));
	int rc = sqlite3_step(st);
	enum store_err e = STORE_ERR_NOTFOUND;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(body, sqlite3_column_blob(st, 0), 32);
		col_copy(st, 1, response, n);
		e = STORE_OK;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		e = map_rc(rc);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_idem_put(struct store *s, const unsigned char key[32],
                              const unsigned char body[32], const char *response, long long now)
{
	sqlite3_stmt *st = stmt_get(s, STMT_IDEM_PURGE);
	sqlite3_bind_int64(st, 1, idem_since(now));
	enum store_err e = step_done(st);
	if (e != STORE_OK)
		return e;
	st = stmt_get(s, STMT_IDEM_PUT);
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, body, 32, SQLITE_STATIC);
	bind_text(st, 3, response);
	sqlite3_bind_int64(st, 4, (long long)time_grain((time_t)now, STORE_TIME_GRAIN));
	return step_done(st);
}
