/* review — see include/review.h: cases and reviewers (reviews: review_import.c). */
#include "review.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encounter.h"
#include "util.h"

/* Is v one of set[0..n-1]? */
static bool one_of(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, set[i]) == 0)
			return true;
	return false;
}

/* "a, b, c" of set into buf. */
static const char *listed(const char *const *set, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", set[i]);
	return buf;
}

bool case_parse(const struct case_in *in, struct case_file *c, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE], set[128];
	const char *v;

	memset(c, 0, sizeof *c);
	if (!import_code_check("case_id", in->id ? in->id : "", "a case id", msg, n) ||
	    !import_code_check("agency", in->agency ? in->agency : "", "a registry code", msg, n) ||
	    !import_code_check("domain", in->domain ? in->domain : "", "a registry code", msg, n))
		return false;
	v = in->kind ? in->kind : "";
	if (!one_of(v, case_kinds, CASE_KINDS)) {
		snprintf(msg, n, "kind %s is not one of %s", import_quote(v, q),
		         listed(case_kinds, CASE_KINDS, set, sizeof set));
		return false;
	}
	snprintf(c->kind, sizeof c->kind, "%s", v);
	v = in->decided_on ? in->decided_on : "";
	if (!date_valid(v)) {
		snprintf(msg, n, "decided_on %s is not a date written YYYY-MM-DD", import_quote(v, q));
		return false;
	}
	snprintf(c->decided_on, sizeof c->decided_on, "%s", v);
	v = in->enterprise ? in->enterprise : "";
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		snprintf(msg, n, "enterprise %s is not yes or no (is the case enterprise-related?)",
		         import_quote(v, q));
		return false;
	}
	c->enterprise = strcmp(v, "yes") == 0;
	v = in->outcome ? in->outcome : "";
	if (!one_of(v, case_outcomes, CASE_OUTCOMES)) {
		snprintf(msg, n, "outcome %s is not one of %s", import_quote(v, q),
		         listed(case_outcomes, CASE_OUTCOMES, set, sizeof set));
		return false;
	}
	snprintf(c->outcome, sizeof c->outcome, "%s", v);
	snprintf(c->id, sizeof c->id, "%s", in->id);
	snprintf(c->agency, sizeof c->agency, "%s", in->agency);
	snprintf(c->domain, sizeof c->domain, "%s", in->domain);
	return true;
}

enum store_err case_store(struct store *s, const struct case_file *c, const char *restrict_agency,
                          char *msg, size_t n)
{
	enum store_err e;
	bool allowed;

	if (restrict_agency != NULL && strcmp(c->agency, restrict_agency) != 0) {
		snprintf(msg, n, "agency \"%s\" is not this key's agency", c->agency);
		return STORE_ERR_CONSTRAINT;
	}
	if (stamp_in_future(c->decided_on, time(NULL))) {
		snprintf(msg, n, "decided_on \"%s\" is in the future", c->decided_on);
		return STORE_ERR_CONSTRAINT;
	}
	if ((e = import_registered(s, REGISTRY_AGENCY, c->agency, msg, n)) != STORE_OK ||
	    (e = import_registered(s, REGISTRY_DOMAIN, c->domain, msg, n)) != STORE_OK)
		return e;
	if ((e = store_agency_domain_allowed(s, c->agency, c->domain, &allowed)) != STORE_OK) {
		snprintf(msg, n, "cannot check the domains of agency \"%s\": %s", c->agency,
		         store_strerror(e));
		return e;
	}
	if (!allowed) {
		snprintf(msg, n, "agency \"%s\" does not enforce domain \"%s\" (manyi import "
		         "agency-domains lists its domains)", c->agency, c->domain);
		return STORE_ERR_CONSTRAINT;
	}
	e = store_case_add(s, c);
	if (e == STORE_ERR_CONSTRAINT)
		snprintf(msg, n, "duplicate case_id \"%s\" (registered already)", c->id);
	else if (e != STORE_OK)
		snprintf(msg, n, "cannot store case \"%s\": %s", c->id, store_strerror(e));
	return e;
}

enum case_col { K_ID, K_AGENCY, K_DOMAIN, K_KIND, K_DECIDED, K_ENTERPRISE, K_OUTCOME, K__MAX };

static const char *const case_cols[K__MAX] = {
	"case_id", "agency", "domain", "kind", "decided_on", "enterprise", "outcome",
};

struct cases_ctx {
	struct store *store;
	int col[K__MAX];
};

static bool cases_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct cases_ctx *c = ctx;
	return import_columns(h, case_cols, K__MAX, K__MAX, c->col, msg, n);
}

static bool cases_row(void *ctx, const struct csvin_row *r, struct import_result *res, char *msg,
                      size_t n)
{
	struct cases_ctx *c = ctx;
	struct case_file cf;
	const struct case_in in = {
		.id = r->field[c->col[K_ID]],
		.agency = r->field[c->col[K_AGENCY]],
		.domain = r->field[c->col[K_DOMAIN]],
		.kind = r->field[c->col[K_KIND]],
		.decided_on = r->field[c->col[K_DECIDED]],
		.enterprise = r->field[c->col[K_ENTERPRISE]],
		.outcome = r->field[c->col[K_OUTCOME]],
	};
	if (!case_parse(&in, &cf, msg, n))
		return false;
	enum store_err e = case_store(c->store, &cf, NULL, msg, n);
	if (e != STORE_OK) {
		if (e != STORE_ERR_CONSTRAINT)
			res->store_err = e; /* the database's failure, not the row's */
		return false;
	}
	res->created++;
	return true;
}

enum import_err cases_import(struct store *s, const char *path, struct import_result *res,
                             char *msg, size_t msglen)
{
	struct cases_ctx c = {.store = s};
	const struct importer imp = {
		.action = "import cases",
		.noun = "cases",
		.header = cases_header,
		.row = cases_row,
		.ctx = &c,
	};
	return import_csv(s, path, &imp, false, res, msg, msglen);
}

/* Member name of o as a string into *out; a bool as "yes"/"no" when yesno.
 * False when present but of another type. */
static bool member_str(const cJSON *o, const char *name, bool yesno, const char **out)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	*out = NULL;
	if (m == NULL || cJSON_IsNull(m))
		return true;
	if (yesno && cJSON_IsBool(m)) {
		*out = cJSON_IsTrue(m) ? "yes" : "no";
		return true;
	}
	if (!cJSON_IsString(m))
		return false;
	*out = m->valuestring;
	return true;
}

bool cases_parse(const char *data, size_t len, cJSON **root, struct case_in **in,
                 const char ***error, size_t *n, bool *count_bad)
{
	char *text = NULL;
	*root = NULL;
	*in = NULL;
	*error = NULL;
	*n = 0;
	*count_bad = false;
	if (len > CASES_MAX_BYTES || !utf8_valid(data, len) || memchr(data, '\0', len) != NULL)
		return false;
	text = xstrndup(data, len);
	*root = cJSON_ParseWithLengthOpts(text, len + 1, NULL, true);
	free(text);
	if (*root == NULL || !cJSON_IsArray(*root)) {
		cJSON_Delete(*root);
		*root = NULL;
		return false;
	}
	int count = cJSON_GetArraySize(*root);
	if (count == 0 || count > CASES_MAX_COUNT) {
		*count_bad = true;
		cJSON_Delete(*root);
		*root = NULL;
		return false;
	}
	*in = xcalloc((size_t)count, sizeof **in);
	*error = xcalloc((size_t)count, sizeof **error);
	const cJSON *o;
	cJSON_ArrayForEach(o, *root) {
		struct case_in *c = &(*in)[*n];
		if (!cJSON_IsObject(o)) {
			(*error)[(*n)++] = "not an object";
			continue;
		}
		bool ok = member_str(o, "case_id", false, &c->id) &&
		          member_str(o, "agency", false, &c->agency) &&
		          member_str(o, "domain", false, &c->domain) &&
		          member_str(o, "kind", false, &c->kind) &&
		          member_str(o, "decided_on", false, &c->decided_on) &&
		          member_str(o, "enterprise", true, &c->enterprise) &&
		          member_str(o, "outcome", false, &c->outcome);
		if (!ok)
			(*error)[*n] = "every member must be a string (enterprise: \"yes\", \"no\", true or false)";
		(*n)++;
	}
	return true;
}

/* Compare two C strings through pointers (qsort). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum store_err reviewer_add(struct store *s, const char *code, const char *name,
                            const char *affiliation, const char *conflicts, char *msg, size_t n)
{
	char *list = xstrdup(conflicts != NULL ? conflicts : "");
	const char **codes = NULL;
	size_t k = 0;
	bool exists;
	enum store_err e = STORE_ERR_CONSTRAINT;

	if (!import_code_check("reviewer", code, "a reviewer code", msg, n))
		goto done;
	if (name == NULL || *name == '\0' || strlen(name) > 200 || !utf8_valid(name, strlen(name)) ||
	    utf8_has_controls(name, strlen(name))) {
		snprintf(msg, n, "--name must be 1 to 200 bytes of text without control characters");
		goto done;
	}
	if (affiliation != NULL && (strlen(affiliation) > 500 ||
	                            !utf8_valid(affiliation, strlen(affiliation)) ||
	                            utf8_has_controls(affiliation, strlen(affiliation)))) {
		snprintf(msg, n, "--affiliation must be at most 500 bytes of text without control characters");
		goto done;
	}
	codes = xcalloc(strlen(list) / 2 + 2, sizeof *codes);
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (!import_code_check("--conflict", t, "an agency code", msg, n) ||
		    (e = import_registered(s, REGISTRY_AGENCY, t, msg, n)) != STORE_OK) {
			if (e == STORE_OK)
				e = STORE_ERR_CONSTRAINT;
			goto done;
		}
		codes[k++] = t;
	}
	xqsort(codes, k, sizeof *codes, cmp_str);
	if ((e = store_reviewer_exists(s, code, &exists)) != STORE_OK) {
		snprintf(msg, n, "cannot check reviewer \"%s\": %s", code, store_strerror(e));
		goto done;
	}
	if (exists) {
		snprintf(msg, n, "reviewer \"%s\" exists already (manyi reviewer list shows the panel)", code);
		e = STORE_ERR_CONSTRAINT;
		goto done;
	}
	if ((e = store_reviewer_add(s, code, name, affiliation, codes, k)) != STORE_OK)
		snprintf(msg, n, "cannot store reviewer \"%s\": %s", code, store_strerror(e));
done:
	free(codes);
	free(list);
	return e;
}

/* Count the reviews of one case (ctx: struct count_ctx). */
struct count_ctx {
	const char *case_id;
	int n;
};

static bool count_case(void *ctx, const struct review_total *t)
{
	struct count_ctx *c = ctx;
	c->n += strcmp(t->case_id, c->case_id) == 0;
	return true;
}

enum store_err review_adjudicate(struct store *s, const struct adjudication *j, char *msg, size_t n)
{
	struct case_file cf;
	struct count_ctx count = {.case_id = j->case_id};
	bool exists = false, conflicted = false, involved = false;
	char detail[2200];
	enum store_err e = store_case_get(s, j->case_id, &cf);

	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, n, "unknown case \"%s\" (manyi import cases registers cases)", j->case_id);
		return STORE_ERR_CONSTRAINT;
	}
	if (e == STORE_OK)
		e = store_review_totals(s, j->survey, count_case, &count);
	if (e != STORE_OK)
		return e;
	if (count.n < 2) {
		snprintf(msg, n, "case \"%s\" has %d review%s for %s: only a file reviewed twice, whose "
		         "reviews disagree (manyi review disagreements), is adjudicated", j->case_id,
		         count.n, count.n == 1 ? "" : "s", j->survey);
		return STORE_ERR_CONSTRAINT;
	}
	if (j->third != NULL) {
		if ((e = store_reviewer_exists(s, j->third, &exists)) == STORE_OK && !exists) {
			snprintf(msg, n, "unknown reviewer \"%s\" (manyi reviewer list)", j->third);
			return STORE_ERR_CONSTRAINT;
		}
		if (e == STORE_OK &&
		    (e = store_reviewer_conflicted(s, j->third, cf.agency, &conflicted)) == STORE_OK &&
		    conflicted) {
			snprintf(msg, n, "reviewer \"%s\" has a conflict of interest with agency \"%s\", whose "
			         "case %s is: choose another third reviewer", j->third, cf.agency, j->case_id);
			return STORE_ERR_CONSTRAINT;
		}
		if (e == STORE_OK &&
		    (e = store_case_reviewer(s, j->case_id, j->survey, j->third, &involved)) == STORE_OK &&
		    involved) {
			snprintf(msg, n, "reviewer \"%s\" has reviewed or been assigned case %s already: a "
			         "third review is by someone else", j->third, j->case_id);
			return STORE_ERR_CONSTRAINT;
		}
		if (e != STORE_OK)
			return e;
	} else {
		size_t len = j->note != NULL ? strlen(j->note) : 0;
		if (j->total < 0 || j->total > j->points_total) {
			snprintf(msg, n, "--total %d is outside 0..%d (the rubric's points)", j->total,
			         j->points_total);
			return STORE_ERR_CONSTRAINT;
		}
		if (len == 0 || len > 2000 || !utf8_valid(j->note, len) || utf8_has_controls(j->note, len)) {
			snprintf(msg, n, "--note is the panel's reasons: 1 to 2000 bytes of text without "
			         "control characters");
			return STORE_ERR_CONSTRAINT;
		}
	}
	if ((e = store_begin(s)) != STORE_OK)
		return e;
	if (j->third != NULL) {
		e = store_assignment_add(s, j->case_id, j->survey, j->third, 3, 0);
		snprintf(detail, sizeof detail, "survey=%s third=%s", j->survey, j->third);
	} else {
		snprintf(detail, sizeof detail, "survey=%s panel total=%d defect=%s note=%s", j->survey,
		         j->total, j->defect ? "yes" : "no", j->note);
	}
	if (e == STORE_OK)
		e = store_adjudication_add(s, j->case_id, j->survey, j->third, j->total, j->defect, j->note);
	if (e == STORE_ERR_CONSTRAINT)
		snprintf(msg, n, "case %s is adjudicated for %s already (a third review is assigned, or the "
		         "panel has decided)", j->case_id, j->survey);
	if (e == STORE_OK)
		e = store_audit(s, "cli", "review adjudicate", j->case_id, detail);
	if (e == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK)
		store_rollback(s);
	return e;
}
