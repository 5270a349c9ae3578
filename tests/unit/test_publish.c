/* Tests for publish_suppress(): primary and secondary suppression. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish.h"

/*
 * A stats document with groups given as "A:n,B:n" (one column) or
 * "A|x:n,..." (two columns); a group is low_n when n < 30.
 */
static char *doc(const char *spec, int overall_n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "survey", "s");
	cJSON_AddNumberToObject(root, "cronbach_alpha", 0.8);
	cJSON *ov = cJSON_AddObjectToObject(root, "overall");
	cJSON_AddNumberToObject(ov, "n", overall_n);
	cJSON_AddNumberToObject(ov, "mean", 4);
	cJSON_AddBoolToObject(ov, "low_n", overall_n < 30);
	cJSON *groups = cJSON_AddArrayToObject(root, "groups");
	char *copy = strdup(spec);
	for (char *tok = strtok(copy, ","); tok != NULL; tok = strtok(NULL, ",")) {
		char *colon = strchr(tok, ':');
		*colon = '\0';
		int n = atoi(colon + 1);
		cJSON *g = cJSON_CreateObject();
		cJSON *by = cJSON_AddObjectToObject(g, "by");
		char *bar = strchr(tok, '|');
		if (bar != NULL) {
			*bar = '\0';
			cJSON_AddStringToObject(by, "agency", tok);
			cJSON_AddStringToObject(by, "domain", bar + 1);
		} else {
			cJSON_AddStringToObject(by, "agency", tok);
		}
		cJSON_AddNumberToObject(g, "n", n);
		cJSON_AddNumberToObject(g, "mean", 3.5);
		cJSON_AddBoolToObject(g, "low_n", n < 30);
		cJSON_AddItemToArray(groups, g);
	}
	free(copy);
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* The groups that came out hidden, as "A,B|x,..." in order. */
static char *hidden(const char *spec, int overall_n)
{
	char *in = doc(spec, overall_n);
	struct sbuf out;
	sbuf_init(&out);
	assert_true(publish_suppress(in, strlen(in), NULL, &out));
	cJSON *root = cJSON_Parse(out.data);
	assert_non_null(root);
	assert_null(cJSON_GetObjectItem(root, "cronbach_alpha"));
	struct sbuf h;
	sbuf_init(&h);
	cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "groups")) {
		bool sup = cJSON_IsTrue(cJSON_GetObjectItem(g, "suppressed"));
		/* A hidden group keeps its `by` and nothing else. */
		assert_true(!sup || (cJSON_GetObjectItem(g, "mean") == NULL && cJSON_GetObjectItem(g, "n") == NULL));
		assert_true(sup || cJSON_GetObjectItem(g, "mean") != NULL);
		if (!sup)
			continue;
		cJSON *by = cJSON_GetObjectItem(g, "by");
		cJSON *d = cJSON_GetObjectItem(by, "domain");
		sbuf_printf(&h, "%s%s%s%s", h.len ? "," : "", cJSON_GetObjectItem(by, "agency")->valuestring,
		            d ? "|" : "", d ? d->valuestring : "");
	}
	cJSON_Delete(root);
	sbuf_free(&out);
	free(in);
	char *r = sbuf_detach(&h);
	return r ? r : strdup("");
}

static void expect(const char *spec, int overall_n, const char *want)
{
	char *got = hidden(spec, overall_n);
	if (strcmp(got, want) != 0)
		fail_msg("%s: hidden \"%s\", want \"%s\"", spec, got, want);
	free(got);
}

static void one_column(void **state)
{
	(void)state;
	/* Nothing small: nothing hidden. */
	expect("A:40,B:50,C:60", 150, "");
	/* One small group alone could be worked out from the overall row:
	 * the smallest other one goes too. */
	expect("A:40,B:5,C:60", 105, "A,B");
	/* Two small ones already protect each other. */
	expect("A:4,B:5,C:60", 69, "A,B");
	/* A table of one group: it is the overall row itself. */
	expect("A:5", 5, "A");
}

static void two_columns(void **state)
{
	(void)state;
	/* A|y is small; the line A (A|x, A|y) and the line y (A|y, B|y) each
	 * need a second hidden group, and then the line x or B may too. */
	char *got = hidden("A|x:40,A|y:5,B|x:50,B|y:45", 140);
	/* Every line holds zero or at least two hidden groups. */
	const char *lines[][2] = {{"A|x", "A|y"}, {"B|x", "B|y"}, {"A|x", "B|x"}, {"A|y", "B|y"}};
	for (size_t i = 0; i < 4; i++) {
		int k = (strstr(got, lines[i][0]) != NULL) + (strstr(got, lines[i][1]) != NULL);
		if (k == 1)
			fail_msg("line %s,%s has one hidden group in \"%s\"", lines[i][0], lines[i][1], got);
	}
	assert_non_null(strstr(got, "A|y"));
	free(got);
	/* Nothing small in two columns: nothing hidden. */
	expect("A|x:40,A|y:35,B|x:50,B|y:45", 170, "");
}

static void overall_and_errors(void **state)
{
	(void)state;
	char *in = doc("A:5,B:6", 11);
	struct sbuf out;
	sbuf_init(&out);
	assert_true(publish_suppress(in, strlen(in), "2026-01-01T00:00:00Z", &out));
	cJSON *root = cJSON_Parse(out.data);
	cJSON *ov = cJSON_GetObjectItem(root, "overall");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(ov, "suppressed")));
	assert_null(cJSON_GetObjectItem(ov, "mean"));
	assert_string_equal(cJSON_GetObjectItem(root, "published_at")->valuestring, "2026-01-01T00:00:00Z");
	cJSON_Delete(root);
	sbuf_free(&out);
	free(in);
	sbuf_init(&out);
	assert_false(publish_suppress("[1,2]", 5, NULL, &out));
	assert_false(publish_suppress("{\"groups\":", 10, NULL, &out));
	sbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_column),
		cmocka_unit_test(two_columns),
		cmocka_unit_test(overall_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
