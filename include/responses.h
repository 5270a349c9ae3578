/*
 * responses — importing answers that did not come through the web form:
 * phone interviews (CATI), paper questionnaires, kiosks (CONTRACT §2
 * responses CSV: encounter_id,agency,domain,size,channel,submitted_at, then
 * one column per item id; multi answers ;-separated; empty = missing).
 *
 * Each row is validated exactly as the form validates (answers_check()).
 * With an encounter_id the encounter gives agency, domain and size (a value
 * in the file that disagrees is an error) and may not have been answered
 * before, by any channel; without one the row is public-channel and needs
 * agency and domain.  The import is atomic: the first bad row stops it
 * with "FILE:LINE: reason" and stores nothing.
 */
#ifndef MANYI_RESPONSES_H
#define MANYI_RESPONSES_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"
#include "store.h"
#include "survey.h"

/*
 * Parse an ISO 8601 time with a UTC offset ("2022-04-11T10:00:00+08:00",
 * "...Z", fractional seconds allowed) and write it as UTC
 * "YYYY-MM-DDTHH:MM:SSZ" into out (>= 21 bytes).  False when malformed, or
 * when the offset is over 14 hours or the time in UTC falls outside the
 * years date_valid() takes (1900-2999).
 */
bool iso8601_to_utc(const char *s, char *out, size_t n);

/* Import path for survey sv (stored as version) atomically: IMPORT_OK, or
 * another import_err with msg "FILE:LINE: reason". */
enum import_err responses_import(struct store *s, const struct survey *sv, int version,
                                 const char *path, bool progress, struct import_result *res,
                                 char *msg, size_t msglen);

/*
 * Explain error e of item it (NULL: the row as a whole), whose cell holds
 * cell, to the evaluator who made the file, into msg: the column, the
 * value and what the column takes ("evidence: \"16\" is not points
 * 0..15").  Shared with the reviews import.
 */
void responses_answer_problem(const struct survey *sv, const struct item *it, enum answer_err e,
                              const char *cell, char *msg, size_t n);

#endif
