/*
 * efficacy_methods — the report's methods appendix, written from the
 * evaluation (weights, bands, seed, simulations, weighting, measure, the
 * sample sizes) and the detail (response rates, inter-rater reliability,
 * the suppression threshold): nothing in it is typed by hand.
 */
#include <math.h>
#include <string.h>

#include "efficacy_internal.h"

static void para(struct sbuf *b, const char *title)
{
	sbuf_adds(b, "<h3>");
	efr_esc(b, title);
	sbuf_adds(b, "</h3><p>");
}

static double sum_of(const cJSON *ev, const char *k)
{
	const cJSON *a;
	double s = 0;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ev, "agencies"))
		if (!isnan(jnum(a, k)))
			s += jnum(a, k);
	return s;
}

static void list_numbers(struct sbuf *b, const cJSON *arr, const char *sep)
{
	const cJSON *v;
	size_t i = 0;
	cJSON_ArrayForEach(v, arr) {
		sbuf_adds(b, i++ ? sep : "");
		efr_num(b, cJSON_IsNumber(v) ? v->valuedouble : NAN, v->valuedouble == floor(v->valuedouble) ? 0 : 2);
	}
}

static void rates(struct sbuf *b, const cJSON *detail, enum lang l)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(detail, "rates"), "overall");
	para(b, L("抽样与应答", "Sample and response"));
	if (!cJSON_IsObject(o) || !(jnum(o, "sampled") > 0)) {
		efr_esc(b, L("无电话抽样的处置记录，未计算AAPOR应答率。",
		             "No dispositions of a phone sample: the AAPOR rates are not computed."));
		sbuf_adds(b, "</p>");
		return;
	}
	sbuf_printf(b, L("电话抽样共 %.0f 户，完成 %.0f 份。AAPOR应答率：RR1 ", "The phone sample held %.0f encounters, %.0f completed. AAPOR rates: RR1 "),
	            jnum(o, "sampled"), jnum(o, "I"));
	efr_num(b, 100 * jnum(o, "rr1"), 1);
	sbuf_adds(b, "%，RR3 ");
	efr_num(b, 100 * jnum(o, "rr3"), 1);
	sbuf_adds(b, L("%，合作率COOP1 ", "%, cooperation COOP1 "));
	efr_num(b, 100 * jnum(o, "coop1"), 1);
	sbuf_adds(b, L("%，拒访率REF1 ", "%, refusal REF1 "));
	efr_num(b, 100 * jnum(o, "ref1"), 1);
	sbuf_adds(b, L("%（RR3中未知资格者的合格比例 e = ", "% (RR3's eligibility of the unknown e = "));
	efr_num(b, jnum(o, "e"), 3);
	sbuf_adds(b, L("）。</p>", ").</p>"));
}

static void agreement(struct sbuf *b, const cJSON *detail, enum lang l)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(detail, "agreement");
	para(b, L("案卷评查设计与评查者一致性", "Case-review design and inter-rater reliability"));
	efr_esc(b, L("案卷按执法机关分层随机抽取（分层样本，有限总体校正取各机关登记案件数），每份案卷按评查细则计分，"
	             "得分换算为0–100分；执法质量为分层估计的平均分及其标准误。",
	             "Case files are drawn at random within each agency (a stratified sample, the finite-population "
	             "correction from the cases each agency registered), scored on the rubric and rescaled to 0–100; "
	             "quality is the stratified mean and its standard error."));
	if (cJSON_IsObject(g) && jnum(g, "files") > 0) {
		sbuf_printf(b, L("双人独立评查案卷 %.0f 份：ICC(1) = ", " %.0f files were reviewed twice, independently: ICC(1) = "),
		            jnum(g, "files"));
		efr_num(b, jnum(g, "icc1"), 3);
		sbuf_adds(b, "，ICC(1,k) = ");
		efr_num(b, jnum(g, "icc1k"), 3);
		sbuf_adds(b, L("，重大问题判定的Cohen κ = ", ", Cohen's κ for a major defect = "));
		efr_num(b, jnum(g, "kappa"), 3);
		sbuf_adds(b, L("。", "."));
	} else {
		efr_esc(b, L("无双人评查案卷，未计算一致性。", " No file was reviewed twice: no agreement figure."));
	}
	sbuf_adds(b, "</p>");
}

/*
 * The integrity flags of the year (docs/integrity.md), when any answer
 * carries one: how many, and the agencies whose flagged answers rate them
 * higher than their others (p < 0.05).  Nothing when none is flagged.
 */
static void integrity(struct sbuf *b, const cJSON *detail, enum lang l)
{
	const cJSON *ig = cJSON_GetObjectItemCaseSensitive(detail, "integrity");
	const cJSON *ov = cJSON_GetObjectItemCaseSensitive(ig, "overall"), *a;
	if (!(jnum(ov, "flagged") > 0))
		return;
	para(b, L("刷评识别", "Integrity flags"));
	sbuf_printf(b, L("本年度计入统计的 %.0f 份答卷中 %.0f 份带有诚信标记（作答过快、集中提交、来自被评单位网络等）。",
	                 "Of the %.0f answers counted this year, %.0f carry an integrity flag (too fast, a burst "
	                 "from one network, from the agency's own network, ...)."),
	            jnum(ov, "n"), jnum(ov, "flagged"));
	size_t shown = 0;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ig, "agencies")) {
		if (!(jnum(a, "p") < 0.05 && jnum(a, "diff") > 0))
			continue;
		if (shown++ == 0)
			efr_esc(b, L("被标记答卷评分显著高于其他答卷（p < 0.05）的单位：",
			             " Agencies whose flagged answers rate them significantly higher than the others (p < 0.05): "));
		else
			efr_esc(b, L("、", ", "));
		efr_esc(b, l == LANG_ZH && jstr(a, "agency_name") ? jstr(a, "agency_name") : jstr(a, "agency"));
		sbuf_printf(b, L("（差异 %.1f，p = %.3g）", " (difference %.1f, p = %.3g)"), jnum(a, "diff"), jnum(a, "p"));
	}
	sbuf_adds(b, shown ? L("。", ".") : "");
	sbuf_adds(b, "</p>");
}

void efr_methods(struct sbuf *b, const cJSON *ev, const cJSON *detail, const struct efr_stamp *st,
                 enum lang l)
{
	const cJSON *bands = cJSON_GetObjectItemCaseSensitive(ev, "bands");
	const char *w = jstr(ev, "weighting"), *m = jstr(ev, "measure");
	double low_n = jnum(detail, "low_n");
	sbuf_adds(b, "<section class=\"page\" id=\"methods\"><h2>");
	efr_esc(b, L("附录：评价方法", "Appendix: methods"));
	sbuf_adds(b, "</h2>");
	para(b, L("样本量", "Sample sizes"));
	sbuf_printf(b, L("社会满意度问卷 %.0f 份，评查案卷 %.0f 份，共 %d 个执法机关。",
	                 "%.0f satisfaction answers, %.0f case files reviewed, %d agencies."),
	            sum_of(ev, "satisfaction_n"), sum_of(ev, "quality_n"),
	            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ev, "agencies")));
	sbuf_adds(b, "</p>");
	rates(b, detail, l);
	para(b, L("加权与置信区间", "Weighting and intervals"));
	sbuf_adds(b, L("社会满意度按“", "Satisfaction is the "));
	efr_esc(b, m ? m : "index");
	sbuf_adds(b, L("”口径计算，加权方式为“", " measure, weighted by \""));
	efr_esc(b, w ? w : "base");
	sbuf_adds(b, L("”（按执法机关分层的复杂抽样设计估计，与R survey包一致）。",
	               "\" (a stratified design by agency, as R's survey package computes it). "));
	sbuf_adds(b, L("报告中的95%置信区间为估计值±1.96倍标准误；监管履行率为全数统计，无抽样误差。",
	               "The 95% intervals shown are the estimate ± 1.96 standard errors; the supervision performance rate is a census, with no sampling error."));
	if (!isnan(low_n))
		sbuf_printf(b, L("样本量少于 %.0f 的分组不单独公布。", " Groups of fewer than %.0f answers are not published alone."), low_n);
	sbuf_adds(b, "</p>");
	agreement(b, detail, l);
	integrity(b, detail, l);
	para(b, L("监管履行率", "Supervision performance rate"));
	const char *rate = jstr(ev, "performance_rate");
	if (rate && strcmp(rate, "pooled") == 0)
		efr_esc(b, L("监管履行率 = 100 × Σ min(实际履行次数, 应履行次数) / Σ 应履行次数，合计各项年度有要求的职责；为全数统计，无抽样误差。",
		             "Performance rate = 100 × Σ min(performed, required) / Σ required over the duties with something required in the year; a census, with no sampling error."));
	else
		efr_esc(b, L("监管履行率 = 100 × 各项年度有要求职责的 min(1, 实际履行次数/应履行次数) 的平均；年度无要求的职责列出但不计入；为全数统计，无抽样误差。",
		             "Performance rate = 100 × the mean over the duties with something required in the year of min(1, performed/required); duties with nothing required are listed, not counted; a census, with no sampling error."));
	sbuf_adds(b, "</p>");
	para(b, L("综合指数、等次与排名", "Composite, grades and ranks"));
	sbuf_adds(b, L("综合效能指数 =（P×监管履行率 + Q×执法质量 + S×社会满意度）/（P+Q+S），权重 P,Q,S = ",
	               "Composite = (P·performance + Q·quality + S·satisfaction)/(P+Q+S), weights P,Q,S = "));
	list_numbers(b, cJSON_GetObjectItemCaseSensitive(ev, "weights"), ", ");
	sbuf_adds(b, L("；标准误 = √(Q²·SE质量² + S²·SE满意度²)/(P+Q+S)。等次分界：",
	               "; its SE = √(Q²·SE_quality² + S²·SE_satisfaction²)/(P+Q+S). Grade bands: "));
	for (int i = 0; i < 3; i++) {
		const cJSON *v = cJSON_GetArrayItem(bands, i);
		sbuf_printf(b, "%s%s ≥ ", i ? L("，", ", ") : "", efr_grade_name(efr_grades[i], l));
		efr_num(b, cJSON_IsNumber(v) ? v->valuedouble : NAN, 0);
	}
	sbuf_printf(b, L("，其下为%s。", ", %s below."), efr_grade_name("fail", l));
	sbuf_printf(b, L("排名区间与各等次概率由 %.0f 次模拟得出（Park–Miller 随机数，种子 %.0f），排名 1 为最优。",
	                 " Rank intervals and grade probabilities come from %.0f simulations (Park–Miller generator, seed %.0f); rank 1 is best."),
	            jnum(ev, "simulations"), jnum(ev, "seed"));
	sbuf_adds(b, L("方法版本：", " Method version: "));
	efr_esc(b, jstr(ev, "method"));
	sbuf_adds(b, "</p>");
	para(b, L("防篡改记录", "Tamper-evident record"));
	sbuf_printf(b, L("本报告生成时审计记录链头为 %lld %s：此前每条审计记录和每个已封存日的答卷都由它经 SHA-256 链接。"
	                 "任何人可用 manyi audit verify --head %s 核实此后记录未被改写。",
	                 "When this report was made the audit record's head was %lld %s: it commits, through "
	                 "SHA-256 chains, to every audit row before it and every sealed day of answers. Anyone "
	                 "can check with manyi audit verify --head %s that the record was not rewritten since."),
	            st->audit.id, st->audit.hash, st->audit.hash);
	sbuf_adds(b, "</p></section>\n");
}
