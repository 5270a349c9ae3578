/* survey_followup — a definition's follow-up rule; see survey_internal.h and survey.h. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "survey_internal.h"
#include "util.h"

/* The index of the item id of type t in s, or -1. */
static int typed_item(const struct survey *s, const char *id, enum item_type t)
{
	for (size_t i = 0; i < s->nitems; i++)
		if (strcmp(s->items[i].id, id) == 0 && s->items[i].type == t)
			return (int)i;
	return -1;
}

/* Is v a whole number in lo..hi? */
static bool whole(const cJSON *v, int lo, int hi)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) &&
	       v->valuedouble >= lo && v->valuedouble <= hi;
}

/* Record the broken rule (member, or NULL for the whole, and what it is): false. */
static bool broken(const char **path, const char *member, char *why, size_t n, const char *text)
{
	*path = member;
	snprintf(why, n, "%s", text);
	return false;
}

/* The same, saying which name (at most 64 bytes of it) broke it. */
static bool broken_name(const char **path, const char *member, char *why, size_t n,
                        const char *rule, const char *name)
{
	*path = member;
	snprintf(why, n, "%s (\"%.64s\" is not one)", rule, name);
	return false;
}

/* The misconduct options (array v) of the multi item s->followup.misconduct_item. */
static bool misconduct(const cJSON *v, struct survey *s, const char **path, char *why, size_t n)
{
	struct survey_followup *f = &s->followup;
	const cJSON *e;
	if (!cJSON_IsArray(v))
		return broken(path, "misconduct", why, n, "must be an array of option values");
	if (f->misconduct_item < 0 && cJSON_GetArraySize(v) > 0)
		return broken_name(path, "misconduct_item", why, n, "must name a multi item", "problems");
	cJSON_ArrayForEach(e, v) {
		const struct item *it = &s->items[f->misconduct_item];
		int k = cJSON_IsString(e) ? item_option(it, e->valuestring) : -1;
		if (k < 0) {
			*path = "misconduct";
			snprintf(why, n, "must list options of item \"%s\" (%.64s is not one)", it->id,
			         cJSON_IsString(e) ? e->valuestring : "a non-string");
			return false;
		}
		f->misconduct |= 1ULL << k;
	}
	return true;
}

bool survey_followup_parse(const cJSON *v, struct survey *s, const char **path, char *why, size_t n)
{
	static const char *const keys[] = {"item", "bad", "misconduct_item", "misconduct"};
	struct survey_followup *f = &s->followup;
	const cJSON *m, *e;
	f->item = f->misconduct_item = -1;
	*path = NULL;
	if (s->audience == AUDIENCE_REVIEWER)
		return v == NULL || broken(path, NULL, why, n, "is not allowed in a reviewer rubric");
	if (v != NULL && !cJSON_IsObject(v))
		return broken(path, NULL, why, n, "must be an object");
	cJSON_ArrayForEach(e, v) {
		size_t k = 0;
		while (k < ARRAY_SIZE(keys) && strcmp(e->string, keys[k]) != 0)
			k++;
		if (k == ARRAY_SIZE(keys)) {
			snprintf(why, n, "unknown member \"%.64s\" (it takes item, bad, misconduct_item, "
			         "misconduct)", e->string);
			return false;
		}
	}
	m = cJSON_GetObjectItemCaseSensitive(v, "item");
	if (m != NULL && !cJSON_IsString(m))
		return broken(path, "item", why, n, "must be the id of a scale item");
	f->item = typed_item(s, m != NULL ? m->valuestring : "overall", ITEM_SCALE);
	if (m != NULL && f->item < 0)
		return broken_name(path, "item", why, n, "must be the id of a scale item", m->valuestring);
	if ((m = cJSON_GetObjectItemCaseSensitive(v, "bad")) == NULL) {
		for (int k = 1; k <= s->points * 2 / 5; k++)
			f->bad[k] = true;
	} else if (!cJSON_IsArray(m) || f->item < 0) {
		return broken(path, "bad", why, n, "must be an array of scale values (with an item)");
	}
	cJSON_ArrayForEach(e, m) {
		if (!whole(e, 1, s->points)) {
			*path = "bad";
			snprintf(why, n, "must list values within 1..%d", s->points);
			return false;
		}
		f->bad[(int)e->valuedouble] = true;
	}
	m = cJSON_GetObjectItemCaseSensitive(v, "misconduct_item");
	if (m != NULL && !cJSON_IsString(m))
		return broken(path, "misconduct_item", why, n, "must be the id of a multi item");
	f->misconduct_item = typed_item(s, m != NULL ? m->valuestring : "problems", ITEM_MULTI);
	if (m != NULL && f->misconduct_item < 0)
		return broken_name(path, "misconduct_item", why, n, "must be the id of a multi item",
		                   m->valuestring);
	m = cJSON_GetObjectItemCaseSensitive(v, "misconduct");
	return m == NULL || misconduct(m, s, path, why, n);
}
