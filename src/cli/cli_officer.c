/* manyi import officers and manyi officers: the certificate register (officer.h)
 * and the per-officer satisfaction for evaluators (officer_stats.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "officer.h"
#include "officer_stats.h"
#include "store.h"

int cmd_import_officers(const char *db, int argc, char **argv)
{
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;

	if (argc != 1)
		return usage("import", "import officers: expected exactly one FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (officer_import(s, argv[0], &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported (%zu new, %zu updated)\n", argv[0], res.rows,
		       plural(res.rows, "officer", "officers"), res.created, res.updated);
	}
	store_close(s);
	return rc;
}

/* `manyi officers stats --survey ID [--from --to --weighting base|none] [--min-n N] [--format]`. */
static int officers_stats(const char *db, int argc, char **argv)
{
	static const char *const extra[] = {"--min-n", NULL};
	static const char *const none[] = {NULL};
	struct params p;
	struct report_query rq;
	struct officer_stats_query q;
	bool bad = false;
	long min_n = -1;
	int rc;

	if ((rc = cli_params("officers", &params_officer_stats_keys, extra, none, argc, argv, &p)) != 0)
		return rc;
	const char *mn = opt_value(argc, argv, "--min-n", &bad);
	if (bad)
		return no_value("officers", "officers stats", argc, argv);
	if (mn != NULL && !parse_long(mn, 1, PARAMS_LOW_N_MAX, &min_n))
		return usage("officers", "officers stats: --min-n is a whole number from 1 to %d",
		             PARAMS_LOW_N_MAX);
	params_report_query(&p, &rq);

	struct store *s;
	struct sbuf out;
	char msg[512];
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	officer_stats_query_of(&rq, min_n > 0 ? min_n : config_get(s, CONFIG_OFFICER_MIN_N), &q);
	sbuf_init(&out);
	enum report_status st = officer_stats_run(s, &q, p.csv, &out, msg, sizeof msg);
	rc = print_result("officers", st == REPORT_OK, &out, msg);
	if (st == REPORT_BAD_QUERY)
		rc = EXIT_USAGE;
	sbuf_free(&out);
	store_close(s);
	return rc;
}

int cmd_officers(const char *db, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "stats") == 0)
		return officers_stats(db, argc - 1, argv + 1);
	return usage("officers", "officers: expected stats");
}
