/* store — the migrations' steps that SQL alone cannot do; see store_schema.c. */
#include "store_internal.h"

/* Write the scale bytes of response id; NULL when it has none. */
static enum store_err put_nums(sqlite3_stmt *up, long long id, const unsigned char *nums,
                               size_t n)
{
	sqlite3_bind_int64(up, 2, id);
	if (n > 0)
		sqlite3_bind_blob(up, 1, nums, (int)n, SQLITE_STATIC);
	else
		sqlite3_bind_null(up, 1);
	int rc = sqlite3_step(up);
	sqlite3_reset(up);
	return rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

/*
 * Migration 9: every scale answer of the old answer table into its
 * response's bytes (resp.nums), by the position of its item among the
 * version's scale items.  An answer whose item is not a scale item of its
 * version would be lost: the migration stops instead, naming it.
 */
static enum store_err pack_scale_answers(struct store *s, char *msg, size_t msglen)
{
	static const char read_sql[] =
		"SELECT a.response_id, r.survey_id, r.survey_version, a.item, a.num, a.na "
		"FROM answer a JOIN response r ON r.id = a.response_id "
		"WHERE a.num IS NOT NULL OR a.na = 1 ORDER BY a.response_id";
	sqlite3_stmt *rd = NULL, *up = NULL;
	unsigned char nums[SURVEY_MAX_ITEMS];
	size_t n = 0;
	long long cur = -1;
	enum store_err e = STORE_OK;
	int rc;

	if (sqlite3_prepare_v2(s->db, read_sql, -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "UPDATE resp SET nums = ? WHERE id = ?", -1, &up, NULL) !=
	        SQLITE_OK) {
		snprintf(msg, msglen, "migration 9: %s", sqlite3_errmsg(s->db));
		e = STORE_ERR_SQL;
		goto out;
	}
	while (e == STORE_OK && (rc = sqlite3_step(rd)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(rd, 0);
		const char *survey = (const char *)sqlite3_column_text(rd, 1);
		const char *item = (const char *)sqlite3_column_text(rd, 3);
		const struct scale_items *si;
		if (id != cur) {
			if (cur >= 0 && (e = put_nums(up, cur, nums, n)) != STORE_OK)
				break;
			cur = id;
			n = 0;
			memset(nums, NUM_MISSING, sizeof nums);
		}
		if ((e = scale_items(s, survey, sqlite3_column_int(rd, 2), &si)) != STORE_OK)
			break;
		size_t pos = 0;
		while (pos < si->n && (si->item[pos] == NULL || strcmp(si->item[pos], item) != 0))
			pos++;
		int v = sqlite3_column_int(rd, 4);
		if (pos == si->n || pos >= sizeof nums ||
		    (sqlite3_column_int(rd, 5) == 0 && (v < 1 || v > SURVEY_MAX_POINTS))) {
			snprintf(msg, msglen, "migration 9: response %lld: answer %s=%d is not a scale "
			         "item of %s version %d; nothing was changed", id, item, v, survey,
			         sqlite3_column_int(rd, 2));
			e = STORE_ERR_CONSTRAINT;
			break;
		}
		nums[pos] = sqlite3_column_int(rd, 5) ? NUM_NA : (unsigned char)v;
		if (pos + 1 > n)
			n = pos + 1;
	}
	if (e == STORE_OK && rc != SQLITE_DONE)
		e = map_rc(rc);
	if (e == STORE_OK && cur >= 0)
		e = put_nums(up, cur, nums, n);
	if (e != STORE_OK && *msg == '\0')
		snprintf(msg, msglen, "migration 9: %s", sqlite3_errmsg(s->db));
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(up);
	return e;
}

enum store_err store_migration_step(struct store *s, int number, char *msg, size_t msglen)
{
	enum store_err e;
	if (number == MIGRATION_AUDIT)
		return audit_chain_existing(s, msg, msglen);
	if (number != MIGRATION_COMPACT)
		return STORE_OK;
	*msg = '\0';
	if ((e = pack_scale_answers(s, msg, msglen)) != STORE_OK)
		return e;
	if ((e = map_rc(sqlite3_exec(s->db, store_migration_9_finish, NULL, NULL, NULL))) != STORE_OK)
		snprintf(msg, msglen, "migration 9 failed: %s", sqlite3_errmsg(s->db));
	return e;
}
