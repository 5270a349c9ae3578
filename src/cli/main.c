/*
 * manyi — the command line: global options (--db, --help, --version), the
 * usage of every command, and the dispatch to the commands, which live by
 * group in cli_setup.c (init, survey, key), cli_import.c, cli_fieldwork.c
 * (invite, sample) and cli_stats.c (stats, publish, export); cli.h is what
 * they share.
 *
 * Exit status: 0 success, 1 bad input (message on stderr), 2 usage error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "followup.h"
#include "followup_due.h"
#include "manyi_init.h"
#include "util.h"

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
	 "  import encounters FILE.csv            register encounters (the sampling frame; optional\n"
	 "                                        column officers: certificate numbers, ';'-separated)\n"
	 "  import responses --survey ID FILE.csv phone, paper and kiosk answers\n"
	 "  import dispositions FILE.csv          phone cases' outcomes (encounter_id,survey,outcome,\n"
	 "                                        attempts,last_call_at; the latest row stands)\n"
	 "  import cases FILE.csv                 the case registry (case_id,agency,domain,kind,\n"
	 "                                        decided_on,enterprise,outcome)\n"
	 "  import reviews --survey ID FILE.csv   paper case-file reviews against a rubric\n"
	 "                                        (case_id,reviewer,submitted_at, then its items)\n"
	 "  import duties FILE.csv                supervision duties (duty_id,agency,domain,name,basis,\n"
	 "                                        required)\n"
	 "  import performance FILE.csv           actions performed (duty_id,year,performed[,records])\n"
	 "  import quality-scores FILE.csv        quality reviewed elsewhere (year,agency,score,se,n)\n"
	 "  import officers FILE.csv              enforcement certificates (cert_no,name,agency,status,\n"
	 "                                        valid_until[,category,area]); a known cert_no is updated\n"
	 "  import calendar FILE.csv              holidays and make-up workdays (date,kind[,name]; kind\n"
	 "                                        holiday|workday); the file's years are replaced wholly\n"},
	{"evaluate",
	 "  evaluate --year Y [--weights P,Q,S] [--bands 90,80,60] [--weighting W]\n"
	 "           [--measure index|overall] [--rate mean|pooled] [--seed S] [--survey ID]\n"
	 "           [--rubric ID]\n"
	 "                                        the efficacy evaluation: computed, stored, printed\n"
	 "  evaluate --year Y --show              the stored evaluation of year Y\n"},
	{"invite",
	 "  invite --survey ID (--encounter ID | --uninvited) [--expires DAYS]\n"
	 "                                        mint invitations: CSV encounter_id,token,url\n"},
	{"sample",
	 "  sample --survey ID --n N [--by agency] [--allocation proportional|equal] --seed S\n"
	 "         [--from DATE] [--to DATE] [--expires DAYS] [--min-per-agency M] [--response-rate R]\n"
	 "         [--low-n 30]                   a reproducible phone sample: CSV with token and url\n"},
	{"fieldwork",
	 "  fieldwork --survey ID [--by agency] [--format json|csv]\n"
	 "                                        the phone sample's dispositions and AAPOR rates\n"
	 "  fieldwork --survey ID --progress [--from DATE] [--to DATE] [--target N] [--until DATE]\n"
	 "            [--low-n 30] [--format json|csv]  its progress per agency, pace and projection\n"},
	{"stats",
	 "  stats --survey ID [--measure ITEM|ITEM.OPTION|index] [--by COL[,COL]]\n"
	 "        [--weighting none|base|poststrat|rake] [--from DATE] [--to DATE]\n"
	 "        [--level 0.95] [--low-n 30] [--format json|csv] [--lang zh|en]\n"
	 "                                        weighted satisfaction with standard errors\n"
	 "                                        (--lang: the csv's agency_name... columns)\n"},
	{"export",
	 "  export --survey ID --format csv|json|ndjson|xlsx|sav|dta [--out FILE] [--bom] [--lang zh|en]\n"
	 "         [--from DATE] [--to DATE]     the responses with labels and weights, for Excel,\n"
	 "                                        WPS, SPSS, Stata and dashboards (--bom: csv only;\n"
	 "                                        a period is weighted as stats --from --to is)\n"},
	{"publish",
	 "  publish --survey ID [--measure ITEM|ITEM.OPTION|index] [--by COL[,COL]]\n"
	 "          [--weighting none|base|poststrat|rake] [--from DATE] [--to DATE]\n"
	 "          [--level 0.95] [--low-n 30]\n"
	 "                                        freeze figures for /api/v1/public/stats (groups\n"
	 "                                        under the threshold, at least 10, suppressed); a\n"
	 "                                        query published again gets a new version, the\n"
	 "                                        older ones stay (&version=N)\n"
	 "  publish evaluation --year Y [--survey ID] [--rubric ID]\n"
	 "                                        the efficacy report (HTML zh/en, JSON, PDF) for\n"
	 "                                        /api/v1/public/evaluations and the results page\n"},
	{"reviewer",
	 "  reviewer add CODE --name NAME [--affiliation TEXT] [--conflict AGENCY[,AGENCY]]\n"
	 "                                        a member of the case-review panel and the agencies\n"
	 "                                        they may not review\n"
	 "  reviewer list                         the panel: CSV with the conflicts' names\n"},
	{"quality",
	 "  quality --survey ID [--by agency|domain|kind|outcome] [--from DATE] [--to DATE]\n"
	 "          [--level 0.95] [--format json|csv] [--lang zh|en]\n"
	 "                                        enforcement quality from case-file review: mean\n"
	 "                                        total and correctness rate with their intervals\n"},
	{"review",
	 "  review sample --survey ID (--n N [--allocation proportional|equal] | --per-agency N)\n"
	 "         [--by-kind] [--double 0.2] --seed S [--from DATE] [--to DATE]\n"
	 "                                        draw each agency's case files and assign them to\n"
	 "                                        reviewers without a conflict (a share twice): CSV\n"
	 "  review agreement --survey ID          agreement between reviewers over double-reviewed\n"
	 "                                        files: ICC1, ICC1k of totals, Cohen's kappa of\n"
	 "                                        major defects\n"
	 "  review disagreements --survey ID [--threshold 10] [--lang zh|en]\n"
	 "                                        double-reviewed files whose totals differ by more\n"
	 "                                        than the threshold or whose defect flags disagree\n"
	 "  review progress --survey ID [--format json|csv]\n"
	 "                                        assigned, drafts and submitted per reviewer and agency\n"
	 "  review adjudicate CASE --survey ID (--third REVIEWER | --decide --total N --defect yes|no\n"
	 "                                        --note TEXT): a third review or the panel's decision\n"},
	{"report",
	 "  report --year Y [--format html|pdf|json|csv] [--lang zh|en] [--out FILE]\n"
	 "         [--survey ID] [--rubric ID] [--evaluation FILE]\n"
	 "                                        the efficacy evaluation report of the stored\n"
	 "                                        evaluation (pdf: through headless Chromium),\n"
	 "                                        stamped with SHA-256 of its inputs and method\n"
	 "  report verify FILE                    exit 0 when FILE's stamp matches the database,\n"
	 "                                        1 saying what differs when not\n"},
	{"officers",
	 "  officers stats --survey ID [--from DATE] [--to DATE] [--weighting base|none]\n"
	 "         [--level 0.95] [--min-n N] [--format json|csv]\n"
	 "                                        satisfaction (the index) per officer named by the\n"
	 "                                        encounters, for evaluators; fewer answers than N\n"
	 "                                        (setting officer_min_n, 30) show n only\n"},
	{"key",
	 "  key create --role evaluator|agency [--agency CODE]   print a new API key once\n"
	 "  key list                              every key: id, role, agency, created, revoked, last used\n"
	 "  key revoke KEY_ID|KEY                 revoke an API key (by its id, or the key itself)\n"},
	{"user",
	 "  user add NAME --role evaluator|agency|reviewer [--agency CODE] [--reviewer CODE]\n"
	 "                                        a person who signs in at /signin; the password\n"
	 "                                        (10 characters or more) is read from stdin, or\n"
	 "                                        asked for twice in a terminal\n"
	 "  user list                             every user: name, role, created, live sessions, agency\n"
	 "  user remove NAME                      remove a user and end their sessions\n"},
	{"workdays",
	 "  workdays add DATE N                   the date N working days after DATE (counting from\n"
	 "                                        the next day; exit 1 past the calendar's last year)\n"
	 "  workdays between A B                  working days in (A, B]\n"},
	{"calendar",
	 "  calendar [--year Y] [--format text|csv]\n"
	 "                                        the covered years, their holidays and make-up workdays\n"},
	{"config",
	 "  config list | get NAME | set NAME VALUE\n"
	 "                                        the settings (deadlines in working days, retention,\n"
	 "                                        limits): list shows values, defaults and ranges\n"},
	{"followup",
	 "  followup purge [--today DATE]         delete the call-back phones kept past their\n"
	 "                                        case's closing and contact_retention_days\n"
	 "  followup list [--agency A] [--state S] [--survey ID] [--overdue] [--format json|csv]\n"
	 "                                        follow-up cases with their deadlines and events\n"
	 "  followup show CODE                    one case (FU-...) as JSON, its events\n"
	 "  followup indicators [--survey ID] [--agency A] [--from DATE] [--to DATE]\n"
	 "          [--format json|csv]           reply, on-time, rectification and call-back\n"
	 "                                        rates per agency, the overdue cases\n"},
	{"complaint",
	 "  complaint list [--state S] [--format json|csv]\n"
	 "                                        the complaints (投诉举报), newest first, names beside codes\n"
	 "  complaint show CODE                   one complaint with its events (never the contact)\n"
	 "  complaint categories [list]           the complaint categories (CSV, retired ones too)\n"
	 "  complaint categories load FILE.json   replace the categories offered: a JSON array of\n"
	 "                                        {code, name {zh, en}, national 1-3|null, discipline}\n"},
	{"audit",
	 "  audit verify [--head HEX]             walk the audit chain and the sealed days of answers;\n"
	 "                                        exit 1 naming the first row that does not match\n"
	 "                                        (--head: a published head must be in the chain)\n"
	 "  audit head [--format text|json]       seal the days that are over; print the head: ID HEX\n"
	 "  audit seal                            seal the days that are over (UTC+8)\n"},
	{"agency",
	 "  agency network add|remove AGENCY CIDR a network that is the agency's own: answers from it\n"
	 "                                        are flagged agency_network (docs/integrity.md)\n"
	 "  agency network list [AGENCY]          the agencies' networks, names beside codes\n"},
	{"integrity",
	 "  integrity flags [--survey ID] [--agency CODE] [--code C] [--state open|kept|excluded]\n"
	 "                  [--from DATE] [--to DATE] [--format text|json]\n"
	 "                                        the review queue: flagged answers and their flags\n"
	 "  integrity decide --action keep|exclude --reason TEXT ID...\n"
	 "                                        keep or exclude flagged answers (audited)\n"
	 "  integrity evidence --survey ID [--weighting base|none] [--from DATE] [--to DATE]\n"
	 "                                        per agency: flagged share, index flagged vs not\n"
	 "                                        (svyttest), its distribution in five bands (JSON)\n"},
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
int usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int usage(const char *command, const char *fmt, ...)
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
	{"user", cmd_user},
	{"sample", cmd_sample},
	{"fieldwork", cmd_fieldwork},
	{"stats", cmd_stats},
	{"export", cmd_export},
	{"publish", cmd_publish},
	{"reviewer", cmd_reviewer},
	{"quality", cmd_quality},
	{"review", cmd_review},
	{"evaluate", cmd_evaluate},
	{"report", cmd_report},
	{"officers", cmd_officers},
	{"workdays", cmd_workdays},
	{"calendar", cmd_calendar},
	{"config", cmd_config},
	{"complaint", cmd_complaint},
	{"followup", cmd_followup},
	{"audit", cmd_audit},
	{"agency", cmd_agency},
	{"integrity", cmd_integrity},
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
	followup_set_due(followup_due_calendar); /* a case's deadlines, whatever the command */
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
