/*
 * publish — the figures an evaluator publishes.  `manyi publish` computes a
 * stats result, suppresses the groups under the publication threshold (a
 * suppressed group shows only its `by` and "suppressed": true; Cronbach's
 * alpha is left out), then as many more as it takes so that no hidden group
 * can be worked out by subtraction from a total (secondary suppression, see
 * publish_suppress()), and stores it, frozen, with the query that made it.
 * GET /api/v1/public/stats serves the latest publication matching a query
 * to anyone: published numbers do not drift as new answers arrive.
 *
 * Publishing a query again adds a version and keeps the ones before: a
 * query's versions are numbered from 1 in the order they were published,
 * the latest is served unless an older one is asked for (publish_get()),
 * and publish_list() lists every query with its versions.
 */
#ifndef MANYI_PUBLISH_H
#define MANYI_PUBLISH_H

#include <stddef.h>

#include "audit.h"
#include "report.h"
#include "store.h"
#include "util.h"

#define PUBLISH_DEFAULT_LOW_N 30 /* report_query_default()'s threshold */
#define PUBLISH_MIN_LOW_N 10     /* no publication with a lower one */

/*
 * Rewrite a stats JSON document (json, len bytes, borrowed) for publication,
 * appended to out as one line, adding "published_at" (borrowed) when it is
 * not NULL.  Cronbach's alpha is dropped.  Groups with low_n are hidden
 * (only their `by` and "suppressed": true stay), the overall row with low_n
 * too (only "suppressed": true); then in every line of the table (all groups, whose
 * total is the overall row; with two `by` columns also the groups sharing
 * one column's value, whose total is a group of the one-column table) that
 * has exactly one hidden group, the smallest shown one is hidden as well,
 * until none has.  GET /api/v1/stats shows an agency key this rewrite too.
 * False, with nothing appended, when json is not a stats document.
 */
bool publish_suppress(const char *json, size_t len, const char *published_at, struct sbuf *out);

/* What publish_run() stored. */
struct publish_info {
	long long id;          /* the publication's row */
	int version;           /* of its query, from 1 */
	char replaced_at[32];  /* when the version it replaced (version - 1) was published;
	                        * "" for a first version */
	struct audit_head head; /* the audit chain's head it carries ("audit_head") */
};

/*
 * Compute q, suppress, and store the publication as the next version of
 * its query (the versions before are kept) with its audit line, in one
 * transaction of its own; first the days that are over are sealed
 * (audit_seal()), and the publication carries the audit chain's head after
 * its own audit line as "audit_head": {"id", "hash"}.  Returns REPORT_OK
 * with *info filled, or the report's status with msg: REPORT_BAD_QUERY for a threshold under
 * PUBLISH_MIN_LOW_N, REPORT_BUSY or REPORT_STORE when the publication could
 * not be stored (nothing is).
 */
enum report_status publish_run(struct store *s, const struct report_query *q,
                               struct publish_info *info, char *msg, size_t msglen);

/*
 * The publication of q's query, version `version` (from 1; 0 for the
 * latest), appended to out as JSON with "version" (its number) and
 * "latest_version" set.  *versions gets how many versions the query has
 * (0: never published).  STORE_ERR_NOTFOUND when there is no such
 * version, another store error when the database fails.
 */
enum store_err publish_get(struct store *s, const struct report_query *q, int version,
                           int *versions, struct sbuf *out);

/*
 * Every query published for survey, appended to out as the JSON of GET
 * /api/v1/public/publications: {"survey", "publications": [{"query",
 * "published_at" (of the latest), "latest_version", "versions": [{"version",
 * "published_at", "url", "audit_head": {"id", "hash"} (when it carries one)},
 * ...]}, ...]}, queries in order, versions oldest
 * first.
 */
enum store_err publish_list(struct store *s, const char *survey, struct sbuf *out);

/* The head h as JSON, {"id": ID, "hash": "HEX"}, appended to out as one line
 * (`manyi audit head --format json`; the member "audit_head" of a publication). */
void publish_head_json(const struct audit_head *h, struct sbuf *out);

/* The canonical text of q's parameters, the key a publication is found by,
 * into out (capacity n): a threshold other than PUBLISH_DEFAULT_LOW_N is
 * part of it, so a publication never replaces one made with another. */
void publish_key(const struct report_query *q, char *out, size_t n);

#endif
