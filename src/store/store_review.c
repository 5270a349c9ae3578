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
	R_QUEUE,
	R_DRAFT_PUT,
	R_DRAFT_GET,
	R_DRAFT_DELETE,
	R_REVIEW_ANSWERS,
	R_PROGRESS_REVIEWER,
	R_PROGRESS_AGENCY,
	R_ADJUDICATION_ADD,
	R_CASE_REVIEWERS,
	R_ADJUDICATION_KIND,
	R__MAX
};

_Static_assert(R__MAX <= STORE_REVIEW_STMTS, "raise STORE_REVIEW_STMTS");

/* A period's ends in SQL: ?N or the earliest/latest date. */
#define FROM_DATE(N) "coalesce(" N ", '0000-00-00')"
#define TO_DATE(N) "coalesce(" N ", '9999-99-99')"

/* An assignment's state: 2 submitted, 1 a draft saved, 0 neither. */
#define ASSIGN_STATE(A) \
	"CASE WHEN EXISTS (SELECT 1 FROM review r WHERE r.case_file = " A ".case_file AND " \
	"r.reviewer = " A ".reviewer AND r.survey = " A ".survey) THEN 2 WHEN EXISTS (SELECT 1 FROM " \
	"review_draft d WHERE d.case_file = " A ".case_file AND d.reviewer = " A ".reviewer AND " \
	"d.survey = " A ".survey) THEN 1 ELSE 0 END"
/* The counts of a group of assignments a: assigned, drafts, submitted. */
#define PROGRESS_COUNTS \
	"count(a.case_file), coalesce(sum(" ASSIGN_STATE("a") " = 1), 0), " \
	"coalesce(sum(" ASSIGN_STATE("a") " = 2), 0)"

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
	/* A panel decision replaces the file's total and ok; after a third
	 * review the file is ok when fewer than half its reviews flag a major
	 * defect (two of three decide); else when none does (docs/statistics.md §9). */
	[R_QUALITY_FILES] = "SELECT c.code, c.agency, c.domain, c.kind, c.outcome, "
	                    "CASE WHEN j.kind = 'panel' THEN j.total ELSE avg(r.total) END, "
	                    "CASE WHEN j.kind = 'panel' THEN j.defect = 0 "
	                    "WHEN j.kind = 'third' THEN 2 * sum(r.defects > 0) < count(*) "
	                    "ELSE max(r.defects) = 0 END, count(*) FROM review r "
	                    "JOIN case_file c ON c.id = r.case_file LEFT JOIN adjudication j "
	                    "ON j.case_file = c.id AND j.survey = r.survey WHERE r.survey = ?1 "
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
	/* A reviewer's assignments (?2 NULL) or one case's (?2 its code), by state, agency, case. */
	[R_QUEUE] = "SELECT c.code, c.agency, c.domain, c.kind, c.decided_on, c.enterprise, c.outcome, "
	            "a.survey, a.round, " ASSIGN_STATE("a") " AS state FROM review_assignment a "
	            "JOIN case_file c ON c.id = a.case_file WHERE a.reviewer = ?1 "
	            "AND (?2 IS NULL OR c.code = ?2) ORDER BY state, c.agency, c.code, a.survey",
	[R_DRAFT_PUT] = "INSERT INTO review_draft (case_file, survey, reviewer, answers) "
	                "SELECT id, ?2, ?3, ?4 FROM case_file WHERE code = ?1 "
	                "ON CONFLICT (case_file, survey, reviewer) DO UPDATE SET answers = excluded.answers, "
	                "saved_at = excluded.saved_at",
	[R_DRAFT_GET] = "SELECT d.answers FROM review_draft d JOIN case_file c ON c.id = d.case_file "
	                "WHERE c.code = ?1 AND d.survey = ?2 AND d.reviewer = ?3",
	[R_DRAFT_DELETE] = "DELETE FROM review_draft WHERE case_file = (SELECT id FROM case_file "
	                   "WHERE code = ?1) AND survey = ?2 AND reviewer = ?3",
	[R_REVIEW_ANSWERS] = "SELECT r.answers FROM review r JOIN case_file c ON c.id = r.case_file "
	                     "WHERE c.code = ?1 AND r.survey = ?2 AND r.reviewer = ?3",
	[R_PROGRESS_REVIEWER] = "SELECT v.code, v.name, v.name, " PROGRESS_COUNTS " FROM reviewer v "
	                        "LEFT JOIN review_assignment a ON a.reviewer = v.code AND a.survey = ?1 "
	                        "GROUP BY v.code ORDER BY v.code",
	[R_PROGRESS_AGENCY] = "SELECT g.code, g.name_zh, g.name_en, " PROGRESS_COUNTS " FROM "
	                      "review_assignment a JOIN case_file c ON c.id = a.case_file "
	                      "JOIN agency g ON g.code = c.agency WHERE a.survey = ?1 "
	                      "GROUP BY g.code ORDER BY g.code",
	[R_ADJUDICATION_ADD] = "INSERT INTO adjudication (case_file, survey, kind, reviewer, total, defect, "
	                       "note) SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 FROM case_file WHERE code = ?1",
	[R_ADJUDICATION_KIND] = "SELECT j.kind FROM adjudication j JOIN case_file c ON c.id = j.case_file "
	                        "WHERE c.code = ?1 AND j.survey = ?2",
	/* Whoever reviewed or was assigned the case for the survey. */
	[R_CASE_REVIEWERS] = "SELECT a.reviewer FROM review_assignment a JOIN case_file c "
	                     "ON c.id = a.case_file WHERE c.code = ?1 AND a.survey = ?2 UNION "
	                     "SELECT r.reviewer FROM review r JOIN case_file c ON c.id = r.case_file "
	                     "WHERE c.code = ?1 AND r.survey = ?2",
};

/* The statement for id, prepared on first use, reset and unbound. */
static sqlite3_stmt *rstmt(struct store *s, enum review_stmt id)
{
	return stmt_prepared(s, &s->review_stmt[id], review_sql[id]);
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

/* The queue row st stands on. */
static void queue_row(sqlite3_stmt *st, struct review_assigned *q)
{
	case_row(st, &q->file);
	col_copy(st, 7, q->survey, sizeof q->survey);
	q->round = sqlite3_column_int(st, 8);
	q->state = (enum review_state)sqlite3_column_int(st, 9);
}

enum store_err store_review_queue(struct store *s, const char *reviewer,
                                  bool (*fn)(void *ctx, const struct review_assigned *q), void *ctx)
{
	sqlite3_stmt *st = rstmt(s, R_QUEUE);
	struct review_assigned q;
	int rc;

	bind_text(st, 1, reviewer);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		queue_row(st, &q);
		if (!fn(ctx, &q)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_review_assigned(struct store *s, const char *reviewer, const char *case_id,
                                     struct review_assigned *q)
{
	sqlite3_stmt *st = rstmt(s, R_QUEUE);
	bind_text(st, 1, reviewer);
	bind_text(st, 2, case_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		queue_row(st, q);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_draft_put(struct store *s, const char *case_id, const char *survey,
                               const char *reviewer, const char *answers)
{
	sqlite3_stmt *st = rstmt(s, R_DRAFT_PUT);
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	bind_text(st, 3, reviewer);
	bind_text(st, 4, answers);
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) == 0)
		e = STORE_ERR_NOTFOUND;
	return e;
}

/* The one text column of the one-row query st (bound), copied into *out. */
static enum store_err one_text(sqlite3_stmt *st, char **out)
{
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? xstrdup((const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}

enum store_err store_draft_get(struct store *s, const char *case_id, const char *survey,
                               const char *reviewer, char **answers)
{
	sqlite3_stmt *st = rstmt(s, R_DRAFT_GET);
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	bind_text(st, 3, reviewer);
	return one_text(st, answers);
}

enum store_err store_draft_delete(struct store *s, const char *case_id, const char *survey,
                                  const char *reviewer)
{
	sqlite3_stmt *st = rstmt(s, R_DRAFT_DELETE);
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	bind_text(st, 3, reviewer);
	return step_done(st);
}

enum store_err store_review_answers(struct store *s, const char *case_id, const char *survey,
                                    const char *reviewer, char **answers)
{
	sqlite3_stmt *st = rstmt(s, R_REVIEW_ANSWERS);
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	bind_text(st, 3, reviewer);
	return one_text(st, answers);
}

enum store_err store_review_progress(struct store *s, const char *survey, bool by_agency,
                                     bool (*fn)(void *ctx, const struct review_progress *p),
                                     void *ctx)
{
	sqlite3_stmt *st = rstmt(s, by_agency ? R_PROGRESS_AGENCY : R_PROGRESS_REVIEWER);
	int rc;

	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct review_progress p = {
			.code = (const char *)sqlite3_column_text(st, 0),
			.name = {(const char *)sqlite3_column_text(st, 1),
			         (const char *)sqlite3_column_text(st, 2)},
			.assigned = sqlite3_column_int64(st, 3),
			.drafts = sqlite3_column_int64(st, 4),
			.submitted = sqlite3_column_int64(st, 5),
		};
		if (!fn(ctx, &p)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_adjudication_add(struct store *s, const char *case_id, const char *survey,
                                      const char *reviewer, int total, int defect, const char *note)
{
	sqlite3_stmt *st = rstmt(s, R_ADJUDICATION_ADD);
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	bind_text(st, 3, reviewer != NULL ? "third" : "panel");
	bind_text(st, 4, reviewer);
	if (reviewer == NULL) {
		sqlite3_bind_int(st, 5, total);
		sqlite3_bind_int(st, 6, defect);
	}
	bind_text(st, 7, note != NULL ? note : "");
	enum store_err e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) == 0)
		e = STORE_ERR_NOTFOUND;
	return e;
}

enum store_err store_case_reviewer(struct store *s, const char *case_id, const char *survey,
                                   const char *reviewer, bool *involved)
{
	sqlite3_stmt *st = rstmt(s, R_CASE_REVIEWERS);
	int rc;

	*involved = false;
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (strcmp((const char *)sqlite3_column_text(st, 0), reviewer) == 0)
			*involved = true;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_adjudication_kind(struct store *s, const char *case_id, const char *survey,
                                       char kind[8])
{
	sqlite3_stmt *st = rstmt(s, R_ADJUDICATION_KIND);
	bind_text(st, 1, case_id);
	bind_text(st, 2, survey);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		col_copy(st, 0, kind, 8);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}
