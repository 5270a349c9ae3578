/* store — the schema: its numbered migrations; see include/store.h. */
#include "store_internal.h"

/*
 * The schema, one migration per entry; PRAGMA user_version counts how many
 * have been applied.  Never edit a released migration: add one.
 */
/* Triggers that count every change to registry table T in meta's
 * registry_generation. */
#define REGISTRY_BUMP_ON(T, OP) \
	"CREATE TRIGGER IF NOT EXISTS " T "_generation_" OP " AFTER " OP " ON " T " BEGIN " \
	"UPDATE meta SET value = value + 1 WHERE key = 'registry_generation'; END;"
#define REGISTRY_BUMP(T) \
	REGISTRY_BUMP_ON(T, "INSERT") REGISTRY_BUMP_ON(T, "UPDATE") REGISTRY_BUMP_ON(T, "DELETE")

const char *const store_migrations[] = {
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
	/* 7: the domains each agency enforces (none listed: any domain) */
	"CREATE TABLE agency_domain ("
	"  agency TEXT NOT NULL REFERENCES agency(code),"
	"  domain TEXT NOT NULL REFERENCES domain(code),"
	"  PRIMARY KEY (agency, domain)"
	") WITHOUT ROWID;",
	/* 8: a generation number of the registry, so that a cache of it (the
	 * forms' lists) knows when to read it again */
	"INSERT OR IGNORE INTO meta (key, value) VALUES ('registry_generation', 1);"
	REGISTRY_BUMP("agency") REGISTRY_BUMP("domain") REGISTRY_BUMP("agency_domain"),
};

const size_t store_migrations_n = ARRAY_SIZE(store_migrations);
