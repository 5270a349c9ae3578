/* html_officer — see html_officer.h. */
#include "html_officer.h"

#include <stdio.h>
#include <string.h>

#include "html_internal.h"

enum officer_str {
	OS_TITLE, OS_INTRO, OS_LABEL, OS_HINT, OS_SUBMIT, OS_NONE_PRE, OS_NONE_POST, OS_FOUND,
	OS_NAME, OS_CERT, OS_AGENCY, OS_CATEGORY, OS_AREA, OS_UNTIL, OS_STATUS, OS_VALID,
	OS_SUSPENDED, OS_REVOKED, OS_EXPIRED, OS_SLOW_PRE, OS_SLOW_POST, OS_COMPLAIN, OS_TOO_LONG,
	OS__MAX
};

static const char *const texts[OS__MAX][LANG__MAX] = {
	[OS_TITLE] = {"执法证件查询", "Enforcement certificate lookup"},
	[OS_INTRO] = {"输入执法证号或执法人员的全名，查询其执法证件是否真实有效。",
	              "Enter a certificate number or an officer's full name to check that the "
	              "enforcement certificate is genuine and valid."},
	[OS_LABEL] = {"执法证号或全名", "Certificate number or full name"},
	[OS_HINT] = {"须与证件完全一致，不支持模糊查询。",
	             "It must match the certificate exactly; partial names are not searched."},
	[OS_SUBMIT] = {"查询", "Look up"},
	[OS_NONE_PRE] = {"未找到与“", "No certificate matches \""},
	[OS_NONE_POST] = {"”完全一致的执法证件。请核对证号或全名；如对方无法出示有效证件，可以投诉举报。",
	                  "\" exactly. Check the number or the full name; if an officer cannot "
	                  "show a valid certificate, you can file a complaint."},
	[OS_FOUND] = {"查询结果", "Results"},
	[OS_NAME] = {"姓名", "Name"},
	[OS_CERT] = {"执法证号", "Certificate number"},
	[OS_AGENCY] = {"执法主体", "Enforcing agency"},
	[OS_CATEGORY] = {"执法门类", "Category"},
	[OS_AREA] = {"执法区域", "Area"},
	[OS_UNTIL] = {"有效期至", "Valid until"},
	[OS_STATUS] = {"证件状态", "Status"},
	[OS_VALID] = {"有效", "Valid"},
	[OS_SUSPENDED] = {"暂扣", "Suspended"},
	[OS_REVOKED] = {"注销", "Revoked"},
	[OS_EXPIRED] = {"已过期", "Expired"},
	[OS_SLOW_PRE] = {"查询过于频繁。为防止批量抓取，每个网络地址每小时的查询次数有限。请约 ",
	                 "Too many lookups. To prevent scraping, each network address may look up "
	                 "only so many certificates an hour. Please try again in about "},
	[OS_SLOW_POST] = {" 分钟后再试。", " minutes."},
	[OS_COMPLAIN] = {"投诉举报此执法人员", "Report this officer"},
	[OS_TOO_LONG] = {"输入的内容过长：执法证号或姓名不会这么长。",
	                 "That is longer than any certificate number or name."},
};

static void text(struct sbuf *out, enum officer_str id, enum lang l)
{
	html_escape(out, texts[id][l]);
}

/* The status in words: valid, suspended or revoked, and expired when past valid_until. */
static void status_words(struct sbuf *out, const struct html_officer_row *r, enum lang l)
{
	const char *st = r->o->status;
	bool valid = strcmp(st, "valid") == 0 && !r->expired;
	sbuf_adds(out, valid ? "<strong class=\"ok\">" : "<strong class=\"bad\">");
	text(out, strcmp(st, "suspended") == 0 ? OS_SUSPENDED : strcmp(st, "revoked") == 0 ? OS_REVOKED
	          : OS_VALID, l);
	if (r->expired) {
		sbuf_adds(out, l == LANG_ZH ? "（" : " (");
		text(out, OS_EXPIRED, l);
		sbuf_adds(out, l == LANG_ZH ? "）" : ")");
	}
	sbuf_adds(out, "</strong>");
}

/* One term and its value (escaped) of a certificate's list. */
static void field(struct sbuf *out, enum officer_str term, const char *value, enum lang l)
{
	if (value == NULL || *value == '\0')
		return;
	sbuf_adds(out, "<dt>");
	text(out, term, l);
	sbuf_adds(out, "</dt><dd>");
	html_escape(out, value);
	sbuf_adds(out, "</dd>\n");
}

static void officer_card(struct sbuf *out, const struct html_officer_row *r, enum lang l)
{
	const struct officer *o = r->o;
	sbuf_adds(out, "<li class=\"officer\">\n<dl class=\"record\">\n");
	field(out, OS_NAME, o->name, l);
	field(out, OS_CERT, o->cert_no, l);
	field(out, OS_AGENCY, r->agency_name ? r->agency_name : o->agency, l);
	field(out, OS_CATEGORY, o->category, l);
	field(out, OS_AREA, o->area, l);
	field(out, OS_UNTIL, o->valid_until, l);
	sbuf_adds(out, "<dt>");
	text(out, OS_STATUS, l);
	sbuf_adds(out, "</dt><dd>");
	status_words(out, r, l);
	sbuf_adds(out, l == LANG_ZH ? "</dd>\n</dl>\n<p><a href=\"/complaint\">"
	                            : "</dd>\n</dl>\n<p><a href=\"/complaint?lang=en\">");
	text(out, OS_COMPLAIN, l);
	sbuf_adds(out, "</a></p>\n</li>\n");
}

void html_officer_page(struct sbuf *out, const struct html_officer_lookup *v,
                       const struct html_site *site)
{
	enum lang l = html_lang_ok(v->lang);
	bool asked = v->q != NULL && *v->q != '\0';
	html_page_open(out, l, texts[OS_TITLE][l], v->retry_after > 0 || v->too_long, v->lang_href);
	sbuf_adds(out, "<h1>");
	text(out, OS_TITLE, l);
	sbuf_adds(out, "</h1>\n<p class=\"intro\">");
	text(out, OS_INTRO, l);
	sbuf_adds(out, "</p>\n<form method=\"get\" action=\"/officers\" class=\"lookup\" role=\"search\">\n");
	if (l == LANG_EN)
		sbuf_adds(out, "<input type=\"hidden\" name=\"lang\" value=\"en\">\n");
	sbuf_adds(out, "<label for=\"q\">");
	text(out, OS_LABEL, l);
	sbuf_adds(out, "</label>\n<p class=\"hint\" id=\"q-hint\">");
	text(out, OS_HINT, l);
	sbuf_adds(out, "</p>\n<input type=\"search\" id=\"q\" name=\"q\" maxlength=\"200\" "
	               "autocomplete=\"off\" aria-describedby=\"q-hint\" required value=\"");
	html_escape(out, v->q ? v->q : "");
	sbuf_adds(out, "\">\n<button type=\"submit\">");
	text(out, OS_SUBMIT, l);
	sbuf_adds(out, "</button>\n</form>\n<section aria-live=\"polite\" class=\"lookup-result\">\n");
	if (v->too_long) {
		sbuf_adds(out, "<p class=\"error\" role=\"alert\">");
		text(out, OS_TOO_LONG, l);
		sbuf_adds(out, "</p>\n");
	} else if (v->retry_after > 0) {
		sbuf_adds(out, "<p class=\"error\" role=\"alert\">");
		text(out, OS_SLOW_PRE, l);
		sbuf_printf(out, "%ld", (v->retry_after + 59) / 60);
		text(out, OS_SLOW_POST, l);
		sbuf_adds(out, "</p>\n");
	} else if (asked && v->n == 0) {
		sbuf_adds(out, "<p class=\"notice\">");
		text(out, OS_NONE_PRE, l);
		html_escape(out, v->q);
		text(out, OS_NONE_POST, l);
		sbuf_adds(out, "</p>\n");
	} else if (asked) {
		sbuf_adds(out, "<h2>");
		text(out, OS_FOUND, l);
		sbuf_adds(out, "</h2>\n<ul class=\"officers\">\n");
		for (size_t i = 0; i < v->n; i++)
			officer_card(out, &v->rows[i], l);
		sbuf_adds(out, "</ul>\n");
	}
	sbuf_adds(out, "</section>\n");
	html_page_close_site(out, l, site);
}
