/*
 * report — `manyi stats` and GET /api/v1/stats: read the responses and the
 * registry counts of a survey from the store, hand them to the statistics
 * (stats.h), and write the JSON of CONTRACT §5 (or CSV).
 *
 * Periods (--from, --to, month, quarter, year) follow the encounter's
 * occurred_on; for public-channel answers (no encounter) the submission
 * date in China Standard Time (UTC+8).  The registry counts N_h, agency x
 * domain, domain and size come from the encounters within the same period.
 *
 * The groups are the combinations of --by values found among the responses
 * of the design (as svyby() finds them): under base, poststrat and rake a
 * group of public-channel answers alone is not reported.  A weighting that
 * cannot be computed because cells of the registry have no answer names
 * every such cell, as R's postStratify() does.  docs/statistics.md says
 * what every figure is.
 */
#ifndef MANYI_REPORT_H
#define MANYI_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "stats.h"
#include "store.h"
#include "util.h"

enum report_by {
	BY_AGENCY, BY_DOMAIN, BY_SIZE, BY_DISTRICT, BY_OUTCOME, BY_CHANNEL,
	BY_MONTH, BY_QUARTER, BY_YEAR, BY__MAX
};

#define REPORT_MAX_BY 2

struct report_query {
	const char *survey;
	const char *measure;             /* an item id, or "index" (default) */
	enum report_by by[REPORT_MAX_BY];
	size_t nby;
	enum stats_weighting weighting;  /* default base */
	const char *from;                /* YYYY-MM-DD or NULL */
	const char *to;
	double level;                    /* default 0.95 */
	double low_n;                    /* default 30 */
	const char *only_agency;         /* agency keys: keep only this agency's groups, or NULL */
	enum lang lang;                  /* the CSV's name columns: LANG_ZH (default) or LANG_EN */
};

void report_query_default(struct report_query *q);

/* "agency", "domain", ... */
const char *report_by_name(enum report_by b);

/*
 * The name of a firm size code ("large", ..., "household") in language l
 * (static), or NULL for any other code.  Agencies and domains are named
 * by the registry (store_registry_list()).
 */
const char *report_size_name(const char *code, enum lang l);

/* Parse "agency,domain" into q->by; false with msg on anything else. */
bool report_parse_by(const char *s, struct report_query *q, char *msg, size_t n);

enum report_status {
	REPORT_OK,
	REPORT_BAD_QUERY,   /* unknown survey, measure... (msg says) */
	REPORT_NO_DATA,     /* the statistics could not be computed (msg says why) */
	REPORT_EMPTY,       /* nothing to estimate yet: no answers in the period, or (for a
	                     * weighting other than none) no encounter registered or no
	                     * answer from the invitation sample; msg says what to import */
	REPORT_BUSY,        /* the database is busy: nothing is known, try again */
	REPORT_STORE,       /* the database failed */
	REPORT__MAX
};

/* "the database is busy, try again", ... for each status (msg says more). */
const char *report_strerror(enum report_status st);

/*
 * Compute and write the result as JSON (csv false) or CSV (csv true) into
 * out (appended).  msg says what was wrong otherwise.
 */
enum report_status report_run(struct store *s, const struct report_query *q, bool csv,
                              struct sbuf *out, char *msg, size_t msglen);

/*
 * The weights of a survey's responses under each weighting (for exports),
 * by cell: a response's weight depends only on whether it is in the
 * invitation sample and on its agency, domain and size, so the table grows
 * with the cells, never with the responses.
 */
struct report_weights {
	size_t n;                     /* cells */
	char **keys;                  /* sorted; see report_weights_cell() */
	double (*w)[STATS_W__MAX];    /* w[cell][weighting]; NaN where that weighting failed */
	double *n_h;                  /* [cell]: N_h, the encounters registered for the cell's
	                               * agency in the period (the fpc of stratum_n) */
	char why[STATS_W__MAX][1024]; /* why a weighting failed, else "" */
};

/* The weights of the responses to survey within [from, to]; free with report_weights_free(). */
enum report_status report_weights(struct store *s, const char *survey, const char *from,
                                  const char *to, struct report_weights *out, char *msg,
                                  size_t msglen);
/*
 * The cell of a response like this one (size NULL when unknown), an index
 * into w and n_h; -1 when the table has no such cell.
 */
long report_weights_cell(const struct report_weights *w, bool sampled, const char *agency,
                         const char *domain, const char *size);
void report_weights_free(struct report_weights *w);

#endif
