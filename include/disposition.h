/*
 * disposition — the outcomes of phone cases from CSV (CONTRACT §6,
 * `manyi import dispositions FILE.csv`): encounter_id, survey, outcome,
 * attempts, last_call_at.  The encounter must be registered and the survey
 * loaded; outcome is one of disposition_names, attempts a whole number
 * >= 0, last_call_at ISO 8601 with an offset (stored in UTC).  The latest
 * row per encounter and survey stands: a later line of the file, or a
 * later import, replaces an earlier one.  Atomic, as every import.
 */
#ifndef MANYI_DISPOSITION_H
#define MANYI_DISPOSITION_H

#include <stdbool.h>
#include <stddef.h>

#include "import.h"
#include "store.h"

/* Import path atomically: IMPORT_OK, or another import_err with msg "FILE:LINE: reason". */
enum import_err disposition_import(struct store *s, const char *path, struct import_result *res,
                                   char *msg, size_t msglen);

#endif
