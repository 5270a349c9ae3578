/*
 * Integrity on the command line (include/integrity.h, docs/integrity.md):
 *
 *   manyi agency network add AGENCY CIDR     a network that is the agency's own
 *   manyi agency network remove AGENCY CIDR
 *   manyi agency network list [AGENCY]
 *   manyi integrity flags [--survey ID] [--agency CODE] [--code C] [--state S]
 *                         [--from D] [--to D] [--format text|json]   the review queue
 *   manyi integrity decide --action keep|exclude --reason TEXT ID...
 *   manyi integrity evidence --survey ID [--weighting base|none] [--from D] [--to D]
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "integrity.h"
#include "integrity_evidence.h"
#include "integrity_report.h"
#include "util.h"

/* The zh name of agency, or "" (the registry could not say). */
static void agency_name(struct store *s, const char *agency, char *out, size_t n)
{
	struct registry_list l = {0};
	*out = '\0';
	if (store_registry_list(s, REGISTRY_AGENCY, &l) == STORE_OK)
		for (size_t i = 0; i < l.n; i++)
			if (strcmp(l.v[i].code, agency) == 0)
				snprintf(out, n, "%s", l.v[i].name[LANG_ZH]);
	registry_list_free(&l);
}

static int network_cmd(struct store *s, int argc, char **argv)
{
	char canon[64], name[256];
	if (argc >= 1 && strcmp(argv[0], "list") == 0) {
		struct integrity_network_list l;
		if (argc > 2)
			return usage("agency", "agency network list: at most one agency");
		enum store_err e = integrity_network_list(s, argc == 2 ? argv[1] : NULL, &l);
		if (e != STORE_OK)
			return store_failed(s, e, "agency network list");
		for (size_t i = 0; i < l.n; i++) {
			agency_name(s, l.v[i].agency, name, sizeof name);
			printf("%s\t%s\t%s\n", l.v[i].agency, name, l.v[i].cidr);
		}
		integrity_network_list_free(&l);
		return 0;
	}
	bool add = argc >= 1 && strcmp(argv[0], "add") == 0;
	if (argc < 1 || (!add && strcmp(argv[0], "remove") != 0))
		return usage("agency", "agency network: add, remove or list?");
	if (argc != 3)
		return usage("agency", "agency network %s: AGENCY CIDR", argv[0]);
	if (!integrity_cidr_parse(argv[2], canon, sizeof canon)) {
		fprintf(stderr, "manyi: agency network %s: \"%s\" is not a network (a.b.c.d/n or an "
		        "IPv6 prefix x:y::/n)\n", argv[0], argv[2]);
		return EXIT_BAD_INPUT;
	}
	enum store_err e = add ? integrity_network_add(s, argv[1], canon, "cli")
	                       : integrity_network_remove(s, argv[1], canon, "cli");
	agency_name(s, argv[1], name, sizeof name);
	if (e == STORE_ERR_NOTFOUND) {
		fprintf(stderr, add ? "manyi: agency network add: no agency %s is registered\n"
		                    : "manyi: agency network remove: %s%s%s%s has no network %s\n",
		        argv[1], *name ? " (" : "", name, *name ? ")" : "", canon);
		return EXIT_BAD_INPUT;
	}
	if (e == STORE_ERR_CONSTRAINT) {
		fprintf(stderr, "manyi: agency network add: %s is listed for %s already\n", canon, argv[1]);
		return EXIT_BAD_INPUT;
	}
	if (e != STORE_OK)
		return store_failed(s, e, "agency network");
	printf("%s %s %s (%s)\n", add ? "added" : "removed", canon, argv[1], name);
	return 0;
}

int cmd_agency(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	if (argc < 1 || strcmp(argv[0], "network") != 0)
		return usage("agency", "agency: network?");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	rc = network_cmd(s, argc - 1, argv + 1);
	store_close(s);
	return rc;
}

/* The queue as text: one line an answer, its flags after it. */
static void queue_text(struct store *s, const struct integrity_items *l)
{
	char name[256];
	for (size_t i = 0; i < l->n; i++) {
		const struct integrity_item *it = &l->v[i];
		agency_name(s, it->agency, name, sizeof name);
		printf("%s\t%s %s\t%s\t%s\t%s%s%s\n", it->public_id, it->agency, name, it->day,
		       integrity_state_name(it->state), it->survey, *it->reason ? "\t" : "", it->reason);
		for (size_t k = 0; k < it->nflags; k++)
			printf("\t%s%s%s%s: %s\n", integrity_code_name(it->flags[k].code),
			       *it->flags[k].grp ? " [" : "", it->flags[k].grp, *it->flags[k].grp ? "]" : "",
			       it->flags[k].detail);
	}
	printf("%zu flagged %s\n", l->n, plural(l->n, "answer", "answers"));
}

static int flags_cmd(struct store *s, int argc, char **argv)
{
	static const char *const with_value[] = {"--survey", "--agency", "--code", "--state",
	                                         "--from", "--to", "--format", NULL};
	static const char *const none[] = {NULL};
	char why[256];
	bool bad = false;
	if (!opts_known(argc, argv, with_value, none, why, sizeof why))
		return usage("integrity", "integrity flags: %s", why);
	struct integrity_query q = {.code = -1, .state = -1};
	q.survey = opt_value(argc, argv, "--survey", &bad);
	q.agency = opt_value(argc, argv, "--agency", &bad);
	const char *code = opt_value(argc, argv, "--code", &bad);
	const char *state = opt_value(argc, argv, "--state", &bad);
	const char *format = opt_value(argc, argv, "--format", &bad);
	q.from = opt_value(argc, argv, "--from", &bad);
	q.to = opt_value(argc, argv, "--to", &bad);
	if (bad)
		return no_value("integrity", "integrity flags", argc, argv);
	if ((q.from != NULL && !date_valid(q.from)) || (q.to != NULL && !date_valid(q.to)))
		return usage("integrity", "integrity flags: --from and --to are dates (YYYY-MM-DD)");
	enum integrity_code c;
	enum integrity_state st;
	if (code != NULL && !integrity_code_parse(code, &c))
		return usage("integrity", "integrity flags: --code is speed, straightline, burst, "
		             "agency_network, early, late or device, not \"%s\"", code);
	if (state != NULL && !integrity_state_parse(state, &st))
		return usage("integrity", "integrity flags: --state is open, kept or excluded, not \"%s\"",
		             state);
	if (format != NULL && strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return usage("integrity", "integrity flags: --format is text or json, not \"%s\"", format);
	q.code = code != NULL ? (int)c : -1;
	q.state = state != NULL ? (int)st : -1;
	enum store_err e;
	if (format != NULL && strcmp(format, "json") == 0) {
		struct sbuf out;
		sbuf_init(&out);
		if ((e = integrity_queue_json(s, &q, &out)) == STORE_OK)
			printf("%s\n", out.data);
		sbuf_free(&out);
	} else {
		struct integrity_items l;
		if ((e = integrity_queue(s, &q, &l)) == STORE_OK)
			queue_text(s, &l);
		integrity_items_free(&l);
	}
	return e == STORE_OK ? 0 : store_failed(s, e, "integrity flags");
}

static int decide_cmd(struct store *s, int argc, char **argv)
{
	const char *action = NULL, *reason = NULL;
	int first = argc;
	for (int i = 0; i < argc; i++) {
		if ((strcmp(argv[i], "--action") == 0 || strcmp(argv[i], "--reason") == 0) && i + 1 < argc) {
			*(argv[i][2] == 'a' ? &action : &reason) = argv[i + 1];
			i++;
		} else if (argv[i][0] == '-') {
			return usage("integrity", "integrity decide: unknown option %s", argv[i]);
		} else if (first == argc) {
			first = i;
		}
	}
	if (action == NULL || (strcmp(action, "keep") != 0 && strcmp(action, "exclude") != 0))
		return usage("integrity", "integrity decide: --action keep or exclude is required");
	if (reason == NULL || *reason == '\0')
		return usage("integrity", "integrity decide: --reason TEXT is required (it is audited)");
	if (first == argc)
		return usage("integrity", "integrity decide: which answers? (their ids)");
	enum store_err e = store_begin(s);
	int rc = 0, n = 0;
	for (int i = first; i < argc && e == STORE_OK && rc == 0; i++) {
		if (strcmp(argv[i], "--action") == 0 || strcmp(argv[i], "--reason") == 0) {
			i++;
			continue;
		}
		e = integrity_decide(s, argv[i], strcmp(action, "exclude") == 0, reason, "cli");
		n++;
		if (e == STORE_ERR_NOTFOUND || e == STORE_ERR_CONSTRAINT) {
			fprintf(stderr, "manyi: integrity decide: %s %s; nothing was decided\n", argv[i],
			        e == STORE_ERR_NOTFOUND ? "is no flagged answer" : "is excluded already");
			rc = EXIT_BAD_INPUT;
		}
	}
	if (e == STORE_OK && rc == 0)
		e = store_commit(s);
	if (e != STORE_OK || rc != 0) {
		store_rollback(s);
		return rc != 0 ? rc : store_failed(s, e, "integrity decide");
	}
	printf("%s: %d %s\n", strcmp(action, "keep") == 0 ? "kept" : "excluded", n,
	       n == 1 ? "answer" : "answers");
	return 0;
}

static int evidence_cmd(struct store *s, int argc, char **argv)
{
	static const char *const with_value[] = {"--survey", "--weighting", "--from", "--to", NULL};
	static const char *const none[] = {NULL};
	char why[256], msg[512];
	bool bad = false;
	if (!opts_known(argc, argv, with_value, none, why, sizeof why))
		return usage("integrity", "integrity evidence: %s", why);
	const char *survey = opt_value(argc, argv, "--survey", &bad);
	const char *weighting = opt_value(argc, argv, "--weighting", &bad);
	const char *from = opt_value(argc, argv, "--from", &bad);
	const char *to = opt_value(argc, argv, "--to", &bad);
	if (bad)
		return no_value("integrity", "integrity evidence", argc, argv);
	if (survey == NULL)
		return usage("integrity", "integrity evidence: --survey ID is required");
	enum stats_weighting w = STATS_W_BASE;
	if (weighting != NULL && (!stats_weighting_parse(weighting, &w) ||
	                          (w != STATS_W_BASE && w != STATS_W_NONE)))
		return usage("integrity", "integrity evidence: --weighting is base or none, not \"%s\"",
		             weighting);
	if ((from != NULL && !date_valid(from)) || (to != NULL && !date_valid(to)))
		return usage("integrity", "integrity evidence: --from and --to are dates (YYYY-MM-DD)");
	struct sbuf out;
	sbuf_init(&out);
	enum report_status st = integrity_evidence_json(s, survey, w, from, to, &out, msg, sizeof msg);
	int rc = print_result("integrity evidence", st == REPORT_OK, &out, msg);
	if (st == REPORT_OK)
		putchar('\n');
	sbuf_free(&out);
	return rc;
}

int cmd_integrity(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	if (argc < 1 || (strcmp(argv[0], "flags") != 0 && strcmp(argv[0], "decide") != 0 &&
	                 strcmp(argv[0], "evidence") != 0))
		return usage("integrity", "integrity: flags, decide or evidence?");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	rc = strcmp(argv[0], "flags") == 0    ? flags_cmd(s, argc - 1, argv + 1)
	     : strcmp(argv[0], "decide") == 0 ? decide_cmd(s, argc - 1, argv + 1)
	                                      : evidence_cmd(s, argc - 1, argv + 1);
	store_close(s);
	return rc;
}
