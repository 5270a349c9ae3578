/* page_cache — see page_cache.h. */
#include "page_cache.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PAGE_CACHE_MAX 32 /* templates: surveys x languages x public/invited */

/* One template and what it was made from. */
struct page_entry {
	char *survey_id;
	int version;
	enum lang lang;
	bool ask_context;
	char *action;
	char *site[LANG__MAX + 1]; /* the evaluator in each language, then the contact */
	struct html_form_template *tpl;
};

struct page_cache {
	/* The registry as of generation, checked at data_version. */
	bool have_registry;
	long long data_version;
	long long generation;
	struct registry_list agencies, domains;
	struct agency_domain_list pairs;
	struct html_choice *ac, *dc;
	const char **codes;         /* the domains of ac's enforces */
	struct page_entry v[PAGE_CACHE_MAX];
	size_t n;
	size_t next;                /* the entry to replace when full */
};

struct page_cache *page_cache_new(void)
{
	return xcalloc(1, sizeof(struct page_cache));
}

static void entry_free(struct page_entry *e)
{
	free(e->survey_id);
	free(e->action);
	for (int k = 0; k <= LANG__MAX; k++)
		free(e->site[k]);
	html_form_template_free(e->tpl);
	memset(e, 0, sizeof *e);
}

static void registry_free(struct page_cache *pc)
{
	free(pc->ac);
	free(pc->dc);
	free(pc->codes);
	agency_domain_list_free(&pc->pairs);
	registry_list_free(&pc->agencies);
	registry_list_free(&pc->domains);
	pc->ac = pc->dc = NULL;
	pc->codes = NULL;
	pc->have_registry = false;
}

void page_cache_free(struct page_cache *pc)
{
	if (pc == NULL)
		return;
	for (size_t i = 0; i < pc->n; i++)
		entry_free(&pc->v[i]);
	registry_free(pc);
	free(pc);
}

/*
 * Registry entries as select choices; the strings stay owned by list and
 * pairs.  With pairs (ordered by agency, may be NULL), each agency's
 * domains go into its choice's enforces, which point into *codes (caller
 * frees it with free()).
 */
static struct html_choice *choices_of(const struct registry_list *list,
                                      const struct agency_domain_list *pairs, const char ***codes)
{
	struct html_choice *c = xcalloc(list->n ? list->n : 1, sizeof *c);
	size_t np = pairs != NULL ? pairs->n : 0;
	if (codes != NULL) {
		*codes = xcalloc(np ? np : 1, sizeof **codes);
		for (size_t k = 0; k < np; k++)
			(*codes)[k] = pairs->v[k].domain;
	}
	for (size_t i = 0; i < list->n; i++) {
		c[i].code = list->v[i].code;
		for (int l = 0; l < LANG__MAX; l++)
			c[i].name[l] = list->v[i].name[l];
		for (size_t k = 0; codes != NULL && k < np; k++) {
			if (strcmp(pairs->v[k].agency, c[i].code) != 0)
				continue;
			if (c[i].nenforces++ == 0)
				c[i].enforces = &(*codes)[k];
		}
	}
	return c;
}

/* Forget the templates made from the registry (the public form's). */
static void drop_public(struct page_cache *pc)
{
	for (size_t i = 0; i < pc->n;) {
		if (!pc->v[i].ask_context) {
			i++;
			continue;
		}
		entry_free(&pc->v[i]);
		pc->v[i] = pc->v[--pc->n];
	}
	pc->next = 0;
}

/*
 * Make pc's registry that of the database: nothing to do while the data
 * version stays, one query while the generation stays, else read it again
 * and forget the public form's templates.
 */
static enum store_err registry_refresh(struct page_cache *pc, struct store *st)
{
	long long dv, gen;
	enum store_err e;

	if ((e = store_data_version(st, &dv)) != STORE_OK)
		return e;
	if (pc->have_registry && dv == pc->data_version)
		return STORE_OK;
	if ((e = store_registry_generation(st, &gen)) != STORE_OK)
		return e;
	if (pc->have_registry && gen == pc->generation) {
		pc->data_version = dv;
		return STORE_OK;
	}
	registry_free(pc);
	drop_public(pc);
	if ((e = store_registry_list(st, REGISTRY_AGENCY, &pc->agencies)) != STORE_OK ||
	    (e = store_registry_list(st, REGISTRY_DOMAIN, &pc->domains)) != STORE_OK ||
	    (e = store_agency_domain_list(st, &pc->pairs)) != STORE_OK) {
		registry_free(pc);
		return e;
	}
	pc->ac = choices_of(&pc->agencies, &pc->pairs, &pc->codes);
	pc->dc = choices_of(&pc->domains, NULL, NULL);
	/*
	 * The lists may be newer than gen (a commit between the reads): then
	 * the next check reads them again, never the other way round.
	 */
	pc->generation = gen;
	pc->data_version = dv;
	pc->have_registry = true;
	return STORE_OK;
}

/* Null-safe string equality (two NULLs are equal). */
static bool same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The site's texts in entry order: the evaluator in each language, then the contact. */
static const char *site_text(const struct html_site *site, int k)
{
	if (site == NULL)
		return NULL;
	return k < LANG__MAX ? site->evaluator[k] : site->contact;
}

/* The template for v (survey_id at version), made now if there is none. */
static const struct html_form_template *template_for(struct page_cache *pc, const char *survey_id,
                                                     int version, const struct form_view *v)
{
	struct page_entry *e;

	for (size_t i = 0; i < pc->n;) {
		e = &pc->v[i];
		if (e->version != version && same(e->survey_id, survey_id)) {
			/* A version that is no longer the latest: forget it. */
			entry_free(e);
			pc->v[i] = pc->v[--pc->n];
			pc->next = 0;
			continue;
		}
		bool site_same = true;
		for (int k = 0; k <= LANG__MAX; k++)
			site_same = site_same && same(e->site[k], site_text(v->site, k));
		if (e->version == version && e->lang == v->lang && e->ask_context == v->ask_context &&
		    site_same && same(e->survey_id, survey_id) && same(e->action, v->action))
			return e->tpl;
		i++;
	}
	if (pc->n < PAGE_CACHE_MAX) {
		e = &pc->v[pc->n++];
	} else {
		e = &pc->v[pc->next];
		pc->next = (pc->next + 1) % PAGE_CACHE_MAX;
		entry_free(e);
	}
	e->survey_id = xstrdup(survey_id);
	e->version = version;
	e->lang = v->lang;
	e->ask_context = v->ask_context;
	e->action = v->action != NULL ? xstrdup(v->action) : NULL;
	for (int k = 0; k <= LANG__MAX; k++)
		e->site[k] = site_text(v->site, k) != NULL ? xstrdup(site_text(v->site, k)) : NULL;
	e->tpl = html_form_template_new(v);
	return e->tpl;
}

enum store_err page_cache_form(struct page_cache *pc, struct store *st, const char *survey_id,
                               int version, struct form_view *v, struct sbuf *out)
{
	enum store_err e = registry_refresh(pc, st);
	if (e != STORE_OK)
		return e;
	v->agencies = pc->ac;
	v->nagencies = pc->agencies.n;
	v->domains = pc->dc;
	v->ndomains = pc->domains.n;
	if (v->values != NULL || (v->errors != NULL && v->errors->n > 0) ||
	    (v->notice != NULL && *v->notice != '\0')) {
		html_form_page(out, v);
		return STORE_OK;
	}
	const struct html_form_template *tpl = template_for(pc, survey_id, version, v);
	html_form_template_fill(out, tpl, v);
	return STORE_OK;
}
