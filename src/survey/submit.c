/* submit — see include/submit.h. */
#include "submit.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Write a printf-style message into msg (capacity msglen), if there is one. */
static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || msglen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

/*
 * True when the n bytes at s hold a NUL byte or the escape \u0000, which
 * cJSON would turn into a string cut short.  Backslashes only occur in
 * strings in valid JSON, so pairing each with the byte after it is enough
 * to tell an escape from an escaped backslash followed by "u0000".
 */
static bool has_nul(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0')
			return true;
		if (s[i] != '\\')
			continue;
		if (i + 5 < n && memcmp(s + i + 1, "u0000", 5) == 0)
			return true;
		i++;
	}
	return false;
}

/* The envelope members, in the order of struct submission. */
enum member { M_SURVEY, M_TOKEN, M_AGENCY, M_DOMAIN, M_ANSWERS, M__MAX };

static const char *const member_names[M__MAX] = {
    [M_SURVEY] = "survey", [M_TOKEN] = "token",     [M_AGENCY] = "agency",
    [M_DOMAIN] = "domain", [M_ANSWERS] = "answers",
};

/* See submit.h. */
enum submit_err submit_parse(const char *body, size_t len, struct submission *out, char *msg,
                             size_t msglen)
{
	enum submit_err err = SUBMIT_ERR_JSON;
	const cJSON *seen[M__MAX] = {NULL};
	const cJSON *m;
	cJSON *root = NULL;
	char *text = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (body == NULL)
		body = "";
	if (!utf8_valid(body, len)) {
		set_msg(msg, msglen, "the body is not valid UTF-8");
		goto fail;
	}
	if (has_nul(body, len)) {
		set_msg(msg, msglen, "the body holds a NUL character (\\u0000)");
		goto fail;
	}
	/* cJSON's strictness about trailing bytes wants a terminating NUL. */
	text = xstrndup(body, len);
	root = cJSON_ParseWithLengthOpts(text, len + 1, NULL, 1);
	if (root == NULL) {
		set_msg(msg, msglen, "the body is not valid JSON");
		goto fail;
	}
	err = SUBMIT_ERR_SHAPE;
	if (!cJSON_IsObject(root)) {
		set_msg(msg, msglen, "the body must be a JSON object");
		goto fail;
	}
	cJSON_ArrayForEach(m, root)
	{
		for (i = 0; i < M__MAX; i++)
			if (strcmp(m->string, member_names[i]) == 0)
				break;
		if (i == M__MAX)
			continue;
		if (seen[i] != NULL) {
			set_msg(msg, msglen, "member \"%s\" appears more than once",
			        member_names[i]);
			goto fail;
		}
		seen[i] = m;
	}
	for (i = 0; i < M_ANSWERS; i++) {
		m = seen[i];
		if (m == NULL || cJSON_IsNull(m)) {
			if (i == M_SURVEY) {
				set_msg(msg, msglen, "member \"survey\" is required");
				goto fail;
			}
			continue;
		}
		if (!cJSON_IsString(m)) {
			set_msg(msg, msglen, "member \"%s\" must be a string", member_names[i]);
			goto fail;
		}
	}
	m = seen[M_ANSWERS];
	if (m == NULL || cJSON_IsNull(m)) {
		set_msg(msg, msglen, "member \"answers\" is required");
		goto fail;
	}
	if (!cJSON_IsObject(m)) {
		set_msg(msg, msglen, "member \"answers\" must be an object");
		goto fail;
	}
	out->survey = xstrdup(seen[M_SURVEY]->valuestring);
	if (cJSON_IsString(seen[M_TOKEN]))
		out->token = xstrdup(seen[M_TOKEN]->valuestring);
	if (cJSON_IsString(seen[M_AGENCY]))
		out->agency = xstrdup(seen[M_AGENCY]->valuestring);
	if (cJSON_IsString(seen[M_DOMAIN]))
		out->domain = xstrdup(seen[M_DOMAIN]->valuestring);
	out->answers = m;
	out->root = root;
	root = NULL;
	err = SUBMIT_OK;
	if (msg != NULL && msglen > 0)
		msg[0] = '\0';
fail:
	cJSON_Delete(root);
	free(text);
	return err;
}

/* See submit.h. */
void submission_free(struct submission *s)
{
	if (s == NULL)
		return;
	free(s->survey);
	free(s->token);
	free(s->agency);
	free(s->domain);
	cJSON_Delete(s->root);
	memset(s, 0, sizeof(*s));
}

/*
 * Append the pair for a scale answer v (a JSON number) of item it to out.
 * A whole number in int range becomes its decimal digits; anything else is
 * spelled so that answers_check() rejects it for what it is: a fraction as
 * "%.17g" (not_integer), a whole number beyond int as digits beyond int
 * (out_of_range).
 */
static void add_scale_number(struct pairs *out, const struct item *it, double v)
{
	char buf[64];

	if (isnan(v))
		snprintf(buf, sizeof(buf), "nan");
	else if (v != floor(v))
		snprintf(buf, sizeof(buf), "%.17g", v);
	else if (v > INT_MAX)
		snprintf(buf, sizeof(buf), "%lld", (long long)INT_MAX + 1);
	else if (v < INT_MIN)
		snprintf(buf, sizeof(buf), "%lld", (long long)INT_MIN - 1);
	else
		snprintf(buf, sizeof(buf), "%d", (int)v);
	pairs_add(out, it->id, buf);
}

/*
 * Add the answer a (borrowed) to item it as pairs on out; return false
 * when its JSON type does not fit the item.  null is "not answered".
 */
static bool add_answer(struct pairs *out, const struct item *it, const cJSON *a)
{
	const cJSON *e;

	if (cJSON_IsNull(a))
		return true;
	switch (it->type) {
	case ITEM_SCALE:
		if (cJSON_IsNumber(a)) {
			add_scale_number(out, it, a->valuedouble);
			return true;
		}
		if (cJSON_IsString(a) && strcmp(a->valuestring, "na") == 0) {
			pairs_add(out, it->id, "na");
			return true;
		}
		return false;
	case ITEM_CHOICE:
	case ITEM_TEXT:
		if (!cJSON_IsString(a))
			return false;
		pairs_add(out, it->id, a->valuestring);
		return true;
	case ITEM_MULTI:
		if (!cJSON_IsArray(a))
			return false;
		cJSON_ArrayForEach(e, a) if (!cJSON_IsString(e)) return false;
		cJSON_ArrayForEach(e, a) pairs_add(out, it->id, e->valuestring);
		return true;
	case ITEM_POINTS:
		if (!cJSON_IsNumber(a))
			return false;
		add_scale_number(out, it, a->valuedouble);
		return true;
	case ITEM_FLAG:
		if (cJSON_IsBool(a)) {
			pairs_add(out, it->id, cJSON_IsTrue(a) ? "yes" : "no");
			return true;
		}
		if (!cJSON_IsString(a))
			return false;
		pairs_add(out, it->id, a->valuestring);
		return true;
	case ITEM__MAX:
		break;
	}
	return false;
}

/* See submit.h. */
void submit_answers(const struct survey *s, const struct submission *sub, struct pairs *out,
                    struct answer_errors *errs)
{
	const cJSON *a;

	if (sub == NULL || sub->answers == NULL)
		return;
	cJSON_ArrayForEach(a, sub->answers)
	{
		const struct item *it = survey_item(s, a->string);

		if (it == NULL) {
			pairs_add(out, a->string, "");
			continue;
		}
		if (!add_answer(out, it, a))
			answer_errors_add(errs, it->id, ANSWER_WRONG_TYPE);
	}
}
