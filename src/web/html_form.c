/* html_form — the survey form page, fresh or from a template; see html.h. */
#include "html.h"
#include "html_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * The language switch link: action with ?lang=OTHER, appended to href;
 * not yet HTML-escaped.  The token's &t=TOKEN follows (SLOT_HREF_TOKEN).
 */
static void lang_switch_href(struct sbuf *href, const struct form_view *v)
{
	enum lang other = html_lang_ok(v->lang) == LANG_ZH ? LANG_EN : LANG_ZH;
	const char *action = v->action ? v->action : "";

	sbuf_adds(href, action);
	sbuf_adds(href, strchr(action, '?') ? "&lang=" : "?lang=");
	sbuf_adds(href, html_lang_params[other]);
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

/*
 * What a form page holds that changes from one request to the next, in
 * page order: a template (html_form_template_new) keeps their places, a
 * fresh render writes them where they stand.  Each is written by
 * slot_write() alone, so both ways give the same bytes.
 */
enum form_slot {
	SLOT_HREF_TOKEN, /* &t=TOKEN (percent-encoded, escaped) ending the language switch's link */
	SLOT_CONTEXT,    /* the encounter's line, when there is one */
	SLOT_CSRF,       /* the value of the hidden _csrf */
	SLOT_NONCE,      /* the hidden _n, when there is one */
	SLOT_TOKEN,      /* the hidden _t, when there is a token */
	SLOT__MAX
};

struct html_form_template {
	struct sbuf text;        /* the page without the slots */
	size_t at[SLOT__MAX];    /* where in text each slot goes */
};

static bool has_text(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Append slot of v: escaped, as the rest of the page. */
static void slot_write(struct sbuf *out, const struct form_view *v, enum form_slot slot)
{
	struct sbuf href;

	switch (slot) {
	case SLOT_HREF_TOKEN:
		/* Escaping the link in two parts is escaping it whole: the
		 * first part ends in ASCII ("?lang=en"). */
		if (!has_text(v->token))
			break;
		sbuf_init(&href);
		sbuf_adds(&href, "&t=");
		url_encode(&href, v->token);
		html_escape(out, href.data);
		sbuf_free(&href);
		break;
	case SLOT_CONTEXT:
		if (!has_text(v->context))
			break;
		sbuf_adds(out, "<p class=\"context\">");
		html_escape(out, v->context);
		sbuf_adds(out, "</p>\n");
		break;
	case SLOT_CSRF:
		html_escape(out, v->csrf ? v->csrf : "");
		break;
	case SLOT_NONCE:
		if (has_text(v->nonce))
			hidden(out, "_n", v->nonce);
		break;
	case SLOT_TOKEN:
		if (has_text(v->token))
			hidden(out, "_t", v->token);
		break;
	default:
		break;
	}
}

/* Slot of v into out, or with a template being made (tpl), its place. */
static void slot(struct sbuf *out, const struct form_view *v, struct html_form_template *tpl,
                 enum form_slot which)
{
	if (tpl != NULL)
		tpl->at[which] = out->len;
	else
		slot_write(out, v, which);
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
		if (v->callback && (same(item, "_phone") || same(item, "_callback"))) {
			html_callback_error(out, l, item, v->errors->v[i].code);
			continue;
		}
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
 * button.  With tpl, the slots' places go into tpl instead of the slots.
 */
static void form_page(struct sbuf *out, const struct form_view *v, struct html_form_template *tpl)
{
	const struct survey *s = v->survey;
	enum lang l = html_lang_ok(v->lang);
	bool has_errors = v->errors != NULL && v->errors->n > 0;
	struct sbuf href;

	sbuf_init(&href);
	lang_switch_href(&href, v);
	html_page_open_to_href(out, l, html_i18n(&s->title, l), has_errors, href.data);
	slot(out, v, tpl, SLOT_HREF_TOKEN);
	html_page_open_after_href(out, l, href.data);
	sbuf_free(&href);

	error_summary(out, v);
	sbuf_adds(out, "<h1>");
	html_escape(out, html_i18n(&s->title, l));
	sbuf_adds(out, "</h1>\n");
	slot(out, v, tpl, SLOT_CONTEXT);
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
	sbuf_adds(out, "\" accept-charset=\"utf-8\" novalidate>\n"
	               "<input type=\"hidden\" name=\"_csrf\" value=\"");
	slot(out, v, tpl, SLOT_CSRF);
	sbuf_adds(out, "\">\n");
	slot(out, v, tpl, SLOT_NONCE);
	slot(out, v, tpl, SLOT_TOKEN);
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

	if (v->callback)
		html_callback_fields(out, l, value_of(v, "_phone"), value_has(v, "_callback", "yes"),
		                     err_for(v, "_phone"), err_for(v, "_callback"));

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

void html_form_page(struct sbuf *out, const struct form_view *v)
{
	form_page(out, v, NULL);
}

struct html_form_template *html_form_template_new(const struct form_view *v)
{
	struct html_form_template *t = xcalloc(1, sizeof *t);
	sbuf_init(&t->text);
	form_page(&t->text, v, t);
	return t;
}

void html_form_template_free(struct html_form_template *t)
{
	if (t == NULL)
		return;
	sbuf_free(&t->text);
	free(t);
}

void html_form_template_fill(struct sbuf *out, const struct html_form_template *t,
                             const struct form_view *v)
{
	size_t from = 0;
	for (int k = 0; k < SLOT__MAX; k++) {
		sbuf_add(out, t->text.data + from, t->at[k] - from);
		slot_write(out, v, (enum form_slot)k);
		from = t->at[k];
	}
	sbuf_add(out, t->text.data + from, t->text.len - from);
}
