/*
 * cli_followup — `manyi followup list|show|indicators` (the evaluator's view
 * of follow-up cases, as the API's JSON; followup_handle.h), and `purge`
 * (cli_followup_purge.c).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "followup_handle.h"
#include "util.h"

static const struct fu_who cli_who = {.evaluator = true, .agency = NULL, .actor = "cli"};

/* Print root as JSON, or fail with the store's error; frees root. */
static int print_json(struct store *s, enum store_err e, cJSON *root, const char *what)
{
	if (e != STORE_OK)
		return store_failed(s, e, what);
	char *text = cJSON_Print(root);
	puts(text);
	free(text);
	cJSON_Delete(root);
	return 0;
}

/* --format json|csv: true for csv; false with *bad for anything else. */
static bool format_csv(int argc, char **argv, bool *bad)
{
	const char *f = opt_value(argc, argv, "--format", bad);
	if (f != NULL && strcmp(f, "csv") != 0 && strcmp(f, "json") != 0)
		*bad = true;
	return f != NULL && strcmp(f, "csv") == 0;
}

/* The cases of list as CSV on stdout, names beside codes. */
static void list_csv(const cJSON *list)
{
	static const char *const cols[] = {"code", "agency", "agency_name", "domain", "domain_name",
	                                   "survey", "month", "reason", "opened_on", "reply_due",
	                                   "rectify_due", "state", "overdue", "rectify_by"};
	csv_row(stdout, cols, ARRAY_SIZE(cols));
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(list, "followups"))
	{
		const char *f[ARRAY_SIZE(cols)];
		char reason[64] = "";
		const cJSON *r;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(c, "reason"))
			snprintf(reason + strlen(reason), sizeof reason - strlen(reason), "%s%s",
			         *reason ? "," : "", r->valuestring);
		for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, cols[i]);
			if (cJSON_IsObject(v))
				v = cJSON_GetObjectItemCaseSensitive(v, "zh");
			f[i] = cJSON_IsString(v) ? v->valuestring : cJSON_IsTrue(v) ? "1" : cJSON_IsFalse(v) ? "0" : "";
		}
		f[7] = reason;
		csv_row(stdout, f, ARRAY_SIZE(f));
	}
}

/* `manyi followup list [--agency A] [--state S] [--survey ID] [--overdue] [--format json|csv]` */
static int list_cmd(const char *db, int argc, char **argv)
{
	static const char *const with[] = {"--agency", "--state", "--survey", "--format", NULL};
	static const char *const flags[] = {"--overdue", NULL};
	struct fu_filter f = {0};
	char why[200], today[11];
	bool bad = false;
	struct store *s;
	cJSON *out = NULL;
	int rc;

	if (!opts_known(argc, argv, with, flags, why, sizeof why))
		return usage("followup", "followup list: %s", why);
	f.agency = opt_value(argc, argv, "--agency", &bad);
	f.state = opt_value(argc, argv, "--state", &bad);
	f.survey = opt_value(argc, argv, "--survey", &bad);
	f.overdue = opt_flag(argc, argv, "--overdue");
	bool csv = format_csv(argc, argv, &bad);
	if (bad)
		return usage("followup", "followup list: each option takes a value; --format json or csv");
	if (f.state != NULL && !followup_state_valid(f.state))
		return usage("followup", "followup list: --state is one of open, replied, returned, "
		             "accepted, appealed, excluded, closed, not \"%s\"", f.state);
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	followup_today(today);
	enum store_err e = followup_list_json(s, &cli_who, &f, today, &out);
	if (e == STORE_OK && csv) {
		list_csv(out);
		cJSON_Delete(out);
	} else {
		rc = print_json(s, e, out, "followup list");
	}
	store_close(s);
	return rc;
}

/* `manyi followup show CODE` */
static int show_cmd(const char *db, int argc, char **argv)
{
	struct store *s;
	char today[11];
	cJSON *out = NULL;
	int rc;
	if (argc != 1)
		return usage("followup", "followup show: expected one case code (FU-...)");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	followup_today(today);
	enum store_err e = followup_case_json(s, &cli_who, argv[0], today, &out);
	if (e == STORE_ERR_NOTFOUND) {
		fprintf(stderr, "manyi: followup show: no follow-up case %s\n", argv[0]);
		rc = EXIT_BAD_INPUT;
	} else {
		rc = print_json(s, e, out, "followup show");
	}
	store_close(s);
	return rc;
}

/* `manyi followup indicators [--survey ID] [--agency A] [--from DATE] [--to DATE] [--format json|csv]` */
static int indicators_cmd(const char *db, int argc, char **argv)
{
	static const char *const with[] = {"--survey", "--agency", "--from", "--to", "--format", NULL};
	static const char *const flags[] = {NULL};
	char why[200], today[11];
	bool bad = false;
	struct store *s;
	cJSON *out = NULL;
	int rc;

	if (!opts_known(argc, argv, with, flags, why, sizeof why))
		return usage("followup", "followup indicators: %s", why);
	struct fu_ind_query q = {
		.survey = opt_value(argc, argv, "--survey", &bad),
		.agency = opt_value(argc, argv, "--agency", &bad),
		.from = opt_value(argc, argv, "--from", &bad),
		.to = opt_value(argc, argv, "--to", &bad),
		.today = today,
	};
	bool csv = format_csv(argc, argv, &bad);
	if (bad)
		return usage("followup", "followup indicators: each option takes a value; --format json or csv");
	if ((q.from && !date_valid(q.from)) || (q.to && !date_valid(q.to)))
		return usage("followup", "followup indicators: --from and --to take a date YYYY-MM-DD");
	if (q.from && q.to && strcmp(q.from, q.to) > 0)
		return usage("followup", "followup indicators: --to %s is before --from %s", q.to, q.from);
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	followup_today(today);
	enum store_err e = followup_indicators(s, &q, &out);
	if (e == STORE_OK && csv) {
		struct sbuf b;
		sbuf_init(&b);
		followup_indicators_csv(out, &b);
		fwrite(b.data, 1, b.len, stdout);
		sbuf_free(&b);
		cJSON_Delete(out);
	} else {
		rc = print_json(s, e, out, "followup indicators");
	}
	store_close(s);
	return rc;
}

int cmd_followup(const char *db, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return list_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "show") == 0)
		return show_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "indicators") == 0)
		return indicators_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "purge") == 0)
		return cmd_followup_purge(db, argc, argv);
	return usage("followup", "followup: expected list, show, indicators or purge");
}
