/* report — the responses, their groups and the population of a report,
 * loaded from the store, and what a failure of the estimate means in words. */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const size_codes[] = {"large", "medium", "small", "micro", "household"};
/* The names of the sizes, the classes of China's enterprise size standard
 * and the individually-owned business (个体工商户). */
static const char *const size_names[N_SIZES][LANG__MAX] = {
	{"大型企业", "Large enterprise"},
	{"中型企业", "Medium-sized enterprise"},
	{"小型企业", "Small enterprise"},
	{"微型企业", "Micro enterprise"},
	{"个体工商户", "Individual business"},
};

/* Index of code in a registry list sorted by code, or -1. */
static int code_index(const struct registry_list *l, const char *code)
{
	size_t lo = 0, hi = l->n;
	if (code == NULL)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->v[mid].code, code);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int report_size_index(const char *s)
{
	for (int i = 0; s != NULL && i < N_SIZES; i++)
		if (strcmp(s, size_codes[i]) == 0)
			return i;
	return -1;
}

const char *report_size_name(const char *code, enum lang l)
{
	int i = report_size_index(code);
	return i >= 0 && (unsigned)l < LANG__MAX ? size_names[i][l] : NULL;
}

bool report_by_named(enum report_by b)
{
	return b == BY_AGENCY || b == BY_DOMAIN || b == BY_SIZE;
}

const char *report_value_name(const struct load *L, enum report_by b, const char *val, enum lang l)
{
	int i;
	if (val == NULL || (unsigned)l >= LANG__MAX)
		return NULL;
	switch (b) {
	case BY_AGENCY:
		i = code_index(&L->agencies, val);
		return i >= 0 ? L->agencies.v[i].name[l] : NULL;
	case BY_DOMAIN:
		i = code_index(&L->domains, val);
		return i >= 0 ? L->domains.v[i].name[l] : NULL;
	case BY_SIZE:
		return report_size_name(val, l);
	default:
		return NULL;
	}
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int group_of(struct groups *g, const char *key)
{
	if (g->nslots == 0 || (g->n + 1) * 2 > g->nslots) {
		size_t ns = g->nslots ? g->nslots * 2 : 64;
		int *slots = xmalloc(ns * sizeof *slots);
		for (size_t i = 0; i < ns; i++)
			slots[i] = -1;
		for (size_t i = 0; i < g->n; i++) {
			size_t j = hash_str(g->keys[i]) & (ns - 1);
			while (slots[j] >= 0)
				j = (j + 1) & (ns - 1);
			slots[j] = (int)i;
		}
		free(g->slots);
		g->slots = slots;
		g->nslots = ns;
	}
	size_t j = hash_str(key) & (g->nslots - 1);
	while (g->slots[j] >= 0) {
		if (strcmp(g->keys[g->slots[j]], key) == 0)
			return g->slots[j];
		j = (j + 1) & (g->nslots - 1);
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->keys = xrealloc(g->keys, g->cap * sizeof *g->keys);
	}
	g->keys[g->n] = xstrdup(key);
	g->slots[j] = (int)g->n;
	return (int)g->n++;
}

/* The group of key, or -1 when there is none (nothing is added). */
int report_group_find(const struct groups *g, const char *key)
{
	if (g->nslots == 0)
		return -1;
	size_t j = hash_str(key) & (g->nslots - 1);
	while (g->slots[j] >= 0) {
		if (strcmp(g->keys[g->slots[j]], key) == 0)
			return g->slots[j];
		j = (j + 1) & (g->nslots - 1);
	}
	return -1;
}

static void groups_free(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->keys[i]);
	free(g->keys);
	free(g->slots);
}

/* The value of dimension b for a response; NULL when it has none. */
static const char *dim_value(enum report_by b, const struct stats_source_row *r, char *buf, size_t n)
{
	switch (b) {
	case BY_AGENCY: return r->agency;
	case BY_DOMAIN: return r->domain;
	case BY_SIZE: return r->size;
	case BY_DISTRICT: return r->district;
	case BY_OUTCOME: return r->outcome;
	case BY_CHANNEL: return r->channel;
	case BY_MONTH:
		snprintf(buf, n, "%.7s", r->date);
		return buf;
	case BY_QUARTER:
		snprintf(buf, n, "%.4s-Q%d", r->date, (atoi(r->date + 5) + 2) / 3);
		return buf;
	case BY_YEAR:
		snprintf(buf, n, "%.4s", r->date);
		return buf;
	case BY__MAX:
		break;
	}
	return NULL;
}

/*
 * The registry indices of a response's agency and domain; false (L->bad,
 * with a message) when either is not in the registry.
 */
/*
 * code_index() remembered by the address of code: the store gives a code as
 * the same string every time, so most answers find theirs here with one
 * comparison instead of a binary search.
 */
static int code_index_memo(struct code_memo *memo, const struct registry_list *l, const char *code)
{
	struct code_memo *m = &memo[((uintptr_t)code >> 4) % REPORT_CODE_MEMO];
	/* The address is a hint; the one comparison makes it sure. */
	if (code == NULL || m->code != code || strcmp(l->v[m->index].code, code) != 0) {
		int i = code_index(l, code);
		if (code != NULL && i >= 0) /* a code not there is not remembered */
			*m = (struct code_memo){code, i};
		return i;
	}
	return m->index;
}

bool report_registry_indices(struct load *L, const char *agency, const char *domain, int *a, int *d)
{
	*a = code_index_memo(L->agency_memo, &L->agencies, agency);
	*d = code_index_memo(L->domain_memo, &L->domains, domain);
	if (*a >= 0 && *d >= 0)
		return true;
	snprintf(L->msg, sizeof L->msg, "a response names an agency or domain not in the registry");
	L->bad = true;
	return false;
}

/*
 * Where the scale bytes of version go (made once per version): the
 * measure's and the index items' positions, matched by item id with the
 * survey the report reads, as the answers of every version count.  NULL
 * when the store could not say (L->bad, with a message).
 */
static const struct version_map *version_map(struct load *L, int version)
{
	for (size_t i = 0; i < L->nvmaps; i++)
		if (L->vmaps[i].version == version)
			return &L->vmaps[i];
	const char *const *items;
	size_t n;
	if (store_scale_items(L->store, L->sv->id, version, &items, &n) != STORE_OK) {
		snprintf(L->msg, sizeof L->msg, "cannot read the items of %s version %d: %s",
		         L->sv->id, version, store_errmsg(L->store));
		L->bad = true;
		return NULL;
	}
	struct version_map m = {.version = version, .measure = -1, .n = n};
	m.col = xmalloc((n ? n : 1) * sizeof *m.col);
	for (size_t p = 0; p < n; p++) {
		m.col[p] = -1;
		if (items[p] == NULL)
			continue;
		if (L->measure != NULL && strcmp(items[p], L->measure->id) == 0)
			m.measure = (int)p;
		for (size_t j = 0; j < L->k; j++)
			if (strcmp(items[p], L->sv->items[L->index_items[j]].id) == 0)
				m.col[p] = (int)j;
	}
	L->vmaps = xrealloc(L->vmaps, (L->nvmaps + 1) * sizeof *L->vmaps);
	L->vmaps[L->nvmaps] = m;
	return &L->vmaps[L->nvmaps++];
}

/* The group key of r under L's query into key (an empty one without by). */
static void group_key(const struct load *L, const struct stats_source_row *r, struct sbuf *key)
{
	for (size_t i = 0; i < L->q->nby; i++) {
		char buf[32];
		const char *v = dim_value(L->q->by[i], r, buf, sizeof buf);
		if (i > 0)
			sbuf_addc(key, '\x1f');
		sbuf_adds(key, v ? v : "\x1e");
	}
}

static bool on_response(void *ctx, const struct stats_source_row *r)
{
	struct load *L = ctx;
	int a, d;
	const struct version_map *vm = version_map(L, r->version);
	if (vm == NULL || !report_registry_indices(L, r->agency, r->domain, &a, &d))
		return false;
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 1024;
		L->resp = xrealloc(L->resp, L->cap * sizeof *L->resp);
		if (L->multi != NULL || L->keep_ids)
			L->ids = xrealloc(L->ids, L->cap * sizeof *L->ids);
		L->x = xrealloc(L->x, L->cap * (L->k ? L->k : 1) * sizeof *L->x);
	}
	struct sbuf key;
	sbuf_init(&key);
	group_key(L, r, &key);
	struct stats_resp *s = &L->resp[L->n];
	*s = (struct stats_resp){
		.y = NAN,
		.agency = a,
		.domain = d,
		.size = report_size_index(r->size),
		.group = L->q->nby ? group_of(&L->groups, key.data) : -1,
		.sampled = r->sampled,
	};
	sbuf_free(&key);
	if (L->multi != NULL || L->keep_ids)
		L->ids[L->n] = r->id;
	unsigned char *x = L->x + L->n * (L->k ? L->k : 1);
	memset(x, 0, L->k);
	for (size_t p = 0; p < r->nnums && p < vm->n; p++) {
		unsigned v = r->nums[p];
		if (v == STORE_NUM_MISSING || v == STORE_NUM_NA)
			continue;
		if ((int)p == vm->measure)
			s->y = v;
		if (vm->col[p] >= 0)
			x[vm->col[p]] = v;
	}
	L->n++;
	return true;
}

/*
 * An excluded answer: counted overall and in its group, when the group
 * has answers that count (a group all of whose answers were excluded has
 * no row to say it on).
 */
static bool on_excluded(void *ctx, const struct stats_source_row *r)
{
	struct load *L = ctx;
	L->excluded++;
	if (L->q->nby == 0 || L->excluded_group == NULL)
		return true;
	struct sbuf key;
	sbuf_init(&key);
	group_key(L, r, &key);
	int g = report_group_find(&L->groups, key.data);
	if (g >= 0)
		L->excluded_group[g]++;
	sbuf_free(&key);
	return true;
}

/* The index item values of response i as doubles into row (k of them; NaN missing). */
double *report_item_values(const struct load *L, size_t i, double *row)
{
	for (size_t j = 0; j < L->k; j++)
		row[j] = L->x[i * L->k + j] ? (double)L->x[i * L->k + j] : NAN;
	return row;
}

static bool on_count(void *ctx, const char *agency, const char *domain, const char *size,
                     long long count)
{
	struct load *L = ctx;
	int a = code_index(&L->agencies, agency), d = code_index(&L->domains, domain), z = report_size_index(size);
	if (a < 0 || d < 0 || z < 0)
		return true;
	L->pop_agency[a] += (double)count;
	L->pop_agency_domain[(size_t)a * L->domains.n + (size_t)d] += (double)count;
	L->pop_domain[d] += (double)count;
	L->pop_size[z] += (double)count;
	return true;
}

/* The registry's encounters within [from, to], counted into L's population arrays. */
enum store_err report_load_counts(struct store *s, const char *from, const char *to, struct load *L)
{
	L->pop_agency = xcalloc(L->agencies.n + 1, sizeof(double));
	L->pop_agency_domain = xcalloc(L->agencies.n * L->domains.n + 1, sizeof(double));
	L->pop_domain = xcalloc(L->domains.n + 1, sizeof(double));
	L->pop_size = xcalloc(N_SIZES, sizeof(double));
	return store_each_encounter_count(s, from, to, on_count, L);
}

/* Release what report_load_data() gathered. */
void report_load_free(struct load *L)
{
	groups_free(&L->groups);
	registry_list_free(&L->agencies);
	registry_list_free(&L->domains);
	free(L->pop_agency);
	free(L->pop_agency_domain);
	free(L->pop_domain);
	free(L->pop_size);
	free(L->resp);
	free(L->count);
	for (size_t i = 0; i < L->nvmaps; i++)
		free(L->vmaps[i].col);
	free(L->vmaps);
	free(L->x);
	free(L->index_items);
	free(L->index_weights);
	free(L->ids);
	free(L->excluded_group);
}

/*
 * The measure q names in sv: L->measure (a scale item), L->multi and
 * L->option (ITEM.OPTION), or neither (the index).  false with msg saying
 * what is wrong with it.
 */
static bool measure_of(const struct report_query *q, const struct survey *sv, struct load *L,
                       char *msg, size_t msglen)
{
	if (q->measure == NULL || strcmp(q->measure, "index") == 0)
		return true;
	const char *dot = strchr(q->measure, '.');
	if (dot == NULL) {
		L->measure = survey_item(sv, q->measure);
		if (L->measure != NULL && L->measure->type == ITEM_SCALE)
			return true;
		snprintf(msg, msglen, "measure \"%.64s\" is not a scale item of %s (or \"index\", or "
		         "ITEM.OPTION for an option of a multi-choice item)", q->measure, sv->id);
		return false;
	}
	char item[80];
	snprintf(item, sizeof item, "%.*s", (int)(dot - q->measure) < 79 ? (int)(dot - q->measure) : 79,
	         q->measure);
	const struct item *it = survey_item(sv, item);
	if (it == NULL || it->type != ITEM_MULTI) {
		snprintf(msg, msglen, "measure \"%.64s\": %s is not a multi-choice item of %s "
		         "(ITEM.OPTION is the share choosing OPTION of a multi-choice ITEM)",
		         q->measure, item, sv->id);
		return false;
	}
	for (size_t j = 0; j < it->noptions; j++)
		if (strcmp(it->options[j].value, dot + 1) == 0) {
			L->multi = it;
			L->option = it->options[j].value;
			return true;
		}
	struct sbuf opts;
	sbuf_init(&opts);
	for (size_t j = 0; j < it->noptions; j++)
		sbuf_printf(&opts, "%s%s", j ? ", " : "", it->options[j].value);
	snprintf(msg, msglen, "measure \"%.64s\": %.64s is not an option of %s (its options: %s)",
	         q->measure, dot + 1, it->id, opts.data);
	sbuf_free(&opts);
	return false;
}

/* store_each_item_text()'s callback: y of the response 1 for the option, else 0. */
static bool on_option(void *ctx, long long id, const char *text)
{
	struct load *L = ctx;
	size_t lo = 0, hi = L->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (L->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < L->n && L->ids[lo] == id) {
		struct stats_resp *r = &L->resp[lo];
		if (isnan(r->y))
			r->y = 0; /* the item was answered */
		if (text != NULL && strcmp(text, L->option) == 0)
			r->y = 1;
	}
	return true;
}

/*
 * Gather the responses of q's survey and period, their measure, groups and
 * index items, and the registry counts.  sv is the parsed survey (borrowed).
 */
enum report_status report_load_data(struct store *s, const struct report_query *q,
                                    const struct survey *sv, struct load *L, char *msg,
                                    size_t msglen)
{
	L->q = q;
	L->sv = sv;
	L->store = s;
	if (!measure_of(q, sv, L, msg, msglen))
		return REPORT_BAD_QUERY;
	L->index_items = xcalloc(sv->nitems, sizeof *L->index_items);
	L->index_weights = xcalloc(sv->nitems, sizeof *L->index_weights);
	for (size_t i = 0; i < sv->nitems; i++)
		if (sv->items[i].type == ITEM_SCALE && sv->items[i].index_weight > 0) {
			L->index_items[L->k] = (int)i;
			L->index_weights[L->k++] = sv->items[i].index_weight;
		}
	if (L->measure == NULL && L->multi == NULL && L->k == 0) {
		snprintf(msg, msglen, "survey %s has no item with an index_weight", sv->id);
		return REPORT_BAD_QUERY;
	}
	enum store_err e;
	if ((e = store_registry_list(s, REGISTRY_AGENCY, &L->agencies)) != STORE_OK ||
	    (e = store_registry_list(s, REGISTRY_DOMAIN, &L->domains)) != STORE_OK ||
	    (e = store_each_response(s, sv->id, q->from, q->to, on_response, L)) != STORE_OK)
		goto store_fail;
	if (L->bad) {
		snprintf(msg, msglen, "%s", L->msg);
		return REPORT_NO_DATA;
	}
	if (L->groups.n > 0)
		L->excluded_group = xcalloc(L->groups.n, sizeof *L->excluded_group);
	if ((e = store_each_excluded(s, sv->id, q->from, q->to, on_excluded, L)) != STORE_OK)
		goto store_fail;
	/* ITEM.OPTION: 1 chosen, 0 answered without it, missing unanswered. */
	if (L->multi != NULL && L->n > 0 &&
	    (e = store_each_item_text(s, L->multi->id, L->ids[0], L->ids[L->n - 1], on_option, L)) != STORE_OK)
		goto store_fail;
	double *row = xcalloc(L->k + 1, sizeof *row);
	for (size_t i = 0; i < L->n; i++) {
		struct stats_resp *r = &L->resp[i];
		if (L->measure == NULL && L->multi == NULL)
			r->y = stats_index_value(report_item_values(L, i, row), L->index_weights, L->k,
			                         sv->points);
		if (!isnan(r->y))
			r->satisfied = L->measure != NULL && r->y >= 1 && r->y <= sv->points &&
			               sv->satisfied[(int)r->y];
	}
	free(row);
	if ((e = report_load_counts(s, q->from, q->to, L)) != STORE_OK)
		goto store_fail;
	return REPORT_OK;
store_fail:
	return report_store_failure(s, e, msg, msglen);
}

/* The population arrays of L. */
struct stats_population report_load_population(const struct load *L)
{
	return (struct stats_population){
		.n_agencies = L->agencies.n,
		.n_domains = L->domains.n,
		.n_sizes = N_SIZES,
		.agency = L->pop_agency,
		.agency_domain = L->pop_agency_domain,
		.domain = L->pop_domain,
		.size = L->pop_size,
	};
}

/* The registry code(s) of a cell of margin m into buf ("" when out of range). */
static void cell_name(const struct load *L, enum stats_margin m, long c0, long c1, char *buf,
                      size_t n)
{
	*buf = '\0';
	switch (m) {
	case STATS_M_AGENCY:
		if (c0 >= 0 && (size_t)c0 < L->agencies.n)
			snprintf(buf, n, "%s", L->agencies.v[c0].code);
		break;
	case STATS_M_DOMAIN:
		if (c0 >= 0 && (size_t)c0 < L->domains.n)
			snprintf(buf, n, "%s", L->domains.v[c0].code);
		break;
	case STATS_M_SIZE:
		if (c0 >= 0 && c0 < N_SIZES)
			snprintf(buf, n, "%s", size_codes[c0]);
		break;
	case STATS_M_AGENCY_DOMAIN:
		if (c0 >= 0 && (size_t)c0 < L->agencies.n && c1 >= 0 && (size_t)c1 < L->domains.n)
			snprintf(buf, n, "%s x %s", L->agencies.v[c0].code, L->domains.v[c1].code);
		break;
	default:
		break;
	}
}

/*
 * Every cell of margin m with encounters in the period and no response from
 * the invitation sample, as "cell A03 x urban (2 encounters), cell ..." into
 * b; returns how many there are (those that do not fit are counted at the
 * end).  R's postStratify() names them all, so this does too.
 */
static size_t empty_cells(const struct load *L, enum stats_margin m, struct sbuf *b)
{
	size_t na = L->agencies.n, nd = L->domains.n, ncell;
	const double *pop;
	switch (m) {
	case STATS_M_AGENCY: ncell = na; pop = L->pop_agency; break;
	case STATS_M_DOMAIN: ncell = nd; pop = L->pop_domain; break;
	case STATS_M_SIZE: ncell = N_SIZES; pop = L->pop_size; break;
	case STATS_M_AGENCY_DOMAIN: ncell = na * nd; pop = L->pop_agency_domain; break;
	default: return 0;
	}
	size_t *smp = xcalloc(ncell + 1, sizeof *smp), count = 0, shown = 0;
	for (size_t i = 0; i < L->n; i++) {
		const struct stats_resp *r = &L->resp[i];
		long c = m == STATS_M_AGENCY ? r->agency : m == STATS_M_DOMAIN ? r->domain
		       : m == STATS_M_SIZE ? r->size : (long)r->agency * (long)nd + r->domain;
		if (r->sampled && c >= 0 && (size_t)c < ncell)
			smp[c]++;
	}
	for (size_t c = 0; c < ncell; c++) {
		if (!(pop[c] > 0) || smp[c] > 0)
			continue;
		char name[160];
		count++;
		cell_name(L, m, m == STATS_M_AGENCY_DOMAIN ? (long)(c / nd) : (long)c,
		          m == STATS_M_AGENCY_DOMAIN ? (long)(c % nd) : -1, name, sizeof name);
		if (b->len > 260)
			continue;
		sbuf_printf(b, "%scell %s (%.0f encounter%s)", shown ? ", " : "", name, pop[c],
		            pop[c] == 1 ? "" : "s");
		shown++;
	}
	if (count > shown)
		sbuf_printf(b, " and %zu more", count - shown);
	free(smp);
	return count;
}

/* A stats failure as a sentence naming the cells by registry code. */
void report_describe_error(const struct load *L, enum stats_err se, const struct stats_error *err,
                           char *msg, size_t msglen)
{
	char cell[160];
	cell_name(L, err->margin, err->cell[0], err->cell[1], cell, sizeof cell);
	if (se == STATS_E_EMPTY_CELL && *cell != '\0') {
		struct sbuf cells;
		sbuf_init(&cells);
		size_t k = empty_cells(L, err->margin, &cells);
		if (k > 1)
			snprintf(msg, msglen, "%zu population cells have no response (encounters "
			         "registered in the period, no answer from the invitation sample): %s; use "
			         "weighting base, or a period in which every cell has an answer", k,
			         cells.data);
		else
			snprintf(msg, msglen, "%s (cell %s): %.0f encounter%s registered in the period "
			         "but no answer from the invitation sample; use weighting base, or a "
			         "period in which every cell has an answer", stats_strerror(se), cell,
			         err->value, err->value == 1 ? "" : "s");
		sbuf_free(&cells);
	} else if (*cell == '\0' && se == STATS_E_EMPTY) {
		snprintf(msg, msglen, "%s", err->msg); /* "no response in the rake design" says it all */
	} else if (*cell == '\0') {
		snprintf(msg, msglen, "%s: %s", stats_strerror(se), err->msg);
	} else if (se == STATS_E_NO_POPULATION) {
		snprintf(msg, msglen, "%s (cell %s): answers from the invitation sample but no "
		         "encounter registered in the period", stats_strerror(se), cell);
	} else {
		snprintf(msg, msglen, "%s (cell %s): %s", stats_strerror(se), cell, err->msg);
	}
}
