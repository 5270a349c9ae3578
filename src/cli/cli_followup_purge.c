/* manyi followup purge: delete the call-back contacts whose keeping time is over. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "followup.h"
#include "store.h"
#include "util.h"

/*
 * `manyi followup purge [--today YYYY-MM-DD]`: every sealed contact whose
 * purge_after (closed_on + contact_retention_days) is on or before today
 * (UTC+8; --today for a test or a catch-up) is deleted.  The server does
 * the same at most once an hour.
 */
int cmd_followup_purge(const char *db, int argc, char **argv)
{
	const char *today = NULL;
	struct store *s;
	long n = 0;
	int rc;
	if (argc < 1 || strcmp(argv[0], "purge") != 0)
		return usage("followup", "followup: unknown subcommand \"%s\"", argc > 0 ? argv[0] : "");
	if (argc == 3 && strcmp(argv[1], "--today") == 0 && date_valid(argv[2]))
		today = argv[2];
	else if (argc != 1)
		return usage("followup", "followup purge: takes only --today YYYY-MM-DD (a real date)");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	enum store_err e = followup_purge(s, today, &n);
	if (e != STORE_OK) {
		rc = store_failed(s, e, "followup purge");
		store_close(s);
		return rc;
	}
	printf("%ld call-back contact%s deleted (kept until their case closed and the retention "
	       "days passed)\n", n, n == 1 ? "" : "s");
	store_close(s);
	return 0;
}
