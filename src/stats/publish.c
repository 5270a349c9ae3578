/* publish — see include/publish.h. */
#include "publish.h"

#include <cjson/cJSON.h>

#include "audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append root as one line of JSON to out. */
static void json_out(const cJSON *root, struct sbuf *out)
{
	char *text = cJSON_PrintUnformatted(root);
	sbuf_adds(out, text);
	sbuf_addc(out, '\n');
	free(text);
}

/* Empty an object of every member. */
static void clear(cJSON *o)
{
	while (o->child != NULL)
		cJSON_Delete(cJSON_DetachItemViaPointer(o, o->child));
}

/* One group of a table, for the suppression. */
struct cell {
	cJSON *g;
	double n;
	bool hidden;
	char *vals; /* the `by` values joined by \x1f (null as \x1e) */
	size_t nvals;
};

/* Hide g's figures, keeping its `by` and the names of its values. */
static void hide(struct cell *c)
{
	cJSON *by = cJSON_DetachItemFromObjectCaseSensitive(c->g, "by");
	cJSON *names = cJSON_DetachItemFromObjectCaseSensitive(c->g, "names");
	clear(c->g);
	cJSON_AddItemToObject(c->g, "by", by);
	if (names != NULL)
		cJSON_AddItemToObject(c->g, "names", names);
	cJSON_AddBoolToObject(c->g, "suppressed", true);
	c->hidden = true;
}

/* The k-th \x1f-separated value of vals, as a pointer and a length. */
static const char *value_at(const char *vals, size_t k, size_t *len)
{
	for (; k > 0; k--)
		vals = strchr(vals, '\x1f') + 1;
	const char *end = strchr(vals, '\x1f');
	*len = end ? (size_t)(end - vals) : strlen(vals);
	return vals;
}

/* Does c lie on the line through `at` that varies dimension free (free ==
 * nvals: the whole table)? */
static bool on_line(const struct cell *c, const struct cell *at, size_t free)
{
	for (size_t k = 0; k < c->nvals && free < c->nvals; k++) {
		size_t l1, l2;
		const char *v1 = value_at(c->vals, k, &l1), *v2 = value_at(at->vals, k, &l2);
		if (k != free && (l1 != l2 || memcmp(v1, v2, l1) != 0))
			return false;
	}
	return true;
}

/*
 * Secondary suppression.  The groups of a line — the whole table, whose
 * total is the overall row, or the groups that share every `by` value but
 * one, whose total is a group of the one-column table — add up to that
 * total; with exactly one of them hidden, the total minus the others would
 * give it away.  So in such a line the smallest shown group is hidden too,
 * until no line has exactly one hidden group.
 */
static void suppress_lines(struct cell *cells, size_t n)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			if (!cells[i].hidden)
				continue;
			for (size_t free = 0; free <= cells[i].nvals; free++) {
				if (cells[i].nvals == 1 && free == 0)
					continue; /* the same line as the whole table */
				size_t hidden = 0, members = 0, smallest = n;
				for (size_t j = 0; j < n; j++) {
					if (!on_line(&cells[j], &cells[i], free))
						continue;
					members++;
					if (cells[j].hidden)
						hidden++;
					else if (smallest == n || cells[j].n < cells[smallest].n)
						smallest = j;
				}
				if (hidden == 1 && members > 1 && smallest < n) {
					hide(&cells[smallest]);
					changed = true;
				}
			}
		}
	}
}

/*
 * The publication notes what exclusions took out (docs/integrity.md):
 * "exclusions": {"excluded": N, "zh", "en"} from the overall row's count,
 * before a suppression clears it.
 */
static void exclusions_note(cJSON *root, const cJSON *ov)
{
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(ov, "excluded");
	if (!cJSON_IsNumber(ex))
		return;
	long n = (long)ex->valuedouble;
	cJSON *o = cJSON_AddObjectToObject(root, "exclusions");
	cJSON_AddNumberToObject(o, "excluded", (double)n);
	char zh[256], en[256];
	if (n > 0) {
		snprintf(zh, sizeof zh, "另有 %ld 份答卷经复核（申诉成立或诚信审查认定为刷评）不计入上述数字；"
		         "答卷仍保留在数据中，每项决定均有审计记录。", n);
		snprintf(en, sizeof en, "%ld %s left out of these figures after review (an upheld appeal, "
		         "or found padded); %s kept in the data, every decision audited.", n,
		         n == 1 ? "answer was" : "answers were", n == 1 ? "it is" : "they are");
	} else {
		snprintf(zh, sizeof zh, "没有答卷被排除在统计之外。");
		snprintf(en, sizeof en, "No answer was left out of these figures.");
	}
	cJSON_AddStringToObject(o, "zh", zh);
	cJSON_AddStringToObject(o, "en", en);
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
	exclusions_note(root, ov);
	size_t n = (size_t)cJSON_GetArraySize(groups), i = 0;
	struct cell *cells = xcalloc(n + 1, sizeof *cells);
	cJSON_ArrayForEach(g, groups) {
		struct sbuf v;
		cJSON *b, *by = cJSON_GetObjectItemCaseSensitive(g, "by");
		sbuf_init(&v);
		cJSON_ArrayForEach(b, by) {
			if (v.len > 0 || cells[i].nvals > 0)
				sbuf_addc(&v, '\x1f');
			sbuf_adds(&v, cJSON_IsString(b) ? b->valuestring : "\x1e");
			cells[i].nvals++;
		}
		cJSON *cn = cJSON_GetObjectItemCaseSensitive(g, "n");
		cells[i].g = g;
		cells[i].n = cJSON_IsNumber(cn) ? cn->valuedouble : 0;
		cells[i].vals = sbuf_detach(&v);
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "low_n")))
			hide(&cells[i]);
		i++;
	}
	suppress_lines(cells, n);
	for (i = 0; i < n; i++)
		free(cells[i].vals);
	free(cells);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ov, "low_n"))) {
		clear(ov);
		cJSON_AddBoolToObject(ov, "suppressed", true);
	}
	if (published_at != NULL)
		cJSON_AddStringToObject(root, "published_at", published_at);
	json_out(root, out);
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
	/* A threshold other than the default is part of the query, so that a
	 * publication never replaces one made with another threshold. */
	if (q->low_n != PUBLISH_DEFAULT_LOW_N && strlen(out) + 32 < n)
		snprintf(out + strlen(out), n - strlen(out), "&low_n=%.6g", q->low_n);
}

/* The head as a JSON object. */
static cJSON *head_object(long long id, const char *hash)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "hash", hash);
	return o;
}

void publish_head_json(const struct audit_head *h, struct sbuf *out)
{
	cJSON *o = head_object(h->id, h->hash);
	json_out(o, out);
	cJSON_Delete(o);
}

/* Add "audit_head": {"id", "hash"} to the publication in pub (one line of JSON). */
static void with_head(struct sbuf *pub, const struct audit_head *h)
{
	cJSON *root = cJSON_ParseWithLength(pub->data, pub->len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return; /* not ours to rewrite */
	}
	cJSON_AddItemToObject(root, "audit_head", head_object(h->id, h->hash));
	sbuf_reset(pub);
	json_out(root, pub);
	cJSON_Delete(root);
}

enum report_status publish_run(struct store *s, const struct report_query *q,
                               struct publish_info *info, char *msg, size_t msglen)
{
	struct sbuf raw, pub;
	char key[256];
	enum report_status st;
	memset(info, 0, sizeof *info);
	if (q->low_n < PUBLISH_MIN_LOW_N) {
		snprintf(msg, msglen, "a publication threshold (--low-n) under %d would publish groups of a "
		         "few respondents", PUBLISH_MIN_LOW_N);
		return REPORT_BAD_QUERY;
	}
	sbuf_init(&raw);
	sbuf_init(&pub);
	if ((st = report_run(s, q, false, &raw, msg, msglen)) == REPORT_OK) {
		char now[32];
		int before = 0;
		time_now_iso(now, sizeof now);
		if (!publish_suppress(raw.data, raw.len, now, &pub)) {
			snprintf(msg, msglen, "the statistics could not be suppressed for publication");
			st = REPORT_NO_DATA;
			goto done;
		}
		publish_key(q, key, sizeof key);
		/* The days that are over sealed, the publication audited, then the
		 * head (which commits to both) frozen into the publication. */
		enum store_err e = store_begin(s);
		if (e == STORE_OK)
			e = store_publication_count(s, key, &before, info->replaced_at,
			                            sizeof info->replaced_at);
		if (e == STORE_OK && (e = audit_seal(s, NULL)) == STORE_OK &&
		    (e = store_audit(s, "cli", "publish", q->survey, key)) == STORE_OK &&
		    (e = audit_head(s, &info->head)) == STORE_OK) {
			with_head(&pub, &info->head);
			if ((e = store_publication_add(s, q->survey, key, pub.data, &info->id)) == STORE_OK)
				e = store_commit(s);
		}
		if (e != STORE_OK) {
			store_rollback(s);
			if (e == STORE_ERR_BUSY) {
				snprintf(msg, msglen, "%s", report_strerror(REPORT_BUSY));
				st = REPORT_BUSY;
			} else {
				snprintf(msg, msglen, "cannot store the publication: %s", store_errmsg(s));
				st = REPORT_STORE;
			}
		}
		info->version = before + 1;
	}
done:
	sbuf_free(&pub);
	sbuf_free(&raw);
	return st;
}

/* Set member name of object o to the number v, replacing one already there. */
static void set_num(cJSON *o, const char *name, double v)
{
	cJSON *item = cJSON_GetObjectItemCaseSensitive(o, name);
	if (cJSON_IsNumber(item)) {
		cJSON_SetNumberValue(item, v);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, name);
	cJSON_AddNumberToObject(o, name, v);
}

enum store_err publish_get(struct store *s, const struct report_query *q, int version,
                           int *versions, struct sbuf *out)
{
	char key[256], at[32];
	char *result = NULL;
	publish_key(q, key, sizeof key);
	*versions = 0;
	/* One snapshot: the count and the version agree. */
	enum store_err e = store_begin_read(s);
	if (e == STORE_OK)
		e = store_publication_count(s, key, versions, at, sizeof at);
	if (e == STORE_OK && (version < 0 || version > *versions || *versions == 0))
		e = STORE_ERR_NOTFOUND;
	if (e == STORE_OK)
		e = store_publication_version(s, key, version > 0 ? version : *versions, &result, at,
		                              sizeof at);
	store_rollback(s);
	if (e != STORE_OK)
		return e;
	cJSON *root = cJSON_Parse(result);
	if (cJSON_IsObject(root)) {
		set_num(root, "version", version > 0 ? version : *versions);
		set_num(root, "latest_version", *versions);
		json_out(root, out);
	} else {
		sbuf_adds(out, result); /* not ours to rewrite: served as it was stored */
	}
	cJSON_Delete(root);
	free(result);
	return STORE_OK;
}

/* publish_list()'s state: the publications array and the query being filled. */
struct list_state {
	cJSON *publications;
	cJSON *current;   /* the object of the query seen last, or NULL */
	const char *prev; /* its query text (borrowed from current) */
};

static bool list_item(void *ctx, const char *query, const char *at, long long head_id,
                      const char *head_hash)
{
	struct list_state *ls = ctx;
	if (ls->current == NULL || strcmp(ls->prev, query) != 0) {
		ls->current = cJSON_CreateObject();
		ls->prev = cJSON_GetStringValue(cJSON_AddStringToObject(ls->current, "query", query));
		cJSON_AddStringToObject(ls->current, "published_at", at);
		cJSON_AddNumberToObject(ls->current, "latest_version", 0);
		cJSON_AddArrayToObject(ls->current, "versions");
		cJSON_AddItemToArray(ls->publications, ls->current);
	}
	cJSON *versions = cJSON_GetObjectItemCaseSensitive(ls->current, "versions");
	int v = cJSON_GetArraySize(versions) + 1;
	cJSON *o = cJSON_CreateObject();
	struct sbuf url;
	sbuf_init(&url);
	sbuf_printf(&url, "/api/v1/public/stats?%s&version=%d", query, v);
	cJSON_AddNumberToObject(o, "version", v);
	cJSON_AddStringToObject(o, "published_at", at);
	cJSON_AddStringToObject(o, "url", url.data);
	if (head_hash != NULL)
		cJSON_AddItemToObject(o, "audit_head", head_object(head_id, head_hash));
	sbuf_free(&url);
	cJSON_AddItemToArray(versions, o);
	/* Oldest first: the one seen last is the latest. */
	set_num(ls->current, "latest_version", v);
	cJSON_ReplaceItemInObjectCaseSensitive(ls->current, "published_at", cJSON_CreateString(at));
	return true;
}

enum store_err publish_list(struct store *s, const char *survey, struct sbuf *out)
{
	cJSON *root = cJSON_CreateObject();
	struct list_state ls = {0};
	cJSON_AddStringToObject(root, "survey", survey);
	ls.publications = cJSON_AddArrayToObject(root, "publications");
	enum store_err e = store_publication_list(s, survey, list_item, &ls);
	if (e == STORE_OK) {
		json_out(root, out);
	}
	cJSON_Delete(root);
	return e;
}
