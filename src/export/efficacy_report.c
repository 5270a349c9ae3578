/*
 * efficacy_report — see include/efficacy_report.h: the stamp, the JSON and
 * CSV forms, and reading a report's stamp back.  The HTML is
 * efficacy_html.c's, its charts efficacy_svg.c's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "efficacy_internal.h"

const char *const efr_grades[4] = {"excellent", "good", "pass", "fail"};
static const char *const grade_names[4][LANG__MAX] = {
	{"优秀", "Excellent"}, {"良好", "Good"}, {"合格", "Pass"}, {"不合格", "Fail"},
};

const char *efr_grade_name(const char *grade, enum lang l)
{
	for (size_t i = 0; grade && i < 4; i++)
		if (strcmp(grade, efr_grades[i]) == 0)
			return grade_names[i][l];
	return grade ? grade : "—";
}

double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *jname(const cJSON *o, const char *k, enum lang l, const char *fb)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, k);
	const char *s = jstr(n, l == LANG_EN ? "en" : "zh");
	if (s == NULL || *s == '\0')
		s = jstr(n, l == LANG_EN ? "zh" : "en");
	return s && *s ? s : fb;
}

bool efr_format_parse(const char *s, enum efr_format *f)
{
	static const char *const names[EFR__MAX] = {"html", "json", "csv"};
	for (int i = 0; s && i < EFR__MAX; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum efr_format)i;
			return true;
		}
	return false;
}

const char *efr_part_name(size_t i)
{
	return i == 0 ? "evaluation" : store_input_part_name((enum store_input_part)(i - 1));
}

static void hex(const unsigned char d[CRYPTO_SHA256_BYTES], char out[65])
{
	for (int i = 0; i < CRYPTO_SHA256_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char d[CRYPTO_SHA256_BYTES];
	crypto_sha256(d, p, n);
	hex(d, out);
}

/* The evaluation parsed, and checked for what the report cannot do without. */
static cJSON *parse_evaluation(const char *text, char *msg, size_t msglen)
{
	cJSON *ev = cJSON_Parse(text);
	const char *why = NULL;
	if (!cJSON_IsObject(ev))
		why = "is not a JSON object";
	else if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(ev, "year")))
		why = "has no \"year\"";
	else if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(ev, "agencies")))
		why = "has no \"agencies\" list";
	else if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(ev, "weights")) ||
	         cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ev, "weights")) != 3)
		why = "has no three \"weights\"";
	if (why) {
		snprintf(msg, msglen, "the evaluation %s", why);
		cJSON_Delete(ev);
		return NULL;
	}
	return ev;
}

static void method_line_list(struct sbuf *b, const cJSON *ev, const char *k)
{
	const cJSON *v;
	size_t i = 0;
	sbuf_printf(b, "%s=", k);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(ev, k))
		sbuf_printf(b, "%s%.17g", i++ ? "," : "", cJSON_IsNumber(v) ? v->valuedouble : NAN);
	sbuf_addc(b, '\n');
}

static void method_text(struct sbuf *b, const cJSON *ev)
{
	const char *m = jstr(ev, "method"), *w = jstr(ev, "weighting"), *x = jstr(ev, "measure");
	const char *r = jstr(ev, "performance_rate");
	sbuf_adds(b, "manyi-report-method-1\n");
	sbuf_printf(b, "method=%s\n", m ? m : "");
	method_line_list(b, ev, "weights");
	method_line_list(b, ev, "bands");
	sbuf_printf(b, "seed=%.17g\nweighting=%s\nmeasure=%s\nsimulations=%.17g\nperformance_rate=%s\n",
	            jnum(ev, "seed"), w ? w : "", x ? x : "", jnum(ev, "simulations"), r ? r : "mean");
}

static enum efr_status stamp_of(struct store *s, const char *text, const cJSON *ev,
                                struct efr_stamp *st, char *msg, size_t msglen)
{
	struct sbuf b, all;
	enum efr_status rc = EFR_OK;
	memset(st, 0, sizeof *st);
	st->year = (int)jnum(ev, "year");
	sha_hex(text, strlen(text), st->part[0]);
	sbuf_init(&b);
	for (size_t i = 1; i < EFR_PARTS; i++) {
		sbuf_reset(&b);
		enum store_err e = store_evaluation_inputs(s, st->year, (enum store_input_part)(i - 1), &b);
		if (e != STORE_OK) {
			snprintf(msg, msglen, "reading the %s of %d: %s", efr_part_name(i), st->year,
			         store_errmsg(s));
			rc = EFR_STORE;
			break;
		}
		sha_hex(b.data, b.len, st->part[i]);
	}
	sbuf_init(&all);
	sbuf_adds(&all, "manyi-report-inputs-1\n");
	for (size_t i = 0; i < EFR_PARTS; i++)
		sbuf_printf(&all, "%s %s\n", efr_part_name(i), st->part[i]);
	sha_hex(all.data, all.len, st->inputs);
	sbuf_reset(&b);
	method_text(&b, ev);
	sha_hex(b.data, b.len, st->method);
	if (rc == EFR_OK && audit_head(s, &st->audit) != STORE_OK) {
		snprintf(msg, msglen, "reading the audit chain's head: %s", store_errmsg(s));
		rc = EFR_STORE;
	}
	sbuf_free(&all);
	sbuf_free(&b);
	return rc;
}

enum efr_status efficacy_stamp(struct store *s, const char *evaluation, struct efr_stamp *st,
                               char *msg, size_t msglen)
{
	cJSON *ev = parse_evaluation(evaluation, msg, msglen);
	if (ev == NULL)
		return EFR_BAD_EVALUATION;
	enum efr_status rc = stamp_of(s, evaluation, ev, st, msg, msglen);
	cJSON_Delete(ev);
	return rc;
}

static cJSON *stamp_json(const struct efr_stamp *st)
{
	cJSON *o = cJSON_CreateObject(), *parts = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "inputs", st->inputs);
	cJSON_AddStringToObject(o, "method", st->method);
	for (size_t i = 0; i < EFR_PARTS; i++)
		cJSON_AddStringToObject(parts, efr_part_name(i), st->part[i]);
	cJSON_AddItemToObject(o, "parts", parts);
	cJSON *h = cJSON_AddObjectToObject(o, "audit_head");
	cJSON_AddNumberToObject(h, "id", (double)st->audit.id);
	cJSON_AddStringToObject(h, "hash", st->audit.hash);
	return o;
}

static void report_json(const cJSON *ev, const cJSON *detail, const struct efr_stamp *st,
                        enum lang l, struct sbuf *out)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "report", "manyi-efficacy-report-1");
	cJSON_AddNumberToObject(o, "year", st->year);
	cJSON_AddStringToObject(o, "lang", l == LANG_EN ? "en" : "zh");
	cJSON_AddItemToObject(o, "evaluation", cJSON_Duplicate(ev, true));
	cJSON_AddItemToObject(o, "detail", detail ? cJSON_Duplicate(detail, true) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "stamp", stamp_json(st));
	char *t = cJSON_Print(o);
	sbuf_adds(out, t);
	sbuf_addc(out, '\n');
	free(t);
	cJSON_Delete(o);
}

/* A CSV cell: quoted when it holds a comma, quote or line break; a leading
 * = + - @ guarded with ' so a spreadsheet does not run it. */
static void csv_cell(struct sbuf *b, const char *s)
{
	bool q = strpbrk(s, ",\"\r\n") != NULL;
	if (q)
		sbuf_addc(b, '"');
	if (strchr("=+-@", s[0]) && s[0] && !(s[0] == '-' && s[1] >= '0' && s[1] <= '9'))
		sbuf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, *s);
	}
	if (q)
		sbuf_addc(b, '"');
}

static void csv_num(struct sbuf *b, double x)
{
	if (!isnan(x))
		sbuf_printf(b, "%.17g", x);
}

static const char *const csv_numbers[] = {
	"performance", "quality", "quality_se", "satisfaction", "satisfaction_se", "composite",
	"composite_se", "composite_ci_low", "composite_ci_high",
};
static const char *const csv_ranks[] = {"rank", "rank_low", "rank_high"};

static void report_csv(const cJSON *ev, const struct efr_stamp *st, enum lang l, struct sbuf *out)
{
	const cJSON *a;
	sbuf_adds(out, "year,agency,agency_name");
	for (size_t i = 0; i < sizeof csv_numbers / sizeof *csv_numbers; i++)
		sbuf_printf(out, ",%s", csv_numbers[i]);
	sbuf_adds(out, ",grade,grade_name,p_excellent,p_good,p_pass,p_fail,rank,rank_low,rank_high,"
	               "stamp_inputs,stamp_method\r\n");
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ev, "agencies")) {
		const char *code = jstr(a, "agency"), *grade = jstr(a, "grade");
		const cJSON *gp = cJSON_GetObjectItemCaseSensitive(a, "grade_p");
		sbuf_printf(out, "%d,", st->year);
		csv_cell(out, code ? code : "");
		sbuf_addc(out, ',');
		csv_cell(out, jname(a, "agency_name", l, code ? code : ""));
		for (size_t i = 0; i < sizeof csv_numbers / sizeof *csv_numbers; i++) {
			sbuf_addc(out, ',');
			csv_num(out, jnum(a, csv_numbers[i]));
		}
		sbuf_addc(out, ',');
		csv_cell(out, grade ? grade : "");
		sbuf_addc(out, ',');
		csv_cell(out, grade ? efr_grade_name(grade, l) : "");
		for (size_t i = 0; i < 4; i++) {
			sbuf_addc(out, ',');
			csv_num(out, jnum(gp, efr_grades[i]));
		}
		for (size_t i = 0; i < 3; i++) {
			sbuf_addc(out, ',');
			csv_num(out, jnum(a, csv_ranks[i]));
		}
		sbuf_printf(out, ",%s,%s\r\n", st->inputs, st->method);
	}
}

enum efr_status efficacy_report(struct store *s, const char *evaluation, const char *detail,
                                enum efr_format f, enum lang l, struct sbuf *out, char *msg,
                                size_t msglen)
{
	struct efr_stamp st;
	cJSON *d = NULL, *ev = parse_evaluation(evaluation, msg, msglen);
	if (ev == NULL)
		return EFR_BAD_EVALUATION;
	enum efr_status rc = stamp_of(s, evaluation, ev, &st, msg, msglen);
	if (rc == EFR_OK && detail) {
		d = cJSON_Parse(detail);
		if (!cJSON_IsObject(d)) {
			cJSON_Delete(d);
			d = NULL;
		}
	}
	if (rc == EFR_OK) {
		if (f == EFR_JSON)
			report_json(ev, d, &st, l, out);
		else if (f == EFR_CSV)
			report_csv(ev, &st, l, out);
		else
			efr_html(ev, d, &st, l, NULL, out);
	}
	cJSON_Delete(d);
	cJSON_Delete(ev);
	return rc;
}

/* The 64 hex digits after marker in text into out; false when absent. */
static bool hex_after(const char *text, const char *marker, char out[65])
{
	const char *p = strstr(text, marker);
	if (p == NULL)
		return false;
	p += strlen(marker);
	if (strspn(p, "0123456789abcdef") < 64)
		return false;
	memcpy(out, p, 64);
	out[64] = '\0';
	return true;
}

static bool stamp_read_json(const char *text, struct efr_stamp *st)
{
	cJSON *o = cJSON_Parse(text);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "stamp");
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(s, "parts");
	const char *in = jstr(s, "inputs"), *me = jstr(s, "method");
	bool ok = in && me && strlen(in) == 64 && strlen(me) == 64 && !isnan(jnum(o, "year"));
	if (ok) {
		st->year = (int)jnum(o, "year");
		memcpy(st->inputs, in, 65);
		memcpy(st->method, me, 65);
		for (size_t i = 0; i < EFR_PARTS; i++) {
			const char *h = jstr(parts, efr_part_name(i));
			if (h && strlen(h) == 64)
				memcpy(st->part[i], h, 65);
		}
		const cJSON *ah = cJSON_GetObjectItemCaseSensitive(s, "audit_head");
		const char *hh = jstr(ah, "hash");
		if (hh && strlen(hh) == 64 && jnum(ah, "id") > 0) {
			st->audit.id = (long long)jnum(ah, "id");
			memcpy(st->audit.hash, hh, 65);
		}
	}
	cJSON_Delete(o);
	return ok;
}

bool efficacy_stamp_read(const char *text, struct efr_stamp *st)
{
	char marker[64];
	memset(st, 0, sizeof *st);
	if (text[strspn(text, " \t\r\n")] == '{')
		return stamp_read_json(text, st);
	if (strncmp(text, "year,agency,", 12) == 0) { /* CSV: the first row's last two cells */
		const char *row = strstr(text, "\r\n");
		const char *end = row ? strstr(row + 2, "\r\n") : NULL;
		if (end == NULL || end - row < 2 + 4 + 130)
			return false;
		st->year = atoi(row + 2);
		return hex_after(end - 129, "", st->inputs) && end[-65] == ',' &&
		       hex_after(end - 64, "", st->method);
	}
	const char *y = strstr(text, "<meta name=\"manyi-year\" content=\"");
	if (y == NULL || !hex_after(text, "<meta name=\"manyi-stamp-inputs\" content=\"", st->inputs) ||
	    !hex_after(text, "<meta name=\"manyi-stamp-method\" content=\"", st->method))
		return false;
	st->year = atoi(y + strlen("<meta name=\"manyi-year\" content=\""));
	for (size_t i = 0; i < EFR_PARTS; i++) {
		snprintf(marker, sizeof marker, "<meta name=\"manyi-stamp-%s\" content=\"", efr_part_name(i));
		hex_after(text, marker, st->part[i]);
	}
	const char *h = strstr(text, "<meta name=\"manyi-audit-head\" content=\"");
	if (h != NULL) {
		h += strlen("<meta name=\"manyi-audit-head\" content=\"");
		char *end;
		long long id = strtoll(h, &end, 10);
		if (id > 0 && *end == ' ' && hex_after(end, " ", st->audit.hash))
			st->audit.id = id;
		else
			st->audit.hash[0] = '\0';
	}
	return true;
}

/* The agency coded code in ev, or NULL. */
static const cJSON *agency_of(const cJSON *ev, const char *code)
{
	const cJSON *a;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ev, "agencies")) {
		const char *c = jstr(a, "agency");
		if (c && strcmp(c, code) == 0)
			return a;
	}
	return NULL;
}

enum efr_status efficacy_preview(struct store *s, const char *evaluation, const char *detail,
                                 const char *agency, enum lang l, struct sbuf *out, char *msg,
                                 size_t msglen)
{
	struct efr_stamp st;
	const struct efr_view v = {agency, true};
	cJSON *d = NULL, *ev = parse_evaluation(evaluation, msg, msglen);
	if (ev == NULL)
		return EFR_BAD_EVALUATION;
	enum efr_status rc = EFR_OK;
	if (agency && agency_of(ev, agency) == NULL) {
		snprintf(msg, msglen, "agency \"%s\" is not in the evaluation of %d", agency,
		         (int)jnum(ev, "year"));
		rc = EFR_NO_AGENCY;
	}
	if (rc == EFR_OK)
		rc = stamp_of(s, evaluation, ev, &st, msg, msglen);
	if (rc == EFR_OK) {
		d = detail ? cJSON_Parse(detail) : NULL;
		efr_html(ev, cJSON_IsObject(d) ? d : NULL, &st, l, &v, out);
	}
	cJSON_Delete(d);
	cJSON_Delete(ev);
	return rc;
}
