/* manyi import: the registry, encounters and answers from CSV files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "disposition.h"
#include "encounter.h"
#include "registry.h"
#include "responses.h"
#include "store.h"
#include "survey.h"

static int cmd_import_encounters(const char *db, int argc, char **argv)
{
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;
	if (argc != 1)
		return usage("import", "import encounters: expected exactly one FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	store_tune(s, STORE_TUNE_BULK);
	if (encounter_import(s, argv[0], isatty(STDERR_FILENO), &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported\n", argv[0], res.rows, plural(res.rows, "encounter", "encounters"));
	}
	store_close(s);
	return rc;
}

static int cmd_import_responses(const char *db, int argc, char **argv)
{
	struct store *s;
	struct survey *sv = NULL;
	struct import_result res;
	char msg[1024], *def = NULL;
	const char *survey = NULL, *file = NULL;
	int rc, version;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--survey") == 0 && i + 1 < argc)
			survey = argv[++i];
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return usage("import", "import responses: expected --survey ID FILE.csv");
	}
	if (survey == NULL || file == NULL)
		return usage("import", "import responses: expected --survey ID FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	store_tune(s, STORE_TUNE_BULK);
	if (load_survey(s, survey, &version, &def, &sv) != 0) {
		rc = EXIT_BAD_INPUT;
	} else if (responses_import(s, sv, version, file, isatty(STDERR_FILENO), &res, msg, sizeof msg) !=
	           IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported into %s version %d\n", file, res.rows,
		       plural(res.rows, "answer", "answers"), survey, version);
	}
	free(def);
	survey_free(sv);
	store_close(s);
	return rc;
}

/* `manyi import agency-domains FILE.csv`: the file replaces the stored pairs. */
static int cmd_import_agency_domains(const char *db, int argc, char **argv)
{
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;

	if (argc != 1)
		return usage("import", "import agency-domains: expected exactly one FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (registry_import_agency_domains(s, argv[0], &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported (replacing %zu)\n", argv[0], res.rows,
		       plural(res.rows, "pair", "pairs"), res.updated);
	}
	store_close(s);
	return rc;
}

/* `manyi import dispositions FILE.csv`: the outcomes of phone cases (the latest row stands). */
static int cmd_import_dispositions(const char *db, int argc, char **argv)
{
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;

	if (argc != 1)
		return usage("import", "import dispositions: expected exactly one FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (disposition_import(s, argv[0], &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported\n", argv[0], res.rows,
		       plural(res.rows, "disposition", "dispositions"));
	}
	store_close(s);
	return rc;
}

int cmd_import(const char *db, int argc, char **argv)
{
	enum registry_kind k;
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;

	if (argc < 1)
		return usage("import", "import: expected domains, agencies, agency-domains, encounters, responses, dispositions, cases, reviews, duties, performance, quality-scores, calendar or officers");
	if (strcmp(argv[0], "domains") == 0)
		k = REGISTRY_DOMAIN;
	else if (strcmp(argv[0], "agencies") == 0)
		k = REGISTRY_AGENCY;
	else if (strcmp(argv[0], "agency-domains") == 0)
		return cmd_import_agency_domains(db, argc - 1, argv + 1);
	else if (strcmp(argv[0], "encounters") == 0)
		return cmd_import_encounters(db, argc - 1, argv + 1);
	else if (strcmp(argv[0], "responses") == 0)
		return cmd_import_responses(db, argc - 1, argv + 1);
	else if (strcmp(argv[0], "dispositions") == 0)
		return cmd_import_dispositions(db, argc - 1, argv + 1);
	else if (strcmp(argv[0], "cases") == 0)
		return cmd_import_cases(db, argc - 1, argv + 1);
	else if (strcmp(argv[0], "reviews") == 0)
		return cmd_import_reviews(db, argc - 1, argv + 1);
	else if (strcmp(argv[0], "officers") == 0)
		return cmd_import_officers(db, argc - 1, argv + 1);
	else if (strcmp(argv[0], "calendar") == 0)
		return cmd_import_calendar(db, argc - 1, argv + 1);
	else if ((rc = cmd_import_efficacy(db, argc, argv)) >= 0)
		return rc;
	else
		return usage("import", "import: expected domains, agencies, agency-domains, encounters, responses, dispositions, cases, reviews, duties, performance, quality-scores, calendar or officers");
	if (argc != 2)
		return usage("import", "import %s: expected exactly one FILE.csv", argv[0]);
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (registry_import(s, k, argv[1], &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported (%zu new, %zu updated)\n", argv[1], res.rows,
		       k == REGISTRY_DOMAIN ? plural(res.rows, "domain", "domains") : plural(res.rows, "agency", "agencies"),
		       res.created, res.updated);
	}
	store_close(s);
	return rc;
}
