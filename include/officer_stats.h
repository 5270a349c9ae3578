/*
 * officer_stats — satisfaction per enforcement officer, for evaluators only
 * (issue 15): `manyi officers stats` and GET /api/v1/officers/stats.
 *
 * The design is the survey's (report.h, CONTRACT §5) over the period:
 * weighting base (strata = agency, w = N_h / n_h, fpc N_h; the invitation
 * sample) or none (every answer).  The measure is the composite index.  An
 * officer's figures are a domain estimate on that full design, as
 *
 *     d$named <- the answer's encounter names the officer
 *     svyby(~index, ~named, des, svymean, na.rm = TRUE)   # the TRUE row
 *     confint(est, df = degf(des), level = level)
 *
 * so officers named together on one encounter share its answer (the
 * domains overlap; each is estimated on its own).  An officer with fewer
 * than min_n answers (config officer_min_n, default 30) is listed with n
 * only: every figure null and "suppressed": true.  tests/officers/ holds
 * R's figures and the script that made them.
 *
 * JSON: {"survey", "measure": "index", "weighting", "level", "min_n",
 * "from", "to" (null when not given), "overall": {n, wsum, mean, se, df,
 * ci_low, ci_high}, "officers": [{"cert_no", "name", "agency",
 * "agency_name": {"zh", "en"}, "status", "n", "suppressed", "wsum",
 * "mean", "se", "df", "ci_low", "ci_high"}]} — officers named by at least
 * one answer of the period, by agency then certificate number.  CSV: one
 * row per officer with agency_name beside agency.
 */
#ifndef MANYI_OFFICER_STATS_H
#define MANYI_OFFICER_STATS_H

#include <stdbool.h>

#include "report.h"
#include "store.h"
#include "util.h"

struct officer_stats_query {
	const char *survey;
	enum stats_weighting weighting; /* STATS_W_BASE (default) or STATS_W_NONE */
	const char *from, *to;          /* YYYY-MM-DD or NULL */
	double level;                   /* default 0.95 */
	long min_n;                     /* the publication threshold per officer */
};

/* The officers' query of a statistics query rq (survey, weighting, from, to,
 * level; borrowed) with threshold min_n. */
void officer_stats_query_of(const struct report_query *rq, long min_n, struct officer_stats_query *q);

/*
 * Compute and append the JSON (csv false) or CSV into out; msg says what
 * was wrong otherwise (statuses as report_run()'s).
 */
enum report_status officer_stats_run(struct store *s, const struct officer_stats_query *q, bool csv,
                                     struct sbuf *out, char *msg, size_t msglen);

#endif
