/*
 * libFuzzer shim for officers_parse(): the bytes as the body of POST
 * /api/v1/officers.  Every element without a shape error goes through
 * officer_parse() as the handler sends it (an agency key's own agency when
 * none is named).  Checks: an array parsed holds 1..OFFICERS_MAX_COUNT
 * elements; a parsed officer copies its fields unchanged and its number
 * passes officer_cert_valid(); a message says something, fits the
 * handler's buffer and is UTF-8 (it goes into JSON).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "officer.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const char *got, const char *want)
{
	if (strcmp(got, want != NULL ? want : "") != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct officers list;
	enum officers_err err = officers_parse((const char *)data, size, &list);

	if (err >= OFFICERS_ERR__MAX)
		abort();
	if (err != OFFICERS_OK && (list.n != 0 || list.item != NULL))
		abort();
	if (err == OFFICERS_OK && (list.n == 0 || list.n > OFFICERS_MAX_COUNT))
		abort();
	for (size_t i = 0; i < list.n; i++) {
		struct officer_in in = list.item[i];
		struct officer o;
		char msg[512];
		if (list.error[i] != NULL)
			continue;
		if (in.agency == NULL)
			in.agency = "A01";
		memset(msg, 0, sizeof msg);
		if (officer_parse(&in, &o, msg, sizeof msg)) {
			same(o.cert_no, in.cert_no);
			same(o.name, in.name);
			same(o.agency, in.agency);
			same(o.status, in.status);
			same(o.valid_until, in.valid_until);
			same(o.category, in.category);
			same(o.area, in.area);
			if (!officer_cert_valid(o.cert_no) || !date_valid(o.valid_until))
				abort();
		} else {
			size_t n = strnlen(msg, sizeof msg);
			if (n == 0 || n == sizeof msg || !utf8_valid(msg, n))
				abort();
		}
	}
	officers_free(&list);
	officers_free(&list);
	return 0;
}
