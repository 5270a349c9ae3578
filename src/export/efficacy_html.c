/*
 * efficacy_html — the efficacy report as one HTML page for A4 print: a
 * cover, the city's summary, a page per agency, a chapter by domain, the
 * methods appendix written from the data, and the stamp.  Every text goes
 * through efr_esc(); markup comes only from literals here.
 */
#include <math.h>
#include <string.h>

#include "efficacy_internal.h"




static const char css[] =
	"@page{size:A4;margin:18mm 16mm}"
	"html{font-size:10.5pt}"
	"body{font-family:'Noto Serif CJK SC','Source Han Serif SC','SimSun',serif;color:#111;"
	"margin:0 auto;max-width:178mm;line-height:1.5}"
	"section.page{break-after:page;page-break-after:always;padding:4mm 0}"
	"section.page:last-of-type{break-after:auto}"
	"h1{font-size:20pt;text-align:center;margin-top:50mm}h2{font-size:14pt;border-bottom:1px solid #444}"
	"h3{font-size:11.5pt;margin:4mm 0 1mm}"
	".sub{text-align:center;font-size:12pt}"
	"table{width:100%;border-collapse:collapse;table-layout:fixed;margin:2mm 0}"
	"th,td{border:1px solid #888;padding:1mm 1.5mm;text-align:left;vertical-align:top;"
	"overflow-wrap:anywhere;word-break:break-word}"
	"td.n,th.n{text-align:right}"
	"svg{display:block;max-width:100%;height:auto}"
	".note{font-size:9pt;color:#333}"
	"footer.stamp{font-size:7.5pt;font-family:monospace;overflow-wrap:anywhere;word-break:break-all;"
	"border-top:1px solid #888;margin-top:4mm}"
	".preview{border:2px solid #c62828;color:#c62828;padding:2mm;text-align:center;font-weight:bold}"
	"@media screen{body{padding:0 4mm}}";

void efr_esc(struct sbuf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': sbuf_adds(b, "&amp;"); break;
		case '<': sbuf_adds(b, "&lt;"); break;
		case '>': sbuf_adds(b, "&gt;"); break;
		case '"': sbuf_adds(b, "&quot;"); break;
		case '\'': sbuf_adds(b, "&#39;"); break;
		default: sbuf_addc(b, *s);
		}
	}
}

void efr_num(struct sbuf *b, double x, int d)
{
	if (isnan(x))
		sbuf_adds(b, "—");
	else
		sbuf_printf(b, "%.*f", d, x);
}

void efr_cell(struct sbuf *b, const char *tag, const char *cls, const char *text)
{
	sbuf_printf(b, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	efr_esc(b, text);
	sbuf_printf(b, "</%s>", tag);
}

void efr_row_figure(struct sbuf *b, const char *name, double x, double se, double n)
{
	sbuf_adds(b, "<tr>");
	efr_cell(b, "td", NULL, name);
	efr_td_num(b, x, 1);
	efr_td_num(b, se, 2);
	sbuf_adds(b, "<td class=\"n\">");
	if (!isnan(x) && !isnan(se))
		sbuf_printf(b, "%.1f – %.1f", x - EFR_Z95 * se, x + EFR_Z95 * se);
	else
		sbuf_adds(b, "—");
	sbuf_adds(b, "</td>");
	efr_td_num(b, n, 0);
	sbuf_adds(b, "</tr>");
}

void efr_thead(struct sbuf *b, const char *first, const char *const *nums, size_t n)
{
	sbuf_adds(b, "<table><tr>");
	efr_cell(b, "th", NULL, first);
	for (size_t i = 0; i < n; i++)
		efr_cell(b, "th", "n", nums[i]);
	sbuf_adds(b, "</tr>");
}

void efr_td_num(struct sbuf *b, double x, int d)
{
	sbuf_adds(b, "<td class=\"n\">");
	efr_num(b, x, d);
	sbuf_adds(b, "</td>");
}

void efr_figures_head(struct sbuf *b, enum lang l)
{
	const char *const nums[] = {L("得分", "Score"), L("标准误", "SE"), L("95%置信区间", "95% interval"),
	                            L("样本量", "n")};
	efr_thead(b, L("指标", "Dimension"), nums, 4);
}

static void head(struct sbuf *b, const cJSON *ev, const struct efr_stamp *st, enum lang l)
{
	sbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width\">\n<title>",
	            L("zh-CN", "en"));
	sbuf_printf(b, L("%d年度行政执法效能评价报告", "Enforcement efficacy evaluation report %d"),
	            st->year);
	sbuf_printf(b, "</title>\n<meta name=\"manyi-year\" content=\"%d\">\n", st->year);
	sbuf_printf(b, "<meta name=\"manyi-stamp-inputs\" content=\"%s\">\n", st->inputs);
	sbuf_printf(b, "<meta name=\"manyi-stamp-method\" content=\"%s\">\n", st->method);
	for (size_t i = 0; i < EFR_PARTS; i++)
		sbuf_printf(b, "<meta name=\"manyi-stamp-%s\" content=\"%s\">\n", efr_part_name(i),
		            st->part[i]);
	sbuf_printf(b, "<meta name=\"manyi-audit-head\" content=\"%lld %s\">\n", st->audit.id,
	            st->audit.hash);
	sbuf_printf(b, "<style>%s</style></head><body>\n", css);
	(void)ev;
}

static void cover(struct sbuf *b, const cJSON *ev, const struct efr_stamp *st, enum lang l)
{
	const char *m = jstr(ev, "method");
	sbuf_adds(b, "<section class=\"page\" id=\"cover\"><h1>");
	sbuf_printf(b, L("%d年度<br>行政执法效能评价报告", "Administrative Enforcement<br>Efficacy Evaluation %d"),
	            st->year);
	sbuf_adds(b, "</h1><p class=\"sub\">");
	efr_esc(b, L("监管履行率 · 执法质量 · 社会满意度", "Supervision performance · Enforcement quality · Social satisfaction"));
	sbuf_adds(b, "</p><p class=\"sub\">");
	sbuf_printf(b, L("共评价执法机关 %d 个", "%d enforcement agencies evaluated"),
	            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ev, "agencies")));
	sbuf_adds(b, "</p><p class=\"sub note\">");
	efr_esc(b, m ? m : "");
	sbuf_adds(b, "</p></section>\n");
}

/* Who is clearly ahead (the whole 95% rank interval above the middle),
 * clearly behind (below it), and who cannot be told apart. */
static void standing(struct sbuf *b, const cJSON *ev, enum lang l)
{
	const cJSON *agencies = cJSON_GetObjectItemCaseSensitive(ev, "agencies"), *a;
	double mid = (efr_ranked(ev) + 1) / 2.0;
	static const char *const zh[4] = {"明显领先", "明显落后", "无法区分", "未排名（数据不全）"};
	static const char *const en[4] = {"Clearly ahead", "Clearly behind", "Cannot be told apart",
	                                  "Not ranked (figures missing)"};
	sbuf_adds(b, "<h3>");
	efr_esc(b, L("排名的确定程度", "How sure the ranking is"));
	sbuf_adds(b, "</h3><p class=\"note\">");
	sbuf_printf(b, L("排名95%%区间整体位于中位名次（%.1f）之前者为明显领先，整体位于其后者为明显落后，其余无法区分。",
	                 "Clearly ahead: the whole 95%% rank interval lies above the middle rank (%.1f); clearly behind: below it; the rest cannot be told apart."),
	            mid);
	sbuf_adds(b, "</p><table>");
	for (int g = 0; g < 4; g++) {
		size_t k = 0;
		cJSON_ArrayForEach(a, agencies) {
			double lo = jnum(a, "rank_low"), hi = jnum(a, "rank_high");
			int which = isnan(lo) || isnan(hi) ? 3 : hi < mid ? 0 : lo > mid ? 1 : 2;
			if (which != g)
				continue;
			if (k++ == 0) {
				sbuf_adds(b, "<tr>");
				efr_cell(b, "th", NULL, L(zh[g], en[g]));
				sbuf_adds(b, "<td>");
			} else {
				sbuf_adds(b, L("；", "; "));
			}
			efr_esc(b, jname(a, "agency_name", l, jstr(a, "agency")));
			if (g < 3)
				sbuf_printf(b, L("（第%.0f–%.0f名）", " (ranks %.0f–%.0f)"), lo, hi);
		}
		if (k == 0 && g < 3) {
			sbuf_adds(b, "<tr>");
			efr_cell(b, "th", NULL, L(zh[g], en[g]));
			sbuf_adds(b, "<td>");
			efr_esc(b, L("无", "none"));
		}
		if (k > 0 || g < 3)
			sbuf_adds(b, "</td></tr>");
	}
	sbuf_adds(b, "</table>");
}

static void summary(struct sbuf *b, const cJSON *ev, enum lang l)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(ev, "city");
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(ev, "grades");
	sbuf_adds(b, "<section class=\"page\" id=\"summary\"><h2>");
	efr_esc(b, L("一、全市总体情况", "1. The city"));
	sbuf_adds(b, "</h2>");
	efr_figures_head(b, l);
	efr_row_figure(b, L("监管履行率", "Supervision performance"), jnum(c, "performance"), NAN, NAN);
	efr_row_figure(b, L("执法质量", "Enforcement quality"), jnum(c, "quality"), jnum(c, "quality_se"), NAN);
	efr_row_figure(b, L("社会满意度", "Social satisfaction"), jnum(c, "satisfaction"),
	           jnum(c, "satisfaction_se"), NAN);
	efr_row_figure(b, L("综合效能指数", "Composite efficacy index"), jnum(c, "composite"),
	           jnum(c, "composite_se"), NAN);
	sbuf_adds(b, "</table>");
	efr_vs_previous(b, c, l);
	sbuf_adds(b, "<h3>");
	efr_esc(b, L("等次分布", "Grades"));
	sbuf_adds(b, "</h3><table><tr>");
	for (int i = 0; i < 4; i++)
		efr_cell(b, "th", "n", efr_grade_name(efr_grades[i], l));
	sbuf_adds(b, "</tr><tr>");
	for (int i = 0; i < 4; i++) {
		sbuf_adds(b, "<td class=\"n\">");
		efr_num(b, jnum(g, efr_grades[i]), 0);
		sbuf_adds(b, "</td>");
	}
	sbuf_adds(b, "</tr></table><h3>");
	efr_esc(b, L("各机关综合效能指数及95%置信区间", "Each agency's composite index and its 95% interval"));
	sbuf_adds(b, "</h3>");
	efr_svg_composites(b, ev, l);
	standing(b, ev, l);
	efr_svg_ranks(b, ev, l);
	sbuf_adds(b, "</section>\n");
}

static void footer(struct sbuf *b, const struct efr_stamp *st, enum lang l)
{
	sbuf_adds(b, "<footer class=\"stamp\" id=\"stamp\"><p>");
	efr_esc(b, L("报告印记（SHA-256，manyi report verify 可据数据库复核）：",
	             "The report's stamp (SHA-256; manyi report verify checks it against the database):"));
	sbuf_printf(b, "</p><p>%s %s<br>%s %s</p><p class=\"note\">", L("输入", "inputs"), st->inputs,
	            L("方法", "method"), st->method);
	for (size_t i = 0; i < EFR_PARTS; i++)
		sbuf_printf(b, "%s %s<br>", efr_part_name(i), st->part[i]);
	sbuf_printf(b, "</p><p>%s %lld %s</p></footer>\n",
	            L("审计记录链头（manyi audit verify --head 可复核此后记录未被改写）：",
	              "The audit record's head (manyi audit verify --head checks the record was not rewritten since):"),
	            st->audit.id, st->audit.hash);
}

void efr_html(const cJSON *ev, const cJSON *detail, const struct efr_stamp *st, enum lang l,
              const struct efr_view *v, struct sbuf *out)
{
	const cJSON *a;
	head(out, ev, st, l);
	if (v && v->preview) {
		sbuf_adds(out, "<p class=\"preview\" id=\"preview\">");
		efr_esc(out, L("预览：本报告尚未公布，仅供核对，请勿外传。",
		               "Preview: this report is not published yet; for checking only, not to be passed on."));
		sbuf_adds(out, "</p>\n");
	}
	if (v == NULL || v->agency == NULL) {
		cover(out, ev, st, l);
		summary(out, ev, l);
	}
	bool chapter = v == NULL || v->agency == NULL;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ev, "agencies")) {
		const char *code = jstr(a, "agency");
		if (v == NULL || v->agency == NULL || (code && strcmp(code, v->agency) == 0))
			efr_agency_page(out, a, detail, chapter, l);
		chapter = false;
	}
	if (v == NULL || v->agency == NULL) {
		efr_domains(out, ev, l);
		efr_methods(out, ev, detail, st, l);
	}
	footer(out, st, l);
	sbuf_adds(out, "</body></html>\n");
}
