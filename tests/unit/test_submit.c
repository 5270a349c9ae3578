/* Unit tests for submit.c: the JSON envelope and the answers' JSON types. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "submit.h"
#include "util.h"

/* A small definition with one item of each kind. */
/* tests/data/survey-submit.json (also the fuzz_json driver's survey). */
static char *survey_json;

static struct survey *survey;

static int setup(void **state)
{
	char msg[256];

	(void)state;
	survey_json = fixture_text("survey-submit.json", NULL);
	if (survey_parse("unit-test.json", survey_json, strlen(survey_json), &survey, msg,
	                 sizeof(msg)) != SURVEY_OK) {
		fprintf(stderr, "# the test survey does not parse: %s\n", msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	survey_free(survey);
	free(survey_json);
	return 0;
}

struct parse_case {
	const char *body;
	size_t len; /* 0: strlen(body) */
	enum submit_err err;
	const char *msg; /* a piece of the message when err != OK */
};

/* A literal and its length, NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

static const struct parse_case parse_cases[] = {
    {"{\"survey\": \"s\", \"answers\": {}}", 0, SUBMIT_OK, NULL},
    {" \n{\"survey\":\"s\",\"answers\":{\"a\":1}} \n\t", 0, SUBMIT_OK, NULL},
    {"{\"survey\": \"s\", \"token\": null, \"agency\": null, \"domain\": null, "
     "\"answers\": {}}",
     0, SUBMIT_OK, NULL},
    {"{\"survey\": \"s\", \"answers\": {}, \"extra\": [1, {\"x\": null}]}", 0, SUBMIT_OK, NULL},
    {"{\"survey\": \"s\", \"answers\": {\"c\": \"\\\\u0000\"}}", 0, SUBMIT_OK, NULL},
    {"{\"survey\": \"s\", \"answers\": {\"c\": \"\\u4e2d\\ud83d\\ude00\"}}", 0, SUBMIT_OK, NULL},
    {"\xEF\xBB\xBF{\"survey\": \"s\", \"answers\": {}}", 0, SUBMIT_OK, NULL},
    /* not JSON */
    {"", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"   ", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{\"survey\": \"s\", \"answers\": {}} x", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{\"survey\": \"s\", \"answers\": {}}{}", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{\"survey\": \"s\", \"answers\": {},}", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{'survey': 's'}", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{\"survey\": \"s\\x\", \"answers\": {}}", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{\"survey\": \"\\ud800\", \"answers\": {}}", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{\"survey\": \"\\udc00x\", \"answers\": {}}", 0, SUBMIT_ERR_JSON, "not valid JSON"},
    {"{\"survey\": \"\xff\", \"answers\": {}}", 0, SUBMIT_ERR_JSON, "UTF-8"},
    {"{\"survey\": \"\xC0\xAF\", \"answers\": {}}", 0, SUBMIT_ERR_JSON, "UTF-8"},
    {"{\"survey\": \"\xED\xA0\x80\", \"answers\": {}}", 0, SUBMIT_ERR_JSON, "UTF-8"},
    {"{\"survey\": \"s\\u0000t\", \"answers\": {}}", 0, SUBMIT_ERR_JSON, "NUL"},
    {"{\"survey\": \"s\", \"answers\": {\"c\": \"\\\\\\u0000\"}}", 0, SUBMIT_ERR_JSON, "NUL"},
    {LIT("{\"survey\": \"s\", \"answers\": {}}\0"), SUBMIT_ERR_JSON, "NUL"},
    {LIT("{\"survey\": \"s\0\", \"answers\": {}}"), SUBMIT_ERR_JSON, "NUL"},
    /* JSON, but not the envelope */
    {"[]", 0, SUBMIT_ERR_SHAPE, "must be a JSON object"},
    {"\"survey\"", 0, SUBMIT_ERR_SHAPE, "must be a JSON object"},
    {"null", 0, SUBMIT_ERR_SHAPE, "must be a JSON object"},
    {"{}", 0, SUBMIT_ERR_SHAPE, "member \"survey\" is required"},
    {"{\"survey\": null, \"answers\": {}}", 0, SUBMIT_ERR_SHAPE, "member \"survey\" is required"},
    {"{\"Survey\": \"s\", \"answers\": {}}", 0, SUBMIT_ERR_SHAPE, "member \"survey\" is required"},
    {"{\"survey\": 1, \"answers\": {}}", 0, SUBMIT_ERR_SHAPE, "member \"survey\" must be a string"},
    {"{\"survey\": \"s\", \"token\": 7, \"answers\": {}}", 0, SUBMIT_ERR_SHAPE,
     "member \"token\" must be a string"},
    {"{\"survey\": \"s\", \"agency\": [], \"answers\": {}}", 0, SUBMIT_ERR_SHAPE,
     "member \"agency\" must be a string"},
    {"{\"survey\": \"s\", \"domain\": false, \"answers\": {}}", 0, SUBMIT_ERR_SHAPE,
     "member \"domain\" must be a string"},
    {"{\"survey\": \"s\"}", 0, SUBMIT_ERR_SHAPE, "member \"answers\" is required"},
    {"{\"survey\": \"s\", \"answers\": null}", 0, SUBMIT_ERR_SHAPE,
     "member \"answers\" is required"},
    {"{\"survey\": \"s\", \"answers\": []}", 0, SUBMIT_ERR_SHAPE,
     "member \"answers\" must be an object"},
    {"{\"survey\": \"s\", \"answers\": \"{}\"}", 0, SUBMIT_ERR_SHAPE,
     "member \"answers\" must be an object"},
    {"{\"survey\": \"s\", \"survey\": \"t\", \"answers\": {}}", 0, SUBMIT_ERR_SHAPE,
     "member \"survey\" appears more than once"},
    {"{\"survey\": \"s\", \"answers\": {}, \"answers\": {}}", 0, SUBMIT_ERR_SHAPE,
     "member \"answers\" appears more than once"},
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		size_t len = c->len ? c->len : strlen(c->body);
		struct submission sub;
		char msg[256] = "unset";
		enum submit_err e = submit_parse(c->body, len, &sub, msg, sizeof(msg));

		if (e != c->err)
			fail_msg("case %zu: got %d (%s), want %d", i, e, msg, c->err);
		if (e == SUBMIT_OK) {
			assert_non_null(sub.survey);
			assert_non_null(sub.root);
			assert_non_null(sub.answers);
		} else {
			if (strstr(msg, c->msg) == NULL)
				fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, msg, c->msg);
			assert_null(sub.survey);
			assert_null(sub.root);
		}
		submission_free(&sub);
	}
}

/* The body is not NUL-terminated: only len bytes count. */
static void test_parse_fields(void **state)
{
	const char body[] = "{\"survey\": \"enforcement-enterprise\", \"token\": \"tok\","
	                    " \"agency\": \"A01\", \"domain\": \"market\", \"answers\": {}}GARBAGE";
	struct submission sub;
	char msg[128];

	(void)state;
	assert_int_equal(submit_parse(body, strlen(body) - 7, &sub, msg, sizeof(msg)), SUBMIT_OK);
	assert_string_equal(sub.survey, "enforcement-enterprise");
	assert_string_equal(sub.token, "tok");
	assert_string_equal(sub.agency, "A01");
	assert_string_equal(sub.domain, "market");
	submission_free(&sub);
	assert_null(sub.root);
	submission_free(&sub); /* a zeroed struct */
	submission_free(NULL);

	assert_int_equal(
	    submit_parse(LIT("{\"survey\": \"s\", \"answers\": {}}"), &sub, msg, sizeof(msg)),
	    SUBMIT_OK);
	assert_null(sub.token);
	assert_null(sub.agency);
	assert_null(sub.domain);
	submission_free(&sub);

	assert_int_equal(submit_parse(NULL, 0, &sub, NULL, 0), SUBMIT_ERR_JSON);
}

/*
 * answers (a JSON object) → the pairs submit_answers() makes, as "k=v"
 * lines, and its errors as "item:code" lines.
 */
struct answers_case {
	const char *answers;
	const char *pairs;
	const char *errors;
};

static const struct answers_case answers_cases[] = {
    {"{}", "", ""},
    {"{\"legality\": 5}", "legality=5", ""},
    {"{\"legality\": 4.0}", "legality=4", ""},
    {"{\"legality\": 4e0, \"overall\": -0.0}", "legality=4\noverall=0", ""},
    {"{\"legality\": 4.5}", "legality=4.5", ""},
    {"{\"legality\": 0.1}", "legality=0.10000000000000001", ""},
    {"{\"legality\": 4.0000001}", "legality=4.0000001000000003", ""},
    {"{\"legality\": 1e10}", "legality=2147483648", ""},
    {"{\"legality\": -1e10}", "legality=-2147483649", ""},
    {"{\"legality\": 1e999}", "legality=2147483648", ""},
    {"{\"legality\": 2147483647}", "legality=2147483647", ""},
    {"{\"legality\": -2147483648}", "legality=-2147483648", ""},
    {"{\"legality\": \"na\"}", "legality=na", ""},
    {"{\"legality\": null}", "", ""},
    {"{\"legality\": \"5\"}", "", "legality:wrong_type"},
    {"{\"legality\": \"NA\"}", "", "legality:wrong_type"},
    {"{\"legality\": true}", "", "legality:wrong_type"},
    {"{\"legality\": [5]}", "", "legality:wrong_type"},
    {"{\"legality\": {\"v\": 5}}", "", "legality:wrong_type"},
    {"{\"encounter_type\": \"permit\"}", "encounter_type=permit", ""},
    {"{\"encounter_type\": \"nonsense\"}", "encounter_type=nonsense", ""},
    {"{\"encounter_type\": 1}", "", "encounter_type:wrong_type"},
    {"{\"encounter_type\": [\"permit\"]}", "", "encounter_type:wrong_type"},
    {"{\"problems\": [\"delay\", \"fees\"]}", "problems=delay\nproblems=fees", ""},
    {"{\"problems\": []}", "", ""},
    {"{\"problems\": null}", "", ""},
    {"{\"problems\": \"delay\"}", "", "problems:wrong_type"},
    {"{\"problems\": [\"delay\", 2]}", "", "problems:wrong_type"},
    {"{\"problems\": [[\"delay\"]]}", "", "problems:wrong_type"},
    {"{\"problems\": [null]}", "", "problems:wrong_type"},
    {"{\"comment\": \"好\\n\\\"ok\\\"\"}", "comment=好\n\"ok\"", ""},
    {"{\"comment\": 12}", "", "comment:wrong_type"},
    {"{\"comment\": false}", "", "comment:wrong_type"},
    {"{\"nosuch\": 5, \"legality\": 3}", "nosuch=\nlegality=3", ""},
    {"{\"nosuch\": {\"deep\": [1, 2]}}", "nosuch=", ""},
    {"{\"Legality\": 5}", "Legality=", ""},
    {"{\"legality\": 5, \"legality\": 4}", "legality=5\nlegality=4", ""},
    {"{\"legality\": \"x\", \"overall\": true, \"comment\": []}", "",
     "legality:wrong_type\noverall:wrong_type\ncomment:wrong_type"},
    {"{\"legality\": \"x\", \"legality\": true}", "", "legality:wrong_type"},
};

static char *describe_pairs(const struct pairs *p)
{
	struct sbuf b;

	sbuf_init(&b);
	for (size_t i = 0; i < p->n; i++)
		sbuf_printf(&b, "%s%s=%s", i ? "\n" : "", p->v[i].key, p->v[i].value);
	return sbuf_detach(&b);
}

static char *describe_errors(const struct answer_errors *e)
{
	struct sbuf b;

	sbuf_init(&b);
	for (size_t i = 0; i < e->n; i++)
		sbuf_printf(&b, "%s%s:%s", i ? "\n" : "", e->v[i].item ? e->v[i].item : "(form)",
		            answer_err_code(e->v[i].code));
	return sbuf_detach(&b);
}

/* Parse an envelope around answers; the test fails if it does not parse. */
static void parse_answers(const char *answers, struct submission *sub)
{
	char *body = xasprintf("{\"survey\": \"unit-test\", \"answers\": %s}", answers);
	char msg[256];

	if (submit_parse(body, strlen(body), sub, msg, sizeof(msg)) != SUBMIT_OK)
		fail_msg("%s: %s", body, msg);
	free(body);
}

static void test_answers_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(answers_cases); i++) {
		const struct answers_case *c = &answers_cases[i];
		struct submission sub;
		struct pairs p;
		struct answer_errors errs = {.n = 0};
		char *gp, *ge;

		parse_answers(c->answers, &sub);
		pairs_init(&p);
		submit_answers(survey, &sub, &p, &errs);
		gp = describe_pairs(&p);
		ge = describe_errors(&errs);
		if (strcmp(gp, c->pairs) != 0 || strcmp(ge, c->errors) != 0)
			fail_msg("case %zu %s:\n pairs  [%s] want [%s]\n errors [%s] want [%s]", i,
			         c->answers, gp, c->pairs, ge, c->errors);
		free(ge);
		free(gp);
		pairs_free(&p);
		submission_free(&sub);
	}
}

/*
 * The whole path a JSON body takes: submit_answers(), then answers_check()
 * with its own error list, merged the way the API handler merges them.
 */
struct check_case {
	const char *answers;
	const char *item;     /* the item expected to carry... */
	enum answer_err code; /* ...this error (ANSWER_OK: no error at all) */
};

static const struct check_case check_cases[] = {
    {"{\"legality\": 5, \"problems\": [\"fees\"], \"comment\": \"fine\"}", NULL, ANSWER_OK},
    {"{\"legality\": \"na\", \"overall\": 1}", NULL, ANSWER_OK},
    {"{\"legality\": 4.0}", NULL, ANSWER_OK},
    {"{\"legality\": 4.5}", "legality", ANSWER_NOT_INTEGER},
    {"{\"legality\": 1e10}", "legality", ANSWER_OUT_OF_RANGE},
    {"{\"legality\": -1e10}", "legality", ANSWER_OUT_OF_RANGE},
    {"{\"legality\": 6}", "legality", ANSWER_OUT_OF_RANGE},
    {"{\"legality\": 0}", "legality", ANSWER_OUT_OF_RANGE},
    {"{\"legality\": 3, \"overall\": \"na\"}", "overall", ANSWER_NA_NOT_ALLOWED},
    {"{\"legality\": \"5\"}", "legality", ANSWER_WRONG_TYPE},
    {"{\"legality\": 5, \"encounter_type\": \"x\"}", "encounter_type", ANSWER_UNKNOWN_OPTION},
    {"{\"legality\": 5, \"problems\": [\"fees\", \"fees\"]}", "problems", ANSWER_DUPLICATE_OPTION},
    {"{\"legality\": 5, \"comment\": \"12345678901\"}", "comment", ANSWER_TOO_LONG},
    {"{\"legality\": 5, \"nosuch\": 1}", "nosuch", ANSWER_UNKNOWN_ITEM},
    {"{\"legality\": 5, \"legality\": 4}", "legality", ANSWER_MULTIPLE_VALUES},
    {"{\"overall\": 5}", "legality", ANSWER_REQUIRED},
};

static void test_answers_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		struct submission sub;
		struct pairs p;
		struct answers ans = {0};
		struct answer_errors errs = {.n = 0}, check = {.n = 0};

		parse_answers(c->answers, &sub);
		pairs_init(&p);
		submit_answers(survey, &sub, &p, &errs);
		answers_check(survey, &p, false, &ans, &check);
		for (size_t k = 0; k < check.n; k++)
			answer_errors_add(&errs, check.v[k].item, check.v[k].code);
		if (c->code == ANSWER_OK) {
			if (errs.n != 0) {
				char *ge = describe_errors(&errs);
				fail_msg("case %zu %s: unexpected errors %s", i, c->answers, ge);
			}
		} else if (answer_errors_for(&errs, c->item) != c->code) {
			char *ge = describe_errors(&errs);
			fail_msg("case %zu %s: errors [%s], want %s:%s", i, c->answers, ge, c->item,
			         answer_err_code(c->code));
		}
		answers_free(&ans);
		pairs_free(&p);
		submission_free(&sub);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_table),
	    cmocka_unit_test(test_parse_fields),
	    cmocka_unit_test(test_answers_table),
	    cmocka_unit_test(test_answers_check),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
