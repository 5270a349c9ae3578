/*
 * manyi reviewer, quality, import cases and import reviews: case-file
 * review (CONTRACT §6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "params.h"
#include "quality.h"
#include "review.h"
#include "review_sample.h"
#include "store.h"
#include "util.h"

int cmd_import_cases(const char *db, int argc, char **argv)
{
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;
	if (argc != 1)
		return usage("import", "import cases: expected exactly one FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (cases_import(s, argv[0], &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported\n", argv[0], res.rows, plural(res.rows, "case", "cases"));
	}
	store_close(s);
	return rc;
}

/* The latest version of rubric id: 0 with *version and *sv, else the exit status after saying why. */
static int load_rubric(struct store *s, const char *id, int *version, struct survey **sv)
{
	char *def = NULL, msg[256];
	enum store_err e = store_survey_latest(s, id, version, &def);
	*sv = NULL;
	if (e == STORE_ERR_NOTFOUND) {
		fprintf(stderr, "manyi: unknown survey \"%s\" (manyi survey load FILE.json)\n", id);
		return EXIT_BAD_INPUT;
	}
	if (e != STORE_OK)
		return store_failed(s, e, id);
	if (survey_parse(id, def, strlen(def), sv, msg, sizeof msg) != SURVEY_OK) {
		fprintf(stderr, "manyi: stored survey \"%s\" does not parse: %s\n", id, msg);
		free(def);
		return EXIT_BAD_INPUT;
	}
	free(def);
	if (!survey_is_rubric(*sv)) {
		fprintf(stderr, "manyi: \"%s\" is a survey of respondents, not a case-review rubric "
		        "(audience reviewer)\n", id);
		survey_free(*sv);
		*sv = NULL;
		return EXIT_BAD_INPUT;
	}
	return 0;
}

int cmd_import_reviews(const char *db, int argc, char **argv)
{
	const char *survey = NULL, *file = NULL;
	struct store *s;
	struct survey *sv = NULL;
	struct import_result res;
	char msg[1024];
	int rc, version;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--survey") == 0 && i + 1 < argc && survey == NULL)
			survey = argv[++i];
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return usage("import", "import reviews: expected --survey ID FILE.csv");
	}
	if (survey == NULL || file == NULL)
		return usage("import", "import reviews: expected --survey ID FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if ((rc = load_rubric(s, survey, &version, &sv)) == 0) {
		if (reviews_import(s, sv, version, file, &res, msg, sizeof msg) != IMPORT_OK) {
			fprintf(stderr, "%s\n", msg);
			rc = EXIT_BAD_INPUT;
		} else {
			printf("%s: %zu %s imported into %s version %d\n", file, res.rows,
			       plural(res.rows, "review", "reviews"), survey, version);
		}
	}
	survey_free(sv);
	store_close(s);
	return rc;
}

/* `manyi reviewer add CODE --name NAME [--affiliation TEXT] [--conflict AGENCY[,AGENCY]]`. */
static int reviewer_add_cmd(const char *db, int argc, char **argv)
{
	static const char *const with_value[] = {"--name", "--affiliation", "--conflict", NULL};
	static const char *const flags[] = {NULL};
	char why[256], msg[512];
	bool bad = false;
	struct store *s;
	int rc;

	if (argc < 1 || argv[0][0] == '-')
		return usage("reviewer", "reviewer add: expected a CODE first");
	const char *name = opt_value(argc - 1, argv + 1, "--name", &bad);
	const char *aff = opt_value(argc - 1, argv + 1, "--affiliation", &bad);
	const char *conflict = opt_value(argc - 1, argv + 1, "--conflict", &bad);
	if (bad || !opts_known(argc - 1, argv + 1, with_value, flags, why, sizeof why))
		return usage("reviewer", "reviewer add: %s", bad ? "an option lacks its value" : why);
	if (name == NULL)
		return usage("reviewer", "reviewer add: --name NAME is required");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	enum store_err e = reviewer_add(s, argv[0], name, aff, conflict, msg, sizeof msg);
	if (e == STORE_OK && store_audit(s, "cli", "reviewer add", argv[0], conflict) == STORE_OK)
		printf("reviewer %s added\n", argv[0]);
	else
		rc = e == STORE_ERR_CONSTRAINT ? (fprintf(stderr, "manyi: reviewer add: %s\n", msg),
		                                  EXIT_BAD_INPUT)
		                               : store_failed(s, e, "reviewer add");
	store_close(s);
	return rc;
}

/* The zh name of agency code in l, or "". */
static const char *agency_zh(const struct registry_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return l->v[i].name[LANG_ZH];
	return "";
}

/* `manyi reviewer list`: CSV code,name,affiliation,conflicts,conflict_names. */
static int reviewer_list_cmd(const char *db, int argc, char **argv)
{
	struct reviewer_list l = {0};
	struct registry_list ag = {0};
	struct store *s;
	enum store_err e;
	int rc;

	(void)argv;
	if (argc != 0)
		return usage("reviewer", "reviewer list: takes no arguments");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if ((e = store_reviewer_list(s, &l)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_AGENCY, &ag)) != STORE_OK) {
		rc = store_failed(s, e, "reviewer list");
	} else {
		const char *head[] = {"code", "name", "affiliation", "conflicts", "conflict_names"};
		csv_row(stdout, head, 5);
		for (size_t i = 0; i < l.n; i++) {
			struct sbuf codes, names;
			sbuf_init(&codes);
			sbuf_init(&names);
			for (size_t k = 0; k < l.v[i].nconflicts; k++) {
				sbuf_printf(&codes, "%s%s", k ? ";" : "", l.v[i].conflicts[k]);
				sbuf_printf(&names, "%s%s", k ? ";" : "", agency_zh(&ag, l.v[i].conflicts[k]));
			}
			const char *row[] = {l.v[i].code, l.v[i].name, l.v[i].affiliation,
			                     codes.len ? codes.data : "", names.len ? names.data : ""};
			csv_row(stdout, row, 5);
			sbuf_free(&codes);
			sbuf_free(&names);
		}
	}
	reviewer_list_free(&l);
	registry_list_free(&ag);
	store_close(s);
	return rc;
}

int cmd_reviewer(const char *db, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return reviewer_add_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return reviewer_list_cmd(db, argc - 1, argv + 1);
	return usage("reviewer", "reviewer: expected add or list");
}

/* `manyi quality --survey ID [--by agency|domain|kind|outcome] [--from] [--to] [--level] [--format] [--lang]`. */
int cmd_quality(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	struct params_keys keys = params_quality_keys;
	struct params p;
	struct store *s;
	struct sbuf out;
	char msg[512];
	int rc;

	keys.need[PARAM_TABLE_FORMAT] = PARAM_OPTIONAL;
	keys.need[PARAM_LANG] = PARAM_OPTIONAL;
	if ((rc = cli_params("quality", &keys, none, none, argc, argv, &p)) != 0)
		return rc;
	struct quality_query q = {
		.survey = p.survey,
		.by = (enum quality_by)p.quality_by,
		.from = p.given[PARAM_FROM] ? p.from : NULL,
		.to = p.given[PARAM_TO] ? p.to : NULL,
		.level = p.level,
		.csv = p.csv,
		.lang = p.lang,
	};
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	sbuf_init(&out);
	rc = print_result("quality", quality_report(s, &q, &out, msg, sizeof msg) == QUALITY_OK, &out, msg);
	sbuf_free(&out);
	store_close(s);
	return rc;
}

/* The options of manyi review sample into *spec (survey and period borrowed from *p): 0, or the
 * usage status after the message. */
static int sample_options(int argc, char **argv, struct params *p, struct review_sample_spec *spec)
{
	static const struct params_keys keys = {.need = {
		[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
	}};
	static const char *const extra[] = {"--n", "--per-agency", "--allocation", "--double", "--seed",
	                                    NULL};
	static const char *const flags[] = {"--by-kind", NULL};
	bool bad = false;
	long v;
	int rc;
	if ((rc = cli_params("review", &keys, extra, flags, argc, argv, p)) != 0)
		return rc;
	const char *n = opt_value(argc, argv, "--n", &bad), *per = opt_value(argc, argv, "--per-agency", &bad);
	const char *alloc = opt_value(argc, argv, "--allocation", &bad);
	const char *dbl = opt_value(argc, argv, "--double", &bad), *seed = opt_value(argc, argv, "--seed", &bad);
	char *end = NULL;
	*spec = (struct review_sample_spec){
		.survey = p->survey, .from = p->given[PARAM_FROM] ? p->from : NULL,
		.to = p->given[PARAM_TO] ? p->to : NULL, .allocation = ALLOC_PROPORTIONAL,
		.by_kind = opt_flag(argc, argv, "--by-kind"), .double_share = 0.2,
	};
	if ((n == NULL) == (per == NULL))
		return usage("review", "review sample: give either --n N (files in all) or --per-agency N");
	if (!parse_long(n != NULL ? n : per, 1, 10000000, &v))
		return usage("review", "review sample: %s must be a whole number from 1",
		             n != NULL ? "--n" : "--per-agency");
	*(n != NULL ? &spec->n : &spec->per_agency) = (size_t)v;
	if (seed == NULL || !parse_long(seed, 0, 4294967295L, &v))
		return usage("review", "review sample: --seed S is required, a whole number from 0 to "
		             "4294967295 (the same seed draws the same sample)");
	spec->seed = (unsigned long)v;
	if (alloc != NULL && (per != NULL || (strcmp(alloc, "equal") != 0 && strcmp(alloc, "proportional") != 0)))
		return usage("review", "review sample: --allocation is proportional or equal, with --n only");
	if (alloc != NULL && strcmp(alloc, "equal") == 0)
		spec->allocation = ALLOC_EQUAL;
	if (dbl != NULL && (spec->double_share = strtod(dbl, &end), end == dbl || *end != '\0' ||
	                    !(spec->double_share >= 0 && spec->double_share <= 1)))
		return usage("review", "review sample: --double is the share of files reviewed twice, "
		             "a number from 0 to 1 (default 0.2)");
	return 0;
}

/* `manyi review sample`: draw, assign, store; CSV of the assignments to stdout. */
static int review_sample_cmd(const char *db, int argc, char **argv)
{
	struct review_sample_spec spec;
	struct reviewer_list panel = {0};
	struct registry_list ag = {0};
	struct review_assignment *a = NULL;
	struct survey *sv = NULL;
	struct params p;
	struct store *s;
	size_t n = 0;
	char msg[512];
	int rc, version;

	if ((rc = sample_options(argc, argv, &p, &spec)) != 0 || (rc = open_store(db, false, &s)) != 0)
		return rc;
	if ((rc = load_rubric(s, spec.survey, &version, &sv)) == 0) {
		if (review_sample(s, &spec, &panel, &a, &n, msg, sizeof msg) != REVIEW_SAMPLE_OK) {
			fprintf(stderr, "manyi: review sample: %s\n", msg);
			rc = EXIT_BAD_INPUT;
		} else {
			const char *head[] = {"case_id", "agency", "agency_name", "domain", "kind",
			                      "decided_on", "reviewer", "reviewer_name", "round"};
			store_registry_list(s, REGISTRY_AGENCY, &ag);
			csv_row(stdout, head, 9);
			for (size_t i = 0; i < n; i++) {
				const struct case_file *c = &a[i].c;
				const char *row[] = {c->id, c->agency, agency_zh(&ag, c->agency), c->domain, c->kind,
				                     c->decided_on, panel.v[a[i].reviewer].code,
				                     panel.v[a[i].reviewer].name, a[i].round == 1 ? "1" : "2"};
				csv_row(stdout, row, 9);
			}
		}
	}
	free(a);
	reviewer_list_free(&panel);
	registry_list_free(&ag);
	survey_free(sv);
	store_close(s);
	return rc;
}

/* `manyi review disagreements --survey ID [--threshold 10] [--lang zh|en]`: CSV of the files to settle. */
static int disagreements_cmd(const char *db, int argc, char **argv)
{
	static const struct params_keys keys = {.need = {
		[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_LANG] = PARAM_OPTIONAL,
	}};
	static const char *const extra[] = {"--threshold", NULL};
	static const char *const none[] = {NULL};
	struct params p;
	struct store *s;
	struct sbuf out;
	char msg[512], *end = NULL;
	bool bad = false;
	double threshold = 10;
	int rc;

	if ((rc = cli_params("review", &keys, extra, none, argc, argv, &p)) != 0)
		return rc;
	const char *t = opt_value(argc, argv, "--threshold", &bad);
	if (t != NULL && (threshold = strtod(t, &end), end == t || *end != '\0' || !(threshold >= 0) ||
	                  !(threshold <= 1000)))
		return usage("review", "review disagreements: --threshold is the points two totals may "
		             "differ by, a number from 0 to 1000 (default 10)");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	sbuf_init(&out);
	rc = print_result("review disagreements",
	                  quality_disagreements(s, p.survey, threshold, p.lang, &out, msg, sizeof msg) ==
	                      QUALITY_OK,
	                  &out, msg);
	sbuf_free(&out);
	store_close(s);
	return rc;
}

/* `manyi review progress --survey ID [--format json|csv]`: assigned, drafts, submitted. */
static int progress_cmd(const char *db, int argc, char **argv)
{
	static const struct params_keys keys = {.need = {
		[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_TABLE_FORMAT] = PARAM_OPTIONAL,
	}};
	static const char *const none[] = {NULL};
	struct params p;
	struct store *s;
	struct sbuf out;
	char msg[512];
	int rc;

	if ((rc = cli_params("review", &keys, none, none, argc, argv, &p)) != 0 ||
	    (rc = open_store(db, false, &s)) != 0)
		return rc;
	sbuf_init(&out);
	rc = print_result("review progress",
	                  quality_progress(s, p.survey, p.csv, &out, msg, sizeof msg) == QUALITY_OK, &out,
	                  msg);
	sbuf_free(&out);
	store_close(s);
	return rc;
}

/*
 * `manyi review adjudicate CASE --survey ID (--third REVIEWER | --decide --total N
 * --defect yes|no --note TEXT)`: a third review assigned or the panel's decision.
 */
static int adjudicate_cmd(const char *db, int argc, char **argv)
{
	static const char *const with_value[] = {"--survey", "--third", "--total", "--defect", "--note",
	                                         NULL};
	static const char *const flags[] = {"--decide", NULL};
	static const char *const form[] = {"review adjudicate: expected CASE --survey ID "
	                                   "(--third REVIEWER | --decide --total N --defect yes|no "
	                                   "--note TEXT)"};
	char why[256], msg[1024], *end = NULL;
	bool bad = false, decide = false;
	struct store *s;
	struct survey *sv = NULL;
	int rc, version;

	if (argc < 1 || argv[0][0] == '-')
		return usage("review", "%s", form[0]);
	if (!opts_known(argc - 1, argv + 1, with_value, flags, why, sizeof why))
		return usage("review", "review adjudicate: %s", why);
	for (int i = 1; i < argc; i++)
		decide |= strcmp(argv[i], "--decide") == 0;
	const char *survey = opt_value(argc - 1, argv + 1, "--survey", &bad);
	const char *third = opt_value(argc - 1, argv + 1, "--third", &bad);
	const char *total = opt_value(argc - 1, argv + 1, "--total", &bad);
	const char *defect = opt_value(argc - 1, argv + 1, "--defect", &bad);
	const char *note = opt_value(argc - 1, argv + 1, "--note", &bad);
	if (bad || survey == NULL || decide == (third != NULL))
		return usage("review", "%s", form[0]);
	if (third != NULL && (total != NULL || defect != NULL || note != NULL))
		return usage("review", "review adjudicate: --third takes no --total, --defect or --note");
	struct adjudication j = {.case_id = argv[0], .survey = survey, .third = third, .note = note};
	if (decide) {
		long t = total != NULL ? strtol(total, &end, 10) : -1;
		if (total == NULL || end == total || *end != '\0' || t < 0 || t > SURVEY_POINTS_LIMIT * 200L)
			return usage("review", "review adjudicate: --decide needs --total N, the file's total "
			             "points (a whole number from 0)");
		if (defect == NULL || (strcmp(defect, "yes") != 0 && strcmp(defect, "no") != 0))
			return usage("review", "review adjudicate: --decide needs --defect yes|no (does the "
			             "file have a major defect?)");
		if (note == NULL)
			return usage("review", "review adjudicate: --decide needs --note TEXT, the panel's reasons");
		j.total = (int)t;
		j.defect = strcmp(defect, "yes") == 0;
	}
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if ((rc = load_rubric(s, survey, &version, &sv)) == 0) {
		j.points_total = survey_points_total(sv);
		enum store_err e = review_adjudicate(s, &j, msg, sizeof msg);
		if (e == STORE_ERR_CONSTRAINT) {
			fprintf(stderr, "manyi: review adjudicate: %s\n", msg);
			rc = EXIT_BAD_INPUT;
		} else if (e != STORE_OK) {
			rc = store_failed(s, e, "review adjudicate");
		} else if (third != NULL) {
			printf("case %s: a third review assigned to %s\n", j.case_id, third);
		} else {
			printf("case %s: the panel's decision recorded (total %d, %s)\n", j.case_id, j.total,
			       j.defect ? "a major defect" : "no major defect");
		}
	}
	survey_free(sv);
	store_close(s);
	return rc;
}

/* `manyi review agreement --survey ID`: the reviewers' agreement, one flat JSON object;
 * `manyi review sample ...`: the sample and its assignments. */
int cmd_review(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	static const struct params_keys keys = {.need = {[PARAM_SURVEY] = PARAM_REQUIRED}};
	struct params p;
	struct store *s;
	struct sbuf out;
	char msg[512];
	int rc;

	if (argc >= 1 && strcmp(argv[0], "sample") == 0)
		return review_sample_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "disagreements") == 0)
		return disagreements_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "progress") == 0)
		return progress_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "adjudicate") == 0)
		return adjudicate_cmd(db, argc - 1, argv + 1);
	if (argc < 1 || strcmp(argv[0], "agreement") != 0)
		return usage("review", "review: expected sample, agreement, disagreements, progress or "
		             "adjudicate");
	if ((rc = cli_params("review", &keys, none, none, argc - 1, argv + 1, &p)) != 0 ||
	    (rc = open_store(db, false, &s)) != 0)
		return rc;
	sbuf_init(&out);
	rc = print_result("review agreement",
	                  quality_agreement(s, p.survey, &out, msg, sizeof msg) == QUALITY_OK, &out, msg);
	sbuf_free(&out);
	store_close(s);
	return rc;
}
