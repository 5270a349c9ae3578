/*
 * cli_complaint — `manyi complaint ...` (issue 15, the complaint channel):
 *
 *   complaint list [--state S] [--format json|csv]   the complaints, newest first
 *   complaint show CODE                              one, as the API gives it to the evaluator
 *   complaint categories [list]                      the categories offered (CSV)
 *   complaint categories load FILE.json              replace them (a new version, audited)
 *
 * Reading is the evaluator's (whoever runs the command holds the database);
 * the contact is never printed: only the audited API route unseals it.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "complaint.h"
#include "store_complaint.h"

static const char *const states[] = {"received", "accepted", "forwarded", "answered",
                                     "transferred", "rejected", "closed"};

/* One complaint as a CSV row (names beside codes). */
static void list_csv_row(const cJSON *o)
{
	const cJSON *an = cJSON_GetObjectItem(o, "agency_name"), *cn = cJSON_GetObjectItem(o, "category_name");
	const cJSON *due = cJSON_GetObjectItem(o, "due"), *on = cJSON_GetObjectItem(o, "happened_on");
	const cJSON *off = cJSON_GetObjectItem(o, "officer");
	const char *f[] = {
		cJSON_GetObjectItem(o, "code")->valuestring,
		cJSON_GetObjectItem(o, "filed_on")->valuestring,
		cJSON_GetObjectItem(o, "state")->valuestring,
		cJSON_IsString(due) ? due->valuestring : "",
		cJSON_IsTrue(cJSON_GetObjectItem(o, "overdue")) ? "yes" : "no",
		cJSON_GetObjectItem(o, "agency")->valuestring,
		cJSON_GetObjectItem(an, "zh")->valuestring,
		cJSON_GetObjectItem(o, "category")->valuestring,
		cJSON_GetObjectItem(cn, "zh")->valuestring,
		cJSON_IsObject(off) ? cJSON_GetObjectItem(off, "cert_no")->valuestring : "",
		cJSON_IsObject(off) ? cJSON_GetObjectItem(off, "name")->valuestring : "",
		cJSON_IsString(on) ? on->valuestring : "",
		cJSON_IsTrue(cJSON_GetObjectItem(o, "anonymous")) ? "yes" : "no",
	};
	csv_row(stdout, f, ARRAY_SIZE(f));
}

/* `manyi complaint list [--state S] [--format json|csv]` */
static int list_cmd(const char *db, int argc, char **argv)
{
	static const char *const with_value[] = {"--state", "--format", NULL};
	static const char *const flags[] = {NULL};
	char why[256];
	bool bad = false;
	if (!opts_known(argc, argv, with_value, flags, why, sizeof why))
		return usage("complaint", "complaint list: %s", why);
	const char *state = opt_value(argc, argv, "--state", &bad);
	const char *format = opt_value(argc, argv, "--format", &bad);
	if (bad)
		return usage("complaint", "complaint list: an option is missing its value");
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
		return usage("complaint", "complaint list: --format is json or csv, not \"%s\"", format);
	if (state != NULL) {
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(states); i++)
			known = known || strcmp(states[i], state) == 0;
		if (!known)
			return usage("complaint", "complaint list: --state is one of received, accepted, forwarded, "
			             "answered, transferred, rejected, closed; not \"%s\"", state);
	}
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	struct complaint *v;
	size_t n;
	char today[11];
	enum store_err e = store_complaint_list(s, state, NULL, &v, &n);
	if (e != STORE_OK) {
		rc = store_failed(s, e, "complaint list");
		store_close(s);
		return rc;
	}
	complaint_today(today, sizeof today);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *o;
		if (e == STORE_OK && (e = complaint_json(s, &v[i], true, today, &o)) == STORE_OK)
			cJSON_AddItemToArray(arr, o);
		complaint_free(&v[i]);
	}
	free(v);
	if (e != STORE_OK) {
		cJSON_Delete(arr);
		rc = store_failed(s, e, "complaint list");
		store_close(s);
		return rc;
	}
	if (format != NULL && strcmp(format, "csv") == 0) {
		static const char *const head[] = {"code", "filed_on", "state", "due", "overdue", "agency",
		                                   "agency_name", "category", "category_name", "officer_cert",
		                                   "officer_name", "happened_on", "anonymous"};
		csv_row(stdout, head, ARRAY_SIZE(head));
		for (const cJSON *o = arr->child; o != NULL; o = o->next)
			list_csv_row(o);
	} else {
		cJSON *root = cJSON_CreateObject();
		cJSON_AddItemToObject(root, "complaints", arr);
		arr = NULL;
		char *text = cJSON_PrintUnformatted(root);
		puts(text);
		free(text);
		cJSON_Delete(root);
	}
	cJSON_Delete(arr);
	store_close(s);
	return 0;
}

/* `manyi complaint show CODE` */
static int show_cmd(const char *db, int argc, char **argv)
{
	if (argc != 1)
		return usage("complaint", "complaint show: expected one CODE (TS-...)");
	struct store *s;
	int rc = open_store(db, false, &s);
	if (rc != 0)
		return rc;
	struct complaint c;
	char today[11];
	cJSON *o = NULL;
	enum store_err e = store_complaint_get(s, argv[0], &c);
	if (e == STORE_ERR_NOTFOUND) {
		fprintf(stderr, "manyi: complaint show: no complaint has the code \"%s\" (manyi complaint list shows them)\n",
		        argv[0]);
		store_close(s);
		return EXIT_BAD_INPUT;
	}
	complaint_today(today, sizeof today);
	if (e == STORE_OK) {
		e = complaint_json(s, &c, true, today, &o);
		complaint_free(&c);
	}
	if (e != STORE_OK) {
		rc = store_failed(s, e, "complaint show");
		store_close(s);
		return rc;
	}
	char *text = cJSON_Print(o);
	puts(text);
	free(text);
	cJSON_Delete(o);
	store_close(s);
	return 0;
}

/* `manyi complaint categories [list | load FILE.json]` */
static int categories_cmd(const char *db, int argc, char **argv)
{
	struct store *s;
	int rc;
	if (argc >= 1 && strcmp(argv[0], "load") == 0) {
		if (argc != 2)
			return usage("complaint", "complaint categories load: expected one FILE.json");
		if ((rc = open_store(db, false, &s)) != 0)
			return rc;
		char msg[512];
		int version = 0;
		bool ok = complaint_categories_load(s, argv[1], &version, msg, sizeof msg);
		if (ok)
			printf("complaint categories: version %d loaded from %s\n", version, argv[1]);
		else
			fprintf(stderr, "manyi: complaint categories load: %s\n", msg);
		store_close(s);
		return ok ? 0 : EXIT_BAD_INPUT;
	}
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "list") != 0))
		return usage("complaint", "complaint categories: expected list or load FILE.json");
	if ((rc = open_store(db, false, &s)) != 0)
		return rc;
	struct complaint_category *v;
	size_t n;
	enum store_err e = store_complaint_categories(s, true, &v, &n);
	if (e != STORE_OK) {
		rc = store_failed(s, e, "complaint categories");
		store_close(s);
		return rc;
	}
	static const char *const head[] = {"code", "name_zh", "name_en", "national", "national_name",
	                                   "discipline", "version", "retired"};
	csv_row(stdout, head, ARRAY_SIZE(head));
	for (size_t i = 0; i < n; i++) {
		char nat[4], ver[16];
		snprintf(nat, sizeof nat, "%d", v[i].national);
		snprintf(ver, sizeof ver, "%d", v[i].version);
		const char *f[] = {v[i].code, v[i].name[LANG_ZH], v[i].name[LANG_EN], v[i].national ? nat : "",
		                   complaint_national_name(v[i].national, LANG_ZH), v[i].discipline ? "yes" : "no",
		                   ver, v[i].retired ? "yes" : "no"};
		csv_row(stdout, f, ARRAY_SIZE(f));
	}
	free(v);
	store_close(s);
	return 0;
}

int cmd_complaint(const char *db, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return list_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "show") == 0)
		return show_cmd(db, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "categories") == 0)
		return categories_cmd(db, argc - 1, argv + 1);
	return usage("complaint", "complaint: expected list, show or categories");
}
