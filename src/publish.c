/* publish — see include/publish.h. */
#include "publish.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Empty an object of every member. */
static void clear(cJSON *o)
{
	while (o->child != NULL)
		cJSON_Delete(cJSON_DetachItemViaPointer(o, o->child));
}

bool publish_suppress(const char *json, size_t len, const char *published_at, struct sbuf *out)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	cJSON *groups = cJSON_GetObjectItemCaseSensitive(root, "groups");
	cJSON *ov = cJSON_GetObjectItemCaseSensitive(root, "overall");
	cJSON *g;
	if (!cJSON_IsObject(root) || !cJSON_IsArray(groups) || !cJSON_IsObject(ov)) {
		cJSON_Delete(root);
		return false;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(root, "cronbach_alpha");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "alpha_n");
	cJSON_ArrayForEach(g, groups) {
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "low_n")))
			continue;
		cJSON *by = cJSON_DetachItemFromObjectCaseSensitive(g, "by");
		clear(g);
		cJSON_AddItemToObject(g, "by", by);
		cJSON_AddBoolToObject(g, "suppressed", true);
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ov, "low_n"))) {
		clear(ov);
		cJSON_AddBoolToObject(ov, "suppressed", true);
	}
	if (published_at != NULL)
		cJSON_AddStringToObject(root, "published_at", published_at);
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	sbuf_addc(out, '\n');
	free(text);
	cJSON_Delete(root);
	return true;
}

void publish_key(const struct report_query *q, char *out, size_t n)
{
	char by[64] = "";
	for (size_t i = 0; i < q->nby; i++)
		snprintf(by + strlen(by), sizeof by - strlen(by), "%s%s", i ? "," : "",
		         report_by_name(q->by[i]));
	snprintf(out, n, "survey=%s&measure=%s&by=%s&weighting=%s&from=%s&to=%s&level=%.6g",
	         q->survey, q->measure ? q->measure : "index", by, stats_weighting_name(q->weighting),
	         q->from ? q->from : "", q->to ? q->to : "", q->level);
}

enum report_status publish_run(struct store *s, const struct report_query *q, long long *id,
                               char *msg, size_t msglen)
{
	struct sbuf raw, pub;
	char key[256];
	enum report_status st;
	sbuf_init(&raw);
	sbuf_init(&pub);
	if ((st = report_run(s, q, false, &raw, msg, msglen)) == REPORT_OK) {
		char now[32];
		time_now_iso(now, sizeof now);
		publish_suppress(raw.data, raw.len, now, &pub);
		publish_key(q, key, sizeof key);
		enum store_err e = store_begin(s);
		if (e == STORE_OK && (e = store_publication_add(s, q->survey, key, pub.data, id)) == STORE_OK &&
		    (e = store_audit(s, "cli", "publish", q->survey, key)) == STORE_OK)
			e = store_commit(s);
		if (e != STORE_OK) {
			store_rollback(s);
			snprintf(msg, msglen, "cannot store the publication: %s", store_errmsg(s));
			st = REPORT_STORE;
		}
	}
	sbuf_free(&pub);
	sbuf_free(&raw);
	return st;
}
