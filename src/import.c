/* import — see include/import.h. */
#include "import.h"

#include <errno.h>
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

int import_csv(struct store *s, const char *path, const struct importer *imp, bool progress,
               struct import_result *res, char *msg, size_t msglen)
{
	struct run run = {.imp = imp, .res = res, .progress = progress};
	char reason[768] = "", detail[64];
	size_t line = 0;
	FILE *fp;

	memset(res, 0, sizeof *res);
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (store_begin(s) != STORE_OK) {
		snprintf(msg, msglen, "%s: the database is busy: %s", path, store_errmsg(s));
		fclose(fp);
		return -1;
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
	snprintf(detail, sizeof detail, "%zu rows", res->rows);
	if (e == CSVIN_OK && store_audit(s, "cli", imp->action, path, detail) != STORE_OK) {
		snprintf(reason, sizeof reason, "cannot write the audit record");
		e = CSVIN_ERR_IO;
	}
	if (e != CSVIN_OK) {
		snprintf(msg, msglen, "%s:%zu: %s", path, line, reason);
		store_rollback(s);
		return -1;
	}
	if (store_commit(s) != STORE_OK) {
		snprintf(msg, msglen, "%s: cannot commit: %s", path, store_errmsg(s));
		store_rollback(s);
		return -1;
	}
	return 0;
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
			snprintf(msg, msglen, "unknown column \"%.64s\" (expected %s)", h->field[j], want.data);
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
