/* followup_due — a case's deadlines from the calendar; see include/followup_due.h. */
#include "followup_due.h"

#include "workdays.h"

enum store_err followup_due_calendar(struct store *s, const char *date, int n, char out[11],
                                     bool *covered)
{
	struct calendar *c = NULL;
	*covered = false;
	enum store_err e = calendar_load(s, &c);
	if (e != STORE_OK)
		return e;
	*covered = calendar_add(c, date, n, out) == WORKDAYS_OK;
	calendar_free(c);
	return STORE_OK;
}
