/*
 * libFuzzer shim for csvin.c: the bytes as a CSV file read through
 * fmemopen(), with a callback that reads every byte of every field and
 * checks the row promises (NUL-terminated values of the stated length,
 * valid UTF-8, the header's width, line numbers that never go back).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	size_t last_line;
	size_t rows;
	unsigned long sum;
};

/* Touch every field of the header and the row. */
static void touch(struct state *st, const struct csvin_row *r)
{
	if (r->n == 0 || r->n > CSVIN_MAX_FIELDS || r->line == 0)
		abort();
	for (size_t i = 0; i < r->n; i++) {
		if (r->len[i] > CSVIN_MAX_FIELD || strlen(r->field[i]) != r->len[i])
			abort();
		if (!utf8_valid(r->field[i], r->len[i]))
			abort();
		for (size_t k = 0; k < r->len[i]; k++)
			st->sum += (unsigned char)r->field[i][k];
	}
}

static bool on_row(void *ctx, const struct csvin_row *header, const struct csvin_row *row,
                   char *msg, size_t msglen)
{
	struct state *st = ctx;

	touch(st, header);
	touch(st, row);
	if (row->n != header->n || row->line <= header->line || row->line <= st->last_line)
		abort();
	st->last_line = row->line;
	/* Stop now and then, as an importer would on a bad row. */
	if (++st->rows == 1000 || (row->n > 1 && strcmp(row->field[0], "stop") == 0)) {
		snprintf(msg, msglen, "stopped");
		return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st = {0};
	char msg[256];
	size_t line = 0;
	FILE *fp;
	enum csvin_err e;

	if (size == 0)
		fp = fopen("/dev/null", "rb");
	else
		fp = fmemopen((void *)data, size, "rb");
	if (fp == NULL)
		return 0;
	e = csvin_read(fp, on_row, &st, &line, msg, sizeof(msg));
	fclose(fp);
	if (e >= CSVIN_ERR__MAX)
		abort();
	if (e != CSVIN_OK && e != CSVIN_ERR_CALLBACK && (line == 0 || msg[0] == '\0'))
		abort();
	if (e == CSVIN_OK && line != 0)
		abort();
	return 0;
}
