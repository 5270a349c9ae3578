/* import — see include/import.h. */
#include "import.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

struct run {
	const struct importer *imp;
	struct import_result *res;
	bool header_done;
	bool progress;
	size_t line;            /* the line of the header or row being handled */
};

static bool on_row(void *ctx, const struct csvin_row *h, const struct csvin_row *r, char *msg,
                   size_t n)
{
	struct run *run = ctx;
	if (!run->header_done) {
		run->line = h->line;
		if (!run->imp->header(run->imp->ctx, h, msg, n))
			return false;
		run->header_done = true;
	}
	run->line = r->line;
	if (!run->imp->row(run->imp->ctx, r, run->res, msg, n))
		return false;
	run->res->rows++;
	if (run->progress && run->res->rows % 10000 == 0)
		fprintf(stderr, "\r%zu %s read...", run->res->rows, run->imp->noun);
	return true;
}

static const char *const import_errors[IMPORT__MAX] = {
	[IMPORT_OK] = "ok",
	[IMPORT_FILE] = "cannot read the file",
	[IMPORT_INVALID] = "the file is not valid",
	[IMPORT_BUSY] = "the database is busy, try again",
	[IMPORT_STORE] = "database error",
};

const char *import_strerror(enum import_err e)
{
	return e < IMPORT__MAX ? import_errors[e] : "unknown error";
}

/* A store error as an import error. */
static enum import_err store_failed(enum store_err e)
{
	return e == STORE_ERR_BUSY ? IMPORT_BUSY : IMPORT_STORE;
}

enum import_err import_csv(struct store *s, const char *path, const struct importer *imp,
                           bool progress, struct import_result *res, char *msg, size_t msglen)
{
	struct run run = {.imp = imp, .res = res, .progress = progress};
	char reason[768] = "", detail[64];
	size_t line = 0;
	FILE *fp;

	memset(res, 0, sizeof *res);
	res->store_err = STORE_OK;
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return IMPORT_FILE;
	}
	enum store_err se = store_begin(s);
	if (se != STORE_OK) {
		if (se == STORE_ERR_BUSY)
			snprintf(msg, msglen, "%s: %s", path, import_strerror(IMPORT_BUSY));
		else
			snprintf(msg, msglen, "%s: cannot begin: %s", path, store_errmsg(s));
		fclose(fp);
		return store_failed(se);
	}
	enum csvin_err e = csvin_read(fp, on_row, &run, &line, reason, sizeof reason);
	fclose(fp);
	if (progress && res->rows >= 10000)
		fputc('\n', stderr);
	if (e == CSVIN_ERR_CALLBACK)
		line = run.line;
	if (e == CSVIN_OK && res->rows == 0) {
		snprintf(reason, sizeof reason, "no data rows after the header");
		line = 2;
		e = CSVIN_ERR_EMPTY;
	}
	snprintf(detail, sizeof detail, "%zu %s", res->rows, res->rows == 1 ? "row" : "rows");
	if (e == CSVIN_OK && (se = store_audit(s, "cli", imp->action, path, detail)) != STORE_OK) {
		snprintf(reason, sizeof reason, "cannot write the audit record: %s", store_strerror(se));
		res->store_err = se;
		e = CSVIN_ERR_IO;
	}
	if (e != CSVIN_OK) {
		snprintf(msg, msglen, "%s:%zu: %s", path, line, reason);
		store_rollback(s);
		if (e == CSVIN_ERR_IO && res->store_err == STORE_OK)
			return IMPORT_FILE;
		return res->store_err != STORE_OK ? store_failed(res->store_err) : IMPORT_INVALID;
	}
	if ((se = store_commit(s)) != STORE_OK) {
		snprintf(msg, msglen, "%s: cannot commit: %s", path,
		         se == STORE_ERR_BUSY ? import_strerror(IMPORT_BUSY) : store_errmsg(s));
		store_rollback(s);
		return store_failed(se);
	}
	return IMPORT_OK;
}

bool import_columns(const struct csvin_row *h, const char *const *names, size_t n,
                    size_t nrequired, int *cols, char *msg, size_t msglen)
{
	for (size_t k = 0; k < n; k++)
		cols[k] = -1;
	for (size_t j = 0; j < h->n; j++) {
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(h->field[j], names[k]) == 0)
				break;
		if (k == n) {
			struct sbuf want;
			sbuf_init(&want);
			for (size_t i = 0; i < n; i++)
				sbuf_printf(&want, "%s%s", i ? "," : "", names[i]);
			char q[IMPORT_QUOTE_SIZE];
			snprintf(msg, msglen, "unknown column %s (expected %s)", import_quote(h->field[j], q),
			         want.data);
			sbuf_free(&want);
			return false;
		}
		if (cols[k] >= 0) {
			snprintf(msg, msglen, "column \"%s\" appears twice", names[k]);
			return false;
		}
		cols[k] = (int)j;
	}
	for (size_t k = 0; k < nrequired; k++)
		if (cols[k] < 0) {
			snprintf(msg, msglen, "missing column \"%s\"", names[k]);
			return false;
		}
	return true;
}

/* The bytes byte c takes in a quotation: itself, \" \\ \n \r \t, or \xNN. */
static size_t quoted_len(unsigned char c)
{
	if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t')
		return 2;
	return c < 0x20 || c == 0x7F ? 4 : 1;
}

const char *import_quote(const char *s, char *buf)
{
	size_t len = strlen(s), cut = len, need = 0, o = 0;

	for (size_t i = 0; i < len; i++)
		need += quoted_len((unsigned char)s[i]);
	if (need > IMPORT_QUOTE_MAX) {
		/* Half the room, ending before a character, not inside one. */
		need = 0;
		for (cut = 0; need + quoted_len((unsigned char)s[cut]) <= IMPORT_QUOTE_MAX / 2; cut++)
			need += quoted_len((unsigned char)s[cut]);
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];
		if (quoted_len(c) == 1) {
			buf[o++] = (char)c;
		} else if (quoted_len(c) == 2) {
			buf[o++] = '\\';
			buf[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : (char)c;
		} else {
			o += (size_t)snprintf(buf + o, 5, "\\x%02X", c);
		}
	}
	if (cut < len)
		snprintf(buf + o, IMPORT_QUOTE_SIZE - o, "...\" (%zu characters)", utf8_length(s, len));
	else
		snprintf(buf + o, IMPORT_QUOTE_SIZE - o, "\"");
	return buf;
}

bool import_code_check(const char *col, const char *v, const char *what, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE];
	size_t len = strlen(v);

	if (code_valid(v))
		return true;
	if (len == 0)
		snprintf(msg, n, "%s is empty", col);
	else if (len > 64)
		snprintf(msg, n, "%s %s is %zu characters long; %s has at most 64", col, import_quote(v, q),
		         utf8_length(v, len), what);
	else
		snprintf(msg, n, "%s %s is not %s (1-64 letters, digits, '_', '.' or '-')", col,
		         import_quote(v, q), what);
	return false;
}

/* See import.h. */
enum store_err import_registered(struct store *s, enum registry_kind k, const char *code,
                                 char *msg, size_t n)
{
	bool exists;
	enum store_err err = store_registry_exists(s, k, code, &exists);
	if (err != STORE_OK)
		snprintf(msg, n, "cannot check %s \"%s\": %s", registry_kind_name(k), code,
		         store_strerror(err));
	else if (!exists) {
		snprintf(msg, n, "unknown %s \"%s\"", registry_kind_name(k), code);
		err = STORE_ERR_CONSTRAINT;
	}
	return err;
}

enum import_json import_json_array(const char *data, size_t len, size_t max_bytes, int max_count,
                                   cJSON **root)
{
	*root = NULL;
	if (len > max_bytes || !utf8_valid(data, len) || memchr(data, '\0', len) != NULL)
		return IMPORT_JSON_MALFORMED;
	/* cJSON checks that nothing trails the array up to the NUL. */
	char *text = xstrndup(data, len);
	cJSON *r = cJSON_ParseWithLengthOpts(text, len + 1, NULL, true);
	free(text);
	if (r == NULL || !cJSON_IsArray(r)) {
		cJSON_Delete(r);
		return IMPORT_JSON_MALFORMED;
	}
	int count = cJSON_GetArraySize(r);
	if (count == 0 || count > max_count) {
		cJSON_Delete(r);
		return IMPORT_JSON_COUNT;
	}
	*root = r;
	return IMPORT_JSON_OK;
}

const char *import_json_str(const cJSON *o, const char *name, bool *bad)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	if (m == NULL || cJSON_IsNull(m))
		return NULL;
	if (!cJSON_IsString(m)) {
		*bad = true;
		return NULL;
	}
	return m->valuestring;
}

bool import_seen_add(struct import_seen *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], key) == 0)
			return true;
	s->v = xgrow(s->v, s->n, &s->cap, sizeof *s->v, 64);
	s->v[s->n++] = xstrdup(key);
	return false;
}

void import_seen_free(struct import_seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}
