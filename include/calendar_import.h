/*
 * calendar_import — `manyi import calendar FILE.csv` into the calendar's
 * tables (calendar.h).
 */
#ifndef MANYI_CALENDAR_IMPORT_H
#define MANYI_CALENDAR_IMPORT_H

#include <stddef.h>

#include "calendar.h"
#include "import.h"
#include "store.h"

/*
 * `manyi import calendar FILE.csv` (src/import/calendar.c): columns
 * date,kind[,name] — kind "holiday" (a weekday off) or "workday" (a weekend
 * day worked).  Each year the file names is replaced wholly by the file's
 * rows and is then covered (its source: "import FILE").  Atomic: msg
 * "FILE:LINE: reason" (a bad date, a bad kind, a holiday on a weekend, a
 * workday on a weekday, a duplicate date) and nothing stored.
 */
enum import_err calendar_import(struct store *s, const char *path, struct import_result *res,
                                char *msg, size_t msglen);

#endif
