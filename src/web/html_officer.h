/*
 * html_officer — the public certificate lookup page, GET /officers (issue
 * 15): a form asking for a certificate number or a full name, and what was
 * found — the officer's name, number, agency, category, area, valid until
 * and status — as the enforcement-supervision mini-programs show it.  Phone
 * layout, no JavaScript; text through html_escape() only.
 */
#ifndef MANYI_HTML_OFFICER_H
#define MANYI_HTML_OFFICER_H

#include <stdbool.h>
#include <stddef.h>

#include "html.h"
#include "store_officer.h"

/* One certificate found; all borrowed. */
struct html_officer_row {
	const struct officer *o;
	const char *agency_name;  /* the registry's name in the page's language */
	bool expired;             /* valid_until is before today (UTC+8) */
};

/* The page; all borrowed. */
struct html_officer_lookup {
	enum lang lang;
	const char *q;            /* what was asked, or "" (nothing asked yet) */
	const struct html_officer_row *rows;
	size_t n;
	long retry_after;         /* > 0: too many lookups from this address (429) */
	bool too_long;            /* what was asked is longer than any number or name (400) */
	const char *lang_href;    /* this page in the other language (not yet escaped) */
};

void html_officer_page(struct sbuf *out, const struct html_officer_lookup *v,
                       const struct html_site *site);

#endif
