/*
 * answers — the one validator of answers every channel uses (see
 * include/survey.h): the (item, value) pairs a channel reduces its input
 * to, answers_check() and its per-item errors, and the channel names.
 * The definitions they are checked against are survey.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "survey.h"
#include "util.h"

/* ---- pairs ------------------------------------------------------------- */

void pairs_init(struct pairs *p)
{
	p->v = NULL;
	p->n = 0;
	p->cap = 0;
}

/* See survey.h. */
void pairs_free(struct pairs *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	pairs_init(p);
}

void pairs_add(struct pairs *p, const char *key, const char *value)
{
	pairs_addn(p, key, value, strlen(value));
}

/* See survey.h. */
void pairs_addn(struct pairs *p, const char *key, const char *value, size_t n)
{
	p->v = xgrow(p->v, p->n, &p->cap, sizeof *p->v, 8);
	p->v[p->n].key = xstrdup(key);
	p->v[p->n].value = xstrndup(value, n);
	p->n++;
}

const char *pairs_get(const struct pairs *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].value;
	return NULL;
}

/* ---- answers ----------------------------------------------------------- */

static const struct {
	const char *code;
	const char *msg[LANG__MAX];
} answer_errs[ANSWER__MAX] = {
	[ANSWER_OK] = {"ok", {"", ""}},
	[ANSWER_REQUIRED] = {"required", {"请选择一项。", "Please choose an answer."}},
	[ANSWER_NOT_INTEGER] = {"not_integer",
	                        {"请从所列分值中选择一项。", "Please choose one of the scores shown."}},
	[ANSWER_OUT_OF_RANGE] = {"out_of_range",
	                         {"所选分值超出范围，请重新选择。",
	                          "That score is out of range. Please choose again."}},
	[ANSWER_NA_NOT_ALLOWED] = {"na_not_allowed",
	                           {"本题不能选“不适用”，请选择一个分值。",
	                            "\"Not applicable\" is not available here. Please choose a score."}},
	[ANSWER_UNKNOWN_OPTION] = {"unknown_option",
	                           {"所选选项无效，请重新选择。",
	                            "That choice is not available. Please choose again."}},
	[ANSWER_TOO_LONG] = {"too_long", {"内容太长，请精简。", "This is too long. Please shorten it."}},
	[ANSWER_BAD_UTF8] = {"bad_utf8",
	                     {"内容中有无法识别的字符，请重新输入。",
	                      "Some characters could not be read. Please type them again."}},
	[ANSWER_CONTROL_CHARS] = {"control_chars",
	                          {"内容中有不可见的特殊字符，请删除后再提交。",
	                           "The text contains hidden special characters. Please remove them."}},
	[ANSWER_UNKNOWN_ITEM] = {"unknown_item",
	                         {"问卷中没有这道题。", "This question is not part of the survey."}},
	[ANSWER_MULTIPLE_VALUES] = {"multiple_values",
	                            {"本题只能选一项。", "Please give only one answer."}},
	[ANSWER_DUPLICATE_OPTION] = {"duplicate_option",
	                             {"同一选项选了两次，请检查。",
	                              "The same choice was given twice. Please check."}},
	[ANSWER_WRONG_TYPE] = {"wrong_type",
	                       {"答案格式不正确，请重新填写。",
	                        "This answer is in the wrong format. Please answer again."}},
	/* answer_err_explain() names the option itself; this is for when no item is at hand. */
	[ANSWER_EXCLUSIVE] = {"exclusive_option",
	                      {"所选的一个选项只能单独选择，不能与其他选项同时选择，请检查。",
	                       "One of the choices ticked cannot be ticked together with another. Please check."}},
	[ANSWER_EMPTY] = {"empty",
	                  {"您还没有作答，请至少回答一题。",
	                   "You have not answered anything yet. Please answer at least one question."}},
	[ANSWER_NOT_ENFORCED] = {"not_enforced",
	                         {"所选单位不负责这一执法领域，请选择该单位的执法领域。",
	                          "The agency chosen does not enforce this field. Please choose one of its fields."}},
};

const char *answer_err_code(enum answer_err e)
{
	if ((unsigned)e >= ANSWER__MAX)
		return "unknown";
	return answer_errs[e].code;
}

const char *answer_err_message(enum answer_err e, enum lang l)
{
	if ((unsigned)l >= LANG__MAX)
		l = LANG_ZH;
	if ((unsigned)e >= ANSWER__MAX)
		e = ANSWER_WRONG_TYPE;
	return answer_errs[e].msg[l];
}

/* See survey.h. */
void answer_err_explain(const struct item *it, enum answer_err e, enum lang l, struct sbuf *out)
{
	static const char *const pre[LANG__MAX] = {"“", "\""};
	static const char *const post[LANG__MAX] = {"”", "\""};
	static const char *const or[LANG__MAX] = {"或", " or "};
	static const char *const tail[LANG__MAX] = {
		"不能与其他选项同时选择，请检查。",
		" cannot be ticked together with another choice. Please check."};
	size_t named = 0;

	if ((unsigned)l >= LANG__MAX)
		l = LANG_ZH;
	if (e == ANSWER_EXCLUSIVE && it != NULL) {
		for (size_t k = 0; k < it->noptions; k++) {
			const struct survey_option *o = &it->options[k];
			const char *t = o->text.s[l] != NULL ? o->text.s[l] : o->value;
			if (!o->exclusive)
				continue;
			sbuf_printf(out, "%s%s%s%s", named++ ? or[l] : "", pre[l], t, post[l]);
		}
		if (named > 0) {
			sbuf_adds(out, tail[l]);
			return;
		}
	}
	sbuf_adds(out, answer_err_message(e, l));
}

/* Do a and b name the same item (NULL: the whole form)? */
static bool same_item(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void answer_errors_add(struct answer_errors *e, const char *item, enum answer_err code)
{
	if (e->n >= ANSWER_ERRORS_MAX)
		return;
	for (size_t i = 0; i < e->n; i++)
		if (same_item(e->v[i].item, item))
			return;
	e->v[e->n].item = item;
	e->v[e->n].code = code;
	e->n++;
}

enum answer_err answer_errors_for(const struct answer_errors *e, const char *item)
{
	for (size_t i = 0; i < e->n; i++)
		if (same_item(e->v[i].item, item))
			return e->v[i].code;
	return ANSWER_OK;
}

/*
 * A scale value: all digits (no sign, no space) in 1..points.  A minus
 * sign followed by digits is a whole number too, just out of range.
 */
static enum answer_err scale_value(const char *v, int points, int *out)
{
	const char *d = v[0] == '-' ? v + 1 : v;
	long n = 0;

	if (*d == '\0')
		return ANSWER_NOT_INTEGER;
	for (const char *c = d; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return ANSWER_NOT_INTEGER;
		if (n <= points)
			n = n * 10 + (*c - '0');
	}
	if (d != v || n < 1 || n > points)
		return ANSWER_OUT_OF_RANGE;
	*out = (int)n;
	return ANSWER_OK;
}

/* A copy of the n bytes at v with CRLF and lone CR turned into LF. */
static char *text_normalise(const char *v, size_t n, size_t *outlen)
{
	char *t = xmalloc(n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\r') {
			t[o++] = '\n';
			if (i + 1 < n && v[i + 1] == '\n')
				i++;
		} else {
			t[o++] = v[i];
		}
	}
	t[o] = '\0';
	*outlen = o;
	return t;
}

/* True when t (valid UTF-8) holds only spaces, tabs, line breaks, U+3000. */
static bool text_blank(const char *t)
{
	while (*t != '\0') {
		if (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
			t++;
		else if (strncmp(t, "\xe3\x80\x80", 3) == 0)
			t += 3;
		else
			return false;
	}
	return true;
}

/*
 * Check one non-empty text value v of item it into answer a; seen counts
 * the item's answered values so far.  Returns the error, if any.
 */
static enum answer_err check_text(const struct item *it, const char *v, struct answer *a,
                                  size_t *seen)
{
	enum answer_err e = ANSWER_OK;
	size_t n;
	char *t = text_normalise(v, strlen(v), &n);

	if (text_blank(t))
		goto done;
	if (++*seen > 1)
		e = ANSWER_MULTIPLE_VALUES;
	else if (utf8_has_controls(t, n))
		e = ANSWER_CONTROL_CHARS;
	else if (utf8_length(t, n) > it->max_length)
		e = ANSWER_TOO_LONG;
	if (e == ANSWER_OK) {
		a->present = true;
		a->text = t;
		t = NULL;
	}
done:
	free(t);
	return e;
}

/*
 * Check one non-empty value v of a scale, choice or multi item it into
 * answer a; seen counts the item's non-empty values so far.
 */
static enum answer_err check_value(const struct survey *s, const struct item *it,
                                   const char *v, struct answer *a, size_t *seen)
{
	enum answer_err e;
	int k;

	++*seen;
	switch (it->type) {
	case ITEM_SCALE:
		if (*seen > 1)
			return ANSWER_MULTIPLE_VALUES;
		if (strcmp(v, "na") == 0) {
			if (!it->allow_na)
				return ANSWER_NA_NOT_ALLOWED;
			a->present = a->na = true;
			return ANSWER_OK;
		}
		if ((e = scale_value(v, s->points, &a->scale)) != ANSWER_OK)
			return e;
		a->present = true;
		return ANSWER_OK;
	case ITEM_CHOICE:
		if (*seen > 1)
			return ANSWER_MULTIPLE_VALUES;
		if ((k = item_option(it, v)) < 0)
			return ANSWER_UNKNOWN_OPTION;
		a->choice = k;
		a->present = true;
		return ANSWER_OK;
	case ITEM_MULTI:
		if ((k = item_option(it, v)) < 0)
			return ANSWER_UNKNOWN_OPTION;
		if (a->multi & (1ULL << k))
			return ANSWER_DUPLICATE_OPTION;
		a->multi |= 1ULL << k;
		a->present = true;
		/* "None of the above" and a problem at once contradict each other. */
		for (size_t j = 0; j < it->noptions; j++)
			if (it->options[j].exclusive && (a->multi & (1ULL << j)) && (a->multi & ~(1ULL << j)))
				return ANSWER_EXCLUSIVE;
		return ANSWER_OK;
	case ITEM_POINTS:
		if (*seen > 1)
			return ANSWER_MULTIPLE_VALUES;
		/* 0..max: "0" here, 1..max as a scale of max points. */
		if (strcmp(v, "0") == 0) {
			a->scale = 0;
		} else {
			if ((e = scale_value(v, it->max, &a->scale)) != ANSWER_OK)
				return e;
		}
		a->present = true;
		return ANSWER_OK;
	case ITEM_FLAG:
		if (*seen > 1)
			return ANSWER_MULTIPLE_VALUES;
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return ANSWER_UNKNOWN_OPTION;
		a->flag = strcmp(v, "yes") == 0;
		a->present = true;
		return ANSWER_OK;
	case ITEM_TEXT:
	case ITEM__MAX:
		break;
	}
	return ANSWER_WRONG_TYPE;
}

/* See survey.h.  Pairs are taken in order. */
bool answers_check(const struct survey *s, const struct pairs *in,
                   bool ignore_unknown, struct answers *out,
                   struct answer_errors *errs)
{
	size_t *seen = xcalloc(s->nitems, sizeof(*seen));
	bool any = false;

	errs->n = 0;
	out->survey = s;
	out->a = xcalloc(s->nitems, sizeof(*out->a));

	for (size_t i = 0; i < in->n; i++) {
		const struct pair *pr = &in->v[i];
		const struct item *it = survey_item(s, pr->key);
		enum answer_err e;

		if (it == NULL) {
			if (!ignore_unknown)
				answer_errors_add(errs, pr->key, ANSWER_UNKNOWN_ITEM);
			continue;
		}
		size_t idx = (size_t)(it - s->items);
		if (!utf8_valid(pr->value, strlen(pr->value)))
			e = ANSWER_BAD_UTF8;
		else if (pr->value[0] == '\0')
			continue;
		else if (it->type == ITEM_TEXT)
			e = check_text(it, pr->value, &out->a[idx], &seen[idx]);
		else
			e = check_value(s, it, pr->value, &out->a[idx], &seen[idx]);
		if (e != ANSWER_OK)
			answer_errors_add(errs, it->id, e);
	}

	for (size_t i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		struct answer *a = &out->a[i];

		if (answer_errors_for(errs, it->id) != ANSWER_OK) {
			free(a->text);
			memset(a, 0, sizeof(*a));
			continue;
		}
		if (a->present)
			any = true;
		else if (it->required)
			answer_errors_add(errs, it->id, ANSWER_REQUIRED);
	}
	if (!any && errs->n == 0)
		answer_errors_add(errs, NULL, ANSWER_EMPTY);
	free(seen);
	return errs->n == 0;
}

/* See survey.h. */
void answers_free(struct answers *a)
{
	if (a == NULL || a->a == NULL)
		return;
	if (a->survey != NULL)
		for (size_t i = 0; i < a->survey->nitems; i++)
			free(a->a[i].text);
	free(a->a);
	a->a = NULL;
}

const char *const response_channels[RESPONSE_CHANNELS] = {"web",   "qr",  "phone", "paper",
                                                          "kiosk", "api", "other"};

/* The index of s in names[0..n-1], or -1 (s NULL too). */
static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int response_channel_index(const char *channel)
{
	return name_index(response_channels, RESPONSE_CHANNELS, channel);
}

const char *const disposition_names[DISP__MAX] = {"complete", "partial", "refusal", "non_contact",
                                                  "other", "unknown", "ineligible"};

int disposition_index(const char *name)
{
	return name_index(disposition_names, DISP__MAX, name);
}
