/* survey — see include/survey.h: the definitions (parse, check, look up);
 * the answers to them are answers.c's. */
#include "survey.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey_internal.h"
#include "util.h"

/* survey_load_file() reads at most this many bytes. */
#define SURVEY_FILE_MAX (1024 * 1024)

static const char *const lang_codes[LANG__MAX] = {
	[LANG_ZH] = "zh",
	[LANG_EN] = "en",
};

static const char *const item_type_names[ITEM__MAX] = {
	[ITEM_SCALE] = "scale",
	[ITEM_CHOICE] = "choice",
	[ITEM_MULTI] = "multi",
	[ITEM_TEXT] = "text",
	[ITEM_POINTS] = "points",
	[ITEM_FLAG] = "flag",
};

static const char *const audience_names[AUDIENCE__MAX] = {
	[AUDIENCE_ENTERPRISE] = "enterprise",
	[AUDIENCE_PUBLIC] = "public",
	[AUDIENCE_REVIEWER] = "reviewer",
};

static const char *const survey_errs[SURVEY_ERR__MAX] = {
	[SURVEY_OK] = "ok",
	[SURVEY_ERR_SYNTAX] = "the survey definition is not valid JSON",
	[SURVEY_ERR_RULE] = "the survey definition breaks a rule",
	[SURVEY_ERR_IO] = "the survey definition could not be read",
};

const char *lang_code(enum lang l)
{
	if ((unsigned)l >= LANG__MAX)
		return lang_codes[LANG_ZH];
	return lang_codes[l];
}

/* See survey.h. */
bool lang_parse(const char *s, enum lang *out)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strcspn(s, "-_");
	if (n != 2)
		return false;
	for (int l = 0; l < LANG__MAX; l++) {
		const char *c = lang_codes[l];
		if ((s[0] | 0x20) == c[0] && (s[1] | 0x20) == c[1]) {
			*out = (enum lang)l;
			return true;
		}
	}
	return false;
}

const char *item_type_name(enum item_type t)
{
	if ((unsigned)t >= ITEM__MAX)
		return "unknown";
	return item_type_names[t];
}

const char *audience_name(enum audience a)
{
	if ((unsigned)a >= AUDIENCE__MAX)
		return "unknown";
	return audience_names[a];
}

bool survey_is_rubric(const struct survey *s)
{
	return s != NULL && s->audience == AUDIENCE_REVIEWER;
}

int survey_points_total(const struct survey *s)
{
	int total = 0;

	for (size_t i = 0; s != NULL && i < s->nitems; i++)
		if (s->items[i].type == ITEM_POINTS)
			total += s->items[i].max;
	return total;
}

const char *survey_strerror(enum survey_err e)
{
	if ((unsigned)e >= SURVEY_ERR__MAX)
		return "unknown error";
	return survey_errs[e];
}

/* ---- parsing a definition ---------------------------------------------- */

/*
 * State of one survey_parse(): the file name for messages, the context of
 * the part being checked ("" at the top level, `item "legality"` or
 * `items[3]` inside an item) and the first message, if any.
 */
struct parse {
	const char *name;
	char ctx[96];
	struct sbuf msg;
	bool failed;
};

/*
 * Record the first failure and return false.  path names the offending
 * member; at the top level it is quoted and followed by a colon
 * (`"scale.points": must be ...`), inside an item it reads as the subject
 * of the rule (`item "x": index_weight must be ...`).  path may be NULL.
 */
static bool fail(struct parse *p, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct parse *p, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return false;
	p->failed = true;
	sbuf_printf(&p->msg, "%s: ", p->name);
	if (p->ctx[0] != '\0') {
		sbuf_printf(&p->msg, "%s: ", p->ctx);
		if (path != NULL)
			sbuf_printf(&p->msg, "%s ", path);
	} else if (path != NULL) {
		sbuf_printf(&p->msg, "\"%s\": ", path);
	}
	va_start(ap, fmt);
	sbuf_vprintf(&p->msg, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * Copy src into msg (capacity msglen) as one line, cut if needed at a
 * code point boundary so the result stays valid UTF-8.
 */
static void set_msg(char *msg, size_t msglen, const char *src)
{
	size_t n;

	if (msg == NULL || msglen == 0)
		return;
	n = strlen(src);
	if (n >= msglen) {
		n = msglen - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(msg, src, n);
	msg[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
}

/*
 * Write s (valid UTF-8 without controls) into buf for a message, escaping
 * quotes and backslashes and cutting it after 64 bytes.
 */
static void quote_name(char *buf, size_t n, const char *s)
{
	size_t o = 0, i = 0;

	while (s[i] != '\0' && o + 4 < n) {
		if (i >= 64 && ((unsigned char)s[i] & 0xC0) != 0x80) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (s[i] == '"' || s[i] == '\\')
			buf[o++] = '\\';
		buf[o++] = s[i++];
	}
	buf[o] = '\0';
}

/* The member key of object obj, or NULL.  Borrowed. */
static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/*
 * Check that every member of object obj is named in allowed (n names) and
 * none appears twice.  path (may be NULL) is where obj sits.
 */
static bool check_members(struct parse *p, const cJSON *obj, const char *path,
                          const char *const *allowed, size_t n)
{
	const cJSON *c;
	char q[80];
	const char *what = path != NULL ? "has an unknown member" : "unknown member";

	cJSON_ArrayForEach(c, obj) {
		const char *k = c->string != NULL ? c->string : "";
		size_t i;

		if (!utf8_valid(k, strlen(k)) || utf8_has_controls(k, strlen(k)))
			return fail(p, path, "%s whose name is not valid text", what);
		for (i = 0; i < n; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (i == n) {
			quote_name(q, sizeof(q), k);
			return fail(p, path, "%s \"%s\"", what, q);
		}
	}
	for (size_t i = 0; i < n; i++) {
		int count = 0;
		cJSON_ArrayForEach(c, obj)
			if (strcmp(c->string, allowed[i]) == 0)
				count++;
		if (count > 1)
			return fail(p, path, "member \"%s\" appears more than once", allowed[i]);
	}
	return true;
}

/* True when v is a finite JSON number with a whole value in [min, max]. */
static bool whole_in(const cJSON *v, double min, double max)
{
	double d;

	if (!cJSON_IsNumber(v))
		return false;
	d = v->valuedouble;
	return isfinite(d) && d == floor(d) && d >= min && d <= max;
}

/* True when s matches [a-z0-9_-]{1,64} (option values). */
static bool value_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* True when v is a non-empty JSON string. */
static bool nonempty_string(const cJSON *v)
{
	return cJSON_IsString(v) && v->valuestring != NULL && v->valuestring[0] != '\0';
}

/*
 * Read member key of obj, a {"zh": ..., "en": ...} object of non-empty
 * strings, into *out (copies).  path names it in messages.
 */
static bool parse_i18n(struct parse *p, const cJSON *obj, const char *key,
                       const char *path, struct i18n *out)
{
	static const char *const rule =
		"must be an object with non-empty \"zh\" and \"en\" strings";
	const cJSON *v = member(obj, key);
	char sub[128];

	if (v == NULL)
		return fail(p, path, "is required and %s", rule);
	if (!cJSON_IsObject(v))
		return fail(p, path, "%s", rule);
	if (!check_members(p, v, path, lang_codes, LANG__MAX))
		return false;
	for (int l = 0; l < LANG__MAX; l++) {
		const cJSON *s = member(v, lang_codes[l]);

		snprintf(sub, sizeof(sub), "%s.%s", path, lang_codes[l]);
		if (!nonempty_string(s))
			return fail(p, sub, "must be a non-empty string");
		if (!utf8_valid(s->valuestring, strlen(s->valuestring)))
			return fail(p, sub, "must be valid UTF-8");
		out->s[l] = xstrdup(s->valuestring);
	}
	return true;
}

/* Read the "scale" object of root into s. */
static bool parse_scale(struct parse *p, const cJSON *root, struct survey *s)
{
	static const char *const keys[] = {"points", "satisfied", "labels"};
	const cJSON *sc = member(root, "scale"), *v, *e;
	char path[64];
	int points;

	if (sc == NULL)
		return fail(p, "scale", "is required and must be an object with "
		            "\"points\", \"satisfied\" and \"labels\"");
	if (!cJSON_IsObject(sc))
		return fail(p, "scale", "must be an object with \"points\", \"satisfied\" and \"labels\"");
	if (!check_members(p, sc, "scale", keys, ARRAY_SIZE(keys)))
		return false;

	v = member(sc, "points");
	if (!whole_in(v, 2, SURVEY_MAX_POINTS))
		return fail(p, "scale.points", "%s an integer in 2..%d",
		            v == NULL ? "is required and must be" : "must be", SURVEY_MAX_POINTS);
	points = (int)v->valuedouble;
	s->points = points;

	v = member(sc, "satisfied");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return fail(p, "scale.satisfied", "must be a non-empty array of distinct integers in 1..%d",
		            points);
	cJSON_ArrayForEach(e, v) {
		if (!whole_in(e, 1, points) || s->satisfied[(int)e->valuedouble])
			return fail(p, "scale.satisfied", "values must be distinct integers in 1..%d", points);
		s->satisfied[(int)e->valuedouble] = true;
	}

	v = member(sc, "labels");
	if (!cJSON_IsObject(v))
		return fail(p, "scale.labels", "must be an object with \"zh\" and \"en\" arrays of %d labels",
		            points);
	if (!check_members(p, v, "scale.labels", lang_codes, LANG__MAX))
		return false;
	for (int l = 0; l < LANG__MAX; l++) {
		const cJSON *arr = member(v, lang_codes[l]);
		size_t i = 0;

		snprintf(path, sizeof(path), "scale.labels.%s", lang_codes[l]);
		if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != points)
			return fail(p, path, "must be an array of exactly %d non-empty strings", points);
		cJSON_ArrayForEach(e, arr)
			if (!nonempty_string(e))
				return fail(p, path, "must be an array of exactly %d non-empty strings", points);
		s->labels[l] = xcalloc((size_t)points, sizeof(char *));
		cJSON_ArrayForEach(e, arr) {
			if (!utf8_valid(e->valuestring, strlen(e->valuestring)))
				return fail(p, path, "must be valid UTF-8");
			s->labels[l][i++] = xstrdup(e->valuestring);
		}
	}
	return true;
}

/* Read option number idx of item it from j into it->options[idx]. */
static bool parse_option(struct parse *p, const cJSON *j, struct item *it, size_t idx)
{
	static const char *const keys[] = {"value", "text", "exclusive"};
	struct survey_option *o = &it->options[idx];
	const cJSON *v;
	char path[64];

	snprintf(path, sizeof(path), "options[%zu]", idx);
	if (!cJSON_IsObject(j))
		return fail(p, path, "must be an object with \"value\" and \"text\"");
	if (!check_members(p, j, path, keys, ARRAY_SIZE(keys)))
		return false;
	v = member(j, "value");
	snprintf(path, sizeof(path), "options[%zu].value", idx);
	if (!cJSON_IsString(v) || !value_valid(v->valuestring))
		return fail(p, path, "%s match [a-z0-9_-]{1,64}",
		            v == NULL ? "is required and must" : "must");
	for (size_t k = 0; k < idx; k++)
		if (strcmp(it->options[k].value, v->valuestring) == 0)
			return fail(p, path, "\"%s\" must be unique in the item (also options[%zu])",
			            v->valuestring, k);
	o->value = xstrdup(v->valuestring);
	if ((v = member(j, "exclusive")) != NULL) {
		snprintf(path, sizeof(path), "options[%zu].exclusive", idx);
		if (!cJSON_IsBool(v))
			return fail(p, path, "must be true or false");
		if (it->type != ITEM_MULTI)
			return fail(p, path, "is only allowed on the options of multi items");
		o->exclusive = cJSON_IsTrue(v);
	}
	snprintf(path, sizeof(path), "options[%zu].text", idx);
	return parse_i18n(p, j, "text", path, &o->text);
}

/* Read the options of item it (a choice or multi) from member v. */
static bool parse_options(struct parse *p, const cJSON *v, struct item *it)
{
	const cJSON *e;
	int n;
	size_t i = 0;

	if (v == NULL)
		return fail(p, "options", "is required on %s items (a non-empty array)",
		            item_type_name(it->type));
	n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
	if (n < 1 || n > SURVEY_MAX_OPTIONS)
		return fail(p, "options", "must be a non-empty array of at most %d options",
		            SURVEY_MAX_OPTIONS);
	it->options = xcalloc((size_t)n, sizeof(*it->options));
	it->noptions = (size_t)n;
	cJSON_ArrayForEach(e, v)
		if (!parse_option(p, e, it, i++))
			return false;
	return true;
}

/*
 * Read item number idx of the definition from j into s->items[idx],
 * checking it against the items before it.
 */
static bool parse_item(struct parse *p, const cJSON *j, struct survey *s, size_t idx)
{
	static const char *const keys[] = {
		"id", "type", "text", "required", "allow_na", "index_weight", "options", "max_length",
		"max",
	};
	struct item *it = &s->items[idx];
	const cJSON *v;
	int t;

	snprintf(p->ctx, sizeof(p->ctx), "items[%zu]", idx);
	if (!cJSON_IsObject(j))
		return fail(p, NULL, "must be an object");
	v = member(j, "id");
	if (!cJSON_IsString(v) || !ident_valid(v->valuestring))
		return fail(p, "id", "%s match [a-z][a-z0-9_]{0,63}",
		            v == NULL ? "is required and must" : "must");
	it->id = xstrdup(v->valuestring);
	snprintf(p->ctx, sizeof(p->ctx), "item \"%s\"", it->id);
	if (!check_members(p, j, NULL, keys, ARRAY_SIZE(keys)))
		return false;
	for (size_t k = 0; k < idx; k++)
		if (strcmp(s->items[k].id, it->id) == 0)
			return fail(p, "id", "must be unique (items[%zu] has the same id)", k);

	v = member(j, "type");
	for (t = 0; t < ITEM__MAX; t++)
		if (cJSON_IsString(v) && strcmp(v->valuestring, item_type_names[t]) == 0)
			break;
	if (t == ITEM__MAX)
		return fail(p, "type", "%s one of scale, choice, multi, text, points, flag",
		            v == NULL ? "is required and must be" : "must be");
	it->type = (enum item_type)t;
	if (s->audience == AUDIENCE_REVIEWER && t != ITEM_POINTS && t != ITEM_FLAG && t != ITEM_TEXT)
		return fail(p, "type", "\"%s\" is not allowed in a reviewer rubric (points, flag or "
		            "text)", item_type_names[t]);
	if (s->audience != AUDIENCE_REVIEWER && (t == ITEM_POINTS || t == ITEM_FLAG))
		return fail(p, "type", "\"%s\" is only allowed in a reviewer rubric (\"audience\": "
		            "\"reviewer\")", item_type_names[t]);

	if (!parse_i18n(p, j, "text", "text", &it->text))
		return false;

	if ((v = member(j, "required")) != NULL) {
		if (!cJSON_IsBool(v))
			return fail(p, "required", "must be true or false");
		it->required = cJSON_IsTrue(v);
	}
	if ((v = member(j, "allow_na")) != NULL) {
		if (it->type != ITEM_SCALE)
			return fail(p, "allow_na", "is only allowed on scale items");
		if (!cJSON_IsBool(v))
			return fail(p, "allow_na", "must be true or false");
		it->allow_na = cJSON_IsTrue(v);
	}
	if ((v = member(j, "index_weight")) != NULL) {
		if (it->type != ITEM_SCALE)
			return fail(p, "index_weight", "is only allowed on scale items");
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
			return fail(p, "index_weight", "must be a number >= 0");
		it->index_weight = v->valuedouble;
	}

	v = member(j, "options");
	if (it->type == ITEM_CHOICE || it->type == ITEM_MULTI) {
		if (!parse_options(p, v, it))
			return false;
	} else if (v != NULL) {
		return fail(p, "options", "is only allowed on choice and multi items");
	}

	if (it->type == ITEM_TEXT)
		it->max_length = SURVEY_TEXT_DEFAULT_MAX;
	if ((v = member(j, "max_length")) != NULL) {
		if (it->type != ITEM_TEXT)
			return fail(p, "max_length", "is only allowed on text items");
		if (!whole_in(v, 1, SURVEY_TEXT_LIMIT))
			return fail(p, "max_length", "must be an integer in 1..%d", SURVEY_TEXT_LIMIT);
		it->max_length = (size_t)v->valuedouble;
	}

	v = member(j, "max");
	if (it->type == ITEM_POINTS) {
		if (!whole_in(v, 1, SURVEY_POINTS_LIMIT))
			return fail(p, "max", "%s an integer in 1..%d (the most points the item awards)",
			            v == NULL ? "is required on points items and must be" : "must be",
			            SURVEY_POINTS_LIMIT);
		it->max = (int)v->valuedouble;
	} else if (v != NULL) {
		return fail(p, "max", "is only allowed on points items");
	}
	return true;
}

/* Check the whole document root and fill s. */
static bool parse_survey(struct parse *p, const cJSON *root, struct survey *s)
{
	static const char *const keys[] = {
		"id", "version", "audience", "title", "intro", "scale", "items", "followup",
	};
	const cJSON *v, *e;
	int a, n;
	size_t i = 0;

	if (!cJSON_IsObject(root))
		return fail(p, NULL, "the definition must be a JSON object");
	if (!check_members(p, root, NULL, keys, ARRAY_SIZE(keys)))
		return false;

	v = member(root, "id");
	if (!cJSON_IsString(v) || !slug_valid(v->valuestring))
		return fail(p, "id", "%s match [a-z0-9-]{1,64}",
		            v == NULL ? "is required and must" : "must");
	s->id = xstrdup(v->valuestring);

	v = member(root, "version");
	if (!whole_in(v, 1, 2147483647.0))
		return fail(p, "version", "%s an integer >= 1",
		            v == NULL ? "is required and must be" : "must be");
	s->version = (int)v->valuedouble;

	v = member(root, "audience");
	for (a = 0; a < AUDIENCE__MAX; a++)
		if (cJSON_IsString(v) && strcmp(v->valuestring, audience_names[a]) == 0)
			break;
	if (a == AUDIENCE__MAX)
		return fail(p, "audience", "%s \"enterprise\", \"public\" or \"reviewer\"",
		            v == NULL ? "is required and must be" : "must be");
	s->audience = (enum audience)a;

	if (!parse_i18n(p, root, "title", "title", &s->title) ||
	    !parse_i18n(p, root, "intro", "intro", &s->intro))
		return false;
	/* A rubric scores with points items: it has no answer scale. */
	if (s->audience == AUDIENCE_REVIEWER) {
		if (member(root, "scale") != NULL)
			return fail(p, "scale", "is not allowed in a reviewer rubric (its items award "
			            "points: \"type\": \"points\", \"max\": N)");
	} else if (!parse_scale(p, root, s)) {
		return false;
	}

	v = member(root, "items");
	n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
	if (n < 1 || n > SURVEY_MAX_ITEMS)
		return fail(p, "items", "%s a non-empty array of at most %d items",
		            v == NULL ? "is required and must be" : "must be", SURVEY_MAX_ITEMS);
	s->items = xcalloc((size_t)n, sizeof(*s->items));
	s->nitems = (size_t)n;
	cJSON_ArrayForEach(e, v)
		if (!parse_item(p, e, s, i++))
			return false;
	p->ctx[0] = '\0';
	if (s->audience == AUDIENCE_REVIEWER && survey_points_total(s) == 0)
		return fail(p, "items", "of a reviewer rubric must include at least one points item");
	/* Which answers open a follow-up case (survey_followup.c). */
	const char *path = NULL;
	char why[256];
	snprintf(p->ctx, sizeof(p->ctx), "followup");
	if (!survey_followup_parse(member(root, "followup"), s, &path, why, sizeof why))
		return fail(p, path, "%s", why);
	p->ctx[0] = '\0';
	return true;
}

/* The 1-based line of byte offset off in json. */
static size_t line_of(const char *json, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		if (json[i] == '\n')
			line++;
	return line;
}

/* See survey.h.  cJSON is given a NUL-terminated copy so that trailing
 * bytes after the document are rejected. */
enum survey_err survey_parse(const char *name, const char *json, size_t len,
                             struct survey **out, char *msg, size_t msglen)
{
	struct parse p = {.name = name != NULL ? name : "survey"};
	enum survey_err err = SURVEY_OK;
	struct survey *s = NULL;
	cJSON *root = NULL;
	char *copy = NULL, *canon;
	const char *end = NULL;
	const char *nul;

	*out = NULL;
	set_msg(msg, msglen, "");
	sbuf_init(&p.msg);
	if (json == NULL) {
		json = "";
		len = 0;
	}
	if ((nul = memchr(json, '\0', len)) != NULL) {
		sbuf_printf(&p.msg, "%s: not valid JSON: a NUL byte on line %zu", p.name,
		            line_of(json, (size_t)(nul - json)));
		err = SURVEY_ERR_SYNTAX;
		goto done;
	}
	copy = xstrndup(json, len);
	root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
	if (root == NULL) {
		size_t off = end != NULL && end >= copy && end <= copy + len ? (size_t)(end - copy) : 0;
		sbuf_printf(&p.msg, "%s: not valid JSON: error on line %zu", p.name, line_of(copy, off));
		err = SURVEY_ERR_SYNTAX;
		goto done;
	}
	s = xcalloc(1, sizeof(*s));
	if (!parse_survey(&p, root, s)) {
		err = SURVEY_ERR_RULE;
		goto done;
	}
	canon = cJSON_PrintUnformatted(root);
	if (canon == NULL) {
		fputs("manyi: out of memory\n", stderr);
		abort();
	}
	s->canonical = xstrdup(canon);
	cJSON_free(canon);
	*out = s;
	s = NULL;
done:
	if (err != SURVEY_OK)
		set_msg(msg, msglen, p.msg.data);
	survey_free(s);
	cJSON_Delete(root);
	free(copy);
	sbuf_free(&p.msg);
	return err;
}

/* See survey.h. */
enum survey_err survey_load_file(const char *path, struct survey **out,
                                 char *msg, size_t msglen)
{
	enum survey_err err = SURVEY_ERR_IO;
	char *buf = NULL, line[512] = "";
	FILE *fp = NULL;
	size_t len;

	*out = NULL;
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(line, sizeof(line), "%s: %s", path, strerror(errno));
		goto done;
	}
	buf = xmalloc(SURVEY_FILE_MAX + 1);
	len = fread(buf, 1, SURVEY_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		snprintf(line, sizeof(line), "%s: %s", path, strerror(errno ? errno : EIO));
		goto done;
	}
	if (len > SURVEY_FILE_MAX) {
		snprintf(line, sizeof(line), "%s: file is larger than %d bytes", path, SURVEY_FILE_MAX);
		goto done;
	}
	err = survey_parse(path, buf, len, out, msg, msglen);
done:
	if (err == SURVEY_ERR_IO)
		set_msg(msg, msglen, line);
	if (fp != NULL)
		fclose(fp);
	free(buf);
	return err;
}

/* Free the texts of t. */
static void i18n_free(struct i18n *t)
{
	for (int l = 0; l < LANG__MAX; l++)
		free(t->s[l]);
}

/* See survey.h. */
void survey_free(struct survey *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nitems; i++) {
		struct item *it = &s->items[i];

		for (size_t k = 0; k < it->noptions; k++) {
			free(it->options[k].value);
			i18n_free(&it->options[k].text);
		}
		free(it->options);
		i18n_free(&it->text);
		free(it->id);
	}
	free(s->items);
	for (int l = 0; l < LANG__MAX; l++) {
		if (s->labels[l] != NULL)
			for (int k = 0; k < s->points; k++)
				free(s->labels[l][k]);
		free(s->labels[l]);
	}
	i18n_free(&s->intro);
	i18n_free(&s->title);
	free(s->id);
	free(s->canonical);
	free(s);
}

/* Index of the item with this id in s, or -1. */
static long item_index(const struct survey *s, const char *id)
{
	if (s == NULL || id == NULL)
		return -1;
	for (size_t i = 0; i < s->nitems; i++)
		if (strcmp(s->items[i].id, id) == 0)
			return (long)i;
	return -1;
}

const struct item *survey_item(const struct survey *s, const char *id)
{
	long i = item_index(s, id);

	return i < 0 ? NULL : &s->items[i];
}

int item_option(const struct item *it, const char *value)
{
	if (it == NULL || value == NULL)
		return -1;
	for (size_t i = 0; i < it->noptions; i++)
		if (strcmp(it->options[i].value, value) == 0)
			return (int)i;
	return -1;
}
