/* registry — see include/registry.h. */
#include "registry.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "util.h"

#define NAME_MAX_CHARS 200

enum col { COL_CODE, COL_NAME_ZH, COL_NAME_EN, COL__MAX };

static const char *const col_names[COL__MAX] = {"code", "name_zh", "name_en"};

struct import_ctx {
	struct store *store;
	enum registry_kind kind;
	int col[COL__MAX];
	bool header_done;
	char **seen;            /* codes met so far in this file */
	size_t nseen, capseen;
	struct import_result *res;
	enum store_err store_err;
	size_t line;            /* line of the row being imported */
};

static bool seen_before(struct import_ctx *c, const char *code)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (strcmp(c->seen[i], code) == 0)
			return true;
	if (c->nseen == c->capseen) {
		c->capseen = c->capseen ? c->capseen * 2 : 64;
		c->seen = xrealloc(c->seen, c->capseen * sizeof *c->seen);
	}
	c->seen[c->nseen++] = xstrdup(code);
	return false;
}

/* Check the header once: every column present, nothing unknown or doubled. */
static bool check_header(struct import_ctx *c, const struct csvin_row *h, char *msg, size_t n)
{
	for (int i = 0; i < COL__MAX; i++)
		c->col[i] = -1;
	for (size_t j = 0; j < h->n; j++) {
		int k;
		for (k = 0; k < COL__MAX; k++)
			if (strcmp(h->field[j], col_names[k]) == 0)
				break;
		if (k == COL__MAX) {
			snprintf(msg, n, "unknown column \"%s\" (expected code,name_zh,name_en)", h->field[j]);
			return false;
		}
		if (c->col[k] >= 0) {
			snprintf(msg, n, "column \"%s\" appears twice", col_names[k]);
			return false;
		}
		c->col[k] = (int)j;
	}
	for (int k = 0; k < COL__MAX; k++)
		if (c->col[k] < 0) {
			snprintf(msg, n, "missing column \"%s\" (expected code,name_zh,name_en)", col_names[k]);
			return false;
		}
	return true;
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

static bool import_row(void *ctx, const struct csvin_row *h, const struct csvin_row *r,
                       char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	c->line = r->line;
	if (!c->header_done) {
		if (!check_header(c, h, msg, n)) {
			c->line = h->line;
			return false;
		}
		c->header_done = true;
	}
	const char *code = r->field[c->col[COL_CODE]];
	const char *zh = r->field[c->col[COL_NAME_ZH]];
	const char *en = r->field[c->col[COL_NAME_EN]];
	if (!code_valid(code)) {
		snprintf(msg, n, "code \"%.64s\" is not 1-64 letters, digits, '_', '.' or '-'", code);
		return false;
	}
	if (!check_name(zh, r->len[c->col[COL_NAME_ZH]], "name_zh", msg, n) ||
	    !check_name(en, r->len[c->col[COL_NAME_EN]], "name_en", msg, n))
		return false;
	if (seen_before(c, code)) {
		snprintf(msg, n, "duplicate code \"%s\"", code);
		return false;
	}
	bool created;
	c->store_err = store_registry_put(c->store, c->kind, code, zh, en, &created);
	if (c->store_err != STORE_OK) {
		snprintf(msg, n, "cannot store \"%s\": %s", code, store_strerror(c->store_err));
		return false;
	}
	c->res->rows++;
	if (created)
		c->res->created++;
	else
		c->res->updated++;
	return true;
}

int registry_import(struct store *s, enum registry_kind k, const char *path,
                    struct import_result *res, char *msg, size_t msglen)
{
	struct import_ctx c = {.store = s, .kind = k, .res = res};
	char reason[512] = "";
	size_t line = 0;
	int rc = -1;
	FILE *fp;

	memset(res, 0, sizeof *res);
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (store_begin(s) != STORE_OK) {
		snprintf(msg, msglen, "%s: the database is busy: %s", path, store_errmsg(s));
		goto out;
	}
	enum csvin_err e = csvin_read(fp, import_row, &c, &line, reason, sizeof reason);
	if (e == CSVIN_ERR_CALLBACK)
		line = c.line;
	if (e == CSVIN_OK && c.res->rows == 0) {
		snprintf(reason, sizeof reason, "no data rows after the header");
		line = 2;
		e = CSVIN_ERR_EMPTY;
	}
	if (e != CSVIN_OK) {
		snprintf(msg, msglen, "%s:%zu: %s", path, line, reason);
		store_rollback(s);
		goto out;
	}
	char action[32];
	snprintf(action, sizeof action, "import %s", k == REGISTRY_DOMAIN ? "domains" : "agencies");
	if (store_audit(s, "cli", action, path, NULL) != STORE_OK || store_commit(s) != STORE_OK) {
		snprintf(msg, msglen, "%s: cannot commit: %s", path, store_errmsg(s));
		store_rollback(s);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < c.nseen; i++)
		free(c.seen[i]);
	free(c.seen);
	fclose(fp);
	return rc;
}
