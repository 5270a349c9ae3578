/*
 * html_review — the pages of case-file review for a signed-in reviewer
 * (see html.h): the queue (GET /review) and a file's record with the
 * rubric's form (GET and POST /review/{case}).  Like the survey form:
 * every text escaped, a label for every control, a fieldset per flag,
 * the error summary at the top, no JavaScript.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_internal.h"

/* The review pages' fixed texts (not markup), by language. */
enum rv_str {
	RV_QUEUE_TITLE,
	RV_QUEUE_INTRO,
	RV_QUEUE_EMPTY,
	RV_CASE,
	RV_AGENCY,
	RV_DOMAIN,
	RV_KIND,
	RV_DECIDED,
	RV_ENTERPRISE,
	RV_OUTCOME,
	RV_RUBRIC,
	RV_STATE,
	RV_STATE_ASSIGNED,
	RV_STATE_DRAFT,
	RV_STATE_SUBMITTED,
	RV_OPEN,
	RV_VIEW,
	RV_YES,
	RV_NO,
	RV_RECORD,
	RV_NO_IDENTITY,
	RV_POINTS_LEGEND,
	RV_FLAGS_LEGEND,
	RV_MAX_PRE,
	RV_MAX_POST,
	RV_SAVE_DRAFT,
	RV_SUBMIT,
	RV_BACK,
	RV_SUBMITTED_NOTE,
	RV_TOTAL,
	RV_SIGNED_IN,
	RV__MAX
};

static const char *const rv_text[RV__MAX][LANG__MAX] = {
	[RV_QUEUE_TITLE] = {"我的评查案卷", "My case files to review"},
	[RV_QUEUE_INTRO] = {"以下是分配给您的案卷。打开一份案卷，按评查标准逐项评分；可以先保存草稿，"
	                    "提交后不能再修改。",
	                    "These are the case files assigned to you. Open a file and score it item by "
	                    "item; you can save a draft first. A submitted review cannot be changed."},
	[RV_QUEUE_EMPTY] = {"目前没有分配给您的案卷。", "No case files are assigned to you yet."},
	[RV_CASE] = {"案卷编号", "Case"},
	[RV_AGENCY] = {"执法机关", "Agency"},
	[RV_DOMAIN] = {"执法领域", "Domain"},
	[RV_KIND] = {"案件类型", "Kind"},
	[RV_DECIDED] = {"决定日期", "Decided on"},
	[RV_ENTERPRISE] = {"涉企案件", "Enterprise-related"},
	[RV_OUTCOME] = {"处理结果", "Outcome"},
	[RV_RUBRIC] = {"评查表", "Rubric"},
	[RV_STATE] = {"状态", "State"},
	[RV_STATE_ASSIGNED] = {"待评查", "To review"},
	[RV_STATE_DRAFT] = {"草稿已保存", "Draft saved"},
	[RV_STATE_SUBMITTED] = {"已提交", "Submitted"},
	[RV_OPEN] = {"评查", "Review"},
	[RV_VIEW] = {"查看", "View"},
	[RV_YES] = {"是", "Yes"},
	[RV_NO] = {"否", "No"},
	[RV_RECORD] = {"案卷信息", "The case file"},
	[RV_NO_IDENTITY] = {"案卷登记不含当事企业的身份信息。",
	                    "The case registry holds no identity of the enterprise concerned."},
	[RV_POINTS_LEGEND] = {"评分项目", "Points"},
	[RV_FLAGS_LEGEND] = {"重大缺陷（任一项为“是”，该案卷即为不合格卷）",
	                     "Major defects (any \"yes\" fails the file)"},
	[RV_MAX_PRE] = {"满分 ", "0 to "},
	[RV_MAX_POST] = {" 分", " points"},
	[RV_SAVE_DRAFT] = {"保存草稿", "Save draft"},
	[RV_SUBMIT] = {"提交评查结果", "Submit the review"},
	[RV_BACK] = {"返回我的案卷", "Back to my case files"},
	[RV_SUBMITTED_NOTE] = {"您已提交这份案卷的评查结果，不能再修改。",
	                       "You have submitted your review of this file; it cannot be changed."},
	[RV_TOTAL] = {"合计得分", "Total"},
	[RV_SIGNED_IN] = {"评查人员：", "Reviewer: "},
};

static void rv(struct sbuf *out, enum rv_str id, enum lang l)
{
	html_escape(out, rv_text[id][html_lang_ok(l)]);
}

/* "?lang=en" for English, "" for Chinese. */
static const char *lang_suffix(enum lang l)
{
	return l == LANG_EN ? "?lang=en" : "";
}

static const enum rv_str state_str[3] = {RV_STATE_ASSIGNED, RV_STATE_DRAFT, RV_STATE_SUBMITTED};

void html_review_queue_page(struct sbuf *out, const struct html_review_queue *v,
                            const struct html_site *site)
{
	enum lang l = html_lang_ok(v->lang);
	html_page_open(out, l, rv_text[RV_QUEUE_TITLE][l], false, v->lang_href);
	sbuf_adds(out, "<div class=\"panel review\">\n<h1>");
	rv(out, RV_QUEUE_TITLE, l);
	sbuf_adds(out, "</h1>\n<p class=\"who\">");
	rv(out, RV_SIGNED_IN, l);
	html_escape(out, v->reviewer_name);
	sbuf_adds(out, " (");
	html_escape(out, v->reviewer);
	sbuf_adds(out, ")</p>\n");
	if (v->notice != NULL && *v->notice != '\0') {
		sbuf_adds(out, "<div class=\"notice\" role=\"status\"><p>");
		html_escape(out, v->notice);
		sbuf_adds(out, "</p></div>\n");
	}
	sbuf_adds(out, "<p>");
	rv(out, RV_QUEUE_INTRO, l);
	sbuf_adds(out, "</p>\n");
	if (v->n == 0) {
		sbuf_adds(out, "<p class=\"empty\">");
		rv(out, RV_QUEUE_EMPTY, l);
		sbuf_adds(out, "</p>\n");
	} else {
		static const enum rv_str cols[] = {RV_CASE, RV_AGENCY, RV_DOMAIN, RV_KIND, RV_DECIDED,
		                                   RV_STATE};
		sbuf_adds(out, "<div class=\"table-wrap\">\n<table class=\"queue\">\n<caption>");
		rv(out, RV_QUEUE_TITLE, l);
		sbuf_adds(out, "</caption>\n<thead><tr>");
		for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
			sbuf_adds(out, "<th scope=\"col\">");
			rv(out, cols[i], l);
			sbuf_adds(out, "</th>");
		}
		sbuf_adds(out, "</tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < v->n; i++) {
			const struct html_review_row *row = &v->rows[i];
			int st = row->state >= 0 && row->state <= 2 ? row->state : 0;
			sbuf_printf(out, "<tr class=\"state-%d\"><th scope=\"row\"><a href=\"/review/", st);
			html_escape(out, row->case_id);
			sbuf_adds(out, lang_suffix(l));
			sbuf_adds(out, "\">");
			html_escape(out, row->case_id);
			sbuf_adds(out, "<span class=\"visually-hidden\"> ");
			rv(out, st == 2 ? RV_VIEW : RV_OPEN, l);
			sbuf_adds(out, "</span></a></th><td>");
			html_escape(out, row->agency);
			sbuf_adds(out, "</td><td>");
			html_escape(out, row->domain);
			sbuf_adds(out, "</td><td>");
			html_escape(out, row->kind);
			sbuf_adds(out, "</td><td>");
			html_escape(out, row->decided_on);
			sbuf_adds(out, "</td><td class=\"state\">");
			rv(out, state_str[st], l);
			sbuf_adds(out, "</td></tr>\n");
		}
		sbuf_adds(out, "</tbody>\n</table>\n</div>\n");
	}
	sbuf_adds(out, "<form method=\"post\" action=\"/signout");
	sbuf_adds(out, lang_suffix(l));
	sbuf_adds(out, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	html_escape(out, v->csrf);
	sbuf_adds(out, "\">\n<div class=\"actions\"><button type=\"submit\">");
	html_text(out, STR_SIGNOUT, l);
	sbuf_adds(out, "</button></div>\n</form>\n</div>\n");
	html_page_close_site(out, l, site);
}

/* One row of the record: <dt>label</dt><dd>value</dd>. */
static void record_row(struct sbuf *out, enum rv_str label, enum lang l, const char *value)
{
	sbuf_adds(out, "<dt>");
	rv(out, label, l);
	sbuf_adds(out, "</dt><dd>");
	html_escape(out, value);
	sbuf_adds(out, "</dd>\n");
}

/* The value entered for id, or "". */
static const char *value_of(const struct html_review_form *v, const char *id)
{
	const char *s = v->values != NULL ? pairs_get(v->values, id) : NULL;
	return s != NULL ? s : "";
}

static enum answer_err err_of(const struct html_review_form *v, const char *id)
{
	return v->errors != NULL ? answer_errors_for(v->errors, id) : ANSWER_OK;
}

/* The error line "e-ID" of an item with an error. */
static void item_error(struct sbuf *out, const struct item *it, enum answer_err e, enum lang l)
{
	if (e == ANSWER_OK)
		return;
	sbuf_adds(out, "<p class=\"field-error\" id=\"e-");
	html_escape(out, it->id);
	sbuf_adds(out, "\"><span class=\"visually-hidden\">");
	html_text(out, STR_ERR_PREFIX, l);
	sbuf_adds(out, "</span>");
	answer_err_explain(it, e, l, out);
	sbuf_adds(out, "</p>\n");
}

/* The error summary: one link per item with an error, in rubric order. */
static void review_errors(struct sbuf *out, const struct html_review_form *v, enum lang l)
{
	const struct survey *sv = v->survey;
	if (v->errors == NULL || v->errors->n == 0)
		return;
	sbuf_adds(out, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" "
	               "tabindex=\"-1\">\n<h2 id=\"error-summary-title\">");
	html_text(out, STR_ERR_HEADING, l);
	sbuf_adds(out, "</h2>\n<ul>\n");
	for (size_t i = 0; i < sv->nitems; i++) {
		const struct item *it = &sv->items[i];
		enum answer_err e = err_of(v, it->id);
		if (e == ANSWER_OK)
			continue;
		sbuf_adds(out, "<li><a href=\"#f-");
		html_escape(out, it->id);
		sbuf_adds(out, it->type == ITEM_FLAG ? "-yes" : "");
		sbuf_adds(out, "\">");
		html_escape(out, html_i18n(&it->text, l));
		html_text(out, STR_COLON, l);
		answer_err_explain(it, e, l, out);
		sbuf_adds(out, "</a></li>\n");
	}
	sbuf_adds(out, "</ul>\n</div>\n");
}

/* Open a field's <div> and write its label; the item's error, if any. */
static enum answer_err field_open(struct sbuf *out, const struct html_review_form *v,
                                  const struct item *it, enum lang l)
{
	enum answer_err e = err_of(v, it->id);
	sbuf_adds(out, e != ANSWER_OK ? "<div class=\"field has-error\">\n" : "<div class=\"field\">\n");
	sbuf_adds(out, "<label for=\"f-");
	html_escape(out, it->id);
	sbuf_adds(out, "\">");
	html_escape(out, html_i18n(&it->text, l));
	sbuf_adds(out, "</label>\n");
	return e;
}

/* A points item: its label (with the maximum), hint, error and a number input. */
static void points_field(struct sbuf *out, const struct html_review_form *v, const struct item *it,
                         enum lang l)
{
	enum answer_err e = field_open(out, v, it, l);
	sbuf_adds(out, "<p class=\"hint\" id=\"h-");
	html_escape(out, it->id);
	sbuf_adds(out, "\">");
	rv(out, RV_MAX_PRE, l);
	sbuf_printf(out, "%d", it->max);
	rv(out, RV_MAX_POST, l);
	sbuf_adds(out, "</p>\n");
	item_error(out, it, e, l);
	sbuf_adds(out, "<input type=\"number\" inputmode=\"numeric\" class=\"points\" id=\"f-");
	html_escape(out, it->id);
	sbuf_adds(out, "\" name=\"");
	html_escape(out, it->id);
	sbuf_printf(out, "\" min=\"0\" max=\"%d\" step=\"1\" required value=\"", it->max);
	html_escape(out, value_of(v, it->id));
	sbuf_adds(out, "\" aria-describedby=\"h-");
	html_escape(out, it->id);
	if (e != ANSWER_OK) {
		sbuf_adds(out, " e-");
		html_escape(out, it->id);
		sbuf_adds(out, "\" aria-invalid=\"true");
	}
	sbuf_adds(out, "\">\n</div>\n");
}

/* A flag item: a fieldset with its question as legend and yes/no radios. */
static void flag_field(struct sbuf *out, const struct html_review_form *v, const struct item *it,
                       enum lang l)
{
	static const char *const values[2] = {"yes", "no"};
	static const enum rv_str labels[2] = {RV_YES, RV_NO};
	enum answer_err e = err_of(v, it->id);
	const char *given = value_of(v, it->id);
	sbuf_adds(out, "<fieldset class=\"q q-flag");
	sbuf_adds(out, e != ANSWER_OK ? " has-error" : "");
	sbuf_adds(out, "\" id=\"q-");
	html_escape(out, it->id);
	if (e != ANSWER_OK) {
		sbuf_adds(out, "\" aria-describedby=\"e-");
		html_escape(out, it->id);
	}
	sbuf_adds(out, "\">\n<legend>");
	html_escape(out, html_i18n(&it->text, l));
	sbuf_adds(out, "</legend>\n");
	item_error(out, it, e, l);
	sbuf_adds(out, "<div class=\"options yesno\">\n");
	for (int k = 0; k < 2; k++) {
		sbuf_adds(out, "<label class=\"opt\" for=\"f-");
		html_escape(out, it->id);
		sbuf_printf(out, "-%s\"><input type=\"radio\" id=\"f-", values[k]);
		html_escape(out, it->id);
		sbuf_printf(out, "-%s\" name=\"", values[k]);
		html_escape(out, it->id);
		sbuf_printf(out, "\" value=\"%s\"%s required> <span class=\"opt-text\">", values[k],
		            strcmp(given, values[k]) == 0 ? " checked" : "");
		rv(out, labels[k], l);
		sbuf_adds(out, "</span></label>\n");
	}
	sbuf_adds(out, "</div>\n</fieldset>\n");
}

/* A text item (the comment): label, error and a textarea. */
static void text_field(struct sbuf *out, const struct html_review_form *v, const struct item *it,
                       enum lang l)
{
	enum answer_err e = field_open(out, v, it, l);
	item_error(out, it, e, l);
	sbuf_adds(out, "<textarea id=\"f-");
	html_escape(out, it->id);
	sbuf_adds(out, "\" name=\"");
	html_escape(out, it->id);
	sbuf_printf(out, "\" rows=\"4\" maxlength=\"%zu\"", it->max_length);
	if (e != ANSWER_OK) {
		sbuf_adds(out, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_escape(out, it->id);
		sbuf_adds(out, "\"");
	}
	sbuf_adds(out, ">");
	html_escape(out, value_of(v, it->id));
	sbuf_adds(out, "</textarea>\n</div>\n");
}

/* A submitted review, read only: each item and what was given. */
static void submitted_view(struct sbuf *out, const struct html_review_form *v, enum lang l)
{
	const struct survey *sv = v->survey;
	int total = 0;
	sbuf_adds(out, "<div class=\"notice\" role=\"status\"><p>");
	rv(out, RV_SUBMITTED_NOTE, l);
	sbuf_adds(out, "</p></div>\n<dl class=\"review-given\">\n");
	for (size_t i = 0; i < sv->nitems; i++) {
		const struct item *it = &sv->items[i];
		const char *val = value_of(v, it->id);
		sbuf_adds(out, "<dt>");
		html_escape(out, html_i18n(&it->text, l));
		sbuf_adds(out, "</dt><dd>");
		if (it->type == ITEM_FLAG)
			rv(out, strcmp(val, "yes") == 0 ? RV_YES : RV_NO, l);
		else
			html_escape(out, val);
		if (it->type == ITEM_POINTS) {
			sbuf_printf(out, " / %d", it->max);
			total += atoi(val);
		}
		sbuf_adds(out, "</dd>\n");
	}
	sbuf_adds(out, "<dt>");
	rv(out, RV_TOTAL, l);
	sbuf_printf(out, "</dt><dd>%d / %d</dd>\n</dl>\n", total, survey_points_total(sv));
}

void html_review_form_page(struct sbuf *out, const struct html_review_form *v,
                           const struct html_site *site)
{
	enum lang l = html_lang_ok(v->lang);
	const struct survey *sv = v->survey;
	bool failed = v->errors != NULL && v->errors->n > 0;
	struct sbuf title;

	sbuf_init(&title);
	sbuf_printf(&title, "%s %s", html_i18n(&sv->title, l), v->case_id);
	html_page_open(out, l, title.data, failed, v->lang_href);
	sbuf_free(&title);
	sbuf_adds(out, "<div class=\"panel review\">\n<p><a href=\"/review");
	sbuf_adds(out, lang_suffix(l));
	sbuf_adds(out, "\">");
	rv(out, RV_BACK, l);
	sbuf_adds(out, "</a></p>\n<h1>");
	html_escape(out, html_i18n(&sv->title, l));
	sbuf_adds(out, " · ");
	html_escape(out, v->case_id);
	sbuf_adds(out, "</h1>\n");
	review_errors(out, v, l);
	if (v->notice != NULL && *v->notice != '\0') {
		sbuf_adds(out, "<div class=\"notice\" role=\"status\"><p>");
		html_escape(out, v->notice);
		sbuf_adds(out, "</p></div>\n");
	}
	sbuf_adds(out, "<section aria-labelledby=\"record-title\">\n<h2 id=\"record-title\">");
	rv(out, RV_RECORD, l);
	sbuf_adds(out, "</h2>\n<dl class=\"record\">\n");
	record_row(out, RV_CASE, l, v->case_id);
	record_row(out, RV_AGENCY, l, v->agency);
	record_row(out, RV_DOMAIN, l, v->domain);
	record_row(out, RV_KIND, l, v->kind);
	record_row(out, RV_DECIDED, l, v->decided_on);
	record_row(out, RV_ENTERPRISE, l, rv_text[v->enterprise ? RV_YES : RV_NO][l]);
	record_row(out, RV_OUTCOME, l, v->outcome);
	sbuf_adds(out, "</dl>\n<p class=\"hint\">");
	rv(out, RV_NO_IDENTITY, l);
	sbuf_adds(out, "</p>\n</section>\n");
	if (v->submitted) {
		submitted_view(out, v, l);
		sbuf_adds(out, "</div>\n");
		html_page_close_site(out, l, site);
		return;
	}
	if (*html_i18n(&sv->intro, l) != '\0') {
		sbuf_adds(out, "<p class=\"intro\">");
		html_escape(out, html_i18n(&sv->intro, l));
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "<form method=\"post\" class=\"review-form\" novalidate action=\"/review/");
	html_escape(out, v->case_id);
	sbuf_adds(out, lang_suffix(l));
	sbuf_adds(out, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
	html_escape(out, v->csrf);
	sbuf_adds(out, "\">\n<fieldset class=\"q q-points\" id=\"q-points\">\n<legend>");
	rv(out, RV_POINTS_LEGEND, l);
	sbuf_printf(out, " (%d)", survey_points_total(sv));
	sbuf_adds(out, "</legend>\n");
	for (size_t i = 0; i < sv->nitems; i++)
		if (sv->items[i].type == ITEM_POINTS)
			points_field(out, v, &sv->items[i], l);
	sbuf_adds(out, "</fieldset>\n<fieldset class=\"q q-flags\" id=\"q-flags\">\n<legend>");
	rv(out, RV_FLAGS_LEGEND, l);
	sbuf_adds(out, "</legend>\n");
	for (size_t i = 0; i < sv->nitems; i++)
		if (sv->items[i].type == ITEM_FLAG)
			flag_field(out, v, &sv->items[i], l);
	sbuf_adds(out, "</fieldset>\n");
	for (size_t i = 0; i < sv->nitems; i++)
		if (sv->items[i].type == ITEM_TEXT)
			text_field(out, v, &sv->items[i], l);
	sbuf_adds(out, "<div class=\"actions\">\n<button type=\"submit\" name=\"action\" value=\"draft\" "
	               "class=\"secondary\">");
	rv(out, RV_SAVE_DRAFT, l);
	sbuf_adds(out, "</button>\n<button type=\"submit\" name=\"action\" value=\"submit\">");
	rv(out, RV_SUBMIT, l);
	sbuf_adds(out, "</button>\n</div>\n</form>\n</div>\n");
	html_page_close_site(out, l, site);
}
