/*
 * followup_due — a follow-up case's deadlines from the working-day
 * calendar (workdays.h): the hook the programs install with
 * followup_set_due() at start, so that a case opened by any channel (the
 * form, the API, an import) gets its reply and rectification deadlines in
 * the answer's own transaction.  The store cannot call the calendar
 * itself (it is the layer below).
 */
#ifndef MANYI_FOLLOWUP_DUE_H
#define MANYI_FOLLOWUP_DUE_H

#include <stdbool.h>

#include "store.h"

/*
 * date plus n working days into out, read from s's calendar (loaded for
 * the call); *covered false when the calendar does not reach it.  A
 * followup_due_fn.
 */
enum store_err followup_due_calendar(struct store *s, const char *date, int n, char out[11],
                                     bool *covered);

#endif
