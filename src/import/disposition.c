/* disposition — see include/disposition.h. */
#include "disposition.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "responses.h"
#include "util.h"

enum col { COL_ENCOUNTER, COL_SURVEY, COL_OUTCOME, COL_ATTEMPTS, COL_LAST_CALL, COL__MAX };

static const char *const col_names[COL__MAX] = {"encounter_id", "survey", "outcome", "attempts",
                                                "last_call_at"};

struct import_ctx {
	struct store *store;
	int col[COL__MAX];
	char survey[65];        /* the last survey found loaded, "" when none */
};

static bool import_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	return import_columns(h, col_names, COL__MAX, COL__MAX, c->col, msg, n);
}

/* Is survey loaded?  False with msg (and res->store_err) set. */
static bool survey_loaded(struct import_ctx *c, const char *survey, struct import_result *res,
                          char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE], *def = NULL;
	int version;
	if (strcmp(c->survey, survey) == 0)
		return true;
	if (!slug_valid(survey)) {
		snprintf(msg, n, "survey %s is not a survey id (1 to 64 of a-z, 0-9 and -)",
		         import_quote(survey, q));
		return false;
	}
	enum store_err e = store_survey_latest(c->store, survey, &version, &def);
	free(def);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, n, "unknown survey %s (load it first: manyi survey load FILE.json)",
		         import_quote(survey, q));
		return false;
	}
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot read survey %s: %s", import_quote(survey, q),
		         store_strerror(res->store_err = e));
		return false;
	}
	snprintf(c->survey, sizeof c->survey, "%s", survey);
	return true;
}

/* Is enc_id a registered encounter?  False with msg (and res->store_err) set. */
static bool encounter_known(struct store *s, const char *enc_id, struct import_result *res,
                            char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	struct encounter e;
	if (!import_code_check("encounter_id", enc_id, "an encounter id", msg, n))
		return false;
	enum store_err se = store_encounter_get(s, enc_id, &e);
	if (se == STORE_ERR_NOTFOUND)
		snprintf(msg, n, "unknown encounter_id %s (import encounters first)", import_quote(enc_id, q));
	else if (se != STORE_OK)
		snprintf(msg, n, "cannot read encounter_id %s: %s", import_quote(enc_id, q),
		         store_strerror(res->store_err = se));
	return se == STORE_OK;
}

static bool import_row(void *ctx, const struct csvin_row *r, struct import_result *res,
                       char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	const char *enc_id = r->field[c->col[COL_ENCOUNTER]];
	const char *survey = r->field[c->col[COL_SURVEY]];
	const char *outcome = r->field[c->col[COL_OUTCOME]];
	const char *attempts = r->field[c->col[COL_ATTEMPTS]];
	const char *last_call = r->field[c->col[COL_LAST_CALL]];
	char when[32], q[IMPORT_QUOTE_SIZE];
	long tries;

	if (!encounter_known(c->store, enc_id, res, msg, n) || !survey_loaded(c, survey, res, msg, n))
		return false;
	if (disposition_index(outcome) < 0) {
		snprintf(msg, n, "outcome %s is not one of complete, partial, refusal, non_contact, "
		         "other, unknown, ineligible", import_quote(outcome, q));
		return false;
	}
	if (!parse_long(attempts, 0, LONG_MAX, &tries)) {
		snprintf(msg, n, "attempts %s is not a whole number 0 or more", import_quote(attempts, q));
		return false;
	}
	if (!iso8601_to_utc(last_call, when, sizeof when)) {
		snprintf(msg, n, "last_call_at %s is not an ISO 8601 time with an offset "
		         "(like 2022-04-11T10:00:00+08:00)", import_quote(last_call, q));
		return false;
	}
	enum store_err e = store_disposition_put(c->store, enc_id, survey, outcome, tries, when);
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot store the outcome of %s: %s", import_quote(enc_id, q),
		         store_strerror(e));
		res->store_err = e == STORE_ERR_NOTFOUND ? STORE_ERR_SQL : e;
		return false;
	}
	res->created++;
	return true;
}

enum import_err disposition_import(struct store *s, const char *path, struct import_result *res,
                                   char *msg, size_t msglen)
{
	struct import_ctx c = {.store = s};
	const struct importer imp = {
		.action = "import dispositions",
		.noun = "dispositions",
		.header = import_header,
		.row = import_row,
		.ctx = &c,
	};
	return import_csv(s, path, &imp, false, res, msg, msglen);
}
