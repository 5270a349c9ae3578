/*
 * page_cache — the form pages of one database connection (one struct app,
 * one worker thread), made once and filled in for each request.
 *
 * A form page depends on the survey's version, the language, whether it
 * asks for the agency and domain (the public form) or names the encounter
 * (an invitation), the evaluator's settings and, for the public form, the
 * registry.  The page of each such combination is kept as a template
 * (html_form_template) and only what changes per request is filled in:
 * the CSRF token, the render's _n, the invitation's token and context.
 * A form shown again with the entered values and errors is rendered
 * whole, from the cached registry.
 *
 * The registry (agencies, domains, the domains each agency enforces) is
 * read again only when store_registry_generation() has moved, and that is
 * asked only when store_data_version() has: another connection committed
 * something.  The data version is that of this connection's last read
 * transaction, so a change shows from the first page after a read has
 * begun since it was committed; app_survey(), which every form page calls
 * first, is one.
 */
#ifndef MANYI_PAGE_CACHE_H
#define MANYI_PAGE_CACHE_H

#include "html.h"
#include "store.h"

struct page_cache;

/* An empty cache; caller frees with page_cache_free(). */
struct page_cache *page_cache_new(void);
/* Accepts NULL. */
void page_cache_free(struct page_cache *pc);

/*
 * Append the form page of v to out, survey_id at version being
 * v->survey.  v's agencies and domains are set here, from the cached
 * registry (read again first when it has changed).  A plain form (no
 * values, errors or notice) comes from its template, made on first use;
 * any other is rendered whole: either way the bytes of html_form_page().
 * On a store error (the registry could not be read) nothing is appended.
 */
enum store_err page_cache_form(struct page_cache *pc, struct store *st, const char *survey_id,
                               int version, struct form_view *v, struct sbuf *out);

#endif
