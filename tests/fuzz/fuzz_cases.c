/*
 * libFuzzer shim for cases_parse(): the bytes as the body of POST
 * /api/v1/cases.  Every element without a shape error goes through
 * case_parse() as the handler sends it (an agency key's own agency when
 * none is named).  Checks: an array parsed holds 1..CASES_MAX_COUNT
 * elements; a parsed case copies its fields unchanged; a message says
 * something, fits the handler's buffer and is UTF-8 (it goes into JSON).
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "review.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const char *got, const char *want)
{
	if (strcmp(got, want != NULL ? want : "") != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *root;
	struct case_in *in;
	const char **error;
	size_t n;
	bool count_bad;
	bool ok = cases_parse((const char *)data, size, &root, &in, &error, &n, &count_bad);

	if (!ok && (n != 0 || in != NULL || root != NULL))
		abort();
	if (ok && (n == 0 || n > CASES_MAX_COUNT))
		abort();
	for (size_t i = 0; i < n; i++) {
		struct case_in c = in[i];
		struct case_file cf;
		char msg[512];
		if (error[i] != NULL)
			continue;
		if (c.agency == NULL)
			c.agency = "A01";
		memset(msg, 0, sizeof msg);
		if (case_parse(&c, &cf, msg, sizeof msg)) {
			same(cf.id, c.id);
			same(cf.agency, c.agency);
			same(cf.domain, c.domain);
			same(cf.kind, c.kind);
			same(cf.decided_on, c.decided_on);
			same(cf.outcome, c.outcome);
			if (!date_valid(cf.decided_on) || cf.enterprise != (strcmp(c.enterprise, "yes") == 0))
				abort();
		} else {
			size_t k = strnlen(msg, sizeof msg);
			if (k == 0 || k == sizeof msg || !utf8_valid(msg, k))
				abort();
		}
	}
	free(in);
	free(error);
	cJSON_Delete(root);
	return 0;
}
