/*
 * libFuzzer shim for params.c: the bytes as a query string, parsed against
 * every key (all optional, then the survey required), and as one value for
 * each key's validator.  Checks what the module promises: a refusal names
 * a key with a 400 or 403 and a message that starts with that key's name;
 * what is taken holds values each key takes (lengths, ranges, a period
 * that does not end before it starts, bom with csv only).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(const struct params_error *err)
{
	if ((err->status != 400 && err->status != 403) || (unsigned)err->key >= PARAM__MAX)
		abort();
	size_t n = strnlen(err->msg, sizeof err->msg);
	const char *name = params_table[err->key].name;
	if (n == 0 || n == sizeof err->msg || strncmp(err->msg, name, strlen(name)) != 0)
		abort();
}

static void check_taken(const struct params *p)
{
	const char *const texts[] = {p->survey, p->measure, p->from, p->to, p->agency, p->domain, p->cursor};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (strnlen(texts[i], PARAMS_VALUE_MAX + 1) > PARAMS_VALUE_MAX)
			abort();
	if (p->given[PARAM_SURVEY] && !slug_valid(p->survey))
		abort();
	if ((p->given[PARAM_FROM] && !date_valid(p->from)) || (p->given[PARAM_TO] && !date_valid(p->to)))
		abort();
	if (p->given[PARAM_FROM] && p->given[PARAM_TO] && strcmp(p->from, p->to) > 0)
		abort();
	if (!(p->level > 0 && p->level < 1) || p->low_n < 0 || p->low_n > PARAMS_LOW_N_MAX)
		abort();
	if (p->given[PARAM_LIMIT] && (p->limit < 1 || p->limit > PARAMS_LIMIT_MAX))
		abort();
	if (p->given[PARAM_BY] && (p->nby < 1 || p->nby > REPORT_MAX_BY))
		abort();
	if (p->given[PARAM_CHANNEL] && p->channel == NULL)
		abort();
	if (p->given[PARAM_BOM] && p->bom && p->given[PARAM_FORMAT] && p->format != EXPORT_CSV)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct params_keys all, survey;
	struct params p;
	struct params_error err;

	for (int k = 0; k < PARAM__MAX; k++) {
		/* "format" is two keys; a route takes one of them. */
		all.need[k] = k == PARAM_TABLE_FORMAT ? PARAM_UNUSED : PARAM_OPTIONAL;
		survey.need[k] = k == PARAM_SURVEY ? PARAM_REQUIRED : PARAM_UNUSED;
	}
	const struct params_keys *sets[] = {&all, &survey};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		memset(&err, 0, sizeof err);
		if (params_parse_query(&p, sets[i], (const char *)data, size, &err))
			check_taken(&p);
		else
			check_refusal(&err);
	}

	/* The bytes up to the first NUL as one value of each key. */
	char *value = xstrndup((const char *)data, size);
	for (int k = 0; k < PARAM__MAX; k++) {
		params_init(&p);
		bool ok = params_set(&p, (enum param_key)k, value, (enum params_style)(k % 2), &err);
		if (ok ? p.given[k] != (*value != '\0') : p.given[k])
			abort();
		if (ok)
			check_taken(&p);
	}
	free(value);
	return 0;
}
