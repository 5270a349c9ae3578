/* html_complaint — the complaint channel's pages; see html_complaint.h. */
#include "html_complaint.h"

#include "html_internal.h"

#include <stdio.h>
#include <string.h>

/* The text in l of a zh/en pair. */
static const char *tr2(enum lang l, const char *zh, const char *en)
{
	return html_lang_ok(l) == LANG_EN ? en : zh;
}

/* Append the escaped text in l of a zh/en pair. */
static void say(struct sbuf *out, enum lang l, const char *zh, const char *en)
{
	html_escape(out, tr2(l, zh, en));
}

/* The first entered value of key, or "". */
static const char *value_of(const struct pairs *values, const char *key)
{
	const char *v = values != NULL ? pairs_get(values, key) : NULL;
	return v != NULL ? v : "";
}

/* The error of field f in l, or NULL. */
static const char *err_of(const struct html_complaint_form *v, enum complaint_field f)
{
	if (v->errors == NULL || v->errors->msg[f][LANG_ZH][0] == '\0')
		return NULL;
	return v->errors->msg[f][html_lang_ok(v->lang)];
}

/* <div class="field"> with its label, hint and error; the control follows. */
static void field_open(struct sbuf *out, const struct html_complaint_form *v, enum complaint_field f,
                       const char *zh, const char *en, bool required, const char *hint_zh,
                       const char *hint_en)
{
	const char *name = complaint_field_name(f), *e = err_of(v, f);
	enum lang l = v->lang;
	sbuf_printf(out, "<div class=\"field%s\" id=\"q-%s\">\n<label for=\"f-%s\">",
	            e ? " has-error" : "", name, name);
	say(out, l, zh, en);
	if (required) {
		sbuf_adds(out, " <span class=\"req\">");
		say(out, l, "必填", "Required");
		sbuf_adds(out, "</span>");
	}
	sbuf_adds(out, "</label>\n");
	if (hint_zh != NULL) {
		sbuf_printf(out, "<p class=\"hint\" id=\"h-%s\">", name);
		say(out, l, hint_zh, hint_en);
		sbuf_adds(out, "</p>\n");
	}
	if (e != NULL) {
		sbuf_printf(out, "<p class=\"field-error\" id=\"e-%s\"><span class=\"visually-hidden\">", name);
		say(out, l, "错误：", "Error: ");
		sbuf_adds(out, "</span>");
		html_escape(out, e);
		sbuf_adds(out, "</p>\n");
	}
}

/* The attributes every control has: id, name, and its hint and error. */
static void control_attrs(struct sbuf *out, const struct html_complaint_form *v,
                          enum complaint_field f, bool hint)
{
	const char *name = complaint_field_name(f);
	bool e = err_of(v, f) != NULL;
	sbuf_printf(out, " id=\"f-%s\" name=\"%s\"", name, name);
	if (hint || e) {
		sbuf_adds(out, " aria-describedby=\"");
		if (hint)
			sbuf_printf(out, "h-%s", name);
		if (e)
			sbuf_printf(out, "%se-%s", hint ? " " : "", name);
		sbuf_adds(out, "\"");
	}
	if (e)
		sbuf_adds(out, " aria-invalid=\"true\"");
}

/* A one-line text input. */
static void text_field(struct sbuf *out, const struct html_complaint_form *v, enum complaint_field f,
                       const char *type, const char *zh, const char *en, bool required,
                       const char *hint_zh, const char *hint_en, int maxlength)
{
	field_open(out, v, f, zh, en, required, hint_zh, hint_en);
	sbuf_printf(out, "<input type=\"%s\"", type);
	control_attrs(out, v, f, hint_zh != NULL);
	if (maxlength > 0)
		sbuf_printf(out, " maxlength=\"%d\"", maxlength);
	if (required)
		sbuf_adds(out, " required");
	sbuf_adds(out, " value=\"");
	html_escape(out, value_of(v->values, complaint_field_name(f)));
	sbuf_adds(out, "\">\n</div>\n");
}

/* The error summary at the top, each line linking to its field. */
static void error_summary(struct sbuf *out, const struct html_complaint_form *v)
{
	if (v->errors == NULL || v->errors->n == 0)
		return;
	sbuf_adds(out, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\">\n"
	               "<h2 id=\"error-summary-title\">");
	say(out, v->lang, "请修改以下问题", "Please correct the following");
	sbuf_adds(out, "</h2>\n<ul>\n");
	for (int f = 0; f < CF__MAX; f++) {
		const char *e = err_of(v, (enum complaint_field)f);
		if (e == NULL)
			continue;
		sbuf_printf(out, "<li><a href=\"#q-%s\">", complaint_field_name((enum complaint_field)f));
		html_escape(out, e);
		sbuf_adds(out, "</a></li>\n");
	}
	sbuf_adds(out, "</ul>\n</div>\n");
}

/* The agency and category selects. */
static void selects(struct sbuf *out, const struct html_complaint_form *v)
{
	enum lang l = html_lang_ok(v->lang);
	const char *cur = value_of(v->values, "agency");
	field_open(out, v, CF_AGENCY, "被投诉的执法单位", "The agency you complain about", true, NULL, NULL);
	sbuf_adds(out, "<select");
	control_attrs(out, v, CF_AGENCY, false);
	sbuf_adds(out, " required>\n<option value=\"\">");
	say(out, l, "请选择", "Please choose");
	sbuf_adds(out, "</option>\n");
	for (size_t i = 0; i < v->nagencies; i++) {
		const struct html_choice *c = &v->agencies[i];
		sbuf_adds(out, "<option value=\"");
		html_escape(out, c->code);
		sbuf_adds(out, strcmp(cur, c->code) == 0 ? "\" selected>" : "\">");
		html_escape(out, c->name[l] && *c->name[l] ? c->name[l] : c->code);
		sbuf_adds(out, "</option>\n");
	}
	sbuf_adds(out, "</select>\n</div>\n");

	cur = value_of(v->values, "category");
	field_open(out, v, CF_CATEGORY, "问题类别", "Kind of problem", true, NULL, NULL);
	sbuf_adds(out, "<select");
	control_attrs(out, v, CF_CATEGORY, false);
	sbuf_adds(out, " required>\n<option value=\"\">");
	say(out, l, "请选择", "Please choose");
	sbuf_adds(out, "</option>\n");
	for (size_t i = 0; i < v->ncategories; i++) {
		const struct complaint_category *c = &v->categories[i];
		sbuf_adds(out, "<option value=\"");
		html_escape(out, c->code);
		sbuf_adds(out, strcmp(cur, c->code) == 0 ? "\" selected>" : "\">");
		html_escape(out, c->name[l]);
		sbuf_adds(out, "</option>\n");
	}
	sbuf_adds(out, "</select>\n</div>\n");
}

/* Anonymous or a contact: radios, and the contact when the key was read. */
static void contact_fields(struct sbuf *out, const struct html_complaint_form *v)
{
	enum lang l = v->lang;
	if (!v->contact_offered) {
		sbuf_adds(out, "<p class=\"hint\">");
		say(out, l, "投诉为匿名投诉：我们不记录您的姓名、电话或网络地址。请保存提交后显示的查询码。",
		    "Complaints are anonymous: we keep no name, phone or network address. "
		    "Keep the tracking code shown after you send it.");
		sbuf_adds(out, "</p>\n");
		return;
	}
	bool anonymous = strcmp(value_of(v->values, "anonymous"), "no") != 0;
	const char *e = err_of(v, CF_ANONYMOUS);
	sbuf_printf(out, "<fieldset class=\"q%s\" id=\"q-anonymous\">\n<legend>", e ? " has-error" : "");
	say(out, l, "是否匿名", "Stay anonymous?");
	sbuf_adds(out, "</legend>\n");
	if (e != NULL) {
		sbuf_adds(out, "<p class=\"field-error\" id=\"e-anonymous\">");
		html_escape(out, e);
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "<div class=\"options\">\n<label class=\"opt\"><input type=\"radio\" name=\"anonymous\" "
	               "value=\"yes\"");
	sbuf_adds(out, anonymous ? " checked>" : ">");
	say(out, l, "匿名（默认）：不留任何联系方式", "Anonymous (the default): leave no contact");
	sbuf_adds(out, "</label>\n<label class=\"opt\"><input type=\"radio\" name=\"anonymous\" value=\"no\"");
	sbuf_adds(out, anonymous ? ">" : " checked>");
	say(out, l, "留下联系方式，以便核实情况", "Leave a contact so that we can check the facts with you");
	sbuf_adds(out, "</label>\n</div>\n</fieldset>\n");
	text_field(out, v, CF_CONTACT, "text", "联系方式（电话或邮箱）", "Contact (phone or e-mail)", false,
	           "只在您选择留下联系方式时填写。联系方式加密保存，只有第三方评估机构的工作人员可以查看，"
	           "被投诉单位永远看不到。",
	           "Only when you choose to leave a contact. It is stored encrypted, readable only by the "
	           "independent evaluator's staff; the agency never sees it.", COMPLAINT_SHORT_MAX);
}

void html_complaint_form_page(struct sbuf *out, const struct html_complaint_form *v,
                              const struct html_site *site)
{
	enum lang l = html_lang_ok(v->lang);
	bool errors = v->errors != NULL && v->errors->n > 0;
	html_page_open(out, l, tr2(l, "投诉举报", "Report misconduct"), errors,
	               l == LANG_ZH ? "/complaint?lang=en" : "/complaint?lang=zh");
	error_summary(out, v);
	sbuf_adds(out, "<h1>");
	say(out, l, "投诉举报", "Report misconduct");
	sbuf_adds(out, "</h1>\n<p class=\"intro\">");
	say(out, l, "对行政执法机关或执法人员的违法违规行为，您可以在这里投诉举报。"
	    "第三方评估机构收到后进行分办：受理、转交被投诉单位限期办理，或移送纪检监察机关。"
	    "提交后您会得到一个查询码，用它查看办理进度。",
	    "Report misconduct by an enforcement agency or officer here. The independent evaluator "
	    "triages each report: it accepts it, forwards it to the agency with a deadline, or "
	    "transfers it to the discipline inspection commission. You get a tracking code to follow it.");
	sbuf_adds(out, "</p>\n");
	if (v->notice != NULL && *v->notice != '\0') {
		sbuf_adds(out, "<div class=\"notice\" role=\"status\"><p>");
		html_escape(out, v->notice);
		sbuf_adds(out, "</p></div>\n");
	}
	sbuf_adds(out, "<form method=\"post\" action=\"/complaint\" novalidate>\n"
	               "<input type=\"hidden\" name=\"_csrf\" value=\"");
	html_escape(out, v->csrf);
	sbuf_printf(out, "\">\n<input type=\"hidden\" name=\"_lang\" value=\"%s\">\n", html_lang_params[l]);

	field_open(out, v, CF_WHAT, "发生了什么", "What happened", true,
	           "请尽量写清楚经过，不超过 2000 个字。请不要写您自己的姓名或电话。",
	           "Say what happened, in at most 2000 characters. Please leave out your own name and phone.");
	sbuf_adds(out, "<textarea rows=\"6\"");
	control_attrs(out, v, CF_WHAT, true);
	sbuf_printf(out, " maxlength=\"%d\" required>", COMPLAINT_WHAT_MAX);
	html_escape(out, value_of(v->values, "what"));
	sbuf_adds(out, "</textarea>\n</div>\n");
	text_field(out, v, CF_HAPPENED_ON, "date", "发生日期", "When it happened", false,
	           "年-月-日，不晚于今天", "Year-month-day, not after today", 10);
	text_field(out, v, CF_PLACE, "text", "发生地点", "Where it happened", false, NULL, NULL,
	           COMPLAINT_SHORT_MAX);
	selects(out, v);
	text_field(out, v, CF_OFFICER_CERT, "text", "执法人员的执法证号（如知道）",
	           "The officer's certificate number (if you know it)", false,
	           "可在“执法证件查询”中按姓名查到证号。", "The certificate lookup finds it by the officer's name.",
	           64);
	sbuf_adds(out, l == LANG_ZH ? "<p class=\"hint\"><a href=\"/officers\">" : "<p class=\"hint\"><a href=\"/officers?lang=en\">");
	say(out, l, "执法证件查询", "Officer certificate lookup");
	sbuf_adds(out, "</a></p>\n");
	text_field(out, v, CF_OFFICER_TEXT, "text", "或者描述执法人员", "Or describe the officer", false,
	           NULL, NULL, COMPLAINT_SHORT_MAX);
	contact_fields(out, v);

	sbuf_adds(out, "<div class=\"hp\" aria-hidden=\"true\">\n<label for=\"f-_hp\">");
	say(out, l, "请勿填写此项", "Leave this field empty");
	sbuf_adds(out, "</label>\n<input type=\"text\" id=\"f-_hp\" name=\"_hp\" value=\"\" tabindex=\"-1\" "
	               "autocomplete=\"off\">\n</div>\n<div class=\"actions\"><button type=\"submit\">");
	say(out, l, "提交投诉", "Send the report");
	sbuf_adds(out, "</button></div>\n</form>\n<p><a href=\"/complaint/track");
	sbuf_adds(out, l == LANG_ZH ? "" : "?lang=en");
	sbuf_adds(out, "\">");
	say(out, l, "已经投诉过？用查询码查看办理进度", "Filed already? Follow it with your tracking code");
	sbuf_adds(out, "</a></p>\n");
	html_page_close_site(out, l, site);
}

void html_complaint_filed_page(struct sbuf *out, enum lang l, const char *track,
                               const struct html_site *site)
{
	l = html_lang_ok(l);
	html_page_open(out, l, tr2(l, "投诉已提交", "Report received"), false, NULL);
	sbuf_adds(out, "<div class=\"panel done\">\n<h1>");
	say(out, l, "投诉已提交", "Report received");
	sbuf_adds(out, "</h1>\n");
	if (track != NULL && *track != '\0') {
		sbuf_adds(out, "<p>");
		say(out, l, "您的查询码（只显示这一次，请抄下或截图保存）：",
		    "Your tracking code (shown this once: write it down or take a screenshot):");
		sbuf_adds(out, "</p>\n<p class=\"track-code\"><strong>");
		html_escape(out, track);
		sbuf_adds(out, "</strong></p>\n");
	}
	sbuf_adds(out, "<p>");
	say(out, l, "第三方评估机构将在工作日内分办。凭查询码可以随时查看办理进度和处理结果。",
	    "The independent evaluator triages it on working days. With the tracking code you can "
	    "see at any time where it stands and what was done.");
	sbuf_adds(out, "</p>\n<p><a href=\"/complaint/track");
	sbuf_adds(out, l == LANG_ZH ? "" : "?lang=en");
	sbuf_adds(out, "\">");
	say(out, l, "查看办理进度", "Follow your report");
	sbuf_adds(out, "</a></p>\n</div>\n");
	html_page_close_site(out, l, site);
}

/* A state in words. */
static const char *state_words(const char *state, enum lang l)
{
	static const struct { const char *state, *zh, *en; } w[] = {
		{"received", "已收到，等待分办", "Received, waiting to be triaged"},
		{"accepted", "已受理", "Accepted"},
		{"forwarded", "已转交被投诉单位限期办理", "Forwarded to the agency, with a deadline"},
		{"answered", "被投诉单位已答复", "The agency has answered"},
		{"transferred", "已移送有关机关处理", "Transferred to the competent authority"},
		{"rejected", "不予受理", "Not accepted"},
		{"closed", "已办结", "Closed"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		if (strcmp(w[i].state, state) == 0)
			return tr2(l, w[i].zh, w[i].en);
	return state;
}

/* An action in words. */
static const char *action_words(const char *action, enum lang l)
{
	static const struct { const char *action, *zh, *en; } w[] = {
		{"accept", "受理", "Accepted"},
		{"forward", "转交被投诉单位办理", "Forwarded to the agency"},
		{"answer", "被投诉单位答复", "The agency answered"},
		{"transfer", "移送", "Transferred"},
		{"reject", "不予受理", "Not accepted"},
		{"close", "办结", "Closed"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		if (strcmp(w[i].action, action) == 0)
			return tr2(l, w[i].zh, w[i].en);
	return action;
}

/* A term and its description. */
static void dl_row(struct sbuf *out, enum lang l, const char *zh, const char *en, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	sbuf_adds(out, "<dt>");
	say(out, l, zh, en);
	sbuf_adds(out, "</dt><dd>");
	html_escape(out, value);
	sbuf_adds(out, "</dd>\n");
}

/* The found complaint's state and steps. */
static void track_result(struct sbuf *out, const struct html_complaint_track *v)
{
	enum lang l = html_lang_ok(v->lang);
	sbuf_adds(out, "<section class=\"panel\" aria-labelledby=\"track-result\">\n<h2 id=\"track-result\">");
	say(out, l, "办理进度", "Where it stands");
	sbuf_adds(out, "</h2>\n<dl class=\"review-given\">\n");
	dl_row(out, l, "状态", "State", state_words(v->state, l));
	dl_row(out, l, "提交日期", "Filed on", v->filed_on);
	dl_row(out, l, "问题类别", "Kind of problem", v->category);
	dl_row(out, l, "办理期限", "Due", v->due);
	sbuf_adds(out, "</dl>\n");
	if (v->nsteps > 0) {
		sbuf_adds(out, "<ol class=\"steps\">\n");
		for (size_t i = 0; i < v->nsteps; i++) {
			const struct html_complaint_step *s = &v->steps[i];
			sbuf_adds(out, "<li><span class=\"date\">");
			html_escape(out, s->date);
			sbuf_adds(out, "</span> ");
			html_escape(out, action_words(s->action, l));
			if (s->receiver != NULL && *s->receiver != '\0') {
				say(out, l, "：", ": ");
				html_escape(out, s->receiver);
			}
			if (s->due != NULL && *s->due != '\0') {
				say(out, l, "，办理期限 ", ", due ");
				html_escape(out, s->due);
			}
			if (s->note != NULL && *s->note != '\0') {
				sbuf_adds(out, "<br>\n<span class=\"note\">");
				html_escape(out, s->note);
				sbuf_adds(out, "</span>");
			}
			sbuf_adds(out, "</li>\n");
		}
		sbuf_adds(out, "</ol>\n");
	}
	sbuf_adds(out, "</section>\n");
}

void html_complaint_track_page(struct sbuf *out, const struct html_complaint_track *v,
                               const struct html_site *site)
{
	enum lang l = html_lang_ok(v->lang);
	bool failed = v->message != NULL && *v->message != '\0';
	html_page_open(out, l, tr2(l, "查询投诉办理进度", "Follow a report"), failed,
	               l == LANG_ZH ? "/complaint/track?lang=en" : "/complaint/track?lang=zh");
	if (failed) {
		sbuf_adds(out, "<div class=\"error-summary\" role=\"alert\">\n<p><a href=\"#f-code\">");
		html_escape(out, v->message);
		sbuf_adds(out, "</a></p>\n</div>\n");
	}
	sbuf_adds(out, "<h1>");
	say(out, l, "查询投诉办理进度", "Follow a report");
	sbuf_adds(out, "</h1>\n<form method=\"post\" action=\"/complaint/track\">\n"
	               "<input type=\"hidden\" name=\"_csrf\" value=\"");
	html_escape(out, v->csrf);
	sbuf_printf(out, "\">\n<input type=\"hidden\" name=\"_lang\" value=\"%s\">\n", html_lang_params[l]);
	sbuf_printf(out, "<div class=\"field%s\" id=\"q-code\">\n<label for=\"f-code\">", failed ? " has-error" : "");
	say(out, l, "查询码", "Tracking code");
	sbuf_adds(out, "</label>\n<p class=\"hint\" id=\"h-code\">");
	say(out, l, "16 个字母和数字，例如 ABCD-EFGH-JKMN-PQRS", "16 letters and digits, e.g. ABCD-EFGH-JKMN-PQRS");
	sbuf_adds(out, "</p>\n<input type=\"text\" id=\"f-code\" name=\"code\" autocomplete=\"off\" "
	               "autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"40\" required "
	               "aria-describedby=\"h-code\"");
	sbuf_adds(out, failed ? " aria-invalid=\"true\">\n" : ">\n");
	sbuf_adds(out, "</div>\n<div class=\"actions\"><button type=\"submit\">");
	say(out, l, "查询", "Look it up");
	sbuf_adds(out, "</button></div>\n</form>\n");
	if (v->found)
		track_result(out, v);
	sbuf_adds(out, "<p><a href=\"/complaint");
	sbuf_adds(out, l == LANG_ZH ? "" : "?lang=en");
	sbuf_adds(out, "\">");
	say(out, l, "提交新的投诉举报", "Report something new");
	sbuf_adds(out, "</a></p>\n");
	html_page_close_site(out, l, site);
}

/* A row of the letter's table. */
static void letter_row(struct sbuf *out, enum lang l, const char *zh, const char *en, const char *value)
{
	sbuf_adds(out, "<tr><th scope=\"row\">");
	say(out, l, zh, en);
	sbuf_adds(out, "</th><td>");
	html_escape(out, value != NULL && *value != '\0' ? value : tr2(l, "（未提供）", "(not given)"));
	sbuf_adds(out, "</td></tr>\n");
}

void html_complaint_letter_page(struct sbuf *out, const struct html_complaint_letter *v)
{
	enum lang l = html_lang_ok(v->lang);
	const char *bureau = v->bureau != NULL && *v->bureau != '\0' ? v->bureau : tr2(l, "（评估机构）", "(the evaluator)");
	sbuf_printf(out, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	            l == LANG_ZH ? "zh-CN" : "en");
	say(out, l, "问题线索移送函", "Letter transferring a problem clue");
	sbuf_adds(out, " ");
	html_escape(out, v->number);
	sbuf_adds(out, "</title>\n<link rel=\"stylesheet\" href=\"/assets/letter.css\">\n</head>\n<body>\n"
	               "<article class=\"letter\">\n<header>\n<p class=\"bureau\">");
	html_escape(out, bureau);
	sbuf_adds(out, "</p>\n<h1>");
	say(out, l, "问题线索移送函", "Letter transferring a problem clue");
	sbuf_adds(out, "</h1>\n<p class=\"number\">");
	html_escape(out, v->number);
	sbuf_adds(out, "</p>\n</header>\n<p class=\"receiver\">");
	html_escape(out, v->receiver);
	say(out, l, "：", ":");
	sbuf_adds(out, "</p>\n<p>");
	say(out, l, "根据《执法机关和司法机关向纪检监察机关移送问题线索工作办法》，现将我单位在受理群众投诉举报中发现的以下问题线索移送你单位，请依规依纪依法处理，并将处理结果反馈我单位。",
	    "Under the 2019 rules on enforcement and judicial bodies transferring problem clues to "
	    "discipline inspection and supervision bodies, we transfer to you the following clue found "
	    "in a complaint from the public, for handling under the rules, the discipline and the law; "
	    "please let us know the outcome.");
	sbuf_adds(out, "</p>\n<table>\n<tbody>\n");
	letter_row(out, l, "案件编号", "Case", v->code);
	letter_row(out, l, "收到日期", "Received on", v->filed_on);
	letter_row(out, l, "被投诉单位", "Agency", v->agency);
	letter_row(out, l, "涉及人员", "Officer", v->officer);
	letter_row(out, l, "问题类别", "Category", v->category);
	letter_row(out, l, "线索类别（全国）", "National category", complaint_national_name(v->national, l));
	letter_row(out, l, "发生日期", "Happened on", v->happened_on);
	letter_row(out, l, "发生地点", "Place", v->place);
	letter_row(out, l, "反映的问题", "Facts reported", v->what);
	if (v->note != NULL && *v->note != '\0')
		letter_row(out, l, "移送说明", "Remarks", v->note);
	sbuf_adds(out, "</tbody>\n</table>\n<h2>");
	say(out, l, "附件", "Attachments");
	sbuf_adds(out, "</h2>\n<ol class=\"attachments\">\n<li>");
	say(out, l, "投诉举报登记表（案件编号 ", "The complaint's record (case ");
	html_escape(out, v->code);
	say(out, l, "）1 份", "), 1 copy");
	sbuf_adds(out, "</li>\n<li>");
	say(out, l, "办理过程记录 ", "The handling record, ");
	sbuf_printf(out, "%zu", v->nevents);
	say(out, l, " 条", v->nevents == 1 ? " entry" : " entries");
	sbuf_adds(out, "</li>\n</ol>\n<p class=\"privacy\">");
	say(out, l, "举报人身份信息不随本函移送；如需核实，请与我单位联系。",
	    "The complainant's identity is not part of this letter; to check facts with them, contact us.");
	sbuf_adds(out, "</p>\n<footer>\n<p class=\"sign\">");
	html_escape(out, bureau);
	sbuf_adds(out, "</p>\n<p class=\"date\">");
	html_escape(out, v->date);
	sbuf_adds(out, "</p>\n</footer>\n</article>\n</body>\n</html>\n");
}
