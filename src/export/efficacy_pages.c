/*
 * efficacy_pages — the report's page per agency, its chapter by domain and
 * its methods appendix, each written from the evaluation and the detail
 * (include/efficacy_report.h) in Chinese or English.
 */
#include <math.h>
#include <string.h>

#include "efficacy_internal.h"

static void h3(struct sbuf *b, const char *t)
{
	efr_cell(b, "h3", NULL, t);
}

static bool of_agency(const cJSON *row, const char *code)
{
	const char *a = jstr(row, "agency");
	return a && code && strcmp(a, code) == 0;
}

static void never_performed(struct sbuf *b, const cJSON *a, enum lang l)
{
	const cJSON *d, *list = cJSON_GetObjectItemCaseSensitive(a, "never_performed");
	sbuf_adds(b, "<p>");
	const cJSON *x, *none = cJSON_GetObjectItemCaseSensitive(a, "not_required");
	size_t k = 0;
	sbuf_printf(b, L("计入履行率的职责 %.0f 项（共 %.0f 项；年度无要求的不计入",
	                 "%.0f duties counted in the rate (of %.0f; those with nothing required in the year are not"),
	            jnum(a, "duties_counted"), jnum(a, "duties"));
	cJSON_ArrayForEach(x, none) {
		sbuf_adds(b, k++ ? L("、", ", ") : L("：", ": "));
		efr_esc(b, cJSON_GetStringValue(x));
	}
	sbuf_adds(b, L("）。", ")."));
	if (cJSON_GetArraySize(list) == 0) {
		efr_esc(b, L("无全年未履行的职责。", " No duty went unperformed all year."));
		sbuf_adds(b, "</p>");
		return;
	}
	efr_esc(b, L("全年未履行的职责：", " Duties never performed in the year:"));
	sbuf_adds(b, "</p>");
	const char *const nums[] = {L("名称", "Name"), L("应履行次数", "Required")};
	efr_thead(b, L("职责编号", "Duty"), nums, 2);
	cJSON_ArrayForEach(d, list) {
		sbuf_adds(b, "<tr>");
		efr_cell(b, "td", NULL, jstr(d, "duty_id"));
		efr_cell(b, "td", NULL, jstr(d, "name"));
		efr_td_num(b, jnum(d, "required"), 0);
		sbuf_adds(b, "</tr>");
	}
	sbuf_adds(b, "</table>");
}

static void grade_probabilities(struct sbuf *b, const cJSON *a, enum lang l)
{
	const cJSON *gp = cJSON_GetObjectItemCaseSensitive(a, "grade_p");
	h3(b, L("等次及其概率", "Grade and its probabilities"));
	sbuf_adds(b, "<p>");
	if (isnan(jnum(a, "rank")))
		sbuf_printf(b, L("评定等次：%s；数据不全，未排名。", "Grade: %s; not ranked: figures are missing."),
		            efr_grade_name(jstr(a, "grade"), l));
	else
		sbuf_printf(b, L("评定等次：%s；排名第 %.0f 名（95%%区间 第 %.0f–%.0f 名）。",
		                 "Grade: %s; rank %.0f (95%% interval %.0f–%.0f)."),
		            efr_grade_name(jstr(a, "grade"), l), jnum(a, "rank"), jnum(a, "rank_low"),
		            jnum(a, "rank_high"));
	sbuf_adds(b, "</p><table><tr>");
	for (int i = 0; i < 4; i++)
		efr_cell(b, "th", "n", efr_grade_name(efr_grades[i], l));
	sbuf_adds(b, "</tr><tr>");
	for (int i = 0; i < 4; i++) {
		double p = jnum(gp, efr_grades[i]);
		sbuf_adds(b, "<td class=\"n\">");
		efr_num(b, isnan(p) ? p : 100 * p, 1);
		sbuf_adds(b, isnan(p) ? "" : "%");
		sbuf_adds(b, "</td>");
	}
	sbuf_adds(b, "</tr></table>");
	efr_svg_grades(b, a, l);
}

static void diff_row(struct sbuf *b, const char *name, double d, double se)
{
	sbuf_adds(b, "<tr>");
	efr_cell(b, "td", NULL, name);
	sbuf_adds(b, "<td class=\"n\">");
	if (!isnan(d))
		sbuf_printf(b, "%+.1f", d);
	else
		sbuf_adds(b, "—");
	sbuf_adds(b, "</td><td class=\"n\">");
	if (!isnan(d) && !isnan(se))
		sbuf_printf(b, "%+.1f – %+.1f", d - EFR_Z95 * se, d + EFR_Z95 * se);
	else
		sbuf_adds(b, "—");
	sbuf_adds(b, "</td></tr>");
}

void efr_vs_previous(struct sbuf *b, const cJSON *a, enum lang l)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "vs_previous");
	h3(b, L("与上年比较", "Change from the year before"));
	if (!cJSON_IsObject(v)) {
		efr_cell(b, "p", "note", L("无上年评价。", "No evaluation of the year before."));
		return;
	}
	const char *const nums[] = {L("变化", "Change"), L("95%置信区间", "95% interval")};
	efr_thead(b, L("指标", "Dimension"), nums, 2);
	diff_row(b, L("监管履行率", "Supervision performance"), jnum(v, "performance_diff"), NAN);
	diff_row(b, L("执法质量", "Enforcement quality"), jnum(v, "quality_diff"), jnum(v, "quality_diff_se"));
	diff_row(b, L("社会满意度", "Social satisfaction"), jnum(v, "satisfaction_diff"),
	         jnum(v, "satisfaction_diff_se"));
	diff_row(b, L("综合效能指数", "Composite index"), jnum(v, "composite_diff"),
	         jnum(v, "composite_diff_se"));
	sbuf_adds(b, "</table><p class=\"note\">");
	sbuf_printf(b, L("比较年度：%.0f。", "Compared with %.0f."), jnum(v, "year"));
	sbuf_adds(b, "</p>");
}

/* A sensitivity scenario ("quality+10", "without_satisfaction") for people, into b. */
static void scenario_name(struct sbuf *b, const char *sc, enum lang l)
{
	static const char *const dims[][3] = {
		{"performance", "监管履行率", "performance"},
		{"quality", "执法质量", "quality"},
		{"satisfaction", "社会满意度", "satisfaction"},
	};
	for (size_t i = 0; sc && i < 3; i++) {
		size_t n = strlen(dims[i][0]);
		const char *name = dims[i][l == LANG_EN ? 2 : 1];
		if (strncmp(sc, dims[i][0], n) == 0 && (sc[n] == '+' || sc[n] == '-')) {
			sbuf_printf(b, L("%s权重%s分", "%s weight %s points"), name, sc + n);
			return;
		}
		if (strncmp(sc, "without_", 8) == 0 && strcmp(sc + 8, dims[i][0]) == 0) {
			sbuf_printf(b, L("不计%s", "without %s"), name);
			return;
		}
	}
	efr_esc(b, sc);
}

static void sensitivity(struct sbuf *b, const cJSON *a, enum lang l)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "grade_changes"), *s;
	h3(b, L("权重敏感性", "Sensitivity to the weights"));
	if (cJSON_GetArraySize(c) == 0) {
		efr_cell(b, "p", NULL, L("在各备选权重下等次不变。", "The grade holds under every other weighting tried."));
		return;
	}
	sbuf_adds(b, "<table><tr>");
	efr_cell(b, "th", NULL, L("情形", "Scenario"));
	efr_cell(b, "th", "n", L("综合指数", "Composite"));
	efr_cell(b, "th", NULL, L("等次", "Grade"));
	efr_cell(b, "th", "n", L("排名", "Rank"));
	sbuf_adds(b, "</tr>");
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(a, "sensitivity")) {
		const cJSON *x;
		bool changes = false;
		cJSON_ArrayForEach(x, c) changes |= cJSON_IsString(x) && jstr(s, "scenario") &&
		                                     strcmp(x->valuestring, jstr(s, "scenario")) == 0;
		if (!changes)
			continue;
		sbuf_adds(b, "<tr>");
		sbuf_adds(b, "<td>");
		scenario_name(b, jstr(s, "scenario"), l);
		sbuf_adds(b, "</td>");
		sbuf_adds(b, "<td class=\"n\">");
		efr_num(b, jnum(s, "composite"), 1);
		sbuf_adds(b, "</td>");
		efr_cell(b, "td", NULL, efr_grade_name(jstr(s, "grade"), l));
		sbuf_adds(b, "<td class=\"n\">");
		efr_num(b, jnum(s, "rank"), 0);
		sbuf_adds(b, "</td></tr>");
	}
	sbuf_adds(b, "</table>");
}

/* The satisfaction item that drags the agency: its lowest item significantly
 * below the city's (detail "items" with "significant" true), if any. */
static void drag(struct sbuf *b, const cJSON *a, const cJSON *detail, enum lang l)
{
	const cJSON *r, *low = NULL;
	const char *code = jstr(a, "agency");
	h3(b, L("拉低满意度的维度", "The satisfaction item that drags it"));
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(detail, "items"))) {
		efr_cell(b, "p", "note", L("无分项数据。", "No item figures available."));
		return;
	}
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(detail, "items")) {
		if (!of_agency(r, code) || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "significant")) ||
		    !(jnum(r, "diff") < 0))
			continue;
		if (low == NULL || jnum(r, "diff") < jnum(low, "diff"))
			low = r;
	}
	if (low == NULL) {
		efr_cell(b, "p", NULL, L("没有显著低于全市水平的分项。", "No item is significantly below the city's."));
		return;
	}
	/* The item's dimension: its text up to the first colon (依法执法：..., Lawfulness: ...). */
	const char *text = jname(low, "text", l, jstr(low, "item"));
	const char *colon = strstr(text, L("：", ":"));
	struct sbuf head;
	sbuf_init(&head);
	sbuf_add(&head, text, colon && colon != text ? (size_t)(colon - text) : strlen(text));
	sbuf_adds(b, "<p>“");
	efr_esc(b, head.data);
	sbuf_printf(b, L("”平均得分 %.2f（1–%.0f分），低于全市 %.2f 分（差异在95%%水平显著，Holm校正）。",
	                 "” averages %.2f (1–%.0f), %.2f below the city's (significant at 95%%, Holm-adjusted)."),
	            jnum(low, "estimate"), jnum(low, "points"), -jnum(low, "diff"));
	sbuf_free(&head);
	sbuf_adds(b, "</p>");
}

static void defects(struct sbuf *b, const cJSON *a, const cJSON *detail, enum lang l)
{
	const cJSON *r;
	const char *code = jstr(a, "agency");
	size_t k = 0;
	h3(b, L("案卷评查中最常见的问题", "The case-review defects found most often"));
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(detail, "defects")) {
		if (!of_agency(r, code) || !(jnum(r, "yes") > 0))
			continue;
		if (k++ == 0) {
			const char *const nums[] = {L("发现次数", "Found"), L("评查份数", "Reviews")};
			efr_thead(b, L("重大问题", "Major defect"), nums, 2);
		}
		sbuf_adds(b, "<tr>");
		efr_cell(b, "td", NULL, jname(r, "text", l, jstr(r, "item")));
		efr_td_num(b, jnum(r, "yes"), 0);
		efr_td_num(b, jnum(r, "reviews"), 0);
		sbuf_adds(b, "</tr>");
	}
	if (k)
		sbuf_adds(b, "</table>");
	else
		efr_cell(b, "p", NULL, L("评查未发现重大问题（或无评查数据）。", "No major defect found (or no review)."));
}

/* An encounter's outcome (CONTRACT §2) for people. */
static const char *outcome_name(const char *code, enum lang l)
{
	static const char *const names[][3] = {
		{"no_violation", "未发现违法", "No violation found"},
		{"corrected", "责令改正", "Ordered to correct"},
		{"warning", "警告", "Warning"},
		{"fined", "罚款", "Fined"},
		{"other", "其他", "Other"},
	};
	for (size_t i = 0; code && i < sizeof names / sizeof *names; i++)
		if (strcmp(code, names[i][0]) == 0)
			return names[i][l == LANG_EN ? 2 : 1];
	return code;
}

static void outcomes(struct sbuf *b, const cJSON *a, const cJSON *detail, enum lang l)
{
	const cJSON *r;
	const char *code = jstr(a, "agency");
	size_t k = 0;
	double low_n = isnan(jnum(detail, "low_n")) ? 30 : jnum(detail, "low_n");
	h3(b, L("按执法结果分的满意度", "Satisfaction by enforcement outcome"));
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(detail, "outcomes")) {
		if (!of_agency(r, code))
			continue;
		if (k++ == 0) {
			const char *const nums[] = {L("满意度", "Satisfaction"), L("95%置信区间", "95% interval"),
			                            L("样本量", "n")};
			efr_thead(b, L("执法结果", "Outcome"), nums, 3);
		}
		sbuf_adds(b, "<tr>");
		efr_cell(b, "td", NULL, jname(r, "outcome_name", l, outcome_name(jstr(r, "outcome"), l)));
		if (jnum(r, "n") < low_n) { /* under the threshold: not published (docs/statistics.md §6a) */
			efr_cell(b, "td", "n", L("样本不足，不公布", "too few answers: not shown"));
			sbuf_adds(b, "<td class=\"n\">—</td>");
			efr_td_num(b, jnum(r, "n"), 0);
			sbuf_adds(b, "</tr>");
			continue;
		}
		efr_td_num(b, jnum(r, "estimate"), 1);
		sbuf_adds(b, "<td class=\"n\">");
		efr_num(b, jnum(r, "ci_low"), 1);
		sbuf_adds(b, " – ");
		efr_num(b, jnum(r, "ci_high"), 1);
		sbuf_adds(b, "</td>");
		efr_td_num(b, jnum(r, "n"), 0);
		sbuf_adds(b, "</tr>");
	}
	if (k)
		sbuf_adds(b, "</table>");
	else
		efr_cell(b, "p", "note", L("无按执法结果分的数据。", "No figures by outcome available."));
}

void efr_agency_page(struct sbuf *b, const cJSON *a, const cJSON *detail, bool chapter, enum lang l)
{
	const char *code = jstr(a, "agency");
	const char *src = jstr(a, "quality_source");
	sbuf_adds(b, "<section class=\"page agency\" id=\"agency-");
	efr_esc(b, code);
	sbuf_adds(b, "\">");
	if (chapter)
		efr_cell(b, "h2", "chapter", L("二、各执法机关情况", "2. The agencies"));
	sbuf_adds(b, "<h2>");
	efr_esc(b, jname(a, "agency_name", l, code));
	sbuf_adds(b, "（");
	efr_esc(b, code);
	sbuf_adds(b, "）</h2>");
	efr_figures_head(b, l);
	efr_row_figure(b, L("监管履行率", "Supervision performance"), jnum(a, "performance"), NAN, NAN);
	efr_row_figure(b, src && strcmp(src, "imported") == 0 ? L("执法质量（外部评查）", "Enforcement quality (imported)")
	                                                      : L("执法质量", "Enforcement quality"),
	               jnum(a, "quality"), jnum(a, "quality_se"), jnum(a, "quality_n"));
	efr_row_figure(b, L("社会满意度", "Social satisfaction"), jnum(a, "satisfaction"),
	               jnum(a, "satisfaction_se"), jnum(a, "satisfaction_n"));
	efr_row_figure(b, L("综合效能指数", "Composite efficacy index"), jnum(a, "composite"),
	               jnum(a, "composite_se"), NAN);
	sbuf_adds(b, "</table>");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "satisfaction_low_n")))
		efr_cell(b, "p", "note", L("社会满意度答卷少于公布门槛，区间较宽，结论须审慎。",
		                           "Social satisfaction rests on fewer answers than the publication "
		                           "threshold: its interval is wide, read it with care."));
	never_performed(b, a, l);
	grade_probabilities(b, a, l);
	efr_vs_previous(b, a, l);
	sensitivity(b, a, l);
	drag(b, a, detail, l);
	defects(b, a, detail, l);
	outcomes(b, a, detail, l);
	efr_followup(b, a, detail, l);
	sbuf_adds(b, "</section>\n");
}

void efr_domains(struct sbuf *b, const cJSON *ev, enum lang l)
{
	const cJSON *d;
	sbuf_adds(b, "<section class=\"page\" id=\"domains\"><h2>");
	efr_esc(b, L("三、分执法领域情况", "3. By enforcement domain"));
	sbuf_adds(b, "</h2>");
	const char *const nums[] = {L("监管履行率", "Supervision performance"), L("计入职责数", "Duties counted")};
	efr_thead(b, L("执法领域", "Domain"), nums, 2);
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(ev, "domains")) {
		sbuf_adds(b, "<tr>");
		efr_cell(b, "td", NULL, jname(d, "domain_name", l, jstr(d, "domain")));
		efr_td_num(b, jnum(d, "performance"), 1);
		efr_td_num(b, jnum(d, "duties_counted"), 0);
		sbuf_adds(b, "</tr>");
	}
	sbuf_adds(b, "</table></section>\n");
}
