/* manyi init, survey load and key: the database, its surveys and its API keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth.h"
#include "cli.h"
#include "crypto.h"
#include "invite.h"
#include "registry.h"
#include "store.h"
#include "survey.h"
#include "util.h"

/*
 * The sealing key of call-back contacts (followup.h): $MANYI_CONTACT_KEY,
 * else DB.contact-key, made 0600 when there is none.  Keep it apart from
 * the database's backups: without it a sealed phone cannot be read.
 */
static int contact_key_file(const char *db)
{
	unsigned char key[CRYPTO_SEAL_KEYBYTES];
	char msg[512];
	const char *env = getenv("MANYI_CONTACT_KEY");
	char *path = env != NULL && *env != '\0' ? xstrdup(env) : xasprintf("%s.contact-key", db);
	bool ok = crypto_key_file(path, true, key, msg, sizeof msg);
	crypto_memzero(key, sizeof key);
	if (ok)
		printf("call-back contacts are sealed with the key in %s (keep it out of backups of "
		       "the database; restart manyi-fcgi after making it)\n", path);
	else
		fprintf(stderr, "manyi: %s\n", msg);
	free(path);
	return ok ? 0 : EXIT_BAD_INPUT;
}

int cmd_init(const char *db, int argc, char **argv)
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
	if ((rc = contact_key_file(db)) != 0)
		return rc;
	/* A database made before files were created 0600, or copied about, may
	 * be readable by everyone on the machine: comments and the secret. */
	struct stat st;
	if (stat(db, &st) == 0 && (st.st_mode & 0077) != 0)
		fprintf(stderr, "manyi: warning: %s can be read by other users (mode %04o): it holds "
		        "comments and the application secret; chmod 600 %s\n",
		        db, (unsigned)(st.st_mode & 07777), db);
	return 0;
}

int cmd_survey(const char *db, int argc, char **argv)
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

int cmd_key(const char *db, int argc, char **argv)
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
