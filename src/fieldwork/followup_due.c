/* followup_due — a case's deadlines from the calendar; see include/followup_due.h. */
#include "followup_due.h"

#include <pthread.h>

#include "workdays.h"

/*
 * The calendar read for the last case, kept while the database is
 * unchanged (store_data_version) and the connection the same: a bulk
 * import opens thousands of cases in one transaction, and reading the
 * calendar for each would cost more than the answers.  A commit anywhere
 * reads it again.  One process-wide entry (the program has one database).
 */
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct store *s;
	long long version;
	struct calendar *c;
} kept;

enum store_err followup_due_calendar(struct store *s, const char *date, int n, char out[11],
                                     bool *covered)
{
	long long v = -1;
	enum store_err e = STORE_OK;
	*covered = false;
	pthread_mutex_lock(&kept_lock);
	if (store_data_version(s, &v) != STORE_OK || kept.s != s || kept.version != v ||
	    kept.c == NULL) {
		calendar_free(kept.c);
		kept.c = NULL;
		kept.s = NULL;
		if ((e = calendar_load(s, &kept.c)) == STORE_OK) {
			kept.s = s;
			kept.version = v;
		}
	}
	if (e == STORE_OK)
		*covered = calendar_add(kept.c, date, n, out) == WORKDAYS_OK;
	pthread_mutex_unlock(&kept_lock);
	return e;
}
