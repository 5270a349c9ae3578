/*
 * rates — the outcome of a phone survey's fieldwork (CONTRACT §6, `manyi
 * fieldwork`, GET /api/v1/fieldwork): the sample (encounters with a phone
 * invitation for the survey) counted by final disposition and the AAPOR
 * Standard Definitions' rates, overall and per agency.  docs/statistics.md
 * gives the definitions.
 *
 *   I   an answer to the survey is stored (whatever the disposition)
 *   P   partial, R refusal, NC non_contact, O other (and complete without
 *       a stored answer, see docs/statistics.md), NE ineligible
 *   U   unknown, and encounters with neither an answer nor a disposition
 *   e   = (I+P+R+NC+O) / (I+P+R+NC+O+NE)
 *   rr1 = I/(I+P+R+NC+O+U)        rr3  = I/(I+P+R+NC+O+e·U)
 *   coop1 = I/(I+P+R+O)           ref1 = R/(I+P+R+NC+O+U)
 *   con1 = (I+P+R+O)/(I+P+R+NC+O+U)
 * A rate whose denominator is 0 (or, for rr3, whose e is unknown) is NaN,
 * written as null.
 */
#ifndef MANYI_RATES_H
#define MANYI_RATES_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "util.h"

enum rate_count { RC_I, RC_P, RC_R, RC_NC, RC_O, RC_U, RC_NE, RC__MAX };

/* One group's counts and rates. */
struct rates {
	long long sampled;
	long long n[RC__MAX];
	double e, rr1, rr3, coop1, ref1, con1; /* NaN: undefined */
};

/* The count of rate_count c ("I", "P", "R", "NC", "O", "U", "NE"). */
extern const char *const rate_count_names[RC__MAX];

/* Where one sampled cell (answered, outcome: enum disposition or -1) counts. */
enum rate_count rates_classify(bool answered, int outcome);

/* Fill r's rates from its counts (pure). */
void rates_compute(struct rates *r);

/* What `manyi fieldwork` and the route ask for. */
struct rates_query {
	const char *survey;       /* borrowed */
	bool by_agency;           /* a group per agency */
	const char *only_agency;  /* an agency key's agency: its group only beside the
	                           * overall benchmark, as the statistics (NULL: all) */
};

enum rates_err { RATES_OK, RATES_NOT_FOUND, RATES_BUSY, RATES_STORE, RATES__MAX };

/*
 * The figures of q as JSON (or CSV with csv) appended to out: overall
 * and, by agency, one group per agency of the sample with the agency's
 * names.  RATES_NOT_FOUND (msg set) when the survey is not loaded.
 */
enum rates_err rates_report(struct store *s, const struct rates_query *q, bool csv,
                            struct sbuf *out, char *msg, size_t msglen);

#endif
