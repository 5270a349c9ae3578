/*
 * libFuzzer shim for submit.c: the bytes as the body of POST
 * /api/v1/responses.  When the envelope parses, the answers go through
 * submit_answers() and answers_check() against a survey parsed once from
 * tests/data/survey-submit.json, as the API handler does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fixture.h"
#include "submit.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The unit tests' tests/data/survey-submit.json, read once (the corpus
 * replays and `make fuzz` run from the top of the checkout). */
static char *survey_json;

static struct survey *survey;

/* Parse the definition on the first call; abort if it is broken. */
static const struct survey *fuzz_survey(void)
{
	char msg[256];

	if (survey == NULL)
		survey_json = fixture_text("survey-submit.json", NULL);
	if (survey == NULL && survey_parse("fuzz.json", survey_json, strlen(survey_json), &survey,
	                                   msg, sizeof(msg)) != SURVEY_OK) {
		fprintf(stderr, "fuzz_json: %s\n", msg);
		abort();
	}
	return survey;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct survey *s = fuzz_survey();
	struct submission sub;
	struct pairs p;
	struct answers ans = {0};
	struct answer_errors errs = {.n = 0}, check = {.n = 0};
	char msg[256];
	enum submit_err e;

	e = submit_parse((const char *)data, size, &sub, msg, sizeof(msg));
	if (e != SUBMIT_OK) {
		if (e >= SUBMIT_ERR__MAX || msg[0] == '\0' || sub.root != NULL)
			abort();
		return 0;
	}
	if (sub.survey == NULL || sub.answers == NULL)
		abort();
	pairs_init(&p);
	submit_answers(s, &sub, &p, &errs);
	for (size_t i = 0; i < p.n; i++)
		if (!utf8_valid(p.v[i].key, strlen(p.v[i].key)) ||
		    !utf8_valid(p.v[i].value, strlen(p.v[i].value)))
			abort();
	answers_check(s, &p, false, &ans, &check);
	for (size_t i = 0; i < check.n; i++)
		answer_errors_add(&errs, check.v[i].item, check.v[i].code);
	if (errs.n > ANSWER_ERRORS_MAX)
		abort();
	answers_free(&ans);
	pairs_free(&p);
	submission_free(&sub);
	return 0;
}
