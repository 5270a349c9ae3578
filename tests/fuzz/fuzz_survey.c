/*
 * libFuzzer shim for survey.c: the bytes as a survey definition.  Checks
 * what survey_parse() promises: a survey on success and a one-line
 * message naming the input otherwise; a parsed survey's canonical form
 * parses again to the same canonical form, and answers_check() runs
 * on the pairs derived from the input without trouble.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survey.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Answer every item of s with a value made from the input bytes. */
static void fuzz_answers(const struct survey *s, const uint8_t *data, size_t size)
{
	struct answers ans = {0};
	struct answer_errors errs;
	struct pairs p;
	size_t k = 0;

	pairs_init(&p);
	for (size_t i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		size_t n = size > 0 ? data[k++ % size] % 8 : 0;
		size_t off = k % (size + 1);

		if (it->noptions > 0)
			pairs_add(&p, it->id, it->options[n % it->noptions].value);
		if (n > size - off)
			n = size - off;
		pairs_addn(&p, it->id, (const char *)data + off, n);
	}
	pairs_add(&p, "fuzz", "1");
	answers_check(s, &p, k % 2 == 0, &ans, &errs);
	if (errs.n > ANSWER_ERRORS_MAX)
		abort();
	answers_free(&ans);
	pairs_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct survey *s = NULL, *again = NULL;
	char msg[256];
	enum survey_err e;

	e = survey_parse("fuzz.json", (const char *)data, size, &s, msg, sizeof(msg));
	if (e >= SURVEY_ERR__MAX || (e == SURVEY_OK) != (s != NULL))
		abort();
	if (e != SURVEY_OK) {
		if (strncmp(msg, "fuzz.json: ", 11) != 0 || strchr(msg, '\n') != NULL ||
		    !utf8_valid(msg, strlen(msg)))
			abort();
		return 0;
	}
	if (survey_parse("again", s->canonical, strlen(s->canonical), &again, msg, sizeof(msg)) != SURVEY_OK ||
	    strcmp(s->canonical, again->canonical) != 0)
		abort();
	fuzz_answers(s, data, size);
	survey_free(again);
	survey_free(s);
	return 0;
}
