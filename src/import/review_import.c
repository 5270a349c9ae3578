/* review_import — `manyi import reviews --survey ID FILE.csv` (see include/review.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encounter.h"
#include "responses.h"
#include "review.h"
#include "util.h"

enum fixed { F_CASE, F_REVIEWER, F_SUBMITTED, F__MAX };

static const char *const fixed_names[F__MAX] = {"case_id", "reviewer", "submitted_at"};

struct reviews_ctx {
	struct store *store;
	const struct survey *sv;
	int version;
	int fixed[F__MAX];
	int *item_col; /* column of each rubric item, or -1 */
};

/* Is item it scored on every review (points and flags)? */
static bool scored(const struct item *it)
{
	return it->type == ITEM_POINTS || it->type == ITEM_FLAG;
}

static bool reviews_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct reviews_ctx *c = ctx;
	char q[IMPORT_QUOTE_SIZE];

	for (int k = 0; k < F__MAX; k++)
		c->fixed[k] = -1;
	for (size_t i = 0; i < c->sv->nitems; i++)
		c->item_col[i] = -1;
	for (size_t j = 0; j < h->n; j++) {
		int *slot = NULL;
		for (int k = 0; k < F__MAX && slot == NULL; k++)
			if (strcmp(h->field[j], fixed_names[k]) == 0)
				slot = &c->fixed[k];
		for (size_t i = 0; i < c->sv->nitems && slot == NULL; i++)
			if (strcmp(h->field[j], c->sv->items[i].id) == 0)
				slot = &c->item_col[i];
		if (slot == NULL) {
			snprintf(msg, n, "column %s is neither case_id, reviewer, submitted_at nor an item of "
			         "rubric %s", import_quote(h->field[j], q), c->sv->id);
			return false;
		}
		if (*slot >= 0) {
			snprintf(msg, n, "column %s appears twice", import_quote(h->field[j], q));
			return false;
		}
		*slot = (int)j;
	}
	for (int k = 0; k < F__MAX; k++)
		if (c->fixed[k] < 0) {
			snprintf(msg, n, "missing column \"%s\"", fixed_names[k]);
			return false;
		}
	for (size_t i = 0; i < c->sv->nitems; i++)
		if (scored(&c->sv->items[i]) && c->item_col[i] < 0) {
			snprintf(msg, n, "missing column \"%s\" (a %s item of rubric %s: every review "
			         "scores it)", c->sv->items[i].id, item_type_name(c->sv->items[i].type),
			         c->sv->id);
			return false;
		}
	return true;
}

/* The zh name of agency code (borrowed from l), or "". */
static const char *agency_name(const struct registry_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return l->v[i].name[LANG_ZH];
	return "";
}

/*
 * The case and the reviewer of a row exist, and the reviewer has no
 * conflict with the case's agency.  False with msg (and res->store_err
 * when the database failed).
 */
static enum review_put review_allowed(struct store *s, const char *case_id, const char *reviewer,
                                      enum store_err *se, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	struct case_file cf;
	bool exists, conflicted;
	enum store_err e = store_case_get(s, case_id, &cf);

	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, n, "unknown case_id %s (manyi import cases registers cases)",
		         import_quote(case_id, q));
		return REVIEW_PUT_UNKNOWN;
	}
	if (e == STORE_OK && (e = store_reviewer_exists(s, reviewer, &exists)) == STORE_OK &&
	    !exists) {
		snprintf(msg, n, "unknown reviewer %s (manyi reviewer add registers reviewers)",
		         import_quote(reviewer, q));
		return REVIEW_PUT_UNKNOWN;
	}
	if (e == STORE_OK &&
	    (e = store_reviewer_conflicted(s, reviewer, cf.agency, &conflicted)) == STORE_OK &&
	    conflicted) {
		struct registry_list ag = {0};
		store_registry_list(s, REGISTRY_AGENCY, &ag);
		snprintf(msg, n, "reviewer %s has a conflict of interest with agency \"%s\" (%s), whose "
		         "case %s is: a reviewer never reviews a file of an agency they are conflicted with",
		         import_quote(reviewer, q), cf.agency, agency_name(&ag, cf.agency), case_id);
		registry_list_free(&ag);
		return REVIEW_PUT_CONFLICT;
	}
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot check case %s and its reviewer: %s", import_quote(case_id, q),
		         store_strerror(*se = e));
		return REVIEW_PUT_STORE;
	}
	return REVIEW_PUT_OK;
}

/* Add from's errors to into's, one per item (into's first). */
static void errors_merge(struct answer_errors *into, const struct answer_errors *from)
{
	for (size_t i = 0; i < from->n && i < ANSWER_ERRORS_MAX; i++)
		if (from->v[i].item == NULL || answer_errors_for(into, from->v[i].item) == ANSWER_OK)
			answer_errors_add(into, from->v[i].item, from->v[i].code);
}

/*
 * The checked answers a as a JSON object (points as numbers, flags
 * "yes"/"no", texts), into *json (caller frees), with the total and the
 * count of major defects.
 */
static void review_json(const struct answers *a, char **json, int *total, int *defects)
{
	const struct survey *sv = a->survey;
	cJSON *o = cJSON_CreateObject();
	*total = 0;
	*defects = 0;
	for (size_t i = 0; i < sv->nitems; i++) {
		const struct item *it = &sv->items[i];
		const struct answer *an = &a->a[i];
		if (!an->present)
			continue;
		if (it->type == ITEM_POINTS) {
			cJSON_AddNumberToObject(o, it->id, an->scale);
			*total += an->scale;
		} else if (it->type == ITEM_FLAG) {
			cJSON_AddStringToObject(o, it->id, an->flag ? "yes" : "no");
			*defects += an->flag;
		} else if (it->type == ITEM_TEXT) {
			cJSON_AddStringToObject(o, it->id, an->text);
		}
	}
	char *text = cJSON_PrintUnformatted(o);
	if (text == NULL)
		abort();
	*json = xstrdup(text);
	cJSON_free(text);
	cJSON_Delete(o);
}

static bool reviews_row(void *ctx, const struct csvin_row *r, struct import_result *res,
                        char *msg, size_t n)
{
	struct reviews_ctx *c = ctx;
	const char *case_id = r->field[c->fixed[F_CASE]];
	const char *reviewer = r->field[c->fixed[F_REVIEWER]];
	const char *submitted = r->field[c->fixed[F_SUBMITTED]];
	char when[32], q[IMPORT_QUOTE_SIZE];
	struct pairs p;
	struct answer_errors errs = {.n = 0};
	bool ok = false;

	if (!import_code_check("case_id", case_id, "a case id", msg, n) ||
	    !import_code_check("reviewer", reviewer, "a reviewer code", msg, n))
		return false;
	if (!iso8601_to_utc(submitted, when, sizeof when)) {
		snprintf(msg, n, "submitted_at %s is not an ISO 8601 time with an offset "
		         "(like 2025-04-11T10:00:00+08:00)", import_quote(submitted, q));
		return false;
	}
	if (stamp_in_future(when, time(NULL))) {
		snprintf(msg, n, "submitted_at %s is in the future", import_quote(submitted, q));
		return false;
	}
	pairs_init(&p);
	for (size_t i = 0; i < c->sv->nitems; i++) {
		const struct item *it = &c->sv->items[i];
		const char *v = c->item_col[i] >= 0 ? r->field[c->item_col[i]] : "";
		if (scored(it) && *v == '\0') {
			snprintf(msg, n, "%s is empty: a review gives every %s item %s", it->id,
			         item_type_name(it->type), it->type == ITEM_POINTS ? "its points" : "yes or no");
			goto out;
		}
		if (*v != '\0')
			pairs_add(&p, it->id, v);
	}
	const struct review_in in = {.sv = c->sv, .version = c->version, .case_id = case_id,
	                             .reviewer = reviewer, .submitted_at = when, .answers = &p};
	enum review_put put = review_put(c->store, &in, &errs, &res->store_err, msg, n);
	if (put == REVIEW_PUT_INVALID) {
		const struct answer_error *er = &errs.v[0];
		const struct item *it = er->item ? survey_item(c->sv, er->item) : NULL;
		responses_answer_problem(c->sv, it, er->code,
		                         it ? r->field[c->item_col[it - c->sv->items]] : "", msg, n);
		goto out;
	}
	if (put == REVIEW_PUT_DUPLICATE)
		snprintf(msg, n, "reviewer \"%s\" has reviewed case \"%s\" for %s already (an earlier "
		         "import, or an earlier line of this file)", reviewer, case_id, c->sv->id);
	if (put != REVIEW_PUT_OK)
		goto out;
	res->created++;
	ok = true;
out:
	pairs_free(&p);
	return ok;
}

enum review_put review_put(struct store *s, const struct review_in *in, struct answer_errors *errs,
                           enum store_err *se, char *msg, size_t n)
{
	struct answers ans = {0};
	char *json = NULL;
	enum review_put put = review_allowed(s, in->case_id, in->reviewer, se, msg, n);

	errs->n = 0;
	if (put != REVIEW_PUT_OK)
		return put;
	/* Every points and flag item is scored, whatever the rubric says of required. */
	for (size_t i = 0; i < in->sv->nitems; i++) {
		const struct item *it = &in->sv->items[i];
		const char *v = pairs_get(in->answers, it->id);
		if (scored(it) && (v == NULL || *v == '\0'))
			answer_errors_add(errs, it->id, ANSWER_REQUIRED);
	}
	struct answer_errors more = {.n = 0};
	if (!answers_check(in->sv, in->answers, false, &ans, &more) || errs->n > 0) {
		errors_merge(errs, &more);
		snprintf(msg, n, "the review is not complete or not valid");
		put = REVIEW_PUT_INVALID;
		goto out;
	}
	struct review_row row = {
		.case_id = in->case_id, .reviewer = in->reviewer, .survey = in->sv->id,
		.version = in->version, .submitted_at = in->submitted_at,
	};
	review_json(&ans, &json, &row.total, &row.defects);
	row.answers = json;
	enum store_err e = store_review_add(s, &row);
	if (e == STORE_ERR_CONSTRAINT) {
		snprintf(msg, n, "reviewer \"%s\" has reviewed case \"%s\" for %s already",
		         in->reviewer, in->case_id, in->sv->id);
		put = REVIEW_PUT_DUPLICATE;
	} else if (e != STORE_OK) {
		snprintf(msg, n, "cannot store the review: %s", store_strerror(*se = e));
		put = REVIEW_PUT_STORE;
	}
out:
	free(json);
	answers_free(&ans);
	return put;
}

enum import_err reviews_import(struct store *s, const struct survey *sv, int version,
                               const char *path, struct import_result *res, char *msg,
                               size_t msglen)
{
	struct reviews_ctx c = {.store = s, .sv = sv, .version = version};
	const struct importer imp = {
		.action = "import reviews",
		.noun = "reviews",
		.header = reviews_header,
		.row = reviews_row,
		.ctx = &c,
	};
	c.item_col = xcalloc(sv->nitems, sizeof *c.item_col);
	enum import_err rc = import_csv(s, path, &imp, false, res, msg, msglen);
	free(c.item_col);
	return rc;
}
