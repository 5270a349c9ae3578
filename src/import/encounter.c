/* encounter — see include/encounter.h. */
#include "encounter.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "officer.h"
#include "util.h"

static const char *const sizes[] = {"large", "medium", "small", "micro", "household"};
static const char *const outcomes[] = {"no_violation", "corrected", "warning", "fined", "other"};

bool stamp_in_future(const char *stamp, time_t now)
{
	char limit[32];
	time_t t = now + 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(limit, sizeof limit, strlen(stamp) == 10 ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strcmp(stamp, limit) > 0;
}

static bool one_of(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, set[i]) == 0)
			return true;
	return false;
}

bool encounter_parse(const struct encounter_in *in, struct encounter *e, char *msg, size_t n)
{
	const char *outcome = in->outcome ? in->outcome : "";
	char q[IMPORT_QUOTE_SIZE];
	memset(e, 0, sizeof *e);
	if (!import_code_check("encounter_id", in->id ? in->id : "", "an id", msg, n) ||
	    !import_code_check("agency", in->agency ? in->agency : "", "a registry code", msg, n) ||
	    !import_code_check("domain", in->domain ? in->domain : "", "a registry code", msg, n))
		return false;
	if (in->size == NULL || !one_of(in->size, sizes, ARRAY_SIZE(sizes))) {
		snprintf(msg, n, "size %s is not one of large, medium, small, micro, household",
		         import_quote(in->size ? in->size : "", q));
		return false;
	}
	if (in->district == NULL || *in->district == '\0') {
		snprintf(msg, n, "district is empty");
		return false;
	}
	size_t dl = strlen(in->district);
	if (dl >= sizeof e->district || !utf8_valid(in->district, dl) ||
	    utf8_has_controls(in->district, dl)) {
		snprintf(msg, n, "district must be at most %zu bytes of text without control characters",
		         sizeof e->district - 1);
		return false;
	}
	if (in->occurred_on == NULL || !date_valid(in->occurred_on)) {
		snprintf(msg, n, "occurred_on %s is not a date written YYYY-MM-DD",
		         import_quote(in->occurred_on ? in->occurred_on : "", q));
		return false;
	}
	if (*outcome != '\0' && !one_of(outcome, outcomes, ARRAY_SIZE(outcomes))) {
		snprintf(msg, n, "outcome %s is not one of no_violation, corrected, warning, fined, other",
		         import_quote(outcome, q));
		return false;
	}
	struct enc_officers officers;
	if (!enc_officers_parse(in->officers, &officers, msg, n))
		return false;
	snprintf(e->id, sizeof e->id, "%s", in->id);
	snprintf(e->agency, sizeof e->agency, "%s", in->agency);
	snprintf(e->domain, sizeof e->domain, "%s", in->domain);
	snprintf(e->size, sizeof e->size, "%s", in->size);
	snprintf(e->district, sizeof e->district, "%s", in->district);
	snprintf(e->occurred_on, sizeof e->occurred_on, "%s", in->occurred_on);
	snprintf(e->outcome, sizeof e->outcome, "%s", outcome);
	return true;
}

/*
 * The member "officers" of o: a string as it is, an array of strings joined
 * with ';' (kept in e->owned), NULL when absent or null; *bad otherwise.
 */
static const char *officers_member(const cJSON *o, struct encounters *e, bool *bad)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "officers"), *c;
	if (m == NULL || cJSON_IsNull(m) || cJSON_IsString(m))
		return import_json_str(o, "officers", bad);
	if (!cJSON_IsArray(m)) {
		*bad = true;
		return NULL;
	}
	struct sbuf b;
	sbuf_init(&b);
	sbuf_adds(&b, "");
	cJSON_ArrayForEach(c, m) {
		/* A ';' inside one number would split it: it is no number. */
		if (!cJSON_IsString(c) || *c->valuestring == '\0' || strchr(c->valuestring, ';') != NULL) {
			*bad = true;
			break;
		}
		sbuf_printf(&b, "%s%s", b.len ? ";" : "", c->valuestring);
	}
	if (*bad) {
		sbuf_free(&b);
		return NULL;
	}
	e->owned = xrealloc(e->owned, (e->nowned + 1) * sizeof *e->owned);
	e->owned[e->nowned] = sbuf_detach(&b);
	return e->owned[e->nowned++];
}

enum encounters_err encounters_parse(const char *data, size_t len, struct encounters *out)
{
	cJSON *root;
	memset(out, 0, sizeof *out);
	switch (import_json_array(data, len, ENCOUNTERS_MAX_BYTES, ENCOUNTERS_MAX_COUNT, &root)) {
	case IMPORT_JSON_OK:
		break;
	case IMPORT_JSON_COUNT:
		return ENCOUNTERS_ERR_COUNT;
	default:
		return ENCOUNTERS_ERR_MALFORMED;
	}
	int count = cJSON_GetArraySize(root);
	out->item = xcalloc((size_t)count, sizeof *out->item);
	out->error = xcalloc((size_t)count, sizeof *out->error);
	const cJSON *o;
	cJSON_ArrayForEach(o, root) {
		struct encounter_in *in = &out->item[out->n];
		bool bad = false;
		if (!cJSON_IsObject(o)) {
			out->error[out->n++] = "not an object";
			continue;
		}
		in->id = import_json_str(o, "encounter_id", &bad);
		in->agency = import_json_str(o, "agency", &bad);
		in->domain = import_json_str(o, "domain", &bad);
		in->size = import_json_str(o, "size", &bad);
		in->district = import_json_str(o, "district", &bad);
		in->occurred_on = import_json_str(o, "occurred_on", &bad);
		in->outcome = import_json_str(o, "outcome", &bad);
		in->officers = officers_member(o, out, &bad);
		if (bad)
			out->error[out->n] = "every member must be a string (officers: an array of them)";
		out->n++;
	}
	out->root = root;
	return ENCOUNTERS_OK;
}

void encounters_free(struct encounters *e)
{
	if (e == NULL)
		return;
	free(e->item);
	free(e->error);
	for (size_t i = 0; i < e->nowned; i++)
		free(e->owned[i]);
	free(e->owned);
	cJSON_Delete(e->root);
	memset(e, 0, sizeof *e);
}

enum store_err encounter_store(struct store *s, const struct encounter *e,
                               const char *restrict_agency, char *msg, size_t n)
{
	if (restrict_agency != NULL && strcmp(e->agency, restrict_agency) != 0) {
		snprintf(msg, n, "agency \"%s\" is not this key's agency", e->agency);
		return STORE_ERR_CONSTRAINT;
	}
	if (stamp_in_future(e->occurred_on, time(NULL))) {
		snprintf(msg, n, "occurred_on \"%s\" is in the future", e->occurred_on);
		return STORE_ERR_CONSTRAINT;
	}
	enum store_err err;
	if ((err = import_registered(s, REGISTRY_AGENCY, e->agency, msg, n)) != STORE_OK ||
	    (err = import_registered(s, REGISTRY_DOMAIN, e->domain, msg, n)) != STORE_OK)
		return err;
	err = store_encounter_add(s, e);
	if (err == STORE_ERR_CONSTRAINT)
		snprintf(msg, n, "duplicate encounter_id \"%s\"", e->id);
	else if (err != STORE_OK)
		snprintf(msg, n, "cannot store encounter \"%s\": %s", e->id, store_strerror(err));
	return err;
}

enum store_err encounter_store_officers(struct store *s, const struct encounter *e,
                                        const char *officers, char *msg, size_t n)
{
	struct enc_officers o;
	if (!enc_officers_parse(officers, &o, msg, n))
		return STORE_ERR_CONSTRAINT;
	return enc_officers_store(s, e->id, e->agency, &o, msg, n);
}

enum col { C_ID, C_AGENCY, C_DOMAIN, C_SIZE, C_DISTRICT, C_DATE, C_OUTCOME, C_OFFICERS, C__MAX };

static const char *const col_names[C__MAX] = {
	"encounter_id", "agency", "domain", "size", "district", "occurred_on", "outcome", "officers",
};

struct import_ctx {
	struct store *store;
	int col[C__MAX];
};

static bool import_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	return import_columns(h, col_names, C__MAX, C_OUTCOME, c->col, msg, n);
}

static bool import_row(void *ctx, const struct csvin_row *r, struct import_result *res,
                       char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	struct encounter e;
	struct encounter_in in = {
		.id = r->field[c->col[C_ID]],
		.agency = r->field[c->col[C_AGENCY]],
		.domain = r->field[c->col[C_DOMAIN]],
		.size = r->field[c->col[C_SIZE]],
		.district = r->field[c->col[C_DISTRICT]],
		.occurred_on = r->field[c->col[C_DATE]],
		.outcome = c->col[C_OUTCOME] >= 0 ? r->field[c->col[C_OUTCOME]] : NULL,
		.officers = c->col[C_OFFICERS] >= 0 ? r->field[c->col[C_OFFICERS]] : NULL,
	};
	if (!encounter_parse(&in, &e, msg, n))
		return false;
	enum store_err err = encounter_store(c->store, &e, NULL, msg, n);
	if (err == STORE_OK)
		err = encounter_store_officers(c->store, &e, in.officers, msg, n);
	if (err != STORE_OK) {
		if (err != STORE_ERR_CONSTRAINT)
			res->store_err = err; /* the database's failure, not the row's */
		return false;
	}
	res->created++;
	return true;
}

enum import_err encounter_import(struct store *s, const char *path, bool progress,
                                 struct import_result *res, char *msg, size_t msglen)
{
	struct import_ctx c = {.store = s};
	const struct importer imp = {
		.action = "import encounters",
		.noun = "encounters",
		.header = import_header,
		.row = import_row,
		.ctx = &c,
	};
	return import_csv(s, path, &imp, progress, res, msg, msglen);
}
