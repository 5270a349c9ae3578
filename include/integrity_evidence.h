/*
 * integrity_evidence — evidence of pressure per agency (docs/integrity.md):
 * the share of its answers that carry a flag, the index (0-100) of its
 * flagged answers against its unflagged ones with a design-based t-test —
 * R's svyttest(index ~ flagged, subset(des, agency == A)) on the base
 * design (or weighting none) — and the distribution of the index of each
 * in five bands.  An agency whose flagged answers are all at the top
 * stands out.  For `manyi integrity evidence`, GET
 * /api/v1/integrity/evidence and the efficacy report.
 */
#ifndef MANYI_INTEGRITY_EVIDENCE_H
#define MANYI_INTEGRITY_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "stats.h"
#include "store.h"
#include "util.h"

/* A design-based two-group comparison: y of x = 1 against x = 0. */
struct integrity_ttest {
	size_t n0, n1;        /* answers unflagged, flagged */
	double mean0, mean1;  /* weighted means */
	double diff, se, t, df, p; /* mean1 - mean0 as svyttest gives it; NaN when it cannot be */
};

/*
 * svyglm(y ~ x, subset(des, in))'s coefficient of x and its
 * linearization standard error, as svyttest() reports them, for the n rows
 * of a stratified design without clusters: weights w, stratum h[i] in
 * 0..nh-1 with population N[h] (N NULL: no fpc), n_h the rows of stratum
 * h among the n; in (NULL: every row) the domain.  A row outside the
 * domain has no influence but counts in its stratum's n_h, as in R.
 * df = the domain's answers - its strata - 1.  Pure.
 */
void integrity_ttest(size_t n, const double *y, const double *w, const int *h, const double *N,
                     size_t nh, const bool *x, const bool *in, struct integrity_ttest *out);

/*
 * The evidence for survey (its answers within [from, to], either NULL)
 * under weighting (STATS_W_BASE or STATS_W_NONE) as one JSON object
 * appended to out; msg says why on anything but REPORT_OK.
 */
enum report_status integrity_evidence_json(struct store *s, const char *survey,
                                           enum stats_weighting weighting, const char *from,
                                           const char *to, struct sbuf *out, char *msg,
                                           size_t msglen);

#endif
