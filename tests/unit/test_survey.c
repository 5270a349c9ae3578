/*
 * test_survey — survey definitions and answers.
 *
 * Definitions: the shipped surveys load; a table of broken definitions,
 * each made by one edit of a valid base document, is rejected with a
 * message naming the file, the item and the rule; broken files under
 * tests/data/surveys-bad/ are rejected by survey_load_file().
 * Answers: a table of inputs for answers_check() with the errors expected,
 * then the checked values themselves (NA, choices, multi bitmasks, text
 * normalisation).  Run from the repository root.
 */
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

#include "survey.h"
#include "util.h"

#define assert_has(hay, needle) do { \
	if (strstr((hay), (needle)) == NULL) \
		fail_msg("\"%s\" lacks \"%s\"", (hay), (needle)); \
} while (0)

/* ---- definitions ------------------------------------------------------- */

/* A valid definition every broken case starts from. */
static const char base_json[] =
	"{\"id\": \"test-survey\", \"version\": 1, \"audience\": \"enterprise\","
	" \"title\": {\"zh\": \"执法满意度调查\", \"en\": \"Enforcement survey\"},"
	" \"intro\": {\"zh\": \"由第三方独立开展。\", \"en\": \"Run by an independent third party.\"},"
	" \"scale\": {\"points\": 5, \"satisfied\": [4, 5],"
	"   \"labels\": {\"zh\": [\"非常不满意\",\"不满意\",\"基本满意\",\"满意\",\"非常满意\"],"
	"              \"en\": [\"Very dissatisfied\",\"Dissatisfied\",\"Neutral\",\"Satisfied\",\"Very satisfied\"]}},"
	" \"items\": ["
	"  {\"id\": \"legality\", \"type\": \"scale\", \"required\": true, \"allow_na\": true,"
	"   \"index_weight\": 1.5, \"text\": {\"zh\": \"依法执法\", \"en\": \"Lawful\"}},"
	"  {\"id\": \"overall\", \"type\": \"scale\", \"text\": {\"zh\": \"总体\", \"en\": \"Overall\"}},"
	"  {\"id\": \"impact\", \"type\": \"choice\", \"required\": true,"
	"   \"text\": {\"zh\": \"影响\", \"en\": \"Impact\"},"
	"   \"options\": [{\"value\": \"none\", \"text\": {\"zh\": \"没有\", \"en\": \"None\"}},"
	"                 {\"value\": \"some\", \"text\": {\"zh\": \"有些\", \"en\": \"Some\"}}]},"
	"  {\"id\": \"problems\", \"type\": \"multi\","
	"   \"text\": {\"zh\": \"问题\", \"en\": \"Problems\"},"
	"   \"options\": [{\"value\": \"slow\", \"text\": {\"zh\": \"拖延\", \"en\": \"Delay\"}},"
	"                 {\"value\": \"rude\", \"text\": {\"zh\": \"态度差\", \"en\": \"Rude\"}},"
	"                 {\"value\": \"fees-x_1\", \"text\": {\"zh\": \"乱收费\", \"en\": \"Fees\"}}]},"
	"  {\"id\": \"comment\", \"type\": \"text\", \"max_length\": 500,"
	"   \"text\": {\"zh\": \"意见\", \"en\": \"Comments\"}},"
	"  {\"id\": \"other\", \"type\": \"text\", \"text\": {\"zh\": \"其他\", \"en\": \"Other\"}}"
	" ]}";

/*
 * Apply one edit to doc.  path is dot-separated ("items.0.type"; numbers
 * index arrays); a leading '-' deletes the member, a leading '+' appends a
 * second member of that name; otherwise the member is set to json.
 */
static void edit(cJSON *doc, const char *path, const char *json)
{
	char *p = xstrdup(path + (path[0] == '-' || path[0] == '+'));
	char *seg = p, *dot;
	cJSON *cur = doc, *v = NULL;

	while ((dot = strchr(seg, '.')) != NULL) {
		*dot = '\0';
		cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(seg))
		                         : cJSON_GetObjectItemCaseSensitive(cur, seg);
		assert_non_null(cur);
		seg = dot + 1;
	}
	if (path[0] == '-') {
		if (cJSON_IsArray(cur))
			cJSON_DeleteItemFromArray(cur, atoi(seg));
		else
			cJSON_DeleteItemFromObjectCaseSensitive(cur, seg);
		free(p);
		return;
	}
	v = cJSON_Parse(json);
	assert_non_null(v);
	if (cJSON_IsArray(cur))
		assert_true(cJSON_ReplaceItemInArray(cur, atoi(seg), v));
	else if (path[0] != '+' && cJSON_GetObjectItemCaseSensitive(cur, seg) != NULL)
		assert_true(cJSON_ReplaceItemInObjectCaseSensitive(cur, seg, v));
	else
		assert_true(cJSON_AddItemToObject(cur, seg, v));
	free(p);
}

/* The document base with one edit, as text.  Caller frees. */
static char *edited_from(const char *base, const char *path, const char *json)
{
	cJSON *doc = cJSON_Parse(base);
	char *out, *copy;

	assert_non_null(doc);
	edit(doc, path, json);
	out = cJSON_PrintUnformatted(doc);
	copy = xstrdup(out);
	cJSON_free(out);
	cJSON_Delete(doc);
	return copy;
}

/* The base document with one edit, as text.  Caller frees. */
static char *edited(const char *path, const char *json)
{
	return edited_from(base_json, path, json);
}

/* Parse text as "bad.json"; assert a RULE error whose message has want[]. */
static void expect_rule(const char *text, const char *const *want, size_t nwant)
{
	struct survey *s = (struct survey *)1;
	char msg[512];
	enum survey_err e = survey_parse("bad.json", text, strlen(text), &s, msg, sizeof(msg));

	if (e != SURVEY_ERR_RULE)
		fail_msg("expected a rule error, got %d (%s) for %s", e, msg, text);
	assert_null(s);
	assert_true(strncmp(msg, "bad.json: ", 10) == 0);
	assert_null(strchr(msg, '\n'));
	assert_true(utf8_valid(msg, strlen(msg)));
	for (size_t i = 0; i < nwant && want[i] != NULL; i++)
		assert_has(msg, want[i]);
}

static void base_is_valid(void **state)
{
	struct survey *s = NULL;
	const struct item *it;
	char msg[256] = "junk";

	(void)state;
	assert_int_equal(survey_parse("base.json", base_json, strlen(base_json), &s, msg, sizeof(msg)),
	                 SURVEY_OK);
	assert_string_equal(msg, "");
	assert_string_equal(s->id, "test-survey");
	assert_int_equal(s->version, 1);
	assert_int_equal(s->audience, AUDIENCE_ENTERPRISE);
	assert_string_equal(s->title.s[LANG_ZH], "执法满意度调查");
	assert_string_equal(s->intro.s[LANG_EN], "Run by an independent third party.");
	assert_int_equal(s->points, 5);
	for (int v = 0; v <= SURVEY_MAX_POINTS; v++)
		assert_int_equal(s->satisfied[v], v == 4 || v == 5);
	assert_string_equal(s->labels[LANG_ZH][0], "非常不满意");
	assert_string_equal(s->labels[LANG_EN][4], "Very satisfied");
	assert_int_equal(s->nitems, 6);

	it = survey_item(s, "legality");
	assert_ptr_equal(it, &s->items[0]);
	assert_int_equal(it->type, ITEM_SCALE);
	assert_true(it->required && it->allow_na);
	assert_true(it->index_weight == 1.5);
	it = survey_item(s, "overall");
	assert_false(it->required || it->allow_na);
	assert_true(it->index_weight == 0);
	it = survey_item(s, "problems");
	assert_int_equal(it->type, ITEM_MULTI);
	assert_int_equal(it->noptions, 3);
	assert_int_equal(item_option(it, "fees-x_1"), 2);
	assert_int_equal(item_option(it, "slow"), 0);
	assert_int_equal(item_option(it, "Slow"), -1);
	assert_string_equal(it->options[1].text.s[LANG_ZH], "态度差");
	assert_int_equal(survey_item(s, "comment")->max_length, 500);
	assert_int_equal(survey_item(s, "other")->max_length, SURVEY_TEXT_DEFAULT_MAX);
	assert_null(survey_item(s, "nope"));
	assert_null(survey_item(s, ""));
	survey_free(s);
	survey_free(NULL);
}

/* The canonical form ignores layout but not content. */
static void canonical_form(void **state)
{
	struct survey *a = NULL, *b = NULL, *c = NULL;
	cJSON *doc = cJSON_Parse(base_json);
	char *pretty = cJSON_Print(doc), *changed = edited("version", "2");
	char msg[256];

	(void)state;
	assert_int_equal(survey_parse("a", base_json, strlen(base_json), &a, msg, sizeof(msg)), SURVEY_OK);
	assert_int_equal(survey_parse("b", pretty, strlen(pretty), &b, msg, sizeof(msg)), SURVEY_OK);
	assert_int_equal(survey_parse("c", changed, strlen(changed), &c, msg, sizeof(msg)), SURVEY_OK);
	assert_string_equal(a->canonical, b->canonical);
	assert_string_not_equal(a->canonical, c->canonical);
	assert_null(strchr(a->canonical, '\n'));
	assert_non_null(strstr(a->canonical, "\"id\":\"test-survey\""));
	survey_free(a);
	survey_free(b);
	survey_free(c);
	free(changed);
	cJSON_free(pretty);
	cJSON_Delete(doc);
}

static const struct bad_case {
	const char *path;
	const char *json;
	const char *want[3];
} bad_cases[] = {
	/* top level */
	{"id", "\"Test_Survey\"", {"\"id\": ", "[a-z0-9-]{1,64}"}},
	{"id", "\"\"", {"\"id\"", "must match"}},
	{"id", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", {"\"id\"", "match"}},
	{"-id", NULL, {"\"id\"", "required"}},
	{"version", "0", {"\"version\"", "integer >= 1"}},
	{"version", "4.5", {"\"version\"", "integer"}},
	{"version", "\"1\"", {"\"version\"", "integer"}},
	{"-version", NULL, {"\"version\"", "required"}},
	{"audience", "\"business\"", {"\"audience\"", "\"enterprise\", \"public\" or \"reviewer\""}},
	{"items.0.type", "\"points\"", {"item \"legality\": type", "only allowed in a reviewer rubric"}},
	{"items.0.type", "\"flag\"", {"item \"legality\": type", "only allowed in a reviewer rubric"}},
	{"items.4.max", "10", {"item \"comment\": max", "only allowed on points items"}},
	{"-audience", NULL, {"\"audience\"", "required"}},
	{"title", "{\"zh\": \"标题\"}", {"\"title.en\"", "non-empty string"}},
	{"title", "\"标题\"", {"\"title\"", "must be an object"}},
	{"intro.en", "\"\"", {"\"intro.en\"", "non-empty"}},
	{"intro.zh", "7", {"\"intro.zh\"", "non-empty string"}},
	{"-intro", NULL, {"\"intro\"", "required"}},
	{"title.fr", "\"Titre\"", {"\"title\"", "unknown member \"fr\""}},
	{"title.zh", "\"\xff\xfe\"", {"\"title.zh\"", "UTF-8"}},
	{"surveyid", "\"x\"", {"unknown member \"surveyid\""}},
	{"+version", "2", {"member \"version\" appears more than once"}},
	/* scale */
	{"scale", "5", {"\"scale\"", "must be an object"}},
	{"scale.points", "1", {"\"scale.points\"", "integer in 2..11"}},
	{"scale.points", "12", {"\"scale.points\"", "2..11"}},
	{"scale.points", "4.5", {"\"scale.points\"", "integer"}},
	{"-scale.points", NULL, {"\"scale.points\"", "required"}},
	{"scale.satisfied", "[4, 4]", {"\"scale.satisfied\"", "distinct integers in 1..5"}},
	{"scale.satisfied", "[6]", {"\"scale.satisfied\"", "1..5"}},
	{"scale.satisfied", "[0]", {"\"scale.satisfied\"", "1..5"}},
	{"scale.satisfied", "[4.5]", {"\"scale.satisfied\"", "integers"}},
	{"scale.satisfied", "[]", {"\"scale.satisfied\"", "non-empty array"}},
	{"scale.satisfied", "5", {"\"scale.satisfied\"", "array"}},
	{"scale.labels.zh", "[\"a\", \"b\"]", {"\"scale.labels.zh\"", "exactly 5 non-empty strings"}},
	{"scale.labels.en.2", "\"\"", {"\"scale.labels.en\"", "non-empty strings"}},
	{"scale.labels.en.2", "3", {"\"scale.labels.en\"", "strings"}},
	{"scale.labels.zh.0", "\"\xed\xa0\x80\"", {"\"scale.labels.zh\"", "UTF-8"}},
	{"-scale.labels.en", NULL, {"\"scale.labels.en\"", "exactly 5"}},
	{"scale.labels.de", "[]", {"\"scale.labels\"", "unknown member \"de\""}},
	{"scale.pionts", "5", {"\"scale\"", "unknown member \"pionts\""}},
	/* items */
	{"items", "[]", {"\"items\"", "non-empty array"}},
	{"items", "{}", {"\"items\"", "array"}},
	{"-items", NULL, {"\"items\"", "required"}},
	{"items.4", "\"comment\"", {"items[4]: ", "must be an object"}},
	{"items.0.id", "\"Legality\"", {"items[0]: id", "[a-z][a-z0-9_]{0,63}"}},
	{"items.0.id", "\"1st\"", {"items[0]: id", "must match"}},
	{"-items.2.id", NULL, {"items[2]: id", "required"}},
	{"items.1.id", "\"legality\"", {"item \"legality\": id", "unique"}},
	{"items.0.type", "\"slider\"", {"item \"legality\": type", "one of scale, choice, multi, text"}},
	{"-items.0.type", NULL, {"item \"legality\": type", "required"}},
	{"items.0.text.en", "\"\"", {"item \"legality\": text.en", "non-empty"}},
	{"-items.0.text", NULL, {"item \"legality\": text", "required"}},
	{"items.1.text.zh", "\"\xc0\xaf\"", {"item \"overall\": text.zh", "UTF-8"}},
	{"items.0.required", "\"yes\"", {"item \"legality\": required", "true or false"}},
	{"items.0.requried", "true", {"item \"legality\": ", "unknown member \"requried\""}},
	{"items.0.allow_na", "1", {"item \"legality\": allow_na", "true or false"}},
	{"items.2.allow_na", "true", {"item \"impact\": allow_na", "only allowed on scale"}},
	{"items.0.index_weight", "-1", {"item \"legality\": index_weight must be a number >= 0"}},
	{"items.0.index_weight", "\"1\"", {"item \"legality\": index_weight", "number >= 0"}},
	{"items.0.index_weight", "null", {"item \"legality\": index_weight", "number"}},
	{"items.4.index_weight", "1", {"item \"comment\": index_weight", "only allowed on scale"}},
	{"-items.2.options", NULL, {"item \"impact\": options", "required"}},
	{"items.2.options", "[]", {"item \"impact\": options", "non-empty array"}},
	{"items.3.options", "{}", {"item \"problems\": options", "array"}},
	{"items.0.options", "[{\"value\": \"a\", \"text\": {\"zh\": \"甲\", \"en\": \"A\"}}]",
	 {"item \"legality\": options", "only allowed on choice and multi"}},
	{"items.2.options.1", "\"some\"", {"item \"impact\": options[1]", "object"}},
	{"items.2.options.1.value", "\"Some Value\"", {"item \"impact\": options[1].value", "[a-z0-9_-]{1,64}"}},
	{"-items.2.options.1.value", NULL, {"item \"impact\": options[1].value", "required"}},
	{"items.3.options.1.value", "\"slow\"", {"item \"problems\": options[1].value", "unique"}},
	{"items.3.options.0.text", "{\"zh\": \"拖延\"}", {"item \"problems\": options[0].text.en", "non-empty"}},
	{"items.3.options.0.label", "\"x\"", {"item \"problems\": options[0]", "unknown member \"label\""}},
	{"items.2.options.0.exclusive", "true", {"item \"impact\": options[0].exclusive", "only allowed on the options of multi"}},
	{"items.3.options.0.exclusive", "1", {"item \"problems\": options[0].exclusive", "true or false"}},
	{"items.4.max_length", "0", {"item \"comment\": max_length", "integer in 1..20000"}},
	{"items.4.max_length", "20001", {"item \"comment\": max_length", "1..20000"}},
	{"items.4.max_length", "10.5", {"item \"comment\": max_length", "integer"}},
	{"items.0.max_length", "10", {"item \"legality\": max_length", "only allowed on text"}},
	{"items.0.type", "\"text\"", {"item \"legality\": allow_na", "only allowed on scale"}},
};

static void bad_definitions(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		char *text = edited(c->path, c->json);

		expect_rule(text, c->want, ARRAY_SIZE(c->want));
		free(text);
	}
}

/* Texts that are not JSON, or not an object, or have junk around it. */
static void syntax_errors(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		enum survey_err want;
	} cases[] = {
		{"", 0, SURVEY_ERR_SYNTAX},
		{"{", 1, SURVEY_ERR_SYNTAX},
		{"not json", 8, SURVEY_ERR_SYNTAX},
		{"{}x", 3, SURVEY_ERR_SYNTAX},
		{"{}\0{}", 5, SURVEY_ERR_SYNTAX},
		{"{\"a\":\n1,}", 9, SURVEY_ERR_SYNTAX},
		{"[1, 2]", 6, SURVEY_ERR_RULE},
		{"\"id\"", 4, SURVEY_ERR_RULE},
		{"{}", 2, SURVEY_ERR_RULE},
		{"{\"version\": 1e400}", 18, SURVEY_ERR_RULE},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct survey *s = (struct survey *)1;
		char msg[256];

		assert_int_equal(survey_parse("x.json", cases[i].text, cases[i].len, &s, msg, sizeof(msg)),
		                 cases[i].want);
		assert_null(s);
		assert_has(msg, "x.json: ");
		if (cases[i].want == SURVEY_ERR_SYNTAX)
			assert_has(msg, "JSON");
	}
}

/* Numbers too large for a double are not numbers >= 0 or integers. */
static void infinite_numbers(void **state)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{"\"index_weight\": 1.5", "\"index_weight\": 1e400", "index_weight must be a number >= 0"},
		{"\"index_weight\": 1.5", "\"index_weight\": -1e400", "index_weight must be a number >= 0"},
		{"\"version\": 1", "\"version\": 1e400", "\"version\": must be an integer >= 1"},
		{"\"max_length\": 500", "\"max_length\": 1e400", "max_length must be an integer"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *at = strstr(base_json, cases[i].from);
		struct sbuf b;
		const char *want[1] = {cases[i].want};

		assert_non_null(at);
		sbuf_init(&b);
		sbuf_add(&b, base_json, (size_t)(at - base_json));
		sbuf_adds(&b, cases[i].to);
		sbuf_adds(&b, at + strlen(cases[i].from));
		expect_rule(b.data, want, 1);
		sbuf_free(&b);
	}
}

/* Messages are cut to the buffer at a code point boundary. */
static void message_truncation(void **state)
{
	char *text = edited("title.zh", "\"\"");
	struct survey *s;
	char msg[200];

	(void)state;
	for (size_t n = 1; n < 40; n++) {
		memset(msg, 'X', sizeof(msg));
		assert_int_equal(survey_parse("调查问卷.json", text, strlen(text), &s, msg, n), SURVEY_ERR_RULE);
		assert_true(strlen(msg) < n);
		assert_true(utf8_valid(msg, strlen(msg)));
	}
	free(text);
}

/* A document with n items or, with options, one multi item of n options. */
static char *many(size_t n, bool options)
{
	cJSON *doc = cJSON_Parse(base_json), *items, *arr;
	char *out, *copy;

	items = cJSON_CreateArray();
	arr = options ? cJSON_CreateArray() : items;
	for (size_t i = 0; i < n; i++) {
		char buf[200];

		if (options)
			snprintf(buf, sizeof(buf),
			         "{\"value\": \"o%zu\", \"text\": {\"zh\": \"选项\", \"en\": \"Option\"}}", i);
		else
			snprintf(buf, sizeof(buf),
			         "{\"id\": \"q%zu\", \"type\": \"scale\", \"text\": {\"zh\": \"题\", \"en\": \"Q\"}}", i);
		cJSON_AddItemToArray(arr, cJSON_Parse(buf));
	}
	if (options) {
		cJSON *it = cJSON_Parse("{\"id\": \"m\", \"type\": \"multi\", \"text\": {\"zh\": \"多\", \"en\": \"M\"}}");
		cJSON_AddItemToObject(it, "options", arr);
		cJSON_AddItemToArray(items, it);
	}
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "items", items);
	out = cJSON_PrintUnformatted(doc);
	copy = xstrdup(out);
	cJSON_free(out);
	cJSON_Delete(doc);
	return copy;
}

/* SURVEY_MAX_ITEMS and SURVEY_MAX_OPTIONS are allowed, one more is not. */
static void limits(void **state)
{
	static const char *const want_items[] = {"\"items\"", "at most 200"};
	static const char *const want_opts[] = {"item \"m\": options", "at most 64"};
	struct survey *s = NULL;
	struct answers ans = {0};
	struct answer_errors errs;
	struct pairs p;
	char msg[256], *text;

	(void)state;
	text = many(SURVEY_MAX_ITEMS, false);
	assert_int_equal(survey_parse("x", text, strlen(text), &s, msg, sizeof(msg)), SURVEY_OK);
	assert_int_equal(s->nitems, SURVEY_MAX_ITEMS);
	survey_free(s);
	free(text);
	text = many(SURVEY_MAX_ITEMS + 1, false);
	expect_rule(text, want_items, 2);
	free(text);

	text = many(SURVEY_MAX_OPTIONS, true);
	assert_int_equal(survey_parse("x", text, strlen(text), &s, msg, sizeof(msg)), SURVEY_OK);
	assert_int_equal(s->items[0].noptions, SURVEY_MAX_OPTIONS);
	/* The last option is the top bit of the mask. */
	pairs_init(&p);
	pairs_add(&p, "m", "o63");
	pairs_add(&p, "m", "o0");
	assert_true(answers_check(s, &p, false, &ans, &errs));
	assert_true(ans.a[0].multi == ((1ULL << 63) | 1ULL));
	answers_free(&ans);
	pairs_free(&p);
	survey_free(s);
	free(text);
	text = many(SURVEY_MAX_OPTIONS + 1, true);
	expect_rule(text, want_opts, 2);
	free(text);
}

/* Both shipped definitions load and have the items the reports use. */
static void shipped_surveys(void **state)
{
	static const char *const files[] = {
		"surveys/enforcement-enterprise.json",
		"surveys/enforcement-public.json",
	};
	static const char *const dims[] = {
		"legality", "procedure", "fairness", "civility", "efficiency",
		"transparency", "integrity", "disruption",
	};
	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		struct survey *s = NULL;
		const struct item *it;
		char msg[512];

		if (survey_load_file(files[f], &s, msg, sizeof(msg)) != SURVEY_OK)
			fail_msg("%s", msg);
		assert_string_equal(s->id, f == 0 ? "enforcement-enterprise" : "enforcement-public");
		assert_int_equal(s->audience, f == 0 ? AUDIENCE_ENTERPRISE : AUDIENCE_PUBLIC);
		assert_int_equal(s->version, 1);
		assert_int_equal(s->points, 5);
		assert_true(s->satisfied[4] && s->satisfied[5] && !s->satisfied[3]);
		assert_string_equal(s->labels[LANG_ZH][2], "基本满意");
		assert_string_equal(s->labels[LANG_EN][2], "Fairly satisfied");
		assert_has(s->intro.s[LANG_ZH], "第三方");
		assert_has(s->intro.s[LANG_ZH], "匿名");
		assert_has(s->intro.s[LANG_EN], "independent third-party");
		assert_has(s->intro.s[LANG_EN], "anonymous");
		for (size_t i = 0; i < ARRAY_SIZE(dims); i++) {
			it = survey_item(s, dims[i]);
			assert_non_null(it);
			assert_int_equal(it->type, ITEM_SCALE);
			assert_true(it->required && it->allow_na && it->index_weight == 1);
		}
		it = survey_item(s, "overall");
		assert_true(it->type == ITEM_SCALE && it->required && !it->allow_na && it->index_weight == 0);
		it = survey_item(s, "encounter_type");
		assert_true(it->type == ITEM_CHOICE && it->noptions >= 4);
		assert_true(item_option(it, "other") >= 0);
		it = survey_item(s, "problems");
		assert_true(it->type == ITEM_MULTI && it->noptions >= 8);
		assert_true(item_option(it, "no_id") >= 0 && item_option(it, "none") >= 0);
		/* "None of the above" stands alone. */
		assert_true(it->options[item_option(it, "none")].exclusive);
		assert_false(it->options[item_option(it, "rude")].exclusive);
		{
			struct pairs in;
			struct answers out = {0};
			struct answer_errors errs = {.n = 0};
			pairs_init(&in);
			pairs_add(&in, "overall", "4");
			pairs_add(&in, "problems", "none");
			pairs_add(&in, "problems", "rude");
			assert_false(answers_check(s, &in, false, &out, &errs));
			assert_int_equal(answer_errors_for(&errs, "problems"), ANSWER_EXCLUSIVE);
			answers_free(&out);
			pairs_free(&in);
			pairs_init(&in);
			pairs_add(&in, "overall", "4");
			pairs_add(&in, "problems", "none");
			answers_check(s, &in, false, &out, &errs);
			assert_int_equal(answer_errors_for(&errs, "problems"), ANSWER_OK);
			answers_free(&out);
			pairs_free(&in);
		}
		it = survey_item(s, "comment");
		assert_true(it->type == ITEM_TEXT && it->max_length == 2000);
		assert_int_equal(s->nitems, 12);
		survey_free(s);
	}
}

/* survey_load_file() on broken files, a missing file and a huge file. */
static void bad_files(void **state)
{
	static const struct {
		const char *path;
		enum survey_err want;
		const char *needle[2];
	} cases[] = {
		{"tests/data/surveys-bad/unknown-type.json", SURVEY_ERR_RULE,
		 {"item \"civility\": type", "one of scale"}},
		{"tests/data/surveys-bad/duplicate-item.json", SURVEY_ERR_RULE,
		 {"item \"procedure\": id", "unique"}},
		{"tests/data/surveys-bad/bad-weight.json", SURVEY_ERR_RULE,
		 {"item \"fairness\": index_weight", ">= 0"}},
		{"tests/data/surveys-bad/typo-member.json", SURVEY_ERR_RULE,
		 {"item \"procedure\": ", "unknown member \"requried\""}},
		{"tests/data/surveys-bad/duplicate-option.json", SURVEY_ERR_RULE,
		 {"item \"problems\": options[3].value", "unique"}},
		{"tests/data/surveys-bad/bad-satisfied.json", SURVEY_ERR_RULE,
		 {"\"scale.satisfied\"", "distinct integers in 1..5"}},
		{"tests/data/surveys-bad/not-json.json", SURVEY_ERR_SYNTAX, {"not valid JSON", "line 4"}},
		{"tests/data/surveys-bad/no-such-file.json", SURVEY_ERR_IO, {"No such file", NULL}},
		{"tests/data/surveys-bad", SURVEY_ERR_IO, {"directory", NULL}},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct survey *s = (struct survey *)1;
		char msg[512];

		assert_int_equal(survey_load_file(cases[i].path, &s, msg, sizeof(msg)), cases[i].want);
		assert_null(s);
		assert_true(strncmp(msg, cases[i].path, strlen(cases[i].path)) == 0);
		for (size_t k = 0; k < 2 && cases[i].needle[k] != NULL; k++)
			assert_has(msg, cases[i].needle[k]);
	}
}

/* A file over 1 MiB is refused before parsing. */
static void huge_file(void **state)
{
	char path[] = "/tmp/test_survey_XXXXXX", msg[256];
	struct survey *s;
	char *blob = xmalloc(1024 * 1024 + 1);
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	memset(blob, ' ', 1024 * 1024 + 1);
	assert_int_equal(write(fd, blob, 1024 * 1024 + 1), 1024 * 1024 + 1);
	close(fd);
	assert_int_equal(survey_load_file(path, &s, msg, sizeof(msg)), SURVEY_ERR_IO);
	assert_has(msg, path);
	assert_has(msg, "larger");
	unlink(path);
	free(blob);
}

static void names(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		enum lang l;
	} langs[] = {
		{"zh", true, LANG_ZH}, {"en", true, LANG_EN}, {"zh-CN", true, LANG_ZH},
		{"zh-Hans", true, LANG_ZH}, {"zh_TW", true, LANG_ZH}, {"en-US", true, LANG_EN},
		{"EN", true, LANG_EN}, {"En-gb", true, LANG_EN}, {"", false, LANG_ZH},
		{"z", false, LANG_ZH}, {"zhx", false, LANG_ZH}, {"fr", false, LANG_ZH},
		{"eng", false, LANG_ZH}, {"-en", false, LANG_ZH}, {"de-DE", false, LANG_ZH},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(langs); i++) {
		enum lang l = LANG__MAX;

		assert_int_equal(lang_parse(langs[i].s, &l), langs[i].ok);
		assert_int_equal(l, langs[i].ok ? langs[i].l : LANG__MAX);
	}
	assert_false(lang_parse(NULL, NULL));
	assert_string_equal(lang_code(LANG_ZH), "zh");
	assert_string_equal(lang_code(LANG_EN), "en");
	assert_string_equal(item_type_name(ITEM_SCALE), "scale");
	assert_string_equal(item_type_name(ITEM_CHOICE), "choice");
	assert_string_equal(item_type_name(ITEM_MULTI), "multi");
	assert_string_equal(item_type_name(ITEM_TEXT), "text");
	assert_string_equal(audience_name(AUDIENCE_ENTERPRISE), "enterprise");
	assert_string_equal(audience_name(AUDIENCE_PUBLIC), "public");
	assert_string_equal(audience_name(AUDIENCE_REVIEWER), "reviewer");
	assert_string_equal(item_type_name(ITEM_POINTS), "points");
	assert_string_equal(item_type_name(ITEM_FLAG), "flag");
	for (int e = 0; e < SURVEY_ERR__MAX; e++)
		assert_true(strlen(survey_strerror((enum survey_err)e)) > 0);
	assert_non_null(survey_strerror(SURVEY_ERR__MAX));
}

/* ---- reviewer rubrics (CONTRACT §6) ------------------------------------ */

/* A small valid rubric the broken ones are made from. */
static const char rubric_json[] =
	"{\"id\": \"rubric\", \"version\": 1, \"audience\": \"reviewer\","
	" \"title\": {\"zh\": \"评查表\", \"en\": \"Review\"},"
	" \"intro\": {\"zh\": \"评分\", \"en\": \"Score\"},"
	" \"items\": ["
	"  {\"id\": \"evidence\", \"type\": \"points\", \"max\": 15, \"required\": true,"
	"   \"text\": {\"zh\": \"证据\", \"en\": \"Evidence\"}},"
	"  {\"id\": \"law\", \"type\": \"points\", \"max\": 5,"
	"   \"text\": {\"zh\": \"法律\", \"en\": \"Law\"}},"
	"  {\"id\": \"no_authority\", \"type\": \"flag\", \"text\": {\"zh\": \"无权\", \"en\": \"No authority\"}},"
	"  {\"id\": \"comment\", \"type\": \"text\", \"text\": {\"zh\": \"意见\", \"en\": \"Comment\"}}"
	" ]}";

/* rubric_json with one edit (see edit()), parsed: assert the rule broken names want. */
static void rubric_bad(const char *path, const char *json, const char *want1, const char *want2)
{
	struct survey *s = NULL;
	char msg[512], *text = edited_from(rubric_json, path, json);

	if (survey_parse("rubric.json", text, strlen(text), &s, msg, sizeof msg) != SURVEY_ERR_RULE)
		fail_msg("expected a rule error for %s", text);
	assert_null(s);
	assert_has(msg, "rubric.json: ");
	assert_has(msg, want1);
	assert_has(msg, want2);
	free(text);
}

static void rubrics(void **state)
{
	struct survey *s = NULL;
	char msg[512];

	(void)state;
	assert_int_equal(survey_parse("r.json", rubric_json, strlen(rubric_json), &s, msg, sizeof msg),
	                 SURVEY_OK);
	assert_true(survey_is_rubric(s));
	assert_int_equal(s->audience, AUDIENCE_REVIEWER);
	assert_int_equal(s->points, 0);
	assert_null(s->labels[LANG_ZH]);
	assert_int_equal(survey_item(s, "evidence")->type, ITEM_POINTS);
	assert_int_equal(survey_item(s, "evidence")->max, 15);
	assert_int_equal(survey_item(s, "no_authority")->type, ITEM_FLAG);
	assert_int_equal(survey_points_total(s), 20);

	/* Answers: points 0..max, flags yes/no. */
	static const struct {
		const char *item, *value;
		enum answer_err want;
	} cases[] = {
		{"evidence", "0", ANSWER_OK},      {"evidence", "15", ANSWER_OK},
		{"evidence", "16", ANSWER_OUT_OF_RANGE}, {"evidence", "-1", ANSWER_OUT_OF_RANGE},
		{"evidence", "7.5", ANSWER_NOT_INTEGER}, {"evidence", "x", ANSWER_NOT_INTEGER},
		{"no_authority", "yes", ANSWER_OK}, {"no_authority", "no", ANSWER_OK},
		{"no_authority", "maybe", ANSWER_UNKNOWN_OPTION}, {"no_authority", "YES", ANSWER_UNKNOWN_OPTION},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pairs p;
		struct answers a;
		struct answer_errors errs;
		pairs_init(&p);
		pairs_add(&p, "evidence", "3");
		pairs_add(&p, cases[i].item, cases[i].value);
		if (strcmp(cases[i].item, "evidence") == 0)
			pairs_free(&p), pairs_add(&p, "evidence", cases[i].value);
		answers_check(s, &p, false, &a, &errs);
		if (answer_errors_for(&errs, cases[i].item) != cases[i].want)
			fail_msg("%s=%s: got %s", cases[i].item, cases[i].value,
			         answer_err_code(answer_errors_for(&errs, cases[i].item)));
		if (cases[i].want == ANSWER_OK) {
			const struct item *it = survey_item(s, cases[i].item);
			const struct answer *an = &a.a[it - s->items];
			assert_true(an->present);
			if (it->type == ITEM_POINTS)
				assert_int_equal(an->scale, atoi(cases[i].value));
			else
				assert_int_equal(an->flag, strcmp(cases[i].value, "yes") == 0);
		}
		answers_free(&a);
		pairs_free(&p);
	}
	survey_free(s);

	rubric_bad("scale", "{\"points\": 5}", "\"scale\"", "not allowed in a reviewer rubric");
	rubric_bad("items.1.type", "\"scale\"", "item \"law\": type", "not allowed in a reviewer rubric");
	rubric_bad("items.1.type", "\"choice\"", "item \"law\": type", "points, flag or text");
	rubric_bad("-items.0.max", NULL, "item \"evidence\": max", "required on points items");
	rubric_bad("items.0.max", "0", "item \"evidence\": max", "integer in 1..1000");
	rubric_bad("items.0.max", "2.5", "item \"evidence\": max", "integer in 1..1000");
	rubric_bad("items.0.max", "\"15\"", "item \"evidence\": max", "integer");
	rubric_bad("items.2.max", "1", "item \"no_authority\": max", "only allowed on points items");
	rubric_bad("items.2.allow_na", "true", "item \"no_authority\": allow_na", "only allowed on scale");
	rubric_bad("items", "[{\"id\": \"c\", \"type\": \"text\", \"text\": {\"zh\": \"意见\", \"en\": \"C\"}}]",
	           "items", "at least one points item");
}

/* The shipped rubric: nine points items adding up to 100, eight major defects, a comment. */
static void shipped_rubric(void **state)
{
	static const char *const points[] = {
		"subject", "facts", "evidence", "procedure", "law", "discretion", "documents",
		"service", "archiving",
	};
	static const char *const flags[] = {
		"no_authority", "uncertified_officer", "facts_unclear", "insufficient_evidence",
		"wrong_law", "unlawful_procedure", "single_officer", "not_transferred",
	};
	struct survey *s = NULL;
	char msg[512];

	(void)state;
	if (survey_load_file("surveys/case-review.json", &s, msg, sizeof msg) != SURVEY_OK)
		fail_msg("%s", msg);
	assert_string_equal(s->id, "case-review");
	assert_true(survey_is_rubric(s));
	assert_int_equal(survey_points_total(s), 100);
	for (size_t i = 0; i < ARRAY_SIZE(points); i++) {
		const struct item *it = survey_item(s, points[i]);
		assert_non_null(it);
		assert_true(it->type == ITEM_POINTS && it->required && it->max > 0);
		assert_true(strlen(it->text.s[LANG_ZH]) > 0 && strlen(it->text.s[LANG_EN]) > 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		const struct item *it = survey_item(s, flags[i]);
		assert_non_null(it);
		assert_true(it->type == ITEM_FLAG && it->required);
	}
	assert_int_equal(survey_item(s, "comment")->type, ITEM_TEXT);
	assert_int_equal(s->nitems, ARRAY_SIZE(points) + ARRAY_SIZE(flags) + 1);
	survey_free(s);
}

/* ---- pairs and answers ------------------------------------------------- */

static void pairs_basics(void **state)
{
	struct pairs p;
	char key[16];

	(void)state;
	pairs_init(&p);
	assert_null(pairs_get(&p, "a"));
	pairs_add(&p, "a", "1");
	pairs_add(&p, "b", "");
	pairs_addn(&p, "a", "2345", 2);
	assert_int_equal(p.n, 3);
	assert_string_equal(pairs_get(&p, "a"), "1");
	assert_string_equal(pairs_get(&p, "b"), "");
	assert_string_equal(p.v[2].value, "23");
	assert_null(pairs_get(&p, "c"));
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		pairs_add(&p, key, key);
	}
	assert_string_equal(pairs_get(&p, "k99"), "k99");
	pairs_free(&p);
	assert_int_equal(p.n, 0);
	pairs_free(&p);
}

/* Items: q1 required scale with NA, q2 scale, c choice, m multi, t text <= 10. */
static const char answers_json[] =
	"{\"id\": \"a\", \"version\": 3, \"audience\": \"public\","
	" \"title\": {\"zh\": \"题\", \"en\": \"T\"}, \"intro\": {\"zh\": \"介\", \"en\": \"I\"},"
	" \"scale\": {\"points\": 5, \"satisfied\": [4, 5],"
	"   \"labels\": {\"zh\": [\"1\",\"2\",\"3\",\"4\",\"5\"], \"en\": [\"1\",\"2\",\"3\",\"4\",\"5\"]}},"
	" \"items\": ["
	"  {\"id\": \"q1\", \"type\": \"scale\", \"required\": true, \"allow_na\": true,"
	"   \"text\": {\"zh\": \"一\", \"en\": \"One\"}},"
	"  {\"id\": \"q2\", \"type\": \"scale\", \"text\": {\"zh\": \"二\", \"en\": \"Two\"}},"
	"  {\"id\": \"c\", \"type\": \"choice\", \"text\": {\"zh\": \"选\", \"en\": \"Choose\"},"
	"   \"options\": [{\"value\": \"a\", \"text\": {\"zh\": \"甲\", \"en\": \"A\"}},"
	"                 {\"value\": \"b\", \"text\": {\"zh\": \"乙\", \"en\": \"B\"}},"
	"                 {\"value\": \"c\", \"text\": {\"zh\": \"丙\", \"en\": \"C\"}}]},"
	"  {\"id\": \"m\", \"type\": \"multi\", \"text\": {\"zh\": \"多\", \"en\": \"Many\"},"
	"   \"options\": [{\"value\": \"x\", \"text\": {\"zh\": \"X\", \"en\": \"X\"}},"
	"                 {\"value\": \"y\", \"text\": {\"zh\": \"Y\", \"en\": \"Y\"}},"
	"                 {\"value\": \"z\", \"text\": {\"zh\": \"Z\", \"en\": \"Z\"}}]},"
	"  {\"id\": \"t\", \"type\": \"text\", \"max_length\": 10, \"text\": {\"zh\": \"文\", \"en\": \"Text\"}}"
	" ]}";

/* The same without required items, so that an empty answer is possible. */
static const char loose_json[] =
	"{\"id\": \"b\", \"version\": 1, \"audience\": \"public\","
	" \"title\": {\"zh\": \"题\", \"en\": \"T\"}, \"intro\": {\"zh\": \"介\", \"en\": \"I\"},"
	" \"scale\": {\"points\": 3, \"satisfied\": [3],"
	"   \"labels\": {\"zh\": [\"1\",\"2\",\"3\"], \"en\": [\"1\",\"2\",\"3\"]}},"
	" \"items\": ["
	"  {\"id\": \"s\", \"type\": \"scale\", \"allow_na\": true, \"text\": {\"zh\": \"一\", \"en\": \"One\"}},"
	"  {\"id\": \"t\", \"type\": \"text\", \"text\": {\"zh\": \"文\", \"en\": \"Text\"}}"
	" ]}";

static struct survey *strict_sv, *loose_sv;

static int setup(void **state)
{
	char msg[256];

	(void)state;
	if (survey_parse("answers", answers_json, strlen(answers_json), &strict_sv, msg, sizeof(msg)) ||
	    survey_parse("loose", loose_json, strlen(loose_json), &loose_sv, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	survey_free(strict_sv);
	survey_free(loose_sv);
	return 0;
}

#define MAX_KV 8
#define MAX_WANT 6

static const struct answer_case {
	const char *name;
	bool loose;             /* check against loose_sv */
	bool ignore_unknown;
	const char *kv[MAX_KV][2];
	struct {
		const char *item;
		enum answer_err code;
	} want[MAX_WANT];       /* ends at the first ANSWER_OK */
} answer_cases[] = {
	{"minimal", false, false, {{"q1", "3"}}, {{NULL, ANSWER_OK}}},
	{"everything", false, false,
	 {{"q1", "5"}, {"q2", "1"}, {"c", "b"}, {"m", "x"}, {"m", "z"}, {"t", "你好 hello"}}, {{NULL, ANSWER_OK}}},
	{"na", false, false, {{"q1", "na"}}, {{NULL, ANSWER_OK}}},
	{"leading zero", false, false, {{"q1", "03"}}, {{NULL, ANSWER_OK}}},
	{"na not allowed", false, false, {{"q1", "3"}, {"q2", "na"}}, {{"q2", ANSWER_NA_NOT_ALLOWED}}},
	{"NA upper case", false, false, {{"q1", "NA"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"fraction", false, false, {{"q1", "3.0"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"plus sign", false, false, {{"q1", "+3"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"leading space", false, false, {{"q1", " 3"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"trailing space", false, false, {{"q1", "3 "}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"only a space", false, false, {{"q1", " "}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"word", false, false, {{"q1", "three"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"hex", false, false, {{"q1", "0x3"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"full-width digit", false, false, {{"q1", "３"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"bare minus", false, false, {{"q1", "-"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"zero", false, false, {{"q1", "0"}}, {{"q1", ANSWER_OUT_OF_RANGE}}},
	{"six", false, false, {{"q1", "6"}}, {{"q1", ANSWER_OUT_OF_RANGE}}},
	{"negative", false, false, {{"q1", "-1"}}, {{"q1", ANSWER_OUT_OF_RANGE}}},
	{"huge", false, false, {{"q1", "99999999999999999999999999"}}, {{"q1", ANSWER_OUT_OF_RANGE}}},
	{"int overflow", false, false, {{"q1", "4294967299"}}, {{"q1", ANSWER_OUT_OF_RANGE}}},
	{"two scale values", false, false, {{"q1", "3"}, {"q1", "4"}}, {{"q1", ANSWER_MULTIPLE_VALUES}}},
	{"scale and na", false, false, {{"q1", "na"}, {"q1", "4"}}, {{"q1", ANSWER_MULTIPLE_VALUES}}},
	{"empty values ignored", false, false, {{"q1", ""}, {"q1", "4"}, {"q1", ""}, {"c", ""}},
	 {{NULL, ANSWER_OK}}},
	{"unknown option", false, false, {{"q1", "1"}, {"c", "d"}}, {{"c", ANSWER_UNKNOWN_OPTION}}},
	{"option case", false, false, {{"q1", "1"}, {"c", "A"}}, {{"c", ANSWER_UNKNOWN_OPTION}}},
	{"two choices", false, false, {{"q1", "1"}, {"c", "a"}, {"c", "b"}}, {{"c", ANSWER_MULTIPLE_VALUES}}},
	{"multi unknown", false, false, {{"q1", "1"}, {"m", "x"}, {"m", "w"}}, {{"m", ANSWER_UNKNOWN_OPTION}}},
	{"multi twice", false, false, {{"q1", "1"}, {"m", "y"}, {"m", "y"}}, {{"m", ANSWER_DUPLICATE_OPTION}}},
	{"multi blank", false, false, {{"q1", "1"}, {"m", ""}, {"m", "y"}}, {{NULL, ANSWER_OK}}},
	{"text at limit", false, false, {{"q1", "1"}, {"t", "一二三四五六七八九十"}}, {{NULL, ANSWER_OK}}},
	{"text CRLF counts once", false, false, {{"q1", "1"}, {"t", "123456789\r\n"}}, {{NULL, ANSWER_OK}}},
	{"text too long", false, false, {{"q1", "1"}, {"t", "12345678901"}}, {{"t", ANSWER_TOO_LONG}}},
	{"text too long CJK", false, false, {{"q1", "1"}, {"t", "一二三四五六七八九十一"}},
	 {{"t", ANSWER_TOO_LONG}}},
	{"text tab and newlines", false, false, {{"q1", "1"}, {"t", "a\tb\nc\r\nd"}}, {{NULL, ANSWER_OK}}},
	{"text C0", false, false, {{"q1", "1"}, {"t", "a\x01" "b"}}, {{"t", ANSWER_CONTROL_CHARS}}},
	{"text DEL", false, false, {{"q1", "1"}, {"t", "a\x7f"}}, {{"t", ANSWER_CONTROL_CHARS}}},
	{"text C1", false, false, {{"q1", "1"}, {"t", "a\xc2\x85"}}, {{"t", ANSWER_CONTROL_CHARS}}},
	{"text ESC", false, false, {{"q1", "1"}, {"t", "\x1b[31m"}}, {{"t", ANSWER_CONTROL_CHARS}}},
	{"text bad UTF-8", false, false, {{"q1", "1"}, {"t", "\xff"}}, {{"t", ANSWER_BAD_UTF8}}},
	{"text overlong", false, false, {{"q1", "1"}, {"t", "\xc0\xaf"}}, {{"t", ANSWER_BAD_UTF8}}},
	{"text surrogate", false, false, {{"q1", "1"}, {"t", "\xed\xa0\x80"}}, {{"t", ANSWER_BAD_UTF8}}},
	{"scale bad UTF-8", false, false, {{"q1", "1"}, {"q2", "\xc3"}}, {{"q2", ANSWER_BAD_UTF8}}},
	{"choice bad UTF-8", false, false, {{"q1", "1"}, {"c", "\xe4\xb8"}}, {{"c", ANSWER_BAD_UTF8}}},
	{"two texts", false, false, {{"q1", "1"}, {"t", "a"}, {"t", "b"}}, {{"t", ANSWER_MULTIPLE_VALUES}}},
	{"text and blank", false, false, {{"q1", "1"}, {"t", "a"}, {"t", " \r\n\t"}}, {{NULL, ANSWER_OK}}},
	{"unknown item", false, false, {{"q1", "1"}, {"zz", "1"}}, {{"zz", ANSWER_UNKNOWN_ITEM}}},
	{"unknown item empty", false, false, {{"q1", "1"}, {"zz", ""}}, {{"zz", ANSWER_UNKNOWN_ITEM}}},
	{"unknown item twice", false, false, {{"q1", "1"}, {"zz", "1"}, {"zz", "2"}},
	 {{"zz", ANSWER_UNKNOWN_ITEM}}},
	{"unknown bad UTF-8 key", false, false, {{"q1", "1"}, {"\xff", "1"}}, {{"\xff", ANSWER_UNKNOWN_ITEM}}},
	{"unknown ignored", false, true, {{"q1", "1"}, {"_csrf", "x"}, {"zz", "1"}}, {{NULL, ANSWER_OK}}},
	{"required", false, false, {{"q2", "3"}}, {{"q1", ANSWER_REQUIRED}}},
	{"required empty value", false, false, {{"q1", ""}, {"c", "a"}}, {{"q1", ANSWER_REQUIRED}}},
	{"required nothing", false, false, {{NULL, NULL}}, {{"q1", ANSWER_REQUIRED}}},
	{"required blank text", false, false, {{"t", "  \r\n\xe3\x80\x80"}}, {{"q1", ANSWER_REQUIRED}}},
	{"required with error", false, false, {{"q1", "x"}}, {{"q1", ANSWER_NOT_INTEGER}}},
	{"one error per item", false, false, {{"q1", "abc"}, {"q1", "def"}, {"q1", "9"}},
	 {{"q1", ANSWER_NOT_INTEGER}}},
	{"first error wins", false, false, {{"q1", "3"}, {"q1", "x"}}, {{"q1", ANSWER_MULTIPLE_VALUES}}},
	{"many errors", false, false,
	 {{"q1", "9"}, {"c", "z"}, {"m", "x"}, {"m", "x"}, {"t", "0123456789ab"}, {"q2", "na"}, {"zz", "1"}},
	 {{"q1", ANSWER_OUT_OF_RANGE}, {"c", ANSWER_UNKNOWN_OPTION}, {"m", ANSWER_DUPLICATE_OPTION},
	  {"t", ANSWER_TOO_LONG}, {"q2", ANSWER_NA_NOT_ALLOWED}, {"zz", ANSWER_UNKNOWN_ITEM}}},
	{"empty", true, false, {{NULL, NULL}}, {{NULL, ANSWER_EMPTY}}},
	{"empty values", true, false, {{"s", ""}, {"t", ""}}, {{NULL, ANSWER_EMPTY}}},
	{"empty blank text", true, false, {{"t", "   \r\n "}}, {{NULL, ANSWER_EMPTY}}},
	{"empty but unknown", true, false, {{"zz", "1"}}, {{"zz", ANSWER_UNKNOWN_ITEM}}},
	{"empty, unknown ignored", true, true, {{"zz", "1"}}, {{NULL, ANSWER_EMPTY}}},
	{"na is an answer", true, false, {{"s", "na"}}, {{NULL, ANSWER_OK}}},
	{"loose scale range", true, false, {{"s", "4"}}, {{"s", ANSWER_OUT_OF_RANGE}}},
};

/* Build the pairs of case c. */
static void case_pairs(const struct answer_case *c, struct pairs *p)
{
	pairs_init(p);
	for (size_t k = 0; k < MAX_KV && c->kv[k][0] != NULL; k++)
		pairs_add(p, c->kv[k][0], c->kv[k][1]);
}

static void answer_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(answer_cases); i++) {
		const struct answer_case *c = &answer_cases[i];
		const struct survey *s = c->loose ? loose_sv : strict_sv;
		struct answers ans = {0};
		struct answer_errors errs;
		struct pairs p;
		size_t n = 0;
		bool ok;

		case_pairs(c, &p);
		memset(&errs, 0xA5, sizeof(errs));
		ok = answers_check(s, &p, c->ignore_unknown, &ans, &errs);
		while (n < MAX_WANT && c->want[n].code != ANSWER_OK)
			n++;
		if (errs.n != n)
			fail_msg("%s: %zu errors, expected %zu (first: %s %s)", c->name, errs.n, n,
			         errs.n ? (errs.v[0].item ? errs.v[0].item : "(form)") : "-",
			         errs.n ? answer_err_code(errs.v[0].code) : "-");
		assert_int_equal(ok, n == 0);
		for (size_t k = 0; k < n; k++) {
			enum answer_err got = answer_errors_for(&errs, c->want[k].item);

			if (got != c->want[k].code)
				fail_msg("%s: item %s: %s, expected %s", c->name,
				         c->want[k].item ? c->want[k].item : "(form)", answer_err_code(got),
				         answer_err_code(c->want[k].code));
		}
		/* An item with an error is never present in the answers. */
		for (size_t k = 0; k < s->nitems; k++)
			if (answer_errors_for(&errs, s->items[k].id) != ANSWER_OK)
				assert_false(ans.a[k].present || ans.a[k].text != NULL);
		/* Unknown items are named by the input's own key. */
		for (size_t k = 0; k < errs.n; k++)
			if (errs.v[k].code == ANSWER_UNKNOWN_ITEM)
				assert_null(survey_item(s, errs.v[k].item));
		assert_ptr_equal(ans.survey, s);
		answers_free(&ans);
		pairs_free(&p);
	}
}

/* Run answers_check() on the strict survey with kv pairs (NULL-ended). */
static bool check(const char *const *kv, struct answers *ans, struct answer_errors *errs)
{
	struct pairs p;
	bool ok;

	pairs_init(&p);
	for (size_t i = 0; kv[i] != NULL; i += 2)
		pairs_add(&p, kv[i], kv[i + 1]);
	ok = answers_check(strict_sv, &p, false, ans, errs);
	pairs_free(&p);
	return ok;
}

/* The values answers_check() hands on. */
static void answer_values(void **state)
{
	static const char *const all[] = {
		"q1", "4", "c", "c", "m", "z", "m", "", "m", "x", "t", "a\r\nb\rc\r\n", NULL,
	};
	static const char *const na[] = {"q1", "na", "q2", "", "t", "  ", NULL};
	static const char *const bad[] = {"q1", "2", "m", "y", "m", "bogus", "t", "ok", NULL};
	struct answers ans = {0};
	struct answer_errors errs;

	(void)state;
	assert_true(check(all, &ans, &errs));
	assert_true(ans.a[0].present && !ans.a[0].na);
	assert_int_equal(ans.a[0].scale, 4);
	assert_false(ans.a[1].present);
	assert_true(ans.a[2].present);
	assert_int_equal(ans.a[2].choice, 2);
	assert_true(ans.a[3].present);
	assert_true(ans.a[3].multi == ((1ULL << 2) | (1ULL << 0)));
	assert_true(ans.a[4].present);
	assert_string_equal(ans.a[4].text, "a\nb\nc\n");
	answers_free(&ans);
	assert_null(ans.a);
	answers_free(&ans);

	assert_true(check(na, &ans, &errs));
	assert_true(ans.a[0].present && ans.a[0].na);
	assert_false(ans.a[1].present || ans.a[4].present);
	assert_null(ans.a[4].text);
	answers_free(&ans);

	/* The bad multi item is dropped whole; the others stay. */
	assert_false(check(bad, &ans, &errs));
	assert_int_equal(errs.n, 1);
	assert_int_equal(answer_errors_for(&errs, "m"), ANSWER_UNKNOWN_OPTION);
	assert_false(ans.a[3].present);
	assert_true(ans.a[3].multi == 0);
	assert_true(ans.a[0].present && ans.a[0].scale == 2);
	assert_string_equal(ans.a[4].text, "ok");
	answers_free(&ans);
}

/* Codes and messages for every error; answer_errors_add() keeps one per item. */
static void error_codes(void **state)
{
	static const char *const codes[ANSWER__MAX] = {
		"ok", "required", "not_integer", "out_of_range", "na_not_allowed", "unknown_option",
		"too_long", "bad_utf8", "control_chars", "unknown_item", "multiple_values",
		"duplicate_option", "wrong_type", "empty", "exclusive_option", "not_enforced",
	};
	struct answer_errors errs = {.n = 0};
	char items[ANSWER_ERRORS_MAX + 10][16];

	(void)state;
	for (int e = 0; e < ANSWER__MAX; e++) {
		assert_string_equal(answer_err_code((enum answer_err)e), codes[e]);
		for (int l = 0; l < LANG__MAX; l++) {
			const char *m = answer_err_message((enum answer_err)e, (enum lang)l);

			assert_true(utf8_valid(m, strlen(m)));
			assert_true(e == ANSWER_OK || strlen(m) > 4);
			for (int k = 1; k < e; k++)
				assert_string_not_equal(m, answer_err_message((enum answer_err)k, (enum lang)l));
		}
	}
	assert_string_equal(answer_err_message(ANSWER_TOO_LONG, LANG_ZH), "内容太长，请精简。");
	assert_string_equal(answer_err_message(ANSWER_REQUIRED, LANG_EN), "Please choose an answer.");

	answer_errors_add(&errs, "a", ANSWER_WRONG_TYPE);
	answer_errors_add(&errs, "a", ANSWER_REQUIRED);
	answer_errors_add(&errs, NULL, ANSWER_EMPTY);
	answer_errors_add(&errs, NULL, ANSWER_REQUIRED);
	answer_errors_add(&errs, "_agency", ANSWER_UNKNOWN_OPTION);
	assert_int_equal(errs.n, 3);
	assert_int_equal(answer_errors_for(&errs, "a"), ANSWER_WRONG_TYPE);
	assert_int_equal(answer_errors_for(&errs, NULL), ANSWER_EMPTY);
	assert_int_equal(answer_errors_for(&errs, "_agency"), ANSWER_UNKNOWN_OPTION);
	assert_int_equal(answer_errors_for(&errs, "b"), ANSWER_OK);
	/* The list is capped, never overrun. */
	for (int i = 0; i < ANSWER_ERRORS_MAX + 10; i++) {
		snprintf(items[i], sizeof(items[i]), "i%d", i);
		answer_errors_add(&errs, items[i], ANSWER_WRONG_TYPE);
	}
	assert_int_equal(errs.n, ANSWER_ERRORS_MAX);
	assert_int_equal(answer_errors_for(&errs, "a"), ANSWER_WRONG_TYPE);
	assert_int_equal(answer_errors_for(&errs, items[ANSWER_ERRORS_MAX]), ANSWER_OK);
}

/* Many unknown keys fill the error list without overflowing it. */
static void many_unknown_keys(void **state)
{
	struct answers ans = {0};
	struct answer_errors errs;
	struct pairs p;
	char key[16];

	(void)state;
	pairs_init(&p);
	for (int i = 0; i < 3 * ANSWER_ERRORS_MAX; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		pairs_add(&p, key, "1");
	}
	assert_false(answers_check(strict_sv, &p, false, &ans, &errs));
	assert_int_equal(errs.n, ANSWER_ERRORS_MAX);
	answers_free(&ans);
	pairs_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base_is_valid),
		cmocka_unit_test(canonical_form),
		cmocka_unit_test(bad_definitions),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(infinite_numbers),
		cmocka_unit_test(message_truncation),
		cmocka_unit_test(limits),
		cmocka_unit_test(shipped_surveys),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(huge_file),
		cmocka_unit_test(names),
		cmocka_unit_test(pairs_basics),
		cmocka_unit_test(answer_table),
		cmocka_unit_test(answer_values),
		cmocka_unit_test(error_codes),
		cmocka_unit_test(many_unknown_keys),
		cmocka_unit_test(rubrics),
		cmocka_unit_test(shipped_rubric),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
