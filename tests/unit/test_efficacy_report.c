/*
 * Tests for the efficacy report (include/efficacy_report.h) on an empty
 * database: every text escaped (HTML) or guarded (CSV), the stamp read back
 * from each format equal to the one computed, the same bytes twice, what
 * changes the method's and what the inputs' digest, and a bad evaluation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "efficacy_report.h"
#include "manyi_init.h"
#include "fixture.h"
#include "store.h"

static const char evaluation[] =
	"{\"year\":2023,\"weights\":[1,1,1],\"bands\":[90,80,60],\"weighting\":\"base\","
	"\"measure\":\"index\",\"seed\":7,\"method\":\"manyi-efficacy-1\",\"simulations\":1000,"
	"\"city\":{\"performance\":80,\"quality\":null},\"grades\":{\"excellent\":0,\"good\":1},"
	"\"agencies\":[{\"agency\":\"A\\\"01\",\"agency_name\":{\"zh\":\"<script>alert(1)</script>\","
	"\"en\":\"=HYPERLINK(1)\"},\"performance\":81.5,\"quality\":null,\"composite\":82,"
	"\"grade\":\"good\",\"grade_p\":{\"good\":1},\"rank\":1,\"rank_low\":1,\"rank_high\":1,"
	"\"never_performed\":[{\"duty_id\":\"D&1\",\"name\":\"a 'duty'\",\"required\":3}]}],"
	"\"domains\":[]}";

struct fixture {
	char path[64];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char msg[256];
	fixture_db_path(f->path, sizeof f->path, "efr");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	unlink(f->path);
	free(f);
	return 0;
}

/* The report of ev in f and l (caller frees). */
static char *render(struct store *s, const char *ev, enum efr_format f, enum lang l)
{
	struct sbuf out;
	char msg[256];
	sbuf_init(&out);
	assert_int_equal(efficacy_report(s, ev, NULL, f, l, &out, msg, sizeof msg), EFR_OK);
	return sbuf_detach(&out);
}

static void escaped(void **state)
{
	struct fixture *f = *state;
	char *zh = render(f->s, evaluation, EFR_HTML, LANG_ZH);
	assert_null(strstr(zh, "<script"));
	assert_non_null(strstr(zh, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(zh, "id=\"agency-A&quot;01\""));
	/* The charts label the agency by its name, escaped, not by its code. */
	assert_non_null(strstr(zh, "text-anchor=\"end\">&lt;script&gt;alert(1)&lt;/script&gt;</text>"));
	assert_non_null(strstr(zh, "<td>D&amp;1</td><td>a &#39;duty&#39;</td>"));
	char *csv = render(f->s, evaluation, EFR_CSV, LANG_EN);
	assert_non_null(strstr(csv, "2023,\"A\"\"01\",'=HYPERLINK(1),81.5,,"));
	free(csv);
	free(zh);
}

/* The methods appendix names the agencies whose flagged answers rate them
 * higher (docs/integrity.md), escaped; without flags it says nothing of them. */
static void integrity_paragraph(void **state)
{
	struct fixture *f = *state;
	static const char detail[] =
		"{\"low_n\":30,\"integrity\":{\"overall\":{\"n\":120,\"flagged\":9},\"agencies\":["
		"{\"agency\":\"A01\",\"agency_name\":\"<b>甲</b>\",\"diff\":18.5,\"p\":0.004},"
		"{\"agency\":\"A02\",\"agency_name\":\"乙\",\"diff\":2,\"p\":0.6}]}}";
	struct sbuf out;
	char msg[256];
	sbuf_init(&out);
	assert_int_equal(efficacy_report(f->s, evaluation, detail, EFR_HTML, LANG_ZH, &out, msg, sizeof msg), EFR_OK);
	assert_non_null(strstr(out.data, "刷评识别"));
	assert_non_null(strstr(out.data, "120 份答卷中 9 份带有诚信标记"));
	assert_non_null(strstr(out.data, "&lt;b&gt;甲&lt;/b&gt;（差异 18.5，p = 0.004）"));
	assert_null(strstr(out.data, "乙（"));
	sbuf_reset(&out);
	assert_int_equal(efficacy_report(f->s, evaluation, detail, EFR_HTML, LANG_EN, &out, msg, sizeof msg), EFR_OK);
	assert_non_null(strstr(out.data, "Integrity flags"));
	assert_non_null(strstr(out.data, "A01 (difference 18.5, p = 0.004)"));
	sbuf_free(&out);
	char *none = render(f->s, evaluation, EFR_HTML, LANG_ZH);
	assert_null(strstr(none, "刷评识别"));
	free(none);
}

static void stamp_round_trip(void **state)
{
	struct fixture *f = *state;
	struct efr_stamp st, back;
	char msg[256];
	assert_int_equal(efficacy_stamp(f->s, evaluation, &st, msg, sizeof msg), EFR_OK);
	assert_int_equal(st.year, 2023);
	assert_int_equal(strlen(st.inputs), 64);
	for (int fm = 0; fm < EFR__MAX; fm++) {
		char *a = render(f->s, evaluation, (enum efr_format)fm, LANG_ZH);
		char *b = render(f->s, evaluation, (enum efr_format)fm, LANG_ZH);
		assert_string_equal(a, b); /* the same bytes twice */
		assert_true(efficacy_stamp_read(a, &back));
		assert_int_equal(back.year, 2023);
		assert_string_equal(back.inputs, st.inputs);
		assert_string_equal(back.method, st.method);
		if (fm != EFR_CSV)
			for (size_t i = 0; i < EFR_PARTS; i++)
				assert_string_equal(back.part[i], st.part[i]);
		free(a);
		free(b);
	}
	assert_false(efficacy_stamp_read("<html>no stamp</html>", &back));
	assert_false(efficacy_stamp_read("{\"year\":2023}", &back));
	assert_false(efficacy_stamp_read("year,agency,x\r\n1,2\r\n", &back));
}

static void what_changes_the_stamp(void **state)
{
	struct fixture *f = *state;
	struct efr_stamp a, b;
	char msg[256], *other = strdup(evaluation);
	assert_int_equal(efficacy_stamp(f->s, evaluation, &a, msg, sizeof msg), EFR_OK);
	memcpy(strstr(other, "\"seed\":7") + 7, "8", 1);
	assert_int_equal(efficacy_stamp(f->s, other, &b, msg, sizeof msg), EFR_OK);
	assert_string_not_equal(a.method, b.method);
	assert_string_not_equal(a.inputs, b.inputs); /* the evaluation's text is an input too */
	assert_string_not_equal(a.part[0], b.part[0]);
	for (size_t i = 1; i < EFR_PARTS; i++)
		assert_string_equal(a.part[i], b.part[i]);
	free(other);
	other = strdup(evaluation);
	memcpy(strstr(other, "81.5"), "81.6", 4);
	assert_int_equal(efficacy_stamp(f->s, other, &b, msg, sizeof msg), EFR_OK);
	assert_string_equal(a.method, b.method);
	assert_string_not_equal(a.inputs, b.inputs);
	free(other);
}

static void bad_evaluation(void **state)
{
	struct fixture *f = *state;
	struct sbuf out;
	char msg[256];
	sbuf_init(&out);
	assert_int_equal(efficacy_report(f->s, "[]", NULL, EFR_HTML, LANG_ZH, &out, msg, sizeof msg),
	                 EFR_BAD_EVALUATION);
	assert_string_equal(msg, "the evaluation is not a JSON object");
	assert_int_equal(efficacy_report(f->s, "{\"year\":2023,\"agencies\":[]}", NULL, EFR_HTML, LANG_ZH,
	                                 &out, msg, sizeof msg),
	                 EFR_BAD_EVALUATION);
	assert_string_equal(msg, "the evaluation has no three \"weights\"");
	assert_int_equal(out.len, 0);
	sbuf_free(&out);
}

/* The follow-up of bad ratings on an agency's page: its figures beside the
 * city's, shares as percentages, "—" for a share with no denominator; and a
 * year without cases said so. */
static void followup_section(void **state)
{
	struct fixture *f = *state;
	static const char detail[] =
		"{\"followup\":{\"overall\":{\"cases\":8,\"excluded\":1,\"reply_rate\":0.875,"
		"\"on_time_rate\":0.5,\"rectification_rate\":0.25,\"callback_satisfaction_rate\":null,"
		"\"median_reply_workdays\":2.5,\"overdue\":1},"
		"\"groups\":[{\"by\":{\"agency\":\"A\\\"01\"},\"cases\":4,\"excluded\":0,\"reply_rate\":0.75,"
		"\"on_time_rate\":0.5,\"rectification_rate\":0.25,\"callback_satisfaction_rate\":1,"
		"\"median_reply_workdays\":3,\"overdue\":1}],\"overdue\":[]}}";
	struct sbuf out;
	char msg[256];
	sbuf_init(&out);
	assert_int_equal(efficacy_report(f->s, evaluation, detail, EFR_HTML, LANG_ZH, &out, msg, sizeof msg),
	                 EFR_OK);
	assert_non_null(strstr(out.data, "<h3>差评整改</h3>"));
	assert_non_null(strstr(out.data, "<td>差评回复率（%）</td><td class=\"n\">75.0</td><td class=\"n\">87.5</td>"));
	assert_non_null(strstr(out.data, "<td>回访整改满意率（%）</td><td class=\"n\">100.0</td><td class=\"n\">—</td>"));
	assert_non_null(strstr(out.data, "<td>差评案件数</td><td class=\"n\">4</td><td class=\"n\">8</td>"));
	sbuf_reset(&out);
	assert_int_equal(efficacy_report(f->s, evaluation, "{\"followup\":{\"overall\":{\"cases\":0},\"groups\":[]}}",
	                                 EFR_HTML, LANG_EN, &out, msg, sizeof msg), EFR_OK);
	assert_non_null(strstr(out.data, "No follow-up case was opened this year."));
	sbuf_reset(&out);
	assert_int_equal(efficacy_report(f->s, evaluation, "{}", EFR_HTML, LANG_EN, &out, msg, sizeof msg), EFR_OK);
	assert_null(strstr(out.data, "Follow-up of bad ratings"));
	sbuf_free(&out);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(integrity_paragraph, setup, teardown),
		cmocka_unit_test_setup_teardown(stamp_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(what_changes_the_stamp, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_evaluation, setup, teardown),
		cmocka_unit_test_setup_teardown(followup_section, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
