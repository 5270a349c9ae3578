/*
 * efficacy_followup — the follow-up of bad ratings (差评整改) in the efficacy
 * report: on each agency's page its indicators for the year, from the
 * detail's "followup" member (followup_year_json(): the cases opened in
 * the year; docs/statistics.md §13).  Counts and shares of every case, not
 * estimates: no interval.
 */
#include <math.h>
#include <string.h>

#include "efficacy_internal.h"

/* A rate as a percentage with one decimal, or "—" when it has no denominator. */
static void td_rate(struct sbuf *b, double x)
{
	efr_td_num(b, isnan(x) ? NAN : 100 * x, 1);
}

/* The group of agency code in the indicators (its own for an agency's figures), or NULL. */
static const cJSON *group_of(const cJSON *ind, const char *code)
{
	const cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(ind, "groups")) {
		const char *a = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "by"), "agency"));
		if (a && code && strcmp(a, code) == 0)
			return g;
	}
	return NULL;
}

void efr_followup(struct sbuf *b, const cJSON *a, const cJSON *detail, enum lang l)
{
	const cJSON *ind = cJSON_GetObjectItemCaseSensitive(detail, "followup");
	if (ind == NULL)
		return; /* not asked for (an older caller): nothing to say */
	efr_cell(b, "h3", NULL, L("差评整改", "Follow-up of bad ratings"));
	const cJSON *g = group_of(ind, jstr(a, "agency"));
	if (g == NULL || !(jnum(g, "cases") > 0)) {
		efr_cell(b, "p", "note", L("本年度没有差评整改案件。",
		                           "No follow-up case was opened this year."));
		return;
	}
	const cJSON *ov = cJSON_GetObjectItemCaseSensitive(ind, "overall");
	const char *const nums[] = {L("本单位", "This agency"), L("全市", "City")};
	efr_thead(b, L("指标", "Indicator"), nums, 2);
	static const struct { const char *key, *zh, *en; int kind; } rows[] = {
		{"cases", "差评案件数", "Cases", 0},
		{"reply_rate", "差评回复率（%）", "Reply rate (%)", 1},
		{"on_time_rate", "按期回复率（%）", "Replied on time (%)", 1},
		{"rectification_rate", "回访整改率（%）", "Rectified and called back (%)", 1},
		{"callback_satisfaction_rate", "回访整改满意率（%）", "Satisfied with the handling (%)", 1},
		{"median_reply_workdays", "回复用时中位数（工作日）", "Median working days to reply", 2},
		{"overdue", "逾期未回复", "Overdue now", 0},
		{"excluded", "申诉成立剔除", "Excluded on appeal", 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		sbuf_adds(b, "<tr>");
		efr_cell(b, "td", NULL, L(rows[i].zh, rows[i].en));
		const cJSON *src[2] = {g, ov};
		for (int k = 0; k < 2; k++) {
			double x = jnum(src[k], rows[i].key);
			if (rows[i].kind == 1)
				td_rate(b, x);
			else
				efr_td_num(b, x, rows[i].kind == 2 ? 1 : 0);
		}
		sbuf_adds(b, "</tr>");
	}
	sbuf_adds(b, "</table>");
}
