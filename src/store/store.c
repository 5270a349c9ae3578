/* store — see include/store.h: open, migrate, transactions, errors, settings. */
#include "store_internal.h"

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
	[STMT_AGENCY_DOMAIN_CLEAR] = "DELETE FROM agency_domain",
	[STMT_AGENCY_DOMAIN_INSERT] = "INSERT INTO agency_domain (agency, domain) VALUES (?, ?)",
	[STMT_AGENCY_DOMAIN_ALLOWED] = "SELECT NOT EXISTS (SELECT 1 FROM agency_domain WHERE agency = ?1) "
	                               "OR EXISTS (SELECT 1 FROM agency_domain "
	                               "WHERE agency = ?1 AND domain = ?2)",
	[STMT_AGENCY_DOMAIN_LIST] = "SELECT agency, domain FROM agency_domain ORDER BY agency, domain",
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
sqlite3_stmt *stmt_get(struct store *s, enum stmt id)
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

enum store_err store_savepoint(struct store *s)
{
	return exec(s, "SAVEPOINT part");
}

enum store_err store_release(struct store *s)
{
	return exec(s, "RELEASE part");
}

void store_rollback_to(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK TO part; RELEASE part");
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
