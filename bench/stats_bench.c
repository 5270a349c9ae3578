/*
 * stats_bench — how fast stats_estimate() rakes a million responses and
 * groups them by agency x domain with standard errors (issue 4: under 1 s
 * and under 200 MB on the 2-core machine).  Prints figures; asserts nothing.
 *
 * Build (bench/run.sh builds and runs it, and times R beside it):
 *
 *   mkdir -p build/bench
 *   cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wshadow \
 *      -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla \
 *      -Iinclude $(pkg-config --cflags gsl libsodium) \
 *      -o build/bench/stats_bench bench/stats_bench.c src/stats/stats*.c src/core/util.c \
 *      $(pkg-config --libs gsl libsodium) -lm
 *
 * Usage: stats_bench [N]              N responses (default 1000000)
 *        stats_bench --write N PREFIX also write PREFIX_data.csv and
 *                                     PREFIX_pop.csv of N responses for R
 *
 * The data: 12 agencies of very different sizes, 22 domains, 5 sizes, a
 * scale item answered 1..5 with 10% missing, 5% public-channel answers; the
 * registry counts are the sample's agency x domain x size cells times a
 * per-agency factor, so raking converges.  Every run computes the mean, the
 * satisfaction rate, their standard errors and intervals, the differences
 * from the overall figures and Holm's adjustment, for 264 groups.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "stats.h"
#include "util.h"

enum { AGENCIES = 12, DOMAINS = 22, SIZES = 5, REPEAT = 3 };

struct bench {
	size_t n;
	struct stats_resp *resp;
	double popA[AGENCIES], popAD[AGENCIES * DOMAINS], popD[DOMAINS], popS[SIZES];
};

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double unif(void)
{
	return (double)(rng() >> 11) * (1.0 / 9007199254740992.0);
}

/* An index drawn with probabilities proportional to w[0..k). */
static int draw(const double *w, int k)
{
	double t = 0, u;

	for (int i = 0; i < k; i++)
		t += w[i];
	u = unif() * t;
	for (int i = 0; i < k; i++) {
		if (u < w[i])
			return i;
		u -= w[i];
	}
	return k - 1;
}

static void generate(struct bench *b, size_t n)
{
	static const double agency_w[AGENCIES] = {1, 2, 4, 8, 15, 30, 60, 100, 150, 200, 5, 40};
	static const double factor[AGENCIES] = {300, 50, 20, 10, 6, 4, 3, 2, 1.5, 1.2, 80, 5};
	static const double size_w[SIZES] = {0.05, 0.15, 0.3, 0.4, 0.1};
	double domain_w[DOMAINS];
	static double cells[AGENCIES][DOMAINS][SIZES];

	rng_state = 0x853c49e6748fea9bULL;
	memset(cells, 0, sizeof(cells));
	for (int d = 0; d < DOMAINS; d++)
		domain_w[d] = 1 + d % 7;
	b->n = n;
	b->resp = xmalloc(n * sizeof(*b->resp));
	for (size_t i = 0; i < n; i++) {
		struct stats_resp *r = &b->resp[i];
		r->agency = draw(agency_w, AGENCIES);
		r->domain = draw(domain_w, DOMAINS);
		r->size = draw(size_w, SIZES);
		r->sampled = unif() >= 0.05;
		double mu = 3.2 + 0.1 * (r->agency % 5) - 0.05 * (r->domain % 4) + 0.1 * r->size;
		double y = round(mu + 1.1 * (unif() + unif() + unif() - 1.5) * 2);
		y = y < 1 ? 1 : y > 5 ? 5 : y;
		r->y = unif() < 0.1 ? NAN : y;
		r->satisfied = (int8_t)(r->y >= 4);
		r->group = r->agency * DOMAINS + r->domain;
		if (r->sampled)
			cells[r->agency][r->domain][r->size] += 1;
	}
	memset(b->popA, 0, sizeof(b->popA));
	memset(b->popAD, 0, sizeof(b->popAD));
	memset(b->popD, 0, sizeof(b->popD));
	memset(b->popS, 0, sizeof(b->popS));
	for (int a = 0; a < AGENCIES; a++)
		for (int d = 0; d < DOMAINS; d++)
			for (int s = 0; s < SIZES; s++) {
				double c = cells[a][d][s];
				if (c == 0)
					continue;
				double N = ceil(c * factor[a] * (0.7 + 0.6 * unif()));
				b->popA[a] += N;
				b->popAD[a * DOMAINS + d] += N;
				b->popD[d] += N;
				b->popS[s] += N;
			}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The best of REPEAT runs of one weighting, in seconds. */
static double time_run(const struct bench *b, enum stats_weighting wt, int *iterations)
{
	struct stats_population pop = {AGENCIES, DOMAINS, SIZES,  b->popA,
	                               b->popAD, b->popD, b->popS};
	double best = INFINITY;

	for (int k = 0; k < REPEAT; k++) {
		struct stats_options o;
		struct stats_result *res;
		struct stats_error err;
		stats_options_default(&o);
		o.weighting = wt;
		double t0 = now();
		if (stats_estimate(b->resp, b->n, AGENCIES * DOMAINS, &pop, &o, &res, &err) !=
		    STATS_OK) {
			fprintf(stderr, "stats_bench: %s: %s\n", stats_weighting_name(wt), err.msg);
			exit(1);
		}
		double t = now() - t0;
		if (t < best)
			best = t;
		if (iterations != NULL)
			*iterations = res->rake_iterations;
		if (k == 0 && wt == STATS_W_RAKE)
			printf("  (raked overall mean %.6f se %.6f; rate %.6f se %.6f)\n",
			       res->overall.mean, res->overall.se, res->overall.rate,
			       res->overall.rate_se);
		stats_result_free(res);
	}
	return best;
}

static int write_for_r(const struct bench *b, const char *prefix)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s_data.csv", prefix);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "agency,domain,size,sampled,y,sat\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct stats_resp *r = &b->resp[i];
		if (isnan(r->y))
			fprintf(f, "%d,%d,%d,%d,NA,NA\n", r->agency, r->domain, r->size,
			        r->sampled);
		else
			fprintf(f, "%d,%d,%d,%d,%.0f,%d\n", r->agency, r->domain, r->size,
			        r->sampled, r->y, r->satisfied);
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s_pop.csv", prefix);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "kind,i,count\n");
	for (int a = 0; a < AGENCIES; a++)
		fprintf(f, "agency,%d,%.0f\n", a, b->popA[a]);
	for (int d = 0; d < DOMAINS; d++)
		fprintf(f, "domain,%d,%.0f\n", d, b->popD[d]);
	for (int s = 0; s < SIZES; s++)
		fprintf(f, "size,%d,%.0f\n", s, b->popS[s]);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b;
	size_t n = 1000000;
	const char *prefix = NULL;

	gsl_set_error_handler_off();
	if (argc == 4 && strcmp(argv[1], "--write") == 0) {
		n = strtoul(argv[2], NULL, 10);
		prefix = argv[3];
	} else if (argc == 2) {
		n = strtoul(argv[1], NULL, 10);
	} else if (argc != 1) {
		fprintf(stderr, "usage: stats_bench [N] | --write N PREFIX\n");
		return 2;
	}
	if (n < 1000) {
		fprintf(stderr, "stats_bench: N must be at least 1000\n");
		return 2;
	}
	generate(&b, n);
	if (prefix != NULL && write_for_r(&b, prefix) != 0) {
		fprintf(stderr, "stats_bench: cannot write %s_*.csv\n", prefix);
		return 1;
	}
	long rss_data = peak_rss_kb();
	printf("%zu responses, %d agencies x %d domains x %d sizes, %d groups (agency x domain); "
	       "best of %d runs\n",
	       n, AGENCIES, DOMAINS, SIZES, AGENCIES * DOMAINS, REPEAT);
	int it = 0;
	double t_none = time_run(&b, STATS_W_NONE, NULL);
	double t_base = time_run(&b, STATS_W_BASE, NULL);
	double t_post = time_run(&b, STATS_W_POSTSTRAT, NULL);
	double t_rake = time_run(&b, STATS_W_RAKE, &it);
	long rss = peak_rss_kb();
	printf("weighting=none       %8.3f s\n", t_none);
	printf("weighting=base       %8.3f s  (%.2f x none)\n", t_base, t_base / t_none);
	printf("weighting=poststrat  %8.3f s  (%.2f x none)\n", t_post, t_post / t_none);
	printf("weighting=rake       %8.3f s  (%.2f x none; %d raking passes)\n", t_rake,
	       t_rake / t_none, it);
	printf("peak RSS             %8.1f MB (%.1f MB of it the %zu-byte responses)\n",
	       (double)rss / 1024, (double)rss_data / 1024, sizeof(struct stats_resp));
	printf("target: rake < 1 s and < 200 MB: %s\n",
	       t_rake < 1 && rss < 200 * 1024 ? "met" : "NOT met");
	free(b.resp);
	return 0;
}
