/* store_digest — see include/store_digest.h: the canonical text of an evaluation's inputs. */
#include <stdlib.h>
#include <string.h>

#include "store_digest.h"
#include "store_internal.h"

/* The day numbers (days since 1970-01-01) of year ?1, in SQL. */
#define YEAR_FROM "CAST(julianday(printf('%04d-01-01', ?1)) - 2440587.5 AS INTEGER)"
#define YEAR_TO "CAST(julianday(printf('%04d-12-31', ?1)) - 2440587.5 AS INTEGER)"
#define CODE(X) "(SELECT text FROM code WHERE id = " X ")"

static const struct {
	const char *name;
	const char *table; /* the table that must exist, else no lines */
	const char *sql;   /* ?1 is the year */
} parts[INPUT__MAX] = {
	[INPUT_ANSWERS] = {"answers", "resp",
		"SELECT " CODE("r.survey") ", r.public_id, r.version, " CODE("r.channel") ", "
		CODE("r.agency") ", " CODE("r.domain") ", " CODE("r.size") ", " CODE("r.outcome")
		", r.day, r.nums FROM resp r WHERE r.day BETWEEN " YEAR_FROM " AND " YEAR_TO
		/* as the statistics read them: an excluded answer is not one */
		" AND NOT EXISTS (SELECT 1 FROM exclusion x WHERE x.resp = r.id)"},
	[INPUT_ENCOUNTERS] = {"encounters", "population",
		"SELECT p.day, " CODE("p.agency") ", " CODE("p.domain") ", " CODE("p.size")
		", p.n FROM population p WHERE p.day BETWEEN " YEAR_FROM " AND " YEAR_TO},
	[INPUT_DISPOSITIONS] = {"dispositions", "disposition",
		"SELECT e.code, " CODE("d.survey") ", d.outcome, d.attempts FROM disposition d "
		"JOIN enc e ON e.id = d.encounter WHERE e.day BETWEEN " YEAR_FROM " AND " YEAR_TO},
	[INPUT_CASES] = {"cases", "case_file",
		"SELECT code, agency, domain, kind, decided_on, enterprise, outcome FROM case_file "
		"WHERE substr(decided_on, 1, 4) = printf('%04d', ?1)"},
	[INPUT_REVIEWS] = {"reviews", "review",
		"SELECT c.code, r.reviewer, r.survey, r.version, r.submitted_at, r.total, r.defects, "
		"r.answers FROM review r JOIN case_file c ON c.id = r.case_file "
		"WHERE substr(c.decided_on, 1, 4) = printf('%04d', ?1)"},
	[INPUT_DUTIES] = {"duties", "duty", "SELECT * FROM duty WHERE ?1 IS NOT NULL"},
	[INPUT_PERFORMANCE] = {"performance", "performance",
		"SELECT * FROM performance WHERE year = ?1"},
	[INPUT_QUALITY] = {"quality", "quality_score",
		"SELECT * FROM quality_score WHERE year = ?1"},
};

const char *store_input_part_name(enum store_input_part p)
{
	return p < INPUT__MAX ? parts[p].name : "?";
}

static void add_text(struct sbuf *b, const unsigned char *t)
{
	for (; *t; t++) {
		if (*t == '\t')
			sbuf_adds(b, "\\t");
		else if (*t == '\n')
			sbuf_adds(b, "\\n");
		else if (*t == '\\')
			sbuf_adds(b, "\\\\");
		else
			sbuf_addc(b, (char)*t);
	}
}

/* One row's line (without its newline) into b. */
static void add_row(sqlite3_stmt *st, struct sbuf *b)
{
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			sbuf_addc(b, '\t');
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_NULL:
			sbuf_adds(b, "\\N");
			break;
		case SQLITE_BLOB: {
			const unsigned char *p = sqlite3_column_blob(st, i);
			int len = sqlite3_column_bytes(st, i);
			for (int k = 0; k < len; k++)
				sbuf_printf(b, "%02X", p[k]);
			break;
		}
		case SQLITE_FLOAT:
			sbuf_printf(b, "%.17g", sqlite3_column_double(st, i));
			break;
		default:
			add_text(b, sqlite3_column_text(st, i));
		}
	}
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum store_err table_exists(struct store *s, const char *table, bool *yes)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	bind_text(st, 1, table);
	rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_evaluation_inputs(struct store *s, int year, enum store_input_part p,
                                       struct sbuf *out)
{
	sqlite3_stmt *st = NULL;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	bool yes = false;
	enum store_err e = p < INPUT__MAX ? table_exists(s, parts[p].table, &yes) : STORE_ERR_SQL;
	if (e != STORE_OK || !yes)
		return e;
	int rc = sqlite3_prepare_v2(s->db, parts[p].sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_int(st, 1, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sbuf line;
		sbuf_init(&line);
		add_row(st, &line);
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			lines = xrealloc(lines, cap * sizeof *lines);
		}
		lines[n++] = sbuf_detach(&line);
	}
	e = rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
	sqlite3_finalize(st);
	if (e == STORE_OK) {
		if (n > 1)
			xqsort(lines, n, sizeof *lines, cmp_lines);
		for (size_t i = 0; i < n; i++) {
			sbuf_adds(out, lines[i]);
			sbuf_addc(out, '\n');
		}
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return e;
}

enum store_err store_review_flags(struct store *s, const char *rubric, int year,
                                  void (*cb)(void *ctx, const char *agency, const char *item,
                                             long long yes, long long reviews),
                                  void *ctx)
{
	static const char sql[] =
		"WITH r AS (SELECT c.agency, v.answers FROM review v JOIN case_file c ON c.id = v.case_file "
		"  WHERE v.survey = ?2 AND substr(c.decided_on, 1, 4) = printf('%04d', ?1)), "
		"n AS (SELECT agency, count(*) AS reviews FROM r GROUP BY agency) "
		"SELECT r.agency, j.key, count(*), n.reviews FROM r JOIN n ON n.agency = r.agency, "
		"json_each(r.answers) j WHERE j.value = 'yes' GROUP BY r.agency, j.key "
		"ORDER BY r.agency, count(*) DESC, j.key";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_int(st, 1, year);
	bind_text(st, 2, rubric);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		   sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}
