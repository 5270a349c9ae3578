/* integrity_report — the review queue as JSON; see include/integrity_report.h. */
#include "integrity_report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* The name (zh) of code in list, or "" when it is not registered. */
static const char *name_of(const struct registry_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return l->v[i].name[LANG_ZH];
	return "";
}

/* The object of arr whose member key is value, made with key set when there is none. */
static cJSON *group_of(cJSON *arr, const char *key, const char *value, bool *made)
{
	cJSON *g;
	cJSON_ArrayForEach(g, arr)
	{
		cJSON *k = cJSON_GetObjectItemCaseSensitive(g, key);
		if (cJSON_IsString(k) && strcmp(k->valuestring, value) == 0) {
			*made = false;
			return g;
		}
	}
	g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, key, value);
	cJSON_AddItemToArray(arr, g);
	*made = true;
	return g;
}

/* Count one answer of state st into g's "flagged" and its state's member. */
static void tally(cJSON *g, enum integrity_state st)
{
	static const char *const members[] = {"flagged", "open", "kept", "excluded"};
	if (cJSON_GetObjectItemCaseSensitive(g, "flagged") == NULL)
		for (size_t i = 0; i < 4; i++)
			cJSON_AddNumberToObject(g, members[i], 0);
	cJSON *f = cJSON_GetObjectItemCaseSensitive(g, "flagged");
	cJSON *s = cJSON_GetObjectItemCaseSensitive(g, integrity_state_name(st));
	cJSON_SetNumberValue(f, f->valuedouble + 1);
	cJSON_SetNumberValue(s, s->valuedouble + 1);
}

enum store_err integrity_queue_json(struct store *s, const struct integrity_query *q,
                                    struct sbuf *out)
{
	struct integrity_items l = {0};
	struct registry_list ag = {0};
	enum store_err e;
	if ((e = integrity_queue(s, q, &l)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_AGENCY, &ag)) != STORE_OK) {
		integrity_items_free(&l);
		return e;
	}
	cJSON *root = cJSON_CreateObject();
	cJSON *answers = cJSON_AddArrayToObject(root, "answers");
	cJSON *by_agency = cJSON_AddArrayToObject(root, "by_agency");
	cJSON *by_rule = cJSON_AddArrayToObject(root, "by_rule");
	cJSON *by_group = cJSON_AddArrayToObject(root, "by_group");
	for (size_t i = 0; i < l.n; i++) {
		const struct integrity_item *it = &l.v[i];
		const char *an = name_of(&ag, it->agency);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", it->public_id);
		cJSON_AddStringToObject(o, "survey", it->survey);
		cJSON_AddStringToObject(o, "agency", it->agency);
		cJSON_AddStringToObject(o, "agency_name", an);
		cJSON_AddStringToObject(o, "channel", it->channel);
		cJSON_AddStringToObject(o, "day", it->day);
		cJSON_AddStringToObject(o, "state", integrity_state_name(it->state));
		cJSON_AddStringToObject(o, "reason", it->reason);
		cJSON *flags = cJSON_AddArrayToObject(o, "flags");
		bool made;
		cJSON *g = group_of(by_agency, "agency", it->agency, &made);
		if (made)
			cJSON_AddStringToObject(g, "agency_name", an);
		tally(g, it->state);
		for (size_t k = 0; k < it->nflags; k++) {
			const struct integrity_flag *f = &it->flags[k];
			const char *code = integrity_code_name(f->code);
			cJSON *fo = cJSON_CreateObject();
			cJSON_AddStringToObject(fo, "code", code);
			cJSON_AddStringToObject(fo, "detail", f->detail);
			if (f->grp[0] != '\0')
				cJSON_AddStringToObject(fo, "group", f->grp);
			cJSON_AddItemToArray(flags, fo);
			tally(group_of(by_rule, "code", code, &made), it->state);
			if (f->grp[0] != '\0') {
				g = group_of(by_group, "group", f->grp, &made);
				if (made) {
					cJSON_AddStringToObject(g, "code", code);
					cJSON_AddStringToObject(g, "agency", it->agency);
					cJSON_AddStringToObject(g, "agency_name", an);
				}
				tally(g, it->state);
			}
		}
		cJSON_AddItemToArray(answers, o);
	}
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	cJSON_free(text);
	cJSON_Delete(root);
	registry_list_free(&ag);
	integrity_items_free(&l);
	return STORE_OK;
}
