/*
 * integrity_report — the review queue as JSON (docs/integrity.md), for
 * `manyi integrity flags --format json` and GET /api/v1/integrity/flags:
 * the flagged answers with the registry's names beside the codes, and
 * the same answers grouped by agency, by rule and by group (a burst, a
 * device), each with how many are open, kept and excluded.
 */
#ifndef MANYI_INTEGRITY_REPORT_H
#define MANYI_INTEGRITY_REPORT_H

#include "integrity.h"
#include "store.h"
#include "util.h"

/* The queue of q as one JSON object appended to out. */
enum store_err integrity_queue_json(struct store *s, const struct integrity_query *q,
                                    struct sbuf *out);

#endif
