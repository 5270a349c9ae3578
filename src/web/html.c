/* html — see html.h: the texts, escaping, and what every page opens and closes with (the form: html_form.c). */
#include "html.h"
#include "html_internal.h"

#include <stdio.h>
#include <string.h>


static const char *const strs[STR__MAX][LANG__MAX] = {
	[STR_BRAND] = {"行政执法满意度第三方评价",
	               "Independent survey of law enforcement"},
	[STR_REQUIRED] = {"必答", "Required"},
	[STR_SUBMIT] = {"提交评价", "Submit"},
	[STR_FOOTER] = {"本调查由独立第三方评估机构开展，您的回答对被评价单位匿名。",
	                "This survey is run by an independent third-party evaluator. "
	                "Your answers are anonymous to the agency being rated."},
	[STR_NA] = {"不适用", "Not applicable"},
	[STR_ERR_TITLE_PREFIX] = {"错误：", "Error: "},
	[STR_ERR_HEADING] = {"提交未成功，请修改以下问题：",
	                     "There is a problem with your answers:"},
	[STR_ERR_PREFIX] = {"错误：", "Error: "},
	[STR_ITEM_PREFIX] = {"第 ", "Question "},
	[STR_ITEM_SUFFIX] = {" 题：", ": "},
	[STR_COLON] = {"：", ": "},
	[STR_CONTEXT_LEGEND] = {"评价对象", "What you are rating"},
	[STR_AGENCY_LABEL] = {"请选择被评价的执法单位", "Please choose the agency"},
	[STR_DOMAIN_LABEL] = {"请选择执法领域", "Please choose the field of enforcement"},
	[STR_OTHER_AGENCIES] = {"其他单位", "Other agencies"},
	[STR_SELECT_EMPTY] = {"请选择", "Please choose"},
	[STR_HP_LABEL] = {"请勿填写此项", "Leave this field empty"},
	[STR_LANG_NAV] = {"语言", "Language"},
	[STR_MULTI_HINT] = {"可多选", "Select all that apply"},
	[STR_TEXT_HINT_PRE] = {"最多 ", "Up to "},
	[STR_TEXT_HINT_POST] = {" 字", " characters"},
	[STR_THANKS_TITLE] = {"感谢您的评价", "Thank you for your feedback"},
	[STR_THANKS_BODY] = {"您的回答已收到。您的意见将帮助改进行政执法工作。",
	                     "Your answers have been received. They will help "
	                     "improve law enforcement."},
	[STR_THANKS_CLOSE] = {"现在可以关闭此页面。", "You may now close this page."},
	[STR_EVALUATOR] = {"评价机构：", "Evaluator: "},
	[STR_CONTACT] = {"联系方式：", "Contact: "},
	[STR_WAY_ON] = {"您还可以", "What you can do"},
	[STR_WAY_PUBLIC] = {"填写公开问卷：", "Fill in the public survey: "},
	[STR_WAY_CONTACT] = {"联系评价机构：", "Contact the evaluator: "},
	[STR_LANDING_INTRO] = {"本调查由独立第三方评估机构开展，了解企业和群众对行政执法的满意程度。"
	                       "您的回答对被评价单位匿名。",
	                       "An independent third-party evaluator asks enterprises and citizens how "
	                       "satisfied they are with administrative law enforcement. The agency you "
	                       "rate never learns who answered."},
	[STR_LANDING_ENTERPRISE] = {"企业：评价执法检查、处罚或许可核查",
	                            "Enterprises: rate an inspection, penalty or permit check"},
	[STR_LANDING_PUBLIC] = {"群众：评价一次执法活动", "Citizens: rate an encounter with law enforcement"},
	[STR_LANDING_MORE] = {"结果与工作人员入口", "Results, and the way in for staff"},
	[STR_LANDING_RESULTS] = {"公开结果", "Public results"},
	[STR_LANDING_SIGNIN] = {"登录", "Sign in"},
	[STR_LANDING_FOLLOWUP] = {"查询差评处理进度（追评）", "Follow up a rating you gave"},
	[STR_LANDING_COMPLAINT] = {"投诉举报", "Report misconduct"},
	[STR_LANDING_OFFICERS] = {"执法证件查询", "Check an officer's certificate"},
	[STR_SIGNIN_TITLE] = {"登录", "Sign in"},
	[STR_SIGNIN_INTRO] = {"评价机构和执法单位的工作人员在此登录，查看执行进度和评价结果。",
	                      "Staff of the evaluator and of the agencies sign in here to follow "
	                      "fieldwork and read the results."},
	[STR_SIGNIN_USER_LEGEND] = {"用户名和密码", "Username and password"},
	[STR_SIGNIN_USERNAME] = {"用户名", "Username"},
	[STR_SIGNIN_PASSWORD] = {"密码", "Password"},
	[STR_SIGNIN_SUBMIT] = {"登录", "Sign in"},
	[STR_SIGNIN_KEY_LEGEND] = {"或者使用密钥", "Or use a key"},
	[STR_SIGNIN_KEY] = {"密钥", "Key"},
	[STR_SIGNIN_KEY_HINT] = {"评价机构发给您的 API 密钥，以 mk_ 开头。",
	                         "The API key the evaluator gave you; it starts with mk_."},
	[STR_SIGNIN_KEY_SUBMIT] = {"用密钥登录", "Sign in with the key"},
	[STR_SIGNIN_PUBLIC] = {"公开结果无需登录：", "The public results need no sign-in: "},
	[STR_SIGNIN_ALREADY] = {"您已登录：", "You are signed in: "},
	[STR_SIGNIN_DASHBOARD] = {"进入工作台", "Go to the dashboard"},
	[STR_SIGNOUT] = {"退出登录", "Sign out"},
};

/* The two languages' names, each in its own language, and BCP 47 tags. */
static const char *const lang_names[LANG__MAX] = {"中文", "English"};
static const char *const lang_tags[LANG__MAX] = {"zh-CN", "en"};
const char *const html_lang_params[LANG__MAX] = {"zh", "en"};

/* A valid language: anything out of range falls back to Chinese. */
enum lang html_lang_ok(enum lang l)
{
	return (unsigned)l < LANG__MAX ? l : LANG_ZH;
}

/* The fixed text id in language l. */
const char *html_tr(enum html_str id, enum lang l)
{
	return strs[id][html_lang_ok(l)];
}

/* Text of an i18n member in l, or "" when absent. */
const char *html_i18n(const struct i18n *t, enum lang l)
{
	const char *s = t->s[html_lang_ok(l)];
	return s ? s : "";
}

/*
 * Append s with the five HTML specials escaped.  Well-formed UTF-8 passes
 * through unchanged; a byte that starts no well-formed sequence, C0
 * controls other than TAB, LF and CR, DEL, C1 controls and bidirectional
 * formatting characters become U+FFFD, so that a page is always valid
 * UTF-8 and shows text as it is, whatever a client or a registry sent.
 */
void html_escape(struct sbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, run = 0;

	if (s == NULL)
		return;
	n = strlen(s);
	while (run < n) {
		size_t start = run, k;
		const char *rep = NULL;

		/* Extend a run of bytes that need no change. */
		while (run < n) {
			unsigned char c = p[run];
			if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' ||
			    (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
				break;
			if (c < 0x80) {
				run++;
				continue;
			}
			unsigned long cp;
			k = utf8_next(p + run, n - run, &cp);
			if (k == 0 || utf8_is_display_control(cp))
				break;
			run += k;
		}
		sbuf_add(out, s + start, run - start);
		if (run >= n)
			break;
		if (p[run] >= 0x80) {
			/* Not UTF-8 (one byte), or a display control (all of it). */
			unsigned long cp;
			k = utf8_next(p + run, n - run, &cp);
			sbuf_adds(out, "\xEF\xBF\xBD");
			run += k == 0 ? 1 : k;
			continue;
		}
		switch (p[run]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: rep = "\xEF\xBF\xBD"; break;
		}
		sbuf_adds(out, rep);
		run++;
	}
}

/* Append the fixed text id in l, escaped. */
void html_text(struct sbuf *out, enum html_str id, enum lang l)
{
	html_escape(out, html_tr(id, l));
}

/*
 * The start of every page, up to and including the opening of <main>:
 * doctype, head with charset, viewport, title and the stylesheet, and a
 * header with the brand.  A non-empty lang_href adds the language switch.
 */
void html_page_open(struct sbuf *out, enum lang l, const char *title,
                      bool error, const char *lang_href)
{
	html_page_open_to_href(out, l, title, error, lang_href);
	html_page_open_after_href(out, l, lang_href);
}

/* html_page_open() up to the end of the escaped lang_href (when there is one). */
void html_page_open_to_href(struct sbuf *out, enum lang l, const char *title,
                            bool error, const char *lang_href)
{
	l = html_lang_ok(l);
	sbuf_adds(out, "<!doctype html>\n<html lang=\"");
	sbuf_adds(out, lang_tags[l]);
	sbuf_adds(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>");
	if (error)
		html_text(out, STR_ERR_TITLE_PREFIX, l);
	html_escape(out, title);
	sbuf_adds(out, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/assets/manyi.css\">\n"
	               "</head>\n<body>\n<header class=\"site\">\n<p class=\"brand\">");
	html_text(out, STR_BRAND, l);
	sbuf_adds(out, "</p>\n");
	if (lang_href != NULL && *lang_href != '\0') {
		sbuf_adds(out, "<nav class=\"lang\" aria-label=\"");
		html_text(out, STR_LANG_NAV, l);
		sbuf_adds(out, "\"><a href=\"");
		html_escape(out, lang_href);
	}
}

/* The rest of html_page_open() after html_page_open_to_href() with the same lang_href. */
void html_page_open_after_href(struct sbuf *out, enum lang l, const char *lang_href)
{
	if (lang_href != NULL && *lang_href != '\0') {
		enum lang other = html_lang_ok(l) == LANG_ZH ? LANG_EN : LANG_ZH;
		sbuf_adds(out, "\" lang=\"");
		sbuf_adds(out, lang_tags[other]);
		sbuf_adds(out, "\" hreflang=\"");
		sbuf_adds(out, lang_tags[other]);
		sbuf_adds(out, "\">");
		html_escape(out, lang_names[other]);
		sbuf_adds(out, "</a></nav>\n");
	}
	sbuf_adds(out, "</header>\n<main>\n");
}

/* A setting's text in l, else in the other language, else NULL. */
const char *html_site_name(const struct html_site *site, enum lang l)
{
	if (site == NULL)
		return NULL;
	for (int k = 0; k < LANG__MAX; k++) {
		const char *t = site->evaluator[k == 0 ? html_lang_ok(l) : 1 - html_lang_ok(l)];
		if (t != NULL && *t != '\0')
			return t;
	}
	return NULL;
}

/* The contact line, or NULL. */
const char *html_site_contact(const struct html_site *site)
{
	return site != NULL && site->contact != NULL && *site->contact != '\0' ? site->contact : NULL;
}

/*
 * The end of every page: closes <main>, adds the footer (with the
 * evaluator's name and contact when site has them), closes the page.
 */
void html_page_close_site(struct sbuf *out, enum lang l, const struct html_site *site)
{
	const char *name = html_site_name(site, l), *contact = html_site_contact(site);

	sbuf_adds(out, "</main>\n<footer class=\"site\">\n<p>");
	html_text(out, STR_FOOTER, l);
	sbuf_adds(out, "</p>\n");
	if (name != NULL || contact != NULL) {
		sbuf_adds(out, "<p class=\"evaluator\">");
		if (name != NULL) {
			html_text(out, STR_EVALUATOR, l);
			html_escape(out, name);
		}
		if (contact != NULL) {
			sbuf_adds(out, name != NULL ? "<br>\n" : "");
			html_text(out, STR_CONTACT, l);
			html_escape(out, contact);
		}
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "</footer>\n</body>\n</html>\n");
}

void html_page_close(struct sbuf *out, enum lang l)
{
	html_page_close_site(out, l, NULL);
}

