/*
 * html — every byte of HTML manyi sends.  Text goes only through
 * html_escape(); markup comes only from string literals in this module.
 *
 * Pages are mobile first, work without JavaScript, and are accessible:
 * each question is a fieldset with a legend, every control has a label,
 * errors are tied to their fields with aria-describedby and listed in a
 * summary at the top.  Styles live in www/assets/manyi.css.
 */
#ifndef MANYI_HTML_H
#define MANYI_HTML_H

#include <stdbool.h>

#include "survey.h"
#include "util.h"

/* Append s with & < > " ' escaped. NULL appends nothing. */
void html_escape(struct sbuf *out, const char *s);

/* A registry entry offered in a select (agency or domain). */
struct html_choice {
	const char *code;
	const char *name[LANG__MAX];
	const char *const *enforces;  /* an agency's domain codes (agency_domain), or NULL */
	size_t nenforces;             /* 0: the agency may be rated in any domain */
};

/*
 * Who runs the survey and how to reach them (the database's settings
 * evaluator_name, evaluator_name_en, evaluator_contact), shown in the
 * footer of the pages; borrowed, each member NULL or "" when not set.
 */
struct html_site {
	const char *evaluator[LANG__MAX];
	const char *contact;
};

/* A loaded survey offered by link (the landing page, the way on); borrowed. */
struct html_survey_link {
	const char *id;
	enum audience audience;
	const char *title[LANG__MAX];
};

/*
 * Where to go on from a page that cannot help (a used, unknown or expired
 * link): the public forms, the evaluator (site's footer) and this page in
 * the other language.  Borrowed; lang_href (not yet escaped) may be NULL.
 */
struct html_way_on {
	const struct html_survey_link *forms;  /* the public surveys */
	size_t nforms;
	const char *lang_href;
};

/* Everything the form page shows; all pointers borrowed. */
struct form_view {
	const struct survey *survey;
	enum lang lang;
	const char *action;           /* form action, e.g. "/s/enforcement-enterprise" */
	const char *csrf;             /* value of the hidden _csrf field */
	const char *token;            /* invitation token (hidden _t) or NULL */
	const char *nonce;            /* this render's hidden _n (a double tap stores once) or NULL */
	const char *context;          /* encounter context line, already localised, or NULL */
	bool ask_context;             /* show agency and domain selects (_agency, _domain) */
	const struct html_choice *agencies;
	size_t nagencies;
	const struct html_choice *domains;
	size_t ndomains;
	const struct pairs *values;   /* entered values to keep (incl. _agency/_domain), or NULL */
	const struct answer_errors *errors; /* or NULL; item "_agency"/"_domain"/NULL for context/form */
	const char *notice;           /* a form-level message (already localised), or NULL */
	const struct html_site *site; /* the evaluator for the footer, or NULL */
	bool callback;                /* offer the call-back consent (_callback, _phone) */
};

/* A whole form page (<!doctype html> ...). */
void html_form_page(struct sbuf *out, const struct form_view *v);

/*
 * A form page made once and filled in for each request.  What changes
 * from one request to the next -- csrf, nonce, token (the hidden field
 * and the language switch's link) and context -- is left out of the
 * template and filled in by html_form_template_fill(); the rest is fixed
 * by the view the template was made from.
 */
struct html_form_template;

/*
 * The template of v's page; v's csrf, nonce, token and context are not
 * read.  v has no values, errors or notice (a form shown again is
 * rendered whole).  Caller frees with html_form_template_free().
 */
struct html_form_template *html_form_template_new(const struct form_view *v);
/* Accepts NULL. */
void html_form_template_free(struct html_form_template *t);
/*
 * Append t filled in with v's csrf, nonce, token and context: the bytes
 * html_form_page(out, v) appends when v is otherwise the view t was made
 * from.  Nothing else of v is read.
 */
void html_form_template_fill(struct sbuf *out, const struct html_form_template *t,
                             const struct form_view *v);

/* The thank-you page after a stored answer. */
void html_thanks_page(struct sbuf *out, const struct survey *s, enum lang l);

/* The follow-up case an answer opened, for the thank-you page; borrowed. */
struct html_followup_note {
	const char *code;       /* FU-... */
	const char *rater;      /* XXXX-XXXX-XXXX */
	const char *reply_due;  /* YYYY-MM-DD, or "" when not yet known */
};
/* html_thanks_page() with the case's note (n NULL: none). */
void html_thanks_case_page(struct sbuf *out, const struct survey *s, enum lang l,
                           const struct html_followup_note *n);

/* html_followup.c: the form's call-back consent block (values and errors kept). */
void html_callback_fields(struct sbuf *out, enum lang l, const char *phone, bool consent,
                          enum answer_err phone_err, enum answer_err consent_err);
/* An error summary line for field "_phone" or "_callback", linking to it. */
void html_callback_error(struct sbuf *out, enum lang l, const char *field, enum answer_err e);

/* The /followup page: the rater code's form, or the case with its 追评 form. */
enum html_fu_err { HTML_FU_OK, HTML_FU_ERR_WRONG, HTML_FU_ERR_SLOW, HTML_FU_ERR_SCORE,
                   HTML_FU_ERR_TWICE };
struct followup_view;
struct html_followup_page {
	enum lang lang;
	const char *csrf;
	const char *typed;                 /* the rater code as typed, or NULL */
	const struct followup_view *view;  /* the case, or NULL: ask for the code */
	const struct survey *survey;       /* the case's survey (its scale), with view */
	bool just_rated;
	enum html_fu_err error;
	const struct html_site *site;
};
void html_followup_page(struct sbuf *out, const struct html_followup_page *p);

/*
 * A simple page with a heading and one paragraph (404, 409 used token,
 * expired link, 500 ...), both already localised; survey may be NULL.
 */
void html_message_page(struct sbuf *out, enum lang l, const char *title,
                       const char *message);

/*
 * html_message_page() with a way on: after the message, links to the
 * public forms and the evaluator's contact, the language switch in the
 * header, and the evaluator in the footer.  site and way may be NULL.
 */
void html_way_on_page(struct sbuf *out, enum lang l, const char *title, const char *message,
                      const struct html_site *site, const struct html_way_on *way);

/*
 * The landing page (GET /): the forms' header with the language switch,
 * what the survey is, one link per loaded survey (n of them, enterprise
 * ones first), and the evaluator's name and contact.
 */
void html_landing_page(struct sbuf *out, enum lang l, const struct html_site *site,
                       const struct html_survey_link *surveys, size_t n);

/* The sign-in page (GET /signin, and POST /signin's failures); all borrowed. */
struct html_signin {
	enum lang lang;
	const char *next;      /* where to go after signing in (checked), or "" */
	const char *username;  /* the name entered before, kept on a failure, or "" */
	const char *message;   /* what went wrong, in words, or NULL */
	const char *lang_href; /* this page in the other language (not yet escaped) */
	bool key_failed;       /* the message is about the key form (focus there) */
	const char *signed_in; /* who the browser is signed in as, in words, or NULL */
	const char *csrf;      /* with signed_in: the session's CSRF token, for sign-out */
};

/*
 * The sign-in page: two forms posting to /signin, a username and password,
 * or a key; the message (role="alert") above them; a link to the public
 * results; labels for every field, no JavaScript.  Signed in already: who,
 * a link on to next (or the dashboard) and a sign-out button, above the forms.
 */
void html_signin_page(struct sbuf *out, const struct html_signin *v, const struct html_site *site);

/* One printable invitation notice; all borrowed. */
struct html_notice {
	const char *agency[LANG__MAX];  /* the agency's name */
	const char *domain[LANG__MAX];  /* the enforcement domain's name */
	const char *date;               /* occurred_on */
	const char *until;              /* the last day the link works (YYYY-MM-DD), or NULL */
	const char *ref;                /* the encounter's id, for the officer (cut margin), or NULL */
	const char *url;                /* the invitation link */
	const char *qr_svg;             /* an inline <svg> made by qr_svg() */
};

/*
 * Printable notices an officer hands over at the scene: each an A6 card
 * with the agency and the domain (Chinese first, English beneath), the
 * date, "扫码评价本次执法", the QR code, the link spelled out, the last day
 * and, below a dashed cut line, the record number.  One notice is one A6
 * page; several go on A4 sheets of four (<div class="sheet">, one a page).
 * Styles, sizes in mm: www/assets/notice.css.
 */
void html_notices_page(struct sbuf *out, const struct html_notice *v, size_t n);

/* A row of a reviewer's queue (GET /review); all borrowed, names already localised. */
struct html_review_row {
	const char *case_id, *agency, *domain, *kind, *decided_on;
	int state;             /* 0 assigned, 1 a draft saved, 2 submitted */
};

/* The reviewer's queue page; all borrowed. */
struct html_review_queue {
	enum lang lang;
	const char *reviewer, *reviewer_name; /* code and name */
	const struct html_review_row *rows;
	size_t n;
	const char *notice;    /* e.g. "submitted", already localised, or NULL */
	const char *csrf;      /* the session's, for sign-out */
	const char *lang_href; /* this page in the other language (not yet escaped) */
};

/*
 * GET /review: who is signed in, the files assigned (a table: case with its
 * link, agency, domain, kind, date, state) and a sign-out button.
 */
void html_review_queue_page(struct sbuf *out, const struct html_review_queue *v,
                            const struct html_site *site);

/* A file's record and the rubric's form; all borrowed, names already localised. */
struct html_review_form {
	enum lang lang;
	const struct survey *survey;    /* the rubric */
	const char *case_id, *agency, *domain, *kind, *decided_on, *outcome;
	bool enterprise;
	const struct pairs *values;     /* the values to show (a draft, a failed submit, the
	                                 * submitted review), or NULL */
	const struct answer_errors *errors; /* or NULL */
	const char *notice;             /* e.g. "draft saved", localised, or NULL */
	const char *csrf;
	bool submitted;                 /* the reviewer's review is in: read only */
	const char *lang_href;
};

/*
 * GET and POST /review/{case}: the record (agency, domain, kind, date,
 * enterprise-related yes/no, outcome; never the enterprise's identity,
 * which the registry does not hold), then the form: the points items as
 * number inputs 0..max (the max shown), the major-defect flags as yes/no
 * radios in fieldsets, the comment, and two buttons, action=draft and
 * action=submit.  Submitted: the review read only.
 */
void html_review_form_page(struct sbuf *out, const struct html_review_form *v,
                           const struct html_site *site);

#endif
