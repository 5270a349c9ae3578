/* manyi invite, sample and fieldwork: invitations and phone samples, printed as CSV, and the
 * phone samples' outcome. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "invite.h"
#include "params.h"
#include "progress.h"
#include "rates.h"
#include "sample.h"
#include "store.h"
#include "survey.h"
#include "util.h"

/*
 * Mint an invitation to survey for encounter id (inside the caller's
 * transaction) and print its row to mem: 0, or the exit status after
 * saying why.
 */
static int invite_row(struct store *s, const char *survey, const char *id, long days, time_t now,
                      FILE *mem, size_t *minted)
{
	char token[INVITE_TOKEN_LEN], url[512];
	if (invite_mint(s, survey, id, "web", (int)days, now, token) != STORE_OK) {
		fprintf(stderr, "manyi: cannot store the invitation: %s\n", store_errmsg(s));
		return EXIT_BAD_INPUT;
	}
	invite_url(invite_base_url(), survey, token, url, sizeof url);
	const char *row[] = {id, token, url};
	csv_row(mem, row, 3);
	(*minted)++;
	return 0;
}

/* manyi invite --encounter ID: a registered encounter not rated yet. */
static int invite_encounter(struct store *s, const char *survey, const char *enc, long days,
                            time_t now, FILE *mem, size_t *minted)
{
	struct encounter e;
	bool answered = false;
	enum store_err se;
	if ((se = store_encounter_get(s, enc, &e)) == STORE_ERR_NOTFOUND) {
		fprintf(stderr, "manyi: unknown encounter \"%s\"\n", enc);
		return EXIT_BAD_INPUT;
	}
	if (se != STORE_OK || (se = store_encounter_answered(s, enc, &answered)) != STORE_OK)
		return store_failed(s, se, "encounter");
	if (answered) {
		fprintf(stderr, "manyi: encounter \"%s\" has already been rated\n", enc);
		return EXIT_BAD_INPUT;
	}
	return invite_row(s, survey, enc, days, now, mem, minted);
}

/* manyi invite --uninvited: every encounter without an invitation to survey. */
static int invite_uninvited(struct store *s, const char *survey, long days, time_t now, FILE *mem,
                            size_t *minted)
{
	char **ids = NULL;
	size_t n = 0;
	int rc = 0;
	if (store_encounters_uninvited(s, survey, &ids, &n) != STORE_OK) {
		fprintf(stderr, "manyi: %s\n", store_errmsg(s));
		rc = EXIT_BAD_INPUT;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = invite_row(s, survey, ids[i], days, now, mem, minted);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

int cmd_invite(const char *db, int argc, char **argv)
{
	static const struct params_keys keys = {.need = {[PARAM_SURVEY] = PARAM_REQUIRED}};
	static const char *const extra[] = {"--encounter", "--expires", NULL};
	static const char *const flags[] = {"--uninvited", NULL};
	struct params p;
	bool bad = false;
	int rc;
	if ((rc = cli_params("invite", &keys, extra, flags, argc, argv, &p)) != 0)
		return rc;
	const char *survey = p.survey;
	const char *enc = opt_value(argc, argv, "--encounter", &bad);
	const char *exp = opt_value(argc, argv, "--expires", &bad);
	bool uninvited = opt_flag(argc, argv, "--uninvited");
	long days = INVITE_DEFAULT_DAYS;
	if ((enc == NULL) == !uninvited)
		return usage("invite", "invite: expected --survey ID and either --encounter ID or --uninvited");
	if (exp != NULL && !parse_long(exp, 1, INVITE_MAX_DAYS, &days))
		return usage("invite", "invite: --expires takes a number of days, 1 to 3650");

	struct store *s;
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	int latest;
	enum store_err se = store_survey_version(s, survey, &latest);
	if (se == STORE_OK && latest <= 0) {
		fprintf(stderr, "manyi: unknown survey \"%s\"\n", survey);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if (se == STORE_OK) { /* a reviewer rubric invites nobody (load_survey says so) */
		char *def = NULL;
		struct survey *sdef = NULL;
		int version;
		rc = load_survey(s, survey, &version, &def, &sdef);
		free(def);
		survey_free(sdef);
		if (rc != 0) {
			store_close(s);
			return rc;
		}
	}
	if (se != STORE_OK || (se = store_begin(s)) != STORE_OK) {
		store_failed(s, se, db);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	time_t now = time(NULL);
	char *buf = NULL;
	size_t buflen = 0;
	size_t minted = 0;
	/* Rows go to a buffer first: tokens reach stdout only once stored. */
	FILE *mem = open_memstream(&buf, &buflen);
	if (mem == NULL)
		abort(); /* out of memory: like xmalloc */
	static const char *const head[] = {"encounter_id", "token", "url"};
	csv_row(mem, head, 3);
	if (enc != NULL)
		rc = invite_encounter(s, survey, enc, days, now, mem, &minted);
	else
		rc = invite_uninvited(s, survey, days, now, mem, &minted);
	fclose(mem);
	if (rc == 0) {
		char detail[64];
		snprintf(detail, sizeof detail, "%zu %s, %ld %s", minted, plural(minted, "invitation", "invitations"),
		         days, plural((size_t)days, "day", "days"));
		if (store_audit(s, "cli", "invite", survey, detail) != STORE_OK || store_commit(s) != STORE_OK) {
			fprintf(stderr, "manyi: cannot commit: %s\n", store_errmsg(s));
			rc = EXIT_BAD_INPUT;
		}
	}
	if (rc == 0) {
		fwrite(buf, 1, buflen, stdout);
		warn_loopback_links();
		if (uninvited)
			fprintf(stderr, "%zu %s minted\n", minted, plural(minted, "invitation", "invitations"));
	} else {
		store_rollback(s);
	}
	free(buf);
	store_close(s);
	return rc;
}

/*
 * The options of manyi sample into *p (the survey and the period), *spec
 * (from and to borrowed from *p) and *days: 0, or the usage status after
 * the message.
 */
static int sample_options(int argc, char **argv, struct params *p, struct sample_spec *spec,
                          long *days, double *rate)
{
	static const struct params_keys keys = {.need = {
		[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_BY] = PARAM_OPTIONAL,
		[PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
		[PARAM_LOW_N] = PARAM_OPTIONAL,
	}};
	static const char *const extra[] = {"--n", "--allocation", "--seed", "--expires",
	                                    "--min-per-agency", "--response-rate", NULL};
	static const char *const flags[] = {NULL};
	bool bad = false;
	int rc;
	if ((rc = cli_params("sample", &keys, extra, flags, argc, argv, p)) != 0)
		return rc;
	const char *n = opt_value(argc, argv, "--n", &bad);
	const char *alloc = opt_value(argc, argv, "--allocation", &bad);
	const char *seed = opt_value(argc, argv, "--seed", &bad);
	const char *exp = opt_value(argc, argv, "--expires", &bad);
	const char *min = opt_value(argc, argv, "--min-per-agency", &bad);
	const char *rr = opt_value(argc, argv, "--response-rate", &bad);
	bool by = p->given[PARAM_BY];
	*spec = (struct sample_spec){
		.from = p->given[PARAM_FROM] ? p->from : NULL,
		.to = p->given[PARAM_TO] ? p->to : NULL,
		.allocation = ALLOC_PROPORTIONAL,
	};
	long nv, sv;
	*days = INVITE_DEFAULT_DAYS;
	if (n == NULL)
		return usage("sample", "sample: --n N is required");
	if (seed == NULL)
		return usage("sample", "sample: --seed S is required (the same seed draws the same sample)");
	if (!parse_long(n, 1, 10000000, &nv))
		return usage("sample", "sample: --n must be a whole number from 1");
	if (!parse_long(seed, 0, 4294967295L, &sv))
		return usage("sample", "sample: --seed must be a whole number from 0 to 4294967295");
	if (by && (p->nby != 1 || p->by[0] != BY_AGENCY))
		return usage("sample", "sample: --by takes only agency");
	if (alloc != NULL && strcmp(alloc, "equal") == 0)
		spec->allocation = ALLOC_EQUAL;
	else if (alloc != NULL && strcmp(alloc, "proportional") != 0)
		return usage("sample", "sample: --allocation is proportional or equal");
	if (alloc != NULL && !by)
		return usage("sample", "sample: --allocation needs --by agency");
	if (exp != NULL && !parse_long(exp, 1, INVITE_MAX_DAYS, days))
		return usage("sample", "sample: --expires takes a number of days, 1 to 3650");
	long mv = 0;
	if (min != NULL && !parse_long(min, 1, 10000000, &mv))
		return usage("sample", "sample: --min-per-agency must be a whole number from 1");
	if (min != NULL && !by)
		return usage("sample", "sample: --min-per-agency needs --by agency");
	char *end = NULL;
	*rate = 0;
	if (rr != NULL && (strspn(rr, "0123456789.") != strlen(rr) || (*rate = strtod(rr, &end), *end != '\0') ||
	                   !(*rate > 0 && *rate <= 1)))
		return usage("sample", "sample: --response-rate is the share expected to answer, a number "
		                       "above 0 and at most 1, like 0.4");
	spec->min_per_agency = (size_t)mv;
	spec->n = (size_t)nv;
	spec->by_agency = by;
	spec->seed = (unsigned long)sv;
	return 0;
}

/*
 * Each encounter is asked in the survey of its audience: an enterprise
 * survey samples enterprises, a public one households.  Sets spec->units:
 * 0, or EXIT_BAD_INPUT after saying why.
 */
static int sample_units_of(struct store *s, const char *survey, struct sample_spec *spec)
{
	int version;
	char *def = NULL;
	struct survey *sdef = NULL;
	if (load_survey(s, survey, &version, &def, &sdef) != 0) {
		free(def);
		return EXIT_BAD_INPUT;
	}
	spec->units = sdef->audience == AUDIENCE_PUBLIC ? SAMPLE_HOUSEHOLDS : SAMPLE_ENTERPRISES;
	free(def);
	survey_free(sdef);
	return 0;
}

/* Nothing drawn: say why (nothing is printed, nothing audited). */
static void say_nothing_drawn(const struct sample_spec *spec)
{
	char period[64] = "";
	if (spec->from != NULL && spec->to != NULL)
		snprintf(period, sizeof period, " between %s and %s", spec->from, spec->to);
	else if (spec->from != NULL || spec->to != NULL)
		snprintf(period, sizeof period, " %s %s", spec->from ? "since" : "until",
		         spec->from ? spec->from : spec->to);
	fprintf(stderr, "manyi: sample: no encounters registered%s: nothing to sample; import "
	        "encounters first (manyi import encounters FILE.csv; for demo data, python3 "
	        "tools/gen_encounters.py 1000 > encounters.csv)\n", period);
}

/*
 * The CSV rows of the k units drawn to mem, an invitation minted (inside
 * the caller's transaction) for each unit not rated yet; *rated counts the
 * others, listed without a token.  0, or the exit status after saying why.
 */
static int sample_rows(struct store *s, const char *survey, const struct sampled *units, size_t k,
                       long days, FILE *mem, size_t *rated)
{
	static const char *const head[] = {"encounter_id", "agency", "domain", "occurred_on", "token", "url"};
	time_t now = time(NULL);
	csv_row(mem, head, 6);
	for (size_t i = 0; i < k; i++) {
		char token[INVITE_TOKEN_LEN] = "", url[512] = "";
		bool answered = false;
		enum store_err se = store_encounter_answered(s, units[i].id, &answered);
		if (se != STORE_OK) {
			return store_failed(s, se, "encounter");
		} else if (answered) {
			(*rated)++;
		} else if (invite_mint(s, survey, units[i].id, "phone", (int)days, now, token) != STORE_OK) {
			fprintf(stderr, "manyi: cannot store the invitation: %s\n", store_errmsg(s));
			return EXIT_BAD_INPUT;
		} else {
			invite_url(invite_base_url(), survey, token, url, sizeof url);
		}
		const char *row[] = {units[i].id, units[i].agency, units[i].domain, units[i].occurred_on, token, url};
		csv_row(mem, row, 6);
	}
	return 0;
}

/* How many were sampled, and of them rated before, on stderr. */
static void say_sampled(const struct sample_spec *spec, size_t k, size_t rated)
{
	fprintf(stderr, "%zu %s sampled", k, plural(k, "encounter", "encounters"));
	if (k < spec->n)
		fprintf(stderr, " (the frame holds only %zu)", k);
	if (rated > 0)
		fprintf(stderr, "; %zu already rated, listed without %s", rated,
		        plural(rated, "a token", "tokens"));
	fputc('\n', stderr);
}

/*
 * The minimums per agency need more than --n: say so, with the least n
 * that works (nothing drawn).
 */
static void say_minimums_too_many(const struct sample_spec *spec, const struct sample_agency *ag,
                                  size_t nag)
{
	size_t need = 0;
	for (size_t i = 0; i < nag; i++)
		need += ag[i].frame < spec->min_per_agency ? ag[i].frame : spec->min_per_agency;
	fprintf(stderr, "manyi: sample: --n %zu is less than --min-per-agency %zu asks of the %zu %s "
	        "(%zu in all, each at most its frame): give --n %zu or more, or a smaller minimum\n",
	        spec->n, spec->min_per_agency, nag, plural(nag, "agency", "agencies"), need, need);
}

int cmd_sample(const char *db, int argc, char **argv)
{
	struct params p;
	struct sample_spec spec;
	long days;
	double given_rate = 0;
	int rc;
	if ((rc = sample_options(argc, argv, &p, &spec, &days, &given_rate)) != 0)
		return rc;
	const char *survey = p.survey;

	struct store *s;
	struct sampled *units = NULL;
	struct sample_agency *ag = NULL;
	size_t k = 0, nag = 0;
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (sample_units_of(s, survey, &spec) != 0) {
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	/* The rate before this draw's invitations count as unknown cases. */
	struct sample_warning warn = {.low_n = p.low_n, .n = spec.n, .min_per_agency = spec.min_per_agency};
	warn.rate = sample_expected_rate(s, survey, given_rate, &warn.rate_why);
	enum store_err se;
	if ((se = store_begin(s)) != STORE_OK ||
	    (se = sample_draw(s, &spec, &units, &k, &ag, &nag)) != STORE_OK) {
		store_failed(s, se, "sample");
		store_rollback(s);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if (k == 0) {
		if (nag > 0 && spec.min_per_agency > 0)
			say_minimums_too_many(&spec, ag, nag);
		else
			say_nothing_drawn(&spec);
		store_rollback(s);
		free(units);
		free(ag);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	char *buf = NULL;
	size_t buflen = 0, rated = 0;
	FILE *mem = open_memstream(&buf, &buflen);
	if (mem == NULL)
		abort(); /* out of memory: like xmalloc */
	rc = sample_rows(s, survey, units, k, days, mem, &rated);
	fclose(mem);
	if (rc == 0) {
		char detail[160];
		snprintf(detail, sizeof detail, "n=%zu seed=%lu %s", k, spec.seed,
		         spec.by_agency ? (spec.allocation == ALLOC_EQUAL ? "equal by agency" : "proportional by agency") : "simple");
		if (spec.min_per_agency > 0)
			snprintf(detail + strlen(detail), sizeof detail - strlen(detail), " min=%zu", spec.min_per_agency);
		if (store_audit(s, "cli", "sample", survey, detail) != STORE_OK || store_commit(s) != STORE_OK) {
			fprintf(stderr, "manyi: cannot commit: %s\n", store_errmsg(s));
			rc = EXIT_BAD_INPUT;
		}
	}
	if (rc == 0) {
		fwrite(buf, 1, buflen, stdout);
		say_sampled(&spec, k, rated);
		warn_loopback_links();
		warn.agencies = ag;
		warn.nagencies = nag;
		sample_warn_thin(s, &warn, argc, argv);
	} else {
		store_rollback(s);
	}
	free(buf);
	free(ag);
	free(units);
	store_close(s);
	return rc;
}

/*
 * `manyi fieldwork --survey ID --progress [--target N] [--until DATE]
 * [--low-n N] [--format json|csv]`: the progress (progress.h).
 */
static int fieldwork_progress(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	static const char *const flags[] = {"--progress", NULL};
	struct params_keys keys = params_progress_keys; /* and --format json|csv */
	struct params p;
	struct store *s;
	struct sbuf out;
	char msg[512];
	int rc;
	keys.need[PARAM_TABLE_FORMAT] = PARAM_OPTIONAL;
	if (opt_flag(argc, argv, "--by"))
		return usage("fieldwork", "fieldwork: --progress is always by agency: leave out --by");
	if ((rc = cli_params("fieldwork", &keys, none, flags, argc, argv, &p)) != 0 ||
	    (rc = open_store(db, false, &s)) != 0)
		return rc;
	struct progress_query q = {
		.survey = p.survey,
		.from = p.given[PARAM_FROM] ? p.from : NULL,
		.to = p.given[PARAM_TO] ? p.to : NULL,
		.threshold = p.low_n,
		.target = p.given[PARAM_TARGET] ? p.target : -1,
		.until = p.given[PARAM_UNTIL] ? p.until : NULL,
		.now = time(NULL),
	};
	sbuf_init(&out);
	rc = print_result("fieldwork", progress_report(s, &q, p.csv, &out, msg, sizeof msg) == RATES_OK,
	                  &out, msg);
	sbuf_free(&out);
	store_close(s);
	return rc;
}

/* `manyi fieldwork --survey ID [--by agency] [--format json|csv]`: CONTRACT §6. */
int cmd_fieldwork(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	struct params_keys keys = params_fieldwork_keys; /* and --format json|csv */
	struct params p;
	struct store *s;
	struct sbuf out;
	char msg[512];
	int rc;
	if (opt_flag(argc, argv, "--progress"))
		return fieldwork_progress(db, argc, argv);
	keys.need[PARAM_TABLE_FORMAT] = PARAM_OPTIONAL;
	if ((rc = cli_params("fieldwork", &keys, none, none, argc, argv, &p)) != 0 ||
	    (rc = open_store(db, false, &s)) != 0)
		return rc;
	struct rates_query q = {.survey = p.survey, .by_agency = p.by_agency};
	sbuf_init(&out);
	rc = print_result("fieldwork", rates_report(s, &q, p.csv, &out, msg, sizeof msg) == RATES_OK, &out,
	                  msg);
	sbuf_free(&out);
	store_close(s);
	return rc;
}
