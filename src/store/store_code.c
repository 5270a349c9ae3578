/*
 * store — the dictionary of short texts (table code), the scale items of a
 * survey version (table survey_item), and the registry's counts pending
 * commit (table population); see store_internal.h.
 */
#include "store_internal.h"

static const char *const kind_names[CODE__MAX] = {
	[CODE_SURVEY] = "survey",     [CODE_AGENCY] = "agency",   [CODE_DOMAIN] = "domain",
	[CODE_SIZE] = "size",         [CODE_DISTRICT] = "district", [CODE_OUTCOME] = "outcome",
	[CODE_CHANNEL] = "channel",
};

static int kind_of(const char *name)
{
	for (int k = 0; k < CODE__MAX; k++)
		if (name != NULL && strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

static uint64_t code_hash(int kind, const char *text)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 1099511628211ULL;
	return h;
}

static void slot_put(struct code_cache *c, long long id)
{
	size_t j = code_hash(c->kind[id], c->text[id]) & (c->nslots - 1);
	while (c->slot[j] != 0)
		j = (j + 1) & (c->nslots - 1);
	c->slot[j] = id;
}

/* Remember entry id (kind, text) read from or written to the table. */
static void cache_put(struct code_cache *c, long long id, int kind, const char *text)
{
	if ((size_t)id >= c->n) {
		size_t n = c->n ? c->n : 64;
		while (n <= (size_t)id)
			n *= 2;
		c->text = xrealloc(c->text, n * sizeof *c->text);
		c->kind = xrealloc(c->kind, n);
		memset(c->text + c->n, 0, (n - c->n) * sizeof *c->text);
		memset(c->kind + c->n, 0, n - c->n);
		c->n = n;
	}
	if (c->text[id] != NULL)
		return;
	c->text[id] = xstrdup(text);
	c->kind[id] = (unsigned char)kind;
	if ((c->used + 1) * 2 > c->nslots) {
		size_t ns = c->nslots ? c->nslots * 2 : 128;
		free(c->slot);
		c->slot = xcalloc(ns, sizeof *c->slot);
		c->nslots = ns;
		for (size_t i = 1; i < c->n; i++)
			if (c->text[i] != NULL && (long long)i != id)
				slot_put(c, (long long)i);
	}
	slot_put(c, id);
	c->used++;
}

/* Read the entries not cached yet (ids after the highest one cached). */
static enum store_err cache_load(struct store *s)
{
	struct code_cache *c = &s->codes;
	long long after = 0;
	for (size_t i = c->n; i-- > 1;)
		if (c->text[i] != NULL) {
			after = (long long)i;
			break;
		}
	sqlite3_stmt *st = stmt_get(s, STMT_CODE_LOAD);
	sqlite3_bind_int64(st, 1, after);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = kind_of((const char *)sqlite3_column_text(st, 1));
		const char *t = (const char *)sqlite3_column_text(st, 2);
		if (k >= 0 && t != NULL)
			cache_put(c, sqlite3_column_int64(st, 0), k, t);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

static long long cache_find(const struct code_cache *c, int kind, const char *text)
{
	if (c->nslots == 0)
		return 0;
	size_t j = code_hash(kind, text) & (c->nslots - 1);
	for (long long id; (id = c->slot[j]) != 0; j = (j + 1) & (c->nslots - 1))
		if (c->kind[id] == kind && strcmp(c->text[id], text) == 0)
			return id;
	return 0;
}

enum store_err code_id(struct store *s, enum code_kind kind, const char *text, bool add,
                       long long *id)
{
	enum store_err e;
	*id = 0;
	if (text == NULL)
		return STORE_OK;
	if ((*id = cache_find(&s->codes, (int)kind, text)) != 0)
		return STORE_OK;
	if ((e = cache_load(s)) != STORE_OK)
		return e;
	if ((*id = cache_find(&s->codes, (int)kind, text)) != 0)
		return STORE_OK;
	if (!add)
		return STORE_ERR_NOTFOUND;
	sqlite3_stmt *st = stmt_get(s, STMT_CODE_ADD);
	bind_text(st, 1, kind_names[kind]);
	bind_text(st, 2, text);
	if ((e = step_done(st)) != STORE_OK)
		return e;
	*id = sqlite3_last_insert_rowid(s->db);
	cache_put(&s->codes, *id, (int)kind, text);
	s->uncommitted = true; /* gone again if the transaction is */
	return STORE_OK;
}

const char *code_text(struct store *s, long long id)
{
	if (id <= 0)
		return NULL;
	if ((size_t)id >= s->codes.n || s->codes.text[id] == NULL)
		cache_load(s);
	return (size_t)id < s->codes.n ? s->codes.text[id] : NULL;
}

void code_forget(struct store *s)
{
	struct code_cache *c = &s->codes;
	for (size_t i = 0; i < c->n; i++)
		free(c->text[i]);
	free(c->text);
	free(c->kind);
	free(c->slot);
	memset(c, 0, sizeof *c);
}

enum store_err scale_items(struct store *s, const char *survey, int version,
                           const struct scale_items **out)
{
	for (size_t i = 0; i < s->nscales; i++)
		if (s->scales[i].version == version && strcmp(s->scales[i].survey, survey) == 0) {
			*out = &s->scales[i];
			return STORE_OK;
		}
	struct scale_items m = {.survey = xstrdup(survey), .version = version};
	sqlite3_stmt *st = stmt_get(s, STMT_SCALE_ITEMS);
	bind_text(st, 1, survey);
	sqlite3_bind_int(st, 2, version);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t pos = (size_t)sqlite3_column_int64(st, 0);
		if (pos >= m.n) {
			m.item = xrealloc(m.item, (pos + 1) * sizeof *m.item);
			memset(m.item + m.n, 0, (pos + 1 - m.n) * sizeof *m.item);
			m.n = pos + 1;
		}
		m.item[pos] = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || m.n == 0) {
		/* None is not remembered: the version may be stored later. */
		static const struct scale_items none;
		for (size_t i = 0; i < m.n; i++)
			free(m.item[i]);
		free(m.item);
		free(m.survey);
		*out = &none;
		return map_rc(rc);
	}
	s->scales = xrealloc(s->scales, (s->nscales + 1) * sizeof *s->scales);
	/* Read in a transaction that writes: perhaps a version not committed yet. */
	if (sqlite3_txn_state(s->db, NULL) == SQLITE_TXN_WRITE)
		s->uncommitted = true;
	s->scales[s->nscales] = m;
	*out = &s->scales[s->nscales++];
	return STORE_OK;
}

static uint64_t pop_hash(long long day, long long a, long long d, long long z)
{
	uint64_t h = (uint64_t)day * 0x9E3779B97F4A7C15ULL;
	h ^= (uint64_t)a * 0xC2B2AE3D27D4EB4FULL + (h << 6);
	h ^= (uint64_t)d * 0x165667B19E3779F9ULL + (h >> 3);
	h ^= (uint64_t)z * 0x27D4EB2F165667C5ULL;
	return h ^ (h >> 29);
}

static struct pop_cell *pop_slot(struct pop_cell *v, size_t n, long long day, long long a,
                                 long long d, long long z)
{
	size_t j = pop_hash(day, a, d, z) & (n - 1);
	while (v[j].n != 0 &&
	       !(v[j].day == day && v[j].agency == a && v[j].domain == d && v[j].size == z))
		j = (j + 1) & (n - 1);
	return &v[j];
}

void pop_cells_add(struct pop_cells *t, long long day, long long agency, long long domain,
                   long long size, long long n)
{
	if ((t->used + 1) * 2 > t->cap) {
		size_t ns = t->cap ? t->cap * 2 : 1024;
		struct pop_cell *v = xcalloc(ns, sizeof *v);
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].n != 0)
				*pop_slot(v, ns, t->v[i].day, t->v[i].agency, t->v[i].domain, t->v[i].size) =
				    t->v[i];
		free(t->v);
		t->v = v;
		t->cap = ns;
	}
	struct pop_cell *c = pop_slot(t->v, t->cap, day, agency, domain, size);
	if (c->n == 0) {
		*c = (struct pop_cell){day, agency, domain, size, 0};
		t->used++;
	}
	c->n += n;
}

void pop_add(struct store *s, long long day, long long agency, long long domain, long long size)
{
	pop_cells_add(&s->pop, day, agency, domain, size, 1);
}

enum store_err pop_flush(struct store *s)
{
	enum store_err e = STORE_OK;
	for (size_t i = 0; i < s->pop.cap && e == STORE_OK; i++) {
		const struct pop_cell *c = &s->pop.v[i];
		if (c->n == 0)
			continue;
		sqlite3_stmt *st = stmt_get(s, STMT_POP_ADD);
		sqlite3_bind_int64(st, 1, c->day);
		sqlite3_bind_int64(st, 2, c->agency);
		sqlite3_bind_int64(st, 3, c->domain);
		sqlite3_bind_int64(st, 4, c->size);
		sqlite3_bind_int64(st, 5, c->n);
		e = step_done(st);
	}
	if (e == STORE_OK) {
		free(s->pop.v);
		memset(&s->pop, 0, sizeof s->pop);
	}
	return e;
}

void store_forget(struct store *s)
{
	free(s->pop.v);
	memset(&s->pop, 0, sizeof s->pop);
	s->last_code[0] = '\0';
	code_forget(s);
	for (size_t i = 0; i < s->nscales; i++) {
		for (size_t j = 0; j < s->scales[i].n; j++)
			free(s->scales[i].item[j]);
		free(s->scales[i].item);
		free(s->scales[i].survey);
	}
	free(s->scales);
	s->scales = NULL;
	s->nscales = 0;
}
