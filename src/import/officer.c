/* officer — see include/officer.h. */
#include "officer.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const statuses[] = {"valid", "suspended", "revoked"};

/* One line of UTF-8 text: no control characters, not even a tab or a line break. */
static bool one_line(const char *s, size_t len)
{
	return utf8_valid(s, len) && !utf8_has_controls(s, len) && strpbrk(s, "\t\r\n") == NULL;
}

bool officer_cert_valid(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	return len > 0 && len <= OFFICER_CERT_MAX && one_line(s, len) && strchr(s, ';') == NULL &&
	       s[0] != ' ' && s[len - 1] != ' ';
}

/* A text field: required or not, at most max bytes, no control characters. */
static bool text_field(const char *col, const char *v, bool required, size_t max, char *msg, size_t n)
{
	size_t len = v ? strlen(v) : 0;
	if (len == 0) {
		if (required)
			snprintf(msg, n, "%s is empty", col);
		return !required;
	}
	if (len > max || !one_line(v, len)) {
		snprintf(msg, n, "%s must be at most %zu bytes of one line of text, without control "
		         "characters", col, max);
		return false;
	}
	return true;
}

bool officer_parse(const struct officer_in *in, struct officer *o, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	memset(o, 0, sizeof *o);
	if (!officer_cert_valid(in->cert_no)) {
		snprintf(msg, n, "cert_no %s is not a certificate number (1-%d bytes of text, no "
		         "control characters, no ';', no space at either end)",
		         import_quote(in->cert_no ? in->cert_no : "", q), OFFICER_CERT_MAX);
		return false;
	}
	if (!text_field("name", in->name, true, OFFICER_NAME_MAX, msg, n) ||
	    !import_code_check("agency", in->agency ? in->agency : "", "a registry code", msg, n))
		return false;
	size_t k;
	for (k = 0; in->status != NULL && k < ARRAY_SIZE(statuses); k++)
		if (strcmp(in->status, statuses[k]) == 0)
			break;
	if (in->status == NULL || k == ARRAY_SIZE(statuses)) {
		snprintf(msg, n, "status %s is not one of valid, suspended, revoked",
		         import_quote(in->status ? in->status : "", q));
		return false;
	}
	if (in->valid_until == NULL || !date_valid(in->valid_until)) {
		snprintf(msg, n, "valid_until %s is not a date written YYYY-MM-DD",
		         import_quote(in->valid_until ? in->valid_until : "", q));
		return false;
	}
	if (!text_field("category", in->category, false, OFFICER_TEXT_MAX, msg, n) ||
	    !text_field("area", in->area, false, OFFICER_TEXT_MAX, msg, n))
		return false;
	snprintf(o->cert_no, sizeof o->cert_no, "%s", in->cert_no);
	snprintf(o->name, sizeof o->name, "%s", in->name);
	snprintf(o->agency, sizeof o->agency, "%s", in->agency);
	snprintf(o->status, sizeof o->status, "%s", in->status);
	snprintf(o->valid_until, sizeof o->valid_until, "%s", in->valid_until);
	snprintf(o->category, sizeof o->category, "%s", in->category ? in->category : "");
	snprintf(o->area, sizeof o->area, "%s", in->area ? in->area : "");
	return true;
}

enum store_err officer_store(struct store *s, const struct officer *o, const char *restrict_agency,
                             bool *created, char *msg, size_t n)
{
	enum store_err e;
	struct officer before;
	if (restrict_agency != NULL) {
		if (strcmp(o->agency, restrict_agency) != 0) {
			snprintf(msg, n, "agency \"%s\" is not this key's agency", o->agency);
			return STORE_ERR_CONSTRAINT;
		}
		e = store_officer_get(s, o->cert_no, &before);
		if (e == STORE_OK && strcmp(before.agency, restrict_agency) != 0) {
			snprintf(msg, n, "certificate \"%s\" belongs to another agency", o->cert_no);
			return STORE_ERR_CONSTRAINT;
		}
		if (e != STORE_OK && e != STORE_ERR_NOTFOUND) {
			snprintf(msg, n, "cannot read certificate \"%s\": %s", o->cert_no, store_strerror(e));
			return e;
		}
	}
	if ((e = import_registered(s, REGISTRY_AGENCY, o->agency, msg, n)) != STORE_OK)
		return e;
	if ((e = store_officer_put(s, o, created)) != STORE_OK)
		snprintf(msg, n, "cannot store certificate \"%s\": %s", o->cert_no, store_strerror(e));
	return e;
}

/* ---- CSV ------------------------------------------------------------------ */

enum col { C_CERT, C_NAME, C_AGENCY, C_STATUS, C_UNTIL, C_CATEGORY, C_AREA, C__MAX };

static const char *const col_names[C__MAX] = {
	"cert_no", "name", "agency", "status", "valid_until", "category", "area",
};

/* The field of in that column k fills. */
static const char **officer_field(struct officer_in *in, size_t k)
{
	const char **f[C__MAX] = {&in->cert_no, &in->name, &in->agency, &in->status,
	                          &in->valid_until, &in->category, &in->area};
	return f[k];
}

struct import_ctx {
	struct store *store;
	int col[C__MAX];
	struct import_seen seen; /* certificate numbers met so far in this file */
};

static bool import_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	return import_columns(h, col_names, C__MAX, C_CATEGORY, c->col, msg, n);
}


static bool import_row(void *ctx, const struct csvin_row *r, struct import_result *res,
                       char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	struct officer o;
	struct officer_in in;
	for (size_t k = 0; k < C__MAX; k++)
		*officer_field(&in, k) = c->col[k] >= 0 ? r->field[c->col[k]] : NULL;
	if (!officer_parse(&in, &o, msg, n))
		return false;
	if (import_seen_add(&c->seen, o.cert_no)) {
		snprintf(msg, n, "certificate \"%s\" appears twice in the file", o.cert_no);
		return false;
	}
	bool created = false;
	enum store_err err = officer_store(c->store, &o, NULL, &created, msg, n);
	if (err != STORE_OK) {
		if (err != STORE_ERR_CONSTRAINT)
			res->store_err = err;
		return false;
	}
	if (created)
		res->created++;
	else
		res->updated++;
	return true;
}

enum import_err officer_import(struct store *s, const char *path, struct import_result *res,
                               char *msg, size_t msglen)
{
	struct import_ctx c = {.store = s};
	const struct importer imp = {
		.action = "import officers",
		.noun = "officers",
		.header = import_header,
		.row = import_row,
		.ctx = &c,
	};
	enum import_err rc = import_csv(s, path, &imp, false, res, msg, msglen);
	import_seen_free(&c.seen);
	return rc;
}

/* ---- JSON ----------------------------------------------------------------- */

enum officers_err officers_parse(const char *data, size_t len, struct officers *out)
{
	cJSON *root;
	memset(out, 0, sizeof *out);
	switch (import_json_array(data, len, OFFICERS_MAX_BYTES, OFFICERS_MAX_COUNT, &root)) {
	case IMPORT_JSON_OK:
		break;
	case IMPORT_JSON_COUNT:
		return OFFICERS_ERR_COUNT;
	default:
		return OFFICERS_ERR_MALFORMED;
	}
	int count = cJSON_GetArraySize(root);
	out->item = xcalloc((size_t)count, sizeof *out->item);
	out->error = xcalloc((size_t)count, sizeof *out->error);
	const cJSON *o;
	cJSON_ArrayForEach(o, root) {
		struct officer_in *in = &out->item[out->n];
		bool bad = false;
		if (!cJSON_IsObject(o)) {
			out->error[out->n++] = "not an object";
			continue;
		}
		for (size_t k = 0; k < C__MAX; k++)
			*officer_field(in, k) = import_json_str(o, col_names[k], &bad);
		if (bad)
			out->error[out->n] = "every member must be a string";
		out->n++;
	}
	out->root = root;
	return OFFICERS_OK;
}

void officers_free(struct officers *o)
{
	if (o == NULL)
		return;
	free(o->item);
	free(o->error);
	cJSON_Delete(o->root);
	memset(o, 0, sizeof *o);
}

/* ---- the officers of an encounter ------------------------------------------ */

bool enc_officers_parse(const char *list, struct enc_officers *out, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	memset(out, 0, sizeof *out);
	if (list == NULL || *list == '\0')
		return true;
	for (const char *p = list;; p++) {
		size_t len = strcspn(p, ";");
		char cert[OFFICER_CERT_MAX + 2];
		snprintf(cert, sizeof cert, "%.*s", (int)(len < OFFICER_CERT_MAX + 1 ? len : OFFICER_CERT_MAX + 1), p);
		if (len > OFFICER_CERT_MAX || !officer_cert_valid(cert)) {
			char *whole = xstrndup(p, len);
			snprintf(msg, n, "officers: %s is not a certificate number (officers are "
			         "certificate numbers separated by ';')", import_quote(whole, q));
			free(whole);
			return false;
		}
		for (size_t i = 0; i < out->n; i++)
			if (strcmp(out->cert_no[i], cert) == 0) {
				snprintf(msg, n, "officers: certificate \"%s\" is named twice", cert);
				return false;
			}
		if (out->n == ENC_OFFICERS_MAX) {
			snprintf(msg, n, "officers: at most %d officers per encounter", ENC_OFFICERS_MAX);
			return false;
		}
		memcpy(out->cert_no[out->n++], cert, len + 1); /* len <= OFFICER_CERT_MAX: checked */
		p += len;
		if (*p == '\0')
			break;
	}
	return true;
}

enum store_err enc_officers_store(struct store *s, const char *enc_code, const char *agency,
                                  const struct enc_officers *o, char *msg, size_t n)
{
	for (size_t i = 0; i < o->n; i++) {
		struct officer of;
		enum store_err e = store_officer_get(s, o->cert_no[i], &of);
		if (e == STORE_ERR_NOTFOUND) {
			snprintf(msg, n, "officers: certificate \"%s\" is not registered (import officers "
			         "first)", o->cert_no[i]);
			return STORE_ERR_CONSTRAINT;
		}
		if (e == STORE_OK && strcmp(of.agency, agency) != 0) {
			snprintf(msg, n, "officers: certificate \"%s\" (%s) belongs to agency \"%s\", not "
			         "the encounter's \"%s\"", o->cert_no[i], of.name, of.agency, agency);
			return STORE_ERR_CONSTRAINT;
		}
		if (e == STORE_OK)
			e = store_enc_officer_add(s, enc_code, o->cert_no[i], (int)i);
		if (e != STORE_OK) {
			snprintf(msg, n, "cannot store the officers of encounter \"%s\": %s", enc_code,
			         store_strerror(e));
			return e == STORE_ERR_CONSTRAINT || e == STORE_ERR_NOTFOUND ? STORE_ERR_SQL : e;
		}
	}
	return STORE_OK;
}
