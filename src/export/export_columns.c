/*
 * export_columns — which variables an export has and what they are called:
 * the fixed columns, one per item (one per option of a multi), the weights;
 * names valid in SPSS and Stata, labels in the chosen language, and the
 * text hygiene every cell goes through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "export_internal.h"
#include "stats.h"

/* ---- text hygiene and names ---- */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

void export_clean_text(const char *s, size_t n, struct sbuf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f) {
			size_t j = i + 1;
			while (j < n && p[j] >= 0x20 && p[j] < 0x7f)
				j++;
			sbuf_add(out, p + i, j - i);
			i = j;
		} else if (c == '\t' || c == '\n') {
			sbuf_addc(out, (char)c);
			i++;
		} else if (c == '\r') {
			sbuf_addc(out, '\n');
			i += i + 1 < n && p[i + 1] == '\n' ? 2 : 1;
		} else if (c < 0x80) {
			sbuf_add(out, replacement, 3);
			i++;
		} else {
			unsigned long cp;
			size_t k = utf8_next(p + i, n - i, &cp);
			if (k == 0) {
				sbuf_add(out, replacement, 3);
				i++;
			} else {
				if (cp <= 0x9f || utf8_is_display_control(cp))
					sbuf_add(out, replacement, 3);
				else
					sbuf_add(out, p + i, k);
				i += k;
			}
		}
	}
}

void export_name_base(const char *raw, char out[EXPORT_NAME_MAX + 1])
{
	size_t n = 0;
	if (!((raw[0] >= 'a' && raw[0] <= 'z') || (raw[0] >= 'A' && raw[0] <= 'Z')))
		out[n++] = 'v';
	for (const char *p = raw; *p && n < EXPORT_NAME_MAX; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		out[n++] = c;
	}
	while (n > 1 && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

bool export_name_reserved(const char *name)
{
	/* SPSS's reserved keywords and Stata's reserved names (lower case). */
	static const char *const words[] = {
		"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with",
		"byte", "double", "float", "if", "in", "int", "long", "strl", "using",
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(name, words[i]) == 0)
			return true;
	/* Stata reserves str1 ... str2045; libreadstat refuses any name that
	 * starts with "str" and a digit (str5_2 included). */
	return strncmp(name, "str", 3) == 0 && name[3] >= '0' && name[3] <= '9';
}

void export_fit_label(const char *s, size_t max_chars, size_t max_bytes, struct sbuf *out)
{
	static const char ellipsis[] = "\xE2\x80\xA6"; /* … */
	size_t len = strlen(s), chars = 0, i = 0;
	/* Does it fit whole? */
	while (i < len) {
		unsigned long cp;
		size_t k = utf8_next((const unsigned char *)s + i, len - i, &cp);
		if (k == 0)
			k = 1;
		i += k;
		chars++;
	}
	if (chars <= max_chars && len <= max_bytes) {
		sbuf_add(out, s, len);
		return;
	}
	/* Cut at a code point boundary, leaving room for the ellipsis. */
	size_t keep = 0;
	chars = 0;
	i = 0;
	while (i < len) {
		unsigned long cp;
		size_t k = utf8_next((const unsigned char *)s + i, len - i, &cp);
		if (k == 0)
			k = 1;
		if (chars + 2 > max_chars || i + k + 3 > max_bytes)
			break;
		i += k;
		chars++;
		keep = i;
	}
	sbuf_add(out, s, keep);
	if (max_chars >= 1 && keep + 3 <= max_bytes)
		sbuf_add(out, ellipsis, 3);
}

/* ---- the columns ---- */

static const struct fixed_column {
	const char *name;
	enum col_kind kind;
	const char *label[LANG__MAX];
} fixed_columns[] = {
	{"response_id", COL_ID, {"答卷编号", "Response id"}},
	{"survey_version", COL_VERSION, {"问卷版本", "Survey version"}},
	{"channel", COL_CHANNEL, {"填答渠道", "Channel"}},
	{"submitted_at", COL_SUBMITTED, {"提交时间", "Submitted at"}},
	{"agency", COL_AGENCY, {"执法部门", "Agency"}},
	{"domain", COL_DOMAIN, {"执法领域", "Domain"}},
	{"size", COL_SIZE, {"企业规模", "Enterprise size"}},
	{"district", COL_DISTRICT, {"区县", "District"}},
	{"outcome", COL_OUTCOME, {"执法结果", "Outcome"}},
	{"date", COL_DATE, {"统计日期（执法日期，公众渠道为提交日，北京时间）",
	                    "Date (the encounter's, else the submission day, UTC+8)"}},
	{"in_sample", COL_IN_SAMPLE, {"是否属于邀请样本", "In the invitation sample"}},
	{"excluded", COL_EXCLUDED, {"是否不计入统计（申诉成立或诚信核查）",
	                            "Left out of the statistics (appeal upheld, integrity finding)"}},
	{"excluded_reason", COL_EXCLUDED_REASON, {"不计入统计的理由", "Why it is left out"}},
};

static const char *const stratum_n_label[LANG__MAX] = {
	"层总体数 N_h（本部门在统计期内登记的执法次数）",
	"Stratum size N_h (encounters registered for the agency in the period)",
};

static const char *const weight_labels[STATS_W__MAX][LANG__MAX] = {
	[STATS_W_NONE] = {"权重：不加权", "Weight: none"},
	[STATS_W_BASE] = {"权重：基础权重（N_h/n_h）", "Weight: base (N_h/n_h)"},
	[STATS_W_POSTSTRAT] = {"权重：事后分层（部门×领域）", "Weight: post-stratified (agency x domain)"},
	[STATS_W_RAKE] = {"权重：耙式调整（部门、领域、规模）", "Weight: raked (agency, domain, size)"},
};

const char *const export_na_label[LANG__MAX] = {"不适用", "Not applicable"};
const char *const export_chosen_label[2][LANG__MAX] = {{"未选", "Not chosen"}, {"已选", "Chosen"}};
const char *const export_sample_label[2][LANG__MAX] = {
	{"否（公众渠道，未受邀）", "No (public channel, not invited)"},
	{"是（受邀的执法对象）", "Yes (an invited encounter)"},
};
const char *const export_excluded_label[2][LANG__MAX] = {
	{"否", "No"},
	{"是（不计入统计）", "Yes (left out of the statistics)"},
};
static const char *const label_sep[LANG__MAX] = {"：", ": "};

static const struct fixed_column registry_columns[] = {
	{"agency_name", COL_AGENCY_NAME, {"执法部门名称", "Agency name"}},
	{"domain_name", COL_DOMAIN_NAME, {"执法领域名称", "Domain name"}},
	{"agency_code", COL_AGENCY_CODE, {"执法部门（数字编码，值标签为名称）", "Agency (numbered, labelled with its name)"}},
	{"domain_code", COL_DOMAIN_CODE, {"执法领域（数字编码，值标签为名称）", "Domain (numbered, labelled with its name)"}},
};

const struct registry_list *export_registry_of(const struct exporter *x, enum col_kind k)
{
	switch (k) {
	case COL_AGENCY:
	case COL_AGENCY_NAME:
	case COL_AGENCY_CODE:
		return &x->agencies;
	case COL_DOMAIN:
	case COL_DOMAIN_NAME:
	case COL_DOMAIN_CODE:
		return &x->domains;
	default:
		return NULL;
	}
}

long export_registry_number(const struct registry_list *l, const char *code)
{
	size_t lo = 0, hi = l->n;
	while (code != NULL && lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->v[mid].code, code);
		if (c == 0)
			return (long)mid + 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void export_registry_values(const struct registry_list *l, enum lang lang, bool numbered,
                            struct sbuf *b)
{
	for (size_t i = 0; i < l->n; i++) {
		if (numbered)
			sbuf_printf(b, "%s%zu = %s (%s)", i ? "; " : "", i + 1, l->v[i].name[lang], l->v[i].code);
		else
			sbuf_printf(b, "%s%s = %s", i ? "; " : "", l->v[i].code, l->v[i].name[lang]);
	}
}

bool export_col_is_string(enum col_kind k, bool numeric_choice)
{
	switch (k) {
	case COL_AGENCY_CODE:
	case COL_DOMAIN_CODE:
	case COL_VERSION:
	case COL_IN_SAMPLE:
	case COL_EXCLUDED:
	case COL_SCALE:
	case COL_MULTI:
	case COL_WEIGHT:
	case COL_STRATUM_N:
		return false;
	case COL_CHOICE:
	case COL_DATE: /* a date variable in .sav and .dta */
		return !numeric_choice;
	default:
		return true;
	}
}

static bool name_taken(const struct exporter *x, const char *name)
{
	for (size_t i = 0; i < x->ncols; i++)
		if (strcmp(x->cols[i].name, name) == 0)
			return true;
	return false;
}

/* Add a column named after raw, made unique; label is copied (cleaned). */
static struct column *add_column(struct exporter *x, const char *raw, enum col_kind kind,
                                 const char *label)
{
	char base[EXPORT_NAME_MAX + 1];
	struct column *c = &x->cols[x->ncols];
	export_name_base(raw, base);
	if (export_name_reserved(base)) {
		/* No suffix makes a reserved name usable (str5_2 is still
		 * reserved): a prefix does. */
		char v[EXPORT_NAME_MAX + 3];
		snprintf(v, sizeof v, "v_%s", base);
		export_name_base(v, base);
	}
	snprintf(c->name, sizeof c->name, "%s", base);
	for (int k = 2; export_name_reserved(c->name) || name_taken(x, c->name); k++) {
		char suffix[16];
		int sl = snprintf(suffix, sizeof suffix, "_%d", k);
		int keep = (int)strlen(base);
		if (keep > EXPORT_NAME_MAX - sl)
			keep = EXPORT_NAME_MAX - sl;
		snprintf(c->name, sizeof c->name, "%.*s%s", keep, base, suffix);
	}
	c->kind = kind;
	struct sbuf b;
	sbuf_init(&b);
	export_clean_text(label, strlen(label), &b);
	c->label = sbuf_detach(&b);
	x->ncols++;
	return c;
}

static int cmp_item_id(const void *a, const void *b, void *ctx)
{
	const struct survey *sv = ctx;
	return strcmp(sv->items[*(const size_t *)a].id, sv->items[*(const size_t *)b].id);
}

void export_build_columns(struct exporter *x)
{
	const struct survey *sv = x->sv;
	enum lang l = x->o->lang;
	size_t max = ARRAY_SIZE(fixed_columns) + ARRAY_SIZE(registry_columns) + STATS_W__MAX + 1;
	for (size_t i = 0; i < sv->nitems; i++)
		max += sv->items[i].type == ITEM_MULTI ? sv->items[i].noptions : 1;
	x->cols = xcalloc(max, sizeof *x->cols);
	for (size_t i = 0; i < ARRAY_SIZE(fixed_columns); i++) {
		add_column(x, fixed_columns[i].name, fixed_columns[i].kind, fixed_columns[i].label[l]);
		/* Beside agency and domain: their names where a person reads
		 * (xlsx), their numbers with the names as value labels in SPSS
		 * and Stata, which label numbers only. */
		for (size_t j = 0; j < ARRAY_SIZE(registry_columns); j++) {
			enum col_kind k = registry_columns[j].kind;
			bool name = k == COL_AGENCY_NAME || k == COL_DOMAIN_NAME;
			if (export_registry_of(x, k) != export_registry_of(x, fixed_columns[i].kind) ||
			    (name ? x->f != EXPORT_XLSX : !x->numeric_choice) || x->filter != NULL)
				continue;
			add_column(x, registry_columns[j].name, k, registry_columns[j].label[l]);
		}
	}
	for (size_t i = 0; i < sv->nitems; i++) {
		const struct item *it = &sv->items[i];
		static const enum col_kind kinds[ITEM__MAX] = {
			[ITEM_SCALE] = COL_SCALE, [ITEM_CHOICE] = COL_CHOICE,
			[ITEM_MULTI] = COL_MULTI, [ITEM_TEXT] = COL_TEXT,
		};
		if (it->type != ITEM_MULTI) {
			add_column(x, it->id, kinds[it->type], it->text.s[l])->item = i;
			continue;
		}
		/* ITEM_OPTION; when too long, every option of the item keeps the
		 * same prefix of ITEM and at most 15 characters of OPTION. */
		size_t opt_max = 0, item_keep = strlen(it->id);
		bool cut = false;
		for (size_t j = 0; j < it->noptions; j++) {
			size_t ol = strlen(it->options[j].value);
			cut = cut || item_keep + 1 + ol > EXPORT_NAME_MAX;
			opt_max = ol > opt_max ? ol : opt_max;
		}
		if (cut) {
			opt_max = opt_max < 15 ? opt_max : 15;
			item_keep = EXPORT_NAME_MAX - 1 - opt_max < item_keep ? EXPORT_NAME_MAX - 1 - opt_max
			                                                      : item_keep;
		}
		for (size_t j = 0; j < it->noptions; j++) {
			char *raw = cut ? xasprintf("%.*s_%.15s", (int)item_keep, it->id, it->options[j].value)
			                : xasprintf("%s_%s", it->id, it->options[j].value);
			char *label = xasprintf("%s%s%s", it->text.s[l], label_sep[l], it->options[j].text.s[l]);
			struct column *c = add_column(x, raw, COL_MULTI, label);
			c->item = i;
			c->option = (int)j;
			free(raw);
			free(label);
		}
	}
	for (int w = 0; w < STATS_W__MAX && x->filter == NULL; w++) {
		char raw[32];
		snprintf(raw, sizeof raw, "weight_%s", stats_weighting_name((enum stats_weighting)w));
		add_column(x, raw, COL_WEIGHT, weight_labels[w][l])->weighting = w;
	}
	if (x->filter == NULL)
		add_column(x, "stratum_n", COL_STRATUM_N, stratum_n_label[l]);
	x->by_id = xcalloc(sv->nitems + 1, sizeof *x->by_id);
	for (size_t i = 0; i < sv->nitems; i++)
		x->by_id[i] = i;
	qsort_r(x->by_id, sv->nitems, sizeof *x->by_id, cmp_item_id, (void *)sv);
}

/* See export_internal.h.  A binary search of x->by_id. */
long export_find_item(const struct exporter *x, const char *id)
{
	size_t lo = 0, hi = x->sv->nitems;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(x->sv->items[x->by_id[mid]].id, id);
		if (c == 0)
			return (long)x->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
