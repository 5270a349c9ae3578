/* throttle — see include/throttle.h. */
#include "throttle.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "crypto.h"
#include "shm.h"
#include "util.h"

/* Policy per kind: window length, free events, then slow down, then lock. */
static const struct policy {
	long window;     /* seconds; windows start at multiples of it (UTC) */
	long free;       /* events before slowing down */
	long lock_after; /* events before the lock-out */
	long lock;       /* seconds locked out */
} policies[THROTTLE__MAX] = {
	[THROTTLE_BAD_TOKEN] = {900, 5, 20, 1800},
	[THROTTLE_PUBLIC] = {3600, 20, 20, 3600},
	[THROTTLE_SIGNIN_USER] = {900, 5, 5, 900},
	[THROTTLE_SIGNIN_ADDR] = {900, 10, 30, 1800},
	[THROTTLE_LOOKUP] = {3600, 60, 60, 3600},
};

/* A slot is searched for among PROBE neighbours of its hash's position. */
#define PROBE 16
#define TAG 16

struct slot {
	unsigned char tag[TAG]; /* keyed hash of (kind, address) */
	long long gen;          /* the key generation of tag; 0 = empty */
	long long window;       /* the window `count` belongs to */
	long long locked_until;
	int count;              /* events in that window */
	int prev;               /* events in the window before it */
	int kind;               /* enum throttle_kind */
};

struct throttle {
	struct shm_head shm;   /* first: the lock and the mapping's size (shm.h) */
	size_t nslots;         /* a power of two */
	long long keygen[2];   /* generation of key[g % 2]; 0 = none */
	long limit[THROTTLE__MAX]; /* throttle_set_limit(): events before the lock-out; 0 = the policy's */
	unsigned char key[2][CRYPTO_BLAKE2B_KEYBYTES];
	struct slot slot[];
};

struct throttle *throttle_new(size_t slots)
{
	size_t n = PROBE;
	while (n < slots && n < ((size_t)1 << 24))
		n <<= 1;
	size_t bytes = sizeof(struct throttle) + n * sizeof(struct slot);
	struct throttle *t = shm_new(bytes);
	if (t == NULL)
		return NULL;
	t->nslots = n;
	return t;
}

void throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	shm_free(t);
}

static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static struct throttle *shared;

static void shared_make(void)
{
	shared = throttle_new((size_t)1 << 16);
}

struct throttle *throttle_shared(void)
{
	pthread_once(&shared_once, shared_make);
	return shared;
}

/* A worker that died holding the lock left at worst one slot half
 * written: a count, never anything that could name an address (shm_lock). */
static void lock(struct throttle *t)
{
	shm_lock(t);
}

/* The generation of now's key, drawing that key when it is new. */
static long long key_generation(struct throttle *t, time_t now)
{
	long long g = (long long)now / THROTTLE_ROTATE + 1; /* 0 means "none" */
	if (t->keygen[g % 2] != g) {
		crypto_random(t->key[g % 2], sizeof t->key[g % 2]);
		t->keygen[g % 2] = g;
	}
	return g;
}

static void make_tag(struct throttle *t, long long g, enum throttle_kind k, const char *addr,
                     unsigned char tag[TAG])
{
	unsigned char kind = (unsigned char)k;
	const struct crypto_part parts[] = {{"manyi-throttle", 14}, {&kind, 1}, {addr, strlen(addr)}};
	crypto_blake2b_parts(tag, TAG, t->key[g % 2], sizeof t->key[g % 2], parts, ARRAY_SIZE(parts));
}

static size_t home(const struct throttle *t, const unsigned char tag[TAG])
{
	size_t h;
	memcpy(&h, tag, sizeof h);
	return h & (t->nslots - 1);
}

/* When the slot stops mattering: its lock-out is over and its counts have
 * left the window before the current one. */
static long long slot_expires(const struct slot *s)
{
	const struct policy *p = &policies[s->kind];
	long long w = (s->window + 2) * p->window;
	return s->locked_until > w ? s->locked_until : w;
}

static bool slot_dead(const struct slot *s, long long g, time_t now)
{
	return s->gen == 0 || s->gen < g - 1 || slot_expires(s) <= (long long)now;
}

static struct slot *find(struct throttle *t, long long g, const unsigned char tag[TAG])
{
	size_t h = home(t, tag);
	for (size_t i = 0; i < PROBE; i++) {
		struct slot *s = &t->slot[(h + i) & (t->nslots - 1)];
		if (s->gen == g && memcmp(s->tag, tag, TAG) == 0)
			return s;
	}
	return NULL;
}

/* A slot for tag: a dead one near its home, else the one that expires first. */
static struct slot *claim(struct throttle *t, long long g, time_t now, enum throttle_kind k,
                          const unsigned char tag[TAG])
{
	size_t h = home(t, tag);
	struct slot *best = NULL;
	for (size_t i = 0; i < PROBE; i++) {
		struct slot *s = &t->slot[(h + i) & (t->nslots - 1)];
		if (slot_dead(s, g, now)) {
			best = s;
			break;
		}
		if (best == NULL || slot_expires(s) < slot_expires(best))
			best = s;
	}
	memset(best, 0, sizeof *best);
	memcpy(best->tag, tag, TAG);
	best->gen = g;
	best->kind = (int)k;
	return best;
}

/*
 * The slot of (k, addr) under the current key; one found under the previous
 * key moves to the current one.  With create, a missing slot is made.
 */
static struct slot *lookup(struct throttle *t, enum throttle_kind k, const char *addr,
                           time_t now, bool create)
{
	long long g = key_generation(t, now);
	unsigned char tag[TAG];
	make_tag(t, g, k, addr, tag);
	struct slot *s = find(t, g, tag);
	if (s != NULL)
		return s;
	struct slot old = {.gen = 0};
	if (t->keygen[(g - 1) % 2] == g - 1) {
		unsigned char ptag[TAG];
		make_tag(t, g - 1, k, addr, ptag);
		struct slot *o = find(t, g - 1, ptag);
		if (o != NULL) {
			old = *o;
			memset(o, 0, sizeof *o);
		}
		crypto_memzero(ptag, sizeof ptag);
	}
	if (old.gen == 0 && !create)
		return NULL;
	s = claim(t, g, now, k, tag);
	if (old.gen != 0) {
		s->window = old.window;
		s->count = old.count;
		s->prev = old.prev;
		s->locked_until = old.locked_until;
	}
	return s;
}

/* Move the slot's counts to now's window. */
static void slot_roll(struct slot *s, const struct policy *p, time_t now)
{
	long long w = (long long)now / p->window;
	if (s->window == w)
		return;
	s->prev = s->window == w - 1 ? s->count : 0;
	s->count = 0;
	s->window = w;
}

/*
 * Events within the last window's length: this window's, and the last
 * one's in the share of it that still overlaps (a sliding window estimated
 * from two fixed ones), rounded up.
 */
static long slot_events(const struct slot *s, const struct policy *p, time_t now)
{
	double left = 1.0 - (double)((long long)now % p->window) / (double)p->window;
	return (long)ceil((double)s->count + (double)s->prev * left - 1e-9);
}

bool throttle_allowed(struct throttle *t, enum throttle_kind k, const char *addr, time_t now,
                      long *retry_after)
{
	if (t == NULL)
		return true;
	bool ok = true;
	lock(t);
	struct slot *s = lookup(t, k, addr, now, false);
	if (s != NULL && (long long)now < s->locked_until) {
		*retry_after = (long)(s->locked_until - (long long)now);
		ok = false;
	}
	shm_unlock(t);
	return ok;
}

void throttle_set_limit(struct throttle *t, enum throttle_kind k, long events)
{
	if (t == NULL || k >= THROTTLE__MAX)
		return;
	lock(t);
	t->limit[k] = events > 0 ? events : 0;
	shm_unlock(t);
}

void throttle_count(struct throttle *t, enum throttle_kind k, const char *addr, time_t now)
{
	if (t == NULL)
		return;
	struct policy set = policies[k];
	const struct policy *p = &set;
	lock(t);
	if (t->limit[k] > 0) /* a set limit: so many, then locked out (no slowing down) */
		set.free = set.lock_after = t->limit[k];
	struct slot *s = lookup(t, k, addr, now, true);
	slot_roll(s, p, now);
	s->count++;
	long n = slot_events(s, p, now);
	if (n >= p->lock_after)
		s->locked_until = (long long)now + p->lock;
	else if (n >= p->free) {
		long long delay = 1LL << (n - p->free < 6 ? n - p->free : 6);
		s->locked_until = (long long)now + delay;
	}
	shm_unlock(t);
}

size_t throttle_used(struct throttle *t, time_t now)
{
	if (t == NULL)
		return 0;
	size_t n = 0;
	lock(t);
	long long g = key_generation(t, now);
	for (size_t i = 0; i < t->nslots; i++) {
		n += !slot_dead(&t->slot[i], g, now);
	}
	shm_unlock(t);
	return n;
}
