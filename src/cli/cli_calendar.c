/*
 * The working-day calendar and the settings on the command line:
 *
 *   manyi import calendar FILE.csv   date,kind[,name]; the file's years replace those years
 *   manyi workdays add DATE N        the date N working days after DATE
 *   manyi workdays between A B       working days in (A, B]
 *   manyi calendar [--year Y] [--format text|csv]
 *   manyi config list | get NAME | set NAME VALUE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar_import.h"
#include "cli.h"
#include "config.h"
#include "util.h"
#include "workdays.h"

int cmd_import_calendar(const char *db, int argc, char **argv)
{
	struct import_result res;
	struct store *s;
	char msg[1024];
	int rc;
	if (argc != 1)
		return usage("import", "import calendar: expected exactly one FILE.csv");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (calendar_import(s, argv[0], &res, msg, sizeof msg) != IMPORT_OK) {
		fprintf(stderr, "manyi: import calendar: %s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else {
		printf("%s: %zu calendar %s imported\n", argv[0], res.rows, plural(res.rows, "day", "days"));
	}
	store_close(s);
	return rc;
}

/* The calendar of db into *c (and its store into *s, to close); 0 or an exit status. */
static int load(const char *db, struct store **s, struct calendar **c)
{
	int rc = open_store(db, false, s);
	if (rc != 0)
		return rc;
	enum store_err e = calendar_load(*s, c);
	if (e != STORE_OK) {
		rc = store_failed(*s, e, "calendar");
		store_close(*s);
	}
	return rc;
}

/* Why a count failed, on stderr; the exit status. */
static int count_failed(const struct calendar *c, enum workdays_status st, const char *what)
{
	if (st == WORKDAYS_BAD_DATE) {
		fprintf(stderr, "manyi: workdays %s: not a date YYYY-MM-DD\n", what);
	} else if (calendar_last_year(c) == 0) {
		fprintf(stderr, "manyi: workdays %s: the calendar covers no year; import the State "
		                "Council's notice with `manyi import calendar FILE.csv`\n", what);
	} else {
		fprintf(stderr, "manyi: workdays %s: runs outside the calendar, which covers up to %d "
		                "(holidays of later years are not published yet; import the next "
		                "notice with `manyi import calendar FILE.csv`)\n", what, calendar_last_year(c));
	}
	return EXIT_BAD_INPUT;
}

/* Print the answer (st OK) or why there is none; free c and close s; the exit status. */
static int answer(struct store *s, struct calendar *c, enum workdays_status st, const char *what,
                  const char *text)
{
	int rc = 0;
	if (st == WORKDAYS_OK)
		printf("%s\n", text);
	else
		rc = count_failed(c, st, what);
	calendar_free(c);
	store_close(s);
	return rc;
}

static int workdays_add(const char *db, char **argv)
{
	long n;
	if (!parse_long(argv[1], 0, 3650, &n))
		return usage("workdays", "workdays add: N \"%s\" is not a whole number 0 to 3650", argv[1]);
	if (!date_valid(argv[0]))
		return usage("workdays", "workdays add: DATE \"%s\" is not a date YYYY-MM-DD", argv[0]);
	struct store *s;
	struct calendar *c;
	int rc = load(db, &s, &c);
	if (rc != 0)
		return rc;
	char out[11], what[64];
	enum workdays_status st = calendar_add(c, argv[0], (int)n, out);
	snprintf(what, sizeof what, "add %s %ld", argv[0], n);
	return answer(s, c, st, what, out);
}

static int workdays_between(const char *db, char **argv)
{
	for (int i = 0; i < 2; i++)
		if (!date_valid(argv[i]))
			return usage("workdays", "workdays between: \"%s\" is not a date YYYY-MM-DD", argv[i]);
	struct store *s;
	struct calendar *c;
	int rc = load(db, &s, &c);
	if (rc != 0)
		return rc;
	int n = 0;
	char what[64], text[16];
	enum workdays_status st = calendar_between(c, argv[0], argv[1], &n);
	snprintf(what, sizeof what, "between %s %s", argv[0], argv[1]);
	snprintf(text, sizeof text, "%d", n);
	return answer(s, c, st, what, text);
}

int cmd_workdays(const char *db, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[0], "add") == 0)
		return workdays_add(db, argv + 1);
	if (argc == 3 && strcmp(argv[0], "between") == 0)
		return workdays_between(db, argv + 1);
	return usage("workdays", "workdays: expected add DATE N or between A B");
}

static const char *const weekday_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

int cmd_calendar(const char *db, int argc, char **argv)
{
	static const char *const with_value[] = {"--year", "--format", NULL};
	static const char *const flags[] = {NULL};
	char why[256];
	bool bad = false;
	long year = 0;
	if (!opts_known(argc, argv, with_value, flags, why, sizeof why))
		return usage("calendar", "calendar: %s", why);
	const char *y = opt_value(argc, argv, "--year", &bad);
	const char *format = opt_value(argc, argv, "--format", &bad);
	if (bad)
		return usage("calendar", "calendar: an option needs a value");
	if (y != NULL && !parse_long(y, 1900, 2999, &year))
		return usage("calendar", "calendar: --year \"%s\" is not a year 1900 to 2999", y);
	bool csv = format != NULL && strcmp(format, "csv") == 0;
	if (format != NULL && !csv && strcmp(format, "text") != 0)
		return usage("calendar", "calendar: --format is text or csv, not \"%s\"", format);
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	struct calendar_mark *m = NULL;
	struct calendar_source *ys = NULL;
	size_t nm = 0, ny = 0;
	enum store_err e = store_calendar_days(s, (int)year, &m, &nm);
	if (e == STORE_OK)
		e = store_calendar_years(s, &ys, &ny);
	if (e != STORE_OK) {
		rc = store_failed(s, e, "calendar");
	} else if (csv) {
		printf("date,kind,name\n");
		for (size_t i = 0; i < nm; i++) {
			const char *f[3] = {m[i].date, m[i].kind, m[i].name};
			csv_row(stdout, f, 3);
		}
	} else {
		size_t shown = 0;
		for (size_t j = 0; j < ny; j++) {
			if (year != 0 && ys[j].year != year)
				continue;
			shown++;
			printf("%d  %s\n", ys[j].year, ys[j].source);
			int holidays = 0, workdays = 0;
			for (size_t i = 0; i < nm; i++) {
				long long d;
				if (atoi(m[i].date) != ys[j].year || !day_parse(m[i].date, &d))
					continue;
				bool h = strcmp(m[i].kind, "holiday") == 0;
				holidays += h;
				workdays += !h;
				printf("  %s %s  %-7s  %s\n", m[i].date, weekday_names[((d % 7) + 7 + 3) % 7],
				       h ? "holiday" : "workday", m[i].name);
			}
			printf("  %d %s off, %d weekend %s worked\n", holidays,
			       plural((size_t)holidays, "weekday", "weekdays"), workdays,
			       plural((size_t)workdays, "day", "days"));
		}
		if (shown == 0 && year != 0) {
			fprintf(stderr, "manyi: calendar: %ld is not covered (the calendar covers %s%d)\n",
			        year, ny ? "up to " : "no year", ny ? ys[ny - 1].year : 0);
			rc = EXIT_BAD_INPUT;
		} else if (shown == 0) {
			fprintf(stderr, "manyi: calendar: no year is covered; import one with "
			                "`manyi import calendar FILE.csv`\n");
		}
	}
	free(m);
	free(ys);
	store_close(s);
	return rc;
}

static int config_list(struct store *s)
{
	printf("name,value,default,min,max,unit,set,meaning\n");
	for (int k = 0; k < CONFIG__MAX; k++) {
		const struct config_info *ci = config_info((enum config_key)k);
		char v[24], d[24], lo[24], hi[24];
		snprintf(v, sizeof v, "%ld", config_get(s, (enum config_key)k));
		snprintf(d, sizeof d, "%ld", ci->def);
		snprintf(lo, sizeof lo, "%ld", ci->min);
		snprintf(hi, sizeof hi, "%ld", ci->max);
		const char *f[8] = {ci->name, v, d, lo, hi, ci->unit,
		                    config_is_set(s, (enum config_key)k) ? "yes" : "no", ci->help};
		csv_row(stdout, f, 8);
	}
	return 0;
}

/* The key named name, or a usage error listing the names. */
static bool config_key_of(const char *name, enum config_key *k)
{
	if (config_find(name, k))
		return true;
	fprintf(stderr, "manyi: config: no setting named \"%s\"; the settings are:", name);
	for (int i = 0; i < CONFIG__MAX; i++)
		fprintf(stderr, " %s", config_info((enum config_key)i)->name);
	fputc('\n', stderr);
	return false;
}

static int config_set_cli(struct store *s, enum config_key k, const char *value)
{
	const struct config_info *ci = config_info(k);
	long v;
	if (!parse_long(value, ci->min, ci->max, &v)) {
		fprintf(stderr, "manyi: config set %s: \"%s\" is not a whole number %ld to %ld (%s)\n",
		        ci->name, value, ci->min, ci->max, ci->unit);
		return EXIT_BAD_INPUT;
	}
	char detail[96];
	snprintf(detail, sizeof detail, "%ld -> %ld", config_get(s, k), v);
	enum store_err e = store_begin(s);
	if (e == STORE_OK)
		e = config_set(s, k, v);
	if (e == STORE_OK)
		e = store_audit(s, "cli", "config set", ci->name, detail);
	if (e == STORE_OK)
		e = store_commit(s);
	else
		store_rollback(s);
	if (e != STORE_OK)
		return store_failed(s, e, "config set");
	printf("%s = %ld\n", ci->name, v);
	return 0;
}

int cmd_config(const char *db, int argc, char **argv)
{
	enum config_key k;
	bool list = argc == 1 && strcmp(argv[0], "list") == 0;
	bool get = argc == 2 && strcmp(argv[0], "get") == 0;
	bool set = argc == 3 && strcmp(argv[0], "set") == 0;
	if (!list && !get && !set)
		return usage("config", "config: expected list, get NAME or set NAME VALUE");
	if (!list && !config_key_of(argv[1], &k))
		return EXIT_BAD_INPUT;
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	if (list)
		rc = config_list(s);
	else if (get)
		printf("%ld\n", config_get(s, k));
	else
		rc = config_set_cli(s, k, argv[2]);
	store_close(s);
	return rc;
}
