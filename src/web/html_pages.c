/*
 * html_pages — the pages around the form: thanks, messages, the ways on
 * from a link that cannot be used, the landing page and the printed
 * notices.  See html.h; the helpers it shares with html.c are in
 * html_internal.h.
 */
#include "html.h"
#include "html_internal.h"

#include <stdio.h>
#include <string.h>

/* The thank-you page; s (borrowed) may be NULL. */
void html_thanks_page(struct sbuf *out, const struct survey *s, enum lang l)
{
	html_thanks_case_page(out, s, l, NULL);
}

void html_thanks_case_page(struct sbuf *out, const struct survey *s, enum lang l,
                           const struct html_followup_note *n)
{
	l = html_lang_ok(l);
	html_page_open(out, l, html_tr(STR_THANKS_TITLE, l), false, NULL);
	sbuf_adds(out, "<div class=\"panel done\">\n<h1>");
	html_text(out, STR_THANKS_TITLE, l);
	sbuf_adds(out, "</h1>\n");
	if (s != NULL) {
		sbuf_adds(out, "<p class=\"context\">");
		html_escape(out, html_i18n(&s->title, l));
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "<p>");
	html_text(out, STR_THANKS_BODY, l);
	sbuf_adds(out, "</p>\n<p>");
	html_text(out, STR_THANKS_CLOSE, l);
	sbuf_adds(out, "</p>\n</div>\n");
	if (n != NULL)
		html_followup_note(out, l, n);
	html_page_close(out, l);
}

/* A heading and one paragraph; both borrowed, escaped here. */
void html_message_page(struct sbuf *out, enum lang l, const char *title,
                       const char *message)
{
	html_way_on_page(out, l, title, message, NULL, NULL);
}

/* A link to survey v in l: /s/ID, with ?lang=en for English. */
static void survey_link(struct sbuf *out, const struct html_survey_link *v, enum lang l)
{
	const char *t = v->title[l] != NULL && *v->title[l] != '\0' ? v->title[l] : v->id;
	sbuf_adds(out, "<a href=\"/s/");
	html_escape(out, v->id);
	if (l != LANG_ZH) {
		sbuf_adds(out, "?lang=");
		sbuf_adds(out, html_lang_params[l]);
	}
	sbuf_adds(out, "\">");
	html_escape(out, t);
	sbuf_adds(out, "</a>");
}

/* See html.h.  Everything borrowed; text escaped here. */
void html_way_on_page(struct sbuf *out, enum lang l, const char *title, const char *message,
                      const struct html_site *site, const struct html_way_on *way)
{
	const char *contact = html_site_contact(site), *name = html_site_name(site, l);
	size_t nforms = way != NULL ? way->nforms : 0;

	l = html_lang_ok(l);
	html_page_open(out, l, title ? title : "", false, way != NULL ? way->lang_href : NULL);
	sbuf_adds(out, "<div class=\"panel\">\n<h1>");
	html_escape(out, title);
	sbuf_adds(out, "</h1>\n<p>");
	html_escape(out, message);
	sbuf_adds(out, "</p>\n");
	if (nforms > 0 || contact != NULL) {
		sbuf_adds(out, "<h2>");
		html_text(out, STR_WAY_ON, l);
		sbuf_adds(out, "</h2>\n<ul class=\"way-on\">\n");
		for (size_t i = 0; i < nforms; i++) {
			sbuf_adds(out, "<li>");
			html_text(out, STR_WAY_PUBLIC, l);
			survey_link(out, &way->forms[i], l);
			sbuf_adds(out, "</li>\n");
		}
		if (contact != NULL) {
			sbuf_adds(out, "<li>");
			html_text(out, STR_WAY_CONTACT, l);
			if (name != NULL) {
				html_escape(out, name);
				sbuf_adds(out, " ");
			}
			html_escape(out, contact);
			sbuf_adds(out, "</li>\n");
		}
		sbuf_adds(out, "</ul>\n");
	}
	sbuf_adds(out, "</div>\n");
	html_page_close_site(out, l, site);
}

/* See html.h. */
void html_landing_page(struct sbuf *out, enum lang l, const struct html_site *site,
                       const struct html_survey_link *surveys, size_t n)
{
	static const enum html_str who[AUDIENCE__MAX] = {
		[AUDIENCE_ENTERPRISE] = STR_LANDING_ENTERPRISE, [AUDIENCE_PUBLIC] = STR_LANDING_PUBLIC};
	const char *name = html_site_name(site, l);

	l = html_lang_ok(l);
	html_page_open(out, l, html_tr(STR_BRAND, l), false, l == LANG_ZH ? "/?lang=en" : "/?lang=zh");
	sbuf_adds(out, "<h1>");
	html_text(out, STR_BRAND, l);
	sbuf_adds(out, "</h1>\n");
	if (name != NULL) {
		sbuf_adds(out, "<p class=\"context\">");
		html_text(out, STR_EVALUATOR, l);
		html_escape(out, name);
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "<p class=\"intro\">");
	html_text(out, STR_LANDING_INTRO, l);
	sbuf_adds(out, "</p>\n<ul class=\"surveys\">\n");
	for (int au = 0; au < AUDIENCE__MAX; au++)
		for (size_t i = 0; i < n; i++) {
			if ((int)surveys[i].audience != au)
				continue;
			sbuf_adds(out, "<li><span class=\"who\">");
			html_text(out, who[au], l);
			sbuf_adds(out, "</span><br>\n");
			survey_link(out, &surveys[i], l);
			sbuf_adds(out, "</li>\n");
		}
	sbuf_adds(out, "</ul>\n<nav class=\"more\" aria-label=\"");
	html_text(out, STR_LANDING_MORE, l);
	sbuf_adds(out, l == LANG_ZH ? "\">\n<a href=\"/results\">" : "\">\n<a href=\"/results?lang=en\">");
	html_text(out, STR_LANDING_RESULTS, l);
	static const struct { const char *path; enum html_str text; } more[] = {
		{"/followup", STR_LANDING_FOLLOWUP},
		{"/complaint", STR_LANDING_COMPLAINT},
		{"/officers", STR_LANDING_OFFICERS},
	};
	for (size_t i = 0; i < ARRAY_SIZE(more); i++) {
		sbuf_printf(out, "</a>\n<a href=\"%s%s\">", more[i].path, l == LANG_ZH ? "" : "?lang=en");
		html_text(out, more[i].text, l);
	}
	sbuf_adds(out, l == LANG_ZH ? "</a>\n<a href=\"/signin\">" : "</a>\n<a href=\"/signin?lang=en\">");
	html_text(out, STR_LANDING_SIGNIN, l);
	sbuf_adds(out, "</a>\n</nav>\n");
	html_page_close_site(out, l, site);
}

/* The hidden fields both sign-in forms carry: lang and next. */
static void signin_hidden(struct sbuf *out, const struct html_signin *v, enum lang l)
{
	sbuf_adds(out, "<input type=\"hidden\" name=\"lang\" value=\"");
	sbuf_adds(out, html_lang_params[l]);
	sbuf_adds(out, "\">\n");
	if (v->next != NULL && *v->next != '\0') {
		sbuf_adds(out, "<input type=\"hidden\" name=\"next\" value=\"");
		html_escape(out, v->next);
		sbuf_adds(out, "\">\n");
	}
}

/* See html.h. */
void html_signin_page(struct sbuf *out, const struct html_signin *v, const struct html_site *site)
{
	enum lang l = html_lang_ok(v->lang);
	bool failed = v->message != NULL && *v->message != '\0';

	html_page_open(out, l, html_tr(STR_SIGNIN_TITLE, l), failed, v->lang_href);
	sbuf_adds(out, "<div class=\"panel signin\">\n<h1>");
	html_text(out, STR_SIGNIN_TITLE, l);
	sbuf_adds(out, "</h1>\n<p>");
	html_text(out, STR_SIGNIN_INTRO, l);
	sbuf_adds(out, "</p>\n");
	if (v->signed_in != NULL && *v->signed_in != '\0') {
		sbuf_adds(out, "<div class=\"signed-in\">\n<p>");
		html_text(out, STR_SIGNIN_ALREADY, l);
		html_escape(out, v->signed_in);
		sbuf_adds(out, "</p>\n<p><a href=\"");
		html_escape(out, v->next != NULL && *v->next != '\0' ? v->next : "/dashboard/");
		sbuf_adds(out, "\">");
		html_text(out, STR_SIGNIN_DASHBOARD, l);
		sbuf_adds(out, "</a></p>\n<form method=\"post\" action=\"/signout");
		sbuf_adds(out, l == LANG_ZH ? "" : "?lang=en");
		sbuf_adds(out, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
		html_escape(out, v->csrf != NULL ? v->csrf : "");
		sbuf_adds(out, "\">\n<div class=\"actions\"><button type=\"submit\">");
		html_text(out, STR_SIGNOUT, l);
		sbuf_adds(out, "</button></div>\n</form>\n</div>\n");
	}
	if (failed) {
		sbuf_adds(out, "<div class=\"error-summary\" role=\"alert\">\n<p>");
		html_escape(out, v->message);
		sbuf_adds(out, "</p>\n</div>\n");
	}
	sbuf_adds(out, "<form method=\"post\" action=\"/signin\">\n");
	signin_hidden(out, v, l);
	sbuf_adds(out, "<fieldset>\n<legend>");
	html_text(out, STR_SIGNIN_USER_LEGEND, l);
	sbuf_adds(out, "</legend>\n<div class=\"field\">\n<label for=\"username\">");
	html_text(out, STR_SIGNIN_USERNAME, l);
	sbuf_adds(out, "</label>\n<input type=\"text\" id=\"username\" name=\"username\" "
	               "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
	               "maxlength=\"64\" required");
	if (!v->key_failed)
		sbuf_adds(out, " autofocus");
	if (v->username != NULL && *v->username != '\0') {
		sbuf_adds(out, " value=\"");
		html_escape(out, v->username);
		sbuf_adds(out, "\"");
	}
	sbuf_adds(out, ">\n</div>\n<div class=\"field\">\n<label for=\"password\">");
	html_text(out, STR_SIGNIN_PASSWORD, l);
	sbuf_adds(out, "</label>\n<input type=\"password\" id=\"password\" name=\"password\" "
	               "autocomplete=\"current-password\" required>\n</div>\n</fieldset>\n"
	               "<div class=\"actions\"><button type=\"submit\">");
	html_text(out, STR_SIGNIN_SUBMIT, l);
	sbuf_adds(out, "</button></div>\n</form>\n<form method=\"post\" action=\"/signin\">\n");
	signin_hidden(out, v, l);
	sbuf_adds(out, "<fieldset>\n<legend>");
	html_text(out, STR_SIGNIN_KEY_LEGEND, l);
	sbuf_adds(out, "</legend>\n<div class=\"field\">\n<label for=\"key\">");
	html_text(out, STR_SIGNIN_KEY, l);
	sbuf_adds(out, "</label>\n<p class=\"hint\" id=\"key-hint\">");
	html_text(out, STR_SIGNIN_KEY_HINT, l);
	sbuf_adds(out, "</p>\n<input type=\"password\" id=\"key\" name=\"key\" autocomplete=\"off\" "
	               "spellcheck=\"false\" aria-describedby=\"key-hint\" required");
	if (v->key_failed)
		sbuf_adds(out, " autofocus");
	sbuf_adds(out, ">\n</div>\n</fieldset>\n<div class=\"actions\"><button type=\"submit\">");
	html_text(out, STR_SIGNIN_KEY_SUBMIT, l);
	sbuf_adds(out, "</button></div>\n</form>\n<p>");
	html_text(out, STR_SIGNIN_PUBLIC, l);
	sbuf_adds(out, l == LANG_ZH ? "<a href=\"/results\">" : "<a href=\"/results?lang=en\">");
	html_text(out, STR_LANDING_RESULTS, l);
	sbuf_adds(out, "</a></p>\n</div>\n");
	html_page_close_site(out, l, site);
}

/* One notice card; the QR code's <svg> comes from qr.c, built from literals and numbers. */
static void notice_card(struct sbuf *out, const struct html_notice *c)
{
	sbuf_adds(out, "<section class=\"notice\">\n<p class=\"agency\">");
	html_escape(out, c->agency[LANG_ZH]);
	sbuf_adds(out, "</p>\n<p class=\"agency-en\" lang=\"en\">");
	html_escape(out, c->agency[LANG_EN]);
	sbuf_adds(out, "</p>\n<p class=\"domain\">");
	html_escape(out, c->domain[LANG_ZH]);
	sbuf_adds(out, " <span lang=\"en\">");
	html_escape(out, c->domain[LANG_EN]);
	sbuf_adds(out, "</span></p>\n<p class=\"date\">执法日期 <span lang=\"en\">Date</span> ");
	html_escape(out, c->date);
	sbuf_adds(out, "</p>\n<h1>扫码评价本次执法</h1>\n"
	               "<p class=\"en\" lang=\"en\">Scan to rate this enforcement visit</p>\n"
	               "<div class=\"qr\">");
	sbuf_adds(out, c->qr_svg);
	sbuf_adds(out, "</div>\n<p class=\"url\">");
	html_escape(out, c->url);
	sbuf_adds(out, "</p>\n");
	if (c->until != NULL && *c->until != '\0') {
		sbuf_adds(out, "<p class=\"until\">请于 ");
		html_escape(out, c->until);
		sbuf_adds(out, " 前扫码评价 <span lang=\"en\">· Please rate by ");
		html_escape(out, c->until);
		sbuf_adds(out, "</span></p>\n");
	}
	sbuf_adds(out, "<p class=\"note\">本评价由独立第三方评估机构开展，匿名填写，"
	               "被评价单位无法得知您的身份。每次执法只能评价一次。</p>\n"
	               "<p class=\"note\" lang=\"en\">Run by an independent evaluator. "
	               "Anonymous: the agency never learns who answered. One rating per visit.</p>\n");
	if (c->ref != NULL && *c->ref != '\0') {
		/* For the officer, below the dashed line: which card goes to which enterprise. */
		sbuf_adds(out, "<p class=\"ref\">执法记录编号 <span lang=\"en\">Record</span> ");
		html_escape(out, c->ref);
		sbuf_adds(out, "</p>\n");
	}
	sbuf_adds(out, "</section>\n");
}

/* See html.h.  Cards go on sheets: one A6 sheet for one notice, A4 sheets of four for several. */
void html_notices_page(struct sbuf *out, const struct html_notice *v, size_t n)
{
	sbuf_adds(out, "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>扫码评价本次执法 · Rate this enforcement visit</title>\n"
	               "<link rel=\"stylesheet\" href=\"/assets/notice.css\">\n</head>\n<body class=\"");
	sbuf_adds(out, n == 1 ? "a6" : "a4");
	sbuf_adds(out, "\">\n");
	for (size_t i = 0; i < n; i++) {
		if (i % 4 == 0)
			sbuf_adds(out, "<div class=\"sheet\">\n");
		notice_card(out, &v[i]);
		if (i % 4 == 3 || i + 1 == n)
			sbuf_adds(out, "</div>\n");
	}
	sbuf_adds(out, "</body>\n</html>\n");
}
