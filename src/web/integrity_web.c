/* integrity_web — the request's integrity signals; see integrity_web.h. */
#include "integrity_web.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "shm.h"
#include "util.h"

#define STAMP_MAC 16

/* The stamp's MAC over (survey, random part, time). */
static void stamp_mac(const unsigned char secret[32], const char *survey, const char *rnd,
                      size_t rlen, const char *ts, size_t tlen, unsigned char mac[STAMP_MAC])
{
	const struct crypto_part p[] = {
		{"manyi-render", 13}, {survey, strlen(survey) + 1}, {rnd, rlen}, {".", 1}, {ts, tlen},
	};
	crypto_blake2b_parts(mac, STAMP_MAC, secret, 32, p, ARRAY_SIZE(p));
}

void integrity_stamp_make(const unsigned char secret[32], const char *survey, time_t now,
                          char out[INTEGRITY_STAMP_LEN])
{
	char rnd[CRYPTO_B64URL_LEN(16)], ts[24];
	unsigned char mac[STAMP_MAC];
	crypto_random_id(rnd, sizeof rnd, 16);
	snprintf(ts, sizeof ts, "%lld", (long long)now);
	stamp_mac(secret, survey, rnd, strlen(rnd), ts, strlen(ts), mac);
	char *m = crypto_b64url_encode(mac, sizeof mac);
	snprintf(out, INTEGRITY_STAMP_LEN, "%s.%s.%s", rnd, ts, m);
	free(m);
}

bool integrity_stamp_check(const unsigned char secret[32], const char *survey, const char *stamp,
                           time_t *rendered)
{
	const char *d1 = stamp != NULL ? strchr(stamp, '.') : NULL;
	const char *d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;
	unsigned char mac[STAMP_MAC], want[STAMP_MAC];
	char ts[24];
	long t;
	if (d2 == NULL || (size_t)(d2 - d1 - 1) >= sizeof ts || strlen(stamp) >= INTEGRITY_STAMP_LEN)
		return false;
	memcpy(ts, d1 + 1, (size_t)(d2 - d1 - 1));
	ts[d2 - d1 - 1] = '\0';
	if (!parse_long(ts, 0, 4102444800L, &t) ||
	    crypto_b64url_decode(d2 + 1, mac, sizeof mac) != STAMP_MAC)
		return false;
	stamp_mac(secret, survey, stamp, (size_t)(d1 - stamp), ts, strlen(ts), want);
	if (!crypto_equal(mac, want, sizeof mac))
		return false;
	*rendered = (time_t)t;
	return true;
}

/* The counts: the last RING times of one (rule, network or device, agency) today. */
#define RING 32
#define PROBE 16

struct cslot {
	unsigned char tag[16]; /* keyed hash of what is counted */
	long long day;         /* the day (UTC+8) of tag's key; 0 = empty */
	long long t[RING];     /* the times of its answers, newest at (n-1) % RING */
	long long resp[RING];  /* their ids once stored (0: not yet, or never) */
	long n;                /* answers counted */
};

struct integrity_counts {
	struct shm_head shm;  /* first: the lock and the mapping's size (shm.h) */
	size_t nslots;
	long long day;        /* the day key is of; 0 = none yet */
	unsigned char key[CRYPTO_BLAKE2B_KEYBYTES];
	struct cslot slot[];
};

struct integrity_counts *integrity_counts_new(size_t slots)
{
	size_t n = PROBE;
	while (n < slots && n < ((size_t)1 << 20))
		n <<= 1;
	size_t bytes = sizeof(struct integrity_counts) + n * sizeof(struct cslot);
	struct integrity_counts *t = shm_new(bytes);
	if (t == NULL)
		return NULL;
	t->nslots = n;
	return t;
}

void integrity_counts_free(struct integrity_counts *t)
{
	if (t == NULL)
		return;
	shm_free(t);
}

static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static struct integrity_counts *shared;

static void shared_make(void)
{
	shared = integrity_counts_new((size_t)1 << 14);
}

struct integrity_counts *integrity_counts_shared(void)
{
	pthread_once(&shared_once, shared_make);
	return shared;
}

/* The day (UTC+8) of now, counted from 1970-01-01 (+1: 0 means none). */
static long long day_of(time_t now)
{
	return ((long long)now + 8 * 3600) / 86400 + 1;
}

/* What counting one answer gave. */
struct counted {
	long n;                      /* its answers within the window, this one too */
	char grp[INTEGRITY_GRP_LEN]; /* the group's name: 16 hex digits of a keyed hash */
	size_t nearlier;             /* when n reached need: the ids before it in the window */
	long long earlier[RING];
};

/*
 * Count one answer of what parts name at now against need answers in the
 * last window seconds into *c; where it went into the mark m.  Called
 * with t locked.
 */
static void count_locked(struct integrity_counts *t, const struct crypto_part *parts,
                         size_t nparts, time_t now, long window, long need,
                         struct counted *got, struct integrity_marks *m)
{
	char *grp = got->grp;
	long long day = day_of(now);
	if (t->day != day) {
		/* A new day: a new key, yesterday's forgotten with every count. */
		crypto_random(t->key, sizeof t->key);
		t->day = day;
	}
	unsigned char tag[16], g[16];
	crypto_blake2b_parts(tag, sizeof tag, t->key, sizeof t->key, parts, nparts);
	const struct crypto_part gp[] = {{"manyi-group", 12}, {tag, sizeof tag}};
	crypto_blake2b_parts(g, sizeof g, t->key, sizeof t->key, gp, ARRAY_SIZE(gp));
	for (int i = 0; i < 8; i++)
		snprintf(grp + 2 * i, 3, "%02x", g[i]);

	size_t start = ((size_t)tag[0] | (size_t)tag[1] << 8 | (size_t)tag[2] << 16) & (t->nslots - 1);
	struct cslot *use = NULL, *oldest = NULL;
	for (size_t k = 0; k < PROBE; k++) {
		struct cslot *c = &t->slot[(start + k) & (t->nslots - 1)];
		if (c->day == day && memcmp(c->tag, tag, sizeof tag) == 0) {
			use = c;
			break;
		}
		if (c->day != day) { /* empty, or yesterday's */
			if (use == NULL)
				use = c;
			continue;
		}
		if (oldest == NULL || c->t[(c->n - 1) % RING] < oldest->t[(oldest->n - 1) % RING])
			oldest = c;
	}
	if (use == NULL)
		use = oldest;
	if (use->day != day || memcmp(use->tag, tag, sizeof tag) != 0) {
		memset(use, 0, sizeof *use);
		memcpy(use->tag, tag, sizeof tag);
		use->day = day;
	}
	int pos = (int)(use->n % RING);
	use->t[pos] = (long long)now;
	use->resp[pos] = 0;
	use->n++;
	got->n = 0;
	got->nearlier = 0;
	for (long i = 0; i < use->n && i < RING; i++) {
		if (use->t[i] > (long long)now - window)
			got->n++;
		else
			use->resp[i] = 0; /* out of the window: no burst reaches back to it */
	}
	if (got->n == need)
		for (long i = 0; i < use->n && i < RING; i++)
			if (i != pos && use->t[i] > (long long)now - window && use->resp[i] > 0)
				got->earlier[got->nearlier++] = use->resp[i];
	if (m->n < 2) {
		m->v[m->n].slot = (size_t)(use - t->slot);
		m->v[m->n].pos = pos;
		m->v[m->n].at = (long long)now;
		memcpy(m->v[m->n].tag, tag, sizeof tag);
		m->n++;
	}
	crypto_memzero(tag, sizeof tag);
}

static void count(struct integrity_counts *t, const struct crypto_part *parts, size_t nparts,
                  time_t now, long window, long need, struct counted *c, struct integrity_marks *m)
{
	shm_lock(t);
	count_locked(t, parts, nparts, now, window, need, c, m);
	shm_unlock(t);
}

void integrity_counts_note(struct integrity_counts *t, const struct integrity_marks *marks,
                           long long resp)
{
	if (t == NULL || marks == NULL || resp <= 0)
		return;
	shm_lock(t);
	for (size_t i = 0; i < marks->n; i++) {
		struct cslot *c = &t->slot[marks->v[i].slot % t->nslots];
		/* Still the slot it was counted in (not given up since). */
		if (memcmp(c->tag, marks->v[i].tag, sizeof c->tag) == 0 && c->day != 0 &&
		    c->t[marks->v[i].pos] == marks->v[i].at)
			c->resp[marks->v[i].pos] = resp;
	}
	shm_unlock(t);
}

/* The flag of a counted rule, and the answers it reaches back to. */
static void counted_flag(struct integrity_flags *out, enum integrity_code code,
                         const struct counted *c, const char *detail)
{
	integrity_flag(out, code, c->grp, "%s", detail);
	for (size_t i = 0; i < c->nearlier && out->nearlier < INTEGRITY_EARLIER_MAX; i++) {
		out->earlier[out->nearlier].resp = c->earlier[i];
		out->earlier[out->nearlier++].code = code;
	}
}

/* The /24 (IPv4) or /48 (IPv6) of addr as text into net (capacity 64); false when addr is none. */
static bool network_of(const char *addr, char net[64])
{
	char cidr[80];
	if (addr == NULL || strlen(addr) >= 64)
		return false;
	snprintf(cidr, sizeof cidr, "%s/%s", addr, strchr(addr, ':') && !strchr(addr, '.') ? "48" : "24");
	return integrity_cidr_parse(cidr, net, 64);
}

/* The survey's items a respondent reads: every item. */
static size_t items_shown(const struct answers *a)
{
	return a->survey->nitems;
}

enum store_err integrity_signals_flags(struct store *s, struct integrity_counts *t,
                                       const struct integrity_signals *sig,
                                       const struct answers *ans, struct integrity_flags *out,
                                       struct integrity_marks *marks)
{
	memset(out, 0, sizeof *out);
	memset(marks, 0, sizeof *marks);
	/* speed: the render's signed time, never stored. */
	long ms = config_get(s, CONFIG_SPEED_MS_PER_ITEM);
	size_t items = items_shown(ans);
	if (sig->rendered > 0 && ms > 0 && sig->now >= sig->rendered) {
		long long took = (long long)(sig->now - sig->rendered);
		if (took * 1000 < (long long)ms * (long long)items)
			integrity_flag(out, INTEGRITY_SPEED, NULL, "%llds for %zu items (under %.1fs each)",
			               took, items, ms / 1000.0);
	}
	if (integrity_straightline(ans))
		integrity_flag(out, INTEGRITY_STRAIGHTLINE, NULL, "every scale item the same value");

	/* early / late: the invitation's answer against its encounter's date. */
	long long enc_day, today = day_of(sig->now) - 1;
	if (sig->occurred_on != NULL && day_parse(sig->occurred_on, &enc_day)) {
		long late = config_get(s, CONFIG_LATE_DAYS);
		if (today < enc_day)
			integrity_flag(out, INTEGRITY_EARLY, NULL, "answered %lld day(s) before the encounter",
			               enc_day - today);
		else if (today - enc_day > late)
			integrity_flag(out, INTEGRITY_LATE, NULL, "answered %lld days after the encounter "
			               "(more than %ld)", today - enc_day, late);
	}

	/* agency_network: the address against the agency's own networks. */
	char cidr[64], net[64];
	bool mine = false;
	enum store_err e = STORE_OK;
	/* A failure to read them leaves this rule out; the others go on. */
	if (sig->agency != NULL && sig->addr != NULL)
		e = integrity_network_match(s, sig->agency, sig->addr, &mine, cidr);
	if (mine)
		integrity_flag(out, INTEGRITY_AGENCY_NETWORK, NULL, "from %s, a network of %s", cidr,
		               sig->agency);

	/* burst and device: counted under the day's key, in memory only. */
	if (t == NULL || sig->keyed || !network_of(sig->addr, net) || sig->agency == NULL)
		return e;
	long need = config_get(s, CONFIG_BURST_ANSWERS), minutes = config_get(s, CONFIG_BURST_MINUTES);
	struct counted c;
	char detail[INTEGRITY_DETAIL_LEN];
	const struct crypto_part bp[] = {
		{"burst", 6}, {net, strlen(net) + 1}, {sig->agency, strlen(sig->agency)},
	};
	count(t, bp, ARRAY_SIZE(bp), sig->now, minutes * 60, need, &c, marks);
	snprintf(detail, sizeof detail, "%ld or more answers for %s from one network within %ld minutes",
	         need, sig->agency, minutes);
	if (c.n >= need)
		counted_flag(out, INTEGRITY_BURST, &c, detail);
	const char *ua = sig->user_agent != NULL ? sig->user_agent : "";
	const char *al = sig->accept_language != NULL ? sig->accept_language : "";
	const struct crypto_part dp[] = {
		{"device", 7}, {ua, strlen(ua) + 1}, {al, strlen(al) + 1}, {net, strlen(net)},
	};
	need = config_get(s, CONFIG_DEVICE_ENCOUNTERS);
	count(t, dp, ARRAY_SIZE(dp), sig->now, 86400, need, &c, marks);
	snprintf(detail, sizeof detail, "%ld or more answers in a day from one device", need);
	if (c.n >= need)
		counted_flag(out, INTEGRITY_DEVICE, &c, detail);
	crypto_memzero(net, sizeof net);
	return e;
}
