/* followup — a follow-up case, the respondent's side; see include/followup.h. */
#include "followup.h"

#include <ctype.h>

#include "config.h"
#include "store_internal.h"

enum fu_stmt {
	F_OPEN,
	F_CONTACT,
	F_EXCLUDE,
	F_RESP_EXISTS,
	F_SCHEDULE,
	F_PURGE,
	F_BY_RATER,
	F_LAST_REPLY,
	F_RATING,
	F_RATE,
	F__MAX
};
_Static_assert(F__MAX <= STORE_FOLLOWUP_STMTS, "raise STORE_FOLLOWUP_STMTS");

static const char *const fu_sql[F__MAX] = {
	[F_OPEN] = "INSERT INTO followup (code, resp, agency, survey, reason, opened_on, reply_due,"
	           " rectify_due, rater_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[F_CONTACT] = "INSERT INTO followup_contact (followup, sealed) VALUES (?, ?)",
	[F_EXCLUDE] = "INSERT INTO exclusion (resp, source, reason, decided_by) VALUES (?, ?, ?, ?)",
	[F_RESP_EXISTS] = "SELECT 1 FROM resp WHERE id = ?",
	[F_SCHEDULE] = "UPDATE followup_contact SET purge_after = date(?1, '+' || ?2 || ' days')"
	               " WHERE followup = ?3",
	[F_PURGE] = "DELETE FROM followup_contact WHERE purge_after IS NOT NULL AND purge_after <= ?",
	[F_BY_RATER] = "SELECT id, code, survey, state, opened_on, reply_due, rectify_due, closed_on"
	               " FROM followup WHERE rater_code = ?",
	[F_LAST_REPLY] = "SELECT action, note, rectify_by FROM followup_event"
	                 " WHERE followup = ? AND kind = 'reply' ORDER BY id DESC LIMIT 1",
	[F_RATING] = "SELECT score FROM followup_event WHERE followup = ? AND kind = 'rating'",
	[F_RATE] = "INSERT INTO followup_event (followup, actor, kind, action, score, note)"
	           " SELECT ?1, 'rater', 'rating', 'rate', ?2, ?3 WHERE NOT EXISTS"
	           " (SELECT 1 FROM followup_event WHERE followup = ?1 AND kind = 'rating')",
};

static sqlite3_stmt *fstmt(struct store *s, enum fu_stmt id)
{
	return stmt_prepared(s, &s->followup_stmt[id], fu_sql[id]);
}

static followup_due_fn due_hook;

void followup_set_due(followup_due_fn fn)
{
	due_hook = fn;
}

unsigned followup_reasons(const struct answers *a)
{
	const struct survey_followup *f = &a->survey->followup;
	unsigned r = 0;
	if (f->item >= 0) {
		const struct answer *an = &a->a[f->item];
		if (an->present && !an->na && an->scale >= 1 && an->scale <= SURVEY_MAX_POINTS &&
		    f->bad[an->scale])
			r |= FOLLOWUP_LOW_SCORE;
	}
	if (f->misconduct_item >= 0) {
		const struct answer *an = &a->a[f->misconduct_item];
		if (an->present && (an->multi & f->misconduct) != 0)
			r |= FOLLOWUP_MISCONDUCT;
	}
	return r;
}

const char *followup_reason_text(unsigned reasons)
{
	static const char *const text[4] = {"", "low_score", "misconduct", "low_score,misconduct"};
	return text[reasons & 3];
}

/* n digits at p? */
static bool digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

bool followup_phone_valid(const char *p)
{
	if (p == NULL)
		return false;
	size_t n = strlen(p);
	if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' && digits(p, n))
		return true;
	if (p[0] != '0')
		return false;
	const char *h = strchr(p, '-');
	if (h == NULL)
		return n >= 10 && n <= 12 && digits(p, n);
	/* 0 + 9..11 digits, the hyphen after an area code of 3 or 4 digits. */
	size_t area = (size_t)(h - p);
	return (area == 3 || area == 4) && n - 1 >= 10 && n - 1 <= 12 && digits(p, area) &&
	       digits(h + 1, n - area - 1);
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* n random base32 characters into out (NUL added). */
static void random_b32(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = b32[crypto_random_below(32)];
	out[n] = '\0';
}

bool followup_rater_normalize(const char *typed, char out[FOLLOWUP_RATER_LEN])
{
	char raw[12];
	size_t k = 0;
	for (const char *p = typed; p != NULL && *p != '\0'; p++) {
		int c = toupper((unsigned char)*p);
		if (c == ' ' || c == '-')
			continue;
		if (k == sizeof raw || strchr(b32, c) == NULL)
			return false;
		raw[k++] = (char)c;
	}
	if (k != sizeof raw)
		return false;
	snprintf(out, FOLLOWUP_RATER_LEN, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	return true;
}

/* The BLAKE2b-256 of a rater code as shown (XXXX-XXXX-XXXX). */
static void rater_hash(const char *shown, unsigned char h[32])
{
	crypto_blake2b(h, 32, shown, strlen(shown));
}

/* Today in UTC+8 as YYYY-MM-DD. */
static void today_utc8(char out[11])
{
	day_format(((long long)time(NULL) + 8 * 3600) / 86400, out, 11);
}

/* date + n working days into out ("" when uncovered or without a hook). */
static enum store_err due(struct store *s, const char *date, long n, char out[11])
{
	bool covered = false;
	out[0] = '\0';
	if (due_hook == NULL)
		return STORE_OK;
	enum store_err e = due_hook(s, date, (int)n, out, &covered);
	if (!covered)
		out[0] = '\0';
	return e;
}

enum store_err followup_open(struct store *s, long long resp, const char *survey,
                             const char *agency, const struct answers *a,
                             const struct followup_contact_in *contact,
                             struct followup_opened *out)
{
	struct followup_opened o = {0};
	unsigned char h[32];
	enum store_err e;
	unsigned r = followup_reasons(a);
	if (out != NULL)
		*out = o;
	if (r == 0)
		return STORE_OK;
	snprintf(o.reason, sizeof o.reason, "%s", followup_reason_text(r));
	today_utc8(o.opened_on);
	if ((e = due(s, o.opened_on, config_get(s, CONFIG_REPLY_DAYS), o.reply_due)) != STORE_OK ||
	    (e = due(s, o.opened_on, config_get(s, CONFIG_RECTIFY_DAYS), o.rectify_due)) != STORE_OK)
		return e;
	o.due_uncovered = o.reply_due[0] == '\0' || o.rectify_due[0] == '\0';
	memcpy(o.code, "FU-", 3);
	random_b32(o.code + 3, 10);
	char raw[13];
	random_b32(raw, 12);
	followup_rater_normalize(raw, o.rater);
	rater_hash(o.rater, h);
	sqlite3_stmt *st = fstmt(s, F_OPEN);
	bind_text(st, 1, o.code);
	sqlite3_bind_int64(st, 2, resp);
	bind_text(st, 3, agency);
	bind_text(st, 4, survey);
	bind_text(st, 5, o.reason);
	bind_text(st, 6, o.opened_on);
	bind_text(st, 7, o.reply_due[0] ? o.reply_due : NULL);
	bind_text(st, 8, o.rectify_due[0] ? o.rectify_due : NULL);
	sqlite3_bind_blob(st, 9, h, 32, SQLITE_TRANSIENT);
	if ((e = step_done(st)) != STORE_OK)
		return e;
	o.opened = true;
	if (contact != NULL && contact->phone != NULL && contact->key != NULL &&
	    followup_phone_valid(contact->phone)) {
		size_t n = strlen(contact->phone);
		unsigned char sealed[32 + CRYPTO_SEAL_OVERHEAD];
		crypto_seal(sealed, contact->phone, n, contact->key);
		st = fstmt(s, F_CONTACT);
		sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(s->db));
		sqlite3_bind_blob(st, 2, sealed, (int)(n + CRYPTO_SEAL_OVERHEAD), SQLITE_TRANSIENT);
		if ((e = step_done(st)) != STORE_OK)
			return e;
		o.contact = true;
	}
	if (out != NULL)
		*out = o;
	crypto_memzero(&o, sizeof o);
	return STORE_OK;
}

enum store_err followup_exclude(struct store *s, long long resp, const char *source,
                                const char *reason, const char *by)
{
	bool own = sqlite3_get_autocommit(s->db);
	enum store_err e;
	if (source == NULL || (strcmp(source, "appeal") != 0 && strcmp(source, "integrity") != 0) ||
	    reason == NULL || *reason == '\0' || by == NULL || *by == '\0')
		return STORE_ERR_CONSTRAINT;
	if (own && (e = store_begin(s)) != STORE_OK)
		return e;
	sqlite3_stmt *st = fstmt(s, F_RESP_EXISTS);
	sqlite3_bind_int64(st, 1, resp);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (e == STORE_OK) {
		st = fstmt(s, F_EXCLUDE);
		sqlite3_bind_int64(st, 1, resp);
		bind_text(st, 2, source);
		bind_text(st, 3, reason);
		bind_text(st, 4, by);
		e = step_done(st);
	}
	if (e == STORE_OK) {
		char obj[32];
		snprintf(obj, sizeof obj, "response %lld", resp);
		char *detail = xasprintf("%s: %s", source, reason);
		e = store_audit(s, by, "followup.exclude", obj, detail);
		free(detail);
	}
	return own_end(s, own, e);
}

enum store_err followup_contact_schedule(struct store *s, long long followup,
                                         const char *closed_on)
{
	sqlite3_stmt *st = fstmt(s, F_SCHEDULE);
	bind_text(st, 1, closed_on);
	sqlite3_bind_int64(st, 2, config_get(s, CONFIG_CONTACT_RETENTION_DAYS));
	sqlite3_bind_int64(st, 3, followup);
	return step_done(st);
}

enum store_err followup_purge(struct store *s, const char *today, long *purged)
{
	char day[11];
	enum store_err e;
	if (purged != NULL)
		*purged = 0;
	if (today == NULL)
		today_utc8(day);
	else
		snprintf(day, sizeof day, "%s", today);
	if ((e = store_begin(s)) != STORE_OK)
		return e;
	sqlite3_stmt *st = fstmt(s, F_PURGE);
	bind_text(st, 1, day);
	e = step_done(st);
	long n = e == STORE_OK ? (long)sqlite3_changes(s->db) : 0;
	if (e == STORE_OK && n > 0) {
		char detail[64];
		snprintf(detail, sizeof detail, "%ld sealed contacts due by %s deleted", n, day);
		e = store_audit(s, "system", "followup.purge", "followup_contact", detail);
	}
	if (e == STORE_OK && (e = store_commit(s)) == STORE_OK && purged != NULL)
		*purged = n;
	if (e != STORE_OK)
		store_rollback(s);
	return e;
}

enum store_err followup_by_rater(struct store *s, const char *typed, struct followup_view *out)
{
	char shown[FOLLOWUP_RATER_LEN];
	unsigned char h[32];
	memset(out, 0, sizeof *out);
	if (!followup_rater_normalize(typed, shown))
		return STORE_ERR_NOTFOUND;
	rater_hash(shown, h);
	sqlite3_stmt *st = fstmt(s, F_BY_RATER);
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		col_copy(st, 1, out->code, sizeof out->code);
		col_copy(st, 2, out->survey, sizeof out->survey);
		col_copy(st, 3, out->state, sizeof out->state);
		col_copy(st, 4, out->opened_on, sizeof out->opened_on);
		col_copy(st, 5, out->reply_due, sizeof out->reply_due);
		col_copy(st, 6, out->rectify_due, sizeof out->rectify_due);
		col_copy(st, 7, out->closed_on, sizeof out->closed_on);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	st = fstmt(s, F_LAST_REPLY);
	sqlite3_bind_int64(st, 1, out->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		col_copy(st, 0, out->reply_kind, sizeof out->reply_kind);
		col_copy(st, 1, out->reply_note, sizeof out->reply_note);
		col_copy(st, 2, out->rectify_by, sizeof out->rectify_by);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return map_rc(rc);
	st = fstmt(s, F_RATING);
	sqlite3_bind_int64(st, 1, out->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->rated = true;
		out->score = sqlite3_column_int(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

enum store_err followup_rate(struct store *s, long long id, int score, const char *comment)
{
	enum store_err e;
	if ((e = store_begin(s)) != STORE_OK)
		return e;
	sqlite3_stmt *st = fstmt(s, F_RATE);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, score);
	bind_text(st, 3, comment != NULL ? comment : "");
	e = step_done(st);
	if (e == STORE_OK && sqlite3_changes(s->db) == 0)
		e = STORE_ERR_CONSTRAINT; /* rated already */
	if (e == STORE_OK)
		return store_commit(s);
	store_rollback(s);
	return e;
}
