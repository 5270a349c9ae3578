/* store_followup_handle — see include/store_followup_handle.h: handling follow-up cases. */
#include "store_followup_handle.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

enum fuh_stmt {
	F_CASES,
	F_EVENTS,
	F_ANSWERS,
	F_EVENT_ADD,
	F_SET_STATE,
	F_SET_DUE,
	F_CLOSE,
	F_CONTACT,
	F__MAX
};

_Static_assert(F__MAX <= STORE_FU_HANDLE_STMTS, "raise STORE_FU_HANDLE_STMTS");

/* The latest event of case F of kind K (and action A) and its column C. */
#define LATEST(C, K) \
	"(SELECT " C " FROM followup_event e WHERE e.followup = f.id AND " K " ORDER BY e.id DESC LIMIT 1)"
#define ANY_EVENT(K) "EXISTS (SELECT 1 FROM followup_event e WHERE e.followup = f.id AND " K ")"

static const char *const fu_sql[F__MAX] = {
	/* The month is the encounter's (resp.day is the encounter's day, else
	 * the answer's, UTC+8): never the day itself. */
	[F_CASES] = "SELECT f.id, f.resp, f.code, f.agency, g.name_zh, g.name_en, d.code, d.name_zh, "
	            "d.name_en, f.survey, strftime('%Y-%m', r.day * 86400, 'unixepoch'), f.reason, "
	            "f.opened_on, f.reply_due, f.rectify_due, f.closed_on, f.state, "
	            LATEST("e.rectify_by", "e.kind = 'reply'") ", "
	            "(SELECT date(min(e.at), '+8 hours') FROM followup_event e WHERE e.followup = f.id "
	            "AND e.kind = 'reply'), "
	            "EXISTS (SELECT 1 FROM exclusion x WHERE x.resp = f.resp), "
	            ANY_EVENT("e.kind = 'review' AND e.action = 'accept'") ", "
	            ANY_EVENT("((e.kind = 'review' AND e.action = 'return') OR "
	                      "(e.kind = 'decision' AND e.action = 'reject'))") ", "
	            ANY_EVENT("e.kind = 'callback' AND e.action = 'reached'") ", "
	            LATEST("e.satisfaction", "e.kind = 'callback' AND e.action = 'reached'") ", "
	            "EXISTS (SELECT 1 FROM followup_contact c WHERE c.followup = f.id) "
	            "FROM followup f JOIN resp r ON r.id = f.resp JOIN agency g ON g.code = f.agency "
	            "LEFT JOIN domain d ON d.code = (SELECT text FROM code WHERE id = r.domain) "
	            "WHERE (?1 IS NULL OR f.code = ?1) AND (?2 IS NULL OR f.state = ?2) "
	            "AND (?3 IS NULL OR f.agency = ?3) AND (?4 IS NULL OR f.survey = ?4) "
	            "AND (?5 IS NULL OR f.opened_on >= ?5) AND (?6 IS NULL OR f.opened_on <= ?6) "
	            "ORDER BY f.opened_on, f.code",
	[F_EVENTS] = "SELECT at, actor, kind, action, rectify_by, satisfaction, score, note "
	             "FROM followup_event WHERE followup = ? ORDER BY id",
	/* The answers with each item's type in the answered version. */
	[F_ANSWERS] = "SELECT a.item, (SELECT json_extract(j.value, '$.type') FROM survey s, "
	              "json_each(s.definition, '$.items') j WHERE s.id = r.survey_id AND "
	              "s.version = r.survey_version AND json_extract(j.value, '$.id') = a.item), "
	              "a.num, a.text, a.na FROM answer a JOIN response r ON r.id = a.response_id "
	              "WHERE a.response_id = ? ORDER BY a.item, a.seq",
	/* Staff actions are dated to the hour, like everything about an answer. */
	[F_EVENT_ADD] = "INSERT INTO followup_event (followup, at, actor, kind, action, rectify_by, "
	                "satisfaction, score, note) VALUES (?1, strftime('%Y-%m-%dT%H:00:00Z', 'now'), "
	                "?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[F_SET_STATE] = "UPDATE followup SET state = ?2 WHERE id = ?1",
	[F_SET_DUE] = "UPDATE followup SET reply_due = ?2 WHERE id = ?1",
	[F_CLOSE] = "UPDATE followup SET state = 'closed', closed_on = ?2 WHERE id = ?1",
	[F_CONTACT] = "SELECT sealed FROM followup_contact WHERE followup = ?",
};

static sqlite3_stmt *fstmt(struct store *s, enum fuh_stmt id)
{
	return stmt_prepared(s, &s->fu_handle_stmt[id], fu_sql[id]);
}

/* The case of the row st stands on. */
static void case_row(sqlite3_stmt *st, struct fu_case *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->resp = sqlite3_column_int64(st, 1);
	col_copy(st, 2, c->code, sizeof c->code);
	col_copy(st, 3, c->agency, sizeof c->agency);
	col_copy(st, 4, c->agency_zh, sizeof c->agency_zh);
	col_copy(st, 5, c->agency_en, sizeof c->agency_en);
	col_copy(st, 6, c->domain, sizeof c->domain);
	col_copy(st, 7, c->domain_zh, sizeof c->domain_zh);
	col_copy(st, 8, c->domain_en, sizeof c->domain_en);
	col_copy(st, 9, c->survey, sizeof c->survey);
	col_copy(st, 10, c->month, sizeof c->month);
	col_copy(st, 11, c->reason, sizeof c->reason);
	col_copy(st, 12, c->opened_on, sizeof c->opened_on);
	col_copy(st, 13, c->reply_due, sizeof c->reply_due);
	col_copy(st, 14, c->rectify_due, sizeof c->rectify_due);
	col_copy(st, 15, c->closed_on, sizeof c->closed_on);
	col_copy(st, 16, c->state, sizeof c->state);
	col_copy(st, 17, c->rectify_by, sizeof c->rectify_by);
	col_copy(st, 18, c->first_reply_on, sizeof c->first_reply_on);
	c->excluded = sqlite3_column_int(st, 19) != 0;
	c->accepted = sqlite3_column_int(st, 20) != 0;
	c->returned = sqlite3_column_int(st, 21) != 0;
	c->reached = sqlite3_column_int(st, 22) != 0;
	col_copy(st, 23, c->satisfaction, sizeof c->satisfaction);
	c->has_contact = sqlite3_column_int(st, 24) != 0;
}

enum store_err store_fu_cases(struct store *s, const struct fu_query *q,
                              bool (*cb)(const struct fu_case *c, void *ctx), void *ctx)
{
	sqlite3_stmt *st = fstmt(s, F_CASES);
	struct fu_case c;
	int rc;
	bind_text(st, 1, q->code);
	bind_text(st, 2, q->state);
	bind_text(st, 3, q->agency);
	bind_text(st, 4, q->survey);
	bind_text(st, 5, q->from);
	bind_text(st, 6, q->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		case_row(st, &c);
		if (!cb(&c, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

/* Column i as text, "" for NULL (borrowed until the next step). */
static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *t = col_or_null(st, i);
	return t != NULL ? t : "";
}

enum store_err store_fu_events(struct store *s, long long id,
                               bool (*cb)(const struct fu_event *e, void *ctx), void *ctx)
{
	sqlite3_stmt *st = fstmt(s, F_EVENTS);
	int rc;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct fu_event e = {
			.at = col_text(st, 0), .actor = col_text(st, 1), .kind = col_text(st, 2),
			.action = col_text(st, 3), .rectify_by = col_text(st, 4),
			.satisfaction = col_text(st, 5), .score = sqlite3_column_int(st, 6),
			.note = col_text(st, 7),
		};
		if (!cb(&e, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_fu_answers(struct store *s, long long resp,
                                bool (*cb)(const struct fu_answer *a, void *ctx), void *ctx)
{
	sqlite3_stmt *st = fstmt(s, F_ANSWERS);
	int rc;
	sqlite3_bind_int64(st, 1, resp);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct fu_answer a = {
			.item = col_text(st, 0), .type = col_text(st, 1), .text = col_or_null(st, 3),
			.num = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 2),
			.na = sqlite3_column_int(st, 4) != 0,
		};
		if (!cb(&a, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

/* Bind text, NULL when it is NULL or "". */
static void bind_opt(sqlite3_stmt *st, int i, const char *t)
{
	bind_text(st, i, t != NULL && *t != '\0' ? t : NULL);
}

enum store_err store_fu_event_add(struct store *s, long long id, const struct fu_event *e)
{
	sqlite3_stmt *st = fstmt(s, F_EVENT_ADD);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, e->actor);
	bind_text(st, 3, e->kind);
	bind_text(st, 4, e->action);
	bind_opt(st, 5, e->rectify_by);
	bind_opt(st, 6, e->satisfaction);
	if (e->score > 0)
		sqlite3_bind_int(st, 7, e->score);
	bind_text(st, 8, e->note != NULL ? e->note : "");
	return step_done(st);
}

enum store_err store_fu_set_state(struct store *s, long long id, const char *state,
                                  const char *reply_due)
{
	sqlite3_stmt *st = fstmt(s, F_SET_STATE);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, state);
	enum store_err e = step_done(st);
	if (e != STORE_OK || reply_due == NULL)
		return e;
	st = fstmt(s, F_SET_DUE);
	sqlite3_bind_int64(st, 1, id);
	bind_opt(st, 2, reply_due);
	return step_done(st);
}

enum store_err store_fu_close(struct store *s, long long id, const char *closed_on)
{
	sqlite3_stmt *st = fstmt(s, F_CLOSE);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, closed_on);
	return step_done(st);
}

enum store_err store_fu_contact(struct store *s, long long id, unsigned char **sealed, size_t *n)
{
	sqlite3_stmt *st = fstmt(s, F_CONTACT);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*sealed = NULL;
	*n = 0;
	if (rc == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_bytes(st, 0);
		*sealed = xmalloc(*n + 1);
		if (*n > 0)
			memcpy(*sealed, sqlite3_column_blob(st, 0), *n);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
}
