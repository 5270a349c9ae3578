/*
 * libFuzzer shim for encounters_parse(): the bytes as the body of POST
 * /api/v1/encounters.  Every element without a shape error goes through
 * encounter_parse() as the handler sends it (an agency key's own agency
 * when none is named).  Checks: an array parsed holds 1..ENCOUNTERS_MAX_COUNT
 * elements; a parsed encounter copies its fields unchanged; a message says
 * something, fits the handler's buffer and is UTF-8 (it goes into JSON).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encounter.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const char *got, const char *want)
{
	if (strcmp(got, want != NULL ? want : "") != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct encounters list;
	enum encounters_err err = encounters_parse((const char *)data, size, &list);

	if (err >= ENCOUNTERS_ERR__MAX)
		abort();
	if (err != ENCOUNTERS_OK && (list.n != 0 || list.item != NULL))
		abort();
	if (err == ENCOUNTERS_OK && (list.n == 0 || list.n > ENCOUNTERS_MAX_COUNT))
		abort();
	for (size_t i = 0; i < list.n; i++) {
		struct encounter_in in = list.item[i];
		struct encounter e;
		char msg[512];
		if (list.error[i] != NULL)
			continue;
		if (in.agency == NULL)
			in.agency = "A01";
		memset(msg, 0, sizeof msg);
		if (encounter_parse(&in, &e, msg, sizeof msg)) {
			same(e.id, in.id);
			same(e.agency, in.agency);
			same(e.domain, in.domain);
			same(e.size, in.size);
			same(e.district, in.district);
			same(e.occurred_on, in.occurred_on);
			same(e.outcome, in.outcome);
			if (!date_valid(e.occurred_on))
				abort();
		} else {
			size_t n = strnlen(msg, sizeof msg);
			if (n == 0 || n == sizeof msg || !utf8_valid(msg, n))
				abort();
		}
	}
	encounters_free(&list);
	encounters_free(&list);
	return 0;
}
