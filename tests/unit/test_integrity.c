/*
 * Integrity (docs/integrity.md): the design-based t-test of flagged
 * against unflagged answers held to R's svyttest() to 1e-9
 * (tests/integrity/make_evidence.R and its figures), networks parsed and
 * matched, straight-lining, the signed render stamp, the flag list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "integrity.h"
#include "integrity_evidence.h"
#include "integrity_web.h"

#define ROWS_MAX 256

struct data {
	size_t n;
	char agency[ROWS_MAX][8];
	double N[ROWS_MAX], y[ROWS_MAX];
	bool x[ROWS_MAX];
};

static void read_data(struct data *d)
{
	FILE *f = fopen("tests/integrity/evidence_data.csv", "r");
	char line[256];
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f)); /* the header */
	d->n = 0;
	while (fgets(line, sizeof line, f) != NULL && d->n < ROWS_MAX) {
		int flagged;
		assert_int_equal(sscanf(line, "%7[^,],%lf,%lf,%d", d->agency[d->n], &d->N[d->n],
		                        &d->y[d->n], &flagged), 4);
		d->x[d->n++] = flagged != 0;
	}
	fclose(f);
}

/* Agency codes A01, A02, ... as stratum numbers 0, 1, ... */
static int stratum(const char *agency)
{
	return atoi(agency + 1) - 1;
}

static void same(const char *what, double got, double want)
{
	if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want))))
		fail_msg("%s: %.17g, R says %.17g", what, got, want);
}

static void ttest_as_r(void **state)
{
	(void)state;
	struct data d;
	read_data(&d);
	FILE *f = fopen("tests/integrity/evidence_expected.csv", "r");
	char line[512];
	int checked = 0;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f) != NULL) {
		char wt[8], agency[16];
		double diff, se, t, df, p;
		assert_int_equal(sscanf(line, "%7[^,],%15[^,],%lf,%lf,%lf,%lf,%lf", wt, agency, &diff, &se,
		                        &t, &df, &p), 7);
		bool base = strcmp(wt, "base") == 0;
		double w[ROWS_MAX], N[8] = {0};
		int h[ROWS_MAX];
		bool in[ROWS_MAX];
		size_t n_h[8] = {0};
		for (size_t i = 0; i < d.n; i++)
			n_h[stratum(d.agency[i])]++;
		/* The whole design, the agency a domain of it (subset()). */
		for (size_t i = 0; i < d.n; i++) {
			int s = stratum(d.agency[i]);
			N[s] = d.N[i];
			in[i] = strcmp(agency, "(all)") == 0 || strcmp(agency, d.agency[i]) == 0;
			w[i] = base ? d.N[i] / (double)n_h[s] : 1;
			h[i] = base ? s : 0;
		}
		struct integrity_ttest r;
		integrity_ttest(d.n, d.y, w, h, base ? N : NULL, base ? 8 : 1, d.x, in, &r);
		char what[64];
		snprintf(what, sizeof what, "%s %s diff", wt, agency);
		same(what, r.diff, diff);
		snprintf(what, sizeof what, "%s %s se", wt, agency);
		same(what, r.se, se);
		snprintf(what, sizeof what, "%s %s t", wt, agency);
		same(what, r.t, t);
		snprintf(what, sizeof what, "%s %s df", wt, agency);
		same(what, r.df, df);
		snprintf(what, sizeof what, "%s %s p", wt, agency);
		same(what, r.p, p);
		checked++;
	}
	fclose(f);
	assert_int_equal(checked, 8);
}

static void ttest_one_group(void **state)
{
	(void)state;
	double y[] = {80, 90, 100}, w[] = {1, 1, 1};
	int h[] = {0, 0, 0};
	bool x[] = {false, false, false};
	struct integrity_ttest r;
	integrity_ttest(3, y, w, h, NULL, 1, x, NULL, &r);
	assert_int_equal(r.n0, 3);
	assert_int_equal(r.n1, 0);
	same("mean of the unflagged", r.mean0, 90);
	assert_true(isnan(r.diff) && isnan(r.p));
}

static void networks(void **state)
{
	(void)state;
	char c[64];
	static const char *const good[][2] = {
		{"10.12.3.4/16", "10.12.0.0/16"}, {"192.168.1.77", "192.168.1.77/32"},
		{"2001:db8:1:2::5/48", "2001:db8:1::/48"}, {"0.0.0.0/0", "0.0.0.0/0"},
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		assert_true(integrity_cidr_parse(good[i][0], c, sizeof c));
		assert_string_equal(c, good[i][1]);
	}
	static const char *const bad[] = {"", "10.1.2/24", "10.1.2.3/33", "300.1.1.1/8", "::1/129",
	                                  "10.0.0.0/x", "10.0.0.0/", "/24"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (integrity_cidr_parse(bad[i], c, sizeof c))
			fail_msg("\"%s\" taken for a network", bad[i]);
	assert_true(integrity_cidr_match("127.0.1.0/24", "127.0.1.9"));
	assert_false(integrity_cidr_match("127.0.1.0/24", "127.0.2.9"));
	assert_true(integrity_cidr_match("127.0.1.0/24", "::ffff:127.0.1.9"));
	assert_true(integrity_cidr_match("2001:db8::/32", "2001:db8:ffff::1"));
	assert_false(integrity_cidr_match("2001:db8::/32", "127.0.0.1"));
	assert_false(integrity_cidr_match("127.0.1.0/24", NULL));
	assert_false(integrity_cidr_match("127.0.1.0/24", "not an address"));
}

static void straightline(void **state)
{
	(void)state;
	struct item items[5] = {{.type = ITEM_SCALE}, {.type = ITEM_SCALE}, {.type = ITEM_TEXT},
	                        {.type = ITEM_SCALE}, {.type = ITEM_SCALE}};
	struct survey sv = {.items = items, .nitems = 5};
	struct answer a[5] = {{.present = true, .scale = 5}, {.present = true, .scale = 5},
	                      {.present = true}, {.present = true, .scale = 5},
	                      {.present = true, .na = true}};
	struct answers ans = {.survey = &sv, .a = a};
	assert_true(integrity_straightline(&ans));
	a[3].scale = 4;
	assert_false(integrity_straightline(&ans));
	a[3].present = false; /* two answered: too few to say */
	assert_false(integrity_straightline(&ans));
}

static void stamp(void **state)
{
	(void)state;
	unsigned char secret[32] = {1, 2, 3}, other[32] = {9};
	char s[INTEGRITY_STAMP_LEN], forged[INTEGRITY_STAMP_LEN + 8];
	time_t t;
	integrity_stamp_make(secret, "enforcement-public", 1800000000, s);
	assert_true(integrity_stamp_check(secret, "enforcement-public", s, &t));
	assert_int_equal(t, 1800000000);
	assert_false(integrity_stamp_check(other, "enforcement-public", s, &t));
	assert_false(integrity_stamp_check(secret, "another-survey", s, &t));
	char *d1 = strchr(s, '.'), *d2 = strchr(d1 + 1, '.');
	snprintf(forged, sizeof forged, "%.*s.1799990000%s", (int)(d1 - s), s, d2);
	assert_false(integrity_stamp_check(secret, "enforcement-public", forged, &t));
	assert_false(integrity_stamp_check(secret, "enforcement-public", "random-old-nonce", &t));
	assert_false(integrity_stamp_check(secret, "enforcement-public", NULL, &t));
}

static void flag_list(void **state)
{
	(void)state;
	struct integrity_flags f = {0};
	integrity_flag(&f, INTEGRITY_BURST, "0123456789abcdef", "%d answers", 3);
	integrity_flag(&f, INTEGRITY_BURST, "0123456789abcdef", "%d answers", 4);
	integrity_flag(&f, INTEGRITY_SPEED, NULL, "fast");
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].detail, "4 answers");
	assert_true(integrity_has(&f, INTEGRITY_SPEED));
	assert_false(integrity_has(&f, INTEGRITY_DEVICE));
	enum integrity_code c;
	for (int i = 0; i < INTEGRITY__MAX; i++) {
		assert_true(integrity_code_parse(integrity_code_name((enum integrity_code)i), &c));
		assert_int_equal(c, i);
	}
	assert_false(integrity_code_parse("fast", &c));
}

/* One public answer from addr for agency A01 at now: its flags, its id noted as id. */
static void one_answer(struct store *s, struct integrity_counts *t, const char *addr, time_t now,
                       long long id, struct integrity_flags *f)
{
	struct item items[1] = {{.type = ITEM_TEXT}};
	struct survey sv = {.items = items, .nitems = 1};
	struct answer a[1] = {{.present = true}};
	struct answers ans = {.survey = &sv, .a = a};
	struct integrity_marks m;
	struct integrity_signals sig = {.addr = addr, .user_agent = "ua", .now = now, .agency = "A01"};
	assert_int_equal(integrity_signals_flags(s, t, &sig, &ans, f, &m), STORE_OK);
	integrity_counts_note(t, &m, id);
}

/* Bursts counted in memory under the day's key: the third answer from one
 * /24 within the window flags itself and reaches back to the two before;
 * another /24 is counted apart; the next day starts over under a new key. */
static void counts(void **state)
{
	(void)state;
	char path[] = "/tmp/manyi-ig-XXXXXX", msg[256];
	struct store *s;
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	assert_int_equal(store_open(path, true, &s, msg, sizeof msg), STORE_OK);
	assert_int_equal(config_set(s, CONFIG_BURST_ANSWERS, 3), STORE_OK);
	assert_int_equal(config_set(s, CONFIG_DEVICE_ENCOUNTERS, 32), STORE_OK);
	struct integrity_counts *t = integrity_counts_new(64);
	struct integrity_flags f;
	time_t t0 = 1800000000;
	one_answer(s, t, "10.1.2.3", t0, 11, &f);
	assert_int_equal(f.n, 0);
	one_answer(s, t, "10.9.9.9", t0 + 1, 12, &f); /* another network */
	assert_int_equal(f.n, 0);
	one_answer(s, t, "10.1.2.4", t0 + 2, 13, &f);
	assert_int_equal(f.n, 0);
	one_answer(s, t, "10.1.2.200", t0 + 3, 14, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].code, INTEGRITY_BURST);
	assert_int_equal(strlen(f.v[0].grp), 16);
	assert_int_equal(f.nearlier, 2);
	assert_true((f.earlier[0].resp == 11 && f.earlier[1].resp == 13) ||
	            (f.earlier[0].resp == 13 && f.earlier[1].resp == 11));
	char grp[INTEGRITY_GRP_LEN];
	memcpy(grp, f.v[0].grp, sizeof grp);
	one_answer(s, t, "10.1.2.5", t0 + 4, 15, &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].grp, grp);
	assert_int_equal(f.nearlier, 0); /* the earlier ones are flagged already */
	/* Outside the window (60 minutes): only this one counts. */
	one_answer(s, t, "10.1.2.6", t0 + 4 + 3600, 16, &f);
	assert_int_equal(f.n, 0);
	/* The next day: a new key, nothing remembered. */
	one_answer(s, t, "10.1.2.7", t0 + 86400, 17, &f);
	one_answer(s, t, "10.1.2.8", t0 + 86401, 18, &f);
	one_answer(s, t, "10.1.2.9", t0 + 86402, 19, &f);
	assert_int_equal(f.n, 1);
	assert_string_not_equal(f.v[0].grp, grp);
	integrity_counts_free(t);
	store_close(s);
	unlink(path);
	char p[64];
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ttest_as_r),   cmocka_unit_test(ttest_one_group),
		cmocka_unit_test(networks),     cmocka_unit_test(straightline),
		cmocka_unit_test(stamp),        cmocka_unit_test(flag_list),
		cmocka_unit_test(counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
