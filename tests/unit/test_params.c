/*
 * Unit tests for params.c: every key's validator over a table of values it
 * takes and refuses, the typed values, the parsing of a query (unknown
 * keys, empty values, repeats, escapes, lengths, required keys), the rules
 * between keys, and what an agency key may ask.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "params.h"

#define LONG65 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct value_case {
	enum param_key k;
	const char *v;
	bool ok;
} value_cases[] = {
	{PARAM_SURVEY, "enforcement-enterprise", true},
	{PARAM_SURVEY, "s1", true},
	{PARAM_SURVEY, "Bad", false},
	{PARAM_SURVEY, "a_b", false},
	{PARAM_SURVEY, "a b", false},
	{PARAM_SURVEY, LONG65, false},
	{PARAM_MEASURE, "index", true},
	{PARAM_MEASURE, "overall", true},
	{PARAM_MEASURE, "q_2", true},
	{PARAM_MEASURE, "Overall", false},
	{PARAM_MEASURE, "2q", false},
	{PARAM_MEASURE, "a-b", false},
	{PARAM_BY, "agency", true},
	{PARAM_BY, "agency,domain", true},
	{PARAM_BY, "quarter,year", true},
	{PARAM_BY, "agency,domain,size", false},
	{PARAM_BY, "agency,agency", false},
	{PARAM_BY, "nope", false},
	{PARAM_BY, ",", false},
	{PARAM_BY, "Agency", false},
	{PARAM_WEIGHTING, "none", true},
	{PARAM_WEIGHTING, "base", true},
	{PARAM_WEIGHTING, "poststrat", true},
	{PARAM_WEIGHTING, "rake", true},
	{PARAM_WEIGHTING, "heavy", false},
	{PARAM_FROM, "2022-01-01", true},
	{PARAM_FROM, "2024-02-29", true},
	{PARAM_FROM, "2023-02-29", false},
	{PARAM_FROM, "2022-13-01", false},
	{PARAM_FROM, "2022-1-01", false},
	{PARAM_TO, "2022-12-31", true},
	{PARAM_TO, "2022-02-30", false},
	{PARAM_TO, "20220101", false},
	{PARAM_LEVEL, "0.95", true},
	{PARAM_LEVEL, ".9", true},
	{PARAM_LEVEL, "0.999", true},
	{PARAM_LEVEL, "0", false},
	{PARAM_LEVEL, "1", false},
	{PARAM_LEVEL, "2", false},
	{PARAM_LEVEL, "1e-1", false},
	{PARAM_LEVEL, "-0.5", false},
	{PARAM_LEVEL, " 0.5", false},
	{PARAM_LEVEL, "0.5.1", false},
	{PARAM_LEVEL, "nan", false},
	{PARAM_LEVEL, "0x0.8", false},
	{PARAM_LOW_N, "0", true},
	{PARAM_LOW_N, "30", true},
	{PARAM_LOW_N, "1000000", true},
	{PARAM_LOW_N, "1000001", false},
	{PARAM_LOW_N, "-1", false},
	{PARAM_LOW_N, "3x", false},
	{PARAM_FORMAT, "csv", true},
	{PARAM_FORMAT, "ndjson", true},
	{PARAM_FORMAT, "dta", true},
	{PARAM_FORMAT, "doc", false},
	{PARAM_TABLE_FORMAT, "json", true},
	{PARAM_TABLE_FORMAT, "csv", true},
	{PARAM_TABLE_FORMAT, "xlsx", false},
	{PARAM_LANG, "zh", true},
	{PARAM_LANG, "en", true},
	{PARAM_LANG, "en-US", true},
	{PARAM_LANG, "zh_CN", true},
	{PARAM_LANG, "fr", false},
	{PARAM_LANG, "english", false},
	{PARAM_BOM, "1", true},
	{PARAM_BOM, "0", true},
	{PARAM_BOM, "true", true},
	{PARAM_BOM, "false", true},
	{PARAM_BOM, "maybe", false},
	{PARAM_BOM, "2", false},
	{PARAM_AGENCY, "A01", true},
	{PARAM_AGENCY, "a.b-c_d", true},
	{PARAM_AGENCY, "A 01", false},
	{PARAM_DOMAIN, "market", true},
	{PARAM_DOMAIN, "x/y", false},
	{PARAM_CHANNEL, "web", true},
	{PARAM_CHANNEL, "phone", true},
	{PARAM_CHANNEL, "pigeon", false},
	{PARAM_LIMIT, "1", true},
	{PARAM_LIMIT, "1000", true},
	{PARAM_LIMIT, "0", false},
	{PARAM_LIMIT, "1001", false},
	{PARAM_LIMIT, "99999999999999999999", false},
	{PARAM_VERSION, "1", true},
	{PARAM_VERSION, "12", true},
	{PARAM_VERSION, "0", false},
	{PARAM_VERSION, "-1", false},
	{PARAM_VERSION, "1x", false},
	{PARAM_CURSOR, "AbC_-9", true},
	{PARAM_CURSOR, "!!", false},
	{PARAM_BY_AGENCY, "agency", true},
	{PARAM_BY_AGENCY, "domain", false},
	{PARAM_BY_AGENCY, "agency,domain", false},
	{PARAM_MEASURE, "problems.rude", true},
	{PARAM_MEASURE, "problems.no-id_2", true},
	{PARAM_MEASURE, "problems.", false},
	{PARAM_MEASURE, ".rude", false},
	{PARAM_MEASURE, "problems.Rude", false},
	{PARAM_MEASURE, "Problems.rude", false},
	{PARAM_Q, "很好", true},
	{PARAM_Q, "ok, fine", true},
	{PARAM_Q, "a\001b", false},
	{PARAM_Q, "a\377b", false},
	{PARAM_TEXT, "1", true},
	{PARAM_TEXT, "0", true},
	{PARAM_TEXT, "yes", false},
};

/* Every key has a row, a validator and a value length that fits. */
static void test_table(void **state)
{
	(void)state;
	for (int k = 0; k < PARAM__MAX; k++) {
		const struct param_spec *sp = &params_table[k];
		assert_non_null(sp->name);
		assert_non_null(sp->takes);
		assert_non_null(sp->metavar);
		assert_non_null(sp->valid);
		assert_true(sp->max > 0 && sp->max <= PARAMS_VALUE_MAX);
	}
	assert_int_equal(params_key("format"), PARAM_FORMAT);
	assert_int_equal(params_key("low_n"), PARAM_LOW_N);
	assert_int_equal(params_key("by"), PARAM_BY); /* PARAM_BY_AGENCY is the fieldwork's by */
	assert_int_equal(params_key("nope"), PARAM__MAX);
}

/* Each value taken or refused, the refusal naming its key. */
static void test_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof value_cases / sizeof value_cases[0]; i++) {
		const struct value_case *c = &value_cases[i];
		struct params p;
		struct params_error err;
		params_init(&p);
		bool ok = params_set(&p, c->k, c->v, PARAMS_QUERY, &err);
		if (ok != c->ok)
			fail_msg("%s=%s: %s, expected %s", params_table[c->k].name, c->v, ok ? "taken" : err.msg,
			         c->ok ? "taken" : "refused");
		assert_int_equal(p.given[c->k], c->ok);
		if (!ok) {
			assert_int_equal(err.status, 400);
			assert_int_equal(err.key, c->k);
			assert_memory_equal(err.msg, params_table[c->k].name, strlen(params_table[c->k].name));
		}
	}
}

/* What the validators set. */
static void test_typed(void **state)
{
	struct params p;
	struct params_error err;
	(void)state;
	params_init(&p);
	assert_false(p.given[PARAM_LEVEL]);
	assert_true(p.level == 0.95);
	assert_int_equal(p.weighting, STATS_W_BASE);
	assert_int_equal(p.low_n, 30);
	assert_int_equal(p.lang, LANG_ZH);
	assert_true(params_set(&p, PARAM_LEVEL, "0.5", PARAMS_QUERY, &err));
	assert_true(p.level == 0.5);
	assert_true(params_set(&p, PARAM_BY, "domain,agency", PARAMS_QUERY, &err));
	assert_int_equal(p.nby, 2);
	assert_int_equal(p.by[0], BY_DOMAIN);
	assert_int_equal(p.by[1], BY_AGENCY);
	assert_true(params_set(&p, PARAM_WEIGHTING, "rake", PARAMS_QUERY, &err));
	assert_int_equal(p.weighting, STATS_W_RAKE);
	assert_true(params_set(&p, PARAM_LANG, "en-US", PARAMS_QUERY, &err));
	assert_int_equal(p.lang, LANG_EN);
	assert_true(params_set(&p, PARAM_BOM, "true", PARAMS_QUERY, &err));
	assert_true(p.bom);
	assert_true(params_set(&p, PARAM_FORMAT, "sav", PARAMS_QUERY, &err));
	assert_int_equal(p.format, EXPORT_SAV);
	assert_true(params_set(&p, PARAM_TABLE_FORMAT, "csv", PARAMS_QUERY, &err));
	assert_true(p.csv);
	assert_true(params_set(&p, PARAM_CHANNEL, "qr", PARAMS_QUERY, &err));
	assert_string_equal(p.channel, "qr");
	assert_true(params_set(&p, PARAM_LIMIT, "7", PARAMS_QUERY, &err));
	assert_int_equal(p.limit, 7);
	/* Empty is the default, not given. */
	assert_true(params_set(&p, PARAM_LOW_N, "", PARAMS_QUERY, &err));
	assert_false(p.given[PARAM_LOW_N]);
	assert_int_equal(p.low_n, 30);
}

/* A query and the result: NULL taken, else the start of the message. */
static const struct query_case {
	const struct params_keys *keys;
	const char *query;
	const char *msg;
} query_cases[] = {
	{&params_stats_keys, "survey=s1", NULL},
	{&params_stats_keys, "survey=s1&x=%zz&&=&nokey&format=doc&lang=fr", NULL}, /* not stats keys */
	{&params_stats_keys, "survey=s1&level=&by=&from=", NULL},                  /* empty: the default */
	{&params_stats_keys, "survey=s%31&by=agency%2cdomain&measure=overall", NULL},
	{&params_stats_keys, "survey=s1&from=2022-01-01&to=2022-01-01", NULL},
	{&params_stats_keys, "", "survey ID is required"},
	{&params_stats_keys, "survey=", "survey ID is required"},
	{&params_stats_keys, "level=0.9", "survey ID is required"},
	{&params_stats_keys, "survey=s1&survey=s2", "survey is given twice"},
	{&params_stats_keys, "survey=s1&level=&level=0.9", "level is given twice"},
	{&params_stats_keys, "survey=s1&level=%2", "level is malformed"},
	{&params_stats_keys, "survey=s1&measure=a%00b", "measure is malformed"},
	{&params_stats_keys, "survey=" LONG65, "survey is too long (at most 64 bytes)"},
	{&params_stats_keys,
	 "survey=s1&from=2022-01-01XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
	 "from is too long"},
	{&params_stats_keys, "survey=s1&from=%32%30%32%32%2d%30%31%2d%30%31", NULL}, /* 30 bytes, 10 decoded */
	{&params_stats_keys, "survey=s1&level=2", "level is a number between 0 and 1"},
	{&params_stats_keys, "survey=s1&from=2022-07-01&to=2022-06-30",
	 "from 2022-07-01 is after to 2022-06-30: the period ends before it starts"},
	{&params_export_keys, "survey=s1", "format csv|json|ndjson|xlsx|sav|dta is required"},
	{&params_export_keys, "survey=s1&format=sav&bom=1", "bom goes with format csv only"},
	{&params_export_keys, "survey=s1&format=sav&bom=0", NULL},
	{&params_export_keys, "survey=s1&format=csv&bom=1&lang=en", NULL},
	{&params_export_keys, "survey=s1&format=csv&level=2", NULL}, /* level is not an export key */
};

static void test_queries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof query_cases / sizeof query_cases[0]; i++) {
		const struct query_case *c = &query_cases[i];
		struct params p;
		struct params_error err = {0};
		bool ok = params_parse_query(&p, c->keys, c->query, strlen(c->query), &err);
		if (ok != (c->msg == NULL) || (!ok && strncmp(err.msg, c->msg, strlen(c->msg)) != 0))
			fail_msg("%s: %s, expected %s", c->query, ok ? "taken" : err.msg, c->msg ? c->msg : "taken");
		if (!ok)
			assert_int_equal(err.status, 400);
	}
}

/* The command line names keys --key; the messages are otherwise the same. */
static void test_option_style(void **state)
{
	struct params p;
	struct params_error err;
	char name[32];
	(void)state;
	assert_string_equal(params_name(PARAM_LOW_N, PARAMS_OPTION, name, sizeof name), "--low-n");
	assert_string_equal(params_name(PARAM_LOW_N, PARAMS_QUERY, name, sizeof name), "low_n");
	params_init(&p);
	assert_false(params_set(&p, PARAM_LEVEL, "2", PARAMS_OPTION, &err));
	assert_string_equal(err.msg, "--level is a number between 0 and 1, like 0.95");
	params_init(&p);
	assert_true(params_set(&p, PARAM_FROM, "2022-07-01", PARAMS_OPTION, &err));
	assert_true(params_set(&p, PARAM_TO, "2022-06-30", PARAMS_OPTION, &err));
	assert_false(params_check(&p, PARAMS_OPTION, &err));
	assert_string_equal(err.msg, "--from 2022-07-01 is after --to 2022-06-30: the period ends before it starts");
	assert_false(params_require(&p, &params_export_keys, PARAMS_OPTION, &err));
	assert_string_equal(err.msg, "--survey ID is required");
}

/* What the keys mean to the statistics and the export. */
static void test_conversions(void **state)
{
	struct params p;
	struct params_error err;
	struct report_query q;
	struct export_options o;
	(void)state;
	assert_true(params_parse_query(&p, &params_stats_keys, "survey=s1", 9, &err));
	params_report_query(&p, &q);
	assert_string_equal(q.survey, "s1");
	assert_string_equal(q.measure, "index");
	assert_int_equal(q.nby, 0);
	assert_null(q.from);
	assert_true(q.level == 0.95);
	const char *full = "survey=s1&measure=overall&by=size&weighting=none&from=2022-01-01&to=2022-03-31"
	                   "&level=0.9&low_n=10";
	assert_true(params_parse_query(&p, &params_stats_keys, full, strlen(full), &err));
	params_report_query(&p, &q);
	assert_string_equal(q.measure, "overall");
	assert_int_equal(q.nby, 1);
	assert_int_equal(q.by[0], BY_SIZE);
	assert_int_equal(q.weighting, STATS_W_NONE);
	assert_string_equal(q.from, "2022-01-01");
	assert_string_equal(q.to, "2022-03-31");
	assert_true(q.level == 0.9);
	assert_true(q.low_n == 10);
	const char *ex = "survey=s1&format=csv&lang=en&bom=1&to=2022-03-31";
	assert_true(params_parse_query(&p, &params_export_keys, ex, strlen(ex), &err));
	params_export_options(&p, &o);
	assert_int_equal(o.lang, LANG_EN);
	assert_true(o.bom);
	assert_null(o.from);
	assert_string_equal(o.to, "2022-03-31");
}

/* An agency key: its own groups, whole months, the threshold or more, no column that singles out. */
static void test_agency_scope(void **state)
{
	static const struct {
		const char *query;
		int status; /* 0: allowed */
		const char *by; /* the columns after, when allowed */
	} cases[] = {
		{"survey=s1", 0, "agency"},
		{"survey=s1&by=domain", 0, "agency,domain"},
		{"survey=s1&by=month,agency", 0, "month,agency"},
		{"survey=s1&by=domain,size", 403, NULL},
		{"survey=s1&by=district", 403, NULL},
		{"survey=s1&by=agency,outcome", 403, NULL},
		{"survey=s1&by=channel", 403, NULL},
		{"survey=s1&from=2022-06-01&to=2022-06-30", 0, "agency"},
		{"survey=s1&from=2024-02-01&to=2024-02-29", 0, "agency"},
		{"survey=s1&from=2023-02-01&to=2023-02-28", 0, "agency"},
		{"survey=s1&from=2022-06-02&to=2022-06-30", 403, NULL},
		{"survey=s1&from=2022-06-01&to=2022-06-01", 403, NULL},
		{"survey=s1&to=2022-06-29", 403, NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct params p;
		struct params_error err;
		struct report_query q;
		assert_true(params_parse_query(&p, &params_stats_keys, cases[i].query, strlen(cases[i].query), &err));
		params_report_query(&p, &q);
		q.low_n = 10;
		bool ok = params_agency_scope(&q, "A01", &err);
		if (ok != (cases[i].status == 0))
			fail_msg("%s: %s", cases[i].query, ok ? "allowed" : err.msg);
		if (!ok) {
			assert_int_equal(err.status, 403);
			continue;
		}
		char by[64] = "";
		for (size_t j = 0; j < q.nby; j++)
			snprintf(by + strlen(by), sizeof by - strlen(by), "%s%s", j ? "," : "", report_by_name(q.by[j]));
		assert_string_equal(by, cases[i].by);
		assert_string_equal(q.only_agency, "A01");
		assert_true(q.low_n == 30);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),        cmocka_unit_test(test_values),
		cmocka_unit_test(test_typed),        cmocka_unit_test(test_queries),
		cmocka_unit_test(test_option_style), cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_agency_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
