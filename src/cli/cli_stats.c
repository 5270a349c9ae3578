/* manyi stats, publish and export: the figures and the data out of the database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "export.h"
#include "params.h"
#include "publish.h"
#include "report.h"
#include "store.h"
#include "util.h"

int cmd_publish(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	struct params p;
	struct report_query q;
	struct publish_info info;
	struct store *s;
	char msg[512];
	int rc;
	if (argc >= 1 && strcmp(argv[0], "evaluation") == 0)
		return cmd_publish_evaluation(db, argc - 1, argv + 1);
	if ((rc = cli_params("publish", &params_stats_keys, none, none, argc, argv, &p)) != 0 ||
	    (rc = open_store(db, false, &s)) != 0)
		return rc;
	params_report_query(&p, &q);
	if (publish_run(s, &q, &info, msg, sizeof msg) != REPORT_OK) {
		fprintf(stderr, "manyi: publish: %s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		char key[256];
		publish_key(&q, key, sizeof key);
		printf("published #%lld: /api/v1/public/stats?%s\n", info.id, key);
		if (info.version > 1)
			printf("replaced the figures published on %s; version %d (the older versions "
			       "stay: &version=1 to %d)\n", info.replaced_at, info.version, info.version - 1);
		else
			printf("version 1 of this query\n");
		printf("audit head %lld %s (check later: manyi audit verify --head %s)\n", info.head.id,
		       info.head.hash, info.head.hash);
	}
	store_close(s);
	return rc;
}

int cmd_stats(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	struct params p;
	struct report_query q;
	int rc;
	if ((rc = cli_params("stats", &params_stats_table_keys, none, none, argc, argv, &p)) != 0)
		return rc;
	params_report_query(&p, &q);

	struct store *s;
	struct sbuf out;
	char msg[512];
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	sbuf_init(&out);
	enum report_status st = report_run(s, &q, p.csv, &out, msg, sizeof msg);
	rc = print_result("stats", st == REPORT_OK, &out, msg);
	if (st == REPORT_BAD_QUERY)
		rc = EXIT_USAGE; /* a measure that is not an item of the survey, ...: what the API answers 400 */
	sbuf_free(&out);
	store_close(s);
	return rc;
}

/*
 * The export of a survey to stdout, or to --out through a temporary file in
 * the same directory that is renamed over FILE only when complete.
 */
int cmd_export(const char *db, int argc, char **argv)
{
	static const char *const extra[] = {"--out", NULL};
	static const char *const flags[] = {NULL};
	struct params p;
	struct export_options o;
	bool bad = false;
	int rc;
	if ((rc = cli_params("export", &params_export_keys, extra, flags, argc, argv, &p)) != 0)
		return rc;
	const char *survey = p.survey;
	const char *out = opt_value(argc, argv, "--out", &bad);
	enum export_format f = p.format;
	params_export_options(&p, &o);
	if (out != NULL && *out == '\0')
		return usage("export", "export: --out needs a file name");
	if (out == NULL && export_format_binary(f) && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "manyi: export: a .%s file is binary and would garble the terminal; "
		        "write it with --out FILE.%s (or redirect stdout)\n",
		        export_format_name(f), export_format_name(f));
		return EXIT_USAGE;
	}

	struct store *s;
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	FILE *fp = stdout;
	char *tmp = NULL;
	if (out != NULL) {
		tmp = xasprintf("%s.tmp-XXXXXX", out);
		int fd = mkstemp(tmp);
		if (fd < 0) {
			fprintf(stderr, "manyi: export: cannot create a file next to %s: %s\n", out, strerror(errno));
			free(tmp);
			store_close(s);
			return EXIT_BAD_INPUT;
		}
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
		fp = fdopen(fd, "wb");
		if (fp == NULL)
			abort();
	}
	char msg[4096];
	enum export_status st = export_write_file(s, survey, f, &o, fp, msg, sizeof msg);
	if (st == EXPORT_OK && (fflush(fp) != 0 || ferror(fp))) {
		snprintf(msg, sizeof msg, "cannot write %s: %s", out ? out : "stdout", strerror(errno));
		st = EXPORT_WRITE;
	}
	if (out != NULL) {
		if (st == EXPORT_OK && fsync(fileno(fp)) != 0) {
			snprintf(msg, sizeof msg, "cannot write %s: %s", out, strerror(errno));
			st = EXPORT_WRITE;
		}
		if (fclose(fp) != 0 && st == EXPORT_OK) {
			snprintf(msg, sizeof msg, "cannot write %s: %s", out, strerror(errno));
			st = EXPORT_WRITE;
		}
		if (st == EXPORT_OK && rename(tmp, out) != 0) {
			snprintf(msg, sizeof msg, "cannot rename the export to %s: %s", out, strerror(errno));
			st = EXPORT_WRITE;
		}
		if (st != EXPORT_OK)
			unlink(tmp);
		free(tmp);
	}
	if (st != EXPORT_OK) {
		fprintf(stderr, "manyi: export: %s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else if (msg[0] != '\0') {
		fprintf(stderr, "manyi: export: warning: %s\n", msg);
	}
	store_close(s);
	return rc;
}
