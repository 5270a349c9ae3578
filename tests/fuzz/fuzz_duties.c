/*
 * libFuzzer shim for duty_json_fields(): the bytes as the body of POST
 * /api/v1/duties and /api/v1/performance.  Each element of a JSON array
 * is read as a row of both kinds.  Checks: every field is a string (never
 * NULL), UTF-8 when the body was, and a number's text reads back as the
 * number; a message says something, fits its buffer and is UTF-8.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "duty.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *root = cJSON_ParseWithLength((const char *)data, size), *o;
	bool utf8 = utf8_valid((const char *)data, size);
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return 0;
	}
	cJSON_ArrayForEach(o, root)
	{
		for (int kind = 0; kind < DUTY__MAX; kind++) {
			const char *f[DUTY_MAX_COLS];
			char buf[DUTY_MAX_COLS][64], msg[256];
			memset(msg, 0, sizeof msg);
			if (!duty_json_fields(o, (enum duty_kind)kind, f, buf, msg, sizeof msg)) {
				size_t k = strnlen(msg, sizeof msg);
				if (k == 0 || k == sizeof msg || !utf8_valid(msg, k))
					abort();
				continue;
			}
			for (size_t k = 0; k < DUTY_MAX_COLS; k++) {
				if (f[k] == NULL || (utf8 && !utf8_valid(f[k], strlen(f[k]))))
					abort();
				const cJSON *v = k < duty_ncolumns[kind]
				                         ? cJSON_GetObjectItemCaseSensitive(o, duty_columns[kind][k])
				                         : NULL;
				if (cJSON_IsNumber(v)) {
					double x = strtod(f[k], NULL);
					if (!(x == v->valuedouble || fabs(x - v->valuedouble) <= 1e-15 * fabs(x)))
						abort();
				}
			}
		}
	}
	cJSON_Delete(root);
	return 0;
}
