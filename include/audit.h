/*
 * audit — the tamper-evident record (issue 16; docs/audit.md).
 *
 * The audit chain.  Every row of the table audit carries
 *   hash = SHA-256(the previous row's hash (32 zero bytes before the first)
 *                  || enc(id) enc(at) enc(actor) enc(action) enc(object) enc(detail))
 * where enc is the canonical encoding below.  store_audit() computes it in
 * the one INSERT that appends the row (an SQL function, audit_hash, that
 * every connection registers), reading the previous row's hash in the same
 * statement under the write lock: appends from several processes chain
 * without a race.
 *
 * The answers' chain per day.  Once a day (UTC+8, of the answer's
 * stored_at) is over, audit_seal() records for it in answers_day the number
 * of answers and a root: a hash chain in id order over the day's responses,
 *   h0 = 32 zero bytes, h_i = SHA-256(h_{i-1} || enc(response i)), root = h_n,
 * enc(response) = the tag 'R', then enc of public_id, survey, version,
 * channel, encounter code, agency, domain, size, district, outcome, day,
 * submitted_at, stored_at, nums (codes as their texts), then for each of its
 * answer_text rows in (item, seq) order the tag 'T' and enc of item, seq,
 * text.  Each sealed day is also an audit row (actor "manyi", action
 * "answers sealed", object the date, detail "N answers, root HEX"), so the
 * audit chain's head commits to every sealed day.
 *
 * Canonical encoding of one value: NULL 0x00; an integer 0x01 and 8 bytes
 * big-endian (two's complement); text 0x03, its length as 4 bytes
 * big-endian, its bytes; a blob 0x04, length, bytes.  NULL and "" differ,
 * and no two lists of values give the same bytes.
 */
#ifndef MANYI_AUDIT_H
#define MANYI_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "util.h"

#define AUDIT_HASH_BYTES 32

/* The canonical encoding of one value, appended to b. */
void audit_enc_null(struct sbuf *b);
void audit_enc_int(struct sbuf *b, long long v);
void audit_enc_text(struct sbuf *b, const char *p, size_t n); /* p NULL: NULL */
void audit_enc_blob(struct sbuf *b, const void *p, size_t n); /* p NULL: NULL */

/* One audit row's fields; a NULL text field has p NULL. */
struct audit_field {
	const char *p;
	size_t n;
};
struct audit_fields {
	long long id;
	struct audit_field at, actor, action, object, detail;
};

/* The hash of a row whose predecessor's hash is prev (NULL: the first row). */
void audit_row_hash(const unsigned char prev[AUDIT_HASH_BYTES], const struct audit_fields *f,
                    unsigned char out[AUDIT_HASH_BYTES]);

/* Lower-case hex of a hash into out (65 bytes); parse 64 hex digits (either case). */
void audit_hex(const unsigned char h[AUDIT_HASH_BYTES], char out[65]);
bool audit_unhex(const char *hex, unsigned char h[AUDIT_HASH_BYTES]);

/* The head: the last audit row's id and hash (0 and 64 zeros when none). */
struct audit_head {
	long long id;
	char hash[65];
};
enum store_err audit_head(struct store *s, struct audit_head *h);

/*
 * Seal every day that is over (its UTC+8 date before today's) and has
 * answers not yet sealed: an answers_day row and an audit row each, in the
 * caller's transaction or one of its own.  *days (may be NULL) gets how
 * many were sealed.  Days after the last one sealed only.
 */
enum store_err audit_seal(struct store *s, long long *days);

/* What audit_verify() found. */
struct audit_verdict {
	bool intact;
	long long rows;           /* audit rows walked */
	struct audit_head head;
	long long days, answers;  /* sealed days and the answers they count */
	bool head_given, head_found; /* --head: asked for, and in the chain */
	char what[768];           /* the first row that does not match, when not intact */
};

/*
 * Walk the audit chain (recomputing every hash) and the sealed days
 * (recomputing each root from the rows now in the database, and comparing
 * answers_day with the audit rows that sealed them).  head (NULL: none) is a
 * published head's hash in hex, optionally "ID " or "ID:" before it: it
 * must be a row's hash in the chain (and that row's id, when given).
 * STORE_OK with *v filled (intact or not); another error when the database
 * cannot be read.
 */
enum store_err audit_verify(struct store *s, const char *head, struct audit_verdict *v);

#endif
