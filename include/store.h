/*
 * store — the SQLite database: schema and its numbered migrations, and every
 * SQL statement manyi runs (one table, indexed by enum stmt, each prepared
 * once per connection on first use).
 *
 * One struct store is one connection; use one per thread.  The database
 * runs in WAL mode with synchronous=FULL, so a transaction that returned
 * from store_commit() survives a crash of the process and a power loss.
 * Writes that belong together run in one BEGIN IMMEDIATE transaction.
 *
 * Laid out for analysis: a response is one compact row — registry codes,
 * sizes, channels and survey ids as small integers through a dictionary,
 * its day as an integer, its scale answers one byte each in the order of
 * the version's scale items — and choice, multi and text answers are rows
 * of their own (one per chosen option for multi items).  The registry's
 * encounters are counted by (day, agency, domain, size) as they are
 * registered, so weighting never scans the registry.  Views named as the
 * tables of earlier releases (response, encounter, answer) show the rows
 * with their texts, for people reading the file with sqlite3.
 *
 * No time the server records about an answer is finer than STORE_TIME_GRAIN:
 * an answer's submitted_at and stored_at when it comes over the network, an
 * invitation's used_at, a form render's answered mark.  So no stored time
 * can be matched to a request in a log (times given by an import, such as a
 * phone interview's, are kept as given).  Deleted rows are overwritten
 * (PRAGMA secure_delete).
 */
#ifndef MANYI_STORE_H
#define MANYI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey.h"

struct store;
struct sqlite3_stmt;

/*
 * How long a statement waits for another connection's lock before it fails
 * with STORE_ERR_BUSY, in milliseconds; $MANYI_BUSY_TIMEOUT_MS (1..600000),
 * read at store_open(), overrides it (the tests set it short).
 */
#define STORE_BUSY_TIMEOUT_MS 10000

/* The grain, in seconds, of every time stored about an answer: the hour. */
#define STORE_TIME_GRAIN 3600

enum store_err {
	STORE_OK,
	STORE_ERR_OPEN,       /* cannot open or create the file */
	STORE_ERR_SCHEMA,     /* the file is not a manyi database, or is newer */
	STORE_ERR_BUSY,       /* locked by another writer past the timeout */
	STORE_ERR_CONSTRAINT, /* a uniqueness or foreign key rule */
	STORE_ERR_NOTFOUND,
	STORE_ERR_SQL,        /* anything else; store_errmsg() has SQLite's text */
	STORE_ERR__MAX
};

const char *store_strerror(enum store_err e);
/* SQLite's last message for this connection (for logs, never for clients). */
const char *store_errmsg(const struct store *s);

/*
 * Open (creating if missing when create is set) and bring the schema up to
 * date.  On failure *out is NULL and msg holds the reason.  Caller closes
 * with store_close().
 */
enum store_err store_open(const char *path, bool create, struct store **out,
                          char *msg, size_t msglen);
/*
 * How a connection uses memory.  STORE_TUNE_SERVE (what store_open()
 * gives): SQLite's default page cache (2 MiB), for the server's many
 * connections and short transactions, and for the statistics and the
 * export, which read each page once.  STORE_TUNE_BULK (the imports of
 * encounters and answers): a 64 MiB page cache, so that a million inserts
 * into the indexes (public ids are random) find their pages in memory.
 * Nothing is memory-mapped, so a read costs no more than the pages it
 * touches.
 */
enum store_tune { STORE_TUNE_SERVE, STORE_TUNE_BULK };
void store_tune(struct store *s, enum store_tune t);

/* Finalize every statement and close.  Accepts NULL. */
void store_close(struct store *s);
/* The schema version of an open store (number of migrations applied). */
enum store_err store_schema_version(struct store *s, int *version);
/* STORE_OK when the database answers a trivial query. */
enum store_err store_ping(struct store *s);

enum store_err store_begin(struct store *s);    /* BEGIN IMMEDIATE */
enum store_err store_commit(struct store *s);
void store_rollback(struct store *s);           /* no-op outside a transaction */

/*
 * A part of a transaction that can be undone alone (SAVEPOINT): the group
 * commit runs each answer of a batch as one, so a refused answer leaves
 * the others of its transaction in place.  Parts do not nest.
 */
enum store_err store_savepoint(struct store *s);
enum store_err store_release(struct store *s);  /* keep the part's writes */
void store_rollback_to(struct store *s);        /* undo them, and end the part */

/*
 * A number that changes whenever the registry (agencies, domains, the
 * domains each agency enforces) changes, by any connection: a cache of the
 * registry is good while it stays the same.
 */
enum store_err store_registry_generation(struct store *s, long long *gen);
/*
 * A number that changes when another connection has committed, as this
 * connection last saw it: SQLite refreshes it when this connection starts
 * a read (SQLITE_FCNTL_DATA_VERSION; no query of its own).  Cheaper than
 * the generation, so a cache asks for the generation only when this has
 * moved since a read that came after the change.
 */
enum store_err store_data_version(struct store *s, long long *v);

/*
 * The server's secret (32 random bytes, made on first use and kept in the
 * database) for signing CSRF tokens.
 */
enum store_err store_secret(struct store *s, unsigned char key[32]);

/* Settings the programs share (e.g. "base_url"), kept in the database.
 * STORE_ERR_NOTFOUND when name is not set. */
enum store_err store_setting_get(struct store *s, const char *name, char *out, size_t n);
enum store_err store_setting_put(struct store *s, const char *name, const char *value);

/* Registry tables. */
enum registry_kind { REGISTRY_DOMAIN, REGISTRY_AGENCY, REGISTRY__MAX };

const char *registry_kind_name(enum registry_kind k); /* "domain" / "agency" */

struct registry_entry {
	char *code;
	char *name[LANG__MAX];
};

struct registry_list {
	struct registry_entry *v;
	size_t n;
};

/* Insert or update one entry; *created tells which (may be NULL). */
enum store_err store_registry_put(struct store *s, enum registry_kind k,
                                  const char *code, const char *name_zh,
                                  const char *name_en, bool *created);
/* *exists tells whether code is registered; meaningful only with STORE_OK. */
enum store_err store_registry_exists(struct store *s, enum registry_kind k, const char *code,
                                     bool *exists);
/* All entries ordered by code; caller frees with registry_list_free(). */
enum store_err store_registry_list(struct store *s, enum registry_kind k,
                                   struct registry_list *out);
void registry_list_free(struct registry_list *l);

/*
 * Which domains each agency enforces (`manyi import agency-domains`).  An
 * agency with no pairs is not restricted: it may be rated in any domain,
 * so an empty table changes nothing.
 */
struct agency_domain {
	char *agency;
	char *domain;
};

struct agency_domain_list {
	struct agency_domain *v;
	size_t n;
};

/* Remove every pair (in the caller's transaction); *removed counts them (may be NULL). */
enum store_err store_agency_domain_clear(struct store *s, size_t *removed);
/* Add one pair of registered codes; STORE_ERR_CONSTRAINT when it is there already. */
enum store_err store_agency_domain_add(struct store *s, const char *agency, const char *domain);
/*
 * *allowed: may agency be rated in domain, i.e. the agency has no pairs
 * or this is one of them.  Meaningful only with STORE_OK.
 */
enum store_err store_agency_domain_allowed(struct store *s, const char *agency,
                                           const char *domain, bool *allowed);
/* All pairs ordered by agency, then domain; caller frees with agency_domain_list_free(). */
enum store_err store_agency_domain_list(struct store *s, struct agency_domain_list *out);
void agency_domain_list_free(struct agency_domain_list *l);

/*
 * Register a parsed definition.  The latest stored version is the one
 * served: when it has the same canonical text, nothing changes and
 * *created is false; otherwise a new version max(declared, latest stored
 * + 1) is stored — also for the text of an older version, so that loading
 * an older file serves it again.  *version receives the latest stored
 * version either way.
 */
enum store_err store_survey_put(struct store *s, const struct survey *sv,
                                int *version, bool *created);
/*
 * The newest version below `below` whose text is sv's, into *version;
 * STORE_ERR_NOTFOUND when none has it.
 */
enum store_err store_survey_same_as(struct store *s, const struct survey *sv, int below,
                                    int *version);
/*
 * The latest stored version of survey id: its number and definition text
 * (caller frees).  STORE_ERR_NOTFOUND when there is none.
 */
enum store_err store_survey_latest(struct store *s, const char *id,
                                   int *version, char **definition);

/*
 * Call fn with every stored version of survey id and its definition text
 * (borrowed for the call), newest first; fn returns false to stop.
 * STORE_ERR_NOTFOUND when there is none.
 */
enum store_err store_each_survey_version(struct store *s, const char *id,
                                        bool (*fn)(void *ctx, int version, const char *definition),
                                        void *ctx);

/* The latest stored version of survey id into *version, 0 when there is
 * none (still STORE_OK); any other error when the database could not say. */
enum store_err store_survey_version(struct store *s, const char *id, int *version);

/* Publications: frozen stats results, found by their canonical query text. */
enum store_err store_publication_add(struct store *s, const char *survey, const char *query,
                                     const char *result, long long *id);
/* The latest result for query (caller frees); STORE_ERR_NOTFOUND when none. */
enum store_err store_publication_get(struct store *s, const char *query, char **result,
                                     char *published_at, size_t n);
/* Every publication of survey with its time, by query and then oldest first
 * (a query's versions 1, 2, ...), and the audit head it carries (audit.h;
 * head_hash NULL when it carries none); fn returns false to stop. */
enum store_err store_publication_list(struct store *s, const char *survey,
                                      bool (*fn)(void *ctx, const char *query, const char *at,
                                                 long long head_id, const char *head_hash),
                                      void *ctx);

/*
 * A query's versions are its publications in the order they were made,
 * numbered from 1; the latest is the one store_publication_get() gives.
 * How many there are, and when the latest was made (into latest_at, n
 * bytes; "" when there is none).
 */
enum store_err store_publication_count(struct store *s, const char *query, int *versions,
                                       char *latest_at, size_t n);
/* Version `version` (from 1) of query (caller frees *result); STORE_ERR_NOTFOUND when none. */
enum store_err store_publication_version(struct store *s, const char *query, int version,
                                         char **result, char *published_at, size_t n);

/* The ids of all surveys, sorted; caller frees each and the array. */
enum store_err store_survey_ids(struct store *s, char ***ids, size_t *n);

/* What is known about a response besides its answers. */
struct followup_contact_in;
struct followup_opened;
struct integrity_flags;

struct response_meta {
	const char *survey;      /* survey id */
	int survey_version;
	const char *channel;     /* web, qr, api, phone, paper, kiosk */
	const char *encounter;   /* encounter id or NULL (public channel) */
	const char *agency;      /* agency code */
	const char *domain;      /* domain code */
	const char *size;        /* enterprise size or NULL */
	const char *submitted_at;/* ISO 8601; NULL = now */
	/* Follow-up (followup.h): the call-back contact sealed when a case
	 * opens (NULL: none), and what opening gave (NULL: not wanted). */
	const struct followup_contact_in *contact;
	struct followup_opened *opened;
	/* Integrity flags (integrity.h) the caller computed, stored with the
	 * answer; NULL: none. */
	struct integrity_flags *flags;
};

/*
 * Store one response and its answers inside the caller's transaction (or
 * its own when none is open), and open its follow-up case when the
 * answers call for one (followup_open(), m->contact, m->opened).  On
 * success public_id (capacity >= 32) holds the response's opaque id.
 */
enum store_err store_response_add(struct store *s, const struct response_meta *m,
                                  const struct answers *a, char *public_id,
                                  size_t idlen);
/* Number of responses stored for a survey (all versions) into *count. */
enum store_err store_response_count(struct store *s, const char *survey, long *count);

/* Encounters: the sampling frame (CONTRACT §2 encounters CSV). */
struct encounter {
	char id[65];
	char agency[65];
	char domain[65];
	char size[16];          /* large, medium, small, micro, household */
	char district[129];
	char occurred_on[11];   /* YYYY-MM-DD */
	char outcome[16];       /* "" when not given */
};

/* STORE_ERR_CONSTRAINT for a duplicate id or an unknown agency/domain. */
enum store_err store_encounter_add(struct store *s, const struct encounter *e);
/* STORE_ERR_NOTFOUND when there is none. */
enum store_err store_encounter_get(struct store *s, const char *id, struct encounter *e);
/* Has any response been stored for this encounter (any survey, any
 * channel)?  *answered is meaningful only with STORE_OK. */
enum store_err store_encounter_answered(struct store *s, const char *id, bool *answered);
/* The answer stored for an encounter: its channel and the day it was
 * submitted (UTC+8, YYYY-MM-DD). */
struct encounter_answer {
	char channel[16];
	char day[16];
};
/* STORE_ERR_NOTFOUND when the encounter has no answer; another error when
 * the database could not say. */
enum store_err store_encounter_answer(struct store *s, const char *id, struct encounter_answer *a);

/*
 * Store the outcome of encounter's phone case for survey (CONTRACT §6,
 * dispositions; all borrowed): outcome one of disposition_names, attempts
 * >= 0, last_call_at in UTC ("YYYY-MM-DDTHH:MM:SSZ").  A row already there
 * for the pair is replaced.  STORE_ERR_NOTFOUND when the encounter is not
 * registered or the survey not loaded.
 */
enum store_err store_disposition_put(struct store *s, const char *encounter, const char *survey,
                                     const char *outcome, long attempts, const char *last_call_at);

/* The phone sample of a survey counted by agency, answered or not, and outcome. */
struct fieldwork_cell {
	char agency[65];      /* the encounter's agency code */
	bool answered;        /* an answer to the survey is stored for the encounter */
	int outcome;          /* its disposition (enum disposition), -1 when none */
	long long n;          /* encounters */
};
/*
 * The cells of survey's phone sample (the encounters with a phone
 * invitation for it) in agency order into *cells (caller frees with
 * free()) and *n; none is STORE_OK with *n 0.
 */
enum store_err store_fieldwork_cells(struct store *s, const char *survey,
                                     struct fieldwork_cell **cells, size_t *n);

/*
 * The fieldwork's progress (manyi fieldwork --progress): three grouped
 * reads, each one pass, summed by the caller.  Agencies are registry codes.
 */
struct progress_frame {
	char agency[65];
	long long n;          /* registered encounters of the survey's units */
};
struct progress_invited {
	char agency[65];
	long long encounter;  /* the encounter (an internal id: rows of one encounter are adjacent) */
	char channel[16];     /* the invitations' channel: phone, qr, web ... */
	bool answered;        /* an answer to the survey is stored for the encounter */
	bool expired;         /* every invitation of this channel has expired */
	int outcome;          /* its disposition for the survey (enum disposition), -1 when none */
};
struct progress_answers {
	char agency[65];
	char channel[16];     /* the answer's channel */
	long long day;        /* the submission's day in UTC+8 (days since 1970-01-01) */
	bool linked;          /* through an encounter (the invitation sample), not public */
	long long n;          /* answers */
};
struct progress_rows {
	struct progress_frame *frame;
	size_t nframe;
	struct progress_invited *invited;   /* one row per (encounter, channel), encounter order */
	size_t ninvited;
	struct progress_answers *answers;   /* one row per (agency, channel, day, linked) */
	size_t nanswers;
};
/*
 * Read survey's progress rows into *out (caller frees with
 * progress_rows_free()): the frame of households (households true) or
 * enterprises by agency, the encounters invited to the survey with an
 * invitation expired when its expires_at <= now, and the answers by day.
 * The period from..to (YYYY-MM-DD, either NULL: open) takes encounters by
 * the day they occurred on and public answers by the day they were given,
 * as the statistics do.  On error *out is empty.
 */
enum store_err store_progress_rows(struct store *s, const char *survey, const char *from,
                                   const char *to, bool households, long long now,
                                   struct progress_rows *out);
void progress_rows_free(struct progress_rows *r);

/*
 * Ids of the encounters that have no invitation for survey and no answer,
 * ordered by id.  Caller frees each id and the array.
 */
enum store_err store_encounters_uninvited(struct store *s, const char *survey, char ***ids,
                                          size_t *n);

/* A unit of the sampling frame. */
struct sampled {
	char id[65];
	char agency[65];
	char domain[65];
	char occurred_on[11];
};

/*
 * The sampling frame: encounters with occurred_on in [from, to] (either may
 * be NULL), ordered by agency then id; households < 0 takes every encounter,
 * 0 only enterprises' (size other than household), 1 only households.
 * Caller frees *out.
 */
enum store_err store_encounter_frame(struct store *s, const char *from, const char *to, int households,
                                     struct sampled **out, size_t *n);

/* Invitations: stored only as the hash of their token. Times are Unix seconds. */
struct invitation {
	char survey[65];
	char encounter[65];
	char channel[16];       /* the channel an answer through it records */
	long long expires_at;
	bool used;
};

enum store_err store_invitation_add(struct store *s, const unsigned char hash[32],
                                    const char *survey, const char *encounter,
                                    const char *channel, long long created_at,
                                    long long expires_at);
enum store_err store_invitation_get(struct store *s, const unsigned char hash[32],
                                    struct invitation *inv);
/* Mark used (at now, to the STORE_TIME_GRAIN); STORE_ERR_CONSTRAINT when it already was. */
enum store_err store_invitation_use(struct store *s, const unsigned char hash[32], long long now);

/* API keys: stored as id + hash of the secret. */
struct api_key {
	unsigned char hash[32];
	char role[16];          /* evaluator | agency */
	char agency[65];        /* "" for evaluators */
	bool revoked;
};

enum store_err store_key_add(struct store *s, const char *id, const unsigned char hash[32],
                             const char *role, const char *agency);
enum store_err store_key_get(struct store *s, const char *id, struct api_key *k);
/* STORE_ERR_NOTFOUND when no such live key. */
enum store_err store_key_revoke(struct store *s, const char *id);
/* A key as `manyi key list` shows it; strings borrowed for the callback. */
struct key_row {
	const char *id, *role;
	const char *agency;               /* "" for evaluators */
	const char *agency_zh, *agency_en; /* its names, "" when none */
	const char *created, *revoked;    /* revoked "" while live */
	const char *last_used;            /* the latest audited use, "" never */
};
/* Every key, oldest first; cb returns false to stop. */
enum store_err store_key_list(struct store *s, bool (*cb)(const struct key_row *k, void *ctx),
                              void *ctx);

/*
 * People who sign in (manyi user, session.h): a name, the Argon2id hash
 * string of their password, a role and, for the agency role, the agency,
 * for the reviewer role (migration 13), the reviewer's code.
 */
struct user_rec {
	char hash[128];         /* crypto_password_hash()'s string */
	char role[16];          /* evaluator | agency | reviewer */
	char agency[65];        /* "" but for agency users */
	char reviewer[65];      /* "" but for reviewers */
};
/* agency is the agency of an agency user and the reviewer code of a
 * reviewer (ignored for evaluators).  STORE_ERR_CONSTRAINT when name is
 * taken (or the agency or reviewer is not registered). */
enum store_err store_user_add(struct store *s, const char *name, const char *hash,
                              const char *role, const char *agency);
/* STORE_ERR_NOTFOUND when there is no such user. */
enum store_err store_user_get(struct store *s, const char *name, struct user_rec *u);
/* Remove the user and (by the schema's cascade) their sessions; STORE_ERR_NOTFOUND
 * when there is no such user. */
enum store_err store_user_remove(struct store *s, const char *name);
/* A user as `manyi user list` shows it (never the hash); strings borrowed for the callback. */
struct user_row {
	const char *name, *role;
	const char *agency;                /* "" for evaluators; a reviewer's code for reviewers */
	const char *agency_zh, *agency_en; /* its names (a reviewer's name), "" when none */
	const char *created;
	long long sessions;                /* live at now */
};
/* Every user by name; cb returns false to stop. */
enum store_err store_user_list(struct store *s, long long now,
                               bool (*cb)(const struct user_row *u, void *ctx), void *ctx);

/*
 * Sessions of people signed in: named by the BLAKE2b-256 hash of the
 * cookie's token; times in seconds since 1970.
 */
struct session_rec {
	char role[16];          /* evaluator | agency | reviewer */
	char agency[65];        /* "" for evaluators */
	char user[65];          /* the user's name, or "" for a session opened with a key */
	char key_id[16];        /* the key's id, or "" for a user's session */
	long long created_at, expires_at;
	char reviewer[65];      /* a reviewer's session: the reviewer's code, else "" */
};
enum store_err store_session_put(struct store *s, const unsigned char hash[32],
                                 const struct session_rec *r);
/* The live session (expires after now, its key not revoked, its user not
 * removed) named by hash; STORE_ERR_NOTFOUND when there is none. */
enum store_err store_session_get(struct store *s, const unsigned char hash[32], long long now,
                                 struct session_rec *r);
/* Delete the session named by hash (none there is not an error). */
enum store_err store_session_delete(struct store *s, const unsigned char hash[32]);
/* Delete every session expired at now. */
enum store_err store_session_purge(struct store *s, long long now);

/* Append to the audit table (which refuses updates and deletes). */
enum store_err store_audit(struct store *s, const char *actor, const char *action,
                           const char *object, const char *detail);

/* One response as the statistics read it; strings borrowed for the callback. */
struct stats_source_row {
	long long id;
	bool sampled;            /* linked to an encounter (the invitation sample) */
	const char *agency;
	const char *domain;
	const char *size;        /* NULL when unknown */
	const char *district;    /* NULL for the public channel */
	const char *outcome;     /* NULL when not recorded */
	const char *channel;
	const char *date;        /* occurred_on, or the submission date (UTC+8) */
	int version;             /* the survey version answered */
	const unsigned char *nums; /* its scale answers, one byte each in the order of
	                          * store_scale_items(): 1..points the value, STORE_NUM_NA
	                          * not applicable, STORE_NUM_MISSING or past nnums missing */
	size_t nnums;
};

#define STORE_NUM_MISSING 0
#define STORE_NUM_NA 255

/*
 * The scale items of survey's version, in the order of their bytes in
 * stats_source_row.nums (borrowed from s until the transaction ends).
 */
enum store_err store_scale_items(struct store *s, const char *survey, int version,
                                 const char *const **items, size_t *n);

/*
 * Call fn for each response to survey whose date is within [from, to]
 * (either may be NULL), in id order.  fn returns false to stop.
 */
enum store_err store_each_response(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct stats_source_row *r),
                                   void *ctx);
/*
 * The same for the responses the statistics leave out (excluded,
 * followup_exclude()), in id order: for the count each group lost.
 */
enum store_err store_each_excluded(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct stats_source_row *r),
                                   void *ctx);

/*
 * Call fn for each row of item's choice, multi or text answers among the
 * responses with ids in [lo, hi], in response order: a multi answer is one
 * row per option chosen, its text the option's value, or one row with text
 * NULL when it was answered with none.  fn returns false to stop.
 */
enum store_err store_each_item_text(struct store *s, const char *item, long long lo, long long hi,
                                    bool (*fn)(void *ctx, long long response, const char *text),
                                    void *ctx);

/* Call fn with the count of encounters per (agency, domain, size) within [from, to]. */
/*
 * The responses to survey within [from, to] (dated as store_each_response()
 * does) counted by cell: in the invitation sample or not, agency, domain,
 * size (NULL when unknown).  fn returns false to stop.
 */
enum store_err store_each_response_cell(struct store *s, const char *survey, const char *from,
                                       const char *to,
                                       bool (*fn)(void *ctx, bool sampled, const char *agency,
                                                  const char *domain, const char *size,
                                                  long long count),
                                       void *ctx);

enum store_err store_each_encounter_count(struct store *s, const char *from, const char *to,
                                          bool (*fn)(void *ctx, const char *agency,
                                                     const char *domain, const char *size,
                                                     long long count),
                                          void *ctx);

/*
 * BEGIN DEFERRED: a read transaction, so that several queries see one
 * snapshot while writers go on (WAL).  End it with store_commit() or
 * store_rollback().
 */
enum store_err store_begin_read(struct store *s);

/*
 * One row of the export cursor: a response joined with one of its answer
 * rows (response fields repeat on each).  Strings are borrowed for the
 * callback.  id is the internal key, for merging only: never export it.
 */
struct export_source_row {
	long long id;
	const char *public_id;   /* the opaque id shown outside */
	int survey_version;
	const char *channel;
	const char *submitted_at;
	const char *agency;
	const char *domain;
	const char *size;        /* NULL when unknown */
	const char *district;    /* NULL for the public channel */
	const char *outcome;     /* NULL when not recorded */
	const char *item;        /* NULL for a response without answer rows */
	int seq;
	bool has_num;
	int num;
	const char *text;        /* NULL when none; text_len bytes (may hold NULs) */
	size_t text_len;
	bool na;
	bool sampled;            /* linked to an encounter (the invitation sample) */
	const char *date;        /* as store_each_response() dates it: occurred_on,
	                          * else the submission day in UTC+8 */
	const char *excluded;    /* why it is left out of the statistics (followup_exclude),
	                          * or NULL */
};

/* Which responses a page of the export cursor holds (strings borrowed; NULL: any). */
struct export_filter {
	const char *after;   /* the public id of the last response of the page before */
	const char *agency, *domain, *channel;
	const char *from, *to; /* YYYY-MM-DD: the encounter's date, else the submission
	                        * day in UTC+8 */
	long limit;          /* at most this many responses; 0: no paging (an export) */
	/* Paging only: with text (or q), only responses with a non-empty answer
	 * to one of text_items (a JSON array of the survey's free-text item
	 * ids, which export_page() fills in), and with q, one that contains q
	 * (ASCII letters in either case, any other byte as it is). */
	bool text;
	const char *q;
	const char *text_items;
};

/*
 * Call fn for every (response, answer) row of survey (all versions),
 * ordered by response id, then item and seq; a cursor, nothing gathered.
 * With f, only the responses within f->from..to, and with f->limit > 0
 * only that page of them.  fn returns false to stop.
 * STORE_ERR_NOTFOUND when f->after is not a response of survey.
 */
enum store_err store_each_export_row(struct store *s, const char *survey,
                                     const struct export_filter *f,
                                     bool (*fn)(void *ctx, const struct export_source_row *r),
                                     void *ctx);

/*
 * When the data of survey last changed, as stored (ISO 8601 UTC): the
 * newest response, else the newest definition.  STORE_ERR_NOTFOUND when
 * there is none.
 */
enum store_err store_survey_data_time(struct store *s, const char *survey, char *out, size_t n);

/*
 * Record that the form render hash (a hash of its CSRF token) has been
 * answered, in the caller's transaction, at now to the STORE_TIME_GRAIN;
 * entries older than keep seconds are dropped first (their forms have
 * expired).  STORE_ERR_CONSTRAINT when
 * it was answered already: a double tap, stored once.
 */
enum store_err store_once(struct store *s, const unsigned char hash[32], long long now,
                          long long keep);

/*
 * Idempotency keys of answers posted by apps: key and body are hashes (of
 * the Idempotency-Key header and of the request body), response the public
 * id of the answer stored.  An entry holds for at least STORE_IDEM_KEEP
 * seconds (stored at the hour, kept an hour longer), then is deleted.
 */
#define STORE_IDEM_KEEP (25 * 3600)
/* The entry of key at now: its body hash and response id (capacity n);
 * STORE_ERR_NOTFOUND when there is none (or it has expired). */
enum store_err store_idem_get(struct store *s, const unsigned char key[32], long long now,
                              unsigned char body[32], char *response, size_t n);
/* Record an entry in the caller's transaction, dropping expired ones first;
 * STORE_ERR_CONSTRAINT when key has one already. */
enum store_err store_idem_put(struct store *s, const unsigned char key[32],
                              const unsigned char body[32], const char *response, long long now);

#endif
