/*
 * integrity — flags on suspicious answers, the review queue and the
 * networks configured as an agency's own (docs/integrity.md).
 *
 * A flag is raised when an answer is stored, in the answer's own
 * transaction (store_response_add() writes the struct integrity_flags its
 * caller computed), and never blocks the answer.  Each flag has a code
 * (enum integrity_code), a detail a person reads ("12 s for 9 items, under
 * 2 s each") and, for the rules that count across answers (burst, device),
 * a group: a short keyed hash under a key of the day held in memory only,
 * the same for every answer of one burst, meaningless once the day's key
 * is gone.  No address, network or raw fingerprint is ever written.
 *
 * An evaluator reviews the flagged answers (grouped by agency, rule and
 * group) and keeps or excludes them; an exclusion goes through
 * followup_exclude(..., "integrity", reason, by), every decision is
 * audited.  The store-layer module (src/store/integrity.c); the signals
 * that need the request (render time, address, headers) are computed in
 * the web layer (src/web/integrity_signals.c).
 */
#ifndef MANYI_INTEGRITY_H
#define MANYI_INTEGRITY_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "survey.h"

enum integrity_code {
	INTEGRITY_SPEED,          /* render to submit faster than the items can be read */
	INTEGRITY_STRAIGHTLINE,   /* every scale item the same value; kept only with another flag */
	INTEGRITY_BURST,          /* many answers for one agency from one network in a short window */
	INTEGRITY_AGENCY_NETWORK, /* answered from a network configured as the rated agency's own */
	INTEGRITY_EARLY,          /* an invitation answered before the encounter's date */
	INTEGRITY_LATE,           /* ... more than integrity_late_days after it */
	INTEGRITY_DEVICE,         /* one device fingerprint across many encounters in a day */
	INTEGRITY__MAX
};

/* "speed", "straightline", ... ; NULL past INTEGRITY__MAX. */
const char *integrity_code_name(enum integrity_code c);
/* The code named name into *c; false when none is. */
bool integrity_code_parse(const char *name, enum integrity_code *c);

#define INTEGRITY_GRP_LEN 17    /* 16 hex digits + NUL */
#define INTEGRITY_DETAIL_LEN 96

struct integrity_flag {
	enum integrity_code code;
	char detail[INTEGRITY_DETAIL_LEN];
	char grp[INTEGRITY_GRP_LEN]; /* "" when the rule has no group */
};

#define INTEGRITY_EARLIER_MAX 64

/*
 * The flags of one answer: at most one per code.  When this answer makes
 * a burst (or a device's run) reach its threshold, the answers before it
 * in the window (stored already, their ids known) get the same flag:
 * earlier[] names them and the code.
 */
struct integrity_flags {
	size_t n;
	struct integrity_flag v[INTEGRITY__MAX];
	size_t nearlier;
	struct {
		long long resp;
		enum integrity_code code;
	} earlier[INTEGRITY_EARLIER_MAX];
	long long resp; /* out: the answer's id, set when its flags are stored */
};

/* Add (or replace) the flag code with grp (NULL: none) and a printf detail. */
void integrity_flag(struct integrity_flags *f, enum integrity_code code, const char *grp,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Does f hold code? */
bool integrity_has(const struct integrity_flags *f, enum integrity_code code);

/*
 * Every scale item the same value: at least 3 scale items answered (not
 * "not applicable"), all equal.  a borrowed, checked.  Pure.
 */
bool integrity_straightline(const struct answers *a);

/*
 * An IPv4 (a.b.c.d/0..32) or IPv6 (x::y/0..128) network: into canon
 * (capacity >= 64) in canonical form, host bits cleared.  False when it is
 * not one.  A bare address is a /32 or /128.  Pure.
 */
bool integrity_cidr_parse(const char *cidr, char *canon, size_t n);
/* Is address addr (v4 or v6 text; an IPv4-mapped v6 counts as v4) in cidr?  Pure. */
bool integrity_cidr_match(const char *cidr, const char *addr);

/*
 * Write f's flags for response resp in the caller's transaction
 * (store_response_add() calls it): straightline only when another flag is
 * there; and f's earlier answers' (those still stored) with the same
 * code, detail and group.  Sets f->resp.  f may be NULL or empty.
 */
enum store_err integrity_flags_store(struct store *s, long long resp, struct integrity_flags *f);

/* The networks configured as agencies' own. */
struct integrity_network {
	char agency[65];
	char cidr[64];
};
struct integrity_network_list {
	size_t n;
	struct integrity_network *v;
};
void integrity_network_list_free(struct integrity_network_list *l);

/*
 * Add cidr (canonical, integrity_cidr_parse()) as agency's own network,
 * with an audit row by `by`: STORE_ERR_NOTFOUND when agency is not
 * registered, STORE_ERR_CONSTRAINT when it is listed already.
 */
enum store_err integrity_network_add(struct store *s, const char *agency, const char *cidr,
                                     const char *by);
/* Remove it (audited): STORE_ERR_NOTFOUND when it is not listed. */
enum store_err integrity_network_remove(struct store *s, const char *agency, const char *cidr,
                                        const char *by);
/* Every network, or agency's (agency NULL: all), by agency and cidr.  Caller frees. */
enum store_err integrity_network_list(struct store *s, const char *agency,
                                      struct integrity_network_list *out);
/*
 * Is addr (borrowed, never kept) in one of agency's networks?  The
 * matching network (not the address) into cidr (capacity >= 64) when it is.
 */
enum store_err integrity_network_match(struct store *s, const char *agency, const char *addr,
                                       bool *match, char *cidr);

/* The review queue: flagged answers. */
enum integrity_state { INTEGRITY_OPEN, INTEGRITY_KEPT, INTEGRITY_EXCLUDED, INTEGRITY_STATE__MAX };
const char *integrity_state_name(enum integrity_state st);
bool integrity_state_parse(const char *name, enum integrity_state *st);

struct integrity_item {
	char public_id[32];
	char survey[65];
	char agency[65];
	char channel[16];
	char day[11];                 /* the answer's day (UTC+8) */
	enum integrity_state state;
	char reason[256];             /* the decision's reason, "" when open */
	size_t nflags;
	struct integrity_flag flags[INTEGRITY__MAX];
};
struct integrity_items {
	size_t n;
	struct integrity_item *v;
};
void integrity_items_free(struct integrity_items *l);

/* Filters of the queue: NULL (or a negative code/state) means any. */
struct integrity_query {
	const char *survey, *agency;
	const char *from, *to; /* the answer's day (UTC+8), YYYY-MM-DD, inclusive */
	int code;  /* enum integrity_code or -1 */
	int state; /* enum integrity_state or -1 */
};

/* The flagged answers matching q, by agency, then day, then id.  Caller frees. */
enum store_err integrity_queue(struct store *s, const struct integrity_query *q,
                               struct integrity_items *out);

/*
 * Decide on flagged answer public_id: keep or exclude (exclude goes
 * through followup_exclude(..., "integrity", reason, by)), with an audit
 * row, in the caller's transaction or its own.  STORE_ERR_NOTFOUND: no
 * such answer or it carries no flag; STORE_ERR_CONSTRAINT: excluded
 * already (an exclusion is final; a kept answer may still be excluded).
 */
enum store_err integrity_decide(struct store *s, const char *public_id, bool exclude,
                                const char *reason, const char *by);

/*
 * The ids (ascending) of survey's answers that carry a flag: *ids the
 * caller frees with free(), *n of them.
 */
enum store_err integrity_flagged_ids(struct store *s, const char *survey, long long **ids,
                                     size_t *n);

#endif
