/*
 * quality — the enforcement-quality figures of case-file review (CONTRACT
 * §6, `manyi quality`, GET /api/v1/quality): each agency's mean total and
 * correctness rate over the sample of its case files that were reviewed,
 * with design-based standard errors and intervals.
 *
 * A file's total is the sum of its rubric points, averaged over its
 * reviews; ok is 1 when no review flags a major defect.  The design is
 * R's svydesign(ids=~1, strata=~agency, fpc=~N_h, data=files): strata are
 * agencies, N_h the cases registered for agency h within the period, n_h
 * its reviewed files, so each file weighs N_h/n_h.  That is stats.h's
 * STATS_W_BASE design, and the figures are stats_estimate()'s: mean, se,
 * df = degf, ci by confint(df=degf) of svymean/svyby for total, and the
 * rate figures (svyciprop, xlogit) for ok.  Lonely strata: "adjust".
 */
#ifndef MANYI_QUALITY_H
#define MANYI_QUALITY_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "survey.h"
#include "util.h"

/* What the groups are. */
enum quality_by { QUALITY_BY_NONE, QUALITY_BY_AGENCY, QUALITY_BY_DOMAIN, QUALITY_BY_KIND,
                  QUALITY_BY_OUTCOME, QUALITY_BY__MAX };

/* "agency", "domain", "kind", "outcome" (NULL for none); parse them. */
const char *quality_by_name(enum quality_by b);
bool quality_by_parse(const char *s, enum quality_by *out);

struct quality_query {
	const char *survey;      /* a rubric's id */
	enum quality_by by;
	const char *from, *to;   /* YYYY-MM-DD on the case's decided_on, or NULL */
	double level;            /* in (0, 1) */
	const char *only_agency; /* an agency key's: only its own group (the overall row stays) */
	bool csv;                /* CSV rather than JSON */
	enum lang lang;          /* the names' language in CSV */
};

enum quality_status {
	QUALITY_OK,
	QUALITY_BAD_QUERY, /* unknown survey, or not a rubric (msg says) */
	QUALITY_EMPTY,     /* no reviewed file in the period */
	QUALITY_NO_DATA,   /* the figures could not be computed (msg says why) */
	QUALITY_BUSY,
	QUALITY_STORE,
	QUALITY__MAX
};

/*
 * Compute q's figures from the database and write them to out as JSON
 * (shaped as the stats': survey, overall, groups each with its by and the
 * names beside the codes) or CSV (a header, the overall row, the groups).
 * msg (msglen) says why on failure.
 */
enum quality_status quality_report(struct store *s, const struct quality_query *q,
                                   struct sbuf *out, char *msg, size_t msglen);

/*
 * Agreement between reviewers (CONTRACT §6, `manyi review agreement`): over
 * the files with two or more reviews, the first two by submission time.
 * files: how many; icc1 and icc1k: one-way random-effects intraclass
 * correlations of the totals, as psych::ICC's ICC1 and ICC1k (each file has
 * its own pair of reviewers): with k = 2, MSB = k sum_i (m_i - m)^2 / (n-1)
 * and MSW = sum_ij (x_ij - m_i)^2 / (n (k-1)), ICC1 = (MSB - MSW) / (MSB +
 * (k-1) MSW), ICC1k = (MSB - MSW) / MSB; kappa: Cohen's unweighted kappa of
 * "the review flags a major defect", the first review against the second,
 * as psych::cohen.kappa.  A figure that cannot be computed (fewer than two
 * files, no spread, every flag alike) is NaN.
 */
struct quality_agreement {
	size_t files;
	double icc1, icc1k, kappa;
};

/* The figures of n pairs: totals x1[i], x2[i] and defect flags d1[i], d2[i]
 * (0/1) of file i's first and second review.  Pure. */
void quality_agreement_of(const double *x1, const double *x2, const int *d1, const int *d2,
                          size_t n, struct quality_agreement *out);

/* The agreement of rubric survey's reviews as one flat JSON object
 * {"survey","files","icc1","icc1k","kappa"} (null for NaN) into out. */
enum quality_status quality_agreement(struct store *s, const char *survey, struct sbuf *out,
                                      char *msg, size_t msglen);

/*
 * The files to settle (issue 13, item 5): of the files with two or more
 * reviews (the first two by submission time), those whose totals differ by
 * more than threshold or whose major-defect flags disagree, as CSV
 * case_id,agency,agency_name (in lang),reviewer_1,total_1,defect_1,
 * reviewer_2,total_2,defect_2,difference (total_2 - total_1),reason
 * (totals, defects, or totals;defects),adjudicated ("" while open, else
 * panel or third: `manyi review adjudicate`), in case order, into out.
 */
enum quality_status quality_disagreements(struct store *s, const char *survey, double threshold,
                                          enum lang lang, struct sbuf *out, char *msg,
                                          size_t msglen);

/*
 * The progress of the review (issue 13, item 4): for rubric survey, per
 * reviewer (every one on the panel, by code, with their name) and per
 * agency with files assigned (code, names): assigned (files assigned),
 * drafts (a draft saved, not yet submitted), submitted (the reviewer's
 * review is in), open (assigned - submitted).  JSON {"survey",
 * "reviewers": [...], "agencies": [...]} or, csv, one table with a column
 * "by" (reviewer, agency): by,code,name_zh,name_en,assigned,drafts,submitted,open.
 */
enum quality_status quality_progress(struct store *s, const char *survey, bool csv,
                                     struct sbuf *out, char *msg, size_t msglen);

#endif
