/* store — see include/store.h: open, migrate, transactions, errors, settings. */
#include "store_internal.h"

/* The survey id ?N as its dictionary id, in SQL. */
#define SURVEY_CODE(N) "(SELECT id FROM code WHERE kind = 'survey' AND text = " N ")"
/* The day of date text ?N (days since 1970-01-01), or DFLT when NULL, in SQL. */
#define SQL_DAY_OF(N, DFLT) "coalesce(CAST(julianday(" N ") - 2440587.5 AS INTEGER), " DFLT ")"
/* The columns of a response the statistics read (store_read.c: stats_row). */
#define STATS_COLUMNS "id, encounter IS NOT NULL, agency, domain, size, district, outcome," \
	" channel, day, version, nums"
/* The columns of a response the export reads (store_read.c: export_row). */
#define EXPORT_COLUMNS "id, public_id, version, channel, submitted_at, agency, domain, size," \
	" district, outcome, encounter IS NOT NULL, day, nums," \
	" (SELECT reason FROM exclusion x WHERE x.resp = resp.id)"

/* A response without an exclusion row: the statistics' reads. */
#define NOT_EXCLUDED " AND NOT EXISTS (SELECT 1 FROM exclusion x WHERE x.resp = resp.id)"

static const char *const sql[STMT__MAX] = {
	[STMT_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[STMT_META_PUT] = "INSERT INTO meta (key, value) VALUES (?, ?)",
	[STMT_META_SET] = "INSERT INTO meta (key, value) VALUES (?, ?) "
	                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
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
	/* The day: the encounter's (?11), else the submission's in UTC+8. */
	[STMT_RESPONSE_INSERT] = "INSERT INTO resp (public_id, survey, version, channel, encounter, "
	                         "agency, domain, size, district, outcome, day, submitted_at, stored_at, "
	                         "nums) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	                         "coalesce(?11, " SQL_DAY_OF("date(?12, '+8 hours')", "NULL") "), "
	                         "?12, ?13, ?14)",
	[STMT_TEXT_INSERT] = "INSERT INTO answer_text (response, item, seq, text) VALUES (?, ?, ?, ?)",
	[STMT_RESPONSE_COUNT] = "SELECT count(*) FROM resp WHERE survey = " SURVEY_CODE("?1"),
	[STMT_ENCOUNTER_INSERT] = "INSERT INTO enc (code, agency, domain, size, district, day, outcome, "
	                          "registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_ENC_LOOKUP] = "SELECT id, agency, domain, size, district, outcome, day FROM enc "
	                    "WHERE code = ?",
	[STMT_ENCOUNTER_ANSWERED] = "SELECT channel, date(submitted_at, '+8 hours') FROM resp "
	                            "WHERE encounter = ?",
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
	/* The row and its hash in one statement: the previous row's hash is read
	 * under the write lock (audit.h). */
	[STMT_AUDIT_INSERT] = "INSERT INTO audit (id, at, actor, action, object, detail, hash) "
	    "SELECT n.id, n.at, ?1, ?2, ?3, ?4, audit_hash(n.prev, n.id, n.at, ?1, ?2, ?3, ?4) "
	    "FROM (SELECT coalesce(max(id), 0) + 1 AS id, strftime('%Y-%m-%dT%H:%M:%SZ','now') AS at, "
	    "(SELECT hash FROM audit ORDER BY id DESC LIMIT 1) AS prev FROM audit) n",
	[STMT_ENCOUNTER_UNINVITED] = "SELECT e.code FROM enc e WHERE NOT EXISTS "
	    "(SELECT 1 FROM invitation i WHERE i.encounter_id = e.code AND i.survey_id = ?) "
	    "AND NOT EXISTS (SELECT 1 FROM resp r WHERE r.encounter = e.id) ORDER BY e.code",
	[STMT_ENCOUNTER_FRAME] = "SELECT e.code, ca.text, cd.text, date(e.day * 86400, 'unixepoch') "
	    "FROM enc e JOIN code ca ON ca.id = e.agency JOIN code cd ON cd.id = e.domain "
	    "WHERE e.day >= " SQL_DAY_OF("?1", "-99999999") " AND e.day <= " SQL_DAY_OF("?2", "99999999")
	    " AND (?3 < 0 OR (e.size = (SELECT id FROM code WHERE kind = 'size' AND text = 'household')) = ?3)"
	    " ORDER BY ca.text, e.code",
	/* ?2 and ?3 are days (store_read.c binds them). */
	/* A period: one range of the covering index resp_period, in day order
	 * (store_read.c puts it in id order); every day: one pass over resp in
	 * id order ("+": no index, nothing to sort). */
	/* An excluded answer (followup_exclude) is read as if its row were gone. */
	[STMT_STATS_RESPONSES] = "SELECT " STATS_COLUMNS " FROM resp"
	    " WHERE survey = " SURVEY_CODE("?1") " AND day >= ?2 AND day <= ?3" NOT_EXCLUDED,
	[STMT_STATS_RESPONSES_ALL] = "SELECT " STATS_COLUMNS " FROM resp"
	    " WHERE +survey = " SURVEY_CODE("?1") NOT_EXCLUDED " ORDER BY id",
	/* The answers the statistics leave out (excluded), for their counts. */
	[STMT_STATS_EXCLUDED] = "SELECT " STATS_COLUMNS " FROM resp"
	    " WHERE survey = " SURVEY_CODE("?1") " AND day >= ?2 AND day <= ?3"
	    " AND EXISTS (SELECT 1 FROM exclusion x WHERE x.resp = resp.id) ORDER BY id",
	[STMT_STATS_CELLS] =
	    "SELECT encounter IS NOT NULL, agency, domain, size, count(*) FROM resp"
	    " WHERE survey = " SURVEY_CODE("?1") " AND day >= ?2 AND day <= ?3" NOT_EXCLUDED
	    " GROUP BY 1, 2, 3, 4",
	/* Summed by cell in store_read.c: cheaper than SQL's GROUP BY (a sort). */
	[STMT_STATS_COUNTS] = "SELECT agency, domain, size, n FROM population "
	    "WHERE day >= ?1 AND day <= ?2",
	/* "+": scan resp in id order rather than sort (memory stays flat). */
	[STMT_EXPORT_ROWS] = "SELECT " EXPORT_COLUMNS " FROM resp"
	    " WHERE +survey = " SURVEY_CODE("?1") " AND day >= ?2 AND day <= ?3 ORDER BY id",
	/* One page: the first ?8 responses after response ?2 that pass the
	 * filters (dictionary ids; NULL: any). */
	[STMT_EXPORT_PAGE] = "SELECT " EXPORT_COLUMNS " FROM resp"
	    " WHERE survey = " SURVEY_CODE("?1") " AND id > ?2"
	    " AND (?3 IS NULL OR agency = ?3) AND (?4 IS NULL OR domain = ?4)"
	    " AND (?5 IS NULL OR channel = ?5) AND day >= ?6 AND day <= ?7"
	    " AND (?9 IS NULL OR EXISTS (SELECT 1 FROM answer_text t WHERE t.response = resp.id"
	    "  AND t.item IN (SELECT value FROM json_each(?9)) AND t.text <> ''"
	    "  AND (?10 IS NULL OR instr(lower(t.text), lower(?10)) > 0)))"
	    " ORDER BY id LIMIT ?8",
	[STMT_EXPORT_TEXT] = "SELECT response, item, seq, text FROM answer_text "
	    "WHERE response >= ?1 AND response <= ?2 ORDER BY response, item, seq",
	[STMT_ITEM_TEXT] = "SELECT response, text FROM answer_text "
	    "WHERE response >= ?1 AND response <= ?2 AND item = ?3 ORDER BY response, seq",
	[STMT_RESPONSE_BY_PUBLIC] = "SELECT id FROM resp WHERE public_id = ? AND survey = " SURVEY_CODE("?2"),
	/* The newest answer's time: ids grow with the time they were stored. */
	[STMT_SURVEY_DATA_TIME] = "SELECT coalesce((SELECT strftime('%Y-%m-%dT%H:%M:%SZ', stored_at, "
	    "'unixepoch') FROM resp WHERE survey = " SURVEY_CODE("?1") " ORDER BY id DESC LIMIT 1),"
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
	/* With the audit head it carries (a stats publication's, the JSON report's stamp's). */
	[STMT_PUBLICATION_LIST] = "SELECT query, published_at, CASE WHEN json_valid(result) THEN "
	    "coalesce(json_extract(result, '$.audit_head.id'), json_extract(result, '$.stamp.audit_head.id')) END, "
	    "CASE WHEN json_valid(result) THEN coalesce(json_extract(result, '$.audit_head.hash'), "
	    "json_extract(result, '$.stamp.audit_head.hash')) END FROM publication "
	                          "WHERE survey_id = ? ORDER BY query, id",
	/* A query's versions are its publications in the order they were made. */
	[STMT_PUBLICATION_COUNT] = "SELECT count(*), max(published_at) FROM publication WHERE query = ?",
	[STMT_PUBLICATION_VERSION] = "SELECT result, published_at FROM publication WHERE query = ?1 "
	                             "ORDER BY id LIMIT 1 OFFSET ?2 - 1",
	[STMT_AGENCY_DOMAIN_CLEAR] = "DELETE FROM agency_domain",
	[STMT_AGENCY_DOMAIN_INSERT] = "INSERT INTO agency_domain (agency, domain) VALUES (?, ?)",
	[STMT_AGENCY_DOMAIN_ALLOWED] = "SELECT NOT EXISTS (SELECT 1 FROM agency_domain WHERE agency = ?1) "
	                               "OR EXISTS (SELECT 1 FROM agency_domain "
	                               "WHERE agency = ?1 AND domain = ?2)",
	[STMT_AGENCY_DOMAIN_LIST] = "SELECT agency, domain FROM agency_domain ORDER BY agency, domain",
	[STMT_CODE_LOAD] = "SELECT id, kind, text FROM code WHERE id > ? ORDER BY id",
	[STMT_CODE_ADD] = "INSERT INTO code (kind, text) VALUES (?, ?)",
	[STMT_SCALE_ITEMS] = "SELECT pos, item FROM survey_item WHERE survey = ? AND version = ? "
	                     "ORDER BY pos",
	/* The latest row stands: an encounter's outcome for a survey is replaced. */
	[STMT_DISPOSITION_PUT] = "INSERT INTO disposition (encounter, survey, outcome, attempts, "
	    "last_call_at) SELECT e.id, c.id, ?3, ?4, ?5 FROM enc e, code c WHERE e.code = ?1 "
	    "AND c.kind = 'survey' AND c.text = ?2 ON CONFLICT (encounter, survey) DO UPDATE SET "
	    "outcome = excluded.outcome, attempts = excluded.attempts, "
	    "last_call_at = excluded.last_call_at",
	/* The phone sample of survey ?1 counted by agency, answered or not, and outcome. */
	[STMT_FIELDWORK_CELLS] = "SELECT ca.text, EXISTS (SELECT 1 FROM resp r WHERE r.encounter = e.id"
	    " AND r.survey = " SURVEY_CODE("?1") "), d.outcome, count(*)"
	    " FROM (SELECT DISTINCT encounter_id FROM invitation WHERE survey_id = ?1"
	    " AND channel = 'phone') i JOIN enc e ON e.code = i.encounter_id"
	    " JOIN code ca ON ca.id = e.agency"
	    " LEFT JOIN disposition d ON d.encounter = e.id AND d.survey = " SURVEY_CODE("?1")
	    " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
	/* The fieldwork's progress in the period ?2..?3 (dates or NULL; encounters by their day,
	 * public answers by theirs): the frame by agency (?4: households or enterprises)... */
	[STMT_PROGRESS_FRAME] = "SELECT ca.text, sum(p.n) FROM population p JOIN code ca ON ca.id = p.agency"
	    " WHERE p.day >= " SQL_DAY_OF("?2", "-99999999") " AND p.day <= " SQL_DAY_OF("?3", "99999999")
	    " AND (p.size = (SELECT id FROM code WHERE kind = 'size' AND text = 'household')) = ?4"
	    " GROUP BY p.agency ORDER BY 1",
	/* ... the encounters invited to survey ?1, by channel, expired at ?4, with their
	 * disposition ... */
	[STMT_PROGRESS_INVITED] = "SELECT ca.text, e.id, i.channel, EXISTS (SELECT 1 FROM resp r"
	    " WHERE r.encounter = e.id AND r.survey = " SURVEY_CODE("?1") "), max(i.expires_at) <= ?4,"
	    " (SELECT d.outcome FROM disposition d WHERE d.encounter = e.id"
	    " AND d.survey = " SURVEY_CODE("?1") ")"
	    " FROM invitation i JOIN enc e ON e.code = i.encounter_id JOIN code ca ON ca.id = e.agency"
	    " WHERE i.survey_id = ?1 AND e.day >= " SQL_DAY_OF("?2", "-99999999")
	    " AND e.day <= " SQL_DAY_OF("?3", "99999999")
	    " GROUP BY e.id, i.channel ORDER BY e.id, i.channel",
	/* ... and its answers by agency, channel and day of submission (UTC+8). */
	[STMT_PROGRESS_ANSWERS] = "SELECT ca.text, cc.text, d, linked, n FROM (SELECT agency, channel,"
	    " " SQL_DAY_OF("date(submitted_at, '+8 hours')", "NULL") " AS d, encounter IS NOT NULL AS linked,"
	    " count(*) AS n FROM resp WHERE survey = " SURVEY_CODE("?1")
	    " AND day >= " SQL_DAY_OF("?2", "-99999999") " AND day <= " SQL_DAY_OF("?3", "99999999")
	    " GROUP BY 1, 2, 3, 4)"
	    " JOIN code ca ON ca.id = agency JOIN code cc ON cc.id = channel WHERE d IS NOT NULL"
	    " ORDER BY 1, 3",
	[STMT_POP_ADD] = "INSERT INTO population (day, agency, domain, size, n) VALUES (?, ?, ?, ?, ?) "
	                 "ON CONFLICT (day, agency, domain, size) DO UPDATE SET n = n + excluded.n",
	/* ?4 is the agency of an agency user, the reviewer code of a reviewer. */
	[STMT_USER_INSERT] = "INSERT INTO user_account (name, hash, role, agency, reviewer) VALUES (?1, ?2, "
	    "?3, CASE WHEN ?3 = 'agency' THEN ?4 END, CASE WHEN ?3 = 'reviewer' THEN ?4 END)",
	[STMT_USER_GET] = "SELECT hash, role, coalesce(agency, ''), coalesce(reviewer, '') FROM user_account "
	    "WHERE name = ?",
	[STMT_USER_DELETE] = "DELETE FROM user_account WHERE name = ?",
	[STMT_USER_LIST] = "SELECT u.name, u.role, coalesce(u.agency, u.reviewer, ''), "
	    "coalesce(a.name_zh, rv.name, ''), coalesce(a.name_en, rv.name, ''), u.created_at, "
	    "(SELECT count(*) FROM session s WHERE s.user_name = u.name AND s.expires_at > ?1) "
	    "FROM user_account u LEFT JOIN agency a ON a.code = u.agency "
	    "LEFT JOIN reviewer rv ON rv.code = u.reviewer ORDER BY u.name",
	[STMT_SESSION_INSERT] = "INSERT INTO session (hash, role, agency, user_name, key_id, "
	    "created_at, expires_at, reviewer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	/* A live session whose user is still there and whose key is not revoked. */
	[STMT_SESSION_GET] = "SELECT s.role, coalesce(s.agency, ''), coalesce(s.user_name, ''), "
	    "coalesce(s.key_id, ''), s.created_at, s.expires_at, coalesce(s.reviewer, '') "
	    "FROM session s WHERE s.hash = ?1 "
	    "AND s.expires_at > ?2 AND (s.key_id IS NULL OR EXISTS (SELECT 1 FROM api_key k "
	    "WHERE k.id = s.key_id AND k.revoked_at IS NULL))",
	[STMT_SESSION_DELETE] = "DELETE FROM session WHERE hash = ?",
	[STMT_SESSION_PURGE] = "DELETE FROM session WHERE expires_at <= ?",
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
enum store_err map_rc(int rc)
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
sqlite3_stmt *stmt_prepared(struct store *s, sqlite3_stmt **slot, const char *text)
{
	if (*slot == NULL &&
	    sqlite3_prepare_v3(s->db, text, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		/* SQL text is ours: a failure here is a programming error. */
		fprintf(stderr, "manyi: cannot prepare statement \"%.60s...\": %s\n", text,
		        sqlite3_errmsg(s->db));
		abort();
	}
	sqlite3_reset(*slot);
	sqlite3_clear_bindings(*slot);
	return *slot;
}

sqlite3_stmt *stmt_get(struct store *s, enum stmt id)
{
	return stmt_prepared(s, &s->stmt[id], sql[id]);
}

/* Bind text, or NULL when s is NULL. */
void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Copy column i as text into out (capacity n). */
void col_copy(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, n, "%s", t ? (const char *)t : "");
}

/* Run a statement that returns no rows. */
enum store_err step_done(sqlite3_stmt *st)
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
	int want = (int)store_migrations_n;
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
		if ((e = exec(s, store_migrations[i])) != STORE_OK) {
			snprintf(msg, msglen, "migration %d failed: %s", i + 1, store_errmsg(s));
			store_rollback(s);
			return e;
		}
		if ((e = store_migration_step(s, i + 1, msg, msglen)) != STORE_OK) {
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
	 * times) must not linger in free pages or the write-ahead log; the
	 * compact layout gives back the pages of the old tables. */
	if (have > 0 && ((have < MIGRATION_FORGET && want >= MIGRATION_FORGET) ||
	                 (have < MIGRATION_COMPACT && want >= MIGRATION_COMPACT)) &&
	    ((e = exec(s, "VACUUM")) != STORE_OK ||
	     (e = exec(s, "PRAGMA wal_checkpoint(TRUNCATE)")) != STORE_OK))
		snprintf(msg, msglen, "cannot compact the database after migrating to %d: %s",
		         want, store_errmsg(s));
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
	if (audit_sql_register(s->db) != SQLITE_OK) {
		snprintf(msg, msglen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
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

void store_tune(struct store *s, enum store_tune t)
{
	exec(s, t == STORE_TUNE_BULK ? "PRAGMA cache_size = -65536" : "PRAGMA cache_size = -2000");
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	/* Every module's table of kept statements (stmt_prepared). */
	sqlite3_stmt **const tables[] = {s->stmt, s->review_stmt, s->duty_stmt, s->followup_stmt,
	                                  s->integrity_stmt, s->fu_handle_stmt};
	const size_t sizes[] = {STMT__MAX, STORE_REVIEW_STMTS, STORE_DUTY_STMTS, STORE_FOLLOWUP_STMTS,
	                        STORE_INTEGRITY_STMTS, STORE_FU_HANDLE_STMTS};
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		for (size_t i = 0; i < sizes[t]; i++)
			sqlite3_finalize(tables[t][i]);
	sqlite3_close(s->db);
	store_forget(s);
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
	enum store_err e = pop_flush(s);
	if (e == STORE_OK && (e = exec(s, "COMMIT")) == STORE_OK)
		s->uncommitted = false;
	return e;
}

/* Drop the pending counts, and the caches when they may hold uncommitted rows. */
static void forget_uncommitted(struct store *s)
{
	free(s->pop.v);
	memset(&s->pop, 0, sizeof s->pop);
	if (s->uncommitted)
		store_forget(s);
	s->uncommitted = false;
}

/*
 * What a connection remembers of the database may be gone with the
 * transaction: the counts pending, and the dictionary entries and scale
 * items it added or read while writing.  A read's rollback (the export's,
 * the statistics') keeps the caches.  SQLite may have rolled back by
 * itself (an I/O error): the flag, not the transaction's state, says.
 */
void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
	forget_uncommitted(s);
}

enum store_err own_end(struct store *s, bool own, enum store_err e)
{
	if (!own)
		return e;
	if (e == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK)
		store_rollback(s);
	return e;
}

enum store_err store_savepoint(struct store *s)
{
	enum store_err e = pop_flush(s);
	return e != STORE_OK ? e : exec(s, "SAVEPOINT part");
}

enum store_err store_release(struct store *s)
{
	enum store_err e = pop_flush(s);
	return e != STORE_OK ? e : exec(s, "RELEASE part");
}

void store_rollback_to(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK TO part; RELEASE part");
	forget_uncommitted(s);
}

enum store_err store_registry_generation(struct store *s, long long *gen)
{
	sqlite3_stmt *st = stmt_get(s, STMT_META_GET);
	bind_text(st, 1, "registry_generation");
	int rc = sqlite3_step(st);
	*gen = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_data_version(struct store *s, long long *v)
{
	int n = 0;
	int rc = sqlite3_file_control(s->db, "main", SQLITE_FCNTL_DATA_VERSION, &n);
	*v = n;
	return map_rc(rc);
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

enum store_err store_begin_read(struct store *s)
{
	return exec(s, "BEGIN DEFERRED");
}
