/*
 * manyi user add|list|remove: the people who sign in at /signin with a
 * username and password (session.h).  The password is read from standard
 * input when it is not a terminal (one line), else asked for twice without
 * echo; it is never an argument, so it stays out of the shell's history and
 * the process list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crypto.h"
#include "session.h"
#include "store_review.h"

#define PW_BUF (USER_PASSWORD_MAX + 3)

/* One line from fp into buf (capacity PW_BUF) without its line end; -1 at
 * the end of input, -2 when the line is longer than a password may be. */
static long read_line(FILE *fp, char buf[PW_BUF])
{
	if (fgets(buf, PW_BUF, fp) == NULL)
		return -1;
	size_t n = strlen(buf);
	bool whole = n > 0 && buf[n - 1] == '\n';
	if (!whole && !feof(fp))
		return -2;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return (long)n;
}

/* Ask on the terminal with prompt, echo off. */
static long ask(const char *prompt, char buf[PW_BUF])
{
	struct termios old, quiet;
	bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
	/* Echo off before the prompt, and nothing typed thrown away (TCSANOW,
	 * not TCSAFLUSH): a password typed or pasted at once is read whole. */
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	fputs(prompt, stderr);
	fflush(stderr);
	long n = read_line(stdin, buf);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	return n;
}

/* The new password into pw: 0, or the exit status after saying why. */
static int read_password(char pw[PW_BUF], size_t *len)
{
	long n;
	if (!isatty(STDIN_FILENO)) {
		n = read_line(stdin, pw);
	} else {
		char again[PW_BUF];
		n = ask("Password (at least 10 characters): ", pw);
		if (n >= 0) {
			long m = ask("The same password again: ", again);
			if (m != n || strcmp(pw, again) != 0) {
				crypto_memzero(again, sizeof again);
				fputs("manyi: user add: the two passwords differ; nothing was stored\n", stderr);
				return EXIT_BAD_INPUT;
			}
			crypto_memzero(again, sizeof again);
		}
	}
	if (n == -1 || n == 0) {
		fputs("manyi: user add: no password given: write it on standard input (one line) or "
		      "run the command in a terminal to be asked\n", stderr);
		return EXIT_BAD_INPUT;
	}
	enum user_pw why = n == -2 ? USER_PW_LONG : user_password_ok(pw, (size_t)n);
	if (why != USER_PW_OK) {
		fprintf(stderr, "manyi: user add: %s; nothing was stored\n", user_pw_strerror(why));
		return EXIT_BAD_INPUT;
	}
	*len = (size_t)n;
	return 0;
}

static int user_add_cmd(const char *db, int argc, char **argv)
{
	static const char *const with_value[] = {"--role", "--agency", "--reviewer", NULL};
	static const char *const flags[] = {NULL};
	char why[160];
	bool bad = false;
	if (argc < 1 || strncmp(argv[0], "--", 2) == 0)
		return usage("user", "user add: the user's NAME is missing");
	const char *name = argv[0];
	if (!opts_known(argc - 1, argv + 1, with_value, flags, why, sizeof why))
		return usage("user", "user add: %s", why);
	const char *role = opt_value(argc - 1, argv + 1, "--role", &bad);
	const char *agency = opt_value(argc - 1, argv + 1, "--agency", &bad);
	const char *reviewer = opt_value(argc - 1, argv + 1, "--reviewer", &bad);
	if (bad)
		return no_value("user", "user add", argc - 1, argv + 1);
	if (!user_name_valid(name))
		return usage("user", "user add: \"%s\" is not a user name: 1 to 64 of a-z, 0-9, '.', '_', "
		             "'-', starting with a letter or digit", name);
	enum role r;
	if (role == NULL)
		return usage("user", "user add: --role evaluator|agency|reviewer is required");
	if (strcmp(role, "evaluator") == 0)
		r = ROLE_EVALUATOR;
	else if (strcmp(role, "agency") == 0)
		r = ROLE_AGENCY;
	else if (strcmp(role, "reviewer") == 0)
		r = ROLE_REVIEWER;
	else
		return usage("user", "user add: --role must be evaluator, agency or reviewer, not \"%s\"",
		             role);
	if ((r == ROLE_AGENCY) != (agency != NULL))
		return usage("user", "%s", r == ROLE_AGENCY ? "user add: an agency user needs --agency CODE"
		                                             : "user add: only an agency user takes --agency");
	if ((r == ROLE_REVIEWER) != (reviewer != NULL))
		return usage("user", "%s", r == ROLE_REVIEWER
		             ? "user add: a reviewer needs --reviewer CODE (see manyi reviewer list)"
		             : "user add: only a reviewer takes --reviewer");
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	bool known = true;
	struct user_rec u;
	enum store_err e = agency != NULL ? store_registry_exists(s, REGISTRY_AGENCY, agency, &known)
	                                  : STORE_OK;
	if (e == STORE_OK && !known) {
		fprintf(stderr, "manyi: user add: unknown agency \"%s\" (see manyi import agencies)\n", agency);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if (e == STORE_OK && reviewer != NULL &&
	    (e = store_reviewer_exists(s, reviewer, &known)) == STORE_OK && !known) {
		fprintf(stderr, "manyi: user add: unknown reviewer \"%s\" (see manyi reviewer list; "
		        "manyi reviewer add registers one)\n", reviewer);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if (reviewer != NULL)
		agency = reviewer; /* user_add() takes the reviewer's code in its place */
	if (e == STORE_OK && (e = store_user_get(s, name, &u)) == STORE_OK) {
		fprintf(stderr, "manyi: user add: there is a user \"%s\" already (manyi user remove "
		        "first to replace them)\n", name);
		crypto_memzero(u.hash, sizeof u.hash);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	if (e != STORE_ERR_NOTFOUND) {
		rc = store_failed(s, e, "user add");
		store_close(s);
		return rc;
	}
	char pw[PW_BUF];
	size_t n = 0;
	if ((rc = read_password(pw, &n)) == 0) {
		e = store_begin(s);
		if (e == STORE_OK && (e = user_add(s, name, pw, n, r, agency)) == STORE_OK)
			e = store_commit(s);
		if (e != STORE_OK) {
			store_rollback(s);
			rc = store_failed(s, e, "user add");
		} else {
			printf("user %s (%s%s%s) added\n", name, role,
			       agency ? (r == ROLE_REVIEWER ? " " : " of ") : "", agency ? agency : "");
		}
	}
	crypto_memzero(pw, sizeof pw);
	store_close(s);
	return rc;
}

static bool print_user(const struct user_row *u, void *ctx)
{
	(void)ctx;
	char agency[200] = "-";
	if (*u->agency)
		snprintf(agency, sizeof agency, "%s %s / %s", u->agency, u->agency_zh, u->agency_en);
	printf("%-20s  %-9s  %-20s  %8lld  %s\n", u->name, u->role, u->created, u->sessions, agency);
	return true;
}

static int user_list_cmd(const char *db)
{
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	printf("%-20s  %-9s  %-20s  %8s  %s\n", "name", "role", "created", "sessions", "agency");
	enum store_err e = store_user_list(s, (long long)time(NULL), print_user, NULL);
	if (e != STORE_OK)
		rc = store_failed(s, e, "user list");
	store_close(s);
	return rc;
}

static int user_remove_cmd(const char *db, const char *name)
{
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	enum store_err e = store_begin(s);
	if (e == STORE_OK && (e = store_user_remove(s, name)) == STORE_OK &&
	    (e = store_audit(s, "cli", "user remove", name, NULL)) == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK) {
		store_rollback(s);
		if (e == STORE_ERR_NOTFOUND) {
			fprintf(stderr, "manyi: user remove: there is no user \"%s\" (see manyi user list)\n", name);
			rc = EXIT_BAD_INPUT;
		} else {
			rc = store_failed(s, e, "user remove");
		}
	} else {
		printf("user %s removed; their sessions have ended\n", name);
	}
	store_close(s);
	return rc;
}

int cmd_user(const char *db, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return user_add_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			return usage("user", "user list: takes no arguments");
		return user_list_cmd(db);
	}
	if (argc >= 1 && strcmp(argv[0], "remove") == 0) {
		if (argc != 2)
			return usage("user", "user remove: expected one NAME");
		return user_remove_cmd(db, argv[1]);
	}
	return usage("user", "user: expected `user add NAME --role evaluator|agency|reviewer "
	             "[--agency CODE] [--reviewer CODE]`, "
	             "`user list` or `user remove NAME`");
}
