/*
 * store_complaint — the store's part of the complaint channel (投诉举报,
 * issue 15): the versioned categories, the complaints and their events,
 * and the officer a complaint names.  The tables are migration 15's
 * (store_schema.c), the shipped categories migration 16's; the code is
 * src/store/store_complaint.c.  Checks of what a citizen or the staff send
 * are the callers' (src/import/complaint.c, src/web/handler_complaint.c);
 * these functions store what they are given.  Writes run in the caller's
 * transaction (store_begin()) when there is one.
 *
 * Privacy: the tracking code is stored as its BLAKE2b-256 only; the
 * complainant's contact only sealed (crypto_seal), read back by
 * store_complaint_contact() for the evaluator alone.
 */
#ifndef MANYI_STORE_COMPLAINT_H
#define MANYI_STORE_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

#define COMPLAINT_NAME_MAX 256   /* bytes of a category's name */
#define COMPLAINT_RECEIVER_CHARS 200 /* characters of a transfer's receiving body */

/* A category of complaint. */
struct complaint_category {
	char code[65];
	int version;             /* the list's version it was last (re)loaded in */
	int national;            /* the national category 1..3 (2019 rules), 0 none */
	char name[LANG__MAX][COMPLAINT_NAME_MAX];
	bool discipline;         /* the kind transferred to the discipline inspection commission */
	int position;            /* the order shown */
	bool retired;            /* kept for old complaints, not offered */
};

/* The categories in order (the retired ones too when with_retired); *out
 * malloc'd (caller frees), *n of them. */
enum store_err store_complaint_categories(struct store *s, bool with_retired,
                                          struct complaint_category **out, size_t *n);
/* One category (retired or not); STORE_ERR_NOTFOUND when there is none. */
enum store_err store_complaint_category(struct store *s, const char *code,
                                        struct complaint_category *out);
/*
 * Replace the offered list by v[0..n-1] (positions in that order), as one
 * new version (*version): a code not in v is retired (kept while a
 * complaint names it, deleted otherwise).
 */
enum store_err store_complaint_categories_replace(struct store *s,
                                                  const struct complaint_category *v, size_t n,
                                                  int *version);

/* A complaint; the strings that vary in length are owned (complaint_free). */
struct complaint {
	long long id;
	char code[24];           /* the case's code (TS-...), for staff */
	char agency[65];
	char officer[65];        /* the officer's certificate number, "" none */
	char officer_name[128];  /* the officer table's name for it */
	char category[65];
	char happened_on[11];    /* "" when not given */
	char filed_on[11];       /* UTC+8 */
	char state[16];
	char due[11];            /* "" none */
	bool anonymous;
	bool has_contact;
	char *officer_text, *place, *what;
};
void complaint_free(struct complaint *c);

/* What a new complaint stores. */
struct complaint_new {
	const char *code;
	const unsigned char *track_hash;  /* 32 bytes */
	const char *agency;
	const char *officer;              /* NULL none */
	const char *officer_text, *category, *happened_on /* NULL none */, *place, *what;
	bool anonymous;
	const unsigned char *sealed;      /* the sealed contact, NULL none */
	size_t nsealed;
	const char *filed_on;
};
/* Insert it (*id its row); STORE_ERR_CONSTRAINT for a code used already. */
enum store_err store_complaint_add(struct store *s, const struct complaint_new *c, long long *id);

/* The complaint by its case code, or by its tracking code's hash;
 * STORE_ERR_NOTFOUND when there is none.  Free with complaint_free(). */
enum store_err store_complaint_get(struct store *s, const char *code, struct complaint *out);
enum store_err store_complaint_by_track(struct store *s, const unsigned char hash[32],
                                        struct complaint *out);
/*
 * The complaints (newest first) in state (NULL: any); forwarded_to (NULL:
 * every one) keeps those about that agency that were forwarded to it and
 * not transferred (a transfer to the discipline body is withdrawn from the
 * agency: it is not the agency's to know).
 * *out malloc'd, each freed with complaint_free() then the array.
 */
enum store_err store_complaint_list(struct store *s, const char *state, const char *forwarded_to,
                                    struct complaint **out, size_t *n);

/* An event of a complaint; note owned. */
struct complaint_event {
	long long id;
	char at[32];
	char actor[16];          /* evaluator | agency */
	char action[16];
	char receiver[4 * COMPLAINT_RECEIVER_CHARS + 1];
	char due[11];
	char *note;
};
/* The events in order; free with complaint_events_free(). */
enum store_err store_complaint_events(struct store *s, long long complaint,
                                      struct complaint_event **out, size_t *n);
/* Free n events and their array (NULL accepted). */
void complaint_events_free(struct complaint_event *v, size_t n);
/* Append an event (due and receiver may be NULL). */
enum store_err store_complaint_event_add(struct store *s, long long complaint, const char *actor,
                                         const char *action, const char *receiver,
                                         const char *due, const char *note);
/* Set a complaint's state and due (NULL: none). */
enum store_err store_complaint_set_state(struct store *s, long long complaint, const char *state,
                                         const char *due);
/* The sealed contact of a complaint (*out malloc'd, caller frees), or
 * STORE_ERR_NOTFOUND when it has none. */
enum store_err store_complaint_contact(struct store *s, long long complaint, unsigned char **out,
                                       size_t *n);
/* The officer with certificate cert: name (128) and agency (65);
 * STORE_ERR_NOTFOUND when none. */
enum store_err store_complaint_officer(struct store *s, const char *cert, char *name,
                                       char *agency);
/* How many transfers were recorded in the year of event's date, up to and
 * including event (the letter's number). */
enum store_err store_complaint_transfer_seq(struct store *s, long long event, long long *seq);

#endif
