/* store_review — see include/store_review.h: cases, reviewers, reviews. */
#include "store_internal.h"

const char *const case_kinds[CASE_KINDS] = {"penalty", "coercion", "inspection", "licence", "other"};
const char *const case_outcomes[CASE_OUTCOMES] = {
	"penalised", "lighter", "mitigated", "exempted", "coercion_exempted", "not_penalised", "other",
};
const char *const case_kind_names[CASE_KINDS][LANG__MAX] = {
	{"行政处罚", "Penalty"},
	{"行政强制", "Coercive measure"},
	{"行政检查", "Inspection"},
	{"行政许可", "Licence"},
	{"其他", "Other"},
};
const char *const case_outcome_names[CASE_OUTCOMES][LANG__MAX] = {
	{"予以处罚", "Penalised"},
	{"从轻处罚", "Lighter penalty"},
	{"减轻处罚", "Mitigated penalty"},
	{"不予处罚", "Exempted from penalty"},
	{"不予行政强制", "Exempted from coercive measures"},
	{"未予处罚", "Not penalised"},
	{"其他", "Other"},
};

enum review_stmt {
	R_CASE_ADD,
	R_CASE_GET,
	R_REVIEWER_ADD,
	R_CONFLICT_ADD,
	R_REVIEWER_EXISTS,
	R_CONFLICTED,
	R_REVIEWER_LIST,
	R_REVIEW_ADD,
	R_QUALITY_FILES,
	R_CASE_COUNTS,
	R_REVIEW_TOTALS,
	R_CASE_FRAME,
	R_ASSIGN_COUNT,
	R_ASSIGN_ADD,
	R__MAX
};

_Static_assert(R__MAX <= STORE_REVIEW_STMTS, "raise STORE_REVIEW_STMTS");

/* A period's ends in SQL: ?N or the earliest/latest date. */
#define FROM_DATE(N) "coalesce(" N ", '0000-00-00')"
#define TO_DATE(N) "coalesce(" N ", '9999-99-99')"

static const char *const review_sql[R__MAX] = {
	[R_CASE_ADD] = "INSERT INTO case_file (code, agency, domain, kind, decided_on, enterprise, "
	               "outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[R_CASE_GET] = "SELECT code, agency, domain, kind, decided_on, enterprise, outcome "
	               "FROM case_file WHERE code = ?",
	[R_REVIEWER_ADD] = "INSERT INTO reviewer (code, name, affiliation) VALUES (?, ?, ?)",
	[R_CONFLICT_ADD] = "INSERT OR IGNORE INTO reviewer_conflict (reviewer, agency) VALUES (?, ?)",
	[R_REVIEWER_EXISTS] = "SELECT 1 FROM reviewer WHERE code = ?",
	[R_CONFLICTED] = "SELECT 1 FROM reviewer_conflict WHERE reviewer = ? AND agency = ?",
	[R_REVIEWER_LIST] = "SELECT r.code, r.name, r.affiliation, c.agency FROM reviewer r "
	                    "LEFT JOIN reviewer_conflict c ON c.reviewer = r.code "
	                    "ORDER BY r.code, c.agency",
	[R_REVIEW_ADD] = "INSERT INTO review (case_file, reviewer, survey, version, submitted_at, "
	                 "total, defects, answers) SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
	                 "FROM case_file WHERE code = ?1",
	[R_QUALITY_FILES] = "SELECT c.code, c.agency, c.domain, c.kind, c.outcome, avg(r.total), "
	                    "max(r.defects) = 0, count(*) FROM review r "
	                    "JOIN case_file c ON c.id = r.case_file WHERE r.survey = ?1 "
	                    "AND c.decided_on >= " FROM_DATE("?2") " AND c.decided_on <= " TO_DATE("?3")
	                    " GROUP BY c.id ORDER BY c.agency, c.code",
	[R_CASE_COUNTS] = "SELECT agency, count(*) FROM case_file WHERE decided_on >= " FROM_DATE("?1")
	                  " AND decided_on <= " TO_DATE("?2") " GROUP BY agency ORDER BY agency",
	[R_REVIEW_TOTALS] = "SELECT c.code, c.agency, r.reviewer, r.total, r.defects FROM review r "
	                    "JOIN case_file c ON c.id = r.case_file WHERE r.survey = ? "
	                    "ORDER BY c.code, r.submitted_at, r.id",
	[R_CASE_FRAME] = "SELECT code, agency, domain, kind, decided_on, enterprise, outcome FROM case_file "
	                 "WHERE decided_on >= " FROM_DATE("?1") " AND decided_on <= " TO_DATE("?2")
	                 " ORDER BY agency, kind, code",
	[R_ASSIGN_COUNT] = "SELECT count(*) FROM review_assignment WHERE survey = ?",
	[R_ASSIGN_ADD] = "INSERT INTO review_assignment (case_file, survey, reviewer, round, seed) "
	                 "SELECT id, ?2, ?3, ?4, ?5 FROM case_file WHERE code = ?1",
};

/* The statement for id, prepared on first use, reset and unbound. */
static sqlite3_stmt *rstmt(struct store *s, enum review_stmt id)
{
	if (s->review_stmt[id] == NULL &&
	    sqlite3_prepare_v3(s->db, review_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
	                       &s->review_stmt[id], NULL) != SQLITE_OK) {
		/* SQL text is ours: a failure here is a programming error. */
		fprintf(stderr, "manyi: cannot prepare review statement %d: %s\n", (int)id,
		        sqlite3_errmsg(s->db));
		abort();
	}
	sqlite3_reset(s->review_stmt[id]);
	sqlite3_clear_bindings(s->review_stmt[id]);
	return s->review_stmt[id];
}

void store_review_close(struct store *s)
{
	for (int i = 0; i < STORE_REVIEW_STMTS; i++) {
		sqlite3_finalize(s->review_stmt[i]);
		s->review_stmt[i] = NULL;
	}
}

enum store_err store_case_add(struct store *s, const struct case_file *c)
{
	sqlite3_stmt *st = rstmt(s, R_CASE_ADD);
	bind_text(st, 1, c->id);
	bind_text(st, 2, c->agency);
	bind_text(st, 3, c->domain);
	bind_text(st, 4, c->kind);
	bind_text(st, 5, c->decided_on);
	sqlite3_bind_int(st, 6, c->enterprise);
	bind_text(st, 7, c->outcome);
	return step_done(st);
}

/* The case of the row st stands on (code, agency, domain, kind, decided_on, enterprise, outcome). */
static void case_row(sqlite3_stmt *st, struct case_file *c)
{
	col_copy(st, 0, c->id, sizeof c->id);
	col_copy(st, 1, c->agency, sizeof c->agency);
	col_copy(st, 2, c->domain, sizeof c->domain);
	col_copy(st, 3, c->kind, sizeof c->kind);
	col_copy(st, 4, c->decided_on, sizeof c->decided_on);
	c->enterprise = sqlite3_column_int(st, 5) != 0;
	col_copy(st, 6, c->outcome, sizeof c->outcome);
}

enum store_err store_case_get(struct store *s, const char *id, struct case_file *c)
{
	sqlite3_stmt *st = rstmt(s, R_CASE_GET);
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		case_row(st, c);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_reviewer_add(struct store *s, const char *code, const char *name,
                                  const char *affiliation, const char *const *conflicts,
                                  size_t n)
{
	bool own = sqlite3_get_autocommit(s->db) != 0;
	enum store_err e = own ? store_begin(s) : STORE_OK;
	if (e != STORE_OK)
		return e;
	sqlite3_stmt *st = rstmt(s, R_REVIEWER_ADD);
	bind_text(st, 1, code);
	bind_text(st, 2, name);
	bind_text(st, 3, affiliation != NULL ? affiliation : "");
	e = step_done(st);
	for (size_t i = 0; i < n && e == STORE_OK; i++) {
		st = rstmt(s, R_CONFLICT_ADD);
		bind_text(st, 1, code);
		bind_text(st, 2, conflicts[i]);
		e = step_done(st);
	}
	return own_end(s, own, e);
}

/* Does the one-row query st (bound) give a row?  Into *yes. */
static enum store_err any_row(sqlite3_stmt *st, bool *yes)
{
	int rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_reviewer_exists(struct store *s, const char *code, bool *exists)
{
	sqlite3_stmt *st = rstmt(s, R_REVIEWER_EXISTS);
	bind_text(st, 1, code);
	return any_row(st, exists);
}

enum store_err store_reviewer_conflicted(struct store *s, const char *reviewer,
                                         const char *agency, bool *conflicted)
{
	sqlite3_stmt *st = rstmt(s, R_CONFLICTED);
	bind_text(st, 1, reviewer);
	bind_text(st, 2, agency);
	return any_row(st, conflicted);
}

enum store_err store_reviewer_list(struct store *s, struct reviewer_list *out)
{
	sqlite3_stmt *st = rstmt(s, R_REVIEWER_LIST);
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		struct reviewer *r = out->n > 0 ? &out->v[out->n - 1] : NULL;
		if (r == NULL || strcmp(r->code, code) != 0) {
			out->v = xgrow(out->v, out->n, &cap, sizeof *out->v, 8);
			r = &out->v[out->n++];
			memset(r, 0, sizeof *r);
			snprintf(r->code, sizeof r->code, "%s", code);
			r->name = xstrdup((const char *)sqlite3_column_text(st, 1));
			r->affiliation = xstrdup((const char *)sqlite3_column_text(st, 2));
		}
		const char *agency = col_or_null(st, 3);
		if (agency != NULL) {
			r->conflicts = xrealloc(r->conflicts, (r->nconflicts + 1) * sizeof *r->conflicts);
			r->conflicts[r->nconflicts++] = xstrdup(agency);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		reviewer_list_free(out);
		return map_rc(rc);
	}
	return STORE_OK;
}

void reviewer_list_free(struct reviewer_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].affiliation);
		for (size_t k = 0; k < l->v[i].nconflicts; k++)
			free(l->v[i].conflicts[k]);
		free(l->v[i].conflicts);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

enum store_err store_review_add(struct store *s, const struct review_row *r)
{
	sqlite3_stmt *st = rstmt(s, R_REVIEW_ADD);
	bind_text(st, 1, r->case_id);
	bind_text(st, 2, r->reviewer);
	bind_text(st, 3, r->survey);
	sqlite3_bind_int(st, 4, r->version);
	bind_text(st, 5, r->submitted_at);
	sqlite3_bind_int(st, 6, r->total);
	sqlite3_bind_int(st, 7, r->defects);
	bind_text(st, 8, r->answers);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) == 0)
		e = STORE_ERR_NOTFOUND;
	return e;
}

enum store_err store_quality_files(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct quality_file *f),
                                   void *ctx)
{
	sqlite3_stmt *st = rstmt(s, R_QUALITY_FILES);
	int rc;

	bind_text(st, 1, survey);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct quality_file f = {
			.case_id = (const char *)sqlite3_column_text(st, 0),
			.agency = (const char *)sqlite3_column_text(st, 1),
			.domain = (const char *)sqlite3_column_text(st, 2),
			.kind = (const char *)sqlite3_column_text(st, 3),
			.outcome = (const char *)sqlite3_column_text(st, 4),
			.total = sqlite3_column_double(st, 5),
			.ok = sqlite3_column_int(st, 6) != 0,
			.reviews = sqlite3_column_int(st, 7),
		};
		if (!fn(ctx, &f)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_case_counts(struct store *s, const char *from, const char *to,
                                 bool (*fn)(void *ctx, const char *agency, long long n),
                                 void *ctx)
{
	sqlite3_stmt *st = rstmt(s, R_CASE_COUNTS);
	int rc;

	bind_text(st, 1, from);
	bind_text(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!fn(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_review_totals(struct store *s, const char *survey,
                                   bool (*fn)(void *ctx, const struct review_total *t), void *ctx)
{
	sqlite3_stmt *st = rstmt(s, R_REVIEW_TOTALS);
	int rc;

	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct review_total t = {
			.case_id = (const char *)sqlite3_column_text(st, 0),
			.agency = (const char *)sqlite3_column_text(st, 1),
			.reviewer = (const char *)sqlite3_column_text(st, 2),
			.total = sqlite3_column_int(st, 3),
			.defects = sqlite3_column_int(st, 4),
		};
		if (!fn(ctx, &t)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_case_frame(struct store *s, const char *from, const char *to,
                                bool (*fn)(void *ctx, const struct case_file *c), void *ctx)
{
	sqlite3_stmt *st = rstmt(s, R_CASE_FRAME);
	struct case_file c;
	int rc;

	bind_text(st, 1, from);
	bind_text(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		case_row(st, &c);
		if (!fn(ctx, &c)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_assignment_count(struct store *s, const char *survey, long long *n)
{
	sqlite3_stmt *st = rstmt(s, R_ASSIGN_COUNT);
	bind_text(st, 1, survey);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : map_rc(rc);
}

enum store_err store_assignment_add(struct store *s, const char *case_id, const char *survey,
                                    const char *reviewer, int round, unsigned long seed)
{
	sqlite3_stmt *st = rstmt(s, R_ASSIGN_ADD);
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	bind_text(st, 3, reviewer);
	sqlite3_bind_int(st, 4, round);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)seed);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) == 0)
		e = STORE_ERR_NOTFOUND;
	return e;
}
