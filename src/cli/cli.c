/* The helpers every command shares — see cli.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "invite.h"
#include "params.h"
#include "store.h"
#include "survey.h"
#include "util.h"

/* The noun for n things: one when n is 1, else many ("1 encounter", "2 encounters"). */
const char *plural(size_t n, const char *one, const char *many)
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
int store_failed(struct store *s, enum store_err e, const char *what)
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
int load_survey(struct store *s, const char *survey, int *version, char **def,
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
	if (survey_is_rubric(*sv)) {
		fprintf(stderr, "manyi: \"%s\" is a case-review rubric (audience reviewer), not a survey "
		        "of respondents: use manyi import reviews and manyi quality\n", survey);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

int open_store(const char *db, bool create, struct store **s)
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
void warn_loopback_links(void)
{
	const char *url = invite_base_url();
	if (invite_url_is_loopback(url))
		fprintf(stderr, "manyi: warning: the links point to %s, which only this machine can open; "
		        "set the public address with `manyi init --base-url https://...` (or MANYI_BASE_URL)\n",
		        url);
}

/* Value of option name in argv (as "--name VALUE"), or NULL; *bad on a dangling flag. */
const char *opt_value(int argc, char **argv, const char *name, bool *bad)
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
int no_value(const char *command, const char *label, int argc, char **argv)
{
	return usage(command, "%s: %s needs a value", label, argv[argc - 1]);
}

bool opt_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

/* Reject anything that is not one of the known options (and their values). */
bool opts_known(int argc, char **argv, const char *const *with_value,
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
int cli_params(const char *command, const struct params_keys *keys, const char *const *extra,
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
void csv_row(FILE *fp, const char *const *f, size_t n)
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

int print_result(const char *command, bool ok, const struct sbuf *out, const char *msg)
{
	if (!ok) {
		fprintf(stderr, "manyi: %s: %s\n", command, msg);
		return EXIT_BAD_INPUT;
	}
	fwrite(out->data, 1, out->len, stdout);
	return 0;
}
