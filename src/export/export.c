/* export — see include/export.h. */
#include "export.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <readstat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "report.h"
#include "stats.h"

static const char *const format_names[EXPORT__MAX] = {
	[EXPORT_CSV] = "csv",   [EXPORT_JSON] = "json", [EXPORT_NDJSON] = "ndjson",
	[EXPORT_XLSX] = "xlsx", [EXPORT_SAV] = "sav",   [EXPORT_DTA] = "dta",
};

static const char *const content_types[EXPORT__MAX] = {
	[EXPORT_CSV] = "text/csv; charset=utf-8",
	[EXPORT_JSON] = "application/json; charset=utf-8",
	[EXPORT_NDJSON] = "application/x-ndjson; charset=utf-8",
	[EXPORT_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	[EXPORT_SAV] = "application/x-spss-sav",
	[EXPORT_DTA] = "application/x-stata-dta",
};

static const char *const status_text[EXPORT_STATUS__MAX] = {
	[EXPORT_OK] = "ok",
	[EXPORT_BAD_QUERY] = "bad export request",
	[EXPORT_STORE] = "database error",
	[EXPORT_WRITE] = "cannot write the export",
	[EXPORT_LIBRARY] = "the file library refused the export",
};

const char *export_format_name(enum export_format f)
{
	return (unsigned)f < EXPORT__MAX ? format_names[f] : NULL;
}

bool export_format_parse(const char *s, enum export_format *out)
{
	for (int f = 0; s != NULL && f < EXPORT__MAX; f++)
		if (strcmp(s, format_names[f]) == 0) {
			*out = (enum export_format)f;
			return true;
		}
	return false;
}

const char *export_content_type(enum export_format f)
{
	return (unsigned)f < EXPORT__MAX ? content_types[f] : "application/octet-stream";
}

bool export_format_binary(enum export_format f)
{
	return f == EXPORT_XLSX || f == EXPORT_SAV || f == EXPORT_DTA;
}

const char *export_strerror(enum export_status e)
{
	return (unsigned)e < EXPORT_STATUS__MAX ? status_text[e] : "unknown error";
}

void export_options_default(struct export_options *o)
{
	*o = (struct export_options){.bom = false, .lang = LANG_ZH, .from = NULL, .to = NULL};
}

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

enum col_kind {
	COL_ID, COL_VERSION, COL_CHANNEL, COL_SUBMITTED, COL_AGENCY, COL_DOMAIN, COL_SIZE,
	COL_DISTRICT, COL_OUTCOME, COL_DATE, COL_IN_SAMPLE, COL_SCALE, COL_CHOICE, COL_MULTI,
	COL_TEXT, COL_WEIGHT, COL_STRATUM_N, COL__MAX
};

/* The string fields of a response, in the order of the first columns. */
enum field {
	F_ID, F_CHANNEL, F_SUBMITTED, F_AGENCY, F_DOMAIN, F_SIZE, F_DISTRICT, F_OUTCOME, F_DATE, F__MAX
};

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

static const char *const na_label[LANG__MAX] = {"不适用", "Not applicable"};
static const char *const chosen_label[2][LANG__MAX] = {{"未选", "Not chosen"}, {"已选", "Chosen"}};
static const char *const sample_label[2][LANG__MAX] = {
	{"否（公众渠道，未受邀）", "No (public channel, not invited)"},
	{"是（受邀的执法对象）", "Yes (an invited encounter)"},
};
static const char *const label_sep[LANG__MAX] = {"：", ": "};

/* SPSS: the user-missing code of "not applicable" (scales have at most 11 points). */
#define SAV_NA_CODE 99
#define XLSX_MAX_ROWS 1048575 /* below the header row */
#define SAV_MAX_STRING 32767
#define DTA_MAX_STR 2045
#define OUT_BUFSIZE 65536

struct column {
	char name[EXPORT_NAME_MAX + 1];
	enum col_kind kind;
	size_t item;   /* survey item index (answer columns) */
	int option;    /* COL_MULTI: the option index */
	int weighting; /* COL_WEIGHT */
	char *label;   /* the variable label, in the chosen language */
	size_t width;  /* string columns: the longest value in bytes (sav, dta) */
	readstat_variable_t *var;
};

static bool col_is_string(enum col_kind k, bool numeric_choice)
{
	switch (k) {
	case COL_VERSION:
	case COL_IN_SAMPLE:
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

/* One item's answer in the current response. */
struct ans {
	bool present;
	bool na;
	int num;
	int choice;               /* option index, -1 when unknown */
	unsigned long long multi; /* bit j: option j chosen */
	struct sbuf text;         /* text: the answer; choice: the stored value (cleaned) */
};

/* A cell of the current row. */
enum cell_type { CELL_MISSING, CELL_NA, CELL_INT, CELL_REAL, CELL_STR };

struct cell {
	enum cell_type t;
	long long i;
	double d;
	const char *s;
	size_t len;
};

/* The output buffer in front of the sink. */
struct out {
	export_sink sink;
	void *ctx;
	char *buf;
	size_t len;
	bool failed;
};

static void out_flush(struct out *o)
{
	if (o->len > 0 && !o->failed && !o->sink(o->ctx, o->buf, o->len))
		o->failed = true;
	o->len = 0;
}

static void out_add(struct out *o, const void *p, size_t n)
{
	if (n > OUT_BUFSIZE - o->len) {
		out_flush(o);
		if (n >= OUT_BUFSIZE) {
			if (!o->failed && !o->sink(o->ctx, p, n))
				o->failed = true;
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void out_adds(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

static void out_addc(struct out *o, char c)
{
	if (o->len == OUT_BUFSIZE)
		out_flush(o);
	o->buf[o->len++] = c;
}

struct exporter;

/* A format: begin before the first row, row for each, end after the last. */
struct format_ops {
	bool (*begin)(struct exporter *x);
	bool (*row)(struct exporter *x);
	bool (*end)(struct exporter *x);
	void (*cleanup)(struct exporter *x); /* after end, or after a failure */
};

struct exporter {
	struct store *s;
	const struct survey *sv;
	int version; /* of the definition */
	enum export_format f;
	const struct export_options *o;
	bool numeric_choice; /* sav, dta */

	struct column *cols;
	size_t ncols;
	size_t *by_id; /* item indices sorted by item id */

	/* the current response */
	bool have_row;
	long long id;
	int survey_version;
	struct sbuf fld[F__MAX];
	bool fld_null[F__MAX];
	struct ans *ans;
	double w[STATS_W__MAX];

	bool sampled;
	long long stratum_n; /* N_h of the response's agency; -1 outside the sample */

	struct report_weights weights;
	bool have_weights;

	const struct format_ops *ops;
	size_t rows;
	size_t expected_rows;
	struct out out;
	struct sbuf scratch;

	/* format state */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	char xlsx_path[4096];
	bool xlsx_temp;
	readstat_writer_t *rs;
	readstat_string_ref_t *empty_ref;
	/* Stata strLs: libreadstat needs every string ref before the header, so
	 * a pass between the measuring and the writing creates them, in cell
	 * order (rows x strL columns); the writing pass takes them back in the
	 * same order. */
	readstat_string_ref_t **refs;
	size_t nrefs, refs_cap, ref_pos;
	char *json_buf;
	size_t json_cap;

	/* a page of GET /api/v1/responses (no weight columns) */
	const struct export_filter *filter; /* a page of responses; NULL for an export */
	struct export_filter reading;       /* what the store reads: the period, or the page
	                                     * with one row more, to see if more follow */
	bool more;
	struct sbuf last_id;

	time_t data_time; /* the data's last change: the files' creation time */

	enum export_status status;
	char *msg;
	size_t msglen;
};

static bool fail(struct exporter *x, enum export_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(struct exporter *x, enum export_status st, const char *fmt, ...)
{
	if (x->status == EXPORT_OK) {
		va_list ap;
		x->status = st;
		va_start(ap, fmt);
		vsnprintf(x->msg, x->msglen, fmt, ap);
		va_end(ap);
	}
	return false;
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

static void build_columns(struct exporter *x)
{
	const struct survey *sv = x->sv;
	enum lang l = x->o->lang;
	size_t max = ARRAY_SIZE(fixed_columns) + STATS_W__MAX + 1;
	for (size_t i = 0; i < sv->nitems; i++)
		max += sv->items[i].type == ITEM_MULTI ? sv->items[i].noptions : 1;
	x->cols = xcalloc(max, sizeof *x->cols);
	for (size_t i = 0; i < ARRAY_SIZE(fixed_columns); i++)
		add_column(x, fixed_columns[i].name, fixed_columns[i].kind, fixed_columns[i].label[l]);
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

/* The survey item index of id, or -1. */
static long find_item(const struct exporter *x, const char *id)
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

/* ---- the rows ---- */

static struct cell cell_of(const struct exporter *x, const struct column *c)
{
	struct cell v = {.t = CELL_MISSING};
	const struct ans *a = c->kind >= COL_SCALE && c->kind <= COL_TEXT ? &x->ans[c->item] : NULL;
	enum field fl = F__MAX;
	switch (c->kind) {
	case COL_ID: fl = F_ID; break;
	case COL_CHANNEL: fl = F_CHANNEL; break;
	case COL_SUBMITTED: fl = F_SUBMITTED; break;
	case COL_AGENCY: fl = F_AGENCY; break;
	case COL_DOMAIN: fl = F_DOMAIN; break;
	case COL_SIZE: fl = F_SIZE; break;
	case COL_DISTRICT: fl = F_DISTRICT; break;
	case COL_OUTCOME: fl = F_OUTCOME; break;
	case COL_DATE: fl = F_DATE; break;
	case COL_IN_SAMPLE:
		v.t = CELL_INT;
		v.i = x->sampled;
		break;
	case COL_STRATUM_N:
		if (x->stratum_n >= 0) {
			v.t = CELL_INT;
			v.i = x->stratum_n;
		}
		break;
	case COL_VERSION:
		v.t = CELL_INT;
		v.i = x->survey_version;
		break;
	case COL_SCALE:
		if (a->present && a->na) {
			v.t = CELL_NA;
		} else if (a->present && a->num > 0) {
			v.t = CELL_INT;
			v.i = a->num;
		}
		break;
	case COL_CHOICE:
		if (!a->present) {
			break;
		} else if (x->numeric_choice) {
			if (a->choice >= 0) {
				v.t = CELL_INT;
				v.i = a->choice + 1;
			}
		} else if (a->text.len > 0) {
			v.t = CELL_STR;
			v.s = a->text.data;
			v.len = a->text.len;
		}
		break;
	case COL_MULTI:
		if (a->present) {
			v.t = CELL_INT;
			v.i = (long long)((a->multi >> c->option) & 1ULL);
		}
		break;
	case COL_TEXT:
		if (a->present) {
			v.t = CELL_STR;
			v.s = a->text.data;
			v.len = a->text.len;
		}
		break;
	case COL_WEIGHT:
		if (!isnan(x->w[c->weighting])) {
			v.t = CELL_REAL;
			v.d = x->w[c->weighting];
		}
		break;
	case COL__MAX:
		break;
	}
	if (fl != F__MAX && !x->fld_null[fl]) {
		v.t = CELL_STR;
		v.s = x->fld[fl].data;
		v.len = x->fld[fl].len;
	}
	return v;
}

/* Start response r: its fields, no answers yet, its weights. */
static void row_start(struct exporter *x, const struct export_source_row *r)
{
	const char *f[F__MAX] = {
		[F_ID] = r->public_id, [F_CHANNEL] = r->channel,   [F_SUBMITTED] = r->submitted_at,
		[F_AGENCY] = r->agency, [F_DOMAIN] = r->domain,    [F_SIZE] = r->size,
		[F_DISTRICT] = r->district, [F_OUTCOME] = r->outcome,    [F_DATE] = r->date,
	};
	x->have_row = true;
	x->id = r->id;
	x->survey_version = r->survey_version;
	x->sampled = r->sampled;
	for (int i = 0; i < F__MAX; i++) {
		sbuf_reset(&x->fld[i]);
		x->fld_null[i] = f[i] == NULL;
		if (f[i] != NULL)
			export_clean_text(f[i], strlen(f[i]), &x->fld[i]);
	}
	for (size_t i = 0; i < x->sv->nitems; i++) {
		struct ans *a = &x->ans[i];
		a->present = a->na = false;
		a->num = 0;
		a->choice = -1;
		a->multi = 0;
		sbuf_reset(&a->text);
	}
	/* Weights: the cell of the response (sampled, agency, domain, size). */
	for (int w = 0; w < STATS_W__MAX; w++)
		x->w[w] = NAN;
	long c = x->have_weights
	             ? report_weights_cell(&x->weights, r->sampled, r->agency, r->domain, r->size)
	             : -1;
	if (c >= 0)
		memcpy(x->w, x->weights.w[c], sizeof x->w);
	x->stratum_n = r->sampled && c >= 0 ? (long long)x->weights.n_h[c] : -1;
}

static void row_answer(struct exporter *x, const struct export_source_row *r)
{
	long i = find_item(x, r->item);
	if (i < 0)
		return; /* an item no version of the survey defines */
	const struct item *it = &x->sv->items[i];
	struct ans *a = &x->ans[i];
	a->present = true;
	switch (it->type) {
	case ITEM_SCALE:
		if (r->na)
			a->na = true;
		else if (r->has_num && r->num >= 1 && r->num <= x->sv->points)
			a->num = r->num;
		break;
	case ITEM_CHOICE:
		if (r->text != NULL) {
			sbuf_reset(&a->text);
			export_clean_text(r->text, r->text_len, &a->text);
			a->choice = item_option(it, a->text.data);
		}
		break;
	case ITEM_MULTI:
		if (r->text != NULL) {
			sbuf_reset(&x->scratch);
			export_clean_text(r->text, r->text_len, &x->scratch);
			int j = item_option(it, x->scratch.data);
			if (j >= 0)
				a->multi |= 1ULL << j;
		}
		break;
	case ITEM_TEXT:
		if (r->text != NULL && r->seq == 0) {
			sbuf_reset(&a->text);
			export_clean_text(r->text, r->text_len, &a->text);
		}
		break;
	case ITEM__MAX:
		break;
	}
}

static bool row_end(struct exporter *x)
{
	x->rows++;
	if (!x->ops->row(x))
		return false;
	if (x->out.failed)
		return fail(x, EXPORT_WRITE, "the output refused the export after %zu rows", x->rows);
	return true;
}

static bool on_source_row(void *ctx, const struct export_source_row *r)
{
	struct exporter *x = ctx;
	if (!x->have_row || r->id != x->id) {
		if (x->have_row && !row_end(x))
			return false;
		row_start(x, r);
	}
	if (r->item != NULL)
		row_answer(x, r);
	return true;
}

/* One pass over the responses through x->ops->row. */
static bool run_rows(struct exporter *x)
{
	x->have_row = false;
	x->rows = 0;
	enum store_err e = store_each_export_row(x->s, x->sv->id, &x->reading,
	                                         on_source_row, x);
	if (e == STORE_ERR_NOTFOUND)
		return fail(x, EXPORT_BAD_QUERY, "the cursor is not a response of survey \"%.64s\"", x->sv->id);
	if (x->status != EXPORT_OK)
		return false;
	if (e != STORE_OK)
		return fail(x, EXPORT_STORE, "database error: %s", store_errmsg(x->s));
	if (x->have_row && !row_end(x))
		return false;
	return true;
}

/* ---- CSV ---- */

/* Shortest %g that reads back as the same double. */
static int format_double(char *buf, size_t n, double d)
{
	int len = 0;
	for (int prec = 15; prec <= 17; prec++) {
		len = snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return len;
}


static bool csv_begin(struct exporter *x)
{
	if (x->o->bom)
		out_add(&x->out, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; i < x->ncols; i++) {
		if (i > 0)
			out_addc(&x->out, ',');
		out_adds(&x->out, x->cols[i].name);
	}
	out_add(&x->out, "\r\n", 2);
	return true;
}

static bool csv_row(struct exporter *x)
{
	char num[40];
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell v = cell_of(x, &x->cols[i]);
		if (i > 0)
			out_addc(&x->out, ',');
		switch (v.t) {
		case CELL_MISSING:
			break;
		case CELL_NA:
			out_add(&x->out, "na", 2);
			break;
		case CELL_INT:
			out_add(&x->out, num, (size_t)snprintf(num, sizeof num, "%lld", v.i));
			break;
		case CELL_REAL:
			out_add(&x->out, num, (size_t)format_double(num, sizeof num, v.d));
			break;
		case CELL_STR:
			/* The response id and the time are machine-made: never altered. */
			sbuf_reset(&x->scratch);
			csv_field(&x->scratch, v.s, v.len,
			          x->cols[i].kind != COL_ID && x->cols[i].kind != COL_SUBMITTED);
			out_add(&x->out, x->scratch.data, x->scratch.len);
			break;
		}
	}
	out_add(&x->out, "\r\n", 2);
	return true;
}

static bool csv_end(struct exporter *x)
{
	(void)x;
	return true;
}

/* ---- JSON and NDJSON ---- */

static bool json_begin(struct exporter *x)
{
	if (x->f == EXPORT_JSON)
		out_addc(&x->out, '[');
	return true;
}

static bool json_row(struct exporter *x)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell v = cell_of(x, &x->cols[i]);
		cJSON *item = NULL;
		switch (v.t) {
		case CELL_MISSING:
			item = cJSON_CreateNull();
			break;
		case CELL_NA:
			item = cJSON_CreateString("na");
			break;
		case CELL_INT:
			item = cJSON_CreateNumber((double)v.i);
			break;
		case CELL_REAL:
			item = cJSON_CreateNumber(v.d);
			break;
		case CELL_STR:
			item = cJSON_CreateString(v.s);
			break;
		}
		cJSON_AddItemToObjectCS(o, x->cols[i].name, item);
	}
	if (x->f == EXPORT_JSON)
		out_add(&x->out, x->rows == 1 ? "\n" : ",\n", x->rows == 1 ? 1 : 2);
	if (x->json_cap == 0) {
		x->json_cap = 16384;
		x->json_buf = xmalloc(x->json_cap);
	}
	if (cJSON_PrintPreallocated(o, x->json_buf, (int)x->json_cap, false)) {
		out_adds(&x->out, x->json_buf);
	} else {
		char *text = cJSON_PrintUnformatted(o);
		if (text == NULL)
			abort(); /* cJSON fails only when out of memory */
		out_adds(&x->out, text);
		if (strlen(text) + 1024 > x->json_cap && strlen(text) < (1u << 24)) {
			x->json_cap = strlen(text) + 1024;
			x->json_buf = xrealloc(x->json_buf, x->json_cap);
		}
		free(text);
	}
	if (x->f == EXPORT_NDJSON)
		out_addc(&x->out, '\n');
	cJSON_Delete(o);
	return true;
}

static bool json_end(struct exporter *x)
{
	if (x->f == EXPORT_JSON)
		out_adds(&x->out, x->rows > 0 ? "\n]\n" : "]\n");
	return true;
}

static void json_cleanup(struct exporter *x)
{
	free(x->json_buf);
	x->json_buf = NULL;
}

/* ---- a page of GET /api/v1/responses ---- */

static void page_string(struct exporter *x, const char *s)
{
	cJSON *j = cJSON_CreateString(s);
	char *text = cJSON_PrintUnformatted(j);
	if (text == NULL)
		abort();
	out_adds(&x->out, text);
	free(text);
	cJSON_Delete(j);
}

static bool page_begin(struct exporter *x)
{
	out_adds(&x->out, "{\"survey\":");
	page_string(x, x->sv->id);
	out_adds(&x->out, ",\"responses\":");
	return json_begin(x);
}

static bool page_row(struct exporter *x)
{
	if (x->rows > (size_t)x->filter->limit) {
		x->more = true;
		return true;
	}
	sbuf_reset(&x->last_id);
	sbuf_add(&x->last_id, x->fld[F_ID].data, x->fld[F_ID].len);
	return json_row(x);
}

static bool page_end(struct exporter *x)
{
	out_adds(&x->out, x->rows > 0 ? "\n]," : "],");
	out_adds(&x->out, "\"next_cursor\":");
	if (x->more)
		page_string(x, x->last_id.data);
	else
		out_adds(&x->out, "null");
	out_adds(&x->out, "}\n");
	return true;
}

static const struct format_ops page_ops = {page_begin, page_row, page_end, json_cleanup};

/* ---- XLSX ---- */

static bool xlsx_check(struct exporter *x, lxw_error e)
{
	if (e == LXW_NO_ERROR)
		return true;
	return fail(x, EXPORT_LIBRARY, "xlsx: %s", lxw_strerror(e));
}

/* The codebook's description of a column's values. */
static void codebook_values(const struct exporter *x, const struct column *c, struct sbuf *b)
{
	enum lang l = x->o->lang;
	const struct item *it = c->kind >= COL_SCALE && c->kind <= COL_TEXT ? &x->sv->items[c->item] : NULL;
	switch (c->kind) {
	case COL_SCALE:
		for (int v = 1; v <= x->sv->points; v++)
			sbuf_printf(b, "%s%d = %s", v > 1 ? "; " : "", v, x->sv->labels[l][v - 1]);
		if (it->allow_na)
			sbuf_printf(b, "; na = %s", na_label[l]);
		break;
	case COL_CHOICE:
		for (size_t j = 0; j < it->noptions; j++)
			sbuf_printf(b, "%s%s = %s", j > 0 ? "; " : "", it->options[j].value,
			            it->options[j].text.s[l]);
		break;
	case COL_MULTI:
		sbuf_printf(b, "0 = %s; 1 = %s", chosen_label[0][l], chosen_label[1][l]);
		break;
	case COL_IN_SAMPLE:
		sbuf_printf(b, "0 = %s; 1 = %s", sample_label[0][l], sample_label[1][l]);
		break;
	default:
		break;
	}
}

static const char *codebook_type(const struct exporter *x, const struct column *c)
{
	if (col_is_string(c->kind, x->numeric_choice))
		return "string";
	if (c->kind == COL_SCALE && x->sv->items[c->item].allow_na)
		return "integer (or na)";
	return c->kind == COL_WEIGHT ? "number" : "integer";
}

static bool xlsx_begin(struct exporter *x)
{
	const char *tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (x->expected_rows > XLSX_MAX_ROWS)
		return fail(x, EXPORT_BAD_QUERY,
		            "xlsx holds at most %d responses; this survey has %zu (use csv, sav or dta)",
		            XLSX_MAX_ROWS, x->expected_rows);
	snprintf(x->xlsx_path, sizeof x->xlsx_path, "%s/manyi-export-XXXXXX", tmp);
	int fd = mkstemp(x->xlsx_path);
	if (fd < 0)
		return fail(x, EXPORT_WRITE, "xlsx: cannot create a temporary file in %s: %s", tmp,
		            strerror(errno));
	close(fd);
	x->xlsx_temp = true;
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
	x->wb = workbook_new_opt(x->xlsx_path, &opt);
	if (x->wb == NULL)
		return fail(x, EXPORT_LIBRARY, "xlsx: cannot start the workbook");
	x->ws = workbook_add_worksheet(x->wb, "data");
	lxw_worksheet *cb = workbook_add_worksheet(x->wb, "codebook");
	lxw_format *bold = workbook_add_format(x->wb);
	if (x->ws == NULL || cb == NULL || bold == NULL)
		return fail(x, EXPORT_LIBRARY, "xlsx: cannot add the worksheets");
	format_set_bold(bold);
	/* The data's time, not the clock: the same data gives the same bytes. */
	lxw_doc_properties props = {.title = (char *)x->sv->id, .created = x->data_time};
	if (x->data_time != 0 && !xlsx_check(x, workbook_set_properties(x->wb, &props)))
		return false;
	for (size_t i = 0; i < x->ncols; i++)
		if (!xlsx_check(x, worksheet_write_string(x->ws, 0, (lxw_col_t)i, x->cols[i].name, bold)))
			return false;
	worksheet_freeze_panes(x->ws, 1, 1);

	static const char *const head[] = {"variable", "label", "type", "values"};
	for (size_t j = 0; j < ARRAY_SIZE(head); j++)
		if (!xlsx_check(x, worksheet_write_string(cb, 0, (lxw_col_t)j, head[j], bold)))
			return false;
	struct sbuf values;
	sbuf_init(&values);
	bool ok = true;
	for (size_t i = 0; i < x->ncols && ok; i++) {
		const struct column *c = &x->cols[i];
		lxw_row_t r = (lxw_row_t)(i + 1);
		sbuf_reset(&values);
		codebook_values(x, c, &values);
		/* Labels and option texts come from the definition: clean them too. */
		sbuf_reset(&x->scratch);
		export_clean_text(values.data, values.len, &x->scratch);
		sbuf_reset(&values);
		sbuf_add(&values, x->scratch.data, x->scratch.len);
		ok = xlsx_check(x, worksheet_write_string(cb, r, 0, c->name, NULL)) &&
		     xlsx_check(x, worksheet_write_string(cb, r, 1, c->label, NULL)) &&
		     xlsx_check(x, worksheet_write_string(cb, r, 2, codebook_type(x, c), NULL)) &&
		     (values.len == 0 ||
		      xlsx_check(x, worksheet_write_string(cb, r, 3, values.data, NULL)));
	}
	sbuf_free(&values);
	return ok;
}

static bool xlsx_row(struct exporter *x)
{
	lxw_row_t r = (lxw_row_t)x->rows;
	if (x->rows > XLSX_MAX_ROWS)
		return fail(x, EXPORT_BAD_QUERY,
		            "xlsx holds at most %d responses; this export has more (use csv, sav or dta)",
		            XLSX_MAX_ROWS);
	for (size_t i = 0; i < x->ncols; i++) {
		struct cell v = cell_of(x, &x->cols[i]);
		lxw_col_t c = (lxw_col_t)i;
		lxw_error e = LXW_NO_ERROR;
		switch (v.t) {
		case CELL_MISSING:
			break;
		case CELL_NA:
			e = worksheet_write_string(x->ws, r, c, "na", NULL);
			break;
		case CELL_INT:
			e = worksheet_write_number(x->ws, r, c, (double)v.i, NULL);
			break;
		case CELL_REAL:
			e = worksheet_write_number(x->ws, r, c, v.d, NULL);
			break;
		case CELL_STR:
			if (v.len > 0)
				e = worksheet_write_string(x->ws, r, c, v.s, NULL);
			break;
		}
		if (!xlsx_check(x, e))
			return false;
	}
	return true;
}

static bool xlsx_end(struct exporter *x)
{
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	if (!xlsx_check(x, e))
		return false;
	FILE *fp = fopen(x->xlsx_path, "rb");
	if (fp == NULL)
		return fail(x, EXPORT_WRITE, "xlsx: cannot read back %s: %s", x->xlsx_path, strerror(errno));
	char buf[OUT_BUFSIZE];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0 && !x->out.failed)
		out_add(&x->out, buf, n);
	bool bad = ferror(fp) != 0;
	fclose(fp);
	if (bad)
		return fail(x, EXPORT_WRITE, "xlsx: cannot read back %s", x->xlsx_path);
	return true;
}

static void xlsx_cleanup(struct exporter *x)
{
	if (x->wb != NULL) {
		workbook_close(x->wb);
		x->wb = NULL;
	}
	if (x->xlsx_temp) {
		unlink(x->xlsx_path);
		x->xlsx_temp = false;
	}
}

/* ---- SPSS and Stata through libreadstat ---- */

/* First pass: the row count and the widest value of each string column. */
static bool measure_row(struct exporter *x)
{
	for (size_t i = 0; i < x->ncols; i++) {
		struct column *c = &x->cols[i];
		if (!col_is_string(c->kind, x->numeric_choice))
			continue;
		struct cell v = cell_of(x, c);
		if (v.t == CELL_STR && v.len > c->width)
			c->width = v.len;
	}
	return true;
}

static const struct format_ops measure_ops = {.row = measure_row};

static ssize_t rs_data_writer(const void *data, size_t len, void *ctx)
{
	struct exporter *x = ctx;
	out_add(&x->out, data, len);
	return x->out.failed ? -1 : (ssize_t)len;
}

static bool rs_check(struct exporter *x, readstat_error_t e, const char *what)
{
	if (e == READSTAT_OK)
		return true;
	if (x->out.failed)
		return fail(x, EXPORT_WRITE, "the output refused the export after %zu rows", x->rows);
	return fail(x, EXPORT_LIBRARY, "%s: %s: %s", format_names[x->f], what, readstat_error_message(e));
}

/* A label cut to what the format holds, in x->scratch. */
static const char *rs_label(struct exporter *x, const char *s, bool value_label)
{
	sbuf_reset(&x->scratch);
	if (x->f == EXPORT_SAV)
		export_fit_label(s, SIZE_MAX, value_label ? 120 : 255, &x->scratch);
	else
		export_fit_label(s, value_label ? 32000 : 80, value_label ? 32000 : 320, &x->scratch);
	return x->scratch.data;
}

/* A cell's strL: a new ref for text, the one shared ref for an empty cell. */
static bool collect_row(struct exporter *x)
{
	for (size_t i = 0; i < x->ncols; i++) {
		const struct column *c = &x->cols[i];
		if (c->var == NULL || readstat_variable_get_type(c->var) != READSTAT_TYPE_STRING_REF)
			continue;
		struct cell v = cell_of(x, c);
		readstat_string_ref_t *ref;
		if (v.t == CELL_STR && v.len > 0) {
			ref = readstat_add_string_ref(x->rs, v.s);
		} else {
			if (x->empty_ref == NULL)
				x->empty_ref = readstat_add_string_ref(x->rs, "");
			ref = x->empty_ref;
		}
		if (ref == NULL)
			abort();
		if (x->nrefs == x->refs_cap) {
			x->refs_cap = x->refs_cap ? 2 * x->refs_cap : 1024;
			x->refs = xrealloc(x->refs, x->refs_cap * sizeof *x->refs);
		}
		x->refs[x->nrefs++] = ref;
	}
	return true;
}

static const struct format_ops collect_ops = {.row = collect_row};

static bool rs_begin(struct exporter *x)
{
	enum lang l = x->o->lang;
	bool sav = x->f == EXPORT_SAV;
	x->rs = readstat_writer_init();
	if (x->rs == NULL)
		abort();
	readstat_set_data_writer(x->rs, rs_data_writer);
	char file_label[80];
	if (x->o->from != NULL || x->o->to != NULL)
		snprintf(file_label, sizeof file_label, "%.48s v%d %s..%s", x->sv->id, x->version,
		         x->o->from ? x->o->from : "", x->o->to ? x->o->to : "");
	else
		snprintf(file_label, sizeof file_label, "%.48s v%d", x->sv->id, x->version);
	if (!rs_check(x, readstat_writer_set_file_label(x->rs, file_label), "file label"))
		return false;
	if (x->data_time != 0 &&
	    !rs_check(x, readstat_writer_set_file_timestamp(x->rs, x->data_time), "timestamp"))
		return false;
	if (sav) {
		if (!rs_check(x, readstat_writer_set_compression(x->rs, READSTAT_COMPRESS_ROWS), "compression"))
			return false;
	} else if (!rs_check(x, readstat_writer_set_file_format_version(x->rs, 118), "version")) {
		return false;
	}

	/* Value labels: the scale without and with "not applicable" (each only
	 * when some item uses it), 0/1, one set per choice item. */
	readstat_label_set_t *scale[2] = {NULL, NULL};
	for (size_t i = 0; i < x->ncols; i++) {
		const struct column *c = &x->cols[i];
		if (c->kind != COL_SCALE)
			continue;
		bool na = x->sv->items[c->item].allow_na;
		if (scale[na] != NULL)
			continue;
		scale[na] = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, na ? "scale_na" : "scale");
		for (int v = 1; v <= x->sv->points; v++)
			readstat_label_int32_value(scale[na], v, rs_label(x, x->sv->labels[l][v - 1], true));
		if (na && sav)
			readstat_label_int32_value(scale[na], SAV_NA_CODE, rs_label(x, na_label[l], true));
		else if (na)
			readstat_label_tagged_value(scale[na], 'a', rs_label(x, na_label[l], true));
	}
	readstat_label_set_t *chosen = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, "chosen");
	for (int v = 0; v <= 1; v++)
		readstat_label_int32_value(chosen, v, rs_label(x, chosen_label[v][l], true));

	for (size_t i = 0; i < x->ncols; i++) {
		struct column *c = &x->cols[i];
		const struct item *it = c->kind >= COL_SCALE && c->kind <= COL_TEXT ? &x->sv->items[c->item] : NULL;
		readstat_variable_t *v;
		if (col_is_string(c->kind, x->numeric_choice)) {
			size_t width = c->width > 0 ? c->width : 1;
			if (sav && width > SAV_MAX_STRING)
				width = SAV_MAX_STRING;
			if (!sav && width > DTA_MAX_STR)
				v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_STRING_REF, 0);
			else
				v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_STRING, width);
			c->width = width;
			readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
			readstat_variable_set_alignment(v, READSTAT_ALIGNMENT_LEFT);
		} else if (c->kind == COL_WEIGHT) {
			v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_DOUBLE, 0);
			readstat_variable_set_measure(v, READSTAT_MEASURE_SCALE);
			readstat_variable_set_format(v, sav ? "F12.6" : "%12.6f");
		} else if (c->kind == COL_DATE) {
			/* SPSS counts seconds from 1582-10-14, Stata days from 1960-01-01. */
			v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_DOUBLE, 0);
			readstat_variable_set_format(v, sav ? "SDATE10" : "%td");
			readstat_variable_set_measure(v, READSTAT_MEASURE_SCALE);
		} else if (c->kind == COL_VERSION || c->kind == COL_STRATUM_N) {
			v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_INT32, 0);
			readstat_variable_set_measure(v, c->kind == COL_VERSION ? READSTAT_MEASURE_NOMINAL
			                                                        : READSTAT_MEASURE_SCALE);
		} else if (c->kind == COL_IN_SAMPLE) {
			v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_INT8, 0);
			readstat_label_set_t *set = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, "in_sample");
			for (int k = 0; k <= 1; k++)
				readstat_label_int32_value(set, k, rs_label(x, sample_label[k][l], true));
			readstat_variable_set_label_set(v, set);
			readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
		} else {
			v = readstat_add_variable(x->rs, c->name, READSTAT_TYPE_INT8, 0);
			if (c->kind == COL_SCALE) {
				readstat_variable_set_label_set(v, scale[it->allow_na]);
				readstat_variable_set_measure(v, READSTAT_MEASURE_ORDINAL);
				if (sav && it->allow_na &&
				    !rs_check(x, readstat_variable_add_missing_double_value(v, SAV_NA_CODE), "missing value"))
					return false;
			} else if (c->kind == COL_MULTI) {
				readstat_variable_set_label_set(v, chosen);
				readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
			} else { /* COL_CHOICE */
				readstat_label_set_t *set = readstat_add_label_set(x->rs, READSTAT_TYPE_INT32, c->name);
				for (size_t j = 0; j < it->noptions; j++)
					readstat_label_int32_value(set, (int32_t)j + 1,
					                           rs_label(x, it->options[j].text.s[l], true));
				readstat_variable_set_label_set(v, set);
				readstat_variable_set_measure(v, READSTAT_MEASURE_NOMINAL);
			}
		}
		readstat_variable_set_label(v, rs_label(x, c->label, false));
		c->var = v;
	}
	bool strl = false;
	for (size_t i = 0; i < x->ncols; i++)
		strl = strl || readstat_variable_get_type(x->cols[i].var) == READSTAT_TYPE_STRING_REF;
	if (strl) {
		const struct format_ops *keep = x->ops;
		x->ops = &collect_ops;
		bool ok = run_rows(x);
		x->ops = keep;
		if (!ok)
			return false;
		if (x->rows != x->expected_rows)
			return fail(x, EXPORT_STORE, "the responses changed during the export");
		x->ref_pos = 0;
	}
	readstat_error_t e = sav ? readstat_begin_writing_sav(x->rs, x, (long)x->expected_rows)
	                         : readstat_begin_writing_dta(x->rs, x, (long)x->expected_rows);
	if (!rs_check(x, e, "header"))
		return false;
	return rs_check(x, readstat_validate_metadata(x->rs), "metadata");
}

/* Cut s to at most max bytes at a code point boundary, into x->scratch. */
static const char *rs_string(struct exporter *x, const char *s, size_t len, size_t max)
{
	if (len <= max)
		return s;
	size_t keep = 0;
	while (keep < len) {
		unsigned long cp;
		size_t k = utf8_next((const unsigned char *)s + keep, len - keep, &cp);
		if (k == 0 || keep + k > max)
			break;
		keep += k;
	}
	sbuf_reset(&x->scratch);
	sbuf_add(&x->scratch, s, keep);
	return x->scratch.data;
}

static bool rs_row(struct exporter *x)
{
	if (!rs_check(x, readstat_begin_row(x->rs), "row"))
		return false;
	for (size_t i = 0; i < x->ncols; i++) {
		const struct column *c = &x->cols[i];
		struct cell v = cell_of(x, c);
		readstat_error_t e = READSTAT_OK;
		if (readstat_variable_get_type(c->var) == READSTAT_TYPE_STRING_REF) {
			if (x->ref_pos >= x->nrefs)
				return fail(x, EXPORT_STORE, "the responses changed during the export");
			e = readstat_insert_string_ref(x->rs, c->var, x->refs[x->ref_pos++]);
		} else if (c->kind == COL_DATE) {
			int y, m, d;
			if (v.t != CELL_STR || sscanf(v.s, "%4d-%2d-%2d", &y, &m, &d) != 3) {
				e = readstat_insert_missing_value(x->rs, c->var);
			} else {
				double days = (double)days_from_civil(y, m, d);
				e = readstat_insert_double_value(
				    x->rs, c->var,
				    x->f == EXPORT_SAV ? (days - (double)days_from_civil(1582, 10, 14)) * 86400
				                       : days - (double)days_from_civil(1960, 1, 1));
			}
		} else if (col_is_string(c->kind, x->numeric_choice)) {
			e = readstat_insert_string_value(x->rs, c->var,
			                                 v.t == CELL_STR ? rs_string(x, v.s, v.len, c->width) : "");
		} else {
			switch (v.t) {
			case CELL_MISSING:
			case CELL_STR:
				e = readstat_insert_missing_value(x->rs, c->var);
				break;
			case CELL_NA:
				e = x->f == EXPORT_SAV ? readstat_insert_int8_value(x->rs, c->var, SAV_NA_CODE)
				                       : readstat_insert_tagged_missing_value(x->rs, c->var, 'a');
				break;
			case CELL_INT:
				e = c->kind == COL_VERSION || c->kind == COL_STRATUM_N
				        ? readstat_insert_int32_value(x->rs, c->var, (int32_t)v.i)
				        : readstat_insert_int8_value(x->rs, c->var, (int8_t)v.i);
				break;
			case CELL_REAL:
				e = readstat_insert_double_value(x->rs, c->var, v.d);
				break;
			}
		}
		if (!rs_check(x, e, c->name))
			return false;
	}
	return rs_check(x, readstat_end_row(x->rs), "row");
}

static bool rs_end(struct exporter *x)
{
	return rs_check(x, readstat_end_writing(x->rs), "end");
}

static void rs_cleanup(struct exporter *x)
{
	if (x->rs != NULL)
		readstat_writer_free(x->rs);
	x->rs = NULL;
	free(x->refs);
	x->refs = NULL;
}

static const struct format_ops ops[EXPORT__MAX] = {
	[EXPORT_CSV] = {csv_begin, csv_row, csv_end, NULL},
	[EXPORT_JSON] = {json_begin, json_row, json_end, json_cleanup},
	[EXPORT_NDJSON] = {json_begin, json_row, json_end, json_cleanup},
	[EXPORT_XLSX] = {xlsx_begin, xlsx_row, xlsx_end, xlsx_cleanup},
	[EXPORT_SAV] = {rs_begin, rs_row, rs_end, rs_cleanup},
	[EXPORT_DTA] = {rs_begin, rs_row, rs_end, rs_cleanup},
};

/* ---- the survey: the items and options of all its versions ---- */

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

/*
 * x->sv: the latest definition of survey with the items and options only
 * older versions had (include/export.h says in which order), *def its text
 * (caller frees).  When the merged definition breaks a rule of a
 * definition, the latest alone, with a warning.
 */
static bool load_survey(struct exporter *x, const char *survey, struct survey **sv, char **def,
                        struct sbuf *warn)
{
	struct merge g = {.def = NULL};
	char pmsg[512];
	enum store_err e = store_each_survey_version(x->s, survey, on_version, &g);
	bool ok = false;
	if (e != STORE_OK && e != STORE_ERR_NOTFOUND) {
		fail(x, EXPORT_STORE, "database error: %s", store_errmsg(x->s));
		goto done;
	}
	if (e == STORE_ERR_NOTFOUND || g.bad || g.def == NULL)
		goto unknown;
	x->version = g.version;
	*def = cJSON_PrintUnformatted(g.def);
	if (*def == NULL)
		abort();
	if (survey_parse(survey, *def, strlen(*def), sv, pmsg, sizeof pmsg) == SURVEY_OK) {
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
		ok = true;
		goto done;
	}
unknown:
	fail(x, EXPORT_BAD_QUERY, "unknown survey \"%.64s\"", survey);
done:
	cJSON_Delete(g.def);
	free(g.latest);
	return ok;
}

/* ---- the entry points ---- */

/* Weights for every response; a weighting that fails becomes a warning. */
static void load_weights(struct exporter *x, struct sbuf *warn)
{
	char why[512];
	enum report_status st = report_weights(x->s, x->sv->id, x->o->from, x->o->to, &x->weights, why,
	                                       sizeof why);
	if (st != REPORT_OK) {
		sbuf_printf(warn, "%sno weights: %s", warn->len ? "; " : "", why);
		report_weights_free(&x->weights);
		return;
	}
	x->have_weights = true;
	for (int w = 0; w < STATS_W__MAX; w++)
		if (x->weights.why[w][0] != '\0')
			sbuf_printf(warn, "%sweight_%s is empty: %s", warn->len ? "; " : "",
			            stats_weighting_name((enum stats_weighting)w), x->weights.why[w]);
}

/* An export (filter NULL) or a page of responses (f is EXPORT_JSON). */
static enum export_status run(struct store *s, const char *survey, enum export_format f,
                              const struct export_options *o, const struct export_filter *filter,
                              export_sink sink, void *ctx, char *msg, size_t msglen)
{
	struct exporter X = {
		.s = s, .f = f, .o = o, .numeric_choice = f == EXPORT_SAV || f == EXPORT_DTA,
		.status = EXPORT_OK, .msg = msg, .msglen = msglen,
		.out = {.sink = sink, .ctx = ctx}, .filter = filter,
	};
	struct exporter *x = &X;
	struct survey *sv = NULL;
	char *def = NULL;
	struct sbuf warn;
	bool in_txn = false;

	sbuf_init(&warn);
	sbuf_init(&x->scratch);
	sbuf_init(&x->last_id);
	if (filter != NULL) {
		x->reading = *filter;
		x->reading.limit = filter->limit + 1;
	} else {
		x->reading = (struct export_filter){.from = o->from, .to = o->to};
	}
	for (int i = 0; i < F__MAX; i++)
		sbuf_init(&x->fld[i]);
	if (msglen > 0)
		msg[0] = '\0';
	if ((unsigned)f >= EXPORT__MAX || (o->lang != LANG_ZH && o->lang != LANG_EN)) {
		fail(x, EXPORT_BAD_QUERY, "unknown format or language");
		goto done;
	}
	if (o->bom && f != EXPORT_CSV) {
		fail(x, EXPORT_BAD_QUERY, "a byte order mark is for csv only");
		goto done;
	}
	/* One snapshot for the weights, the count and the rows. */
	in_txn = store_begin_read(s) == STORE_OK;
	if (!load_survey(x, survey, &sv, &def, &warn))
		goto done;
	x->sv = sv;
	x->ans = xcalloc(sv->nitems + 1, sizeof *x->ans);
	for (size_t i = 0; i < sv->nitems; i++)
		sbuf_init(&x->ans[i].text);
	build_columns(x);
	if (filter != NULL) {
		x->out.buf = xmalloc(OUT_BUFSIZE);
		x->ops = &page_ops;
		if (x->ops->begin(x) && run_rows(x) && x->ops->end(x)) {
			out_flush(&x->out);
			if (x->out.failed)
				fail(x, EXPORT_WRITE, "the output refused the page");
		}
		goto done;
	}
	load_weights(x, &warn);
	if (sink == NULL)
		goto done; /* export_warnings(): no rows */
	char when[40];
	struct tm tm = {0};
	if (store_survey_data_time(s, sv->id, when, sizeof when) &&
	    strptime(when, "%Y-%m-%dT%H:%M:%S", &tm) != NULL)
		x->data_time = timegm(&tm);
	long count = store_response_count(s, sv->id);
	if (count < 0) {
		fail(x, EXPORT_STORE, "database error: %s", store_errmsg(s));
		goto done;
	}
	/* A period holds fewer: xlsx_row() counts those. */
	x->expected_rows = o->from == NULL && o->to == NULL ? (size_t)count : 0;
	if (f == EXPORT_SAV || f == EXPORT_DTA) {
		x->ops = &measure_ops;
		if (!run_rows(x))
			goto done;
		x->expected_rows = x->rows;
	}
	x->out.buf = xmalloc(OUT_BUFSIZE);
	x->ops = &ops[f];
	if (!x->ops->begin(x) || !run_rows(x) || !x->ops->end(x))
		goto done;
	out_flush(&x->out);
	if (x->out.failed)
		fail(x, EXPORT_WRITE, "the output refused the export");
done:
	if (x->ops != NULL && x->ops->cleanup != NULL)
		x->ops->cleanup(x);
	if (in_txn)
		store_rollback(s);
	if (x->status == EXPORT_OK && msglen > 0)
		snprintf(msg, msglen, "%s", warn.len ? warn.data : "");
	for (size_t i = 0; i < x->ncols; i++)
		free(x->cols[i].label);
	free(x->cols);
	free(x->by_id);
	for (size_t i = 0; sv != NULL && i < sv->nitems; i++)
		sbuf_free(&x->ans[i].text);
	free(x->ans);
	for (int i = 0; i < F__MAX; i++)
		sbuf_free(&x->fld[i]);
	sbuf_free(&x->scratch);
	sbuf_free(&x->last_id);
	sbuf_free(&warn);
	free(x->out.buf);
	report_weights_free(&x->weights);
	survey_free(sv);
	free(def);
	return x->status;
}

enum export_status export_write(struct store *s, const char *survey, enum export_format f,
                                const struct export_options *o, export_sink sink, void *ctx,
                                char *msg, size_t msglen)
{
	return run(s, survey, f, o, NULL, sink, ctx, msg, msglen);
}

enum export_status export_warnings(struct store *s, const char *survey, enum export_format f,
                                   const struct export_options *o, char *msg, size_t msglen)
{
	return run(s, survey, f, o, NULL, NULL, NULL, msg, msglen);
}

static bool sbuf_sink(void *ctx, const void *data, size_t n)
{
	sbuf_add(ctx, data, n);
	return true;
}

enum export_status export_page(struct store *s, const char *survey, const struct export_filter *f,
                               enum lang l, struct sbuf *out, char *msg, size_t msglen)
{
	struct export_options o;
	export_options_default(&o);
	o.lang = l;
	return run(s, survey, EXPORT_JSON, &o, f, sbuf_sink, out, msg, msglen);
}

struct file_sink {
	FILE *fp;
	int err; /* errno of the first failed write, 0 when none */
};

static bool file_sink(void *ctx, const void *data, size_t n)
{
	struct file_sink *fs = ctx;
	if (fwrite(data, 1, n, fs->fp) == n)
		return true;
	if (fs->err == 0)
		fs->err = errno != 0 ? errno : EIO;
	return false;
}

enum export_status export_write_file(struct store *s, const char *survey, enum export_format f,
                                     const struct export_options *o, FILE *out, char *msg,
                                     size_t msglen)
{
	struct file_sink fs = {.fp = out};
	enum export_status st = export_write(s, survey, f, o, file_sink, &fs, msg, msglen);
	if (st == EXPORT_WRITE && fs.err != 0 && msglen > 0)
		snprintf(msg, msglen, "cannot write the export: %s", strerror(fs.err));
	return st;
}
