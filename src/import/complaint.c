/* complaint — the complaint channel's rules; see include/complaint.h. */
#include "complaint.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "util.h"

#define CATEGORIES_MAX 100
#define CATEGORIES_FILE_MAX (1 << 20)

/* The whole file at path (malloc'd, NUL-terminated) or NULL with msg. */
static char *read_text(const char *path, size_t *len, char *msg, size_t n)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		snprintf(msg, n, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = xmalloc(CATEGORIES_FILE_MAX + 1);
	*len = fread(buf, 1, CATEGORIES_FILE_MAX + 1, fp);
	bool err = ferror(fp) != 0;
	fclose(fp);
	if (err || *len > CATEGORIES_FILE_MAX) {
		snprintf(msg, n, "%s: %s", path, err ? "cannot read" : "larger than 1 MiB");
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* A name member {"zh", "en"} of o into c; false with msg. */
static bool category_names(const cJSON *o, struct complaint_category *c, const char *path,
                           size_t i, char *msg, size_t n)
{
	static const char *const langs[LANG__MAX] = {"zh", "en"};
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	if (!cJSON_IsObject(name)) {
		snprintf(msg, n, "%s: [%zu].name: required, an object {\"zh\": ..., \"en\": ...}", path, i);
		return false;
	}
	for (int l = 0; l < LANG__MAX; l++) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(name, langs[l]);
		if (!cJSON_IsString(t) || *t->valuestring == '\0' ||
		    strlen(t->valuestring) >= sizeof c->name[l] ||
		    utf8_has_controls(t->valuestring, strlen(t->valuestring))) {
			snprintf(msg, n, "%s: [%zu].name.%s: required, text of 1 to %zu bytes without control characters",
			         path, i, langs[l], sizeof c->name[l] - 1);
			return false;
		}
		snprintf(c->name[l], sizeof c->name[l], "%s", t->valuestring);
	}
	return true;
}

/* One category of the file; false with msg. */
static bool category_parse(const cJSON *o, struct complaint_category *c, const char *path,
                           size_t i, char *msg, size_t n)
{
	memset(c, 0, sizeof *c);
	if (!cJSON_IsObject(o)) {
		snprintf(msg, n, "%s: [%zu]: each category is an object", path, i);
		return false;
	}
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");
	if (!cJSON_IsString(code) || !ident_valid(code->valuestring)) {
		snprintf(msg, n, "%s: [%zu].code: required, a code like \"rough\" "
		         "(a lowercase letter, then letters, digits or _; 64 at most)", path, i);
		return false;
	}
	snprintf(c->code, sizeof c->code, "%s", code->valuestring);
	if (!category_names(o, c, path, i, msg, n))
		return false;
	const cJSON *nat = cJSON_GetObjectItemCaseSensitive(o, "national");
	if (nat != NULL && !cJSON_IsNull(nat)) {
		if (!cJSON_IsNumber(nat) || nat->valuedouble != (double)(int)nat->valuedouble ||
		    nat->valueint < 1 || nat->valueint > 3) {
			snprintf(msg, n, "%s: [%zu].national: 1, 2 or 3 (the national categories of 2019: "
			         "Party discipline, duty-related illegality, duty-related crime) or null", path, i);
			return false;
		}
		c->national = nat->valueint;
	}
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "discipline");
	if (d != NULL && !cJSON_IsBool(d)) {
		snprintf(msg, n, "%s: [%zu].discipline: true or false", path, i);
		return false;
	}
	c->discipline = cJSON_IsTrue(d);
	return true;
}

bool complaint_categories_load(struct store *s, const char *path, int *version, char *msg,
                               size_t n)
{
	size_t len;
	char *text = read_text(path, &len, msg, n);
	if (text == NULL)
		return false;
	cJSON *root = cJSON_ParseWithLength(text, len);
	free(text);
	struct complaint_category *v = NULL;
	bool ok = false;
	size_t count = 0;
	if (!cJSON_IsArray(root)) {
		snprintf(msg, n, "%s: not a JSON array of categories", path);
		goto done;
	}
	count = (size_t)cJSON_GetArraySize(root);
	if (count == 0 || count > CATEGORIES_MAX) {
		snprintf(msg, n, "%s: 1 to %d categories, not %zu", path, CATEGORIES_MAX, count);
		goto done;
	}
	v = xcalloc(count, sizeof *v);
	size_t i = 0;
	for (const cJSON *o = root->child; o != NULL; o = o->next, i++) {
		if (!category_parse(o, &v[i], path, i, msg, n))
			goto done;
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[j].code, v[i].code) == 0) {
				snprintf(msg, n, "%s: [%zu].code: \"%s\" is listed already at [%zu]", path, i,
				         v[i].code, j);
				goto done;
			}
	}
	enum store_err e = store_begin(s);
	char detail[64];
	if (e == STORE_OK)
		e = store_complaint_categories_replace(s, v, count, version);
	snprintf(detail, sizeof detail, "%zu categories, version %d", count, *version);
	if (e == STORE_OK)
		e = store_audit(s, "cli", "complaint categories load", path, detail);
	if (e == STORE_OK)
		e = store_commit(s);
	if (e != STORE_OK) {
		store_rollback(s);
		snprintf(msg, n, "%s: not stored: %s", path, store_errmsg(s));
		goto done;
	}
	ok = true;
done:
	free(v);
	cJSON_Delete(root);
	return ok;
}

static const char *const field_names[CF__MAX] = {
	[CF_WHAT] = "what", [CF_HAPPENED_ON] = "happened_on", [CF_PLACE] = "place",
	[CF_AGENCY] = "agency", [CF_OFFICER_CERT] = "officer_cert", [CF_OFFICER_TEXT] = "officer_text",
	[CF_CATEGORY] = "category", [CF_ANONYMOUS] = "anonymous", [CF_CONTACT] = "contact",
};

const char *complaint_field_name(enum complaint_field f)
{
	return f < CF__MAX ? field_names[f] : "";
}

/* Record why field f was refused, in both languages. */
static void refuse(struct complaint_errors *errs, enum complaint_field f, const char *zh,
                   const char *en)
{
	if (errs->msg[f][LANG_ZH][0] == '\0')
		errs->n++;
	snprintf(errs->msg[f][LANG_ZH], sizeof errs->msg[f][LANG_ZH], "%s", zh);
	snprintf(errs->msg[f][LANG_EN], sizeof errs->msg[f][LANG_EN], "%s", en);
}

static bool empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* Text of at most max characters, valid UTF-8; controls allowed only as line breaks and tabs. */
static bool text_ok(const char *s, size_t max)
{
	size_t len = strlen(s);
	if (!utf8_valid(s, len) || utf8_length(s, len) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/* A short text (place, officer, contact): no line breaks either. */
static bool short_ok(const char *s)
{
	return text_ok(s, COMPLAINT_SHORT_MAX) && strpbrk(s, "\r\n\t") == NULL;
}

/* The officer fields: a certificate number known to the officer table, of the agency named. */
static enum store_err check_officer(struct store *s, const struct complaint_form *f,
                                    struct complaint_errors *errs)
{
	if (!empty(f->officer_text) && !short_ok(f->officer_text))
		refuse(errs, CF_OFFICER_TEXT, "请用一行文字描述执法人员，不超过 200 个字。",
		       "Describe the officer in one line of at most 200 characters.");
	if (empty(f->officer_cert))
		return STORE_OK;
	char name[128], agency[65];
	enum store_err e = short_ok(f->officer_cert) ? store_complaint_officer(s, f->officer_cert, name, agency)
	                                             : STORE_ERR_NOTFOUND;
	if (e == STORE_ERR_NOTFOUND) {
		refuse(errs, CF_OFFICER_CERT,
		       "没有这个执法证号。请在“执法证件查询”中核对，或者留空并在下面描述执法人员。",
		       "No officer has this certificate number. Check it with the certificate lookup, "
		       "or leave it empty and describe the officer below.");
		return STORE_OK;
	}
	if (e != STORE_OK)
		return e;
	if (!empty(f->agency) && strcmp(agency, f->agency) != 0)
		refuse(errs, CF_OFFICER_CERT, "这个执法证号属于另一个执法单位，请核对所选单位或证号。",
		       "This certificate number belongs to another agency: check the agency chosen or the number.");
	return STORE_OK;
}

/* When it happened: a real date, not after today. */
static void check_date(const struct complaint_form *f, struct complaint_errors *errs)
{
	if (empty(f->happened_on))
		return;
	if (!date_valid(f->happened_on))
		refuse(errs, CF_HAPPENED_ON, "请填写一个日期，格式为 年-月-日，例如 2026-03-01。",
		       "Enter a date as year-month-day, e.g. 2026-03-01.");
	else if (f->today != NULL && strcmp(f->happened_on, f->today) > 0)
		refuse(errs, CF_HAPPENED_ON, "日期不能晚于今天。", "The date cannot be after today.");
}

/* Anonymous or a contact (only when the form offers one). */
static void check_contact(const struct complaint_form *f, struct complaint_errors *errs)
{
	bool anonymous = empty(f->anonymous) || strcmp(f->anonymous, "yes") == 0;
	if (!empty(f->anonymous) && strcmp(f->anonymous, "yes") != 0 && strcmp(f->anonymous, "no") != 0)
		refuse(errs, CF_ANONYMOUS, "请选择是否匿名。", "Choose whether to stay anonymous.");
	if (!f->contact_offered) {
		if (!anonymous)
			refuse(errs, CF_ANONYMOUS, "目前只能匿名投诉。", "Complaints can only be anonymous for now.");
		return;
	}
	if (anonymous && !empty(f->contact))
		refuse(errs, CF_CONTACT, "您选择了匿名：请清空联系方式，或者选择“留下联系方式”。",
		       "You chose to stay anonymous: clear the contact, or choose to leave your contact.");
	else if (!anonymous && empty(f->contact))
		refuse(errs, CF_CONTACT, "请填写联系方式，或者选择匿名。",
		       "Enter how to reach you, or choose to stay anonymous.");
	else if (!empty(f->contact) && !short_ok(f->contact))
		refuse(errs, CF_CONTACT, "联系方式请写在一行内，不超过 200 个字。",
		       "Write the contact on one line of at most 200 characters.");
}

enum store_err complaint_check(struct store *s, const struct complaint_form *f,
                               struct complaint_errors *errs)
{
	memset(errs, 0, sizeof *errs);
	if (empty(f->what))
		refuse(errs, CF_WHAT, "请描述发生了什么。", "Describe what happened.");
	else if (!text_ok(f->what, COMPLAINT_WHAT_MAX))
		refuse(errs, CF_WHAT, "请用不超过 2000 个字描述发生了什么。",
		       "Describe what happened in at most 2000 characters.");
	check_date(f, errs);
	if (!empty(f->place) && !short_ok(f->place))
		refuse(errs, CF_PLACE, "地点请写在一行内，不超过 200 个字。",
		       "Write the place on one line of at most 200 characters.");
	enum store_err e;
	bool exists = false;
	if (empty(f->agency)) {
		refuse(errs, CF_AGENCY, "请选择被投诉的执法单位。", "Choose the agency you complain about.");
	} else if ((e = code_valid(f->agency) ? store_registry_exists(s, REGISTRY_AGENCY, f->agency, &exists)
	                                      : STORE_OK) != STORE_OK) {
		return e;
	} else if (!exists) {
		refuse(errs, CF_AGENCY, "请从列表中选择执法单位。", "Choose the agency from the list.");
	}
	if ((e = check_officer(s, f, errs)) != STORE_OK)
		return e;
	struct complaint_category cat;
	if (empty(f->category)) {
		refuse(errs, CF_CATEGORY, "请选择问题类别。", "Choose the kind of problem.");
	} else {
		e = ident_valid(f->category) ? store_complaint_category(s, f->category, &cat) : STORE_ERR_NOTFOUND;
		if (e != STORE_OK && e != STORE_ERR_NOTFOUND)
			return e;
		if (e == STORE_ERR_NOTFOUND || cat.retired) /* a retired one is kept for old complaints only */
			refuse(errs, CF_CATEGORY, "请从列表中选择问题类别。", "Choose the kind of problem from the list.");
	}
	check_contact(f, errs);
	return STORE_OK;
}

/* Crockford's base32: no I, L, O, U. */
static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void complaint_case_code(char *out, size_t n)
{
	char c[11];
	for (int i = 0; i < 10; i++)
		c[i] = b32[crypto_random_below(32)];
	c[10] = '\0';
	snprintf(out, n, "TS-%s", c);
}

/* The hash of 16 normalised characters. */
static void track_digest(const char *raw, unsigned char hash[32])
{
	const struct crypto_part p[] = {{"manyi-complaint-track", 22}, {raw, COMPLAINT_TRACK_CHARS}};
	crypto_blake2b_parts(hash, 32, NULL, 0, p, 2);
}

void complaint_track_new(char shown[COMPLAINT_TRACK_SHOWN], unsigned char hash[32])
{
	char raw[COMPLAINT_TRACK_CHARS + 1];
	for (int i = 0; i < COMPLAINT_TRACK_CHARS; i++)
		raw[i] = b32[crypto_random_below(32)];
	raw[COMPLAINT_TRACK_CHARS] = '\0';
	track_digest(raw, hash);
	snprintf(shown, COMPLAINT_TRACK_SHOWN, "%.4s-%.4s-%.4s-%.4s", raw, raw + 4, raw + 8, raw + 12);
	crypto_memzero(raw, sizeof raw);
}

bool complaint_track_hash(const char *typed, unsigned char hash[32])
{
	char raw[COMPLAINT_TRACK_CHARS + 1];
	size_t k = 0;
	if (typed == NULL || strlen(typed) > 64)
		return false;
	for (const char *p = typed; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (strchr(b32, c) == NULL || c == '\0' || k == COMPLAINT_TRACK_CHARS)
			return false;
		raw[k++] = c;
	}
	if (k != COMPLAINT_TRACK_CHARS)
		return false;
	raw[k] = '\0';
	track_digest(raw, hash);
	return true;
}

/* Which states each action is allowed from, and where it leads. */
static const struct {
	const char *action, *to;
	const char *from[6];
	const char *allowed;
} moves[] = {
	{"accept", "accepted", {"received"}, "a received complaint"},
	{"forward", "forwarded", {"received", "accepted", "answered"},
	 "a received, accepted or answered complaint"},
	{"transfer", "transferred", {"received", "accepted", "forwarded", "answered"},
	 "a received, accepted, forwarded or answered complaint"},
	{"reject", "rejected", {"received", "accepted"}, "a received or accepted complaint"},
	{"close", "closed", {"received", "accepted", "forwarded", "answered", "transferred"},
	 "a complaint that is not rejected or closed"},
	{"note", NULL, {"received", "accepted", "forwarded", "answered", "transferred", "rejected"},
	 "a complaint that is not closed"},
	{"answer", "answered", {"forwarded"}, "a complaint forwarded to the agency"},
};

const char *complaint_next(const char *state, const char *action, const char **allowed)
{
	*allowed = "";
	for (size_t i = 0; i < ARRAY_SIZE(moves); i++) {
		if (strcmp(moves[i].action, action) != 0)
			continue;
		*allowed = moves[i].allowed;
		for (size_t j = 0; j < ARRAY_SIZE(moves[i].from) && moves[i].from[j] != NULL; j++)
			if (strcmp(moves[i].from[j], state) == 0)
				return moves[i].to != NULL ? moves[i].to : state;
		return NULL;
	}
	return NULL;
}

const char *complaint_national_name(int national, enum lang l)
{
	static const char *const names[4][LANG__MAX] = {
		{"", ""},
		{"党员涉嫌违犯党纪", "A Party member suspected of breaching Party discipline"},
		{"监察对象涉嫌职务违法", "A supervised official suspected of duty-related illegality"},
		{"监察对象涉嫌职务犯罪", "A supervised official suspected of a duty-related crime"},
	};
	return national >= 1 && national <= 3 ? names[national][l == LANG_EN ? LANG_EN : LANG_ZH] : "";
}

void complaint_today(char *out, size_t n)
{
	day_format(((long long)time(NULL) + 8 * 3600) / 86400, out, n);
}

/* {"zh", "en"} of a pair of names. */
static cJSON *names_json(const char *zh, const char *en)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "zh", zh);
	cJSON_AddStringToObject(o, "en", en);
	return o;
}

/* A text member, or null when empty. */
static void add_text_or_null(cJSON *o, const char *key, const char *v)
{
	if (v != NULL && *v != '\0')
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* The events array: an agency sees the forwards and the answers only. */
static enum store_err events_json(struct store *s, const struct complaint *c, bool evaluator,
                                  cJSON *o)
{
	struct complaint_event *ev;
	size_t n;
	enum store_err e = store_complaint_events(s, c->id, &ev, &n);
	if (e != STORE_OK)
		return e;
	cJSON *arr = cJSON_AddArrayToObject(o, "events");
	for (size_t i = 0; i < n; i++) {
		if (evaluator || strcmp(ev[i].action, "forward") == 0 || strcmp(ev[i].action, "answer") == 0) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "at", ev[i].at);
			cJSON_AddStringToObject(x, "actor", ev[i].actor);
			cJSON_AddStringToObject(x, "action", ev[i].action);
			add_text_or_null(x, "receiver", ev[i].receiver);
			add_text_or_null(x, "due", ev[i].due);
			cJSON_AddStringToObject(x, "note", ev[i].note);
			cJSON_AddItemToArray(arr, x);
		}
	}
	complaint_events_free(ev, n);
	return STORE_OK;
}

enum store_err complaint_json(struct store *s, const struct complaint *c, bool evaluator,
                              const char *today, cJSON **out)
{
	struct registry_list agencies = {0};
	struct complaint_category cat;
	*out = NULL;
	enum store_err e = store_registry_list(s, REGISTRY_AGENCY, &agencies);
	if (e != STORE_OK)
		return e;
	if ((e = store_complaint_category(s, c->category, &cat)) != STORE_OK) {
		registry_list_free(&agencies);
		return e;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", c->code);
	cJSON_AddStringToObject(o, "agency", c->agency);
	const char *an[LANG__MAX] = {c->agency, c->agency};
	for (size_t i = 0; i < agencies.n; i++)
		if (strcmp(agencies.v[i].code, c->agency) == 0)
			for (int l = 0; l < LANG__MAX; l++)
				an[l] = agencies.v[i].name[l] ? agencies.v[i].name[l] : c->agency;
	cJSON_AddItemToObject(o, "agency_name", names_json(an[LANG_ZH], an[LANG_EN]));
	registry_list_free(&agencies);
	if (c->officer[0] != '\0') {
		cJSON *off = cJSON_AddObjectToObject(o, "officer");
		cJSON_AddStringToObject(off, "cert_no", c->officer);
		cJSON_AddStringToObject(off, "name", c->officer_name);
	} else {
		cJSON_AddNullToObject(o, "officer");
	}
	cJSON_AddStringToObject(o, "officer_text", c->officer_text);
	cJSON_AddStringToObject(o, "category", c->category);
	cJSON_AddItemToObject(o, "category_name", names_json(cat.name[LANG_ZH], cat.name[LANG_EN]));
	if (cat.national > 0)
		cJSON_AddNumberToObject(o, "national", cat.national);
	else
		cJSON_AddNullToObject(o, "national");
	cJSON_AddBoolToObject(o, "discipline", cat.discipline);
	add_text_or_null(o, "happened_on", c->happened_on);
	cJSON_AddStringToObject(o, "place", c->place);
	cJSON_AddStringToObject(o, "what", c->what);
	cJSON_AddStringToObject(o, "filed_on", c->filed_on);
	cJSON_AddStringToObject(o, "state", c->state);
	add_text_or_null(o, "due", c->due);
	cJSON_AddBoolToObject(o, "overdue", strcmp(c->state, "forwarded") == 0 && c->due[0] != '\0' &&
	                                        today != NULL && strcmp(c->due, today) < 0);
	if (evaluator) {
		cJSON_AddBoolToObject(o, "anonymous", c->anonymous);
		cJSON_AddBoolToObject(o, "has_contact", c->has_contact);
	}
	if ((e = events_json(s, c, evaluator, o)) != STORE_OK) {
		cJSON_Delete(o);
		return e;
	}
	*out = o;
	return STORE_OK;
}

/* See complaint.h. */
void complaint_local_date(const char *at, char out[11])
{
	long long days;
	char d[11];
	snprintf(d, sizeof d, "%.10s", at);
	int hour = strlen(at) > 11 ? (int)strtol(at + 11, NULL, 10) : 0;
	if (!day_parse(d, &days)) {
		snprintf(out, 11, "%s", d);
		return;
	}
	day_format(days + (hour >= 16 ? 1 : 0), out, 11);
}
