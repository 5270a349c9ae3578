/* manyi evaluate and the efficacy imports (duties, performance, quality-scores). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "duty.h"
#include "evaluate.h"
#include "stats.h"
#include "store.h"
#include "util.h"

int cmd_import_efficacy(const char *db, int argc, char **argv)
{
	static const char *const kinds[DUTY__MAX] = {"duties", "performance", "quality-scores"};
	static const char *const nouns[DUTY__MAX][2] = {
		{"duty", "duties"}, {"performance row", "performance rows"}, {"quality score", "quality scores"}};
	struct import_result res;
	struct store *s;
	char msg[1024];
	int k, rc;

	for (k = 0; k < DUTY__MAX; k++)
		if (strcmp(argv[0], kinds[k]) == 0)
			break;
	if (k == DUTY__MAX)
		return -1;
	if (argc != 2)
		return usage("import", "import %s: expected exactly one FILE.csv", kinds[k]);
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (duty_import(s, (enum duty_kind)k, argv[1], &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported\n", argv[1], res.rows,
		       plural(res.rows, nouns[k][0], nouns[k][1]));
	}
	store_close(s);
	return rc;
}

/* Parse "a,b,c" into three numbers >= 0; false on anything else. */
static bool three(const char *s, double out[3])
{
	char *end;
	for (int i = 0; i < 3; i++) {
		out[i] = strtod(s, &end);
		if (end == s || !isfinite(out[i]) || out[i] < 0 || *end != (i < 2 ? ',' : '\0'))
			return false;
		s = end + 1;
	}
	return true;
}

int cmd_evaluate(const char *db, int argc, char **argv)
{
	struct evaluate_query q = {.weighting = "base", .measure = "index", .rate = "mean",
	                           .opt = {.weights = {1, 1, 1}, .bands = {90, 80, 60}, .seed = 1,
	                                   .simulations = EVAL_SIMULATIONS}};
	bool show = false, have_year = false;
	long v;
	int rc;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--show") == 0) {
			show = true;
			continue;
		}
		if (val == NULL)
			return usage("evaluate", "evaluate: %s needs a value", a);
		i++;
		if (strcmp(a, "--year") == 0 && parse_long(val, 1900, 9999, &v)) {
			q.year = (int)v;
			have_year = true;
		} else if (strcmp(a, "--year") == 0) {
			return usage("evaluate", "evaluate: --year %s is not a year (1900 to 9999)", val);
		} else if (strcmp(a, "--weights") == 0) {
			if (!three(val, q.opt.weights) || q.opt.weights[0] + q.opt.weights[1] + q.opt.weights[2] <= 0)
				return usage("evaluate", "evaluate: --weights %s is not P,Q,S (three numbers >= 0, "
				             "not all 0)", val);
		} else if (strcmp(a, "--bands") == 0) {
			double *b = q.opt.bands;
			if (!three(val, b) || !(b[0] > b[1] && b[1] > b[2]) || b[0] > 100)
				return usage("evaluate", "evaluate: --bands %s is not three decreasing bounds from "
				             "100 to 0 (like 90,80,60)", val);
		} else if (strcmp(a, "--seed") == 0 && parse_long(val, 0, LONG_MAX, &v)) {
			q.opt.seed = (unsigned long long)v;
		} else if (strcmp(a, "--seed") == 0) {
			return usage("evaluate", "evaluate: --seed %s is not a whole number 0 or more", val);
		} else if (strcmp(a, "--weighting") == 0) {
			enum stats_weighting w;
			if (!stats_weighting_parse(val, &w))
				return usage("evaluate", "evaluate: --weighting %s is not one of none, base, "
				             "poststrat, rake", val);
			q.weighting = val;
		} else if (strcmp(a, "--measure") == 0) {
			if (strcmp(val, "index") != 0 && strcmp(val, "overall") != 0)
				return usage("evaluate", "evaluate: --measure %s is not index or overall", val);
			q.measure = val;
		} else if (strcmp(a, "--rate") == 0) {
			if (strcmp(val, "mean") != 0 && strcmp(val, "pooled") != 0)
				return usage("evaluate", "evaluate: --rate %s is not mean or pooled", val);
			q.rate = val;
		} else if (strcmp(a, "--survey") == 0) {
			q.survey = val;
		} else if (strcmp(a, "--rubric") == 0) {
			q.rubric = val;
		} else {
			return usage("evaluate", "evaluate: unknown option %s", a);
		}
	}
	if (!have_year)
		return usage("evaluate", "evaluate: --year Y is required");

	struct store *s;
	struct sbuf out;
	char msg[1024];
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	sbuf_init(&out);
	if (show) {
		char *text = NULL;
		enum store_err e = evaluation_get(s, q.year, &text);
		if (e == STORE_ERR_NOTFOUND) {
			fprintf(stderr, "manyi: evaluate: no evaluation of %d is stored (run manyi evaluate "
			        "--year %d)\n", q.year, q.year);
			rc = EXIT_BAD_INPUT;
		} else if (e != STORE_OK) {
			rc = store_failed(s, e, "the evaluation");
		} else {
			printf("%s\n", text);
		}
		free(text);
	} else if (evaluate_run(s, &q, &out, msg, sizeof msg) != EVALUATE_OK) {
		fprintf(stderr, "manyi: evaluate: %s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		fputs(out.data, stdout);
	}
	sbuf_free(&out);
	store_close(s);
	return rc;
}
