/* store — the registry, survey definitions and publications; see include/store.h. */
#include "store_internal.h"

const char *registry_kind_name(enum registry_kind k)
{
	return k == REGISTRY_DOMAIN ? "domain" : "agency";
}

enum store_err store_registry_put(struct store *s, enum registry_kind k,
                                  const char *code, const char *name_zh,
                                  const char *name_en, bool *created)
{
	if (created != NULL) {
		bool exists;
		enum store_err e = store_registry_exists(s, k, code, &exists);
		if (e != STORE_OK)
			return e;
		*created = !exists;
	}
	sqlite3_stmt *st = stmt_get(s, k == REGISTRY_DOMAIN ? STMT_DOMAIN_UPSERT : STMT_AGENCY_UPSERT);
	bind_text(st, 1, code);
	bind_text(st, 2, name_zh);
	bind_text(st, 3, name_en);
	return step_done(st);
}

/* Every registered code is in the dictionary from the moment it is
 * registered (a trigger adds it), and stays: the dictionary answers. */
enum store_err store_registry_exists(struct store *s, enum registry_kind k, const char *code,
                                     bool *exists)
{
	long long id;
	enum store_err e = code_id(s, k == REGISTRY_DOMAIN ? CODE_DOMAIN : CODE_AGENCY, code, false, &id);
	*exists = e == STORE_OK && id > 0;
	return e == STORE_ERR_NOTFOUND ? STORE_OK : e;
}

enum store_err store_registry_list(struct store *s, enum registry_kind k,
                                   struct registry_list *out)
{
	sqlite3_stmt *st = stmt_get(s, k == REGISTRY_DOMAIN ? STMT_DOMAIN_LIST : STMT_AGENCY_LIST);
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xgrow(out->v, out->n, &cap, sizeof *out->v, 32);
		struct registry_entry *r = &out->v[out->n++];
		r->code = xstrdup((const char *)sqlite3_column_text(st, 0));
		r->name[LANG_ZH] = xstrdup((const char *)sqlite3_column_text(st, 1));
		r->name[LANG_EN] = xstrdup((const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		registry_list_free(out);
		return map_rc(rc);
	}
	return STORE_OK;
}

void registry_list_free(struct registry_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].code);
		for (int j = 0; j < LANG__MAX; j++)
			free(l->v[i].name[j]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

enum store_err store_agency_domain_clear(struct store *s, size_t *removed)
{
	enum store_err e = step_done(stmt_get(s, STMT_AGENCY_DOMAIN_CLEAR));
	if (removed != NULL)
		*removed = e == STORE_OK ? (size_t)sqlite3_changes(s->db) : 0;
	return e;
}

enum store_err store_agency_domain_add(struct store *s, const char *agency, const char *domain)
{
	sqlite3_stmt *st = stmt_get(s, STMT_AGENCY_DOMAIN_INSERT);
	bind_text(st, 1, agency);
	bind_text(st, 2, domain);
	return step_done(st);
}

enum store_err store_agency_domain_allowed(struct store *s, const char *agency,
                                           const char *domain, bool *allowed)
{
	sqlite3_stmt *st = stmt_get(s, STMT_AGENCY_DOMAIN_ALLOWED);
	bind_text(st, 1, agency);
	bind_text(st, 2, domain);
	int rc = sqlite3_step(st);
	*allowed = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : map_rc(rc);
}

enum store_err store_agency_domain_list(struct store *s, struct agency_domain_list *out)
{
	sqlite3_stmt *st = stmt_get(s, STMT_AGENCY_DOMAIN_LIST);
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xgrow(out->v, out->n, &cap, sizeof *out->v, 64);
		struct agency_domain *p = &out->v[out->n++];
		p->agency = xstrdup((const char *)sqlite3_column_text(st, 0));
		p->domain = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		agency_domain_list_free(out);
		return map_rc(rc);
	}
	return STORE_OK;
}

void agency_domain_list_free(struct agency_domain_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].agency);
		free(l->v[i].domain);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

enum store_err store_survey_put(struct store *s, const struct survey *sv,
                                int *version, bool *created)
{
	enum store_err e;
	sqlite3_stmt *st;
	bool own = sqlite3_get_autocommit(s->db);

	*created = false;
	if (own && (e = store_begin(s)) != STORE_OK)
		return e;

	/* The latest version is the one served: only it counts as unchanged. */
	st = stmt_get(s, STMT_SURVEY_LATEST);
	bind_text(st, 1, sv->id);
	int rc = sqlite3_step(st);
	int latest = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	bool same = rc == SQLITE_ROW && sqlite3_column_text(st, 1) != NULL &&
	            strcmp((const char *)sqlite3_column_text(st, 1), sv->canonical) == 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		e = map_rc(rc);
		goto done;
	}
	if (same) {
		*version = latest;
		e = STORE_OK;
		goto done;
	}
	*version = sv->version > latest ? sv->version : latest + 1;

	st = stmt_get(s, STMT_SURVEY_INSERT);
	bind_text(st, 1, sv->id);
	sqlite3_bind_int(st, 2, *version);
	bind_text(st, 3, sv->canonical);
	if ((e = step_done(st)) == STORE_OK)
		*created = true;
done:
	e = own_end(s, own, e);
	return e;
}

enum store_err store_survey_same_as(struct store *s, const struct survey *sv, int below,
                                    int *version)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_FIND);
	bind_text(st, 1, sv->id);
	bind_text(st, 2, sv->canonical);
	sqlite3_bind_int(st, 3, below);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return e;
}

enum store_err store_survey_version(struct store *s, const char *id, int *version)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_MAXVER);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return map_rc(rc);
}

enum store_err store_survey_latest(struct store *s, const char *id,
                                   int *version, char **definition)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_LATEST);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	enum store_err e;
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		*definition = xstrdup((const char *)sqlite3_column_text(st, 1));
		e = STORE_OK;
	} else {
		e = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_each_survey_version(struct store *s, const char *id,
                                        bool (*fn)(void *ctx, int version, const char *definition),
                                        void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_VERSIONS);
	bool any = false;
	int rc;
	bind_text(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		any = true;
		if (!fn(ctx, sqlite3_column_int(st, 0), (const char *)sqlite3_column_text(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return map_rc(rc);
	return any ? STORE_OK : STORE_ERR_NOTFOUND;
}

enum store_err store_survey_ids(struct store *s, char ***ids, size_t *n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_IDS);
	size_t cap = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xgrow(*ids, *n, &cap, sizeof **ids, 8);
		(*ids)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_publication_add(struct store *s, const char *survey, const char *query,
                                     const char *result, long long *id)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_ADD);
	bind_text(st, 1, survey);
	bind_text(st, 2, query);
	bind_text(st, 3, result);
	enum store_err e = step_done(st);
	if (e == STORE_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return e;
}

enum store_err store_publication_get(struct store *s, const char *query, char **result,
                                     char *published_at, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_GET);
	bind_text(st, 1, query);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		*result = xstrdup((const char *)sqlite3_column_text(st, 0));
		col_copy(st, 1, published_at, n);
	}
	sqlite3_reset(st);
	return e;
}

enum store_err store_publication_list(struct store *s, const char *survey,
                                      bool (*fn)(void *ctx, const char *query, const char *at,
                                                 long long head_id, const char *head_hash),
                                      void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_LIST);
	int rc;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		        sqlite3_column_int64(st, 2), col_or_null(st, 3))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_publication_count(struct store *s, const char *query, int *versions,
                                       char *latest_at, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_COUNT);
	bind_text(st, 1, query);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*versions = sqlite3_column_int(st, 0);
		col_copy(st, 1, latest_at, n);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_publication_version(struct store *s, const char *query, int version,
                                         char **result, char *published_at, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_PUBLICATION_VERSION);
	bind_text(st, 1, query);
	sqlite3_bind_int(st, 2, version);
	int rc = version >= 1 ? sqlite3_step(st) : SQLITE_DONE;
	enum store_err e = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (rc == SQLITE_ROW) {
		*result = xstrdup((const char *)sqlite3_column_text(st, 0));
		col_copy(st, 1, published_at, n);
		e = STORE_OK;
	}
	sqlite3_reset(st);
	return e;
}
