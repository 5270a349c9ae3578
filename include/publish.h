/*
 * publish — the figures an evaluator publishes.  `manyi publish` computes a
 * stats result, suppresses the groups under the publication threshold (a
 * suppressed group shows only its `by` and "suppressed": true; Cronbach's
 * alpha is left out) and stores it, frozen, with the query that made it.
 * GET /api/v1/public/stats serves the latest publication matching a query
 * to anyone: published numbers do not drift as new answers arrive.
 */
#ifndef MANYI_PUBLISH_H
#define MANYI_PUBLISH_H

#include <stddef.h>

#include "report.h"
#include "store.h"
#include "util.h"

/*
 * Rewrite a stats JSON document (json, len bytes) for publication into out,
 * adding "published_at" when it is not NULL.  False when json is not a
 * stats document.
 */
bool publish_suppress(const char *json, size_t len, const char *published_at, struct sbuf *out);

/*
 * Compute q, suppress, and store the publication.  Returns REPORT_OK with
 * *id set, or the report's status with msg.
 */
enum report_status publish_run(struct store *s, const struct report_query *q, long long *id,
                               char *msg, size_t msglen);

/* The canonical text of q's parameters, the key a publication is found by. */
void publish_key(const struct report_query *q, char *out, size_t n);

#endif
