/*
 * The tamper-evident record on the command line (include/audit.h, docs/audit.md):
 *
 *   manyi audit verify [--head HEX]   walk the audit chain and the sealed days; exit 1
 *                                     naming the first row that does not match
 *   manyi audit head [--format text|json]   seal the days that are over, print the head
 *   manyi audit seal                  seal the days that are over
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "publish.h"
#include "util.h"

/* Seal what is over, then the head into *h; 0 or an exit status. */
static int seal_head(struct store *s, struct audit_head *h, long long *days)
{
	enum store_err e = audit_seal(s, days);
	if (e == STORE_OK)
		e = audit_head(s, h);
	return e == STORE_OK ? 0 : store_failed(s, e, "audit");
}

static int audit_verify_cmd(struct store *s, int argc, char **argv)
{
	static const char *const with_value[] = {"--head", NULL};
	static const char *const flags[] = {NULL};
	struct audit_verdict v;
	char why[256];
	bool bad = false;
	if (!opts_known(argc, argv, with_value, flags, why, sizeof why))
		return usage("audit", "audit verify: %s", why);
	const char *head = opt_value(argc, argv, "--head", &bad);
	if (bad)
		return no_value("audit", "audit verify", argc, argv);
	enum store_err e = audit_verify(s, head, &v);
	if (e != STORE_OK)
		return store_failed(s, e, "audit verify");
	if (!v.intact) {
		printf("audit record NOT intact: %s\n", v.what);
		return EXIT_BAD_INPUT;
	}
	printf("audit chain intact: %lld %s, head %lld %s; answers: %lld %s sealed, %lld %s%s\n", v.rows,
	       plural((size_t)v.rows, "row", "rows"), v.head.id, v.head.hash, v.days,
	       plural((size_t)v.days, "day", "days"), v.answers, plural((size_t)v.answers, "answer", "answers"),
	       head ? "; the published head is in the chain" : "");
	return 0;
}

static int audit_head_cmd(struct store *s, int argc, char **argv)
{
	static const char *const with_value[] = {"--format", NULL};
	static const char *const flags[] = {NULL};
	struct audit_head h;
	char why[256];
	bool bad = false;
	if (!opts_known(argc, argv, with_value, flags, why, sizeof why))
		return usage("audit", "audit head: %s", why);
	const char *format = opt_value(argc, argv, "--format", &bad);
	if (bad)
		return no_value("audit", "audit head", argc, argv);
	if (format != NULL && strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return usage("audit", "audit head: --format is text or json, not \"%s\"", format);
	int rc = seal_head(s, &h, NULL);
	if (rc != 0)
		return rc;
	if (format != NULL && strcmp(format, "json") == 0) {
		struct sbuf out;
		sbuf_init(&out);
		publish_head_json(&h, &out);
		fputs(out.data, stdout);
		sbuf_free(&out);
	} else {
		printf("%lld %s\n", h.id, h.hash);
	}
	return 0;
}

int cmd_audit(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	if (argc < 1)
		return usage("audit", "audit: verify, head or seal?");
	if (strcmp(argv[0], "verify") != 0 && strcmp(argv[0], "head") != 0 && strcmp(argv[0], "seal") != 0)
		return usage("audit", "audit: unknown subcommand \"%s\"", argv[0]);
	if (strcmp(argv[0], "seal") == 0 && argc > 1)
		return usage("audit", "audit seal: takes no options");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	if (strcmp(argv[0], "verify") == 0) {
		rc = audit_verify_cmd(s, argc - 1, argv + 1);
	} else if (strcmp(argv[0], "head") == 0) {
		rc = audit_head_cmd(s, argc - 1, argv + 1);
	} else {
		struct audit_head h;
		long long days = 0;
		if ((rc = seal_head(s, &h, &days)) == 0)
			printf("%lld %s sealed; head %lld %s\n", days, plural((size_t)days, "day", "days"), h.id,
			       h.hash);
	}
	store_close(s);
	return rc;
}
