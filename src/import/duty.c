/* duty — see include/duty.h. */
#include "duty.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_duty.h"
#include "util.h"

#define MAX_COLS DUTY_MAX_COLS

const char *const duty_columns[DUTY__MAX][DUTY_MAX_COLS] = {
	[DUTY_DUTIES] = {"duty_id", "agency", "domain", "name", "basis", "required"},
	[DUTY_PERFORMANCE] = {"duty_id", "year", "performed", "records"},
	[DUTY_QUALITY_SCORES] = {"year", "agency", "score", "se", "n"},
};
const size_t duty_ncolumns[DUTY__MAX] = {6, 4, 5};
static const size_t nrequired[DUTY__MAX] = {6, 3, 5};

struct import_ctx {
	struct duty_put put;
	enum duty_kind kind;
	int col[MAX_COLS];
};

static bool import_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	return import_columns(h, duty_columns[c->kind], duty_ncolumns[c->kind], nrequired[c->kind],
	                      c->col, msg, n);
}


/* Is v a whole number >= 0?  False with msg naming col. */
static bool count_ok(const char *col, const char *v, long *out, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	if (parse_long(v, 0, LONG_MAX, out))
		return true;
	snprintf(msg, n, "%s %s is not a whole number 0 or more", col, import_quote(v, q));
	return false;
}

static bool year_ok(const char *v, int *year, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	long y;
	if (parse_long(v, 1900, 9999, &y)) {
		*year = (int)y;
		return true;
	}
	snprintf(msg, n, "year %s is not a year (1900 to 9999)", import_quote(v, q));
	return false;
}

/* Is v a number within [lo, hi]?  False with msg naming col. */
static bool number_ok(const char *col, const char *v, double lo, double hi, double *out,
                      char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE], *end;
	double x = *v ? strtod(v, &end) : NAN;
	if (*v && *end == '\0' && isfinite(x) && x >= lo && x <= hi) {
		*out = x;
		return true;
	}
	if (isfinite(hi))
		snprintf(msg, n, "%s %s is not a number from %g to %g", col, import_quote(v, q), lo, hi);
	else
		snprintf(msg, n, "%s %s is not a number %g or more", col, import_quote(v, q), lo);
	return false;
}

/* Did the store take it?  False with msg and res->store_err set. */
static bool stored(enum store_err e, const char *what, struct import_result *res, char *msg,
                   size_t n)
{
	if (e == STORE_OK)
		return true;
	snprintf(msg, n, "cannot store %s: %s", what, store_strerror(e));
	res->store_err = e == STORE_ERR_NOTFOUND ? STORE_ERR_SQL : e;
	return false;
}

static bool text_ok(const char *col, const char *v, char *msg, size_t n)
{
	if (*v && strlen(v) <= 1000)
		return true;
	snprintf(msg, n, *v ? "%s is longer than 1000 bytes" : "%s is empty", col);
	return false;
}

static bool duty_row(struct duty_put *c, const char *const *r, struct import_result *res,
                     char *msg, size_t n)
{
	const char *code = r[0], *agency = r[1], *domain = r[2];
	long required;
	if (!import_code_check("duty_id", code, "a duty id", msg, n))
		return false;
	if (c->only_agency && strcmp(agency, c->only_agency) != 0) {
		snprintf(msg, n, "an agency key stores only its own agency's duties");
		c->forbidden = true;
		return false;
	}
	enum store_err e = import_registered(c->store, REGISTRY_AGENCY, agency, msg, n);
	if (e == STORE_OK)
		e = import_registered(c->store, REGISTRY_DOMAIN, domain, msg, n);
	if (e != STORE_OK) {
		if (e != STORE_ERR_CONSTRAINT)
			res->store_err = e;
		return false;
	}
	if (!text_ok("name", r[3], msg, n) || !text_ok("basis", r[4], msg, n) ||
	    !count_ok("required", r[5], &required, msg, n))
		return false;
	return stored(store_duty_put(c->store, code, agency, domain, r[3], r[4],
	                             required), code, res, msg, n);
}

static bool performance_row(struct duty_put *c, const char *const *r,
                            struct import_result *res, char *msg, size_t n)
{
	const char *code = r[0];
	char agency[65], q[IMPORT_QUOTE_SIZE];
	long performed;
	int year;
	if (!import_code_check("duty_id", code, "a duty id", msg, n))
		return false;
	enum store_err e = store_duty_agency(c->store, code, agency);
	if (e == STORE_ERR_NOTFOUND) {
		snprintf(msg, n, "unknown duty_id %s (import duties first)", import_quote(code, q));
		return false;
	}
	if (e != STORE_OK)
		return stored(e, code, res, msg, n);
	if (c->only_agency && strcmp(agency, c->only_agency) != 0) {
		snprintf(msg, n, "duty_id %s is another agency's: an agency key stores only its own",
		         import_quote(code, q));
		c->forbidden = true;
		return false;
	}
	if (!year_ok(r[1], &year, msg, n) ||
	    !count_ok("performed", r[2], &performed, msg, n))
		return false;
	if (strlen(r[3]) > 10000) {
		snprintf(msg, n, "records is longer than 10000 bytes");
		return false;
	}
	return stored(store_performance_put(c->store, code, year, performed, r[3]), code,
	              res, msg, n);
}

static bool quality_row(struct duty_put *c, const char *const *r, struct import_result *res,
                        char *msg, size_t n)
{
	const char *agency = r[1];
	double score, se;
	long files;
	int year;
	if (!year_ok(r[0], &year, msg, n))
		return false;
	enum store_err e = import_registered(c->store, REGISTRY_AGENCY, agency, msg, n);
	if (e != STORE_OK) {
		if (e != STORE_ERR_CONSTRAINT)
			res->store_err = e;
		return false;
	}
	if (!number_ok("score", r[2], 0, 100, &score, msg, n) ||
	    !number_ok("se", r[3], 0, INFINITY, &se, msg, n) ||
	    !count_ok("n", r[4], &files, msg, n))
		return false;
	return stored(store_quality_score_put(c->store, year, agency, score, se, files), agency, res,
	              msg, n);
}

bool duty_put(struct duty_put *c, const char *const *f, struct import_result *res, char *msg,
              size_t n)
{
	bool ok = c->kind == DUTY_DUTIES ? duty_row(c, f, res, msg, n)
	        : c->kind == DUTY_PERFORMANCE ? performance_row(c, f, res, msg, n)
	                                     : quality_row(c, f, res, msg, n);
	if (ok)
		res->created++;
	return ok;
}

static bool import_row(void *ctx, const struct csvin_row *r, struct import_result *res,
                       char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	const char *f[MAX_COLS];
	for (int k = 0; k < MAX_COLS; k++)
		f[k] = c->col[k] < 0 ? "" : r->field[c->col[k]];
	return duty_put(&c->put, f, res, msg, n);
}

enum import_err duty_import(struct store *s, enum duty_kind kind, const char *path,
                            struct import_result *res, char *msg, size_t msglen)
{
	static const char *const actions[DUTY__MAX] = {"import duties", "import performance",
	                                               "import quality-scores"};
	static const char *const nouns[DUTY__MAX] = {"duties", "performance rows", "quality scores"};
	struct import_ctx c = {.put = {.store = s, .kind = kind}, .kind = kind};
	const struct importer imp = {
		.action = actions[kind],
		.noun = nouns[kind],
		.header = import_header,
		.row = import_row,
		.ctx = &c,
	};
	return import_csv(s, path, &imp, false, res, msg, msglen);
}

bool duty_json_fields(const struct cJSON *o, enum duty_kind kind, const char *f[DUTY_MAX_COLS],
                      char buf[DUTY_MAX_COLS][64], char *msg, size_t n)
{
	if (!cJSON_IsObject(o)) {
		snprintf(msg, n, "each element must be a JSON object");
		return false;
	}
	for (size_t k = 0; k < DUTY_MAX_COLS; k++) {
		const cJSON *v = k < duty_ncolumns[kind]
		                         ? cJSON_GetObjectItemCaseSensitive(o, duty_columns[kind][k])
		                         : NULL;
		f[k] = "";
		if (v == NULL || cJSON_IsNull(v))
			continue;
		if (cJSON_IsString(v)) {
			f[k] = v->valuestring;
		} else if (cJSON_IsNumber(v)) {
			double x = v->valuedouble;
			snprintf(buf[k], 64, x == floor(x) && fabs(x) < 1e15 ? "%.0f" : "%.17g", x);
			f[k] = buf[k];
		} else {
			snprintf(msg, n, "%s must be a string or a number", duty_columns[kind][k]);
			return false;
		}
	}
	return true;
}
