/*
 * test_page_cache — a form page from its template is byte for byte the
 * page html_form_page() renders afresh (both languages, the public form
 * and an invitation's, with and without the evaluator's settings), and a
 * change to the registry by another connection shows on the next page,
 * through the cache alone and through the application, as does a new
 * version of the survey.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "html.h"
#include "manyi_init.h"
#include "page_cache.h"
#include "store.h"
#include "survey.h"
#include "util.h"

static char dbpath[64];
static struct store *st;     /* the cache's connection */
static struct store *other;  /* another one, as `manyi import` would be */
static struct survey *sv;
static int version;

static int setup(void **state)
{
	char msg[512];
	bool created;

	(void)state;
	if (!manyi_init())
		return -1;
	snprintf(dbpath, sizeof dbpath, "/tmp/manyi-pc-XXXXXX");
	close(mkstemp(dbpath));
	unlink(dbpath);
	if (store_open(dbpath, true, &st, msg, sizeof msg) != STORE_OK ||
	    store_open(dbpath, false, &other, msg, sizeof msg) != STORE_OK)
		return -1;
	store_registry_put(st, REGISTRY_AGENCY, "A01", "甲局", "Bureau A", NULL);
	store_registry_put(st, REGISTRY_AGENCY, "A02", "乙局 <&>", "Bureau \"B\"", NULL);
	store_registry_put(st, REGISTRY_DOMAIN, "market", "市场", "Market", NULL);
	store_registry_put(st, REGISTRY_DOMAIN, "env", "环境", "Environment", NULL);
	store_agency_domain_add(st, "A01", "market");
	if (survey_load_file("surveys/enforcement-public.json", &sv, msg, sizeof msg) != SURVEY_OK) {
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	return store_survey_put(st, sv, &version, &created) == STORE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char p[80];
	survey_free(sv);
	store_close(other);
	store_close(st);
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

/* What the form handler does first: a read on the cache's connection. */
static void read_begins(void)
{
	int latest;
	assert_int_equal(store_survey_version(st, sv->id, &latest), STORE_OK);
	assert_int_equal(latest, version);
}

/*
 * The page of v through pc into *cached (caller frees), asserting it is
 * the fresh render of the same view.
 */
static char *page_checked(struct page_cache *pc, struct form_view *v)
{
	struct sbuf cached, fresh;
	sbuf_init(&cached);
	sbuf_init(&fresh);
	read_begins();
	assert_int_equal(page_cache_form(pc, st, sv->id, version, v, &cached), STORE_OK);
	html_form_page(&fresh, v);
	assert_int_equal(cached.len, fresh.len);
	assert_memory_equal(cached.data, fresh.data, fresh.len);
	sbuf_free(&fresh);
	return sbuf_detach(&cached);
}

/* Each language, public and invited, with and without the evaluator: twice each. */
static void test_template_is_fresh_render(void **state)
{
	(void)state;
	struct page_cache *pc = page_cache_new();
	const struct html_site sites[] = {
		{.evaluator = {"第三方 <评估>", "Evaluator & Co"}, .contact = "010-1234 \"x\""},
		{.evaluator = {"", ""}, .contact = ""},
	};
	const char *csrfs[] = {"AAAAAGsNZmHSgtEZ_x-1", "BBBB'<tok>"};
	const char *nonces[] = {"n0nce_A", NULL};
	/* Each token, and how the language link and the hidden _t show it. */
	const char *tokens[][3] = {
		{"Tok-en_01~x", "&amp;t=Tok-en_01~x\"", "name=\"_t\" value=\"Tok-en_01~x\""},
		{"t&k é<1>", "&amp;t=t%26k%20%C3%A9%3C1%3E\"", "name=\"_t\" value=\"t&amp;k é&lt;1&gt;\""},
	};

	for (int round = 0; round < 2; round++)
		for (size_t s = 0; s < ARRAY_SIZE(sites); s++)
			for (int l = 0; l < LANG__MAX; l++)
				for (int invited = 0; invited < 2; invited++) {
					struct form_view v = {
						.survey = sv, .lang = (enum lang)l,
						.action = "/s/enforcement-public",
						.csrf = csrfs[round], .nonce = nonces[round],
						.token = invited ? tokens[round][0] : NULL,
						.context = invited && round == 0 ? "甲局 · 市场 <2026-11-01> & co" : NULL,
						.ask_context = !invited, .site = &sites[s],
					};
					char *page = page_checked(pc, &v);
					if (invited) {
						assert_non_null(strstr(page, tokens[round][1]));
						assert_non_null(strstr(page, tokens[round][2]));
						assert_null(strstr(page, "name=\"_agency\""));
					} else {
						assert_non_null(strstr(page, l == LANG_ZH ? ">乙局 &lt;&amp;&gt;<"
						                                          : ">Bureau &quot;B&quot;<"));
						assert_null(strstr(page, "name=\"_t\""));
					}
					free(page);
				}
	page_cache_free(pc);
}

/* A form shown again (values, errors, a notice) is rendered whole, the same. */
static void test_form_again_is_fresh_render(void **state)
{
	(void)state;
	struct page_cache *pc = page_cache_new();
	struct pairs values;
	pairs_init(&values);
	pairs_add(&values, "_agency", "A01");
	pairs_add(&values, "_domain", "market");
	static struct answer_errors errs;
	answer_errors_add(&errs, "_domain", ANSWER_REQUIRED);
	for (int l = 0; l < LANG__MAX; l++) {
		struct form_view v = {
			.survey = sv, .lang = (enum lang)l, .action = "/s/enforcement-public",
			.csrf = "c", .nonce = "n", .ask_context = true,
			.values = &values, .errors = &errs, .notice = "请稍后",
		};
		free(page_checked(pc, &v));
		v.errors = NULL;
		v.notice = NULL;
		free(page_checked(pc, &v));
	}
	pairs_free(&values);
	page_cache_free(pc);
}

/* A new agency (another connection's commit) is on the next page. */
static void test_registry_change_shows(void **state)
{
	(void)state;
	struct page_cache *pc = page_cache_new();
	struct form_view v = {
		.survey = sv, .lang = LANG_ZH, .action = "/s/enforcement-public",
		.csrf = "c", .nonce = "n", .ask_context = true,
	};
	char *page = page_checked(pc, &v);
	assert_null(strstr(page, "A99"));
	free(page);

	bool created;
	assert_int_equal(store_registry_put(other, REGISTRY_AGENCY, "A99", "新局", "New bureau",
	                                    &created), STORE_OK);
	page = page_checked(pc, &v);
	assert_non_null(strstr(page, "<option value=\"A99\">新局</option>"));
	free(page);

	/* A domain an agency enforces, too. */
	assert_int_equal(store_agency_domain_add(other, "A99", "env"), STORE_OK);
	page = page_checked(pc, &v);
	assert_non_null(strstr(page, "<optgroup label=\"新局\">"));
	free(page);
	page_cache_free(pc);
}

static long mem_read(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return 0;
}

/* GET /s/{survey} through the application: 200 and the page. */
static void app_get(struct app *a, const char *query, struct http_response *r)
{
	struct http_request req = {
		.method = "GET", .path = "/s/enforcement-public", .query = query,
		.content_type = "", .cookie = "", .authorization = "", .accept_language = "",
		.remote_addr = "127.0.0.1", .content_length = -1, .read = mem_read,
	};
	http_response_init(r);
	app_handle(a, &req, r);
	sbuf_add(&r->body, "", 1); /* NUL-terminated for strstr */
	assert_int_equal(r->status, 200);
}

/* The text of file with its first from replaced by to; caller frees. */
static char *retitled(const char *file, const char *from, const char *to)
{
	FILE *f = fopen(file, "rb");
	static char text[65536];
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	char *at = strstr(text, from);
	assert_non_null(at);
	return xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* The same through the application, which keeps its cache between requests. */
static void test_registry_change_through_app(void **state)
{
	(void)state;
	struct app *a;
	struct http_response r;
	char msg[512];
	bool created;

	assert_int_equal(app_new(dbpath, &a, msg, sizeof msg), 0);
	app_get(a, "lang=en", &r);
	assert_null(strstr(r.body.data, "A77"));
	http_response_free(&r);
	app_get(a, "lang=en", &r);
	http_response_free(&r);

	assert_int_equal(store_registry_put(other, REGISTRY_AGENCY, "A77", "七局", "Bureau Seven",
	                                    &created), STORE_OK);
	app_get(a, "lang=en", &r);
	assert_non_null(strstr(r.body.data, "<option value=\"A77\">Bureau Seven</option>"));
	http_response_free(&r);
	app_get(a, "", &r);
	assert_non_null(strstr(r.body.data, "<option value=\"A77\">七局</option>"));
	http_response_free(&r);

	/* A new version of the survey (`manyi survey load`) is the next page. */
	struct survey *sv2;
	int v2;
	char *text = retitled("surveys/enforcement-public.json",
	                      "Public Satisfaction Survey on Administrative Law Enforcement",
	                      "A survey & its new title");
	assert_int_equal(survey_parse(sv->id, text, strlen(text), &sv2, msg, sizeof msg), SURVEY_OK);
	free(text);
	assert_int_equal(store_survey_put(other, sv2, &v2, &created), STORE_OK);
	assert_int_equal(v2, version + 1);
	app_get(a, "lang=en", &r);
	assert_non_null(strstr(r.body.data, "<h1>A survey &amp; its new title</h1>"));
	http_response_free(&r);
	survey_free(sv2);
	app_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_is_fresh_render),
		cmocka_unit_test(test_form_again_is_fresh_render),
		cmocka_unit_test(test_registry_change_shows),
		cmocka_unit_test(test_registry_change_through_app),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
