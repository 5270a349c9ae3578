/*
 * manyi — the command line (CONTRACT §3).
 *
 *   manyi [--db PATH] init
 *   manyi [--db PATH] survey load FILE.json...
 *   manyi [--db PATH] import domains|agencies FILE.csv
 *
 * Exit status: 0 success, 1 bad input (message on stderr), 2 usage error.
 */
#include <errno.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry.h"
#include "store.h"
#include "survey.h"
#include "util.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: manyi [--db PATH] COMMAND ...\n"
	"\n"
	"  init                                  create or migrate the database\n"
	"  survey load FILE.json...              validate and register survey definitions\n"
	"  import domains|agencies FILE.csv      import the registry (code,name_zh,name_en)\n"
	"\n"
	"--db defaults to $MANYI_DB, else var/manyi.db.\n";

static int usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "manyi: %s\n", why);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* mkdir -p for the directory part of path. */
static void make_parent(const char *path)
{
	char *copy = xstrdup(path);
	char *dir = dirname(copy);
	char *p = dir;
	while ((p = strchr(p + 1, '/')) != NULL) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	mkdir(dir, 0755);
	free(copy);
}

static int open_store(const char *db, bool create, struct store **s)
{
	char msg[512];
	struct stat st;
	if (!create && stat(db, &st) != 0) {
		fprintf(stderr, "manyi: %s: no database here (run `manyi init` first)\n", db);
		return EXIT_BAD_INPUT;
	}
	if (create)
		make_parent(db);
	if (store_open(db, create, s, msg, sizeof msg) != STORE_OK) {
		fprintf(stderr, "manyi: %s\n", msg);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

static int cmd_init(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	(void)argv;
	if (argc != 0)
		return usage("init takes no arguments");
	if ((rc = open_store(db, true, &s)) != 0)
		return rc;
	unsigned char key[32];
	if (store_secret(s, key) != STORE_OK) {
		fprintf(stderr, "manyi: %s: %s\n", db, store_errmsg(s));
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	sodium_memzero(key, sizeof key);
	printf("%s: ready (schema version %d)\n", db, store_schema_version(s));
	store_close(s);
	return 0;
}

static int cmd_survey(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	if (argc < 2 || strcmp(argv[0], "load") != 0)
		return usage("survey: expected `survey load FILE.json...`");
	/* Check every file before storing any, so a bad one stores nothing. */
	struct survey **sv = xcalloc((size_t)argc, sizeof *sv);
	rc = 0;
	for (int i = 1; i < argc; i++) {
		char msg[1024];
		if (survey_load_file(argv[i], &sv[i], msg, sizeof msg) != SURVEY_OK) {
			fprintf(stderr, "manyi: %s\n", msg);
			rc = EXIT_BAD_INPUT;
		}
	}
	if (rc == 0 && (rc = open_store(db, false, &s)) == 0) {
		if (store_begin(s) != STORE_OK) {
			fprintf(stderr, "manyi: %s: %s\n", db, store_errmsg(s));
			rc = EXIT_BAD_INPUT;
		}
		for (int i = 1; i < argc && rc == 0; i++) {
			int version;
			bool created;
			if (store_survey_put(s, sv[i], &version, &created) != STORE_OK) {
				fprintf(stderr, "manyi: %s: cannot store: %s\n", argv[i], store_errmsg(s));
				rc = EXIT_BAD_INPUT;
			} else if (created) {
				printf("%s: survey %s registered as version %d\n", argv[i], sv[i]->id, version);
			} else {
				printf("%s: survey %s unchanged (version %d)\n", argv[i], sv[i]->id, version);
			}
		}
		if (rc == 0 && store_commit(s) != STORE_OK) {
			fprintf(stderr, "manyi: %s: %s\n", db, store_errmsg(s));
			rc = EXIT_BAD_INPUT;
		}
		if (rc != 0)
			store_rollback(s);
		store_close(s);
	}
	for (int i = 1; i < argc; i++)
		survey_free(sv[i]);
	free(sv);
	return rc;
}

static int cmd_import(const char *db, int argc, char **argv)
{
	enum registry_kind k;
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;

	if (argc < 1)
		return usage("import: expected domains, agencies, encounters or responses");
	if (strcmp(argv[0], "domains") == 0)
		k = REGISTRY_DOMAIN;
	else if (strcmp(argv[0], "agencies") == 0)
		k = REGISTRY_AGENCY;
	else if (strcmp(argv[0], "encounters") == 0 || strcmp(argv[0], "responses") == 0)
		return usage("import: encounters and responses are not supported by this version yet");
	else
		return usage("import: expected domains, agencies, encounters or responses");
	if (argc != 2)
		return usage("import: expected exactly one FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (registry_import(s, k, argv[1], &res, msg, sizeof msg) != 0) {
		fprintf(stderr, "%s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu %s imported (%zu new, %zu updated)\n", argv[1], res.rows,
		       k == REGISTRY_DOMAIN ? "domains" : "agencies", res.created, res.updated);
	}
	store_close(s);
	return rc;
}

static const struct command {
	const char *name;
	int (*fn)(const char *db, int argc, char **argv);
} commands[] = {
	{"init", cmd_init},
	{"survey", cmd_survey},
	{"import", cmd_import},
};

int main(int argc, char **argv)
{
	const char *db = getenv("MANYI_DB");
	char **args = xcalloc((size_t)argc + 1, sizeof *args);
	int nargs = 0;

	/* --db may stand anywhere on the line. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc) {
				free(args);
				return usage("--db needs a PATH");
			}
			db = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			db = argv[i] + 5;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			free(args);
			fputs(usage_text, stdout);
			return 0;
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (db == NULL || *db == '\0')
		db = "var/manyi.db";
	if (sodium_init() < 0) {
		free(args);
		fputs("manyi: libsodium failed to start\n", stderr);
		return EXIT_BAD_INPUT;
	}
	int rc = -1;
	if (nargs == 0) {
		rc = usage(NULL);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			if (strcmp(args[0], commands[i].name) == 0)
				rc = commands[i].fn(db, nargs - 1, args + 1);
		if (rc == -1) {
			char why[128];
			snprintf(why, sizeof why, "unknown command \"%.64s\"", args[0]);
			rc = usage(why);
		}
	}
	free(args);
	return rc;
}
