/*
 * test_html — html_escape(), the survey form, thanks and message pages.
 *
 * The test survey is parsed from an inline definition with survey_parse(),
 * so these tests also hold the form to the real survey structures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "followup.h"
#include "html.h"
#include "survey.h"
#include "util.h"

static const char survey_json[] =
	"{\"id\": \"test-survey\", \"version\": 1, \"audience\": \"public\","
	" \"title\": {\"zh\": \"执法满意度调查\", \"en\": \"Enforcement survey\"},"
	" \"intro\": {\"zh\": \"请根据您的亲身经历作答。\", \"en\": \"Answer from your own experience.\"},"
	" \"scale\": {\"points\": 5, \"satisfied\": [4, 5],"
	"   \"labels\": {\"zh\": [\"非常不满意\",\"不满意\",\"基本满意\",\"满意\",\"非常满意\"],"
	"              \"en\": [\"Very dissatisfied\",\"Dissatisfied\",\"Neutral\",\"Satisfied\",\"Very satisfied\"]}},"
	" \"items\": ["
	"  {\"id\": \"legality\", \"type\": \"scale\", \"required\": true, \"allow_na\": true,"
	"   \"index_weight\": 1,"
	"   \"text\": {\"zh\": \"执法程序是否合法规范？\", \"en\": \"Was the procedure lawful?\"}},"
	"  {\"id\": \"speed\", \"type\": \"scale\","
	"   \"text\": {\"zh\": \"办理速度 <快> & \\\"慢\\\"\", \"en\": \"Speed <fast> & \\\"slow\\\"\"}},"
	"  {\"id\": \"impact\", \"type\": \"choice\", \"required\": true,"
	"   \"text\": {\"zh\": \"检查对经营的影响\", \"en\": \"Impact on business\"},"
	"   \"options\": [{\"value\": \"none\", \"text\": {\"zh\": \"没有影响\", \"en\": \"None\"}},"
	"                 {\"value\": \"some\", \"text\": {\"zh\": \"有些影响\", \"en\": \"Some\"}}]},"
	"  {\"id\": \"problems\", \"type\": \"multi\","
	"   \"text\": {\"zh\": \"遇到的问题\", \"en\": \"Problems you met\"},"
	"   \"options\": [{\"value\": \"slow\", \"text\": {\"zh\": \"拖延\", \"en\": \"Delay\"}},"
	"                 {\"value\": \"rude\", \"text\": {\"zh\": \"态度差\", \"en\": \"Rudeness\"}},"
	"                 {\"value\": \"fees\", \"text\": {\"zh\": \"乱收费\", \"en\": \"Illegal fees\"}}]},"
	"  {\"id\": \"comment\", \"type\": \"text\", \"max_length\": 500,"
	"   \"text\": {\"zh\": \"其他意见\", \"en\": \"Other comments\"}}"
	" ]}";

static struct survey *sv;

static const struct html_choice agencies[] = {
	{.code = "A01", .name = {"市市场监督管理局", "Market Regulation Bureau"}},
	{.code = "A02", .name = {"市生态环境局", "Ecology and Environment Bureau"}},
	{.code = "A03", .name = {"局<b>名</b>", "Bureau <b>name</b>"}},
};

static const struct html_choice domains[] = {
	{.code = "food", .name = {"食品安全", "Food safety"}},
	{.code = "env", .name = {"环境保护", "Environment"}},
};

/* A01 enforces food only, A02 env only, A03 is not restricted. */
static const char *const a01_domains[] = {"food"};
static const char *const a02_domains[] = {"env"};
static const struct html_choice restricted_agencies[] = {
	{.code = "A01", .name = {"市市场监督管理局", "Market Regulation Bureau"},
	 .enforces = a01_domains, .nenforces = 1},
	{.code = "A02", .name = {"市生态环境局", "Ecology and Environment Bureau"},
	 .enforces = a02_domains, .nenforces = 1},
	{.code = "A03", .name = {"局<b>名</b>", "Bureau <b>name</b>"}},
};

static int setup(void **state)
{
	char msg[512];
	enum survey_err e;

	(void)state;
	e = survey_parse("inline", survey_json, strlen(survey_json), &sv, msg, sizeof(msg));
	if (e != SURVEY_OK) {
		fprintf(stderr, "survey_parse: %s\n", msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	survey_free(sv);
	sv = NULL;
	return 0;
}

/* Number of non-overlapping occurrences of needle in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

/* A copy of the part of page from `start` to the next `end` (inclusive). */
static char *slice(const char *page, const char *start, const char *end)
{
	const char *a = strstr(page, start);
	assert_non_null(a);
	const char *b = strstr(a, end);
	assert_non_null(b);
	return xstrndup(a, (size_t)(b - a) + strlen(end));
}

#define assert_has(hay, needle) do { \
	if (strstr((hay), (needle)) == NULL) \
		fail_msg("missing: %s", (needle)); \
} while (0)

#define assert_lacks(hay, needle) do { \
	if (strstr((hay), (needle)) != NULL) \
		fail_msg("unexpected: %s", (needle)); \
} while (0)

/*
 * Checks every page must pass: the head, no script of any kind, opening
 * and closing tags in balance, and valid UTF-8.
 */
static void check_page(const char *page, const char *lang_tag)
{
	char buf[64];

	assert_true(strncmp(page, "<!doctype html>\n", 16) == 0);
	snprintf(buf, sizeof(buf), "<html lang=\"%s\">", lang_tag);
	assert_has(page, buf);
	assert_has(page, "<meta charset=\"utf-8\">");
	assert_has(page, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
	assert_has(page, "<link rel=\"stylesheet\" href=\"/assets/manyi.css\">");
	assert_lacks(page, "<script");
	assert_lacks(page, "javascript:");
	assert_lacks(page, " onerror");
	assert_lacks(page, " onclick");
	assert_int_equal(count(page, "<div"), count(page, "</div>"));
	assert_int_equal(count(page, "<fieldset"), count(page, "</fieldset>"));
	assert_int_equal(count(page, "<legend"), count(page, "</legend>"));
	assert_int_equal(count(page, "<label"), count(page, "</label>"));
	assert_int_equal(count(page, "<p"), count(page, "</p>"));
	assert_int_equal(count(page, "<select"), count(page, "</select>"));
	assert_int_equal(count(page, "<textarea"), count(page, "</textarea>"));
	assert_int_equal(count(page, "<form"), count(page, "</form>"));
	assert_int_equal(count(page, "<ul"), count(page, "</ul>"));
	assert_int_equal(count(page, "<li>"), count(page, "</li>"));
	assert_true(utf8_valid(page, strlen(page)));
	assert_true(strstr(page, "</html>\n") != NULL);
}

/* Escape s into a fresh string. */
static char *esc(const char *s)
{
	struct sbuf b;
	sbuf_init(&b);
	html_escape(&b, s);
	return sbuf_detach(&b);
}

static void test_escape_table(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"plain text 123", "plain text 123"},
		{"a & b", "a &amp; b"},
		{"&amp;", "&amp;amp;"},
		{"<", "&lt;"},
		{">", "&gt;"},
		{"\"", "&quot;"},
		{"'", "&#39;"},
		{"&<>\"'", "&amp;&lt;&gt;&quot;&#39;"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"\"><img src=x onerror=alert(1)>",
		 "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
		{"' autofocus onfocus='x", "&#39; autofocus onfocus=&#39;x"},
		{"满意度调查", "满意度调查"},
		{"市场监管 · “好” — ✓ 😀", "市场监管 · “好” — ✓ 😀"},
		{"tab\tline\ncr\r", "tab\tline\ncr\r"},
		/* Bytes that are not UTF-8, and controls, become U+FFFD. */
		{"a\xff" "b", "a\xEF\xBF\xBD" "b"},
		{"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},
		{"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
		{"\xE4\xB8", "\xEF\xBF\xBD\xEF\xBF\xBD"},
		{"x\x01y\x7F", "x\xEF\xBF\xBDy\xEF\xBF\xBD"},
		{"中\xE4<", "中\xEF\xBF\xBD&lt;"},
		/* So do display controls: a right-to-left override (U+202E), an
		 * isolate (U+2066), a mark (U+200F), a C1 control (U+0085). */
		{"gpj\xE2\x80\xAE" "exe", "gpj\xEF\xBF\xBD" "exe"},
		{"a\xE2\x81\xA6" "b\xE2\x80\x8F" "c\xC2\x85" "d", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d"},
		{"\xE2\x80\x8D", "\xE2\x80\x8D"}, /* a zero-width joiner (emoji) stays */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = esc(cases[i].in);
		if (strcmp(got, cases[i].out) != 0)
			fail_msg("case %zu: \"%s\" -> \"%s\", want \"%s\"", i,
			         cases[i].in, got, cases[i].out);
		free(got);
	}
}

static void test_escape_appends_and_null(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b);
	sbuf_adds(&b, "<p>");
	html_escape(&b, NULL);
	assert_string_equal(b.data, "<p>");
	html_escape(&b, "1<2");
	sbuf_adds(&b, "</p>");
	assert_string_equal(b.data, "<p>1&lt;2</p>");
	sbuf_free(&b);
}

/* A plain view of the test survey in language l. */
static struct form_view view(enum lang l)
{
	struct form_view v;
	memset(&v, 0, sizeof(v));
	v.survey = sv;
	v.lang = l;
	v.action = "/s/test-survey";
	v.csrf = "CSRF-123";
	v.token = "tok-abc_1";
	return v;
}

static char *render(const struct form_view *v)
{
	struct sbuf b;
	sbuf_init(&b);
	html_form_page(&b, v);
	return sbuf_detach(&b);
}

static void test_form_zh(void **state)
{
	struct form_view v = view(LANG_ZH);
	char *page, *fs;

	(void)state;
	page = render(&v);
	check_page(page, "zh-CN");
	assert_has(page, "<title>执法满意度调查</title>");
	assert_has(page, "<h1>执法满意度调查</h1>");
	assert_has(page, "请根据您的亲身经历作答。");
	/* Language switch to English, keeping the token. */
	assert_has(page, "href=\"/s/test-survey?lang=en&amp;t=tok-abc_1\"");
	assert_has(page, ">English</a>");
	/* Form and hidden fields. */
	assert_has(page, "<form method=\"post\" action=\"/s/test-survey\"");
	assert_has(page, "<input type=\"hidden\" name=\"_csrf\" value=\"CSRF-123\">");
	assert_has(page, "<input type=\"hidden\" name=\"_t\" value=\"tok-abc_1\">");
	assert_has(page, "<input type=\"hidden\" name=\"_lang\" value=\"zh\">");
	/* Honeypot. */
	assert_has(page, "name=\"_hp\"");
	assert_has(page, "请勿填写此项");
	fs = slice(page, "<div class=\"hp\"", "</div>");
	assert_has(fs, "tabindex=\"-1\"");
	assert_has(fs, "autocomplete=\"off\"");
	free(fs);
	/* One fieldset per item, numbered, with the required marker. */
	assert_int_equal(count(page, "<fieldset class=\"q "), 5);
	assert_has(page, "id=\"q-legality\"");
	assert_has(page, "id=\"q-comment\"");
	assert_int_equal(count(page, ">必答<"), 2);
	assert_has(page, "<span class=\"q-num\">1.</span> 执法程序是否合法规范？");
	/* Item text with markup characters is escaped. */
	assert_has(page, "办理速度 &lt;快&gt; &amp; &quot;慢&quot;");
	assert_lacks(page, "<快>");
	/* Scale: five radios with number and label; NA only where allowed. */
	fs = slice(page, "id=\"q-legality\"", "</fieldset>");
	for (int k = 1; k <= 5; k++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "type=\"radio\" name=\"legality\" value=\"%d\"", k);
		assert_has(fs, buf);
		snprintf(buf, sizeof(buf), "<span class=\"opt-num\">%d</span>", k);
		assert_has(fs, buf);
	}
	assert_has(fs, "非常不满意");
	assert_has(fs, "基本满意");
	assert_has(fs, "非常满意");
	assert_has(fs, "value=\"na\"");
	assert_has(fs, "不适用");
	assert_lacks(fs, "checked");
	assert_lacks(fs, "aria-invalid");
	free(fs);
	fs = slice(page, "id=\"q-speed\"", "</fieldset>");
	assert_int_equal(count(fs, "type=\"radio\""), 5);
	assert_lacks(fs, "value=\"na\"");
	assert_lacks(fs, "不适用");
	assert_lacks(fs, "必答");
	free(fs);
	assert_int_equal(count(page, "value=\"na\""), 1);
	/* Choice: radios; multi: checkboxes with a hint. */
	fs = slice(page, "id=\"q-impact\"", "</fieldset>");
	assert_has(fs, "type=\"radio\" name=\"impact\" value=\"none\"");
	assert_has(fs, "没有影响");
	free(fs);
	fs = slice(page, "id=\"q-problems\"", "</fieldset>");
	assert_int_equal(count(fs, "type=\"checkbox\" name=\"problems\""), 3);
	assert_has(fs, "可多选");
	free(fs);
	/* Text: textarea with maxlength and a hint tied to it. */
	fs = slice(page, "id=\"q-comment\"", "</fieldset>");
	assert_has(fs, "<textarea id=\"f-comment\" name=\"comment\" maxlength=\"500\"");
	assert_has(fs, "aria-describedby=\"h-comment\"");
	assert_has(fs, "<p class=\"hint\" id=\"h-comment\">最多 500 字</p>");
	assert_has(fs, "<label for=\"f-comment\">");
	free(fs);
	/* No errors, no selects, no context, no notice. */
	assert_lacks(page, "role=\"alert\"");
	assert_lacks(page, "id=\"e-");
	assert_lacks(page, "<title>错误");
	assert_lacks(page, "_agency");
	assert_lacks(page, "class=\"context\"");
	assert_lacks(page, "class=\"notice\"");
	assert_has(page, "<button type=\"submit\">提交评价</button>");
	assert_has(page, "本调查由独立第三方评估机构开展，您的回答对被评价单位匿名。");
	/* Nothing English leaks into the Chinese page. */
	assert_lacks(page, "Required");
	assert_lacks(page, "Very satisfied");
	free(page);
}

static void test_form_en(void **state)
{
	struct form_view v = view(LANG_EN);
	char *page, *fs;

	(void)state;
	page = render(&v);
	check_page(page, "en");
	assert_has(page, "<title>Enforcement survey</title>");
	assert_has(page, "Answer from your own experience.");
	assert_has(page, "href=\"/s/test-survey?lang=zh&amp;t=tok-abc_1\"");
	assert_has(page, ">中文</a>");
	assert_has(page, "<input type=\"hidden\" name=\"_lang\" value=\"en\">");
	assert_int_equal(count(page, ">Required<"), 2);
	fs = slice(page, "id=\"q-legality\"", "</fieldset>");
	assert_has(fs, "Very dissatisfied");
	assert_has(fs, "Neutral");
	assert_has(fs, "Very satisfied");
	assert_has(fs, "Not applicable");
	free(fs);
	assert_has(page, "Speed &lt;fast&gt; &amp; &quot;slow&quot;");
	assert_has(page, "Select all that apply");
	assert_has(page, "Up to 500 characters");
	assert_has(page, "Leave this field empty");
	assert_has(page, "<button type=\"submit\">Submit</button>");
	assert_has(page, "independent third-party");
	assert_lacks(page, "必答");
	assert_lacks(page, "非常满意");
	assert_lacks(page, "提交评价");
	free(page);
}

/* Without a token: no _t, and the switch link carries only lang. */
static void test_form_token(void **state)
{
	struct form_view v = view(LANG_ZH);
	char *page;

	(void)state;
	v.token = NULL;
	page = render(&v);
	assert_lacks(page, "name=\"_t\"");
	assert_has(page, "href=\"/s/test-survey?lang=en\"");
	free(page);

	/* A hostile token is percent-encoded in the link, escaped in the field. */
	v.token = "a&b\"<c> /+=";
	page = render(&v);
	check_page(page, "zh-CN");
	assert_has(page, "href=\"/s/test-survey?lang=en&amp;t=a%26b%22%3Cc%3E%20%2F%2B%3D\"");
	assert_has(page, "name=\"_t\" value=\"a&amp;b&quot;&lt;c&gt; /+=\"");
	free(page);

	/* The CSRF value is escaped too. */
	v.token = NULL;
	v.csrf = "\"><x>";
	page = render(&v);
	assert_has(page, "name=\"_csrf\" value=\"&quot;&gt;&lt;x&gt;\"");
	free(page);
}

static void test_form_values_kept(void **state)
{
	struct form_view v = view(LANG_ZH);
	struct pairs in;
	char *page, *fs;

	(void)state;
	pairs_init(&in);
	pairs_add(&in, "legality", "4");
	pairs_add(&in, "speed", "\"><script>alert(1)</script>");
	pairs_add(&in, "impact", "some");
	pairs_add(&in, "problems", "slow");
	pairs_add(&in, "problems", "fees");
	pairs_add(&in, "comment", "\nfirst line</textarea><script>x()</script> & 'q'");
	pairs_add(&in, "_hp", "bot");
	v.values = &in;
	page = render(&v);
	check_page(page, "zh-CN");

	fs = slice(page, "id=\"q-legality\"", "</fieldset>");
	assert_has(fs, "name=\"legality\" value=\"4\" checked");
	assert_int_equal(count(fs, "checked"), 1);
	free(fs);
	/* A value that is no option is checked nowhere and never echoed. */
	fs = slice(page, "id=\"q-speed\"", "</fieldset>");
	assert_lacks(fs, "checked");
	free(fs);
	assert_lacks(page, "alert(1)");
	fs = slice(page, "id=\"q-impact\"", "</fieldset>");
	assert_has(fs, "value=\"some\" checked");
	assert_lacks(fs, "value=\"none\" checked");
	free(fs);
	fs = slice(page, "id=\"q-problems\"", "</fieldset>");
	assert_has(fs, "value=\"slow\" checked");
	assert_has(fs, "value=\"fees\" checked");
	assert_lacks(fs, "value=\"rude\" checked");
	free(fs);
	/* Text kept, escaped, with its leading newline preserved. */
	assert_has(page, "aria-describedby=\"h-comment\">\n\nfirst line&lt;/textarea&gt;"
	                 "&lt;script&gt;x()&lt;/script&gt; &amp; &#39;q&#39;</textarea>");
	/* The honeypot is never refilled. */
	assert_has(page, "name=\"_hp\" value=\"\"");
	assert_lacks(page, "value=\"bot\"");
	free(page);

	/* "na" kept as checked. */
	pairs_free(&in);
	pairs_init(&in);
	pairs_add(&in, "legality", "na");
	page = render(&v);
	assert_has(page, "name=\"legality\" value=\"na\" checked");
	assert_int_equal(count(page, "checked"), 1);
	free(page);
	pairs_free(&in);
}

static void test_form_errors(void **state)
{
	struct form_view v = view(LANG_ZH);
	struct answer_errors errs;
	char *page, *fs, *sum, buf[256];
	const char *req_zh = answer_err_message(ANSWER_REQUIRED, LANG_ZH);
	const char *long_zh = answer_err_message(ANSWER_TOO_LONG, LANG_ZH);
	const char *opt_zh = answer_err_message(ANSWER_UNKNOWN_OPTION, LANG_ZH);

	(void)state;
	assert_non_null(req_zh);
	assert_non_null(long_zh);
	memset(&errs, 0, sizeof(errs));
	/* Out of form order on purpose: the summary follows the form. */
	answer_errors_add(&errs, "comment", ANSWER_TOO_LONG);
	answer_errors_add(&errs, "legality", ANSWER_REQUIRED);
	answer_errors_add(&errs, "problems", ANSWER_UNKNOWN_OPTION);
	v.errors = &errs;
	page = render(&v);
	check_page(page, "zh-CN");
	assert_has(page, "<title>错误：执法满意度调查</title>");

	sum = slice(page, "<div class=\"error-summary\"", "</div>");
	assert_has(sum, "role=\"alert\"");
	assert_has(sum, "<h2 id=\"error-summary-title\">");
	assert_int_equal(count(sum, "<li>"), 3);
	snprintf(buf, sizeof(buf), "<a href=\"#q-legality\">第 1 题：%s</a>", req_zh);
	assert_has(sum, buf);
	snprintf(buf, sizeof(buf), "<a href=\"#q-comment\">第 5 题：%s</a>", long_zh);
	assert_has(sum, buf);
	assert_has(sum, "href=\"#q-problems\"");
	assert_true(strstr(sum, "#q-legality") < strstr(sum, "#q-problems"));
	assert_true(strstr(sum, "#q-problems") < strstr(sum, "#q-comment"));
	free(sum);
	/* The summary comes before the form. */
	assert_true(strstr(page, "error-summary") < strstr(page, "<form"));

	fs = slice(page, "id=\"q-legality\"", "</fieldset>");
	assert_has(page, "<fieldset class=\"q q-scale has-error\" id=\"q-legality\" "
	                 "aria-describedby=\"e-legality\">");
	snprintf(buf, sizeof(buf), "<p class=\"field-error\" id=\"e-legality\">"
	         "<span class=\"visually-hidden\">错误：</span>%s</p>", req_zh);
	assert_has(fs, buf);
	free(fs);
	fs = slice(page, "id=\"q-problems\"", "</fieldset>");
	assert_has(page, "id=\"q-problems\" aria-describedby=\"h-problems e-problems\"");
	assert_has(fs, opt_zh);
	free(fs);
	fs = slice(page, "id=\"q-comment\"", "</fieldset>");
	assert_has(fs, "id=\"e-comment\"");
	assert_has(fs, long_zh);
	assert_has(fs, "aria-describedby=\"h-comment e-comment\" aria-invalid=\"true\"");
	free(fs);
	fs = slice(page, "id=\"q-speed\"", "</fieldset>");
	assert_lacks(fs, "has-error");
	assert_lacks(fs, "e-speed");
	free(fs);
	assert_int_equal(count(page, "class=\"field-error\""), 3);
	free(page);

	/* English messages in the English page. */
	v.lang = LANG_EN;
	page = render(&v);
	check_page(page, "en");
	assert_has(page, "<title>Error: Enforcement survey</title>");
	snprintf(buf, sizeof(buf), "<a href=\"#q-legality\">Question 1: %s</a>",
	         answer_err_message(ANSWER_REQUIRED, LANG_EN));
	assert_has(page, buf);
	free(page);

	/* A form-level error is listed without a link. */
	memset(&errs, 0, sizeof(errs));
	answer_errors_add(&errs, NULL, ANSWER_EMPTY);
	v.lang = LANG_ZH;
	page = render(&v);
	check_page(page, "zh-CN");
	snprintf(buf, sizeof(buf), "<li>%s</li>", answer_err_message(ANSWER_EMPTY, LANG_ZH));
	assert_has(page, buf);
	assert_lacks(page, "href=\"#q-");
	assert_lacks(page, "class=\"field-error\"");
	free(page);
}

/*
 * Agencies with known domains: the domain select groups them by agency
 * (<optgroup>, no JavaScript), the other agencies get every domain; an
 * agency chosen already gets its own domains only.
 */
static void test_form_domains_by_agency(void **state)
{
	struct form_view v = view(LANG_ZH);
	struct pairs in;
	char *page, *sel;

	(void)state;
	v.token = NULL;
	v.ask_context = true;
	v.agencies = restricted_agencies;
	v.nagencies = ARRAY_SIZE(restricted_agencies);
	v.domains = domains;
	v.ndomains = ARRAY_SIZE(domains);
	pairs_init(&in);
	pairs_add(&in, "_domain", "food");
	v.values = &in;
	page = render(&v);
	check_page(page, "zh-CN");
	sel = slice(page, "<select id=\"f-_domain\"", "</select>");
	assert_has(sel, "<optgroup label=\"市市场监督管理局\">\n<option value=\"food\" selected>食品安全"
	                "</option>\n</optgroup>");
	assert_has(sel, "<optgroup label=\"市生态环境局\">\n<option value=\"env\">环境保护</option>\n"
	                "</optgroup>");
	assert_has(sel, "<optgroup label=\"其他单位\">\n<option value=\"food\">食品安全</option>\n"
	                "<option value=\"env\">环境保护</option>\n</optgroup>");
	assert_int_equal(count(sel, "selected"), 1);
	free(sel);
	free(page);

	pairs_add(&in, "_agency", "A02");
	page = render(&v);
	sel = slice(page, "<select id=\"f-_domain\"", "</select>");
	assert_lacks(sel, "optgroup");
	assert_lacks(sel, "value=\"food\"");
	assert_has(sel, "<option value=\"env\">环境保护</option>");
	free(sel);
	free(page);
	pairs_free(&in);
}

static void test_form_context_selects(void **state)
{
	struct form_view v = view(LANG_ZH);
	struct pairs in;
	struct answer_errors errs;
	char *page, *sel, buf[256];

	(void)state;
	v.token = NULL;
	v.ask_context = true;
	v.agencies = agencies;
	v.nagencies = ARRAY_SIZE(agencies);
	v.domains = domains;
	v.ndomains = ARRAY_SIZE(domains);
	pairs_init(&in);
	pairs_add(&in, "_agency", "A02");
	v.values = &in;
	memset(&errs, 0, sizeof(errs));
	answer_errors_add(&errs, "_domain", ANSWER_REQUIRED);
	v.errors = &errs;
	page = render(&v);
	check_page(page, "zh-CN");

	assert_has(page, "<label for=\"f-_agency\">请选择被评价的执法单位");
	assert_has(page, "<label for=\"f-_domain\">请选择执法领域");
	assert_int_equal(count(page, ">必答<"), 4);
	sel = slice(page, "<select id=\"f-_agency\"", "</select>");
	assert_has(sel, "name=\"_agency\" required");
	assert_has(sel, "<option value=\"\">请选择</option>");
	assert_true(strstr(sel, "value=\"\"") < strstr(sel, "value=\"A01\""));
	assert_has(sel, "<option value=\"A01\">市市场监督管理局</option>");
	assert_has(sel, "<option value=\"A02\" selected>市生态环境局</option>");
	assert_has(sel, "<option value=\"A03\">局&lt;b&gt;名&lt;/b&gt;</option>");
	assert_int_equal(count(sel, "selected"), 1);
	assert_lacks(sel, "aria-invalid");
	free(sel);
	sel = slice(page, "<select id=\"f-_domain\"", "</select>");
	assert_has(sel, "<option value=\"food\">食品安全</option>");
	assert_lacks(sel, "selected");
	assert_has(sel, "aria-invalid=\"true\" aria-describedby=\"e-_domain\"");
	free(sel);
	assert_has(page, "id=\"e-_domain\"");
	snprintf(buf, sizeof(buf), "<a href=\"#q-_domain\">请选择执法领域：%s</a>",
	         answer_err_message(ANSWER_REQUIRED, LANG_ZH));
	assert_has(page, buf);
	assert_has(page, "id=\"q-_domain\"");
	/* The selects are inside the form. */
	assert_true(strstr(page, "<form") < strstr(page, "name=\"_agency\""));
	free(page);

	v.lang = LANG_EN;
	v.errors = NULL;
	page = render(&v);
	check_page(page, "en");
	assert_has(page, "Please choose the agency");
	assert_has(page, "<option value=\"A02\" selected>Ecology and Environment Bureau</option>");
	assert_has(page, "Bureau &lt;b&gt;name&lt;/b&gt;");
	free(page);
	pairs_free(&in);
}

static void test_form_context_notice(void **state)
{
	struct form_view v = view(LANG_ZH);
	char *page;

	(void)state;
	v.context = "本次评价对象：市市场监督管理局 · 2022-04-11 检查 <i>";
	v.notice = "此链接已使用 & 不能再次提交";
	page = render(&v);
	check_page(page, "zh-CN");
	assert_has(page, "<p class=\"context\">本次评价对象：市市场监督管理局 · "
	                 "2022-04-11 检查 &lt;i&gt;</p>");
	assert_has(page, "<div class=\"notice\" role=\"status\"><p>此链接已使用 &amp; 不能再次提交</p></div>");
	free(page);
}

static void test_thanks_page(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b);
	html_thanks_page(&b, sv, LANG_ZH);
	check_page(b.data, "zh-CN");
	assert_has(b.data, "<h1>感谢您的评价</h1>");
	assert_has(b.data, "执法满意度调查");
	assert_has(b.data, "本调查由独立第三方评估机构开展");
	assert_lacks(b.data, "<form");
	sbuf_reset(&b);

	html_thanks_page(&b, sv, LANG_EN);
	check_page(b.data, "en");
	assert_has(b.data, "<h1>Thank you for your feedback</h1>");
	assert_has(b.data, "Enforcement survey");
	sbuf_reset(&b);

	html_thanks_page(&b, NULL, LANG_EN);
	check_page(b.data, "en");
	assert_has(b.data, "Thank you");
	sbuf_free(&b);
}

/* The call-back consent: only when offered; values and errors kept, escaped. */
static void test_form_callback(void **state)
{
	struct form_view v = view(LANG_ZH);
	struct pairs in;
	struct answer_errors errs = {.n = 0};
	(void)state;
	char *page = render(&v);
	assert_lacks(page, "_callback");
	free(page);
	v.callback = true;
	page = render(&v);
	check_page(page, "zh-CN");
	char *fs = slice(page, "id=\"q-_callback\"", "</fieldset>");
	assert_has(fs, "name=\"_callback\" value=\"yes\">");
	assert_has(fs, "看不到我的电话");
	assert_has(fs, "name=\"_phone\"");
	free(fs);
	free(page);
	pairs_init(&in);
	pairs_add(&in, "_callback", "yes");
	pairs_add(&in, "_phone", "\"><b>1</b>");
	answer_errors_add(&errs, "_phone", ANSWER_OUT_OF_RANGE);
	v.values = &in;
	v.errors = &errs;
	v.lang = LANG_EN;
	page = render(&v);
	check_page(page, "en");
	assert_has(page, "<a href=\"#f-_phone\">This is not a phone number we can call");
	assert_has(page, "value=\"yes\" checked");
	assert_has(page, "value=\"&quot;&gt;&lt;b&gt;1&lt;/b&gt;\"");
	assert_has(page, "aria-invalid=\"true\"");
	assert_lacks(page, "<b>1</b>");
	free(page);
	pairs_free(&in);
}

/* The thanks page's case note, and the /followup page in its two states. */
static void test_followup_pages(void **state)
{
	struct sbuf b;
	(void)state;
	sbuf_init(&b);
	struct html_followup_note n = {"FU-ABCDEFGHJK", "ABCD-EFGH-2345", "2026-12-08"};
	html_thanks_case_page(&b, sv, LANG_ZH, &n);
	check_page(b.data, "zh-CN");
	assert_has(b.data, "FU-ABCDEFGHJK");
	assert_has(b.data, "ABCD-EFGH-2345");
	assert_has(b.data, "答复期限：2026-12-08");
	sbuf_reset(&b);
	n.reply_due = "";
	html_thanks_case_page(&b, sv, LANG_EN, &n);
	check_page(b.data, "en");
	assert_has(b.data, "set once next year");
	sbuf_reset(&b);
	struct html_followup_page p = {.lang = LANG_ZH, .csrf = "C1", .typed = "<x>",
	                               .error = HTML_FU_ERR_WRONG};
	html_followup_page(&b, &p);
	check_page(b.data, "zh-CN");
	assert_has(b.data, "没有找到这个追评码");
	assert_has(b.data, "value=\"&lt;x&gt;\"");
	assert_lacks(b.data, "<x>");
	sbuf_reset(&b);
	struct followup_view fv = {.id = 1, .code = "FU-ABCDEFGHJK", .state = "replied",
	                           .opened_on = "2026-11-30", .reply_due = "2026-12-07",
	                           .reply_kind = "rectify", .reply_note = "<i>we will</i>",
	                           .rectify_by = "2026-12-20"};
	p = (struct html_followup_page){.lang = LANG_EN, .csrf = "C1", .typed = "ABCD-EFGH-2345",
	                                .view = &fv, .survey = sv};
	html_followup_page(&b, &p);
	check_page(b.data, "en");
	assert_has(b.data, "Replied, under review");
	assert_has(b.data, "To be put right");
	assert_has(b.data, "&lt;i&gt;we will&lt;/i&gt;");
	assert_has(b.data, "name=\"score\" value=\"1\"");
	assert_has(b.data, "name=\"_rate\" value=\"1\"");
	sbuf_reset(&b);
	fv.rated = true;
	fv.score = 2;
	html_followup_page(&b, &p);
	assert_lacks(b.data, "name=\"score\"");
	assert_has(b.data, "Your rating: ");
	sbuf_free(&b);
}

static void test_message_page(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b);
	html_message_page(&b, LANG_ZH, "页面不存在", "找不到 <script>alert('x')</script> 调查。");
	check_page(b.data, "zh-CN");
	assert_has(b.data, "<title>页面不存在</title>");
	assert_has(b.data, "<h1>页面不存在</h1>");
	assert_has(b.data, "<p>找不到 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; 调查。</p>");
	sbuf_reset(&b);

	html_message_page(&b, LANG_EN, "Link already used", "This invitation <b>was</b> used.");
	check_page(b.data, "en");
	assert_has(b.data, "<h1>Link already used</h1>");
	assert_has(b.data, "This invitation &lt;b&gt;was&lt;/b&gt; used.");
	assert_has(b.data, "independent third-party");
	sbuf_reset(&b);

	html_message_page(&b, LANG_ZH, NULL, NULL);
	check_page(b.data, "zh-CN");
	sbuf_free(&b);
}

/* The sign-in page: both forms, labels for every field, lang and next
 * carried, what the person typed escaped, the message as an alert. */
static void test_signin_page(void **state)
{
	struct sbuf b;
	(void)state;
	sbuf_init(&b);
	struct html_signin v = {.lang = LANG_ZH, .next = "", .username = "", .lang_href = "/signin?lang=en"};
	html_signin_page(&b, &v, NULL);
	check_page(b.data, "zh-CN");
	assert_has(b.data, "<title>登录</title>");
	assert_int_equal(count(b.data, "<form method=\"post\" action=\"/signin\">"), 2);
	assert_has(b.data, "<label for=\"username\">用户名</label>");
	assert_has(b.data, "<label for=\"password\">密码</label>");
	assert_has(b.data, "<label for=\"key\">密钥</label>");
	assert_has(b.data, "id=\"username\" name=\"username\"");
	assert_has(b.data, "type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\"");
	assert_has(b.data, "href=\"/signin?lang=en\"");
	assert_has(b.data, "<input type=\"hidden\" name=\"lang\" value=\"zh\">");
	assert_lacks(b.data, "name=\"next\"");
	assert_lacks(b.data, "role=\"alert\"");
	assert_has(b.data, "href=\"/results\"");
	sbuf_reset(&b);

	v = (struct html_signin){.lang = LANG_EN, .next = "/dashboard/?a=1&b=\"2\"",
	                         .username = "<b>li</b>", .message = "Wrong <password>.",
	                         .lang_href = "/signin?lang=zh&next=x"};
	html_signin_page(&b, &v, NULL);
	check_page(b.data, "en");
	assert_has(b.data, "<title>Error: Sign in</title>");
	assert_has(b.data, "<div class=\"error-summary\" role=\"alert\">\n<p>Wrong &lt;password&gt;.</p>");
	assert_has(b.data, "value=\"&lt;b&gt;li&lt;/b&gt;\"");
	assert_int_equal(count(b.data, "<input type=\"hidden\" name=\"next\" value=\"/dashboard/?a=1&amp;b=&quot;2&quot;\">"), 2);
	assert_has(b.data, "href=\"/signin?lang=zh&amp;next=x\"");
	assert_has(b.data, "<label for=\"password\">Password</label>");
	assert_has(b.data, "href=\"/results?lang=en\"");
	assert_lacks(b.data, "<b>li</b>");
	assert_lacks(b.data, "action=\"/signout");
	sbuf_reset(&b);

	/* Signed in already: who, the way on, and a sign-out form with the token. */
	v = (struct html_signin){.lang = LANG_ZH, .next = "", .username = "",
	                         .signed_in = "li · <甲局> (A01)", .csrf = "tok\"en"};
	html_signin_page(&b, &v, NULL);
	check_page(b.data, "zh-CN");
	assert_has(b.data, "<p>您已登录：li · &lt;甲局&gt; (A01)</p>");
	assert_has(b.data, "<a href=\"/dashboard/\">进入工作台</a>");
	assert_has(b.data, "<form method=\"post\" action=\"/signout\">\n"
	                   "<input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">");
	assert_has(b.data, "退出登录");
	sbuf_free(&b);
}

/* A small rubric: two points items, a flag, a comment. */
static const char rubric_json[] =
	"{\"id\": \"rub\", \"version\": 1, \"audience\": \"reviewer\","
	" \"title\": {\"zh\": \"评查表\", \"en\": \"Rubric\"},"
	" \"intro\": {\"zh\": \"逐项评分\", \"en\": \"Score each item\"},"
	" \"items\": ["
	"  {\"id\": \"facts\", \"type\": \"points\", \"max\": 15, \"text\": {\"zh\": \"事实<清楚>\", \"en\": \"Facts\"}},"
	"  {\"id\": \"law\", \"type\": \"points\", \"max\": 5, \"text\": {\"zh\": \"适用法律\", \"en\": \"Law\"}},"
	"  {\"id\": \"no_authority\", \"type\": \"flag\", \"text\": {\"zh\": \"无权\", \"en\": \"No authority\"}},"
	"  {\"id\": \"comment\", \"type\": \"text\", \"text\": {\"zh\": \"意见\", \"en\": \"Comment\"}}]}";

/* The reviewer's pages: labels, the max shown, yes/no radios in a
 * fieldset, values and errors kept, every text escaped. */
static void test_review_pages(void **state)
{
	struct survey *rub = NULL;
	char msg[256];
	struct sbuf b;
	struct pairs values;
	struct answer_errors errs = {.n = 0};
	(void)state;
	assert_int_equal(survey_parse("rub", rubric_json, strlen(rubric_json), &rub, msg, sizeof msg), SURVEY_OK);
	sbuf_init(&b);
	pairs_init(&values);
	pairs_add(&values, "facts", "\"><script>x</script>");
	pairs_add(&values, "no_authority", "no");
	pairs_add(&values, "comment", "</textarea><b>x</b>");
	answer_errors_add(&errs, "facts", ANSWER_OUT_OF_RANGE);
	answer_errors_add(&errs, "law", ANSWER_REQUIRED);
	struct html_review_form v = {
		.lang = LANG_ZH, .survey = rub, .case_id = "C<1>", .agency = "甲\"局", .domain = "市场",
		.kind = "行政处罚", .decided_on = "2025-01-02", .outcome = "予以处罚", .enterprise = true,
		.values = &values, .errors = &errs, .csrf = "to\"k", .lang_href = "/review/C1?lang=en",
	};
	html_review_form_page(&b, &v, NULL);
	check_page(b.data, "zh-CN");
	assert_has(b.data, "<label for=\"f-facts\">事实&lt;清楚&gt;</label>");
	assert_has(b.data, "满分 15 分");
	assert_has(b.data, "min=\"0\" max=\"15\" step=\"1\" required value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"");
	assert_has(b.data, "<fieldset class=\"q q-flag\" id=\"q-no_authority\">\n<legend>无权</legend>");
	assert_has(b.data, "id=\"f-no_authority-no\" name=\"no_authority\" value=\"no\" checked required>");
	assert_has(b.data, "&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;</textarea>");
	assert_has(b.data, "class=\"error-summary\" role=\"alert\"");
	assert_has(b.data, "<a href=\"#f-facts\">");
	assert_has(b.data, "<a href=\"#f-law\">");
	assert_has(b.data, "aria-describedby=\"h-facts e-facts\" aria-invalid=\"true\"");
	assert_has(b.data, "<dd>甲&quot;局</dd>");
	assert_has(b.data, "name=\"csrf\" value=\"to&quot;k\"");
	assert_has(b.data, "action=\"/review/C&lt;1&gt;\"");
	assert_has(b.data, "name=\"action\" value=\"draft\"");
	assert_has(b.data, "name=\"action\" value=\"submit\"");
	assert_lacks(b.data, "<script>x");
	assert_lacks(b.data, "<b>x</b>");
	sbuf_reset(&b);
	/* Submitted: read only, no form. */
	v.errors = NULL;
	v.submitted = true;
	v.lang = LANG_EN;
	html_review_form_page(&b, &v, NULL);
	check_page(b.data, "en");
	assert_lacks(b.data, "<form");
	assert_has(b.data, "cannot be changed");
	sbuf_reset(&b);
	/* The queue. */
	const struct html_review_row rows[] = {
		{"A-1", "<甲局>", "市场", "行政处罚", "2025-01-02", 0},
		{"A-2", "乙局", "生态", "行政检查", "2025-02-03", 2},
	};
	struct html_review_queue q = {.lang = LANG_ZH, .reviewer = "R01", .reviewer_name = "王<律师>",
	                              .rows = rows, .n = 2, .csrf = "c", .lang_href = "/review?lang=en"};
	html_review_queue_page(&b, &q, NULL);
	check_page(b.data, "zh-CN");
	assert_has(b.data, "<a href=\"/review/A-1\">A-1");
	assert_has(b.data, "&lt;甲局&gt;");
	assert_has(b.data, "王&lt;律师&gt; (R01)");
	assert_has(b.data, "待评查");
	assert_has(b.data, "已提交");
	assert_has(b.data, "<th scope=\"col\">执法机关</th>");
	assert_has(b.data, "action=\"/signout\"");
	sbuf_free(&b);
	pairs_free(&values);
	survey_free(rub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_appends_and_null),
		cmocka_unit_test(test_form_zh),
		cmocka_unit_test(test_form_en),
		cmocka_unit_test(test_form_token),
		cmocka_unit_test(test_form_values_kept),
		cmocka_unit_test(test_form_errors),
		cmocka_unit_test(test_form_context_selects),
		cmocka_unit_test(test_form_domains_by_agency),
		cmocka_unit_test(test_form_context_notice),
		cmocka_unit_test(test_thanks_page),
		cmocka_unit_test(test_form_callback),
		cmocka_unit_test(test_followup_pages),
		cmocka_unit_test(test_message_page),
		cmocka_unit_test(test_review_pages),
		cmocka_unit_test(test_signin_page),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
