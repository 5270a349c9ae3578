/*
 * store_officer — the store's part for enforcement officers (CONTRACT §6,
 * issue 15): the certificate registry (table officer), the officers an
 * encounter names (enc_officer), and the reads the lookup, the form and the
 * per-officer statistics need.  The tables are migration 15's
 * (store_schema.c); the code is src/store/store_officer.c.
 *
 * Values are checked by the callers (src/import/officer.c); these
 * functions store what they are given.  Writes run in the caller's
 * transaction (store_begin()) when there is one.  Each statement is
 * prepared for its call and finalized after it: the officer registry is
 * small and written in bulk rarely, and the statements stay out of the
 * connection's shared tables.
 */
#ifndef MANYI_STORE_OFFICER_H
#define MANYI_STORE_OFFICER_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

#define OFFICER_CERT_MAX 64   /* bytes of a certificate number */
#define OFFICER_NAME_MAX 200  /* bytes of a name (about 60 Chinese characters) */
#define OFFICER_TEXT_MAX 400  /* bytes of category and area */
/* The most officers one encounter names (CONTRACT §6, DESIGN15 H4). */
#define ENC_OFFICERS_MAX 5

/* One certificate as stored. */
struct officer {
	char cert_no[OFFICER_CERT_MAX + 1];
	char name[OFFICER_NAME_MAX + 1];
	char agency[65];
	char status[16];        /* valid, suspended, revoked */
	char valid_until[11];   /* YYYY-MM-DD */
	char category[OFFICER_TEXT_MAX + 1]; /* "" when not given */
	char area[OFFICER_TEXT_MAX + 1];
};

/*
 * Insert o, or update the row of its cert_no (every field, updated_at now).
 * *created (may be NULL) says which.
 */
enum store_err store_officer_put(struct store *s, const struct officer *o, bool *created);
/* The officer with cert_no into *o; STORE_ERR_NOTFOUND when there is none. */
enum store_err store_officer_get(struct store *s, const char *cert_no, struct officer *o);
/*
 * The officers whose certificate number is exactly q, or whose name is
 * exactly q (never a prefix or a pattern), certificate first, then by
 * name and number; at most max into out[], their count into *n.
 */
enum store_err store_officer_find(struct store *s, const char *q, struct officer *out, size_t max,
                                  size_t *n);

/*
 * Record that encounter enc_code (registered) names cert_no (registered) in
 * position seq (0 first).  STORE_ERR_CONSTRAINT when the pair is there.
 */
enum store_err store_enc_officer_add(struct store *s, const char *enc_code, const char *cert_no,
                                     int seq);
/* The officers encounter enc_code names, in their order, at most max into out[]. */
enum store_err store_enc_officers(struct store *s, const char *enc_code, struct officer *out,
                                  size_t max, size_t *n);

/*
 * Call fn for every (response, officer) pair of survey's responses whose
 * encounter names officers, in response id order, then the officer's
 * position.  fn returns false to stop.
 */
enum store_err store_each_response_officer(struct store *s, const char *survey,
                                           bool (*fn)(void *ctx, long long response,
                                                      const char *cert_no),
                                           void *ctx);

#endif
