/*
 * html_complaint — the complaint channel's pages (handler_complaint.c):
 * the public form, the page after filing with the tracking code, the
 * tracking page, and the printable transfer letter (移送函).  zh/en, no
 * JavaScript, every text through html_escape(); the form has the survey
 * form's phone layout (www/assets/manyi.css), the letter A4 print styles
 * (www/assets/letter.css).
 */
#ifndef MANYI_HTML_COMPLAINT_H
#define MANYI_HTML_COMPLAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "complaint.h"
#include "html.h"

/* The form (GET /complaint, and POST's refusals); all borrowed. */
struct html_complaint_form {
	enum lang lang;
	const char *csrf;
	const struct html_choice *agencies;
	size_t nagencies;
	const struct complaint_category *categories; /* those offered */
	size_t ncategories;
	const struct pairs *values;          /* what was entered, or NULL */
	const struct complaint_errors *errors; /* or NULL */
	const char *notice;                  /* a form-level message, localised, or NULL */
	bool contact_offered;                /* the sealing key was read */
};
void html_complaint_form_page(struct sbuf *out, const struct html_complaint_form *v,
                              const struct html_site *site);

/* After filing: the tracking code (XXXX-XXXX-XXXX-XXXX), or NULL when the
 * page is opened again (the code is shown once). */
void html_complaint_filed_page(struct sbuf *out, enum lang l, const char *track,
                               const struct html_site *site);

/* One event as the complainant sees it; borrowed. */
struct html_complaint_step {
	const char *date;        /* UTC+8 */
	const char *action;
	const char *receiver;    /* transfer: to whom, else "" */
	const char *due;         /* forward: the agency's deadline, else "" */
	const char *note;        /* the public note (reject, close, answer), else "" */
};
/* The tracking page: the code form, and the complaint when found; all borrowed. */
struct html_complaint_track {
	enum lang lang;
	const char *csrf;
	const char *message;     /* an error (wrong code, slow down), localised, or NULL */
	bool found;
	const char *state, *filed_on, *due;
	const char *category;    /* its name in lang */
	const struct html_complaint_step *steps;
	size_t nsteps;
};
void html_complaint_track_page(struct sbuf *out, const struct html_complaint_track *v,
                               const struct html_site *site);

/* The transfer letter; all borrowed, names in the letter's language. */
struct html_complaint_letter {
	enum lang lang;
	const char *bureau;      /* the evaluator setting (the bureau's name) */
	const char *number;      /* e.g. 移字〔2026〕第 3 号 */
	const char *receiver;
	const char *date;        /* the transfer's date (UTC+8) */
	const char *code;        /* the case code */
	const char *agency;      /* the agency's name */
	const char *happened_on, *place, *what, *filed_on;
	const char *category;    /* the category's name */
	int national;            /* 1..3, 0 none */
	const char *officer;     /* "name (certificate no. ...)" or the description, "" none */
	const char *note;        /* the transfer's note */
	size_t nevents;          /* the handling record's length (an attachment) */
};
void html_complaint_letter_page(struct sbuf *out, const struct html_complaint_letter *v);

#endif
