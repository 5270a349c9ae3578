/* store — the reads of the statistics and the export; see include/store.h. */
#include "store_internal.h"

const char *col_or_null(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

enum store_err store_each_response(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct stats_source_row *r),
                                   void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_RESPONSES);
	int rc;
	bind_text(st, 1, survey);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_source_row r = {
			.id = sqlite3_column_int64(st, 0),
			.encounter = col_or_null(st, 1),
			.agency = col_or_null(st, 2),
			.domain = col_or_null(st, 3),
			.size = col_or_null(st, 4),
			.district = col_or_null(st, 5),
			.outcome = col_or_null(st, 6),
			.channel = col_or_null(st, 7),
			.date = col_or_null(st, 8),
		};
		if (!fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_number(struct store *s, const char *survey,
                                 bool (*fn)(void *ctx, long long response, const char *item,
                                            int value),
                                 void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_NUMBERS);
	int rc;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		        sqlite3_column_int(st, 2))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_response_cell(struct store *s, const char *survey, const char *from,
                                       const char *to,
                                       bool (*fn)(void *ctx, bool sampled, const char *agency,
                                                  const char *domain, const char *size,
                                                  long long count),
                                       void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_CELLS);
	int rc;
	bind_text(st, 1, survey);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, sqlite3_column_int(st, 0) != 0, col_or_null(st, 1), col_or_null(st, 2),
		        col_or_null(st, 3), sqlite3_column_int64(st, 4))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_encounter_count(struct store *s, const char *from, const char *to,
                                          bool (*fn)(void *ctx, const char *agency,
                                                     const char *domain, const char *size,
                                                     long long count),
                                          void *ctx)
{
	sqlite3_stmt *st = stmt_get(s, STMT_STATS_COUNTS);
	int rc;
	bind_text(st, 1, from);
	bind_text(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, col_or_null(st, 0), col_or_null(st, 1), col_or_null(st, 2),
		        sqlite3_column_int64(st, 3))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_each_export_row(struct store *s, const char *survey,
                                     const struct export_filter *f,
                                     bool (*fn)(void *ctx, const struct export_source_row *r),
                                     void *ctx)
{
	sqlite3_stmt *st;
	int rc;
	if (f == NULL || f->limit <= 0) {
		st = stmt_get(s, STMT_EXPORT_ROWS);
		bind_text(st, 1, survey);
		bind_text(st, 2, f ? f->from : NULL);
		bind_text(st, 3, f ? f->to : NULL);
	} else {
		long long after = 0;
		if (f->after != NULL) {
			sqlite3_stmt *q = stmt_get(s, STMT_RESPONSE_BY_PUBLIC);
			bind_text(q, 1, f->after);
			bind_text(q, 2, survey);
			rc = sqlite3_step(q);
			after = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
			sqlite3_reset(q);
			if (rc != SQLITE_ROW)
				return rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
		}
		st = stmt_get(s, STMT_EXPORT_PAGE);
		bind_text(st, 1, survey);
		sqlite3_bind_int64(st, 2, after);
		bind_text(st, 3, f->agency);
		bind_text(st, 4, f->domain);
		bind_text(st, 5, f->channel);
		bind_text(st, 6, f->from);
		bind_text(st, 7, f->to);
		sqlite3_bind_int64(st, 8, f->limit);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* text before its length: sqlite3_column_bytes() after the conversion. */
		const char *text = col_or_null(st, 13);
		size_t text_len = (size_t)sqlite3_column_bytes(st, 13);
		struct export_source_row r = {
			.id = sqlite3_column_int64(st, 0),
			.public_id = col_or_null(st, 1),
			.survey_version = sqlite3_column_int(st, 2),
			.channel = col_or_null(st, 3),
			.submitted_at = col_or_null(st, 4),
			.agency = col_or_null(st, 5),
			.domain = col_or_null(st, 6),
			.size = col_or_null(st, 7),
			.district = col_or_null(st, 8),
			.outcome = col_or_null(st, 9),
			.item = col_or_null(st, 10),
			.seq = sqlite3_column_int(st, 11),
			.has_num = sqlite3_column_type(st, 12) != SQLITE_NULL,
			.num = sqlite3_column_int(st, 12),
			.text = text,
			.text_len = text_len,
			.na = sqlite3_column_int(st, 14) != 0,
			.sampled = sqlite3_column_int(st, 15) != 0,
			.date = col_or_null(st, 16),
		};
		if (!fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err store_survey_data_time(struct store *s, const char *survey, char *out, size_t n)
{
	sqlite3_stmt *st = stmt_get(s, STMT_SURVEY_DATA_TIME);
	bind_text(st, 1, survey);
	int rc = sqlite3_step(st);
	enum store_err e = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ? STORE_OK
	                   : rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_ERR_NOTFOUND
	                   : map_rc(rc);
	if (e == STORE_OK)
		col_copy(st, 0, out, n);
	sqlite3_reset(st);
	return e;
}
