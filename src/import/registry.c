/* registry — see include/registry.h. */
#include "registry.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NAME_MAX_CHARS 200

enum col { COL_CODE, COL_NAME_ZH, COL_NAME_EN, COL__MAX };

static const char *const col_names[COL__MAX] = {"code", "name_zh", "name_en"};

struct import_ctx {
	struct store *store;
	enum registry_kind kind;
	int col[COL__MAX];
	struct import_seen seen; /* codes met so far in this file */
};

static bool import_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	return import_columns(h, col_names, COL__MAX, COL__MAX, c->col, msg, n);
}

/* Validate one name cell. */
static bool check_name(const char *v, size_t len, const char *col, char *msg, size_t n)
{
	if (len == 0) {
		snprintf(msg, n, "%s is empty", col);
		return false;
	}
	if (utf8_length(v, len) > NAME_MAX_CHARS) {
		snprintf(msg, n, "%s is longer than %d characters", col, NAME_MAX_CHARS);
		return false;
	}
	if (utf8_has_controls(v, len)) {
		snprintf(msg, n, "%s contains control characters", col);
		return false;
	}
	return true;
}

static bool import_row(void *ctx, const struct csvin_row *r, struct import_result *res,
                       char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	const char *code = r->field[c->col[COL_CODE]];
	const char *zh = r->field[c->col[COL_NAME_ZH]];
	const char *en = r->field[c->col[COL_NAME_EN]];
	if (!import_code_check("code", code, "a code", msg, n))
		return false;
	if (!check_name(zh, r->len[c->col[COL_NAME_ZH]], "name_zh", msg, n) ||
	    !check_name(en, r->len[c->col[COL_NAME_EN]], "name_en", msg, n))
		return false;
	if (import_seen_add(&c->seen, code)) {
		snprintf(msg, n, "duplicate code \"%s\"", code);
		return false;
	}
	bool created;
	enum store_err e = store_registry_put(c->store, c->kind, code, zh, en, &created);
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot store \"%s\": %s", code, store_strerror(e));
		res->store_err = e;
		return false;
	}
	if (created)
		res->created++;
	else
		res->updated++;
	return true;
}

enum import_err registry_import(struct store *s, enum registry_kind k, const char *path,
                                struct import_result *res, char *msg, size_t msglen)
{
	struct import_ctx c = {.store = s, .kind = k};
	const struct importer imp = {
		.action = k == REGISTRY_DOMAIN ? "import domains" : "import agencies",
		.noun = k == REGISTRY_DOMAIN ? "domains" : "agencies",
		.header = import_header,
		.row = import_row,
		.ctx = &c,
	};
	enum import_err rc = import_csv(s, path, &imp, false, res, msg, msglen);
	import_seen_free(&c.seen);
	return rc;
}

/* ---- agency-domains: agency,domain ---------------------------------------- */

enum pair_col { PAIR_AGENCY, PAIR_DOMAIN, PAIR__MAX };

static const char *const pair_col_names[PAIR__MAX] = {"agency", "domain"};

struct pair_ctx {
	struct store *store;
	int col[PAIR__MAX];
	bool cleared;           /* the pairs stored before are gone (first row) */
	size_t removed;
};

static bool pair_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct pair_ctx *c = ctx;
	return import_columns(h, pair_col_names, PAIR__MAX, PAIR__MAX, c->col, msg, n);
}

/* Is code (column col, registry k) registered?  False with msg (and res->store_err) set. */
static bool pair_code(struct store *s, enum registry_kind k, const char *col, const char *code,
                      struct import_result *res, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	bool exists = false;
	if (!import_code_check(col, code, "a registry code", msg, n))
		return false;
	enum store_err e = store_registry_exists(s, k, code, &exists);
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot look up %s %s: %s", col, import_quote(code, q), store_strerror(e));
		res->store_err = e;
		return false;
	}
	if (!exists)
		snprintf(msg, n, "unknown %s %s (import %s first)", col, import_quote(code, q),
		         k == REGISTRY_AGENCY ? "agencies" : "domains");
	return exists;
}

static bool pair_row(void *ctx, const struct csvin_row *r, struct import_result *res, char *msg,
                     size_t n)
{
	struct pair_ctx *c = ctx;
	const char *agency = r->field[c->col[PAIR_AGENCY]];
	const char *domain = r->field[c->col[PAIR_DOMAIN]];
	enum store_err e;

	if (!c->cleared) {
		/* The file is the whole list: what was stored before goes. */
		if ((e = store_agency_domain_clear(c->store, &c->removed)) != STORE_OK) {
			snprintf(msg, n, "cannot replace the stored pairs: %s", store_strerror(e));
			res->store_err = e;
			return false;
		}
		c->cleared = true;
	}
	if (!pair_code(c->store, REGISTRY_AGENCY, "agency", agency, res, msg, n) ||
	    !pair_code(c->store, REGISTRY_DOMAIN, "domain", domain, res, msg, n))
		return false;
	e = store_agency_domain_add(c->store, agency, domain);
	if (e == STORE_ERR_CONSTRAINT) {
		/* The table was emptied above: only this file can hold it already. */
		snprintf(msg, n, "the pair %s,%s appears twice", agency, domain);
		return false;
	}
	if (e != STORE_OK) {
		snprintf(msg, n, "cannot store %s,%s: %s", agency, domain, store_strerror(e));
		res->store_err = e;
		return false;
	}
	res->created++;
	return true;
}

enum import_err registry_import_agency_domains(struct store *s, const char *path,
                                               struct import_result *res, char *msg,
                                               size_t msglen)
{
	struct pair_ctx c = {.store = s};
	const struct importer imp = {
		.action = "import agency-domains",
		.noun = "pairs",
		.header = pair_header,
		.row = pair_row,
		.ctx = &c,
	};
	enum import_err rc = import_csv(s, path, &imp, false, res, msg, msglen);
	if (rc == IMPORT_OK)
		res->updated = c.removed;
	return rc;
}
