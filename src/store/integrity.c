/* integrity — flags, agencies' networks, the review queue; see include/integrity.h. */
#include "integrity.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>

#include "followup.h"
#include "store_internal.h"

/*
 * Migration 20 (MIGRATION_INTEGRITY): the flags of answers, the networks
 * configured as agencies' own, the queue's decisions.  No address, no
 * network of a respondent, no fingerprint: only the flag, its detail and a
 * group named by a keyed hash under a key of the day.
 */
const char store_migration_integrity[] =
	"CREATE TABLE answer_flag ("
	"  resp INTEGER NOT NULL REFERENCES resp(id),"
	"  code TEXT NOT NULL CHECK (code IN ('speed','straightline','burst','agency_network',"
	"    'early','late','device')),"
	"  detail TEXT NOT NULL,"
	"  grp TEXT,"
	"  PRIMARY KEY (resp, code)"
	") WITHOUT ROWID;"
	"CREATE INDEX answer_flag_code ON answer_flag(code, resp);"
	"CREATE TABLE agency_network ("
	"  agency TEXT NOT NULL REFERENCES agency(code),"
	"  cidr TEXT NOT NULL,"
	"  PRIMARY KEY (agency, cidr)"
	") WITHOUT ROWID;"
	"CREATE TABLE integrity_decision ("
	"  resp INTEGER PRIMARY KEY REFERENCES resp(id),"
	"  action TEXT NOT NULL CHECK (action IN ('keep','exclude')),"
	"  reason TEXT NOT NULL,"
	"  decided_by TEXT NOT NULL,"
	"  decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE TRIGGER resp_delete_integrity AFTER DELETE ON resp BEGIN"
	"  DELETE FROM answer_flag WHERE resp = OLD.id;"
	"  DELETE FROM integrity_decision WHERE resp = OLD.id;"
	"END;";

enum ig_stmt {
	I_FLAG,
	I_FLAG_EARLIER,
	I_NET_ADD,
	I_NET_REMOVE,
	I_NET_OF,
	I_NET_ALL,
	I_RESP,
	I_DECISION,
	I_DECIDE,
	I_AGENCY,
	I_FLAGGED,
	I__MAX
};
_Static_assert(I__MAX <= STORE_INTEGRITY_STMTS, "raise STORE_INTEGRITY_STMTS");

static const char *const ig_sql[I__MAX] = {
	[I_FLAG] = "INSERT OR REPLACE INTO answer_flag (resp, code, detail, grp) VALUES (?, ?, ?, ?)",
	[I_FLAG_EARLIER] = "INSERT OR IGNORE INTO answer_flag (resp, code, detail, grp)"
	                   " SELECT id, ?2, ?3, ?4 FROM resp WHERE id = ?1",
	[I_NET_ADD] = "INSERT INTO agency_network (agency, cidr) VALUES (?, ?)",
	[I_NET_REMOVE] = "DELETE FROM agency_network WHERE agency = ? AND cidr = ?",
	[I_NET_OF] = "SELECT agency, cidr FROM agency_network WHERE agency = ? ORDER BY cidr",
	[I_NET_ALL] = "SELECT agency, cidr FROM agency_network ORDER BY agency, cidr",
	[I_RESP] = "SELECT r.id, EXISTS (SELECT 1 FROM exclusion x WHERE x.resp = r.id)"
	           " FROM resp r WHERE r.public_id = ?"
	           " AND EXISTS (SELECT 1 FROM answer_flag f WHERE f.resp = r.id)",
	[I_DECISION] = "SELECT action FROM integrity_decision WHERE resp = ?",
	[I_DECIDE] = "INSERT OR REPLACE INTO integrity_decision (resp, action, reason, decided_by)"
	             " VALUES (?, ?, ?, ?)",
	[I_AGENCY] = "SELECT 1 FROM agency WHERE code = ?",
	[I_FLAGGED] = "SELECT DISTINCT f.resp FROM answer_flag f JOIN resp r ON r.id = f.resp"
	              " WHERE r.survey = (SELECT id FROM code WHERE kind = 'survey' AND text = ?)"
	              " ORDER BY f.resp",
};

static sqlite3_stmt *istmt(struct store *s, enum ig_stmt id)
{
	return stmt_prepared(s, &s->integrity_stmt[id], ig_sql[id]);
}

static const char *const code_names[INTEGRITY__MAX] = {
	[INTEGRITY_SPEED] = "speed",
	[INTEGRITY_STRAIGHTLINE] = "straightline",
	[INTEGRITY_BURST] = "burst",
	[INTEGRITY_AGENCY_NETWORK] = "agency_network",
	[INTEGRITY_EARLY] = "early",
	[INTEGRITY_LATE] = "late",
	[INTEGRITY_DEVICE] = "device",
};

const char *integrity_code_name(enum integrity_code c)
{
	return (unsigned)c < INTEGRITY__MAX ? code_names[c] : NULL;
}

bool integrity_code_parse(const char *name, enum integrity_code *c)
{
	for (int i = 0; i < INTEGRITY__MAX; i++)
		if (name != NULL && strcmp(name, code_names[i]) == 0) {
			*c = (enum integrity_code)i;
			return true;
		}
	return false;
}

static const char *const state_names[INTEGRITY_STATE__MAX] = {"open", "kept", "excluded"};

const char *integrity_state_name(enum integrity_state st)
{
	return (unsigned)st < INTEGRITY_STATE__MAX ? state_names[st] : NULL;
}

bool integrity_state_parse(const char *name, enum integrity_state *st)
{
	for (int i = 0; i < INTEGRITY_STATE__MAX; i++)
		if (name != NULL && strcmp(name, state_names[i]) == 0) {
			*st = (enum integrity_state)i;
			return true;
		}
	return false;
}

void integrity_flag(struct integrity_flags *f, enum integrity_code code, const char *grp,
                    const char *fmt, ...)
{
	size_t i = 0;
	while (i < f->n && f->v[i].code != code)
		i++;
	if (i == f->n) {
		if (f->n >= INTEGRITY__MAX)
			return;
		f->n++;
	}
	struct integrity_flag *fl = &f->v[i];
	fl->code = code;
	snprintf(fl->grp, sizeof fl->grp, "%s", grp != NULL ? grp : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fl->detail, sizeof fl->detail, fmt, ap);
	va_end(ap);
}

bool integrity_has(const struct integrity_flags *f, enum integrity_code code)
{
	for (size_t i = 0; f != NULL && i < f->n; i++)
		if (f->v[i].code == code)
			return true;
	return false;
}

bool integrity_straightline(const struct answers *a)
{
	int value = 0, n = 0;
	for (size_t i = 0; i < a->survey->nitems; i++) {
		const struct answer *an = &a->a[i];
		if (a->survey->items[i].type != ITEM_SCALE || !an->present || an->na)
			continue;
		if (n > 0 && an->scale != value)
			return false;
		value = an->scale;
		n++;
	}
	return n >= 3;
}

/* Address text into 16 bytes (v4 as ::ffff:a.b.c.d) and whether it is v4. */
static bool addr_bytes(const char *text, unsigned char out[16], bool *v4)
{
	struct in_addr a4;
	if (inet_pton(AF_INET, text, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		*v4 = true;
		return true;
	}
	if (inet_pton(AF_INET6, text, out) != 1)
		return false;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	*v4 = memcmp(out, mapped, 12) == 0;
	return true;
}

/* cidr into its 16 bytes (host bits cleared), its prefix over the 128 bits, and v4. */
static bool cidr_bytes(const char *cidr, unsigned char net[16], int *bits, bool *v4)
{
	char addr[64];
	const char *slash = cidr != NULL ? strchr(cidr, '/') : NULL;
	size_t len = slash != NULL ? (size_t)(slash - cidr) : cidr != NULL ? strlen(cidr) : 0;
	if (len == 0 || len >= sizeof addr)
		return false;
	memcpy(addr, cidr, len);
	addr[len] = '\0';
	if (!addr_bytes(addr, net, v4))
		return false;
	long p = *v4 ? 32 : 128;
	if (slash != NULL && !parse_long(slash + 1, 0, *v4 ? 32 : 128, &p))
		return false;
	*bits = (int)p + (*v4 ? 96 : 0);
	for (int i = *bits; i < 128; i++)
		net[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	return true;
}

bool integrity_cidr_parse(const char *cidr, char *canon, size_t n)
{
	unsigned char net[16];
	int bits;
	bool v4;
	char text[INET6_ADDRSTRLEN];
	if (!cidr_bytes(cidr, net, &bits, &v4))
		return false;
	if (v4)
		inet_ntop(AF_INET, net + 12, text, sizeof text);
	else
		inet_ntop(AF_INET6, net, text, sizeof text);
	snprintf(canon, n, "%s/%d", text, v4 ? bits - 96 : bits);
	return true;
}

bool integrity_cidr_match(const char *cidr, const char *addr)
{
	unsigned char net[16], a[16];
	int bits;
	bool v4, av4;
	if (addr == NULL || !cidr_bytes(cidr, net, &bits, &v4) || !addr_bytes(addr, a, &av4) ||
	    v4 != av4)
		return false;
	for (int i = bits; i < 128; i++)
		a[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	return memcmp(a, net, 16) == 0;
}

/* One flag fl on resp with statement id. */
static enum store_err flag_put(struct store *s, enum ig_stmt id, long long resp,
                               const struct integrity_flag *fl)
{
	sqlite3_stmt *st = istmt(s, id);
	sqlite3_bind_int64(st, 1, resp);
	bind_text(st, 2, integrity_code_name(fl->code));
	bind_text(st, 3, fl->detail);
	bind_text(st, 4, fl->grp[0] != '\0' ? fl->grp : NULL);
	return step_done(st);
}

enum store_err integrity_flags_store(struct store *s, long long resp, struct integrity_flags *f)
{
	if (f == NULL)
		return STORE_OK;
	f->resp = resp;
	bool other = false;
	enum store_err e = STORE_OK;
	for (size_t i = 0; i < f->n; i++)
		other |= f->v[i].code != INTEGRITY_STRAIGHTLINE;
	for (size_t i = 0; i < f->n && other && e == STORE_OK; i++)
		e = flag_put(s, I_FLAG, resp, &f->v[i]);
	/* A burst's first answers, stored before it was one (an answer
	 * deleted since is skipped; one flagged so already keeps its flag). */
	for (size_t i = 0; i < f->nearlier && e == STORE_OK; i++)
		for (size_t k = 0; k < f->n && e == STORE_OK; k++)
			if (f->v[k].code == f->earlier[i].code && f->earlier[i].resp != resp)
				e = flag_put(s, I_FLAG_EARLIER, f->earlier[i].resp, &f->v[k]);
	return e;
}

void integrity_network_list_free(struct integrity_network_list *l)
{
	if (l == NULL)
		return;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Change agency's networks with statement id and an audit row, in a transaction. */
static enum store_err network_change(struct store *s, enum ig_stmt id, const char *agency,
                                     const char *cidr, const char *by, const char *action)
{
	bool own = sqlite3_get_autocommit(s->db);
	enum store_err e;
	if (own && (e = store_begin(s)) != STORE_OK)
		return e;
	sqlite3_stmt *st = istmt(s, I_AGENCY);
	bind_text(st, 1, agency);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (e == STORE_OK) {
		st = istmt(s, id);
		bind_text(st, 1, agency);
		bind_text(st, 2, cidr);
		e = step_done(st);
		if (e == STORE_OK && id == I_NET_REMOVE && sqlite3_changes(s->db) == 0)
			e = STORE_ERR_NOTFOUND;
	}
	if (e == STORE_OK) {
		char obj[96];
		snprintf(obj, sizeof obj, "agency %s", agency);
		e = store_audit(s, by, action, obj, cidr);
	}
	return own_end(s, own, e);
}

enum store_err integrity_network_add(struct store *s, const char *agency, const char *cidr,
                                     const char *by)
{
	return network_change(s, I_NET_ADD, agency, cidr, by, "integrity.network.add");
}

enum store_err integrity_network_remove(struct store *s, const char *agency, const char *cidr,
                                        const char *by)
{
	return network_change(s, I_NET_REMOVE, agency, cidr, by, "integrity.network.remove");
}

enum store_err integrity_network_list(struct store *s, const char *agency,
                                      struct integrity_network_list *out)
{
	sqlite3_stmt *st = istmt(s, agency != NULL ? I_NET_OF : I_NET_ALL);
	size_t cap = 0;
	int rc;
	memset(out, 0, sizeof *out);
	if (agency != NULL)
		bind_text(st, 1, agency);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? 2 * cap : 8;
			out->v = xrealloc(out->v, cap * sizeof *out->v);
		}
		struct integrity_network *n = &out->v[out->n++];
		col_copy(st, 0, n->agency, sizeof n->agency);
		col_copy(st, 1, n->cidr, sizeof n->cidr);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		integrity_network_list_free(out);
		return map_rc(rc);
	}
	return STORE_OK;
}

enum store_err integrity_network_match(struct store *s, const char *agency, const char *addr,
                                       bool *match, char *cidr)
{
	sqlite3_stmt *st = istmt(s, I_NET_OF);
	int rc;
	*match = false;
	bind_text(st, 1, agency);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 1);
		if (c != NULL && integrity_cidr_match(c, addr)) {
			*match = true;
			snprintf(cidr, 64, "%s", c);
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : map_rc(rc);
}

void integrity_items_free(struct integrity_items *l)
{
	if (l == NULL)
		return;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * The queue's one query (filters bound as NULL = any): one row per flag,
 * ordered so that an answer's flags are adjacent; it reads the flagged
 * answers only (answer_flag's key leads with resp), never the whole of resp.
 */
static const char queue_sql[] =
	"WITH st AS (SELECT r.id, CASE WHEN x.resp IS NOT NULL THEN 'excluded'"
	"  WHEN d.action = 'keep' THEN 'kept' ELSE 'open' END AS state,"
	"  coalesce(x.reason, d.reason, '') AS reason"
	"  FROM (SELECT DISTINCT resp FROM answer_flag) fl JOIN resp r ON r.id = fl.resp"
	"  LEFT JOIN exclusion x ON x.resp = r.id"
	"  LEFT JOIN integrity_decision d ON d.resp = r.id)"
	" SELECT v.public_id, v.survey_id, v.agency, v.channel, date(v.submitted_at, '+8 hours'),"
	"  st.state, st.reason, f.code, f.detail, coalesce(f.grp, '')"
	" FROM st JOIN response v ON v.id = st.id JOIN answer_flag f ON f.resp = st.id"
	" WHERE (?1 IS NULL OR v.survey_id = ?1) AND (?2 IS NULL OR v.agency = ?2)"
	"  AND (?3 IS NULL OR EXISTS (SELECT 1 FROM answer_flag f3 WHERE f3.resp = st.id"
	"   AND f3.code = ?3)) AND (?4 IS NULL OR st.state = ?4)"
	"  AND (?5 IS NULL OR date(v.submitted_at, '+8 hours') >= ?5)"
	"  AND (?6 IS NULL OR date(v.submitted_at, '+8 hours') <= ?6)"
	" ORDER BY v.agency, v.submitted_at, st.id, f.code";

enum store_err integrity_queue(struct store *s, const struct integrity_query *q,
                               struct integrity_items *out)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = sqlite3_prepare_v2(s->db, queue_sql, -1, &st, NULL)) != SQLITE_OK)
		return map_rc(rc);
	bind_text(st, 1, q->survey);
	bind_text(st, 2, q->agency);
	bind_text(st, 3, q->code >= 0 ? integrity_code_name((enum integrity_code)q->code) : NULL);
	bind_text(st, 4, q->state >= 0 ? integrity_state_name((enum integrity_state)q->state) : NULL);
	bind_text(st, 5, q->from);
	bind_text(st, 6, q->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pid = (const char *)sqlite3_column_text(st, 0);
		struct integrity_item *it = out->n > 0 ? &out->v[out->n - 1] : NULL;
		if (it == NULL || pid == NULL || strcmp(it->public_id, pid) != 0) {
			if (out->n == cap) {
				cap = cap ? 2 * cap : 16;
				out->v = xrealloc(out->v, cap * sizeof *out->v);
			}
			it = &out->v[out->n++];
			memset(it, 0, sizeof *it);
			col_copy(st, 0, it->public_id, sizeof it->public_id);
			col_copy(st, 1, it->survey, sizeof it->survey);
			col_copy(st, 2, it->agency, sizeof it->agency);
			col_copy(st, 3, it->channel, sizeof it->channel);
			col_copy(st, 4, it->day, sizeof it->day);
			char state[16];
			col_copy(st, 5, state, sizeof state);
			integrity_state_parse(state, &it->state);
			col_copy(st, 6, it->reason, sizeof it->reason);
		}
		if (it->nflags < INTEGRITY__MAX) {
			struct integrity_flag *f = &it->flags[it->nflags];
			char code[32];
			col_copy(st, 7, code, sizeof code);
			if (integrity_code_parse(code, &f->code)) {
				col_copy(st, 8, f->detail, sizeof f->detail);
				col_copy(st, 9, f->grp, sizeof f->grp);
				it->nflags++;
			}
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		integrity_items_free(out);
		return map_rc(rc);
	}
	return STORE_OK;
}

enum store_err integrity_decide(struct store *s, const char *public_id, bool exclude,
                                const char *reason, const char *by)
{
	bool own = sqlite3_get_autocommit(s->db);
	enum store_err e;
	if (reason == NULL || *reason == '\0' || by == NULL || *by == '\0')
		return STORE_ERR_CONSTRAINT;
	if (own && (e = store_begin(s)) != STORE_OK)
		return e;
	sqlite3_stmt *st = istmt(s, I_RESP);
	bind_text(st, 1, public_id);
	int rc = sqlite3_step(st);
	long long resp = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	bool excluded = rc == SQLITE_ROW && sqlite3_column_int(st, 1) != 0;
	sqlite3_reset(st);
	e = rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : map_rc(rc);
	if (e == STORE_OK && excluded)
		e = STORE_ERR_CONSTRAINT;
	if (e == STORE_OK) {
		st = istmt(s, I_DECIDE);
		sqlite3_bind_int64(st, 1, resp);
		bind_text(st, 2, exclude ? "exclude" : "keep");
		bind_text(st, 3, reason);
		bind_text(st, 4, by);
		e = step_done(st);
	}
	if (e == STORE_OK && exclude)
		e = followup_exclude(s, resp, "integrity", reason, by);
	if (e == STORE_OK && !exclude) {
		char obj[64];
		snprintf(obj, sizeof obj, "response %s", public_id);
		char *detail = xasprintf("keep: %s", reason);
		e = store_audit(s, by, "integrity.keep", obj, detail);
		free(detail);
	}
	return own_end(s, own, e);
}

enum store_err integrity_flagged_ids(struct store *s, const char *survey, long long **ids,
                                     size_t *n)
{
	sqlite3_stmt *st = istmt(s, I_FLAGGED);
	size_t cap = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	bind_text(st, 1, survey);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return map_rc(rc);
	}
	return STORE_OK;
}
