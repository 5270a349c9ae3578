/*
 * export_survey — the survey an export describes: the latest definition
 * with the items and options only older versions had, so that no answer
 * given to an older version vanishes (include/export.h says in which order).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "export.h"
#include "export_internal.h"

struct merge {
	cJSON *def;   /* the latest definition, growing with what older ones add */
	char *latest; /* the latest definition's text */
	int version;  /* the latest version */
	bool bad;     /* a stored definition that is not JSON */
	bool full;    /* items or options left out: the limits of a definition */
};

static const char *json_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The member of array arr whose key is value, or NULL. */
static cJSON *json_find(const cJSON *arr, const char *key, const char *value)
{
	cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const char *v = json_string(e, key);
		if (v != NULL && strcmp(v, value) == 0)
			return e;
	}
	return NULL;
}

static void json_append_copy(cJSON *arr, const cJSON *e)
{
	cJSON *copy = cJSON_Duplicate(e, true);
	if (copy == NULL)
		abort(); /* cJSON fails only when out of memory */
	cJSON_AddItemToArray(arr, copy);
}

/* Add to g->def what the older definition old has and it lacks. */
static void merge_older(struct merge *g, const cJSON *old)
{
	cJSON *items = cJSON_GetObjectItemCaseSensitive(g->def, "items");
	const cJSON *o;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(old, "items")) {
		const char *id = json_string(o, "id"), *type = json_string(o, "type");
		cJSON *m = id != NULL ? json_find(items, "id", id) : NULL;
		if (id == NULL || type == NULL) {
			continue;
		} else if (m == NULL) {
			if (cJSON_GetArraySize(items) < SURVEY_MAX_ITEMS)
				json_append_copy(items, o);
			else
				g->full = true;
			continue;
		}
		const char *mtype = json_string(m, "type");
		if (mtype == NULL || strcmp(mtype, type) != 0)
			continue; /* the latest type wins */
		if (strcmp(type, "scale") == 0 &&
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "allow_na")) &&
		    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "allow_na"))) {
			cJSON_DeleteItemFromObjectCaseSensitive(m, "allow_na");
			cJSON_AddTrueToObject(m, "allow_na");
		}
		cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");
		const cJSON *op;
		cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(o, "options")) {
			const char *value = json_string(op, "value");
			if (!cJSON_IsArray(opts) || value == NULL || json_find(opts, "value", value) != NULL)
				continue;
			if (cJSON_GetArraySize(opts) < SURVEY_MAX_OPTIONS)
				json_append_copy(opts, op);
			else
				g->full = true;
		}
	}
}

static bool on_version(void *ctx, int version, const char *definition)
{
	struct merge *g = ctx;
	cJSON *d = cJSON_Parse(definition);
	if (d == NULL) {
		g->bad = true;
		return false;
	}
	if (g->def == NULL) {
		g->def = d;
		g->version = version;
		g->latest = xstrdup(definition);
		return true;
	}
	merge_older(g, d);
	cJSON_Delete(d);
	return true;
}

/* See export_internal.h. */
bool export_load_survey(struct exporter *x, const char *survey, struct survey **sv, char **def,
                        struct sbuf *warn)
{
	struct merge g = {.def = NULL};
	char pmsg[512];
	enum store_err e = store_each_survey_version(x->s, survey, on_version, &g);
	bool ok = false;
	if (e != STORE_OK && e != STORE_ERR_NOTFOUND) {
		export_store_fail(x, e);
		goto done;
	}
	if (e == STORE_ERR_NOTFOUND || g.bad || g.def == NULL)
		goto unknown;
	x->version = g.version;
	*def = cJSON_PrintUnformatted(g.def);
	if (*def == NULL)
		abort();
	if (survey_parse(survey, *def, strlen(*def), sv, pmsg, sizeof pmsg) == SURVEY_OK &&
	    survey_is_rubric(*sv)) {
		export_fail(x, EXPORT_BAD_QUERY, "\"%.64s\" is a case-review rubric (audience reviewer), "
		            "not a survey of respondents: nothing to export", survey);
		survey_free(*sv);
		*sv = NULL;
		goto done;
	}
	if (*sv != NULL) {
		if (g.full)
			sbuf_printf(warn, "%ssome items or options of older versions are left out: a "
			            "definition holds at most %d items of %d options",
			            warn->len ? "; " : "", SURVEY_MAX_ITEMS, SURVEY_MAX_OPTIONS);
		ok = true;
		goto done;
	}
	sbuf_printf(warn, "%sthe items of older versions are left out: %s", warn->len ? "; " : "", pmsg);
	free(*def);
	*def = g.latest;
	g.latest = NULL;
	if (survey_parse(survey, *def, strlen(*def), sv, pmsg, sizeof pmsg) == SURVEY_OK) {
		ok = !survey_is_rubric(*sv);
		if (!ok) {
			export_fail(x, EXPORT_BAD_QUERY, "\"%.64s\" is a case-review rubric (audience "
			            "reviewer), not a survey of respondents: nothing to export", survey);
			survey_free(*sv);
			*sv = NULL;
		}
		goto done;
	}
unknown:
	export_fail(x, EXPORT_BAD_QUERY, "unknown survey \"%.64s\"", survey);
done:
	cJSON_Delete(g.def);
	free(g.latest);
	return ok;
}
