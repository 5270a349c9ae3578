/*
 * cli_report — `manyi report --year Y` (the efficacy report of the stored
 * evaluation, include/efficacy_report.h), `manyi report verify FILE` and
 * `manyi publish evaluation --year Y`.  The per-agency detail is
 * efficacy_detail()'s, with the fieldwork's AAPOR rates given from here
 * (the fieldwork layer is above the export); the PDF is printed by
 * headless Chromium.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "crypto.h"
#include "efficacy_report.h"
#include "evaluate.h"
#include "followup_handle.h"
#include "rates.h"
#include "store.h"
#include "util.h"

extern char **environ;

/* The whole of file path (malloc'd, NUL-terminated), or NULL with errno. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct sbuf b;
	char buf[65536];
	size_t n;
	if (fp == NULL)
		return NULL;
	sbuf_init(&b);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sbuf_add(&b, buf, n);
	bool bad = ferror(fp);
	fclose(fp);
	if (bad) {
		sbuf_free(&b);
		errno = EIO;
		return NULL;
	}
	return sbuf_detach(&b);
}

/* The evaluation of year: from file when given, else the stored one.  0 or the exit status. */
static int evaluation_text(struct store *s, int year, const char *file, char **out)
{
	if (file == NULL) {
		enum store_err e = evaluation_get(s, year, out);
		if (e == STORE_ERR_NOTFOUND)
			fprintf(stderr, "manyi: report: no evaluation of %d is stored: run manyi evaluate --year %d "
			                "first\n", year, year);
		else if (e != STORE_OK)
			return store_failed(s, e, "reading the stored evaluation");
		return e == STORE_OK ? 0 : EXIT_BAD_INPUT;
	}
	if ((*out = slurp(file)) == NULL) {
		fprintf(stderr, "manyi: report: %s: %s\n", file, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	return 0;
}


/* The AAPOR rates of survey's phone sample (manyi fieldwork's JSON) into out. */
static bool survey_rates(struct store *s, const char *survey, struct sbuf *out)
{
	struct rates_query rq = {.survey = survey};
	char msg[512];
	return rates_report(s, &rq, false, out, msg, sizeof msg) == RATES_OK;
}

/* Write out to path (or stdout when NULL).  0 or EXIT_BAD_INPUT after saying why. */
static int write_out(const char *path, const struct sbuf *out)
{
	FILE *fp = path ? fopen(path, "wb") : stdout;
	if (fp == NULL || fwrite(out->data, 1, out->len, fp) != out->len || (path && fclose(fp) != 0)) {
		fprintf(stderr, "manyi: report: cannot write %s: %s\n", path ? path : "the output",
		        strerror(errno));
		return EXIT_BAD_INPUT;
	}
	return 0;
}

/* --year Y: 0 with *year, or the usage status. */
static int year_of(const char *v, int *year)
{
	char *end = NULL;
	long y = v ? strtol(v, &end, 10) : 0;
	if (v == NULL)
		return usage("report", "report: --year Y is required");
	if (*end != '\0' || y < 1900 || y > 9999)
		return usage("report", "report: --year \"%s\" is not a year (1900-9999)", v);
	*year = (int)y;
	return 0;
}

/* The Chromium that prints PDFs: $MANYI_CHROMIUM, else /usr/bin/chromium. */
static const char *chromium_path(void)
{
	const char *c = getenv("MANYI_CHROMIUM");
	return c && *c ? c : "/usr/bin/chromium";
}

/*
 * The HTML in html printed to pdf_path by headless Chromium (its print
 * stylesheet: A4, a page per agency).  0, or EXIT_BAD_INPUT saying that
 * the HTML is the fallback when Chromium is missing or fails.
 */
static int report_pdf(const struct sbuf *html, const char *pdf_path)
{
	const char *chromium = chromium_path();
	char dir[] = "/tmp/manyi-report-XXXXXX", file[64], url[80], arg[4200];
	int rc = EXIT_BAD_INPUT, status = -1;
	pid_t pid;
	if (access(chromium, X_OK) != 0) {
		fprintf(stderr, "manyi: report: no Chromium at %s (set MANYI_CHROMIUM): a PDF cannot be "
		                "printed here; use --format html, whose print stylesheet lays out A4 pages "
		                "(print it to PDF from any browser)\n", chromium);
		return EXIT_BAD_INPUT;
	}
	if (strlen(pdf_path) > 4000 || mkdtemp(dir) == NULL) {
		fprintf(stderr, "manyi: report: cannot make a temporary directory: %s\n", strerror(errno));
		return EXIT_BAD_INPUT;
	}
	snprintf(file, sizeof file, "%s/report.html", dir);
	snprintf(url, sizeof url, "file://%s", file);
	snprintf(arg, sizeof arg, "--print-to-pdf=%s", pdf_path);
	FILE *fp = fopen(file, "wb");
	if (fp && fwrite(html->data, 1, html->len, fp) == html->len && fclose(fp) == 0) {
		fp = NULL;
		char headless[] = "--headless", no_sandbox[] = "--no-sandbox", no_gpu[] = "--disable-gpu";
		char no_header[] = "--no-pdf-header-footer";
		char *const args[] = {(char *)chromium, headless, no_sandbox, no_gpu, no_header, arg, url, NULL};
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		if (posix_spawn(&pid, chromium, &fa, NULL, args, environ) == 0 &&
		    waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    access(pdf_path, R_OK) == 0)
			rc = 0;
		posix_spawn_file_actions_destroy(&fa);
	}
	if (fp)
		fclose(fp);
	if (rc != 0)
		fprintf(stderr, "manyi: report: %s could not print %s (status %d); use --format html, whose "
		                "print stylesheet lays out A4 pages\n", chromium, pdf_path, status);
	unlink(file);
	rmdir(dir);
	return rc;
}

/* The report of year in format f (pdf: through Chromium) and language l into out_path. */
struct report_opts {
	int year;
	const char *evaluation, *format, *out, *survey, *rubric;
	enum lang lang;
};

/* The days that are over sealed before the report takes the audit head; 0 or the exit status. */
static int seal(struct store *s, const char *what)
{
	enum store_err e = audit_seal(s, NULL);
	return e == STORE_OK ? 0 : store_failed(s, e, what);
}

static int report_make(struct store *s, const struct report_opts *o)
{
	enum efr_format f = EFR_HTML;
	const char *format = o->format, *out_path = o->out;
	int year = o->year;
	bool pdf = strcmp(format, "pdf") == 0;
	char *ev = NULL, *detail = NULL, msg[512];
	struct sbuf out;
	int rc;
	if (!pdf && !efr_format_parse(format, &f))
		return usage("report", "report: --format \"%s\" is not html, pdf, json or csv", format);
	if (pdf && out_path == NULL)
		return usage("report", "report: --format pdf needs --out FILE.pdf");
	if ((rc = evaluation_text(s, year, o->evaluation, &ev)) != 0)
		return rc;
	if ((rc = seal(s, "report")) != 0) {
		free(ev);
		return rc;
	}
	detail = efficacy_detail(s, ev, year, o->survey, o->rubric, survey_rates, followup_year_json);
	sbuf_init(&out);
	if (efficacy_report(s, ev, detail, f, o->lang, &out, msg, sizeof msg) != EFR_OK) {
		fprintf(stderr, "manyi: report: %s\n", msg);
		rc = EXIT_BAD_INPUT;
	} else if (pdf) {
		rc = report_pdf(&out, out_path);
	} else {
		rc = write_out(out_path, &out);
	}
	sbuf_free(&out);
	free(detail);
	free(ev);
	return rc;
}

/* `manyi report verify FILE`: 0 "matches", 1 "does not match" and what differs. */
static int report_verify(struct store *s, const char *path, const char *file)
{
	struct efr_stamp was, now;
	char *text = slurp(path), *ev = NULL, msg[512];
	int rc;
	if (text == NULL) {
		fprintf(stderr, "manyi: report verify: %s: %s\n", path, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	if (!efficacy_stamp_read(text, &was)) {
		fprintf(stderr, "manyi: report verify: %s carries no report stamp (is it a manyi report?)\n", path);
		free(text);
		return EXIT_BAD_INPUT;
	}
	free(text);
	if ((rc = evaluation_text(s, was.year, file, &ev)) != 0)
		return rc;
	if (efficacy_stamp(s, ev, &now, msg, sizeof msg) != EFR_OK) {
		fprintf(stderr, "manyi: report verify: %s\n", msg);
		free(ev);
		return EXIT_BAD_INPUT;
	}
	free(ev);
	bool in = strcmp(was.inputs, now.inputs) == 0, me = strcmp(was.method, now.method) == 0;
	/* The audit head it carries must still be in the chain. */
	struct audit_verdict v = {.intact = true};
	if (was.audit.id > 0) {
		char head[96];
		snprintf(head, sizeof head, "%lld %s", was.audit.id, was.audit.hash);
		enum store_err e = audit_verify(s, head, &v);
		if (e != STORE_OK)
			return store_failed(s, e, "report verify");
	}
	if (in && me && v.intact) {
		printf("%s matches the database: the report of %d, inputs %s, method %s\n", path, was.year,
		       now.inputs, now.method);
		if (was.audit.id > 0)
			printf("its audit head %lld %s is in the intact audit chain\n", was.audit.id, was.audit.hash);
		return 0;
	}
	printf("%s does not match the database (the report of %d):\n", path, was.year);
	if (!v.intact)
		printf("  the audit record: %s\n", v.what);
	if (!in) {
		printf("  inputs differ: %s in the report, %s now", was.inputs, now.inputs);
		const char *sep = "; changed: ";
		for (size_t i = 0; i < EFR_PARTS; i++)
			if (was.part[i][0] && strcmp(was.part[i], now.part[i]) != 0) {
				printf("%s%s", sep, efr_part_name(i));
				sep = ", ";
			}
		printf("\n");
	}
	if (!me)
		printf("  method differs (formula version, weights, bands, seed, weighting, measure): %s in "
		       "the report, %s now\n", was.method, now.method);
	return EXIT_BAD_INPUT;
}

int cmd_report(const char *db, int argc, char **argv)
{
	static const char *const with_value[] = {"--year", "--format", "--lang", "--out", "--evaluation",
	                                         "--survey", "--rubric", NULL};
	static const char *const flags[] = {NULL};
	bool verify = argc >= 1 && strcmp(argv[0], "verify") == 0, bad = false;
	const char *path = NULL;
	char why[256];
	struct store *s;
	int rc;
	if (verify) {
		if (argc < 2 || argv[1][0] == '-')
			return usage("report", "report verify: expected the report FILE");
		path = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (!opts_known(argc, argv, with_value, flags, why, sizeof why))
		return usage("report", "report: %s", why);
	const char *y = opt_value(argc, argv, "--year", &bad), *format = opt_value(argc, argv, "--format", &bad);
	const char *lang = opt_value(argc, argv, "--lang", &bad), *out = opt_value(argc, argv, "--out", &bad);
	struct report_opts o = {
		.evaluation = opt_value(argc, argv, "--evaluation", &bad),
		.survey = opt_value(argc, argv, "--survey", &bad),
		.rubric = opt_value(argc, argv, "--rubric", &bad),
		.format = format ? format : "html",
		.out = out,
		.lang = lang && strcmp(lang, "en") == 0 ? LANG_EN : LANG_ZH,
	};
	if (bad)
		return no_value("report", "report", argc, argv);
	if (lang && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
		return usage("report", "report: --lang \"%s\" is not zh or en", lang);
	if (!verify && (rc = year_of(y, &o.year)) != 0)
		return rc;
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (verify)
		rc = report_verify(s, path, o.evaluation);
	else
		rc = report_make(s, &o);
	store_close(s);
	return rc;
}

/* One published form of the report: the publication's query key for year and form. */
static int publish_form(struct store *s, int year, const char *form, const char *text)
{
	char key[64];
	long long id;
	snprintf(key, sizeof key, EFFICACY_PUBLICATION_KEY, year, form);
	enum store_err e = store_publication_add(s, EFFICACY_PUBLICATION_SURVEY, key, text, &id);
	return e == STORE_OK ? 0 : store_failed(s, e, "storing the published report");
}

/* The report of o in format f into *out (caller frees); 0 or the exit status. */
static int render(struct store *s, const struct report_opts *o, const char *ev, const char *detail,
                  enum efr_format f, enum lang l, struct sbuf *out)
{
	char msg[512];
	if (efficacy_report(s, ev, detail, f, l, out, msg, sizeof msg) == EFR_OK)
		return 0;
	fprintf(stderr, "manyi: publish evaluation: %d: %s\n", o->year, msg);
	return EXIT_BAD_INPUT;
}

/*
 * `manyi publish evaluation --year Y`: the report (HTML in Chinese and
 * English, JSON, and PDF when Chromium is here: base64url) stored as
 * publications of EFFICACY_PUBLICATION_SURVEY, served by
 * GET /api/v1/public/evaluations[/Y.html|.en.html|.pdf|.json].
 */
int cmd_publish_evaluation(const char *db, int argc, char **argv)
{
	static const char *const with_value[] = {"--year", "--evaluation", "--survey", "--rubric", NULL};
	static const char *const flags[] = {NULL};
	struct report_opts o = {0};
	bool bad = false;
	char why[256], *ev = NULL, *detail = NULL, pdf_path[64] = "";
	struct store *s;
	struct sbuf zh, en, js;
	int rc;
	if (!opts_known(argc, argv, with_value, flags, why, sizeof why))
		return usage("publish", "publish evaluation: %s", why);
	const char *y = opt_value(argc, argv, "--year", &bad);
	o.evaluation = opt_value(argc, argv, "--evaluation", &bad);
	o.survey = opt_value(argc, argv, "--survey", &bad);
	o.rubric = opt_value(argc, argv, "--rubric", &bad);
	if (bad)
		return no_value("publish", "publish evaluation", argc, argv);
	if ((rc = year_of(y, &o.year)) != 0 || (rc = open_store(db, false, &s)) != 0)
		return rc;
	if ((rc = evaluation_text(s, o.year, o.evaluation, &ev)) != 0 ||
	    (rc = seal(s, "publishing the report")) != 0) {
		free(ev);
		store_close(s);
		return rc;
	}
	detail = efficacy_detail(s, ev, o.year, o.survey, o.rubric, survey_rates, followup_year_json);
	sbuf_init(&zh);
	sbuf_init(&en);
	sbuf_init(&js);
	if ((rc = render(s, &o, ev, detail, EFR_HTML, LANG_ZH, &zh)) == 0 &&
	    (rc = render(s, &o, ev, detail, EFR_HTML, LANG_EN, &en)) == 0 &&
	    (rc = render(s, &o, ev, detail, EFR_JSON, LANG_ZH, &js)) == 0) {
		char *pdf = NULL;
		if (access(chromium_path(), X_OK) == 0) {
			char dir[] = "/tmp/manyi-publish-XXXXXX";
			if (mkdtemp(dir) != NULL) {
				snprintf(pdf_path, sizeof pdf_path, "%s/report.pdf", dir);
				if (report_pdf(&zh, pdf_path) == 0) {
					FILE *fp = fopen(pdf_path, "rb");
					struct sbuf b;
					sbuf_init(&b);
					char buf[65536];
					size_t n;
					while (fp && (n = fread(buf, 1, sizeof buf, fp)) > 0)
						sbuf_add(&b, buf, n);
					if (fp)
						fclose(fp);
					pdf = crypto_b64url_encode(b.data, b.len);
					sbuf_free(&b);
				}
				unlink(pdf_path);
				rmdir(dir);
			}
		}
		enum store_err began = store_begin(s);
		if (began != STORE_OK)
			rc = store_failed(s, began, "publishing the report");
		else if ((rc = publish_form(s, o.year, "html", zh.data)) == 0 &&
		         (rc = publish_form(s, o.year, "en.html", en.data)) == 0 &&
		         (rc = publish_form(s, o.year, "json", js.data)) == 0 &&
		         (pdf == NULL || (rc = publish_form(s, o.year, "pdf", pdf)) == 0)) {
			enum store_err e = store_commit(s);
			rc = e == STORE_OK ? 0 : store_failed(s, e, "publishing the report");
		} else {
			store_rollback(s);
		}
		if (rc == 0)
			printf("published the efficacy report of %d: /api/v1/public/evaluations/%d.html (.en.html, "
			       ".json%s)\n", o.year, o.year,
			       pdf ? ", .pdf" : "; no PDF: no Chromium here, the HTML prints to A4");
		struct efr_stamp st; /* the head the report carries */
		if (rc == 0 && efficacy_stamp_read(js.data, &st) && st.audit.id > 0)
			printf("audit head %lld %s (check later: manyi audit verify --head %s)\n", st.audit.id,
			       st.audit.hash, st.audit.hash);
		free(pdf);
	}
	sbuf_free(&zh);
	sbuf_free(&en);
	sbuf_free(&js);
	free(detail);
	free(ev);
	store_close(s);
	return rc;
}
