/*
 * html_followup — the respondent's side of a follow-up case in HTML: the
 * form's call-back consent, the thank-you page's case note, and the
 * /followup pages (the rater code, the case, the 追评 form).  See html.h.
 */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "followup.h"
#include "html_internal.h"

enum fu_str {
	F_CB_LEGEND,
	F_CB_CONSENT,
	F_CB_PHONE,
	F_CB_PHONE_HINT,
	F_CB_ERR_NO_PHONE,
	F_CB_ERR_BAD_PHONE,
	F_CB_ERR_NO_CONSENT,
	F_NOTE_TITLE,
	F_NOTE_CASE,
	F_NOTE_NEXT,
	F_NOTE_DUE,
	F_NOTE_DUE_UNKNOWN,
	F_NOTE_RATER,
	F_NOTE_RATER_HINT,
	F_PAGE_TITLE,
	F_PAGE_INTRO,
	F_PAGE_CODE,
	F_PAGE_SHOW,
	F_PAGE_WRONG,
	F_PAGE_SLOW,
	F_CASE_STATE,
	F_CASE_OPENED,
	F_CASE_REPLY_DUE,
	F_CASE_RECTIFY_DUE,
	F_CASE_REPLY,
	F_CASE_NO_REPLY,
	F_CASE_RECTIFY_BY,
	F_RATE_LEGEND,
	F_RATE_COMMENT,
	F_RATE_SUBMIT,
	F_RATE_DONE,
	F_RATE_THANKS,
	F_RATE_ERR_SCORE,
	F_RATE_ERR_TWICE,
	F__MAX
};

static const char *const fu_text[F__MAX][LANG__MAX] = {
	[F_CB_LEGEND] = {"回访（可选）", "Call-back (optional)"},
	[F_CB_CONSENT] = {"我同意：如本次评价为不满意或反映了执法人员的不当行为，评价机构（第三方）"
	                  "工作人员可拨打下面的电话向我回访，了解情况和整改结果。被评价的执法机关"
	                  "看不到我的电话；电话号码加密保存，跟进件办结后按规定期限（通常30日）删除。",
	                  "I agree that, if my rating is unsatisfied or reports misconduct, staff of "
	                  "the evaluator (a third party) may call me on the number below about the case "
	                  "and how it was put right. The agency I rated never sees my number; it is "
	                  "stored encrypted and deleted a set time after the case is closed (usually 30 days)."},
	[F_CB_PHONE] = {"回访电话", "Phone for the call-back"},
	[F_CB_PHONE_HINT] = {"手机号（11位）或固定电话（含区号，如 010-12345678）",
	                     "A mobile number (11 digits) or a landline with its area code "
	                     "(e.g. 010-12345678)"},
	[F_CB_ERR_NO_PHONE] = {"您同意了回访，请填写回访电话。",
	                       "You agreed to a call-back: please give a phone number."},
	[F_CB_ERR_BAD_PHONE] = {"电话号码格式不正确：请填写11位手机号，或带区号的固定电话。",
	                        "This is not a phone number we can call: give an 11-digit mobile "
	                        "number, or a landline with its area code."},
	[F_CB_ERR_NO_CONSENT] = {"填写电话前请先勾选同意回访；不需要回访请清空电话。",
	                         "Tick the consent to give a phone number, or clear the number if "
	                         "you want no call-back."},
	[F_NOTE_TITLE] = {"您的意见已转为跟进件", "Your answer opened a follow-up case"},
	[F_NOTE_CASE] = {"跟进编号：", "Case number: "},
	[F_NOTE_NEXT] = {"被评价的执法机关将收到这件事（不会知道是谁评价的），须在期限内答复；"
	                 "评价机构会审核答复并可回访。",
	                 "The agency will be told of it (never who answered) and must reply in time; "
	                 "the evaluator reviews the reply and may call back."},
	[F_NOTE_DUE] = {"答复期限：", "Reply due by: "},
	[F_NOTE_DUE_UNKNOWN] = {"答复期限：按工作日计算，待公布下一年度节假日安排后确定。",
	                        "Reply due: counted in working days, set once next year's holidays "
	                        "are published."},
	[F_NOTE_RATER] = {"追评码：", "Your rater code: "},
	[F_NOTE_RATER_HINT] = {"请记下此码（只显示这一次）。处理后可在 /followup 用它查看答复并追评一次。",
	                       "Write it down (it is shown only this once). Later, at /followup, it "
	                       "shows the reply and lets you rate how it was handled, once."},
	[F_PAGE_TITLE] = {"跟进查询与追评", "Follow-up: check and rate"},
	[F_PAGE_INTRO] = {"输入评价后得到的追评码（XXXX-XXXX-XXXX），查看处理情况，并可对处理结果追评一次。",
	                  "Enter the rater code you got after answering (XXXX-XXXX-XXXX) to see how the "
	                  "case stands and rate how it was handled, once."},
	[F_PAGE_CODE] = {"追评码", "Rater code"},
	[F_PAGE_SHOW] = {"查看", "Show"},
	[F_PAGE_WRONG] = {"没有找到这个追评码，请检查后重新输入。",
	                  "No case has this rater code: please check it and try again."},
	[F_PAGE_SLOW] = {"输入错误次数过多，请稍后再试。", "Too many wrong codes: please try again later."},
	[F_CASE_STATE] = {"状态：", "State: "},
	[F_CASE_OPENED] = {"立案日期：", "Opened on: "},
	[F_CASE_REPLY_DUE] = {"答复期限：", "Reply due by: "},
	[F_CASE_RECTIFY_DUE] = {"整改期限：", "Rectification due by: "},
	[F_CASE_REPLY] = {"执法机关的答复：", "The agency's reply: "},
	[F_CASE_NO_REPLY] = {"执法机关尚未答复。", "The agency has not replied yet."},
	[F_CASE_RECTIFY_BY] = {"承诺整改完成日期：", "To be put right by: "},
	[F_RATE_LEGEND] = {"您对处理结果的评价", "How satisfied are you with how it was handled?"},
	[F_RATE_COMMENT] = {"补充说明（可选）", "Anything to add (optional)"},
	[F_RATE_SUBMIT] = {"提交追评", "Send my rating"},
	[F_RATE_DONE] = {"您已追评：", "Your rating: "},
	[F_RATE_THANKS] = {"感谢您的追评。", "Thank you for your rating."},
	[F_RATE_ERR_SCORE] = {"请选择一个评分。", "Please choose a rating."},
	[F_RATE_ERR_TWICE] = {"这件事已经追评过了（每件只能追评一次）。",
	                      "This case has been rated already (once per case)."},
};

static const char *const state_names[][3] = {
	{"open", "待答复", "Awaiting the agency's reply"},
	{"replied", "已答复，待审核", "Replied, under review"},
	{"returned", "答复被退回，待重新答复", "Reply returned, awaiting a new one"},
	{"accepted", "答复已通过审核", "Reply accepted"},
	{"appealed", "执法机关申诉中", "Appealed by the agency"},
	{"excluded", "申诉成立，本评价不计入统计", "Appeal upheld: this answer is left out of the figures"},
	{"closed", "已办结", "Closed"},
};

static const char *const reply_names[][3] = {
	{"fixed", "已整改", "Put right"},
	{"rectify", "限期整改", "To be put right"},
	{"explain", "情况说明", "Explained"},
	{"appeal", "申诉", "Appealed"},
};

static void fu(struct sbuf *out, enum fu_str id, enum lang l)
{
	html_escape(out, fu_text[id][html_lang_ok(l)]);
}

/* The name of code in a table of {code, zh, en}, or the code itself. */
static const char *named(const char *const (*t)[3], size_t n, const char *code, enum lang l)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i][0], code) == 0)
			return t[i][1 + html_lang_ok(l)];
	return code;
}

void html_callback_fields(struct sbuf *out, enum lang l, const char *phone, bool consent,
                          enum answer_err phone_err, enum answer_err consent_err)
{
	sbuf_adds(out, "<fieldset class=\"q q-callback\" id=\"q-_callback\">\n<legend>");
	fu(out, F_CB_LEGEND, l);
	sbuf_adds(out, "</legend>\n");
	if (consent_err != ANSWER_OK) {
		sbuf_adds(out, "<p class=\"field-error\" id=\"e-_callback\">");
		fu(out, F_CB_ERR_NO_CONSENT, l);
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "<label class=\"opt consent\"><input type=\"checkbox\" name=\"_callback\" "
	               "value=\"yes\"");
	if (consent)
		sbuf_adds(out, " checked");
	sbuf_adds(out, "> <span class=\"opt-text\">");
	fu(out, F_CB_CONSENT, l);
	sbuf_adds(out, "</span></label>\n<label for=\"f-_phone\">");
	fu(out, F_CB_PHONE, l);
	sbuf_adds(out, "</label>\n<p class=\"hint\" id=\"h-_phone\">");
	fu(out, F_CB_PHONE_HINT, l);
	sbuf_adds(out, "</p>\n");
	if (phone_err != ANSWER_OK) {
		sbuf_adds(out, "<p class=\"field-error\" id=\"e-_phone\">");
		fu(out, phone_err == ANSWER_REQUIRED ? F_CB_ERR_NO_PHONE : F_CB_ERR_BAD_PHONE, l);
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "<input type=\"tel\" id=\"f-_phone\" name=\"_phone\" autocomplete=\"tel\" "
	               "inputmode=\"tel\" maxlength=\"20\" aria-describedby=\"h-_phone");
	if (phone_err != ANSWER_OK)
		sbuf_adds(out, " e-_phone\" aria-invalid=\"true");
	sbuf_adds(out, "\" value=\"");
	html_escape(out, phone != NULL ? phone : "");
	sbuf_adds(out, "\">\n</fieldset>\n");
}

void html_callback_error(struct sbuf *out, enum lang l, const char *field, enum answer_err e)
{
	bool phone = strcmp(field, "_phone") == 0;
	sbuf_adds(out, phone ? "<li><a href=\"#f-_phone\">" : "<li><a href=\"#q-_callback\">");
	fu(out, !phone ? F_CB_ERR_NO_CONSENT : e == ANSWER_REQUIRED ? F_CB_ERR_NO_PHONE
	                                                            : F_CB_ERR_BAD_PHONE, l);
	sbuf_adds(out, "</a></li>\n");
}

void html_followup_note(struct sbuf *out, enum lang l, const struct html_followup_note *n)
{
	sbuf_adds(out, "<div class=\"panel followup\" role=\"status\">\n<h2>");
	fu(out, F_NOTE_TITLE, l);
	sbuf_adds(out, "</h2>\n<p>");
	fu(out, F_NOTE_CASE, l);
	sbuf_adds(out, "<strong class=\"code\">");
	html_escape(out, n->code);
	sbuf_adds(out, "</strong></p>\n<p>");
	fu(out, F_NOTE_NEXT, l);
	sbuf_adds(out, "</p>\n<p>");
	if (n->reply_due != NULL && *n->reply_due != '\0') {
		fu(out, F_NOTE_DUE, l);
		html_escape(out, n->reply_due);
	} else {
		fu(out, F_NOTE_DUE_UNKNOWN, l);
	}
	sbuf_adds(out, "</p>\n<p>");
	fu(out, F_NOTE_RATER, l);
	sbuf_adds(out, "<strong class=\"code\" id=\"rater-code\">");
	html_escape(out, n->rater);
	sbuf_adds(out, "</strong></p>\n<p class=\"hint\">");
	fu(out, F_NOTE_RATER_HINT, l);
	sbuf_adds(out, "</p>\n</div>\n");
}

/* The form asking for the rater code (the page's start). */
static void code_form(struct sbuf *out, const struct html_followup_page *p, enum lang l)
{
	sbuf_adds(out, "<form method=\"post\" action=\"/followup\" accept-charset=\"utf-8\" novalidate>\n"
	               "<input type=\"hidden\" name=\"_csrf\" value=\"");
	html_escape(out, p->csrf);
	sbuf_adds(out, "\">\n<input type=\"hidden\" name=\"_lang\" value=\"");
	sbuf_adds(out, html_lang_params[l]);
	sbuf_adds(out, "\">\n<label for=\"f-code\">");
	fu(out, F_PAGE_CODE, l);
	sbuf_adds(out, "</label>\n<input type=\"text\" id=\"f-code\" name=\"code\" autocomplete=\"off\" "
	               "autocapitalize=\"characters\" maxlength=\"20\" value=\"");
	html_escape(out, p->typed != NULL ? p->typed : "");
	sbuf_adds(out, "\">\n<div class=\"actions\"><button type=\"submit\">");
	fu(out, F_PAGE_SHOW, l);
	sbuf_adds(out, "</button></div>\n</form>\n");
}

/* One "label: value" line, escaped. */
static void line(struct sbuf *out, enum fu_str label, const char *value, enum lang l)
{
	if (value == NULL || *value == '\0')
		return;
	sbuf_adds(out, "<p>");
	fu(out, label, l);
	html_escape(out, value);
	sbuf_adds(out, "</p>\n");
}

/* The case, the reply and the 追评 (form or the rating given). */
static void case_part(struct sbuf *out, const struct html_followup_page *p, enum lang l)
{
	const struct followup_view *c = p->view;
	sbuf_adds(out, "<div class=\"panel case\">\n<h2>");
	html_escape(out, c->code);
	sbuf_adds(out, "</h2>\n");
	line(out, F_CASE_STATE, named(state_names, ARRAY_SIZE(state_names), c->state, l), l);
	line(out, F_CASE_OPENED, c->opened_on, l);
	line(out, F_CASE_REPLY_DUE, c->reply_due, l);
	line(out, F_CASE_RECTIFY_DUE, c->rectify_due, l);
	if (c->reply_kind[0] != '\0') {
		sbuf_adds(out, "<p>");
		fu(out, F_CASE_REPLY, l);
		html_escape(out, named(reply_names, ARRAY_SIZE(reply_names), c->reply_kind, l));
		sbuf_adds(out, "</p>\n<blockquote>");
		html_escape(out, c->reply_note);
		sbuf_adds(out, "</blockquote>\n");
		line(out, F_CASE_RECTIFY_BY, c->rectify_by, l);
	} else {
		sbuf_adds(out, "<p>");
		fu(out, F_CASE_NO_REPLY, l);
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "</div>\n");
	if (c->rated) {
		sbuf_adds(out, "<p class=\"done\">");
		fu(out, p->just_rated ? F_RATE_THANKS : F_RATE_DONE, l);
		if (!p->just_rated && c->score >= 1 && c->score <= p->survey->points)
			html_escape(out, p->survey->labels[html_lang_ok(l)][c->score - 1]);
		sbuf_adds(out, "</p>\n");
		return;
	}
	sbuf_adds(out, "<form method=\"post\" action=\"/followup\" accept-charset=\"utf-8\" novalidate>\n"
	               "<input type=\"hidden\" name=\"_csrf\" value=\"");
	html_escape(out, p->csrf);
	sbuf_adds(out, "\">\n<input type=\"hidden\" name=\"_lang\" value=\"");
	sbuf_adds(out, html_lang_params[l]);
	sbuf_adds(out, "\">\n<input type=\"hidden\" name=\"_rate\" value=\"1\">\n"
	               "<input type=\"hidden\" name=\"code\" value=\"");
	html_escape(out, p->typed);
	sbuf_adds(out, "\">\n<fieldset class=\"q\" id=\"q-score\">\n<legend>");
	fu(out, F_RATE_LEGEND, l);
	sbuf_adds(out, "</legend>\n");
	if (p->error == HTML_FU_ERR_SCORE || p->error == HTML_FU_ERR_TWICE) {
		sbuf_adds(out, "<p class=\"field-error\" role=\"alert\">");
		fu(out, p->error == HTML_FU_ERR_SCORE ? F_RATE_ERR_SCORE : F_RATE_ERR_TWICE, l);
		sbuf_adds(out, "</p>\n");
	}
	for (int v = 1; v <= p->survey->points; v++) {
		sbuf_printf(out, "<label class=\"opt\"><input type=\"radio\" name=\"score\" value=\"%d\"> "
		            "<span class=\"opt-num\">%d</span> <span class=\"opt-text\">", v, v);
		html_escape(out, p->survey->labels[html_lang_ok(l)][v - 1]);
		sbuf_adds(out, "</span></label>\n");
	}
	sbuf_adds(out, "</fieldset>\n<label for=\"f-comment\">");
	fu(out, F_RATE_COMMENT, l);
	sbuf_adds(out, "</label>\n<textarea id=\"f-comment\" name=\"comment\" maxlength=\"2000\" "
	               "rows=\"4\"></textarea>\n<div class=\"actions\"><button type=\"submit\">");
	fu(out, F_RATE_SUBMIT, l);
	sbuf_adds(out, "</button></div>\n</form>\n");
}

void html_followup_page(struct sbuf *out, const struct html_followup_page *p)
{
	enum lang l = html_lang_ok(p->lang);
	const char *href = l == LANG_ZH ? "/followup?lang=en" : "/followup?lang=zh";
	html_page_open(out, l, fu_text[F_PAGE_TITLE][l], p->error != HTML_FU_OK, href);
	sbuf_adds(out, "<h1>");
	fu(out, F_PAGE_TITLE, l);
	sbuf_adds(out, "</h1>\n");
	if (p->error == HTML_FU_ERR_WRONG || p->error == HTML_FU_ERR_SLOW) {
		sbuf_adds(out, "<div class=\"error-summary\" role=\"alert\"><p>");
		fu(out, p->error == HTML_FU_ERR_WRONG ? F_PAGE_WRONG : F_PAGE_SLOW, l);
		sbuf_adds(out, "</p></div>\n");
	}
	if (p->view != NULL && p->survey != NULL) {
		case_part(out, p, l);
	} else {
		sbuf_adds(out, "<p class=\"intro\">");
		fu(out, F_PAGE_INTRO, l);
		sbuf_adds(out, "</p>\n");
		code_form(out, p, l);
	}
	html_page_close_site(out, l, p->site);
}
