/* audit — the audit chain and the answers' day roots; see include/audit.h. */
#include "audit.h"

#include "store_internal.h"

/*
 * Migration MIGRATION_AUDIT: audit.hash, and the day roots.  The update
 * trigger goes while store_migrate.c chains the rows already there
 * (audit_chain_existing()), which puts it back.
 */
const char store_migration_audit[] =
	"DROP TRIGGER audit_append_only_u;"
	"ALTER TABLE audit ADD COLUMN hash BLOB;"
	"CREATE TABLE answers_day ("
	"  day TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
	"  n INTEGER NOT NULL,"
	"  root BLOB NOT NULL,"
	"  sealed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	") WITHOUT ROWID;"
	"CREATE TRIGGER answers_day_append_only_u BEFORE UPDATE ON answers_day "
	"  BEGIN SELECT RAISE(ABORT, 'the sealed days are append-only'); END;"
	"CREATE TRIGGER answers_day_append_only_d BEFORE DELETE ON answers_day "
	"  BEGIN SELECT RAISE(ABORT, 'the sealed days are append-only'); END;";

static const char audit_trigger_u[] =
	"CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;";

static const unsigned char zero_hash[AUDIT_HASH_BYTES];

static void put_be(struct sbuf *b, unsigned long long v, int bytes)
{
	unsigned char x[8];
	for (int i = 0; i < bytes; i++)
		x[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	sbuf_add(b, x, (size_t)bytes);
}

void audit_enc_null(struct sbuf *b)
{
	sbuf_addc(b, 0x00);
}

void audit_enc_int(struct sbuf *b, long long v)
{
	sbuf_addc(b, 0x01);
	put_be(b, (unsigned long long)v, 8);
}

static void enc_bytes(struct sbuf *b, char tag, const void *p, size_t n)
{
	if (p == NULL) {
		audit_enc_null(b);
		return;
	}
	sbuf_addc(b, tag);
	put_be(b, n, 4);
	sbuf_add(b, p, n);
}

void audit_enc_text(struct sbuf *b, const char *p, size_t n)
{
	enc_bytes(b, 0x03, p, n);
}

void audit_enc_blob(struct sbuf *b, const void *p, size_t n)
{
	enc_bytes(b, 0x04, p, n);
}

/* Column i of st, encoded by its type. */
static void enc_column(struct sbuf *b, sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		audit_enc_int(b, sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT: {
		double d = sqlite3_column_double(st, i);
		unsigned long long u;
		memcpy(&u, &d, sizeof u);
		sbuf_addc(b, 0x02);
		put_be(b, u, 8);
		break;
	}
	case SQLITE_TEXT:
		audit_enc_text(b, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
		break;
	case SQLITE_BLOB: {
		const void *p = sqlite3_column_blob(st, i);
		audit_enc_blob(b, p ? p : "", (size_t)sqlite3_column_bytes(st, i));
		break;
	}
	default:
		audit_enc_null(b);
	}
}

void audit_row_hash(const unsigned char prev[AUDIT_HASH_BYTES], const struct audit_fields *f,
                    unsigned char out[AUDIT_HASH_BYTES])
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, prev ? prev : zero_hash, AUDIT_HASH_BYTES);
	audit_enc_int(&b, f->id);
	const struct audit_field *t[] = {&f->at, &f->actor, &f->action, &f->object, &f->detail};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		audit_enc_text(&b, t[i]->p, t[i]->n);
	crypto_sha256(out, b.data, b.len);
	sbuf_free(&b);
}

void audit_hex(const unsigned char h[AUDIT_HASH_BYTES], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < AUDIT_HASH_BYTES; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[64] = '\0';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool audit_unhex(const char *hex, unsigned char h[AUDIT_HASH_BYTES])
{
	for (int i = 0; i < AUDIT_HASH_BYTES; i++) {
		int hi = hexval(hex[2 * i]), lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		h[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[2 * AUDIT_HASH_BYTES] == '\0';
}

/* A value as an audit field: NULL stays NULL, anything else is its text. */
static struct audit_field field_of(sqlite3_value *v)
{
	struct audit_field f = {NULL, 0};
	if (sqlite3_value_type(v) != SQLITE_NULL) {
		f.p = (const char *)sqlite3_value_text(v);
		f.n = (size_t)sqlite3_value_bytes(v);
		if (f.p == NULL)
			f.p = "";
	}
	return f;
}

/* audit_hash(prev, id, at, actor, action, object, detail): the row's hash;
 * prev NULL (the first row) counts as 32 zero bytes. */
static void sql_audit_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char out[AUDIT_HASH_BYTES];
	const unsigned char *prev = NULL;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_BLOB) {
		if (sqlite3_value_bytes(argv[0]) != AUDIT_HASH_BYTES) {
			sqlite3_result_error(ctx, "audit_hash: the previous hash is not 32 bytes", -1);
			return;
		}
		prev = sqlite3_value_blob(argv[0]);
	}
	struct audit_fields f = {sqlite3_value_int64(argv[1]), field_of(argv[2]), field_of(argv[3]),
	                         field_of(argv[4]), field_of(argv[5]), field_of(argv[6])};
	audit_row_hash(prev, &f, out);
	sqlite3_result_blob(ctx, out, AUDIT_HASH_BYTES, SQLITE_TRANSIENT);
}

int audit_sql_register(sqlite3 *db)
{
	return sqlite3_create_function_v2(db, "audit_hash", 7, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                                  sql_audit_hash, NULL, NULL, NULL);
}

/* A row's fields as audit_row_hash() takes them, from columns 0..5 of st. */
static struct audit_fields fields_of(sqlite3_stmt *st)
{
	struct audit_fields f = {sqlite3_column_int64(st, 0), {0}, {0}, {0}, {0}, {0}};
	struct audit_field *t[] = {&f.at, &f.actor, &f.action, &f.object, &f.detail};
	for (int i = 0; i < 5; i++)
		*t[i] = field_of(sqlite3_column_value(st, i + 1));
	return f;
}

static enum store_err prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	return map_rc(sqlite3_prepare_v2(s->db, sql, -1, st, NULL));
}

enum store_err audit_chain_existing(struct store *s, char *msg, size_t msglen)
{
	sqlite3_stmt *rd = NULL, *up = NULL;
	unsigned char prev[AUDIT_HASH_BYTES], h[AUDIT_HASH_BYTES];
	bool first = true;
	int rc = SQLITE_DONE;
	enum store_err e;
	if ((e = prepare(s, "SELECT id, at, actor, action, object, detail FROM audit ORDER BY id", &rd)) ==
	        STORE_OK &&
	    (e = prepare(s, "UPDATE audit SET hash = ? WHERE id = ?", &up)) == STORE_OK) {
		while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
			struct audit_fields f = fields_of(rd);
			audit_row_hash(first ? NULL : prev, &f, h);
			sqlite3_bind_blob(up, 1, h, AUDIT_HASH_BYTES, SQLITE_STATIC);
			sqlite3_bind_int64(up, 2, f.id);
			if ((e = step_done(up)) != STORE_OK)
				break;
			memcpy(prev, h, sizeof prev);
			first = false;
		}
		if (e == STORE_OK && rc != SQLITE_DONE)
			e = map_rc(rc);
	}
	if (e == STORE_OK)
		e = map_rc(sqlite3_exec(s->db, audit_trigger_u, NULL, NULL, NULL));
	if (e != STORE_OK)
		snprintf(msg, msglen, "migration %d (the audit chain): %s", MIGRATION_AUDIT,
		         sqlite3_errmsg(s->db));
	sqlite3_finalize(rd);
	sqlite3_finalize(up);
	return e;
}

enum store_err audit_head(struct store *s, struct audit_head *h)
{
	sqlite3_stmt *st = NULL;
	enum store_err e = prepare(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &st);
	h->id = 0;
	audit_hex(zero_hash, h->hash);
	if (e == STORE_OK) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			h->id = sqlite3_column_int64(st, 0);
			if (sqlite3_column_bytes(st, 1) == AUDIT_HASH_BYTES)
				audit_hex(sqlite3_column_blob(st, 1), h->hash);
		} else if (rc != SQLITE_DONE) {
			e = map_rc(rc);
		}
	}
	sqlite3_finalize(st);
	return e;
}

/* A day's answers: how many, and the chain over them so far. */
struct day_root {
	char day[11];
	long long n;
	unsigned char h[AUDIT_HASH_BYTES];
};

struct day_roots {
	struct day_root *v;
	size_t n, cap;
};

static struct day_root *day_find(struct day_roots *d, const char *day, bool add)
{
	/* Answers come in id order, mostly a day at a time: the last day first. */
	for (size_t i = d->n; i > 0; i--)
		if (strcmp(d->v[i - 1].day, day) == 0)
			return &d->v[i - 1];
	if (!add)
		return NULL;
	d->v = xgrow(d->v, d->n, &d->cap, sizeof *d->v, 64);
	struct day_root *r = &d->v[d->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->day, sizeof r->day, "%s", day);
	return r;
}

static int day_cmp(const void *a, const void *b)
{
	return strcmp(((const struct day_root *)a)->day, ((const struct day_root *)b)->day);
}

/* The day of an answer: the UTC+8 date of its stored_at. */
#define ANSWER_DATE "date(r.stored_at, 'unixepoch', '+8 hours')"
#define CODE_OF(C) "(SELECT text FROM code WHERE id = r." C ")"

/* The roots of the days after `after` and before `before` (dates), in date order. */
static enum store_err day_roots(struct store *s, const char *after, const char *before,
                                struct day_roots *out)
{
	static const char rows_sql[] =
		"SELECT r.id, " ANSWER_DATE ", r.public_id, " CODE_OF("survey") ", r.version, "
		CODE_OF("channel") ", (SELECT code FROM enc WHERE id = r.encounter), " CODE_OF("agency")
		", " CODE_OF("domain") ", " CODE_OF("size") ", " CODE_OF("district") ", " CODE_OF("outcome")
		", r.day, r.submitted_at, r.stored_at, r.nums FROM resp r"
		" WHERE " ANSWER_DATE " > ?1 AND " ANSWER_DATE " < ?2 ORDER BY r.id";
	static const char text_sql[] = "SELECT response, item, seq, text FROM answer_text "
	                               "WHERE response >= ?1 ORDER BY response, item, seq";
	sqlite3_stmt *rd = NULL, *tx = NULL;
	struct sbuf b;
	int rc = SQLITE_DONE, trc = SQLITE_DONE;
	bool text_started = false;
	enum store_err e;
	memset(out, 0, sizeof *out);
	sbuf_init(&b);
	if ((e = prepare(s, rows_sql, &rd)) != STORE_OK || (e = prepare(s, text_sql, &tx)) != STORE_OK)
		goto done;
	bind_text(rd, 1, after);
	bind_text(rd, 2, before);
	while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(rd, 0);
		struct day_root *d = day_find(out, (const char *)sqlite3_column_text(rd, 1), true);
		sbuf_reset(&b);
		sbuf_add(&b, d->h, AUDIT_HASH_BYTES);
		sbuf_addc(&b, 'R');
		for (int i = 2; i < 16; i++)
			enc_column(&b, rd, i);
		if (!text_started) {
			sqlite3_bind_int64(tx, 1, id);
			trc = sqlite3_step(tx);
			text_started = true;
		}
		while (trc == SQLITE_ROW && sqlite3_column_int64(tx, 0) < id)
			trc = sqlite3_step(tx);
		for (; trc == SQLITE_ROW && sqlite3_column_int64(tx, 0) == id; trc = sqlite3_step(tx)) {
			sbuf_addc(&b, 'T');
			for (int i = 1; i < 4; i++)
				enc_column(&b, tx, i);
		}
		if (trc != SQLITE_ROW && trc != SQLITE_DONE)
			break;
		crypto_sha256(d->h, b.data, b.len);
		d->n++;
	}
	e = rc != SQLITE_DONE ? map_rc(rc) : trc != SQLITE_ROW && trc != SQLITE_DONE ? map_rc(trc) : STORE_OK;
	if (e == STORE_OK && rc == SQLITE_ROW)
		e = STORE_ERR_SQL;
	if (out->n > 1)
		xqsort(out->v, out->n, sizeof *out->v, day_cmp);
done:
	sbuf_free(&b);
	sqlite3_finalize(rd);
	sqlite3_finalize(tx);
	return e;
}

enum store_err audit_seal(struct store *s, long long *days)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	struct day_roots d = {0};
	char last[16] = "0000-00-00", today[16] = "";
	bool own = sqlite3_get_autocommit(s->db);
	enum store_err e;
	if (days)
		*days = 0;
	if (own && (e = store_begin(s)) != STORE_OK)
		return e;
	e = prepare(s, "SELECT coalesce((SELECT max(day) FROM answers_day), '0000-00-00'), "
	               "date('now', '+8 hours')", &st);
	if (e == STORE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			col_copy(st, 0, last, sizeof last);
			col_copy(st, 1, today, sizeof today);
		} else {
			e = map_rc(sqlite3_errcode(s->db));
			if (e == STORE_OK)
				e = STORE_ERR_SQL;
		}
	}
	if (e == STORE_OK)
		e = day_roots(s, last, today, &d);
	if (e == STORE_OK)
		e = prepare(s, "INSERT INTO answers_day (day, n, root) VALUES (?, ?, ?)", &ins);
	for (size_t i = 0; e == STORE_OK && i < d.n; i++) {
		char hex[65], detail[128];
		sqlite3_reset(ins);
		bind_text(ins, 1, d.v[i].day);
		sqlite3_bind_int64(ins, 2, d.v[i].n);
		sqlite3_bind_blob(ins, 3, d.v[i].h, AUDIT_HASH_BYTES, SQLITE_STATIC);
		audit_hex(d.v[i].h, hex);
		snprintf(detail, sizeof detail, "%lld answers, root %s", d.v[i].n, hex);
		if ((e = step_done(ins)) == STORE_OK &&
		    (e = store_audit(s, "manyi", "answers sealed", d.v[i].day, detail)) == STORE_OK && days)
			(*days)++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	free(d.v);
	return own_end(s, own, e);
}

/* A day as sealed: from its audit row (the truth), and its answers_day row. */
struct sealed {
	char day[11];
	long long n;
	char root[65];
};

struct sealed_list {
	struct sealed *v;
	size_t n, cap;
};

/* "audit row ID (AT ACTION OBJECT)" of the row st is on. */
static void row_name(sqlite3_stmt *st, char *out, size_t n)
{
	const char *obj = col_or_null(st, 4);
	snprintf(out, n, "audit row %lld (%s %s%s%s)", sqlite3_column_int64(st, 0),
	         sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "",
	         sqlite3_column_text(st, 3) ? (const char *)sqlite3_column_text(st, 3) : "",
	         obj ? " " : "", obj ? obj : "");
}

/* Does head (hex, "ID HEX" or "ID:HEX") parse?  Into *id (0: none given) and h. */
static bool head_parse(const char *head, long long *id, unsigned char h[AUDIT_HASH_BYTES])
{
	const char *sep = strpbrk(head, " :");
	*id = 0;
	if (sep != NULL) {
		char *end;
		*id = strtoll(head, &end, 10);
		if (end != sep || *id <= 0)
			return false;
		head = sep + 1;
	}
	return audit_unhex(head, h);
}

/* Walk the audit chain into v; the days it sealed into sl. */
static enum store_err walk_chain(struct store *s, const char *head, struct audit_verdict *v,
                                 struct sealed_list *sl)
{
	sqlite3_stmt *st = NULL;
	unsigned char prev[AUDIT_HASH_BYTES], want[AUDIT_HASH_BYTES], given[AUDIT_HASH_BYTES];
	long long prev_id = 0, given_id = 0;
	int rc;
	enum store_err e = prepare(s, "SELECT id, at, actor, action, object, detail, hash FROM audit "
	                              "ORDER BY id", &st);
	if (e != STORE_OK)
		return e;
	if (head != NULL && !head_parse(head, &given_id, given)) {
		snprintf(v->what, sizeof v->what, "--head \"%s\" is not a head (64 hex digits, "
		         "optionally \"ID \" before them, as manyi audit head prints it)", head);
		v->intact = false;
		sqlite3_finalize(st);
		return STORE_OK;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_fields f = fields_of(st);
		const unsigned char *have = sqlite3_column_blob(st, 6);
		char name[256];
		audit_row_hash(v->rows ? prev : NULL, &f, want);
		if (have == NULL || sqlite3_column_bytes(st, 6) != AUDIT_HASH_BYTES ||
		    memcmp(have, want, AUDIT_HASH_BYTES) != 0) {
			row_name(st, name, sizeof name);
			if (f.id != prev_id + 1)
				snprintf(v->what, sizeof v->what, "%s: its hash does not match — the rows %lld to "
				         "%lld before it are missing (deleted)", name, prev_id + 1, f.id - 1);
			else if (have == NULL)
				snprintf(v->what, sizeof v->what, "%s: it has no hash — written outside manyi", name);
			else
				snprintf(v->what, sizeof v->what, "%s: its hash does not match — edited or a row "
				         "before it deleted", name);
			v->intact = false;
			break;
		}
		memcpy(prev, have, sizeof prev);
		prev_id = f.id;
		v->rows++;
		v->head.id = f.id;
		audit_hex(have, v->head.hash);
		if (head != NULL && memcmp(have, given, AUDIT_HASH_BYTES) == 0 &&
		    (given_id == 0 || given_id == f.id))
			v->head_found = true;
		if (f.action.p && strcmp(f.action.p, "answers sealed") == 0 && f.object.p) {
			sl->v = xgrow(sl->v, sl->n, &sl->cap, sizeof *sl->v, 64);
			struct sealed *x = &sl->v[sl->n];
			memset(x, 0, sizeof *x);
			if (f.detail.p && f.object.n == 10 &&
			    sscanf(f.detail.p, "%lld answers, root %64s", &x->n, x->root) == 2) {
				memcpy(x->day, f.object.p, 10);
				sl->n++;
			}
		}
	}
	if (v->intact && rc != SQLITE_DONE)
		e = map_rc(rc);
	sqlite3_finalize(st);
	return e;
}

static int sealed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sealed *)a)->day, ((const struct sealed *)b)->day);
}

/* answers_day against the audit rows that sealed the days (sl, in date order). */
static enum store_err check_table(struct store *s, const struct sealed_list *sl, struct audit_verdict *v)
{
	sqlite3_stmt *st = NULL;
	size_t i = 0;
	int rc;
	enum store_err e = prepare(s, "SELECT day, n, root FROM answers_day ORDER BY day", &st);
	if (e != STORE_OK)
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *day = (const char *)sqlite3_column_text(st, 0);
		char root[65] = "";
		if (sqlite3_column_bytes(st, 2) == AUDIT_HASH_BYTES)
			audit_hex(sqlite3_column_blob(st, 2), root);
		if (i >= sl->n || strcmp(sl->v[i].day, day) != 0 || sl->v[i].n != sqlite3_column_int64(st, 1) ||
		    strcmp(sl->v[i].root, root) != 0) {
			const char *d = i < sl->n && strcmp(sl->v[i].day, day) < 0 ? sl->v[i].day : day;
			snprintf(v->what, sizeof v->what, "answers of %s: the sealed day (table answers_day) "
			         "differs from the audit row that sealed it — the seal was rewritten", d);
			v->intact = false;
			break;
		}
		i++;
	}
	if (v->intact && rc != SQLITE_DONE)
		e = map_rc(rc);
	if (e == STORE_OK && v->intact && i < sl->n) {
		snprintf(v->what, sizeof v->what, "answers of %s: sealed in the audit record but missing "
		         "from table answers_day — the seal was deleted", sl->v[i].day);
		v->intact = false;
	}
	sqlite3_finalize(st);
	return e;
}

/* Each sealed day's root recomputed from the rows now, in date order. */
static enum store_err check_days(struct store *s, const struct sealed_list *sl, struct audit_verdict *v)
{
	struct day_roots d;
	char before[16];
	if (sl->n == 0)
		return STORE_OK;
	/* Every answer up to the last day sealed: none may have come or gone. */
	sqlite3_stmt *st = NULL;
	enum store_err e = prepare(s, "SELECT date(?, '+1 day')", &st);
	if (e != STORE_OK)
		return e;
	bind_text(st, 1, sl->v[sl->n - 1].day);
	if (sqlite3_step(st) == SQLITE_ROW)
		col_copy(st, 0, before, sizeof before);
	else
		e = STORE_ERR_SQL;
	sqlite3_finalize(st);
	if (e != STORE_OK || (e = day_roots(s, "0000-00-00", before, &d)) != STORE_OK)
		return e;
	size_t i = 0, j = 0;
	while (v->intact && (i < sl->n || j < d.n)) {
		int c = i == sl->n ? 1 : j == d.n ? -1 : strcmp(sl->v[i].day, d.v[j].day);
		const char *day = c <= 0 ? sl->v[i].day : d.v[j].day;
		long long was = c <= 0 ? sl->v[i].n : 0, now = c >= 0 ? d.v[j].n : 0;
		char root[65] = "";
		if (c >= 0)
			audit_hex(d.v[j].h, root);
		if (was != now)
			snprintf(v->what, sizeof v->what, "answers of %s: %lld sealed, %lld now — %s after "
			         "sealing", day, was, now, was > now ? "a response deleted" : "a response added");
		else if (strcmp(sl->v[i].root, root) != 0)
			snprintf(v->what, sizeof v->what, "answers of %s: %lld sealed, %lld now, but their "
			         "root differs — a response edited after sealing", day, was, now);
		else
			v->answers += now;
		v->intact = was == now && (c != 0 || strcmp(sl->v[i].root, root) == 0);
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	v->days = (long long)sl->n;
	free(d.v);
	return STORE_OK;
}

enum store_err audit_verify(struct store *s, const char *head, struct audit_verdict *v)
{
	struct sealed_list sl = {0};
	memset(v, 0, sizeof *v);
	v->intact = true;
	v->head_given = head != NULL;
	audit_hex(zero_hash, v->head.hash);
	/* One snapshot of the whole database. */
	bool own = sqlite3_get_autocommit(s->db);
	enum store_err e = own ? store_begin_read(s) : STORE_OK;
	if (e == STORE_OK)
		e = walk_chain(s, head, v, &sl);
	if (e == STORE_OK && v->intact && head != NULL && !v->head_found) {
		snprintf(v->what, sizeof v->what, "the head %s is not in the audit chain (head now %lld %s) "
		         "— the record was rewritten after it was published", head, v->head.id, v->head.hash);
		v->intact = false;
	}
	if (sl.n > 1)
		xqsort(sl.v, sl.n, sizeof *sl.v, sealed_cmp);
	if (e == STORE_OK && v->intact)
		e = check_table(s, &sl, v);
	if (e == STORE_OK && v->intact)
		e = check_days(s, &sl, v);
	if (own)
		store_rollback(s);
	free(sl.v);
	return e;
}
