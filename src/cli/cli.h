/*
 * cli — what the files of the command line share: the exit statuses, the
 * usage error, opening the store and saying why it failed, reading options
 * (those that are query keys through params), and one command function per
 * command, by group: cli_setup.c (init, survey, key), cli_import.c (import),
 * cli_fieldwork.c (invite, sample, fieldwork; cli_sample.c: the sample's
 * warning), cli_stats.c (stats, publish, export);
 * main.c dispatches to them.  Messages go to stderr, starting "manyi: ".
 */
#ifndef MANYI_CLI_H
#define MANYI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "params.h"
#include "store.h"
#include "survey.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2

/* main.c: a usage error (message, then the usage of command, NULL: the list
 * of commands) on stderr; returns EXIT_USAGE. */
int usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The rest is in cli.c. */

/* one when n is 1, else many (both borrowed, returned as given). */
const char *plural(size_t n, const char *one, const char *many);

/* Say why the store failed (busy: "try again"); returns EXIT_BAD_INPUT.  s may be NULL. */
int store_failed(struct store *s, enum store_err e, const char *what);

/* The latest version of survey: 0 with *version, *def and *sv (caller frees
 * def with free() and sv with survey_free()), or EXIT_BAD_INPUT after saying why. */
int load_survey(struct store *s, const char *survey, int *version, char **def, struct survey **sv);

/* Open the database at db (create: make it, 0600, and migrate) with its base
 * URL loaded: 0 with *s (caller closes with store_close()), or the exit status
 * after saying why. */
int open_store(const char *db, bool create, struct store **s);

/* Print out (borrowed) to stdout when ok, else "manyi: COMMAND: msg" on
 * stderr; 0 or EXIT_BAD_INPUT. */
int print_result(const char *command, bool ok, const struct sbuf *out, const char *msg);

/* Warn on stderr when printed links point to a loopback address. */
void warn_loopback_links(void);

/* Options other than query keys: the value of "--name VALUE" (borrowed from
 * argv) or NULL, *bad set when name is the last argument; the usage error for
 * such a dangling option; whether a flag is given; whether every argument is
 * one of with_value (followed by its value) or flags, else why (in why). */
const char *opt_value(int argc, char **argv, const char *name, bool *bad);
int no_value(const char *command, const char *label, int argc, char **argv);
bool opt_flag(int argc, char **argv, const char *name);
bool opts_known(int argc, char **argv, const char *const *with_value, const char *const *flags,
                char *why, size_t n);

/* Read the options of command into p: keys through params' validators, extra
 * (with a value) and flags (NULL-terminated) left for opt_value() and
 * opt_flag(); 0, or the usage status after the message. */
int cli_params(const char *command, const struct params_keys *keys, const char *const *extra,
               const char *const *flags, int argc, char **argv, struct params *p);

/* One CSV row of n cells to fp, cells a spreadsheet would run guarded. */
void csv_row(FILE *fp, const char *const *f, size_t n);

/* cli_sample.c: manyi sample's warning about agencies under the publication threshold. */
#define SAMPLE_DEFAULT_RATE 0.5 /* the expected response rate without --response-rate or dispositions */
/*
 * The expected response rate of survey's sample: given when > 0, else the
 * RR1 of its phone sample so far (rates.h) when it has dispositions and
 * RR1 > 0, else SAMPLE_DEFAULT_RATE; *why (static) says which.
 */
double sample_expected_rate(struct store *s, const char *survey, double given, const char **why);
/* The least minimum per agency that expects low_n completes at rate: ceil(low_n / rate). */
size_t sample_min_for(long low_n, double rate);
struct sample_agency;
struct sample_warning {
	const struct sample_agency *agencies; /* the frame's agencies, what was drawn (sample.h) */
	size_t nagencies;
	double rate;          /* the expected response rate */
	const char *rate_why; /* where it comes from */
	long low_n;           /* the publication threshold */
	size_t n;             /* the --n asked */
	size_t min_per_agency; /* the --min-per-agency asked (0: none) */
};
/*
 * On stderr: the agencies whose drawn × rate is under low_n, code and name,
 * and when a minimum per agency would help, the command line (argv: what
 * followed "sample") with --min-per-agency ceil(low_n / rate).  Returns how
 * many agencies are under.
 */
size_t sample_warn_thin(struct store *s, const struct sample_warning *w, int argc, char **argv);

/* The commands: db is the database's path, argv what follows the command's
 * name; each returns the exit status. */
int cmd_init(const char *db, int argc, char **argv);
int cmd_survey(const char *db, int argc, char **argv);
int cmd_key(const char *db, int argc, char **argv);
int cmd_user(const char *db, int argc, char **argv);
int cmd_import(const char *db, int argc, char **argv);
int cmd_invite(const char *db, int argc, char **argv);
int cmd_sample(const char *db, int argc, char **argv);
int cmd_fieldwork(const char *db, int argc, char **argv);
int cmd_stats(const char *db, int argc, char **argv);
int cmd_publish(const char *db, int argc, char **argv);
int cmd_export(const char *db, int argc, char **argv);
/* cli_review.c: case-file review. */
int cmd_reviewer(const char *db, int argc, char **argv);
int cmd_quality(const char *db, int argc, char **argv);
int cmd_review(const char *db, int argc, char **argv);
/* cli_report.c: the efficacy report and its verification. */
int cmd_report(const char *db, int argc, char **argv);
int cmd_publish_evaluation(const char *db, int argc, char **argv);
int cmd_import_cases(const char *db, int argc, char **argv);
int cmd_import_reviews(const char *db, int argc, char **argv);
/* cli_evaluate.c: the efficacy evaluation; kind "duties", "performance" or "quality-scores"
 * (-1 when argv[0] is none of them). */
int cmd_import_efficacy(const char *db, int argc, char **argv);
int cmd_evaluate(const char *db, int argc, char **argv);
/* cli_officer.c: the certificate register and the per-officer satisfaction. */
int cmd_import_officers(const char *db, int argc, char **argv);
int cmd_officers(const char *db, int argc, char **argv);
/* cli_calendar.c: the working-day calendar and the settings. */
int cmd_import_calendar(const char *db, int argc, char **argv);
int cmd_workdays(const char *db, int argc, char **argv);
int cmd_calendar(const char *db, int argc, char **argv);
int cmd_config(const char *db, int argc, char **argv);
/* cli_complaint.c: the complaint channel's list, show and categories. */
int cmd_complaint(const char *db, int argc, char **argv);
/* `manyi followup purge` (cli_followup_purge.c). */
int cmd_followup_purge(const char *db, int argc, char **argv);
/* cli_integrity.c: agency network add|remove|list; integrity flags|decide. */
int cmd_agency(const char *db, int argc, char **argv);
int cmd_integrity(const char *db, int argc, char **argv);
/* cli_audit.c: audit verify | head | seal. */
int cmd_audit(const char *db, int argc, char **argv);
/* `manyi followup list|show|indicators` (cli_followup.c), and purge through cmd_followup_purge. */
int cmd_followup(const char *db, int argc, char **argv);

#endif
