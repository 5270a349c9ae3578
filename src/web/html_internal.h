/*
 * html_internal — what html.c (texts, escaping, a page's head and foot),
 * html_form.c (the form) and html_pages.c (the other pages and the
 * notices) share: the fixed texts of the pages by id, and the
 * helpers that open and close a page.  Only the three include it.
 */
#ifndef MANYI_HTML_INTERNAL_H
#define MANYI_HTML_INTERNAL_H

#include "html.h"

/*
 * Every fixed text of the pages, indexed by enum html_str x enum lang.
 * Nothing here is markup: these go through html_escape() like any text.
 */
enum html_str {
	STR_BRAND,
	STR_REQUIRED,
	STR_SUBMIT,
	STR_FOOTER,
	STR_NA,
	STR_ERR_TITLE_PREFIX,
	STR_ERR_HEADING,
	STR_ERR_PREFIX,
	STR_ITEM_PREFIX,
	STR_ITEM_SUFFIX,
	STR_COLON,
	STR_CONTEXT_LEGEND,
	STR_AGENCY_LABEL,
	STR_DOMAIN_LABEL,
	STR_OTHER_AGENCIES,
	STR_SELECT_EMPTY,
	STR_HP_LABEL,
	STR_LANG_NAV,
	STR_MULTI_HINT,
	STR_TEXT_HINT_PRE,
	STR_TEXT_HINT_POST,
	STR_THANKS_TITLE,
	STR_THANKS_BODY,
	STR_THANKS_CLOSE,
	STR_EVALUATOR,
	STR_CONTACT,
	STR_WAY_ON,
	STR_WAY_PUBLIC,
	STR_WAY_CONTACT,
	STR_LANDING_INTRO,
	STR_LANDING_ENTERPRISE,
	STR_LANDING_PUBLIC,
	STR_LANDING_MORE,
	STR_LANDING_RESULTS,
	STR_LANDING_SIGNIN,
	STR_LANDING_FOLLOWUP,
	STR_LANDING_COMPLAINT,
	STR_LANDING_OFFICERS,
	STR_SIGNIN_TITLE,
	STR_SIGNIN_INTRO,
	STR_SIGNIN_USER_LEGEND,
	STR_SIGNIN_USERNAME,
	STR_SIGNIN_PASSWORD,
	STR_SIGNIN_SUBMIT,
	STR_SIGNIN_KEY_LEGEND,
	STR_SIGNIN_KEY,
	STR_SIGNIN_KEY_HINT,
	STR_SIGNIN_KEY_SUBMIT,
	STR_SIGNIN_PUBLIC,
	STR_SIGNIN_ALREADY,
	STR_SIGNIN_DASHBOARD,
	STR_SIGNOUT,
	STR__MAX
};

/* The languages' query values ("zh", "en"). */
extern const char *const html_lang_params[LANG__MAX];

/* A valid language: anything out of range falls back to Chinese. */
enum lang html_lang_ok(enum lang l);
/* The fixed text id in language l. */
const char *html_tr(enum html_str id, enum lang l);
/* Text of an i18n member in l, or "" when absent. */
const char *html_i18n(const struct i18n *t, enum lang l);
/* Append the fixed text id in l, escaped. */
void html_text(struct sbuf *out, enum html_str id, enum lang l);
/* The head of a page and the start of its body (see html.c). */
void html_page_open(struct sbuf *out, enum lang l, const char *title,
                      bool error, const char *lang_href);
/*
 * The same in two parts, for a page that goes on its language switch's
 * link (the form's invitation token): up to the end of the escaped
 * lang_href, then the rest (given the same lang_href).
 */
void html_page_open_to_href(struct sbuf *out, enum lang l, const char *title,
                            bool error, const char *lang_href);
void html_page_open_after_href(struct sbuf *out, enum lang l, const char *lang_href);
/* The evaluator's name in l, and contact, from site ("" when unset). */
const char *html_site_name(const struct html_site *site, enum lang l);
const char *html_site_contact(const struct html_site *site);
/* Close a page, with the evaluator's footer when site says who it is. */
void html_page_close_site(struct sbuf *out, enum lang l, const struct html_site *site);
/* Close a page. */
void html_page_close(struct sbuf *out, enum lang l);
/* The thank-you page's note of the case an answer opened (html_followup.c). */
void html_followup_note(struct sbuf *out, enum lang l, const struct html_followup_note *n);

#endif
