/* params — see include/params.h. */
#include "params.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quality.h"
#include "publish.h"
#include "util.h"

_Static_assert(PARAM__MAX <= 32, "struct params_keys and the tests index keys by bit");

/* ---- validators: pure, each sets its key's member ---------------------- */

/* Copy s (known to fit: the table's max is checked first) into out. */
static bool copy(char *out, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len >= n)
		return false;
	memcpy(out, s, len + 1);
	return true;
}

static bool v_survey(const char *s, struct params *p)
{
	return slug_valid(s) && copy(p->survey, sizeof p->survey, s);
}

/* ITEM, index, or ITEM.OPTION (an option value: 1-64 of a-z, 0-9, '_' and '-'). */
static bool v_measure(const char *s, struct params *p)
{
	char item[PARAMS_VALUE_MAX + 1];
	const char *dot = strchr(s, '.');
	if (dot != NULL) {
		size_t n = (size_t)(dot - s);
		if (n >= sizeof item || dot[1] == '\0' ||
		    strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(dot + 1))
			return false;
		memcpy(item, s, n);
		item[n] = '\0';
	}
	return ident_valid(dot != NULL ? item : s) && copy(p->measure, sizeof p->measure, s); /* "index" is one too */
}

static bool v_by(const char *s, struct params *p)
{
	struct report_query q;
	char why[160];
	report_query_default(&q);
	if (!report_parse_by(s, &q, why, sizeof why) || q.nby == 0)
		return false;
	memcpy(p->by, q.by, q.nby * sizeof q.by[0]);
	p->nby = q.nby;
	return true;
}

static bool v_weighting(const char *s, struct params *p)
{
	return stats_weighting_parse(s, &p->weighting);
}

static bool v_from(const char *s, struct params *p)
{
	return date_valid(s) && copy(p->from, sizeof p->from, s);
}

static bool v_to(const char *s, struct params *p)
{
	return date_valid(s) && copy(p->to, sizeof p->to, s);
}

/* Digits with at most one point, strictly between 0 and 1: no sign, exponent, hex or space. */
static bool v_level(const char *s, struct params *p)
{
	if (strspn(s, "0123456789.") != strlen(s) || strchr(s, '.') != strrchr(s, '.'))
		return false;
	char *end;
	double v = strtod(s, &end);
	if (*end != '\0' || !(v > 0 && v < 1))
		return false;
	p->level = v;
	return true;
}

static bool v_low_n(const char *s, struct params *p)
{
	return parse_long(s, 0, PARAMS_LOW_N_MAX, &p->low_n);
}

static bool v_format(const char *s, struct params *p)
{
	return export_format_parse(s, &p->format);
}

static bool v_table_format(const char *s, struct params *p)
{
	if (strcmp(s, "json") != 0 && strcmp(s, "csv") != 0)
		return false;
	p->csv = s[0] == 'c';
	return true;
}

static bool v_lang(const char *s, struct params *p)
{
	return lang_parse(s, &p->lang);
}

static bool v_bom(const char *s, struct params *p)
{
	static const char *const words[] = {"0", "false", "1", "true"};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(s, words[i]) == 0) {
			p->bom = i >= 2;
			return true;
		}
	return false;
}

static bool v_agency(const char *s, struct params *p)
{
	return code_valid(s) && copy(p->agency, sizeof p->agency, s);
}

static bool v_domain(const char *s, struct params *p)
{
	return code_valid(s) && copy(p->domain, sizeof p->domain, s);
}

static bool v_channel(const char *s, struct params *p)
{
	int i = response_channel_index(s);
	if (i < 0)
		return false;
	p->channel = response_channels[i];
	return true;
}

static bool v_limit(const char *s, struct params *p)
{
	return parse_long(s, 1, PARAMS_LIMIT_MAX, &p->limit);
}

static bool v_version(const char *s, struct params *p)
{
	return parse_long(s, 1, 1000000000, &p->version);
}

static bool v_cursor(const char *s, struct params *p)
{
	return code_valid(s) && copy(p->cursor, sizeof p->cursor, s);
}

/* Any text of well-formed UTF-8 without control characters. */
static bool v_q(const char *s, struct params *p)
{
	return !utf8_has_controls(s, strlen(s)) && copy(p->q, sizeof p->q, s);
}

static bool v_text(const char *s, struct params *p)
{
	struct params b = {0};
	if (!v_bom(s, &b)) /* the same words: 1, true, 0, false */
		return false;
	p->text = b.bom;
	return true;
}

static bool v_by_agency(const char *s, struct params *p)
{
	if (strcmp(s, "agency") != 0)
		return false;
	p->by_agency = true;
	return true;
}

/* The fieldwork's progress. */
static bool v_target(const char *s, struct params *p)
{
	return parse_long(s, 0, PARAMS_LOW_N_MAX, &p->target);
}

static bool v_until(const char *s, struct params *p)
{
	return date_valid(s) && copy(p->until, sizeof p->until, s);
}

static bool v_quality_by(const char *s, struct params *p)
{
	enum quality_by b;
	if (!quality_by_parse(s, &b))
		return false;
	p->quality_by = (int)b;
	return true;
}

#define STR_(x) #x
#define STR(x)  STR_(x)

const struct param_spec params_table[PARAM__MAX] = {
	[PARAM_SURVEY] = {"survey", 64, "ID", "a survey id (1 to 64 of a-z, 0-9 and -)", false, v_survey},
	[PARAM_MEASURE] = {"measure", 64, "ITEM|ITEM.OPTION|index",
	                   "an item id ([a-z][a-z0-9_]), index, or a multi-choice item and one of its "
	                   "options as ITEM.OPTION (at most 64 bytes)", false, v_measure},
	[PARAM_BY] = {"by", 64, "COL[,COL]",
	              "one or two of agency, domain, size, district, outcome, channel, month, quarter, "
	              "year, separated by a comma, none twice",
	              false, v_by},
	[PARAM_WEIGHTING] = {"weighting", 15, "none|base|poststrat|rake", "none, base, poststrat or rake",
	                     false, v_weighting},
	[PARAM_FROM] = {"from", 10, "DATE", "a date written YYYY-MM-DD", false, v_from},
	[PARAM_TO] = {"to", 10, "DATE", "a date written YYYY-MM-DD", false, v_to},
	[PARAM_LEVEL] = {"level", 31, "0.95", "a number between 0 and 1, like 0.95", false, v_level},
	[PARAM_LOW_N] = {"low_n", 15, "N", "a whole number from 0 to " STR(PARAMS_LOW_N_MAX), false, v_low_n},
	[PARAM_FORMAT] = {"format", 15, "csv|json|ndjson|xlsx|sav|dta", "csv, json, ndjson, xlsx, sav or dta",
	                  false, v_format},
	[PARAM_TABLE_FORMAT] = {"format", 15, "json|csv", "json or csv", false, v_table_format},
	[PARAM_LANG] = {"lang", 15, "zh|en", "zh or en", false, v_lang},
	[PARAM_BOM] = {"bom", 7, "1|0", "1 or 0", true, v_bom},
	[PARAM_AGENCY] = {"agency", 64, "CODE", "a code (1-64 letters, digits, '_', '.' or '-')", false,
	                  v_agency},
	[PARAM_DOMAIN] = {"domain", 64, "CODE", "a code (1-64 letters, digits, '_', '.' or '-')", false,
	                  v_domain},
	[PARAM_CHANNEL] = {"channel", 15, "CHANNEL", "web, qr, phone, paper, kiosk, api or other", false,
	                   v_channel},
	[PARAM_LIMIT] = {"limit", 15, "N", "a whole number from 1 to " STR(PARAMS_LIMIT_MAX), false, v_limit},
	[PARAM_VERSION] = {"version", 15, "N", "a publication's version, a whole number from 1", false,
	                   v_version},
	[PARAM_CURSOR] = {"cursor", 63, "ID", "a response id, as next_cursor gives it", false, v_cursor},
	[PARAM_BY_AGENCY] = {"by", 64, "agency", "agency (the fieldwork's groups are agencies)", false,
	                     v_by_agency},
	[PARAM_Q] = {"q", 64, "TEXT", "text of at most 64 bytes of UTF-8, without control characters",
	             false, v_q},
	[PARAM_TEXT] = {"text", 7, "1|0", "1 or 0", false, v_text},
	[PARAM_TARGET] = {"target", 15, "N", "a whole number from 0 to " STR(PARAMS_LOW_N_MAX), false, v_target},
	[PARAM_UNTIL] = {"until", 10, "DATE", "a date written YYYY-MM-DD", false, v_until},
	[PARAM_QUALITY_BY] = {"by", 64, "agency|domain|kind|outcome", "agency, domain, kind or outcome",
	                      false, v_quality_by},
};

const struct params_keys params_stats_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_MEASURE] = PARAM_OPTIONAL, [PARAM_BY] = PARAM_OPTIONAL,
	[PARAM_WEIGHTING] = PARAM_OPTIONAL, [PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
	[PARAM_LEVEL] = PARAM_OPTIONAL, [PARAM_LOW_N] = PARAM_OPTIONAL,
}};

const struct params_keys params_stats_table_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_MEASURE] = PARAM_OPTIONAL, [PARAM_BY] = PARAM_OPTIONAL,
	[PARAM_WEIGHTING] = PARAM_OPTIONAL, [PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
	[PARAM_LEVEL] = PARAM_OPTIONAL, [PARAM_LOW_N] = PARAM_OPTIONAL,
	[PARAM_TABLE_FORMAT] = PARAM_OPTIONAL, [PARAM_LANG] = PARAM_OPTIONAL,
}};

const struct params_keys params_public_stats_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_MEASURE] = PARAM_OPTIONAL, [PARAM_BY] = PARAM_OPTIONAL,
	[PARAM_WEIGHTING] = PARAM_OPTIONAL, [PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
	[PARAM_LEVEL] = PARAM_OPTIONAL, [PARAM_LOW_N] = PARAM_OPTIONAL, [PARAM_VERSION] = PARAM_OPTIONAL,
}};

const struct params_keys params_export_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_FORMAT] = PARAM_REQUIRED, [PARAM_LANG] = PARAM_OPTIONAL,
	[PARAM_BOM] = PARAM_OPTIONAL, [PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
}};

const struct params_keys params_fieldwork_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_BY_AGENCY] = PARAM_OPTIONAL,
}};

const struct params_keys params_progress_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_TARGET] = PARAM_OPTIONAL, [PARAM_UNTIL] = PARAM_OPTIONAL,
	[PARAM_LOW_N] = PARAM_OPTIONAL, [PARAM_FROM] = PARAM_OPTIONAL, [PARAM_TO] = PARAM_OPTIONAL,
}};

const struct params_keys params_quality_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_QUALITY_BY] = PARAM_OPTIONAL, [PARAM_FROM] = PARAM_OPTIONAL,
	[PARAM_TO] = PARAM_OPTIONAL, [PARAM_LEVEL] = PARAM_OPTIONAL,
}};

const struct params_keys params_officer_stats_keys = {.need = {
	[PARAM_SURVEY] = PARAM_REQUIRED, [PARAM_WEIGHTING] = PARAM_OPTIONAL, [PARAM_FROM] = PARAM_OPTIONAL,
	[PARAM_TO] = PARAM_OPTIONAL, [PARAM_LEVEL] = PARAM_OPTIONAL, [PARAM_TABLE_FORMAT] = PARAM_OPTIONAL,
}};

/* ---- messages ----------------------------------------------------------- */

const char *params_name(enum param_key k, enum params_style st, char *buf, size_t n)
{
	const char *name = (unsigned)k < PARAM__MAX ? params_table[k].name : "?";
	if (st == PARAMS_QUERY) {
		snprintf(buf, n, "%s", name);
		return buf;
	}
	snprintf(buf, n, "--%s", name);
	for (char *c = buf; *c; c++)
		if (*c == '_')
			*c = '-';
	return buf;
}

static bool fail(struct params_error *err, int status, enum param_key k, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Fill *err; returns false for the caller to return. */
static bool fail(struct params_error *err, int status, enum param_key k, const char *fmt, ...)
{
	va_list ap;
	err->status = status;
	err->key = k;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return false;
}

/* "NAME is too long (at most N bytes): NAME is TAKES" */
static bool too_long(struct params_error *err, enum param_key k, enum params_style st)
{
	char name[32];
	params_name(k, st, name, sizeof name);
	return fail(err, 400, k, "%s is too long (at most %zu bytes): %s is %s", name, params_table[k].max,
	            name, params_table[k].takes);
}

/* ---- parsing ------------------------------------------------------------ */

void params_init(struct params *p)
{
	struct report_query q;
	struct export_options o;
	report_query_default(&q);
	export_options_default(&o);
	memset(p, 0, sizeof *p);
	p->weighting = q.weighting;
	p->level = q.level;
	p->low_n = (long)q.low_n;
	p->lang = o.lang;
	p->format = EXPORT_CSV;
}

enum param_key params_key(const char *name)
{
	for (int k = 0; k < PARAM__MAX; k++)
		if (strcmp(params_table[k].name, name) == 0)
			return (enum param_key)k; /* PARAM_FORMAT before PARAM_TABLE_FORMAT */
	return PARAM__MAX;
}

bool params_set(struct params *p, enum param_key k, const char *value, enum params_style st,
                struct params_error *err)
{
	const struct param_spec *sp = &params_table[k];
	char name[32];
	params_name(k, st, name, sizeof name);
	if (p->seen[k])
		return fail(err, 400, k, "%s is given twice", name);
	p->seen[k] = true;
	if (strlen(value) > sp->max)
		return too_long(err, k, st);
	if (*value == '\0')
		return true;
	if (!sp->valid(value, p))
		return fail(err, 400, k, "%s is %s", name, sp->takes);
	p->given[k] = true;
	return true;
}

/* The key of keys called name (n bytes, decoded), or PARAM__MAX. */
static enum param_key key_of(const struct params_keys *keys, const char *name, size_t n)
{
	for (int k = 0; k < PARAM__MAX; k++)
		if (keys->need[k] != PARAM_UNUSED && strlen(params_table[k].name) == n &&
		    memcmp(params_table[k].name, name, n) == 0)
			return (enum param_key)k;
	return PARAM__MAX;
}

bool params_parse_query(struct params *p, const struct params_keys *keys, const char *query,
                        size_t len, struct params_error *err)
{
	char kbuf[32], vbuf[3 * PARAMS_VALUE_MAX + 1];
	size_t pos = 0;

	params_init(p);
	while (query != NULL && pos < len) {
		const char *seg = query + pos;
		const char *amp = memchr(seg, '&', len - pos);
		size_t seglen = amp ? (size_t)(amp - seg) : len - pos;
		pos += seglen + 1;
		const char *eq = memchr(seg, '=', seglen);
		size_t klen = eq ? (size_t)(eq - seg) : seglen, vlen = eq ? seglen - klen - 1 : 0, n;
		/* A name no key has, or that cannot be decoded, is not a key of ours. */
		if (klen == 0 || klen >= sizeof kbuf || pct_decode(seg, klen, kbuf, &n) != PCT_OK)
			continue;
		enum param_key k = key_of(keys, kbuf, n);
		if (k == PARAM__MAX)
			continue;
		const struct param_spec *sp = &params_table[k];
		if (vlen > 3 * sp->max) /* too long however its escapes decode */
			return too_long(err, k, PARAMS_QUERY);
		switch (pct_decode(eq != NULL ? eq + 1 : seg + seglen, vlen, vbuf, &n)) {
		case PCT_OK:
			break;
		case PCT_ERR_NUL:
			return fail(err, 400, k, "%s is malformed: a %%00 (NUL) in its value", sp->name);
		default:
			return fail(err, 400, k, "%s is malformed: a '%%' not followed by two hexadecimal digits",
			            sp->name);
		}
		if (!params_set(p, k, vbuf, PARAMS_QUERY, err))
			return false;
	}
	return params_require(p, keys, PARAMS_QUERY, err) && params_check(p, PARAMS_QUERY, err);
}

bool params_require(const struct params *p, const struct params_keys *keys, enum params_style st,
                    struct params_error *err)
{
	char name[32];
	for (int k = 0; k < PARAM__MAX; k++)
		if (keys->need[k] == PARAM_REQUIRED && !p->given[k])
			return fail(err, 400, (enum param_key)k, "%s %s is required",
			            params_name((enum param_key)k, st, name, sizeof name), params_table[k].metavar);
	return true;
}

bool params_check(const struct params *p, enum params_style st, struct params_error *err)
{
	char a[32], b[32];
	if (p->given[PARAM_FROM] && p->given[PARAM_TO] && strcmp(p->from, p->to) > 0)
		return fail(err, 400, PARAM_FROM, "%s %s is after %s %s: the period ends before it starts",
		            params_name(PARAM_FROM, st, a, sizeof a), p->from, params_name(PARAM_TO, st, b, sizeof b),
		            p->to);
	if (p->given[PARAM_BOM] && p->bom && p->given[PARAM_FORMAT] && p->format != EXPORT_CSV)
		return fail(err, 400, PARAM_BOM, "%s goes with %s csv only", params_name(PARAM_BOM, st, a, sizeof a),
		            params_name(PARAM_FORMAT, st, b, sizeof b));
	return true;
}

/* ---- what the keys mean to the layers below ----------------------------- */

void params_report_query(const struct params *p, struct report_query *q)
{
	report_query_default(q);
	if (p->given[PARAM_SURVEY])
		q->survey = p->survey;
	if (p->given[PARAM_MEASURE])
		q->measure = p->measure;
	if (p->given[PARAM_BY]) {
		memcpy(q->by, p->by, p->nby * sizeof p->by[0]);
		q->nby = p->nby;
	}
	if (p->given[PARAM_WEIGHTING])
		q->weighting = p->weighting;
	if (p->given[PARAM_FROM])
		q->from = p->from;
	if (p->given[PARAM_TO])
		q->to = p->to;
	if (p->given[PARAM_LEVEL])
		q->level = p->level;
	if (p->given[PARAM_LOW_N])
		q->low_n = (double)p->low_n;
	if (p->given[PARAM_LANG])
		q->lang = p->lang;
}

void params_export_options(const struct params *p, struct export_options *o)
{
	export_options_default(o);
	if (p->given[PARAM_LANG])
		o->lang = p->lang;
	if (p->given[PARAM_BOM])
		o->bom = p->bom;
	if (p->given[PARAM_FROM])
		o->from = p->from;
	if (p->given[PARAM_TO])
		o->to = p->to;
}

/* Is day (YYYY-MM-DD, valid) the first, or the last, of its month? */
static bool month_start(const char *day)
{
	return strcmp(day + 8, "01") == 0;
}

static bool month_end(const char *day)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = atoi(day), m = atoi(day + 5), d = atoi(day + 8);
	int last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d == last;
}

bool params_agency_scope(struct report_query *q, const char *agency, struct params_error *err)
{
	bool has = false;
	for (size_t i = 0; i < q->nby; i++) {
		if (q->by[i] == BY_DISTRICT || q->by[i] == BY_OUTCOME || q->by[i] == BY_CHANNEL)
			return fail(err, 403, PARAM_BY,
			            "an agency key groups by domain, size, month, quarter or year: district, "
			            "outcome and channel could single out the enterprises it inspected");
		has |= q->by[i] == BY_AGENCY;
	}
	if (!has) {
		if (q->nby == REPORT_MAX_BY)
			return fail(err, 403, PARAM_BY, "an agency key groups by agency and at most one more column");
		memmove(q->by + 1, q->by, q->nby * sizeof q->by[0]);
		q->by[0] = BY_AGENCY;
		q->nby++;
	}
	if ((q->from != NULL && !month_start(q->from)) || (q->to != NULL && !month_end(q->to)))
		return fail(err, 403, q->from != NULL && !month_start(q->from) ? PARAM_FROM : PARAM_TO,
		            "an agency key asks for whole months: from the first day of a month to the "
		            "last day of a month");
	if (q->low_n < PUBLISH_DEFAULT_LOW_N)
		q->low_n = PUBLISH_DEFAULT_LOW_N;
	q->only_agency = agency;
	return true;
}
