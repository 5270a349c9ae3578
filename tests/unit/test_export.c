/* export: text hygiene, variable names, labels, and every format in-process. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "fixture.h"
#include "manyi_init.h"
#include "store.h"
#include "survey.h"
#include "util.h"

static char *cleaned(const char *s, size_t n)
{
	struct sbuf b;
	sbuf_init(&b);
	export_clean_text(s, n, &b);
	return sbuf_detach(&b);
}

#define FFFD "\xEF\xBF\xBD"

static void clean_text(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		{"plain, text", 11, "plain, text"},
		{"中文 👍🏻", 15, "中文 👍🏻"},
		{"a\tb\nc", 5, "a\tb\nc"},
		{"a\r\nb\rc", 6, "a\nb\nc"},
		{"\r", 1, "\n"},
		{"a\x01" "b\x1b" "c\x7f", 6, "a" FFFD "b" FFFD "c" FFFD},
		{"a\0b", 3, "a" FFFD "b"},
		{"x\xC2\x85y", 4, "x" FFFD "y"},                 /* C1 NEL */
		{"x\xE2\x80\xAEy", 5, "x" FFFD "y"},             /* U+202E RLO */
		{"\xE2\x80\x8F\xE2\x81\xA6\xD8\x9C", 8, FFFD FFFD FFFD}, /* RLM, LRI, ALM */
		{"\xE2\x80\x8B", 3, "\xE2\x80\x8B"},             /* zero width space stays */
		{"a\xFF" "b", 3, "a" FFFD "b"},
		{"\xC0\xAF", 2, FFFD FFFD},                      /* overlong */
		{"\xED\xA0\x80", 3, FFFD FFFD FFFD},             /* surrogate */
		{"\xE4\xB8", 2, FFFD FFFD},                      /* truncated */
		{"<script>alert(1)</script>", 25, "<script>alert(1)</script>"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = cleaned(cases[i].in, cases[i].n);
		assert_string_equal(got, cases[i].out);
		assert_true(utf8_valid(got, strlen(got)));
		free(got);
	}
}

static void formula_risk(void **state)
{
	(void)state;
	static const char *const risky[] = {"=1+1", "+1", "-2", "@SUM(1)", "\tx", "\rx",
	                                    "=HYPERLINK(\"http://x\",\"y\")"};
	static const char *const safe[] = {"", "1", "a=b", " =1", "'=1", "中=", "<script>"};
	for (size_t i = 0; i < ARRAY_SIZE(risky); i++)
		assert_true(csv_formula_risk(risky[i]));
	for (size_t i = 0; i < ARRAY_SIZE(safe); i++)
		assert_false(csv_formula_risk(safe[i]));
}

static void names(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"legality", "legality"},
		{"Legality", "legality"},
		{"problems_no_id", "problems_no_id"},
		{"m_x-1", "m_x_1"},
		{"9lives", "v9lives"},
		{"_x", "v_x"},
		{"", "v"},
		{"a b.c", "a_b_c"},
		{"x__", "x"},
		{"a_very_long_item_identifier_that_exceeds_the_limit", "a_very_long_item_identifier_that"},
		{"abcdefghijklmnopqrstuvwxyz01234_6789", "abcdefghijklmnopqrstuvwxyz01234"},
		{"中文", "v"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[EXPORT_NAME_MAX + 1];
		export_name_base(cases[i].in, out);
		assert_string_equal(out, cases[i].out);
		assert_true(strlen(out) <= EXPORT_NAME_MAX);
	}
	static const char *const reserved[] = {"to", "by", "with", "all", "not", "str1", "str2045", "str1a", "str5_2",
	                                       "strl", "if", "in", "int", "long", "using"};
	static const char *const fine[] = {"str", "strx", "str_1", "total", "agency", "into"};
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		assert_true(export_name_reserved(reserved[i]));
	for (size_t i = 0; i < ARRAY_SIZE(fine); i++)
		assert_false(export_name_reserved(fine[i]));
}

static void labels(void **state)
{
	(void)state;
	struct sbuf b;
	sbuf_init(&b);
	export_fit_label("short", 80, 320, &b);
	assert_string_equal(b.data, "short");

	/* 100 Chinese characters: 80 characters at most, ending in "…". */
	char zh[301] = "";
	for (int i = 0; i < 100; i++)
		strcat(zh, "满");
	sbuf_reset(&b);
	export_fit_label(zh, 80, 320, &b);
	assert_int_equal(utf8_length(b.data, b.len), 80);
	assert_memory_equal(b.data + b.len - 3, "\xE2\x80\xA6", 3);
	/* 255 bytes at most, cut at a character. */
	sbuf_reset(&b);
	export_fit_label(zh, SIZE_MAX, 255, &b);
	assert_true(b.len <= 255);
	assert_true(utf8_valid(b.data, b.len));
	assert_memory_equal(b.data + b.len - 3, "\xE2\x80\xA6", 3);
	/* Exactly at the limit: kept whole. */
	sbuf_reset(&b);
	export_fit_label(zh, 100, 300, &b);
	assert_string_equal(b.data, zh);
	sbuf_free(&b);
}

static void formats(void **state)
{
	(void)state;
	enum export_format f;
	assert_true(export_format_parse("csv", &f) && f == EXPORT_CSV);
	assert_true(export_format_parse("dta", &f) && f == EXPORT_DTA);
	assert_false(export_format_parse("xls", &f));
	assert_false(export_format_parse("CSV", &f));
	for (int i = 0; i < EXPORT__MAX; i++) {
		assert_non_null(export_format_name((enum export_format)i));
		assert_non_null(export_content_type((enum export_format)i));
	}
	assert_true(export_format_binary(EXPORT_SAV));
	assert_false(export_format_binary(EXPORT_NDJSON));
	assert_non_null(strstr(export_content_type(EXPORT_CSV), "charset=utf-8"));
}

/* ---- in-process exports of a small database ---- */

struct fixture {
	char path[64];
	struct store *s;
	struct survey *sv;
	char id[2][64];
};

static void add_response(struct fixture *f, int k, const char *const *kv, size_t n)
{
	struct pairs in;
	struct answers a;
	struct answer_errors errs = {.n = 0};
	pairs_init(&in);
	for (size_t i = 0; i + 1 < n; i += 2)
		pairs_add(&in, kv[i], kv[i + 1]);
	assert_true(answers_check(f->sv, &in, false, &a, &errs));
	struct response_meta m = {.survey = "t", .survey_version = 1, .channel = "web",
	                          .agency = "A01", .domain = "market",
	                          .submitted_at = "2022-05-01T02:00:00Z"};
	assert_int_equal(store_response_add(f->s, &m, &a, f->id[k], sizeof f->id[k]), STORE_OK);
	answers_free(&a);
	pairs_free(&in);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char msg[256];
	int v;
	bool created;
	fixture_db_path(f->path, sizeof f->path, "export");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	f->sv = fixture_survey("survey-unit.json");
	assert_int_equal(store_registry_put(f->s, REGISTRY_AGENCY, "A01", "甲", "A", NULL), STORE_OK);
	assert_int_equal(store_registry_put(f->s, REGISTRY_DOMAIN, "market", "市场", "Market", NULL), STORE_OK);
	assert_int_equal(store_survey_put(f->s, f->sv, &v, &created), STORE_OK);
	static const char *const r0[] = {"q", "na", "to", "y", "m", "b", "m", "a", "agency", "=1+1, \"quoted\"\r\nnext"};
	static const char *const r1[] = {"q", "4"};
	add_response(f, 0, r0, ARRAY_SIZE(r0));
	add_response(f, 1, r1, ARRAY_SIZE(r1));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	survey_free(f->sv);
	fixture_db_remove(f->path);
	free(f);
	return 0;
}

struct mem {
	struct sbuf b;
	size_t limit; /* refuse bytes past this */
};

static bool mem_sink(void *ctx, const void *data, size_t n)
{
	struct mem *m = ctx;
	if (m->b.len + n > m->limit)
		return false;
	sbuf_add(&m->b, data, n);
	return true;
}

static enum export_status run(struct fixture *f, enum export_format fmt, bool bom, enum lang l,
                              struct mem *m, char *msg, size_t msglen)
{
	struct export_options o;
	export_options_default(&o);
	o.bom = bom;
	o.lang = l;
	sbuf_init(&m->b);
	if (m->limit == 0)
		m->limit = SIZE_MAX;
	return export_write(f->s, "t", fmt, &o, mem_sink, m, msg, msglen);
}

/*
 * The fixture's CSV export is the fixed columns, the answer columns items
 * (names), the weights; its two rows hold the answers a0 and a1.
 */
static void assert_csv(struct fixture *f, const char *items, const char *a0, const char *a1)
{
	struct mem m = {.limit = 0};
	char msg[512];
	assert_int_equal(run(f, EXPORT_CSV, false, LANG_ZH, &m, msg, sizeof msg), EXPORT_OK);
	/* The weightings other than none have no invitation sample here. */
	assert_non_null(strstr(msg, "weight_base is empty"));
	assert_null(strstr(msg, "older versions"));
	char *expect = xasprintf(
		"response_id,survey_version,channel,submitted_at,agency,domain,size,district,outcome,"
		"date,in_sample,excluded,excluded_reason,%s,"
		"weight_none,weight_base,weight_poststrat,weight_rake,stratum_n\r\n"
		"%s,1,web,2022-05-01T02:00:00Z,A01,market,,,,2022-05-01,0,0,,%s,1,,,,\r\n"
		"%s,1,web,2022-05-01T02:00:00Z,A01,market,,,,2022-05-01,0,0,,%s,1,,,,\r\n",
		items, f->id[0], a0, f->id[1], a1);
	assert_string_equal(m.b.data, expect);
	free(expect);
	sbuf_free(&m.b);
}

static void csv_export(void **state)
{
	struct fixture *f = *state;
	struct mem m = {.limit = 0};
	char msg[512];
	assert_csv(f, "q,v_to,m_a,m_b,agency_2", "na,y,1,1,\"'=1+1, \"\"quoted\"\"\nnext\"", "4,,,,");
	assert_int_equal(run(f, EXPORT_CSV, true, LANG_ZH, &m, msg, sizeof msg), EXPORT_OK);
	assert_memory_equal(m.b.data, "\xEF\xBB\xBFresponse_id,", 15);
	sbuf_free(&m.b);
}

static void json_export(void **state)
{
	struct fixture *f = *state;
	struct mem m = {.limit = 0};
	char msg[512];
	assert_int_equal(run(f, EXPORT_JSON, false, LANG_EN, &m, msg, sizeof msg), EXPORT_OK);
	cJSON *j = cJSON_Parse(m.b.data);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(j), 2);
	cJSON *r0 = cJSON_GetArrayItem(j, 0);
	assert_string_equal(cJSON_GetObjectItem(r0, "response_id")->valuestring, f->id[0]);
	assert_string_equal(cJSON_GetObjectItem(r0, "q")->valuestring, "na");
	assert_string_equal(cJSON_GetObjectItem(r0, "v_to")->valuestring, "y");
	assert_string_equal(cJSON_GetObjectItem(r0, "agency_2")->valuestring, "=1+1, \"quoted\"\nnext");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r0, "weight_base")));
	assert_int_equal(cJSON_GetObjectItem(r0, "weight_none")->valuedouble, 1);
	cJSON *r1 = cJSON_GetArrayItem(j, 1);
	assert_int_equal(cJSON_GetObjectItem(r1, "q")->valueint, 4);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "m_a")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r1, "district")));
	cJSON_Delete(j);
	sbuf_free(&m.b);

	assert_int_equal(run(f, EXPORT_NDJSON, false, LANG_ZH, &m, msg, sizeof msg), EXPORT_OK);
	char *nl = strchr(m.b.data, '\n');
	assert_non_null(nl);
	assert_int_equal(strchr(nl + 1, '\n') - m.b.data + 1, (long)m.b.len);
	sbuf_free(&m.b);
}

static void binary_exports(void **state)
{
	struct fixture *f = *state;
	static const struct {
		enum export_format f;
		const char *magic;
		size_t n;
	} cases[] = {
		{EXPORT_XLSX, "PK\x03\x04", 4},
		{EXPORT_SAV, "$FL2", 4},
		{EXPORT_DTA, "<stata_dta>", 11},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int l = 0; l < LANG__MAX; l++) {
			struct mem m = {.limit = 0};
			char msg[512];
			assert_int_equal(run(f, cases[i].f, false, (enum lang)l, &m, msg, sizeof msg), EXPORT_OK);
			assert_true(m.b.len > cases[i].n);
			assert_memory_equal(m.b.data, cases[i].magic, cases[i].n);
			sbuf_free(&m.b);
		}
	}
}

/*
 * Version 2 drops the items "to" and "agency" and the option m=a, adds the
 * option m=c and the item n: the columns are version 2's, then what only
 * version 1 had, so version 1's answers stay.
 */
static const char def2[] =
	"{\"id\":\"t\",\"version\":2,\"audience\":\"public\","
	"\"title\":{\"zh\":\"题\",\"en\":\"T\"},\"intro\":{\"zh\":\"介\",\"en\":\"I\"},"
	"\"scale\":{\"points\":5,\"satisfied\":[4,5],\"labels\":{"
	"\"zh\":[\"很差\",\"差\",\"一般\",\"好\",\"很好\"],\"en\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}},"
	"\"items\":["
	"{\"id\":\"q\",\"type\":\"scale\",\"text\":{\"zh\":\"问\",\"en\":\"Q\"},\"allow_na\":true,"
	" \"index_weight\":1},"
	"{\"id\":\"m\",\"type\":\"multi\",\"text\":{\"zh\":\"多\",\"en\":\"M\"},"
	" \"options\":[{\"value\":\"b\",\"text\":{\"zh\":\"乙\",\"en\":\"B\"}},"
	"             {\"value\":\"c\",\"text\":{\"zh\":\"丙\",\"en\":\"C\"}}]},"
	"{\"id\":\"n\",\"type\":\"scale\",\"text\":{\"zh\":\"新\",\"en\":\"N\"}}]}";

static void older_versions(void **state)
{
	struct fixture *f = *state;
	struct survey *v2 = NULL;
	char msg[512];
	int v;
	bool created;
	assert_int_equal(survey_parse("t", def2, strlen(def2), &v2, msg, sizeof msg), SURVEY_OK);
	assert_int_equal(store_survey_put(f->s, v2, &v, &created), STORE_OK);
	assert_int_equal(v, 2);
	survey_free(v2);
	assert_csv(f, "q,m_b,m_c,m_a,n,v_to,agency_2",
	           "na,1,0,1,,y,\"'=1+1, \"\"quoted\"\"\nnext\"", "4,,,,,,");
	struct mem m = {.limit = 0};
	/* SPSS and Stata: the scale with and without "not applicable", the old choice item. */
	for (int fmt = EXPORT_XLSX; fmt <= EXPORT_DTA; fmt++) {
		assert_int_equal(run(f, (enum export_format)fmt, false, LANG_EN, &m, msg, sizeof msg), EXPORT_OK);
		assert_null(strstr(msg, "older versions"));
		sbuf_free(&m.b);
	}
}

/* The JSON export of f's survey over [from, to] (NULL: open), parsed. */
static cJSON *json_of(struct fixture *f, const char *from, const char *to)
{
	struct export_options o;
	struct mem m = {.limit = SIZE_MAX};
	char msg[512];
	export_options_default(&o);
	o.from = from;
	o.to = to;
	sbuf_init(&m.b);
	assert_int_equal(export_write(f->s, "t", EXPORT_JSON, &o, mem_sink, &m, msg, sizeof msg), EXPORT_OK);
	cJSON *j = cJSON_Parse(m.b.data);
	assert_non_null(j);
	sbuf_free(&m.b);
	return j;
}

/*
 * The design columns: date (the encounter's, not the submission's),
 * in_sample, and stratum_n = the agency's encounters in the period.
 */
static void design_columns(void **state)
{
	struct fixture *f = *state;
	static const char *const when[] = {"2022-03-01", "2022-04-10", "2022-06-01"};
	for (size_t i = 0; i < ARRAY_SIZE(when); i++) {
		struct encounter e = {.size = "small", .district = "d"};
		snprintf(e.id, sizeof e.id, "E%zu", i);
		snprintf(e.agency, sizeof e.agency, "A01");
		snprintf(e.domain, sizeof e.domain, "market");
		snprintf(e.occurred_on, sizeof e.occurred_on, "%s", when[i]);
		assert_int_equal(store_encounter_add(f->s, &e), STORE_OK);
	}
	struct pairs in;
	struct answers a;
	struct answer_errors errs = {.n = 0};
	char id[64];
	pairs_init(&in);
	pairs_add(&in, "q", "5");
	assert_true(answers_check(f->sv, &in, false, &a, &errs));
	struct response_meta m = {.survey = "t", .survey_version = 1, .channel = "phone",
	                          .encounter = "E0", .agency = "A01", .domain = "market",
	                          .size = "small", .submitted_at = "2022-05-01T20:00:00Z"};
	assert_int_equal(store_response_add(f->s, &m, &a, id, sizeof id), STORE_OK);
	answers_free(&a);
	pairs_free(&in);

	cJSON *j = json_of(f, NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(j), 3);
	cJSON *pub = cJSON_GetArrayItem(j, 0), *inv = cJSON_GetArrayItem(j, 2);
	assert_string_equal(cJSON_GetObjectItem(pub, "date")->valuestring, "2022-05-01");
	assert_int_equal(cJSON_GetObjectItem(pub, "in_sample")->valueint, 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(pub, "stratum_n")));
	assert_string_equal(cJSON_GetObjectItem(inv, "date")->valuestring, "2022-03-01");
	assert_int_equal(cJSON_GetObjectItem(inv, "in_sample")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(inv, "stratum_n")->valueint, 3);
	assert_true(cJSON_GetObjectItem(inv, "weight_base")->valuedouble == 3.0);
	cJSON_Delete(j);

	/* A period: only its responses, N_h of its encounters. */
	j = json_of(f, "2022-01-01", "2022-04-30");
	assert_int_equal(cJSON_GetArraySize(j), 1);
	inv = cJSON_GetArrayItem(j, 0);
	assert_string_equal(cJSON_GetObjectItem(inv, "response_id")->valuestring, id);
	assert_int_equal(cJSON_GetObjectItem(inv, "stratum_n")->valueint, 2);
	assert_true(cJSON_GetObjectItem(inv, "weight_base")->valuedouble == 2.0);
	cJSON_Delete(j);

	/* Dated by its encounter, not by its submission (2 May in UTC+8). */
	j = json_of(f, "2022-05-02", "2022-05-02");
	assert_int_equal(cJSON_GetArraySize(j), 0);
	cJSON_Delete(j);
}

/* Pages of GET /api/v1/responses: the cursor walks the responses in order. */
static void pages(void **state)
{
	struct fixture *f = *state;
	struct export_filter flt = {.limit = 1};
	struct sbuf b;
	char msg[512];
	sbuf_init(&b);
	assert_int_equal(export_page(f->s, "t", &flt, LANG_ZH, &b, msg, sizeof msg), EXPORT_OK);
	cJSON *j = cJSON_Parse(b.data);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "survey")->valuestring, "t");
	cJSON *rows = cJSON_GetObjectItem(j, "responses");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	cJSON *r0 = cJSON_GetArrayItem(rows, 0);
	assert_string_equal(cJSON_GetObjectItem(r0, "response_id")->valuestring, f->id[0]);
	assert_null(cJSON_GetObjectItem(r0, "weight_none")); /* weights belong to the export */
	assert_null(cJSON_GetObjectItem(r0, "stratum_n"));   /* so does N_h */
	assert_string_equal(cJSON_GetObjectItem(r0, "date")->valuestring, "2022-05-01");
	assert_int_equal(cJSON_GetObjectItem(r0, "in_sample")->valueint, 0);
	assert_string_equal(cJSON_GetObjectItem(j, "next_cursor")->valuestring, f->id[0]);
	cJSON_Delete(j);

	sbuf_reset(&b);
	flt.after = f->id[0];
	assert_int_equal(export_page(f->s, "t", &flt, LANG_ZH, &b, msg, sizeof msg), EXPORT_OK);
	j = cJSON_Parse(b.data);
	assert_non_null(j);
	rows = cJSON_GetObjectItem(j, "responses");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "response_id")->valuestring,
	                    f->id[1]);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "next_cursor")));
	cJSON_Delete(j);

	/* Filters: nothing matches another agency; the page is still well formed. */
	sbuf_reset(&b);
	flt = (struct export_filter){.limit = 10, .agency = "A99"};
	assert_int_equal(export_page(f->s, "t", &flt, LANG_ZH, &b, msg, sizeof msg), EXPORT_OK);
	j = cJSON_Parse(b.data);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "responses")), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "next_cursor")));
	cJSON_Delete(j);

	sbuf_reset(&b);
	flt = (struct export_filter){.limit = 10, .after = "no-such-response"};
	assert_int_equal(export_page(f->s, "t", &flt, LANG_ZH, &b, msg, sizeof msg), EXPORT_BAD_QUERY);
	assert_non_null(strstr(msg, "cursor"));
	sbuf_free(&b);
}

static void refusals(void **state)
{
	struct fixture *f = *state;
	struct export_options o;
	struct mem m = {.limit = SIZE_MAX};
	char msg[512];
	export_options_default(&o);
	sbuf_init(&m.b);
	assert_int_equal(export_write(f->s, "nope", EXPORT_CSV, &o, mem_sink, &m, msg, sizeof msg),
	                 EXPORT_BAD_QUERY);
	assert_non_null(strstr(msg, "unknown survey"));
	assert_int_equal(m.b.len, 0);
	o.bom = true;
	assert_int_equal(export_write(f->s, "t", EXPORT_JSON, &o, mem_sink, &m, msg, sizeof msg),
	                 EXPORT_BAD_QUERY);
	sbuf_free(&m.b);

	/* A sink that gives up part way: every format stops cleanly. */
	for (int fmt = 0; fmt < EXPORT__MAX; fmt++) {
		for (size_t limit = 0; limit < 3000; limit += 700) {
			struct mem cut = {.limit = limit ? limit : 1};
			enum export_status st = run(f, (enum export_format)fmt, false, LANG_ZH, &cut, msg, sizeof msg);
			assert_true(st == EXPORT_WRITE || (st == EXPORT_OK && cut.b.len <= cut.limit));
			sbuf_free(&cut.b);
		}
	}
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_text),
		cmocka_unit_test(formula_risk),
		cmocka_unit_test(names),
		cmocka_unit_test(labels),
		cmocka_unit_test(formats),
		cmocka_unit_test_setup_teardown(csv_export, setup, teardown),
		cmocka_unit_test_setup_teardown(json_export, setup, teardown),
		cmocka_unit_test_setup_teardown(binary_exports, setup, teardown),
		cmocka_unit_test_setup_teardown(older_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(design_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(pages, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
