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

/* Days since 1970-01-01 of the date text D, in SQL. */
#define SQL_DAYS(D) "CAST(julianday(" D ") - 2440587.5 AS INTEGER)"
/* The dictionary id of text X of kind K, in SQL. */
#define CODE_ID(K, X) "(SELECT id FROM code WHERE kind = '" K "' AND text = " X ")"
/* The position of ITEM among the scale bytes of response RID, in SQL. */
#define ITEM_POS(RID, ITEM) \
	"(SELECT si.pos FROM resp r JOIN survey_item si ON si.survey = " \
	"(SELECT text FROM code WHERE id = r.survey) AND si.version = r.version " \
	"WHERE r.id = " RID " AND si.item = " ITEM ")"
/* resp.nums with byte P set to X (both SQL), zeros added as needed. */
#define PADDED(P) "CAST(coalesce(nums, X'') || zeroblob(max(0, " P " + 1 - length(coalesce(nums, X'')))) AS BLOB)"
#define SET_BYTE(P, X) \
	"CAST(substr(" PADDED(P) ", 1, " P ") || " X " || substr(" PADDED(P) ", " P " + 2) AS BLOB)"
/* Is answer row R (NEW or OLD) a scale answer: a value or n/a of a scale item? */
#define IS_SCALE(R) \
	"(" R ".text IS NULL AND ((" R ".num BETWEEN 1 AND 11) OR coalesce(" R ".na, 0) = 1) AND " \
	ITEM_POS(R ".response_id", R ".item") " IS NOT NULL)"
/* The text of dictionary id X, in SQL. */
#define CODE_TEXT(X) "(SELECT text FROM code WHERE id = " X ")"
/* The scale items of definition DEF (survey ID, version VER) as survey_item rows. */
#define SURVEY_ITEMS(ID, VER, DEF, FROM) \
	"INSERT INTO survey_item (survey, version, pos, item) SELECT " ID ", " VER ", " \
	"row_number() OVER (PARTITION BY " ID ", " VER " ORDER BY CAST(j.key AS INTEGER)) - 1, json_extract(j.value, '$.id')" \
	FROM " json_each(" DEF ", '$.items') j WHERE json_extract(j.value, '$.type') = 'scale'"

/*
 * Migration 12: case-file review (CONTRACT §6).  case_file is the case
 * registry (`manyi import cases`, POST /api/v1/cases); reviewer and
 * reviewer_conflict the panel and the agencies each member may not review;
 * review one rubric's scoring of one case by one reviewer: its total (the
 * sum of the points) and defects (how many major-defect flags say yes) are
 * kept beside the answers (a JSON object) so the figures read no JSON;
 * review_assignment the sample `manyi review sample` drew and whom each
 * file went to (round 1, and round 2 for a second, independent review).
 */
#define MIGRATION_CASE_REVIEW \
	"CREATE TABLE case_file (" \
	"  id INTEGER PRIMARY KEY," \
	"  code TEXT NOT NULL UNIQUE," \
	"  agency TEXT NOT NULL REFERENCES agency(code)," \
	"  domain TEXT NOT NULL REFERENCES domain(code)," \
	"  kind TEXT NOT NULL CHECK (kind IN ('penalty', 'coercion', 'inspection', 'licence', 'other'))," \
	"  decided_on TEXT NOT NULL," \
	"  enterprise INTEGER NOT NULL CHECK (enterprise IN (0, 1))," \
	"  outcome TEXT NOT NULL CHECK (outcome IN ('penalised', 'lighter', 'mitigated', 'exempted'," \
	"    'coercion_exempted', 'not_penalised', 'other'))," \
	"  registered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))" \
	");" \
	"CREATE INDEX case_file_agency ON case_file(agency, decided_on);" \
	"CREATE TABLE reviewer (" \
	"  code TEXT PRIMARY KEY," \
	"  name TEXT NOT NULL," \
	"  affiliation TEXT NOT NULL DEFAULT ''," \
	"  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))" \
	");" \
	"CREATE TABLE reviewer_conflict (" \
	"  reviewer TEXT NOT NULL REFERENCES reviewer(code)," \
	"  agency TEXT NOT NULL REFERENCES agency(code)," \
	"  PRIMARY KEY (reviewer, agency)" \
	") WITHOUT ROWID;" \
	"CREATE TABLE review (" \
	"  id INTEGER PRIMARY KEY," \
	"  case_file INTEGER NOT NULL REFERENCES case_file(id)," \
	"  reviewer TEXT NOT NULL REFERENCES reviewer(code)," \
	"  survey TEXT NOT NULL," \
	"  version INTEGER NOT NULL," \
	"  submitted_at TEXT NOT NULL," \
	"  total INTEGER NOT NULL CHECK (total >= 0)," \
	"  defects INTEGER NOT NULL CHECK (defects >= 0)," \
	"  answers TEXT NOT NULL," \
	"  stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  UNIQUE (case_file, reviewer, survey)," \
	"  FOREIGN KEY (survey, version) REFERENCES survey(id, version)" \
	");" \
	"CREATE INDEX review_survey ON review(survey, case_file);" \
	"CREATE TABLE review_assignment (" \
	"  case_file INTEGER NOT NULL REFERENCES case_file(id)," \
	"  survey TEXT NOT NULL," \
	"  reviewer TEXT NOT NULL REFERENCES reviewer(code)," \
	"  round INTEGER NOT NULL CHECK (round IN (1, 2))," \
	"  seed INTEGER NOT NULL," \
	"  assigned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  PRIMARY KEY (case_file, survey, round)," \
	"  UNIQUE (case_file, survey, reviewer)" \
	") WITHOUT ROWID;"

/*
 * Migration 13: case-file review through the web (issue 13).  Reviewers
 * sign in: user_account and session take the role "reviewer" and the
 * reviewer's code (SQLite cannot change a CHECK, so both tables are made
 * again, their rows and indexes kept; the sessions are held aside while
 * user_account, which they reference, is replaced).  review_assignment
 * takes round 3 (a third review assigned by adjudication).  review_draft
 * keeps a reviewer's unsubmitted answers (JSON, item: value as entered);
 * adjudication the evaluator's decision on a file whose reviews disagree:
 * a third review (kind "third", its reviewer) or a panel decision (kind
 * "panel": total and defect replace the file's).
 */
#define MIGRATION_REVIEW_WEB \
	"CREATE TABLE user_account_new (" \
	"  name TEXT PRIMARY KEY," \
	"  hash TEXT NOT NULL," \
	"  role TEXT NOT NULL CHECK (role IN ('evaluator','agency','reviewer'))," \
	"  agency TEXT REFERENCES agency(code)," \
	"  reviewer TEXT REFERENCES reviewer(code)," \
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  CHECK ((role = 'agency') = (agency IS NOT NULL))," \
	"  CHECK ((role = 'reviewer') = (reviewer IS NOT NULL))" \
	");" \
	"INSERT INTO user_account_new (name, hash, role, agency, created_at)" \
	"  SELECT name, hash, role, agency, created_at FROM user_account;" \
	"CREATE TABLE session_keep AS SELECT * FROM session;" \
	"DROP TABLE session;" \
	"DROP TABLE user_account;" \
	"ALTER TABLE user_account_new RENAME TO user_account;" \
	"CREATE TABLE session (" \
	"  hash BLOB PRIMARY KEY," \
	"  role TEXT NOT NULL CHECK (role IN ('evaluator','agency','reviewer'))," \
	"  agency TEXT REFERENCES agency(code)," \
	"  reviewer TEXT REFERENCES reviewer(code)," \
	"  user_name TEXT REFERENCES user_account(name) ON DELETE CASCADE," \
	"  key_id TEXT REFERENCES api_key(id)," \
	"  created_at INTEGER NOT NULL," \
	"  expires_at INTEGER NOT NULL," \
	"  CHECK ((role = 'agency') = (agency IS NOT NULL))," \
	"  CHECK ((role = 'reviewer') = (reviewer IS NOT NULL AND user_name IS NOT NULL))," \
	"  CHECK ((user_name IS NULL) != (key_id IS NULL))" \
	") WITHOUT ROWID;" \
	"INSERT INTO session (hash, role, agency, user_name, key_id, created_at, expires_at)" \
	"  SELECT hash, role, agency, user_name, key_id, created_at, expires_at FROM session_keep;" \
	"DROP TABLE session_keep;" \
	"CREATE INDEX session_expires ON session(expires_at);" \
	"CREATE INDEX session_user ON session(user_name);" \
	"CREATE TABLE review_assignment_new (" \
	"  case_file INTEGER NOT NULL REFERENCES case_file(id)," \
	"  survey TEXT NOT NULL," \
	"  reviewer TEXT NOT NULL REFERENCES reviewer(code)," \
	"  round INTEGER NOT NULL CHECK (round IN (1, 2, 3))," \
	"  seed INTEGER NOT NULL," \
	"  assigned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  PRIMARY KEY (case_file, survey, round)," \
	"  UNIQUE (case_file, survey, reviewer)" \
	") WITHOUT ROWID;" \
	"INSERT INTO review_assignment_new SELECT case_file, survey, reviewer, round, seed, assigned_at" \
	"  FROM review_assignment;" \
	"DROP TABLE review_assignment;" \
	"ALTER TABLE review_assignment_new RENAME TO review_assignment;" \
	"CREATE INDEX review_assignment_reviewer ON review_assignment(reviewer, survey);" \
	"CREATE TABLE review_draft (" \
	"  case_file INTEGER NOT NULL REFERENCES case_file(id)," \
	"  survey TEXT NOT NULL," \
	"  reviewer TEXT NOT NULL REFERENCES reviewer(code)," \
	"  answers TEXT NOT NULL," \
	"  saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  PRIMARY KEY (case_file, survey, reviewer)" \
	") WITHOUT ROWID;" \
	"CREATE TABLE adjudication (" \
	"  case_file INTEGER NOT NULL REFERENCES case_file(id)," \
	"  survey TEXT NOT NULL," \
	"  kind TEXT NOT NULL CHECK (kind IN ('third', 'panel'))," \
	"  reviewer TEXT REFERENCES reviewer(code)," \
	"  total INTEGER CHECK (total >= 0)," \
	"  defect INTEGER CHECK (defect IN (0, 1))," \
	"  note TEXT NOT NULL DEFAULT ''," \
	"  decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  PRIMARY KEY (case_file, survey)," \
	"  CHECK ((kind = 'third') = (reviewer IS NOT NULL))," \
	"  CHECK ((kind = 'panel') = (total IS NOT NULL AND defect IS NOT NULL))" \
	") WITHOUT ROWID;"

/*
 * Migration 14: the efficacy evaluation (CONTRACT §6, issue 14).  duty the
 * supervision duties of each agency (required: the actions required in a
 * year, 0 for none); performance the actions performed per duty and year
 * (records: the record ids, as given, "" when none; the latest import
 * stands); quality_score enforcement quality reviewed elsewhere (0-100,
 * its standard error and files); evaluation one row per `manyi evaluate`
 * run, its options and JSON kept, the latest per year standing.
 */
#define MIGRATION_EFFICACY \
	"CREATE TABLE duty (" \
	"  code TEXT PRIMARY KEY," \
	"  agency TEXT NOT NULL REFERENCES agency(code)," \
	"  domain TEXT NOT NULL REFERENCES domain(code)," \
	"  name TEXT NOT NULL," \
	"  basis TEXT NOT NULL," \
	"  required INTEGER NOT NULL CHECK (required >= 0)" \
	");" \
	"CREATE INDEX duty_agency ON duty(agency);" \
	"CREATE TABLE performance (" \
	"  duty TEXT NOT NULL REFERENCES duty(code)," \
	"  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999)," \
	"  performed INTEGER NOT NULL CHECK (performed >= 0)," \
	"  records TEXT NOT NULL DEFAULT ''," \
	"  PRIMARY KEY (duty, year)" \
	") WITHOUT ROWID;" \
	"CREATE TABLE quality_score (" \
	"  year INTEGER NOT NULL," \
	"  agency TEXT NOT NULL REFERENCES agency(code)," \
	"  score REAL NOT NULL CHECK (score BETWEEN 0 AND 100)," \
	"  se REAL NOT NULL CHECK (se >= 0)," \
	"  n INTEGER NOT NULL CHECK (n >= 0)," \
	"  PRIMARY KEY (year, agency)" \
	") WITHOUT ROWID;" \
	"CREATE TABLE evaluation (" \
	"  id INTEGER PRIMARY KEY," \
	"  year INTEGER NOT NULL," \
	"  weights TEXT NOT NULL," \
	"  bands TEXT NOT NULL," \
	"  seed INTEGER NOT NULL," \
	"  weighting TEXT NOT NULL," \
	"  measure TEXT NOT NULL," \
	"  result TEXT NOT NULL," \
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))" \
	");" \
	"CREATE INDEX evaluation_year ON evaluation(year, id);"

/*
 * Migration 15: closing the loop (issue 15) — the working-day calendar,
 * officers and the encounters' officers, follow-up cases of bad ratings,
 * exclusions from the statistics, complaints.  Dates are 'YYYY-MM-DD'
 * (UTC+8); an action's time is 'YYYY-MM-DDTHH:MM:SSZ'.  Nothing here
 * names an address, a device or a respondent: a follow-up case points at
 * its response, and the call-back phone number is stored only encrypted.
 */
#define MIGRATION_LOOP \
	"CREATE TABLE calendar_day (" \
	"  date TEXT PRIMARY KEY CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')," \
	"  kind TEXT NOT NULL CHECK (kind IN ('holiday','workday'))," \
	"  name TEXT NOT NULL DEFAULT ''" \
	") WITHOUT ROWID;" \
	"CREATE TABLE calendar_year (" \
	"  year INTEGER PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999)," \
	"  source TEXT NOT NULL" \
	");" \
	"CREATE TABLE officer (" \
	"  cert_no TEXT PRIMARY KEY," \
	"  name TEXT NOT NULL," \
	"  agency TEXT NOT NULL REFERENCES agency(code)," \
	"  status TEXT NOT NULL CHECK (status IN ('valid','suspended','revoked'))," \
	"  valid_until TEXT NOT NULL," \
	"  category TEXT NOT NULL DEFAULT ''," \
	"  area TEXT NOT NULL DEFAULT ''," \
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))" \
	") WITHOUT ROWID;" \
	"CREATE INDEX officer_name ON officer(name);" \
	"CREATE INDEX officer_agency ON officer(agency);" \
	"CREATE TABLE enc_officer (" \
	"  enc INTEGER NOT NULL REFERENCES enc(id)," \
	"  cert_no TEXT NOT NULL REFERENCES officer(cert_no)," \
	"  seq INTEGER NOT NULL DEFAULT 0," \
	"  PRIMARY KEY (enc, cert_no)" \
	") WITHOUT ROWID;" \
	"CREATE INDEX enc_officer_cert ON enc_officer(cert_no);" \
	"CREATE TABLE followup (" \
	"  id INTEGER PRIMARY KEY," \
	"  code TEXT NOT NULL UNIQUE," \
	"  resp INTEGER NOT NULL UNIQUE REFERENCES resp(id)," \
	"  agency TEXT NOT NULL REFERENCES agency(code)," \
	"  survey TEXT NOT NULL," \
	"  reason TEXT NOT NULL," \
	"  opened_on TEXT NOT NULL," \
	"  reply_due TEXT," \
	"  rectify_due TEXT," \
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN " \
	"    ('open','replied','returned','accepted','appealed','excluded','closed'))," \
	"  closed_on TEXT," \
	"  rater_code BLOB UNIQUE" \
	");" \
	"CREATE INDEX followup_agency ON followup(agency, state);" \
	"CREATE TABLE followup_event (" \
	"  id INTEGER PRIMARY KEY," \
	"  followup INTEGER NOT NULL REFERENCES followup(id)," \
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  actor TEXT NOT NULL," \
	"  kind TEXT NOT NULL CHECK (kind IN ('reply','review','callback','decision','rating','close'))," \
	"  action TEXT NOT NULL," \
	"  rectify_by TEXT," \
	"  satisfaction TEXT CHECK (satisfaction IN ('satisfied','basic','dissatisfied'))," \
	"  score INTEGER CHECK (score BETWEEN 1 AND 11)," \
	"  note TEXT NOT NULL DEFAULT ''" \
	");" \
	"CREATE INDEX followup_event_case ON followup_event(followup, id);" \
	"CREATE TABLE followup_contact (" \
	"  followup INTEGER PRIMARY KEY REFERENCES followup(id)," \
	"  sealed BLOB NOT NULL," \
	"  purge_after TEXT" \
	");" \
	"CREATE TABLE exclusion (" \
	"  resp INTEGER PRIMARY KEY REFERENCES resp(id)," \
	"  source TEXT NOT NULL CHECK (source IN ('appeal','integrity'))," \
	"  reason TEXT NOT NULL," \
	"  decided_by TEXT NOT NULL," \
	"  decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))" \
	");" \
	"CREATE TABLE complaint_category (" \
	"  code TEXT PRIMARY KEY," \
	"  version INTEGER NOT NULL DEFAULT 1," \
	"  national INTEGER CHECK (national BETWEEN 1 AND 3)," \
	"  name_zh TEXT NOT NULL," \
	"  name_en TEXT NOT NULL," \
	"  discipline INTEGER NOT NULL DEFAULT 0 CHECK (discipline IN (0, 1))," \
	"  position INTEGER NOT NULL DEFAULT 0," \
	"  retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))" \
	") WITHOUT ROWID;" \
	"CREATE TABLE complaint (" \
	"  id INTEGER PRIMARY KEY," \
	"  code TEXT NOT NULL UNIQUE," \
	"  track_hash BLOB NOT NULL UNIQUE," \
	"  agency TEXT NOT NULL REFERENCES agency(code)," \
	"  officer TEXT REFERENCES officer(cert_no)," \
	"  officer_text TEXT NOT NULL DEFAULT ''," \
	"  category TEXT NOT NULL REFERENCES complaint_category(code)," \
	"  happened_on TEXT," \
	"  place TEXT NOT NULL DEFAULT ''," \
	"  what TEXT NOT NULL," \
	"  anonymous INTEGER NOT NULL DEFAULT 1 CHECK (anonymous IN (0, 1))," \
	"  contact_sealed BLOB," \
	"  filed_on TEXT NOT NULL," \
	"  state TEXT NOT NULL DEFAULT 'received' CHECK (state IN " \
	"    ('received','accepted','forwarded','answered','transferred','rejected','closed'))," \
	"  due TEXT" \
	");" \
	"CREATE INDEX complaint_state ON complaint(state, agency);" \
	"CREATE TABLE complaint_event (" \
	"  id INTEGER PRIMARY KEY," \
	"  complaint INTEGER NOT NULL REFERENCES complaint(id)," \
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))," \
	"  actor TEXT NOT NULL," \
	"  action TEXT NOT NULL CHECK (action IN " \
	"    ('accept','forward','answer','transfer','reject','close','note'))," \
	"  receiver TEXT NOT NULL DEFAULT ''," \
	"  due TEXT," \
	"  note TEXT NOT NULL DEFAULT ''" \
	");" \
	"CREATE INDEX complaint_event_case ON complaint_event(complaint, id);"

/*
 * Migration 18: the complaint categories shipped (version 1): the kinds of misconduct the
 * Justice Bureau transfers to the discipline inspection commission
 * (discipline 1, with the national category of the 2019 rules that usually
 * fits: 1 Party discipline, 2 duty-related illegality, 3 duty-related
 * crime), and "other".  `manyi complaint categories load` replaces them.
 */
#define MIGRATION_COMPLAINT_CATEGORIES \
	"INSERT INTO complaint_category (code, version, national, name_zh, name_en, discipline, position) VALUES " \
	"('procedure', 1, 2, '违反法定程序执法', 'Breaking legal procedure', 1, 1)," \
	"('rough', 1, 2, '粗暴、野蛮或暴力执法', 'Rough or violent enforcement', 1, 2)," \
	"('selective', 1, 2, '选择性执法', 'Selective enforcement', 1, 3)," \
	"('benefits', 1, 1, '吃拿卡要（索取、收受利益）', 'Demanding or accepting benefits', 1, 4)," \
	"('no_certificate', 1, 2, '无证执法', 'Enforcing without a certificate', 1, 5)," \
	"('profit', 1, 2, '逐利执法（罚没指标、钓鱼执法）', 'Profit-driven enforcement (fine quotas, entrapment)', 1, 6)," \
	"('inaction', 1, 2, '执法不作为', 'Inaction', 1, 7)," \
	"('other', 1, NULL, '其他', 'Other', 0, 8);"

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
	/*
	 * 9: the compact layout (issue: statistics in one pass over compact
	 * rows).  Short texts that repeat — survey ids, registry codes, sizes,
	 * districts, outcomes, channels — become small integers through the
	 * dictionary `code`; days are integers (days since 1970-01-01); an
	 * answer's scale items are one byte each in `resp.nums`, in the order
	 * of the version's scale items (`survey_item`); choice, multi and text
	 * answers go to `answer_text`; `population` counts the registry by
	 * (day, agency, domain, size) as encounters are registered.  The old
	 * tables' names become views with their old columns, for people
	 * reading the file with sqlite3.  This part copies; store_migrate.c
	 * packs the scale answers and then runs store_migration_9_finish.
	 */
	"CREATE TABLE code ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  UNIQUE (kind, text)"
	");"
	"INSERT INTO code (kind, text) SELECT 'agency', code FROM agency ORDER BY code;"
	"INSERT INTO code (kind, text) SELECT 'domain', code FROM domain ORDER BY code;"
	"INSERT INTO code (kind, text) VALUES ('size', 'large'), ('size', 'medium'), ('size', 'small'),"
	"  ('size', 'micro'), ('size', 'household');"
	"INSERT OR IGNORE INTO code (kind, text) SELECT DISTINCT 'survey', id FROM survey ORDER BY id;"
	"INSERT OR IGNORE INTO code (kind, text) SELECT DISTINCT 'channel', channel FROM response;"
	"INSERT OR IGNORE INTO code (kind, text) SELECT DISTINCT 'size', size FROM response WHERE size IS NOT NULL;"
	"INSERT OR IGNORE INTO code (kind, text) SELECT DISTINCT 'district', district FROM encounter;"
	"INSERT OR IGNORE INTO code (kind, text) SELECT DISTINCT 'outcome', outcome FROM encounter "
	"  WHERE outcome IS NOT NULL;"
	"CREATE TRIGGER agency_code AFTER INSERT ON agency BEGIN "
	"  INSERT OR IGNORE INTO code (kind, text) VALUES ('agency', NEW.code); END;"
	"CREATE TRIGGER domain_code AFTER INSERT ON domain BEGIN "
	"  INSERT OR IGNORE INTO code (kind, text) VALUES ('domain', NEW.code); END;"
	"CREATE TABLE survey_item ("
	"  survey TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  pos INTEGER NOT NULL,"
	"  item TEXT NOT NULL,"
	"  PRIMARY KEY (survey, version, pos)"
	") WITHOUT ROWID;"
	SURVEY_ITEMS("s.id", "s.version", "s.definition", " FROM survey s,") ";"
	"CREATE TRIGGER survey_items AFTER INSERT ON survey BEGIN "
	SURVEY_ITEMS("NEW.id", "NEW.version", "NEW.definition", " FROM") ";"
	"  INSERT OR IGNORE INTO code (kind, text) VALUES ('survey', NEW.id); END;"
	"CREATE TABLE enc ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  agency INTEGER NOT NULL,"
	"  domain INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  district INTEGER NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  outcome INTEGER,"
	"  registered_at INTEGER NOT NULL"
	");"
	"INSERT INTO enc (code, agency, domain, size, district, day, outcome, registered_at)"
	"  SELECT e.id, ca.id, cd.id, cz.id, ct.id, " SQL_DAYS("e.occurred_on") ", co.id,"
	"  CAST(strftime('%s', e.registered_at) AS INTEGER)"
	"  FROM encounter e JOIN code ca ON ca.kind = 'agency' AND ca.text = e.agency"
	"  JOIN code cd ON cd.kind = 'domain' AND cd.text = e.domain"
	"  JOIN code cz ON cz.kind = 'size' AND cz.text = e.size"
	"  JOIN code ct ON ct.kind = 'district' AND ct.text = e.district"
	"  LEFT JOIN code co ON co.kind = 'outcome' AND co.text = e.outcome"
	"  ORDER BY e.rowid;"
	"CREATE TABLE population ("
	"  day INTEGER NOT NULL,"
	"  agency INTEGER NOT NULL,"
	"  domain INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (day, agency, domain, size)"
	") WITHOUT ROWID;"
	"INSERT INTO population SELECT day, agency, domain, size, count(*) FROM enc "
	"  GROUP BY day, agency, domain, size;"
	"CREATE TABLE resp ("
	"  id INTEGER PRIMARY KEY,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  survey INTEGER NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  channel INTEGER NOT NULL,"
	"  encounter INTEGER UNIQUE,"
	"  agency INTEGER NOT NULL,"
	"  domain INTEGER NOT NULL,"
	"  size INTEGER,"
	"  district INTEGER,"
	"  outcome INTEGER,"
	"  day INTEGER NOT NULL,"
	"  submitted_at TEXT NOT NULL,"
	"  stored_at INTEGER NOT NULL,"
	"  nums BLOB"
	");"
	"INSERT INTO resp (id, public_id, survey, version, channel, encounter, agency, domain, size,"
	"  district, outcome, day, submitted_at, stored_at)"
	"  SELECT r.id, r.public_id, cs.id, r.survey_version, cc.id, e.id, ca.id, cd.id,"
	"  coalesce(e.size, cz.id), e.district, e.outcome,"
	"  coalesce(e.day, " SQL_DAYS("date(r.submitted_at, '+8 hours')") "), r.submitted_at,"
	"  CAST(strftime('%s', r.stored_at) AS INTEGER)"
	"  FROM response r JOIN code cs ON cs.kind = 'survey' AND cs.text = r.survey_id"
	"  JOIN code cc ON cc.kind = 'channel' AND cc.text = r.channel"
	"  JOIN code ca ON ca.kind = 'agency' AND ca.text = r.agency"
	"  JOIN code cd ON cd.kind = 'domain' AND cd.text = r.domain"
	"  LEFT JOIN code cz ON cz.kind = 'size' AND cz.text = r.size"
	"  LEFT JOIN enc e ON e.code = r.encounter_id;"
	"CREATE TABLE answer_text ("
	"  response INTEGER NOT NULL,"
	"  item TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  text TEXT,"
	"  PRIMARY KEY (response, item, seq)"
	") WITHOUT ROWID;"
	"INSERT INTO answer_text SELECT response_id, item, seq, text FROM answer "
	"  WHERE num IS NULL AND na = 0;",
	/*
	 * 10: the outcome of each phone case (CONTRACT §6, dispositions): one
	 * row per encounter (enc.id) and survey (its dictionary id), the
	 * latest imported standing; last_call_at in UTC.
	 */
	"CREATE TABLE disposition ("
	"  encounter INTEGER NOT NULL,"
	"  survey INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('complete', 'partial', 'refusal', 'non_contact',"
	"    'other', 'unknown', 'ineligible')),"
	"  attempts INTEGER NOT NULL CHECK (attempts >= 0),"
	"  last_call_at TEXT NOT NULL,"
	"  PRIMARY KEY (encounter, survey)"
	") WITHOUT ROWID;",
	/*
	 * 11: people who sign in (manyi user; the password as an Argon2id hash
	 * string) and their sessions: the BLAKE2b-256 hash of the cookie's
	 * token (never the token), who it speaks for (a user or a key, with
	 * that one's role and agency) and its times, in seconds since 1970.
	 * Staff only: nothing here names a respondent or an address.
	 */
	"CREATE TABLE user_account ("
	"  name TEXT PRIMARY KEY,"
	"  hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('evaluator','agency')),"
	"  agency TEXT REFERENCES agency(code),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  CHECK ((role = 'agency') = (agency IS NOT NULL))"
	");"
	"CREATE TABLE session ("
	"  hash BLOB PRIMARY KEY,"
	"  role TEXT NOT NULL CHECK (role IN ('evaluator','agency')),"
	"  agency TEXT REFERENCES agency(code),"
	"  user_name TEXT REFERENCES user_account(name) ON DELETE CASCADE,"
	"  key_id TEXT REFERENCES api_key(id),"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  CHECK ((role = 'agency') = (agency IS NOT NULL)),"
	"  CHECK ((user_name IS NULL) != (key_id IS NULL))"
	") WITHOUT ROWID;"
	"CREATE INDEX session_expires ON session(expires_at);"
	"CREATE INDEX session_user ON session(user_name);",
	/* 12: case-file review. */
	MIGRATION_CASE_REVIEW,
	/* 13: reviewers who sign in, drafts, third reviews, adjudication. */
	MIGRATION_REVIEW_WEB,
	/* 14: duties, performance, imported quality scores, evaluations. */
	MIGRATION_EFFICACY,
	/* 15: calendar, officers, follow-up cases, exclusions, complaints. */
	MIGRATION_LOOP,
	/* 16: the working-day calendar 2022-2026 (calendar.c). */
	store_migration_calendar,
	/* 17: an answer deleted by hand takes its follow-up case, events,
	 * sealed contact and exclusion with it: a resp id can come back (no
	 * AUTOINCREMENT), and a stale case would refuse the new answer. */
	"CREATE TRIGGER resp_delete_followup AFTER DELETE ON resp BEGIN"
	"  DELETE FROM followup_contact WHERE followup IN (SELECT id FROM followup WHERE resp = OLD.id);"
	"  DELETE FROM followup_event WHERE followup IN (SELECT id FROM followup WHERE resp = OLD.id);"
	"  DELETE FROM followup WHERE resp = OLD.id;"
	"  DELETE FROM exclusion WHERE resp = OLD.id;"
	"END;",
	/* 18: the default complaint categories (DOMAIN.md §3; `manyi complaint categories load`). */
	MIGRATION_COMPLAINT_CATEGORIES,
	/* 19: the audit chain and the answers' day roots (audit.c). */
	store_migration_audit,
	/* 20: integrity flags, agencies' own networks, the queue's decisions (integrity.c). */
	store_migration_integrity,
};

const size_t store_migrations_n = ARRAY_SIZE(store_migrations);

/*
 * Migration 9, after store_migrate.c has packed the scale answers: the old
 * tables go (invitation is rebuilt without its reference to the old
 * encounter table) and their names come back as views.
 */
const char *const store_migration_9_finish =
	"CREATE TABLE invitation_new ("
	"  hash BLOB PRIMARY KEY,"
	"  survey_id TEXT NOT NULL,"
	"  encounter_id TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER"
	") WITHOUT ROWID;"
	"INSERT INTO invitation_new SELECT * FROM invitation;"
	"DROP TABLE answer;"
	"DROP TABLE invitation;"
	"ALTER TABLE invitation_new RENAME TO invitation;"
	"CREATE INDEX invitation_encounter ON invitation(encounter_id);"
	"DROP TABLE response;"
	"DROP TABLE encounter;"
	/* A period's answers: every column the statistics read, so a period
	 * is one range of this index and never a lookup in resp. */
	"CREATE INDEX resp_period ON resp(survey, day, agency, domain, size, district, outcome,"
	"  channel, version, encounter, nums);"
	"CREATE VIEW encounter AS SELECT e.code AS id, " CODE_TEXT("e.agency") " AS agency, "
	CODE_TEXT("e.domain") " AS domain, " CODE_TEXT("e.size") " AS size, "
	CODE_TEXT("e.district") " AS district, date(e.day * 86400, 'unixepoch') AS occurred_on, "
	CODE_TEXT("e.outcome") " AS outcome, "
	"strftime('%Y-%m-%dT%H:%M:%SZ', e.registered_at, 'unixepoch') AS registered_at FROM enc e;"
	"CREATE VIEW response AS SELECT r.id, r.public_id, " CODE_TEXT("r.survey") " AS survey_id, "
	"r.version AS survey_version, " CODE_TEXT("r.channel") " AS channel, "
	"(SELECT code FROM enc WHERE id = r.encounter) AS encounter_id, "
	CODE_TEXT("r.agency") " AS agency, " CODE_TEXT("r.domain") " AS domain, "
	CODE_TEXT("r.size") " AS size, r.submitted_at, "
	"strftime('%Y-%m-%dT%H:%M:%SZ', r.stored_at, 'unixepoch') AS stored_at FROM resp r;"
	/* A scale byte is 1..11 (the value), 255 (not applicable) or 0 (missing). */
	"CREATE VIEW answer AS "
	"SELECT r.id AS response_id, si.item, 0 AS seq,"
	"  nullif(instr(X'0102030405060708090A0B', substr(r.nums, si.pos + 1, 1)), 0) AS num,"
	"  NULL AS text, substr(r.nums, si.pos + 1, 1) = X'FF' AS na"
	"  FROM resp r JOIN survey_item si ON si.survey = " CODE_TEXT("r.survey")
	"  AND si.version = r.version"
	"  WHERE length(r.nums) > si.pos AND substr(r.nums, si.pos + 1, 1) != X'00' "
	"UNION ALL SELECT response, item, seq, NULL, text, 0 FROM answer_text;"
	/*
	 * The views take writes as the tables did, for a person correcting
	 * data by hand (and the tests that plant bad data): a scale answer
	 * sets its byte, anything else is a row of answer_text.
	 */
	"CREATE TRIGGER answer_insert INSTEAD OF INSERT ON answer BEGIN "
	"  UPDATE resp SET nums = " SET_BYTE(ITEM_POS("NEW.response_id", "NEW.item"),
	                                    "CASE WHEN NEW.na THEN X'FF' ELSE CAST(char(NEW.num) AS BLOB) END")
	"    WHERE id = NEW.response_id AND " IS_SCALE("NEW") ";"
	"  INSERT INTO answer_text (response, item, seq, text) SELECT NEW.response_id, NEW.item,"
	"    coalesce(NEW.seq, 0), coalesce(NEW.text, CAST(NEW.num AS TEXT))"
	"    WHERE NOT " IS_SCALE("NEW") ";"
	"END;"
	"CREATE TRIGGER answer_delete INSTEAD OF DELETE ON answer BEGIN "
	"  DELETE FROM answer_text WHERE response = OLD.response_id AND item = OLD.item AND seq = OLD.seq;"
	"  UPDATE resp SET nums = " SET_BYTE(ITEM_POS("OLD.response_id", "OLD.item"), "X'00'")
	"    WHERE id = OLD.response_id AND " IS_SCALE("OLD") ";"
	"END;"
	"CREATE TRIGGER answer_update INSTEAD OF UPDATE ON answer BEGIN "
	"  DELETE FROM answer WHERE response_id = OLD.response_id AND item = OLD.item AND seq = OLD.seq;"
	"  INSERT INTO answer (response_id, item, seq, num, text, na) VALUES (NEW.response_id, NEW.item,"
	"    NEW.seq, NEW.num, NEW.text, NEW.na);"
	"END;"
	"CREATE TRIGGER response_insert INSTEAD OF INSERT ON response BEGIN "
	"  INSERT OR IGNORE INTO code (kind, text) VALUES ('survey', NEW.survey_id),"
	"    ('channel', NEW.channel);"
	"  INSERT OR IGNORE INTO code (kind, text) SELECT 'size', NEW.size WHERE NEW.size IS NOT NULL;"
	"  INSERT INTO resp (id, public_id, survey, version, channel, encounter, agency, domain, size,"
	"    district, outcome, day, submitted_at, stored_at)"
	"    SELECT NEW.id, NEW.public_id, " CODE_ID("survey", "NEW.survey_id") ", NEW.survey_version, "
	CODE_ID("channel", "NEW.channel") ", e.id, " CODE_ID("agency", "NEW.agency") ", "
	CODE_ID("domain", "NEW.domain") ", coalesce(e.size, " CODE_ID("size", "NEW.size") "),"
	"    e.district, e.outcome, coalesce(e.day, " SQL_DAYS("date(NEW.submitted_at, '+8 hours')") "),"
	"    NEW.submitted_at, coalesce(CAST(strftime('%s', NEW.stored_at) AS INTEGER),"
	"    CAST(strftime('%s', 'now') AS INTEGER))"
	"    FROM (SELECT 1) LEFT JOIN enc e ON e.code = NEW.encounter_id;"
	"END;"
	"CREATE TRIGGER response_delete INSTEAD OF DELETE ON response BEGIN "
	"  DELETE FROM answer_text WHERE response = OLD.id;"
	"  DELETE FROM resp WHERE id = OLD.id;"
	"END;"
	"CREATE TRIGGER encounter_insert INSTEAD OF INSERT ON encounter BEGIN "
	"  INSERT OR IGNORE INTO code (kind, text) VALUES ('size', NEW.size), ('district', NEW.district);"
	"  INSERT OR IGNORE INTO code (kind, text) SELECT 'outcome', NEW.outcome WHERE NEW.outcome IS NOT NULL;"
	"  INSERT INTO enc (code, agency, domain, size, district, day, outcome, registered_at) VALUES ("
	"    NEW.id, " CODE_ID("agency", "NEW.agency") ", " CODE_ID("domain", "NEW.domain") ", "
	CODE_ID("size", "NEW.size") ", " CODE_ID("district", "NEW.district") ", "
	SQL_DAYS("NEW.occurred_on") ", " CODE_ID("outcome", "NEW.outcome") ","
	"    CAST(strftime('%s', coalesce(NEW.registered_at, 'now')) AS INTEGER));"
	"  INSERT INTO population (day, agency, domain, size, n) SELECT day, agency, domain, size, 1"
	"    FROM enc WHERE code = NEW.id"
	"    ON CONFLICT (day, agency, domain, size) DO UPDATE SET n = n + 1;"
	"END;";
