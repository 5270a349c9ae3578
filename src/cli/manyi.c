/*
 * manyi — the command line (CONTRACT §3).
 *
 *   manyi [--db PATH] init
 *   manyi [--db PATH] survey load FILE.json...
 *   manyi [--db PATH] import domains|agencies|agency-domains FILE.csv
 *
 * Exit status: 0 success, 1 bad input (message on stderr), 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "crypto.h"
#include "encounter.h"
#include "export.h"
#include "invite.h"
#include "manyi_init.h"
#include "registry.h"
#include "params.h"
#include "publish.h"
#include "report.h"
#include "responses.h"
#include "sample.h"
#include "store.h"
#include "survey.h"
#include "util.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2

#ifndef MANYI_VERSION
#error "MANYI_VERSION is defined by the Makefile (VERSION)"
#endif

/*
 * The usage, command by command: `manyi help` prints them all, a usage
 * error only the lines of the command it concerns.
 */
static const struct usage {
	const char *command;
	const char *text;
} usages[] = {
	{"init",
	 "  init [--base-url URL]                 create or migrate the database; URL: the public\n"
	 "                                        address links and QR codes are made with\n"
	 "  init --base-url-default URL           the same, only while none is set or the one\n"
	 "                                        set is a loopback address (make run uses it)\n"
	 "  init [--evaluator-name NAME] [--evaluator-name-en NAME] [--evaluator-contact TEXT]\n"
	 "                                        who runs the survey and how to reach them\n"
	 "                                        (hotline, e-mail), shown on the landing page,\n"
	 "                                        the forms and the pages of used, unknown or\n"
	 "                                        expired links; \"\" clears one (restart\n"
	 "                                        manyi-fcgi after a change)\n"},
	{"survey",
	 "  survey load FILE.json...              validate and register survey definitions\n"},
	{"import",
	 "  import domains|agencies FILE.csv      import the registry (code,name_zh,name_en)\n"
	 "  import agency-domains FILE.csv        the domains each agency enforces (agency,domain;\n"
	 "                                        the file replaces the whole list)\n"
	 "  import encounters FILE.csv            register encounters (the sampling frame)\n"
	 "  import responses --survey ID FILE.csv phone, paper and kiosk answers\n"},
	{"invite",
	 "  invite --survey ID (--encounter ID | --uninvited) [--expires DAYS]\n"
	 "                                        mint invitations: CSV encounter_id,token,url\n"},
	{"sample",
	 "  sample --survey ID --n N [--by agency] [--allocation proportional|equal] --seed S\n"
	 "         [--from DATE] [--to DATE] [--expires DAYS]\n"
	 "                                        a reproducible phone sample: CSV with token and url\n"},
	{"stats",
	 "  stats --survey ID [--measure ITEM|index] [--by COL[,COL]]\n"
	 "        [--weighting none|base|poststrat|rake] [--from DATE] [--to DATE]\n"
	 "        [--level 0.95] [--low-n 30] [--format json|csv]\n"
	 "                                        weighted satisfaction with standard errors\n"},
	{"export",
	 "  export --survey ID --format csv|json|ndjson|xlsx|sav|dta [--out FILE] [--bom] [--lang zh|en]\n"
	 "         [--from DATE] [--to DATE]     the responses with labels and weights, for Excel,\n"
	 "                                        WPS, SPSS, Stata and dashboards (--bom: csv only;\n"
	 "                                        a period is weighted as stats --from --to is)\n"},
	{"publish",
	 "  publish --survey ID [--measure ITEM|index] [--by COL[,COL]]\n"
	 "          [--weighting none|base|poststrat|rake] [--from DATE] [--to DATE]\n"
	 "          [--level 0.95] [--low-n 30]\n"
	 "                                        freeze figures for /api/v1/public/stats (groups\n"
	 "                                        under the threshold, at least 10, suppressed); a\n"
	 "                                        query published again gets a new version, the\n"
	 "                                        older ones stay (&version=N)\n"},
	{"key",
	 "  key create --role evaluator|agency [--agency CODE]   print a new API key once\n"
	 "  key list                              every key: id, role, agency, created, revoked, last used\n"
	 "  key revoke KEY_ID|KEY                 revoke an API key (by its id, or the key itself)\n"},
	{"help",
	 "  help [COMMAND]                        this text, or the usage of one command\n"},
};

static const char usage_head[] = "usage: manyi [--db PATH] COMMAND ...\n";
static const char usage_tail[] =
	"--db defaults to $MANYI_DB, else var/manyi.db.  manyi --version prints the version.\n";
static const char usage_pointer[] = "Run `manyi help` for every command.\n";

/* The usage lines of command, or NULL for a command that does not exist. */
static const char *usage_of(const char *command)
{
	for (size_t i = 0; i < ARRAY_SIZE(usages); i++)
		if (strcmp(usages[i].command, command) == 0)
			return usages[i].text;
	return NULL;
}

/* The whole usage (`manyi help`, --help) to fp. */
static void usage_all(FILE *fp)
{
	fputs(usage_head, fp);
	fputc('\n', fp);
	for (size_t i = 0; i < ARRAY_SIZE(usages); i++)
		fputs(usages[i].text, fp);
	fputc('\n', fp);
	fputs(usage_tail, fp);
}

/* The usage of one command (known to usage_of()) to fp, with the pointer to the rest. */
static void usage_one(FILE *fp, const char *command)
{
	fputs("usage: manyi [--db PATH] ...\n", fp);
	fputs(usage_of(command), fp);
	fputs(usage_pointer, fp);
}

/*
 * A usage error: "manyi: " and the message on stderr (it starts with the
 * command's name, "sample: --n N is required"), then the usage of command
 * (NULL: none was recognised; the list of commands).  Returns the usage
 * exit status.
 */
static int usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	fputs("manyi: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (command != NULL && usage_of(command) != NULL) {
		usage_one(stderr, command);
	} else {
		fputs(usage_head, stderr);
		fputs("commands:", stderr);
		for (size_t i = 0; i < ARRAY_SIZE(usages); i++)
			fprintf(stderr, " %s", usages[i].command);
		fputc('\n', stderr);
		fputs(usage_pointer, stderr);
	}
	return EXIT_USAGE;
}

/* The noun for n things: one when n is 1, else many ("1 encounter", "2 encounters"). */
static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * Ready the directory part of path for a new database: it must exist,
 * except var/ (the default location's directory), made on first use.
 * Making any other missing directory would turn a typo in --db into a new
 * tree, even at the filesystem root.  False with the reason on stderr.
 */
static bool parent_ready(const char *path)
{
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	struct stat st;
	bool ok = false;

	if (stat(dir, &st) == 0) {
		ok = S_ISDIR(st.st_mode);
		if (!ok)
			fprintf(stderr, "manyi: %s: not a directory\n", dir);
	} else if (errno == ENOENT && (strcmp(dir, "var") == 0 || strcmp(dir, "./var") == 0)) {
		ok = mkdir(dir, 0755) == 0 || errno == EEXIST;
		if (!ok)
			fprintf(stderr, "manyi: cannot create %s: %s\n", dir, strerror(errno));
	} else {
		fprintf(stderr, "manyi: %s: %s (create the directory first; only var/ is made automatically)\n",
		        dir, strerror(errno));
	}
	free(copy);
	return ok;
}

/*
 * Create path empty with mode 0600 unless it exists (SQLite would make it
 * 0644 less the umask): the database holds free-text comments and the
 * application secret.  SQLite gives its -wal and -shm files the same mode.
 */
static bool create_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return close(fd) == 0;
	if (errno == EEXIST)
		return true;
	fprintf(stderr, "manyi: %s: %s\n", path, strerror(errno));
	return false;
}

/*
 * Say why the store failed and return the exit status (1): "the database
 * is busy, try again" when another writer held it past the busy timeout,
 * else what was being done and SQLite's text.  Never "not found".
 */
static int store_failed(struct store *s, enum store_err e, const char *what)
{
	if (e == STORE_ERR_BUSY)
		fprintf(stderr, "manyi: the database is busy, try again\n");
	else
		fprintf(stderr, "manyi: %s: %s: %s\n", what, store_strerror(e), store_errmsg(s));
	return EXIT_BAD_INPUT;
}

/*
 * The latest version of survey: 0 with *version, *def and *sv (caller frees
 * both), or 1 after saying why: unknown, busy, or not parsing.
 */
static int load_survey(struct store *s, const char *survey, int *version, char **def,
                       struct survey **sv)
{
	char msg[256];
	enum store_err e = store_survey_latest(s, survey, version, def);
	if (e == STORE_ERR_NOTFOUND) {
		fprintf(stderr, "manyi: unknown survey \"%s\"\n", survey);
		return EXIT_BAD_INPUT;
	}
	if (e != STORE_OK)
		return store_failed(s, e, survey);
	if (survey_parse(survey, *def, strlen(*def), sv, msg, sizeof msg) != SURVEY_OK) {
		fprintf(stderr, "manyi: stored survey \"%s\" does not parse: %s\n", survey, msg);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

static int open_store(const char *db, bool create, struct store **s)
{
	char msg[512];
	struct stat st;
	if (!create && stat(db, &st) != 0) {
		fprintf(stderr, "manyi: %s: no database here (run `manyi init` first)\n", db);
		return EXIT_BAD_INPUT;
	}
	if (create && stat(db, &st) != 0 && (!parent_ready(db) || !create_private(db)))
		return EXIT_BAD_INPUT;
	enum store_err e = store_open(db, create, s, msg, sizeof msg);
	if (e == STORE_ERR_BUSY)
		return store_failed(NULL, e, db);
	if (e != STORE_OK) {
		fprintf(stderr, "manyi: %s\n", msg);
		return EXIT_BAD_INPUT;
	}
	if ((e = invite_base_url_load(*s)) != STORE_OK) {
		store_failed(*s, e, "base_url");
		store_close(*s);
		*s = NULL;
		return EXIT_BAD_INPUT;
	}
	return 0;
}

/* Links printed for respondents: say when only this machine can open them. */
static void warn_loopback_links(void)
{
	const char *url = invite_base_url();
	if (invite_url_is_loopback(url))
		fprintf(stderr, "manyi: warning: the links point to %s, which only this machine can open; "
		        "set the public address with `manyi init --base-url https://...` (or MANYI_BASE_URL)\n",
		        url);
}

static int cmd_init(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	const char *base = NULL;
	bool if_local = false;
	/* The settings the pages show (src/web/app.c reads them). */
	static const char *const page_opts[][2] = {{"--evaluator-name", "evaluator_name"},
	                                           {"--evaluator-name-en", "evaluator_name_en"},
	                                           {"--evaluator-contact", "evaluator_contact"}};
	const char *page_vals[ARRAY_SIZE(page_opts)] = {NULL};
	for (int i = 0; i < argc; i += 2) {
		size_t k = 0;
		while (k < ARRAY_SIZE(page_opts) && strcmp(argv[i], page_opts[k][0]) != 0)
			k++;
		if (i + 1 >= argc || (k == ARRAY_SIZE(page_opts) && strcmp(argv[i], "--base-url") != 0 &&
		                      strcmp(argv[i], "--base-url-default") != 0))
			return usage("init", "init: takes --base-url URL (or --base-url-default URL), "
			             "--evaluator-name NAME, --evaluator-name-en NAME, --evaluator-contact TEXT");
		if (k < ARRAY_SIZE(page_opts)) {
			const char *v = argv[i + 1];
			if (!utf8_valid(v, strlen(v)) || utf8_has_controls(v, strlen(v)) ||
			    strpbrk(v, "\t\r\n") != NULL || utf8_length(v, strlen(v)) > 200 || strlen(v) > 500)
				return usage("init", "init: an evaluator setting is one line of UTF-8 text, "
				             "at most 200 characters");
			page_vals[k] = v;
			continue;
		}
		base = argv[i + 1];
		if_local = strcmp(argv[i], "--base-url-default") == 0;
	}
	if (base != NULL && !invite_base_url_valid(base))
		return usage("init", "init: --base-url takes an http:// or https:// address with a host, "
		             "no spaces, query or fragment (e.g. https://manyi.example.gov.cn)");
	if ((rc = open_store(db, true, &s)) != 0)
		return rc;
	char have[512];
	enum store_err se = store_setting_get(s, "base_url", have, sizeof have);
	bool set = se == STORE_OK;
	if (se != STORE_OK && se != STORE_ERR_NOTFOUND) {
		store_failed(s, se, "base_url");
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if (base != NULL && if_local && set && !invite_url_is_loopback(have))
		base = NULL; /* a public address someone set stays */
	if (base != NULL && store_setting_put(s, "base_url", base) != STORE_OK) {
		fprintf(stderr, "manyi: %s: cannot store the base URL: %s\n", db, store_errmsg(s));
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if ((se = invite_base_url_load(s)) != STORE_OK) {
		store_failed(s, se, "base_url");
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	for (size_t k = 0; k < ARRAY_SIZE(page_opts); k++) {
		if (page_vals[k] != NULL && store_setting_put(s, page_opts[k][1], page_vals[k]) != STORE_OK) {
			fprintf(stderr, "manyi: %s: cannot store %s: %s\n", db, page_opts[k][1], store_errmsg(s));
			store_close(s);
			return EXIT_BAD_INPUT;
		}
	}
	unsigned char key[32];
	if (store_secret(s, key) != STORE_OK) {
		fprintf(stderr, "manyi: %s: %s\n", db, store_errmsg(s));
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	crypto_memzero(key, sizeof key);
	int schema;
	se = store_schema_version(s, &schema);
	if (se != STORE_OK) {
		store_failed(s, se, db);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	printf("%s: ready (schema version %d)\n", db, schema);
	printf("links in invitations and QR codes: %s\n", invite_base_url());
	store_close(s);
	/* A database made before files were created 0600, or copied about, may
	 * be readable by everyone on the machine: comments and the secret. */
	struct stat st;
	if (stat(db, &st) == 0 && (st.st_mode & 0077) != 0)
		fprintf(stderr, "manyi: warning: %s can be read by other users (mode %04o): it holds "
		        "comments and the application secret; chmod 600 %s\n",
		        db, (unsigned)(st.st_mode & 07777), db);
	return 0;
}

static int cmd_survey(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	if (argc < 2 || strcmp(argv[0], "load") != 0)
		return usage("survey", "survey: expected `survey load FILE.json...`");
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
				char detail[32];
				snprintf(detail, sizeof detail, "version %d", version);
				if (store_audit(s, "cli", "survey load", sv[i]->id, detail) != STORE_OK) {
					fprintf(stderr, "manyi: cannot write the audit record: %s\n", store_errmsg(s));
					rc = EXIT_BAD_INPUT;
				}
				int older;
				if (store_survey_same_as(s, sv[i], version, &older) == STORE_OK)
					printf("%s: survey %s registered as version %d, the definition of version %d "
					       "served again\n", argv[i], sv[i]->id, version, older);
				else
					printf("%s: survey %s registered as version %d\n", argv[i], sv[i]->id, version);
			} else {
				printf("%s: survey %s unchanged (version %d, served)\n", argv[i], sv[i]->id, version);
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

/* Value of option name in argv (as "--name VALUE"), or NULL; *bad on a dangling flag. */
static const char *opt_value(int argc, char **argv, const char *name, bool *bad)
{
	const char *v = NULL;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0) {
			if (i + 1 >= argc) {
				*bad = true;
				return NULL;
			}
			v = argv[i + 1];
		}
	return v;
}

/*
 * The usage error for an option left without its value (opt_value() set
 * *bad: it is the last argument); command names the usage to show, label
 * starts the message.
 */
static int no_value(const char *command, const char *label, int argc, char **argv)
{
	return usage(command, "%s: %s needs a value", label, argv[argc - 1]);
}

static bool opt_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

/* Reject anything that is not one of the known options (and their values). */
static bool opts_known(int argc, char **argv, const char *const *with_value,
                       const char *const *flags, char *why, size_t n)
{
	for (int i = 0; i < argc; i++) {
		bool ok = false;
		for (const char *const *o = with_value; *o && !ok; o++)
			if (strcmp(argv[i], *o) == 0) {
				ok = true;
				i++;
			}
		for (const char *const *o = flags; *o && !ok; o++)
			if (strcmp(argv[i], *o) == 0)
				ok = true;
		if (!ok) {
			snprintf(why, n, "unexpected argument \"%s\"", argv[i]);
			return false;
		}
	}
	return true;
}

/* Is s one of list (NULL-terminated)? */
static bool in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/*
 * Read the options of command.  Those that are query keys (keys; see
 * params.h: "--low-n" is low_n) go through the table's validators into p,
 * so that a value gets the message the API gives it; extra and flags
 * (NULL-terminated) are the command's other options, with a value and
 * without, read afterwards with opt_value() and opt_flag().  Then what
 * keys requires, and the rules between keys.  0, or the usage status after
 * the message.
 */
static int cli_params(const char *command, const struct params_keys *keys, const char *const *extra,
                      const char *const *flags, int argc, char **argv, struct params *p)
{
	struct params_error err;
	char opt[32];
	params_init(p);
	for (int i = 0; i < argc; i++) {
		enum param_key k = PARAM__MAX;
		for (int j = 0; j < PARAM__MAX && k == PARAM__MAX; j++)
			if (keys->need[j] != PARAM_UNUSED &&
			    strcmp(argv[i], params_name((enum param_key)j, PARAMS_OPTION, opt, sizeof opt)) == 0)
				k = (enum param_key)j;
		if (k != PARAM__MAX && params_table[k].flag) {
			if (!params_set(p, k, "1", PARAMS_OPTION, &err))
				return usage(command, "%s: %s", command, err.msg);
		} else if (k != PARAM__MAX || in_list(argv[i], extra)) {
			if (i + 1 >= argc)
				return usage(command, "%s: %s needs a value", command, argv[i]);
			i++;
			if (k != PARAM__MAX && !params_set(p, k, argv[i], PARAMS_OPTION, &err))
				return usage(command, "%s: %s", command, err.msg);
		} else if (!in_list(argv[i], flags)) {
			return usage(command, "%s: unexpected argument \"%s\"", command, argv[i]);
		}
	}
	if (!params_require(p, keys, PARAMS_OPTION, &err) || !params_check(p, PARAMS_OPTION, &err))
		return usage(command, "%s: %s", command, err.msg);
	return 0;
}

/*
 * Print one CSV row (invitations, samples), guarded as exports are: a cell
 * a spreadsheet would run as a formula (an encounter id "-12", a base URL
 * "=...") gets a leading apostrophe.  Tokens never start with such a
 * character (invite_token_new()), so a token cell is never altered.
 */
static void csv_row(FILE *fp, const char *const *f, size_t n)
{
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sbuf_addc(&b, ',');
		csv_field(&b, f[i], strlen(f[i]), true);
	}
	sbuf_adds(&b, "\r\n");
	fwrite(b.data, 1, b.len, fp);
	sbuf_free(&b);
}

static int cmd_invite(const char *db, int argc, char **argv)
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
	if (enc != NULL) {
		struct encounter e;
		bool answered = false;
		if ((se = store_encounter_get(s, enc, &e)) == STORE_ERR_NOTFOUND) {
			fprintf(stderr, "manyi: unknown encounter \"%s\"\n", enc);
			rc = EXIT_BAD_INPUT;
		} else if (se != STORE_OK || (se = store_encounter_answered(s, enc, &answered)) != STORE_OK) {
			rc = store_failed(s, se, "encounter");
		} else if (answered) {
			fprintf(stderr, "manyi: encounter \"%s\" has already been rated\n", enc);
			rc = EXIT_BAD_INPUT;
		} else {
			char token[INVITE_TOKEN_LEN], url[512];
			if (invite_mint(s, survey, enc, "web", (int)days, now, token) != STORE_OK) {
				fprintf(stderr, "manyi: cannot store the invitation: %s\n", store_errmsg(s));
				rc = EXIT_BAD_INPUT;
			} else {
				invite_url(invite_base_url(), survey, token, url, sizeof url);
				const char *row[] = {enc, token, url};
				csv_row(mem, row, 3);
				minted++;
			}
		}
	} else {
		char **ids = NULL;
		size_t n = 0;
		if (store_encounters_uninvited(s, survey, &ids, &n) != STORE_OK) {
			fprintf(stderr, "manyi: %s\n", store_errmsg(s));
			rc = EXIT_BAD_INPUT;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			char token[INVITE_TOKEN_LEN], url[512];
			if (invite_mint(s, survey, ids[i], "web", (int)days, now, token) != STORE_OK) {
				fprintf(stderr, "manyi: cannot store the invitation: %s\n", store_errmsg(s));
				rc = EXIT_BAD_INPUT;
				break;
			}
			invite_url(invite_base_url(), survey, token, url, sizeof url);
			const char *row[] = {ids[i], token, url};
			csv_row(mem, row, 3);
			minted++;
		}
		for (size_t i = 0; i < n; i++)
			free(ids[i]);
		free(ids);
	}
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

static int cmd_sample(const char *db, int argc, char **argv)
{
	static const struct params_keys keys = {.need = {
		[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_BY] = PARAM_OPTIONAL,
		[PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
	}};
	static const char *const extra[] = {"--n", "--allocation", "--seed", "--expires", NULL};
	static const char *const flags[] = {NULL};
	struct params p;
	bool bad = false;
	int rc;
	if ((rc = cli_params("sample", &keys, extra, flags, argc, argv, &p)) != 0)
		return rc;
	const char *survey = p.survey;
	const char *n = opt_value(argc, argv, "--n", &bad);
	const char *alloc = opt_value(argc, argv, "--allocation", &bad);
	const char *seed = opt_value(argc, argv, "--seed", &bad);
	const char *exp = opt_value(argc, argv, "--expires", &bad);
	bool by = p.given[PARAM_BY];
	struct sample_spec spec = {
		.from = p.given[PARAM_FROM] ? p.from : NULL,
		.to = p.given[PARAM_TO] ? p.to : NULL,
		.allocation = ALLOC_PROPORTIONAL,
	};
	long nv, sv, days = INVITE_DEFAULT_DAYS;
	if (n == NULL)
		return usage("sample", "sample: --n N is required");
	if (seed == NULL)
		return usage("sample", "sample: --seed S is required (the same seed draws the same sample)");
	if (!parse_long(n, 1, 10000000, &nv))
		return usage("sample", "sample: --n must be a whole number from 1");
	if (!parse_long(seed, 0, 4294967295L, &sv))
		return usage("sample", "sample: --seed must be a whole number from 0 to 4294967295");
	if (by && (p.nby != 1 || p.by[0] != BY_AGENCY))
		return usage("sample", "sample: --by takes only agency");
	if (alloc != NULL && strcmp(alloc, "equal") == 0)
		spec.allocation = ALLOC_EQUAL;
	else if (alloc != NULL && strcmp(alloc, "proportional") != 0)
		return usage("sample", "sample: --allocation is proportional or equal");
	if (alloc != NULL && !by)
		return usage("sample", "sample: --allocation needs --by agency");
	if (exp != NULL && !parse_long(exp, 1, INVITE_MAX_DAYS, &days))
		return usage("sample", "sample: --expires takes a number of days, 1 to 3650");
	spec.n = (size_t)nv;
	spec.by_agency = by;
	spec.seed = (unsigned long)sv;

	struct store *s;
	struct sampled *units = NULL;
	size_t k = 0;
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	/* Each encounter is asked in the survey of its audience: an enterprise
	 * survey samples enterprises, a public one households. */
	int version;
	char *def = NULL;
	struct survey *sdef = NULL;
	if (load_survey(s, survey, &version, &def, &sdef) != 0) {
		free(def);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	spec.units = sdef->audience == AUDIENCE_PUBLIC ? SAMPLE_HOUSEHOLDS : SAMPLE_ENTERPRISES;
	free(def);
	survey_free(sdef);
	enum store_err se;
	if ((se = store_begin(s)) != STORE_OK || (se = sample_draw(s, &spec, &units, &k)) != STORE_OK) {
		store_failed(s, se, "sample");
		store_rollback(s);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if (k == 0) {
		/* Nothing drawn: nothing printed, nothing audited. */
		char period[64] = "";
		if (spec.from != NULL && spec.to != NULL)
			snprintf(period, sizeof period, " between %s and %s", spec.from, spec.to);
		else if (spec.from != NULL || spec.to != NULL)
			snprintf(period, sizeof period, " %s %s", spec.from ? "since" : "until",
			         spec.from ? spec.from : spec.to);
		fprintf(stderr, "manyi: sample: no encounters registered%s: nothing to sample; import "
		        "encounters first (manyi import encounters FILE.csv; for demo data, python3 "
		        "tools/gen_encounters.py 1000 > encounters.csv)\n", period);
		store_rollback(s);
		free(units);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	char *buf = NULL;
	size_t buflen = 0, rated = 0;
	FILE *mem = open_memstream(&buf, &buflen);
	if (mem == NULL)
		abort(); /* out of memory: like xmalloc */
	static const char *const head[] = {"encounter_id", "agency", "domain", "occurred_on", "token", "url"};
	csv_row(mem, head, 6);
	time_t now = time(NULL);
	for (size_t i = 0; i < k && rc == 0; i++) {
		char token[INVITE_TOKEN_LEN] = "", url[512] = "";
		bool answered = false;
		se = store_encounter_answered(s, units[i].id, &answered);
		if (se != STORE_OK) {
			rc = store_failed(s, se, "encounter");
			break;
		} else if (answered) {
			rated++;
		} else if (invite_mint(s, survey, units[i].id, "phone", (int)days, now, token) != STORE_OK) {
			fprintf(stderr, "manyi: cannot store the invitation: %s\n", store_errmsg(s));
			rc = EXIT_BAD_INPUT;
			break;
		} else {
			invite_url(invite_base_url(), survey, token, url, sizeof url);
		}
		const char *row[] = {units[i].id, units[i].agency, units[i].domain, units[i].occurred_on, token, url};
		csv_row(mem, row, 6);
	}
	fclose(mem);
	if (rc == 0) {
		char detail[160];
		snprintf(detail, sizeof detail, "n=%zu seed=%lu %s", k, spec.seed,
		         spec.by_agency ? (spec.allocation == ALLOC_EQUAL ? "equal by agency" : "proportional by agency") : "simple");
		if (store_audit(s, "cli", "sample", survey, detail) != STORE_OK || store_commit(s) != STORE_OK) {
			fprintf(stderr, "manyi: cannot commit: %s\n", store_errmsg(s));
			rc = EXIT_BAD_INPUT;
		}
	}
	if (rc == 0) {
		fwrite(buf, 1, buflen, stdout);
		fprintf(stderr, "%zu %s sampled", k, plural(k, "encounter", "encounters"));
		if (k < spec.n)
			fprintf(stderr, " (the frame holds only %zu)", k);
		if (rated > 0)
			fprintf(stderr, "; %zu already rated, listed without %s", rated,
			        plural(rated, "a token", "tokens"));
		fputc('\n', stderr);
		warn_loopback_links();
	} else {
		store_rollback(s);
	}
	free(buf);
	free(units);
	store_close(s);
	return rc;
}

static int cmd_publish(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	struct params p;
	struct report_query q;
	struct publish_info info;
	struct store *s;
	char msg[512];
	int rc;
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
	}
	store_close(s);
	return rc;
}

static int cmd_stats(const char *db, int argc, char **argv)
{
	static const char *const none[] = {NULL};
	struct params_keys keys = params_stats_keys; /* and --format json|csv */
	struct params p;
	struct report_query q;
	int rc;
	keys.need[PARAM_TABLE_FORMAT] = PARAM_OPTIONAL;
	if ((rc = cli_params("stats", &keys, none, none, argc, argv, &p)) != 0)
		return rc;
	params_report_query(&p, &q);

	struct store *s;
	struct sbuf out;
	char msg[512];
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	sbuf_init(&out);
	if (report_run(s, &q, p.csv, &out, msg, sizeof msg) != REPORT_OK) {
		fprintf(stderr, "manyi: stats: %s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		fwrite(out.data, 1, out.len, stdout);
	}
	sbuf_free(&out);
	store_close(s);
	return rc;
}

/*
 * The export of a survey to stdout, or to --out through a temporary file in
 * the same directory that is renamed over FILE only when complete.
 */
static int cmd_export(const char *db, int argc, char **argv)
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

static bool print_key(const struct key_row *k, void *ctx)
{
	(void)ctx;
	char agency[200] = "-";
	if (*k->agency)
		snprintf(agency, sizeof agency, "%s %s", k->agency, *k->agency_zh ? k->agency_zh : k->agency_en);
	printf("%-12s  %-9s  %-20s  %-20s  %-20s  %s\n", k->id, k->role, k->created,
	       *k->revoked ? k->revoked : "-", *k->last_used ? k->last_used : "never", agency);
	return true;
}

/* manyi key list */
static int key_list(const char *db)
{
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	printf("%-12s  %-9s  %-20s  %-20s  %-20s  %s\n", "id", "role", "created", "revoked", "last used",
	       "agency");
	if (store_key_list(s, print_key, NULL) != STORE_OK) {
		fprintf(stderr, "manyi: cannot list the keys: %s\n", store_errmsg(s));
		rc = EXIT_BAD_INPUT;
	}
	store_close(s);
	return rc;
}

/* manyi key revoke KEY_ID|KEY: a whole key must be a real one (its secret
 * checked), so that a mistyped key revokes nothing. */
static int key_revoke(const char *db, const char *arg)
{
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	char id[16];
	snprintf(id, sizeof id, "%s", arg);
	if (strncmp(arg, "mk_", 3) == 0) {
		char header[AUTH_KEY_LEN + 16];
		struct principal p;
		snprintf(header, sizeof header, "Bearer %s", arg);
		enum auth_result ar = auth_check(s, header, &p);
		if (ar == AUTH_BUSY || ar == AUTH_FAILED) {
			store_failed(s, ar == AUTH_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL, "key revoke");
			store_close(s);
			return EXIT_BAD_INPUT;
		}
		if (ar != AUTH_OK && ar != AUTH_REVOKED) {
			fprintf(stderr, "manyi: key revoke: that is not a key of this database\n");
			store_close(s);
			return EXIT_BAD_INPUT;
		}
		snprintf(id, sizeof id, "%s", p.key_id);
	}
	enum store_err e = store_begin(s);
	if (e == STORE_OK && (e = store_key_revoke(s, id)) == STORE_OK &&
	    (e = store_audit(s, "cli", "key revoke", id, NULL)) == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK) {
		store_rollback(s);
		fprintf(stderr, "manyi: %s\n", e == STORE_ERR_NOTFOUND ? "no live key with that id (see manyi key list)"
		                                                      : store_errmsg(s));
		rc = EXIT_BAD_INPUT;
	} else {
		printf("key %s revoked\n", id);
	}
	store_close(s);
	return rc;
}

static int cmd_key(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	char why[160];
	bool bad = false;
	if (argc >= 1 && strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			return usage("key", "key list: takes no arguments");
		return key_list(db);
	}
	if (argc >= 1 && strcmp(argv[0], "revoke") == 0) {
		if (argc != 2)
			return usage("key", "key revoke: expected one KEY_ID (or the key itself)");
		return key_revoke(db, argv[1]);
	}
	static const char *const with_value[] = {"--role", "--agency", NULL};
	static const char *const flags[] = {NULL};
	if (argc < 1 || strcmp(argv[0], "create") != 0)
		return usage("key", "key: expected `key create --role evaluator|agency [--agency CODE]`, `key list` or `key revoke KEY_ID|KEY`");
	if (!opts_known(argc - 1, argv + 1, with_value, flags, why, sizeof why))
		return usage("key", "key create: %s", why);
	const char *role = opt_value(argc - 1, argv + 1, "--role", &bad);
	const char *agency = opt_value(argc - 1, argv + 1, "--agency", &bad);
	enum role r;
	if (bad)
		return no_value("key", "key create", argc, argv);
	if (role == NULL)
		return usage("key", "key create: --role evaluator|agency is required");
	if (strcmp(role, "evaluator") == 0)
		r = ROLE_EVALUATOR;
	else if (strcmp(role, "agency") == 0)
		r = ROLE_AGENCY;
	else
		return usage("key", "key create: --role must be evaluator or agency");
	if ((r == ROLE_AGENCY) != (agency != NULL))
		return usage("key", "%s", r == ROLE_AGENCY ? "key create: an agency key needs --agency CODE"
		                                            : "key create: an evaluator key takes no --agency");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	bool known = true;
	enum store_err se = agency != NULL ? store_registry_exists(s, REGISTRY_AGENCY, agency, &known)
	                                   : STORE_OK;
	if (se != STORE_OK || !known) {
		if (se != STORE_OK)
			store_failed(s, se, "agency");
		else
			fprintf(stderr, "manyi: unknown agency \"%s\"\n", agency);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	char key[AUTH_KEY_LEN], id[16];
	enum store_err e = store_begin(s);
	if (e == STORE_OK && (e = auth_key_create(s, r, agency, key, id)) == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK) {
		store_rollback(s);
		fprintf(stderr, "manyi: cannot store the key: %s\n", store_errmsg(s));
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s\n", key);
		fprintf(stderr, "key %s (%s%s%s) created; it is shown only now, keep it safe\n", id, role,
		        agency ? " of " : "", agency ? agency : "");
	}
	crypto_memzero(key, sizeof key);
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

static int cmd_import(const char *db, int argc, char **argv)
{
	enum registry_kind k;
	struct store *s;
	struct import_result res;
	char msg[1024];
	int rc;

	if (argc < 1)
		return usage("import", "import: expected domains, agencies, agency-domains, encounters or responses");
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
	else
		return usage("import", "import: expected domains, agencies, agency-domains, encounters or responses");
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

/*
 * `manyi help [COMMAND]`: the usage of COMMAND, or all of it, on stdout.
 * Anything after the command is ignored (`manyi sample --n 3 --help`).
 */
static int cmd_help(int argc, char **argv)
{
	if (argc == 0) {
		usage_all(stdout);
		return 0;
	}
	if (usage_of(argv[0]) == NULL)
		return usage(NULL, "help: unknown command \"%s\"", argv[0]);
	usage_one(stdout, argv[0]);
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(const char *db, int argc, char **argv);
} commands[] = {
	{"init", cmd_init},
	{"survey", cmd_survey},
	{"import", cmd_import},
	{"invite", cmd_invite},
	{"key", cmd_key},
	{"sample", cmd_sample},
	{"stats", cmd_stats},
	{"export", cmd_export},
	{"publish", cmd_publish},
};

int main(int argc, char **argv)
{
	const char *db = getenv("MANYI_DB");
	char **args = xcalloc((size_t)argc + 1, sizeof *args);
	int nargs = 0;
	bool help = false;

	/* --db, --help and --version may stand anywhere on the line. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc) {
				free(args);
				return usage(NULL, "--db needs a PATH");
			}
			db = argv[++i];
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			db = argv[i] + 5;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			help = true;
		} else if (strcmp(argv[i], "--version") == 0) {
			free(args);
			printf("manyi %s\n", MANYI_VERSION);
			return 0;
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (help || (nargs >= 1 && strcmp(args[0], "help") == 0)) {
		/* `manyi help`, `manyi --help`: everything; `manyi help sample`, `manyi sample --help`: one command. */
		int rc = cmd_help(help ? nargs : nargs - 1, help ? args : args + 1);
		free(args);
		return rc;
	}
	if (db == NULL || *db == '\0')
		db = "var/manyi.db";
	if (!manyi_init()) {
		free(args);
		fputs("manyi: libsodium failed to start\n", stderr);
		return EXIT_BAD_INPUT;
	}
	int rc = -1;
	if (nargs == 0) {
		rc = usage(NULL, "a command is missing");
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			if (strcmp(args[0], commands[i].name) == 0)
				rc = commands[i].fn(db, nargs - 1, args + 1);
		if (rc == -1)
			rc = usage(NULL, "unknown command \"%s\"", args[0]);
	}
	free(args);
	return rc;
}
