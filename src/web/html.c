/* html — see html.h. */
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

/* Append s percent-encoded for a URL query value (RFC 3986 unreserved kept). */
static void url_encode(struct sbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
			sbuf_addc(out, (char)c);
		} else {
			sbuf_addc(out, '%');
			sbuf_addc(out, hex[c >> 4]);
			sbuf_addc(out, hex[c & 15]);
		}
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
	l = html_lang_ok(l);
	sbuf_adds(out, "<!doctype html>\n<html lang=\"");
	sbuf_adds(out, lang_tags[l]);
	sbuf_adds(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>");
	if (error)
		html_text(out, STR_ERR_TITLE_PREFIX, l);
	html_escape(out, title);
	sbuf_adds(out, "</title>\n<link rel=\"stylesheet\" href=\"/assets/manyi.css\">\n"
	               "</head>\n<body>\n<header class=\"site\">\n<p class=\"brand\">");
	html_text(out, STR_BRAND, l);
	sbuf_adds(out, "</p>\n");
	if (lang_href != NULL && *lang_href != '\0') {
		enum lang other = l == LANG_ZH ? LANG_EN : LANG_ZH;
		sbuf_adds(out, "<nav class=\"lang\" aria-label=\"");
		html_text(out, STR_LANG_NAV, l);
		sbuf_adds(out, "\"><a href=\"");
		html_escape(out, lang_href);
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

/* Null-safe string equality (two NULLs are equal). */
static bool same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The error recorded for item (NULL: the whole form), or ANSWER_OK. */
static enum answer_err err_for(const struct form_view *v, const char *item)
{
	if (v->errors == NULL)
		return ANSWER_OK;
	for (size_t i = 0; i < v->errors->n && i < ANSWER_ERRORS_MAX; i++)
		if (same(v->errors->v[i].item, item))
			return v->errors->v[i].code;
	return ANSWER_OK;
}

/* The first entered value for key, or NULL. */
static const char *value_of(const struct form_view *v, const char *key)
{
	if (v->values == NULL)
		return NULL;
	for (size_t i = 0; i < v->values->n; i++)
		if (same(v->values->v[i].key, key))
			return v->values->v[i].value;
	return NULL;
}

/* True when (key, value) is among the entered values (multi answers). */
static bool value_has(const struct form_view *v, const char *key, const char *value)
{
	if (v->values == NULL)
		return false;
	for (size_t i = 0; i < v->values->n; i++)
		if (same(v->values->v[i].key, key) && same(v->values->v[i].value, value))
			return true;
	return false;
}

/*
 * The language switch link: action with ?lang=OTHER, and &t=TOKEN
 * (percent-encoded) when there is a token, appended to href; not yet
 * HTML-escaped.
 */
static void lang_switch_href(struct sbuf *href, const struct form_view *v)
{
	enum lang other = html_lang_ok(v->lang) == LANG_ZH ? LANG_EN : LANG_ZH;
	const char *action = v->action ? v->action : "";

	sbuf_adds(href, action);
	sbuf_adds(href, strchr(action, '?') ? "&lang=" : "?lang=");
	sbuf_adds(href, html_lang_params[other]);
	if (v->token != NULL && *v->token != '\0') {
		sbuf_adds(href, "&t=");
		url_encode(href, v->token);
	}
}

/* A hidden input name=value (value escaped). */
static void hidden(struct sbuf *out, const char *name, const char *value)
{
	sbuf_adds(out, "<input type=\"hidden\" name=\"");
	sbuf_adds(out, name);
	sbuf_adds(out, "\" value=\"");
	html_escape(out, value ? value : "");
	sbuf_adds(out, "\">\n");
}

/* The visible "Required" marker after a question or label. */
static void required_mark(struct sbuf *out, enum lang l)
{
	sbuf_adds(out, " <span class=\"req\">");
	html_text(out, STR_REQUIRED, l);
	sbuf_adds(out, "</span>");
}

/* Error e of item it (NULL: no item) in l, escaped: answer_err_explain()'s sentence. */
static void error_text(struct sbuf *out, const struct item *it, enum answer_err e, enum lang l)
{
	struct sbuf msg;
	sbuf_init(&msg);
	answer_err_explain(it, e, l, &msg);
	html_escape(out, msg.data);
	sbuf_free(&msg);
}

/* The per-field error line with id "e-ID", if the field has an error; it may be NULL. */
static void field_error(struct sbuf *out, const char *id, const struct item *it,
                        enum answer_err e, enum lang l)
{
	if (e == ANSWER_OK)
		return;
	sbuf_adds(out, "<p class=\"field-error\" id=\"e-");
	html_escape(out, id);
	sbuf_adds(out, "\"><span class=\"visually-hidden\">");
	html_text(out, STR_ERR_PREFIX, l);
	sbuf_adds(out, "</span>");
	error_text(out, it, e, l);
	sbuf_adds(out, "</p>\n");
}

/*
 * The error summary at the top: a heading and one line per error, in
 * form order (form-level errors first, then the context selects, then the
 * items), each linking to its field.  Errors for keys that are no field
 * of the page are listed without a link.
 */
static void error_summary(struct sbuf *out, const struct form_view *v)
{
	const struct survey *s = v->survey;
	enum lang l = v->lang;
	static const char *const ctx[] = {"_agency", "_domain"};
	static const enum html_str ctx_label[] = {STR_AGENCY_LABEL, STR_DOMAIN_LABEL};

	if (v->errors == NULL || v->errors->n == 0)
		return;
	sbuf_adds(out, "<div class=\"error-summary\" role=\"alert\" "
	               "aria-labelledby=\"error-summary-title\">\n"
	               "<h2 id=\"error-summary-title\">");
	html_text(out, STR_ERR_HEADING, l);
	sbuf_adds(out, "</h2>\n<ul>\n");

	/* Form-level errors and errors on keys the page does not show. */
	for (size_t i = 0; i < v->errors->n && i < ANSWER_ERRORS_MAX; i++) {
		const char *item = v->errors->v[i].item;
		if (item != NULL && (survey_item(s, item) != NULL ||
		    ((same(item, "_agency") || same(item, "_domain")) && v->ask_context)))
			continue;
		sbuf_adds(out, "<li>");
		error_text(out, NULL, v->errors->v[i].code, l);
		sbuf_adds(out, "</li>\n");
	}
	if (v->ask_context) {
		for (size_t i = 0; i < ARRAY_SIZE(ctx); i++) {
			enum answer_err e = err_for(v, ctx[i]);
			if (e == ANSWER_OK)
				continue;
			sbuf_adds(out, "<li><a href=\"#q-");
			sbuf_adds(out, ctx[i]);
			sbuf_adds(out, "\">");
			html_text(out, ctx_label[i], l);
			html_text(out, STR_COLON, l);
			error_text(out, NULL, e, l);
			sbuf_adds(out, "</a></li>\n");
		}
	}
	for (size_t i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		enum answer_err e = err_for(v, it->id);
		if (e == ANSWER_OK)
			continue;
		sbuf_adds(out, "<li><a href=\"#q-");
		html_escape(out, it->id);
		sbuf_adds(out, "\">");
		html_text(out, STR_ITEM_PREFIX, l);
		sbuf_printf(out, "%zu", i + 1);
		html_text(out, STR_ITEM_SUFFIX, l);
		error_text(out, it, e, l);
		sbuf_adds(out, "</a></li>\n");
	}
	sbuf_adds(out, "</ul>\n</div>\n");
}

/* Is code one of list[0..n-1]? */
static bool listed(const char *const *list, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (same(list[i], code))
			return true;
	return false;
}

/*
 * The options of choices (those in only[0..nonly-1] when nonly > 0), cur
 * selected; with *selected (may be NULL) cur is marked once only, however
 * many groups offer it.
 */
static void options(struct sbuf *out, const struct html_choice *choices, size_t n,
                    const char *const *only, size_t nonly, const char *cur, bool *selected,
                    enum lang l)
{
	for (size_t i = 0; i < n; i++) {
		const char *nm = choices[i].name[html_lang_ok(l)];
		if (nonly > 0 && !listed(only, nonly, choices[i].code))
			continue;
		sbuf_adds(out, "<option value=\"");
		html_escape(out, choices[i].code);
		sbuf_adds(out, "\"");
		if (cur != NULL && same(cur, choices[i].code) && (selected == NULL || !*selected)) {
			sbuf_adds(out, " selected");
			if (selected != NULL)
				*selected = true;
		}
		sbuf_adds(out, ">");
		html_escape(out, nm ? nm : choices[i].code);
		sbuf_adds(out, "</option>\n");
	}
}

/*
 * The domain select's options.  No agency restricted (agency_domain
 * empty): every domain, as before.  An agency chosen already (a form
 * shown again) that has pairs: its domains only.  Otherwise one
 * <optgroup> per restricted agency, labelled with its name, holding its
 * domains, and one for the other agencies holding every domain: phones
 * show the groups' labels in their own pickers, without JavaScript and
 * without a second page (the server still refuses a pair that does not
 * belong together, beside this question).
 */
static void domain_options(struct sbuf *out, const struct form_view *v, const char *cur)
{
	enum lang l = v->lang;
	const char *agency = value_of(v, "_agency");
	size_t restricted = 0;
	bool selected = false;

	for (size_t i = 0; i < v->nagencies; i++) {
		const struct html_choice *a = &v->agencies[i];
		if (a->nenforces == 0)
			continue;
		restricted++;
		if (agency != NULL && same(agency, a->code)) {
			options(out, v->domains, v->ndomains, a->enforces, a->nenforces, cur, NULL, l);
			return;
		}
	}
	if (restricted == 0) {
		options(out, v->domains, v->ndomains, NULL, 0, cur, NULL, l);
		return;
	}
	for (size_t i = 0; i < v->nagencies; i++) {
		const struct html_choice *a = &v->agencies[i];
		const char *nm = a->name[html_lang_ok(l)];
		if (a->nenforces == 0)
			continue;
		sbuf_adds(out, "<optgroup label=\"");
		html_escape(out, nm ? nm : a->code);
		sbuf_adds(out, "\">\n");
		options(out, v->domains, v->ndomains, a->enforces, a->nenforces, cur, &selected, l);
		sbuf_adds(out, "</optgroup>\n");
	}
	if (restricted < v->nagencies) {
		sbuf_adds(out, "<optgroup label=\"");
		html_text(out, STR_OTHER_AGENCIES, l);
		sbuf_adds(out, "\">\n");
		options(out, v->domains, v->ndomains, NULL, 0, cur, &selected, l);
		sbuf_adds(out, "</optgroup>\n");
	}
}

/* One select (_agency or _domain) with its label and error. */
static void context_select(struct sbuf *out, const struct form_view *v,
                           const char *name, enum html_str label,
                           const struct html_choice *choices, size_t n)
{
	enum lang l = v->lang;
	enum answer_err e = err_for(v, name);
	const char *cur = value_of(v, name);

	sbuf_adds(out, "<div class=\"field");
	if (e != ANSWER_OK)
		sbuf_adds(out, " has-error");
	sbuf_adds(out, "\" id=\"q-");
	sbuf_adds(out, name);
	sbuf_adds(out, "\">\n<label for=\"f-");
	sbuf_adds(out, name);
	sbuf_adds(out, "\">");
	html_text(out, label, l);
	required_mark(out, l);
	sbuf_adds(out, "</label>\n");
	field_error(out, name, NULL, e, l);
	sbuf_adds(out, "<select id=\"f-");
	sbuf_adds(out, name);
	sbuf_adds(out, "\" name=\"");
	sbuf_adds(out, name);
	sbuf_adds(out, "\" required");
	if (e != ANSWER_OK) {
		sbuf_adds(out, " aria-invalid=\"true\" aria-describedby=\"e-");
		sbuf_adds(out, name);
		sbuf_adds(out, "\"");
	}
	sbuf_adds(out, ">\n<option value=\"\">");
	html_text(out, STR_SELECT_EMPTY, l);
	sbuf_adds(out, "</option>\n");
	if (same(name, "_domain"))
		domain_options(out, v, cur);
	else
		options(out, choices, n, NULL, 0, cur, NULL, l);
	sbuf_adds(out, "</select>\n</div>\n");
}

/*
 * One radio or checkbox row: <label class="opt"><input ...> text</label>.
 * num, when not NULL, is shown as the option's number before its text.
 */
static void option_row(struct sbuf *out, const char *type, const char *name,
                       const char *value, bool checked, bool required,
                       const char *num, const char *label, const char *cls)
{
	sbuf_adds(out, "<label class=\"opt");
	if (cls != NULL) {
		sbuf_addc(out, ' ');
		sbuf_adds(out, cls);
	}
	sbuf_adds(out, "\"><input type=\"");
	sbuf_adds(out, type);
	sbuf_adds(out, "\" name=\"");
	html_escape(out, name);
	sbuf_adds(out, "\" value=\"");
	html_escape(out, value);
	sbuf_adds(out, "\"");
	if (checked)
		sbuf_adds(out, " checked");
	if (required)
		sbuf_adds(out, " required");
	sbuf_adds(out, ">");
	if (num != NULL) {
		sbuf_adds(out, "<span class=\"opt-num\">");
		html_escape(out, num);
		/* The space keeps "1 Very dissatisfied" apart for screen readers. */
		sbuf_adds(out, "</span> ");
	}
	sbuf_adds(out, "<span class=\"opt-text\">");
	html_escape(out, label);
	sbuf_adds(out, "</span></label>\n");
}

/* The controls of a scale item: 1..points radios, then "na" if allowed. */
static void scale_controls(struct sbuf *out, const struct form_view *v,
                           const struct item *it)
{
	const struct survey *s = v->survey;
	enum lang l = html_lang_ok(v->lang);
	const char *cur = value_of(v, it->id);
	char num[16];

	sbuf_printf(out, "<div class=\"options scale\" data-points=\"%d\">\n", s->points);
	for (int k = 1; k <= s->points; k++) {
		const char *lab = s->labels[l] ? s->labels[l][k - 1] : NULL;
		snprintf(num, sizeof(num), "%d", k);
		option_row(out, "radio", it->id, num, same(cur, num), it->required,
		           num, lab ? lab : "", NULL);
	}
	sbuf_adds(out, "</div>\n");
	if (it->allow_na) {
		sbuf_adds(out, "<div class=\"options na\">\n");
		option_row(out, "radio", it->id, "na", same(cur, "na"), it->required,
		           NULL, html_tr(STR_NA, l), "opt-na");
		sbuf_adds(out, "</div>\n");
	}
}

/* The controls of a choice (radios) or multi (checkboxes) item. */
static void option_controls(struct sbuf *out, const struct form_view *v,
                            const struct item *it)
{
	bool multi = it->type == ITEM_MULTI;
	const char *cur = multi ? NULL : value_of(v, it->id);

	sbuf_adds(out, "<div class=\"options list\">\n");
	for (size_t k = 0; k < it->noptions; k++) {
		const struct survey_option *o = &it->options[k];
		bool checked = multi ? value_has(v, it->id, o->value) : same(cur, o->value);
		option_row(out, multi ? "checkbox" : "radio", it->id, o->value, checked,
		           !multi && it->required, NULL, html_i18n(&o->text, v->lang), NULL);
	}
	sbuf_adds(out, "</div>\n");
}

/* The textarea of a text item; the hint "h-ID" was written by the caller. */
static void text_controls(struct sbuf *out, const struct form_view *v,
                          const struct item *it, enum answer_err e)
{
	const char *cur = value_of(v, it->id);

	sbuf_adds(out, "<textarea id=\"f-");
	html_escape(out, it->id);
	sbuf_adds(out, "\" name=\"");
	html_escape(out, it->id);
	sbuf_printf(out, "\" maxlength=\"%zu\" rows=\"5\"", it->max_length);
	if (it->required)
		sbuf_adds(out, " required");
	sbuf_adds(out, " aria-describedby=\"h-");
	html_escape(out, it->id);
	if (e != ANSWER_OK) {
		sbuf_adds(out, " e-");
		html_escape(out, it->id);
	}
	sbuf_adds(out, "\"");
	if (e != ANSWER_OK)
		sbuf_adds(out, " aria-invalid=\"true\"");
	/* The newline keeps a leading newline of the value (the parser drops one). */
	sbuf_adds(out, ">\n");
	html_escape(out, cur);
	sbuf_adds(out, "</textarea>\n");
}

/*
 * One question: <fieldset id="q-ID"> with a legend (number, text, the
 * required marker), an optional hint, the error line, then the controls.
 */
static void item_fieldset(struct sbuf *out, const struct form_view *v,
                          const struct item *it, size_t number)
{
	enum lang l = v->lang;
	enum answer_err e = err_for(v, it->id);
	bool hint = it->type == ITEM_MULTI || it->type == ITEM_TEXT;

	sbuf_adds(out, "<fieldset class=\"q q-");
	sbuf_adds(out, item_type_name(it->type));
	if (e != ANSWER_OK)
		sbuf_adds(out, " has-error");
	sbuf_adds(out, "\" id=\"q-");
	html_escape(out, it->id);
	sbuf_adds(out, "\"");
	if (hint || e != ANSWER_OK) {
		sbuf_adds(out, " aria-describedby=\"");
		if (hint) {
			sbuf_adds(out, "h-");
			html_escape(out, it->id);
		}
		if (e != ANSWER_OK) {
			if (hint)
				sbuf_addc(out, ' ');
			sbuf_adds(out, "e-");
			html_escape(out, it->id);
		}
		sbuf_adds(out, "\"");
	}
	sbuf_printf(out, ">\n<legend><span class=\"q-num\">%zu.</span> ", number);
	if (it->type == ITEM_TEXT) {
		/* The legend names the group; the label names the textarea. */
		sbuf_adds(out, "<label for=\"f-");
		html_escape(out, it->id);
		sbuf_adds(out, "\">");
		html_escape(out, html_i18n(&it->text, l));
		sbuf_adds(out, "</label>");
	} else {
		html_escape(out, html_i18n(&it->text, l));
	}
	if (it->required)
		required_mark(out, l);
	sbuf_adds(out, "</legend>\n");
	if (it->type == ITEM_MULTI) {
		sbuf_adds(out, "<p class=\"hint\" id=\"h-");
		html_escape(out, it->id);
		sbuf_adds(out, "\">");
		html_text(out, STR_MULTI_HINT, l);
		sbuf_adds(out, "</p>\n");
	} else if (it->type == ITEM_TEXT) {
		sbuf_adds(out, "<p class=\"hint\" id=\"h-");
		html_escape(out, it->id);
		sbuf_adds(out, "\">");
		html_text(out, STR_TEXT_HINT_PRE, l);
		sbuf_printf(out, "%zu", it->max_length);
		html_text(out, STR_TEXT_HINT_POST, l);
		sbuf_adds(out, "</p>\n");
	}
	field_error(out, it->id, it, e, l);
	switch (it->type) {
	case ITEM_SCALE:
		scale_controls(out, v, it);
		break;
	case ITEM_CHOICE:
	case ITEM_MULTI:
		option_controls(out, v, it);
		break;
	case ITEM_TEXT:
	default:
		text_controls(out, v, it, e);
		break;
	}
	sbuf_adds(out, "</fieldset>\n");
}

/*
 * The survey form: header with the language switch, title and intro,
 * notice, error summary, context, then the form with its hidden fields,
 * the context selects, one fieldset per item, the honeypot and the submit
 * button.  v and everything it points to are borrowed.
 */
void html_form_page(struct sbuf *out, const struct form_view *v)
{
	const struct survey *s = v->survey;
	enum lang l = html_lang_ok(v->lang);
	bool has_errors = v->errors != NULL && v->errors->n > 0;
	struct sbuf href;

	sbuf_init(&href);
	lang_switch_href(&href, v);
	html_page_open(out, l, html_i18n(&s->title, l), has_errors, href.data);
	sbuf_free(&href);

	error_summary(out, v);
	sbuf_adds(out, "<h1>");
	html_escape(out, html_i18n(&s->title, l));
	sbuf_adds(out, "</h1>\n");
	if (v->context != NULL && *v->context != '\0') {
		sbuf_adds(out, "<p class=\"context\">");
		html_escape(out, v->context);
		sbuf_adds(out, "</p>\n");
	}
	if (html_i18n(&s->intro, l)[0] != '\0') {
		sbuf_adds(out, "<p class=\"intro\">");
		html_escape(out, html_i18n(&s->intro, l));
		sbuf_adds(out, "</p>\n");
	}
	if (v->notice != NULL && *v->notice != '\0') {
		sbuf_adds(out, "<div class=\"notice\" role=\"status\"><p>");
		html_escape(out, v->notice);
		sbuf_adds(out, "</p></div>\n");
	}

	sbuf_adds(out, "<form method=\"post\" action=\"");
	html_escape(out, v->action ? v->action : "");
	sbuf_adds(out, "\" accept-charset=\"utf-8\" novalidate>\n");
	hidden(out, "_csrf", v->csrf);
	if (v->nonce != NULL && *v->nonce != '\0')
		hidden(out, "_n", v->nonce);
	if (v->token != NULL && *v->token != '\0')
		hidden(out, "_t", v->token);
	hidden(out, "_lang", html_lang_params[l]);

	if (v->ask_context) {
		sbuf_adds(out, "<fieldset class=\"q q-context\" id=\"q-context\">\n<legend>");
		html_text(out, STR_CONTEXT_LEGEND, l);
		sbuf_adds(out, "</legend>\n");
		context_select(out, v, "_agency", STR_AGENCY_LABEL, v->agencies, v->nagencies);
		context_select(out, v, "_domain", STR_DOMAIN_LABEL, v->domains, v->ndomains);
		sbuf_adds(out, "</fieldset>\n");
	}

	for (size_t i = 0; i < s->nitems; i++)
		item_fieldset(out, v, &s->items[i], i + 1);

	/* Honeypot: off-screen, out of the tab order and of the a11y tree. */
	sbuf_adds(out, "<div class=\"hp\" aria-hidden=\"true\">\n<label for=\"f-_hp\">");
	html_text(out, STR_HP_LABEL, l);
	sbuf_adds(out, "</label>\n<input type=\"text\" id=\"f-_hp\" name=\"_hp\" value=\"\" "
	               "tabindex=\"-1\" autocomplete=\"off\">\n</div>\n");

	sbuf_adds(out, "<div class=\"actions\"><button type=\"submit\">");
	html_text(out, STR_SUBMIT, l);
	sbuf_adds(out, "</button></div>\n</form>\n");
	html_page_close_site(out, l, v->site);
}

