/* evaluate — the pure computation; see include/evaluate.h and docs/statistics.md. */
#include "evaluate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

const char *const eval_dim_names[EVAL_DIM__MAX] = {"performance", "quality", "satisfaction"};
const char *const eval_grade_names[EVAL_GRADE__MAX] = {"excellent", "good", "pass", "fail"};
const char *const eval_grade_labels[EVAL_GRADE__MAX][LANG__MAX] = {
	{"优秀", "Excellent"}, {"良好", "Good"}, {"合格", "Pass"}, {"不合格", "Fail"}};

static const char *const scenario_names[EVAL_SCENARIOS] = {
	"performance+10", "performance-10", "quality+10", "quality-10", "satisfaction+10",
	"satisfaction-10", "without_performance", "without_quality", "without_satisfaction"};

#define PM_M 2147483647ULL
#define Z975 1.959963984540054 /* qnorm(0.975) */

const char *eval_scenario_name(int k)
{
	return k >= 0 && k < EVAL_SCENARIOS ? scenario_names[k] : NULL;
}

void eval_rng_seed(struct eval_rng *r, unsigned long long seed)
{
	r->x = seed % PM_M;
	if (r->x == 0)
		r->x = 1;
}

double eval_rng_uniform(struct eval_rng *r)
{
	r->x = r->x * 48271ULL % PM_M;
	return (double)r->x / (double)PM_M;
}

int eval_grade_of(double c, const double bands[3])
{
	if (isnan(c))
		return -1;
	for (int g = 0; g < 3; g++)
		if (c >= bands[g])
			return g;
	return EVAL_FAIL;
}

double eval_composite(const double x[EVAL_DIM__MAX], const double w[EVAL_DIM__MAX])
{
	double num = 0, den = 0;
	for (int d = 0; d < EVAL_DIM__MAX; d++) {
		if (w[d] <= 0)
			continue;
		if (isnan(x[d]))
			return NAN;
		num += w[d] * x[d];
		den += w[d];
	}
	return den > 0 ? num / den : NAN;
}

/* Rank of c[i] among the known values of c (1 = highest; ties share the best). */
static int rank_of(const double *c, size_t n, size_t i)
{
	int r = 1;
	if (isnan(c[i]))
		return 0;
	for (size_t j = 0; j < n; j++)
		if (!isnan(c[j]) && c[j] > c[i])
			r++;
	return r;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The standard error of a figure: 0 when unknown or for a census. */
static double se_or_0(double se)
{
	return isnan(se) ? 0 : se;
}

/* The seeded simulation: grade probabilities and rank intervals. */
static void simulate(const struct eval_in *in, size_t n, const struct eval_options *o,
                     struct eval_out *out)
{
	int N = o->simulations;
	double *c = xcalloc(n ? n : 1, sizeof *c);
	int *ranks = xcalloc(n * (size_t)N + 1, sizeof *ranks);
	long *grades = xcalloc(n * EVAL_GRADE__MAX + 1, sizeof *grades);
	struct eval_rng rng;

	eval_rng_seed(&rng, o->seed);
	for (int k = 0; k < N; k++) {
		for (size_t i = 0; i < n; i++) {
			double x[EVAL_DIM__MAX];
			memcpy(x, in[i].x, sizeof x);
			double zq = stats_normal_quantile(eval_rng_uniform(&rng));
			double zs = stats_normal_quantile(eval_rng_uniform(&rng));
			x[EVAL_QUALITY] += zq * se_or_0(in[i].se[EVAL_QUALITY]);
			x[EVAL_SATISFACTION] += zs * se_or_0(in[i].se[EVAL_SATISFACTION]);
			c[i] = isnan(out[i].composite) ? NAN : eval_composite(x, o->weights);
		}
		for (size_t i = 0; i < n; i++) {
			if (isnan(c[i]))
				continue;
			ranks[i * (size_t)N + (size_t)k] = rank_of(c, n, i);
			grades[i * EVAL_GRADE__MAX + (size_t)eval_grade_of(c[i], o->bands)]++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (isnan(out[i].composite))
			continue;
		int *r = ranks + i * (size_t)N;
		xqsort(r, (size_t)N, sizeof *r, cmp_int);
		out[i].rank_low = r[(int)floor(0.025 * N)];
		out[i].rank_high = r[(int)ceil(0.975 * N) - 1];
		for (int g = 0; g < EVAL_GRADE__MAX; g++)
			out[i].grade_p[g] = (double)grades[i * EVAL_GRADE__MAX + (size_t)g] / N;
	}
	free(grades);
	free(ranks);
	free(c);
}

/* Sensitivity: the composites, grades and ranks under each scenario's weights. */
static void sensitivity(const struct eval_in *in, size_t n, const struct eval_options *o,
                        struct eval_out *out)
{
	double sum = 0, *c = xcalloc(n ? n : 1, sizeof *c);
	for (int d = 0; d < EVAL_DIM__MAX; d++)
		sum += o->weights[d];
	for (int k = 0; k < EVAL_SCENARIOS; k++) {
		double w[EVAL_DIM__MAX];
		for (int d = 0; d < EVAL_DIM__MAX; d++)
			w[d] = 100 * o->weights[d] / sum;
		if (k < 6) {
			int d = k / 2;
			w[d] = k % 2 == 0 ? w[d] + 10 : fmax(0, w[d] - 10);
		} else {
			w[k - 6] = 0;
		}
		for (size_t i = 0; i < n; i++)
			c[i] = eval_composite(in[i].x, w);
		for (size_t i = 0; i < n; i++) {
			struct eval_scenario *sc = &out[i].scenario[k];
			memcpy(sc->weights, w, sizeof w);
			sc->composite = c[i];
			sc->grade = eval_grade_of(c[i], o->bands);
			sc->rank = rank_of(c, n, i);
		}
	}
	free(c);
}

void evaluate_compute(const struct eval_in *in, size_t n, const struct eval_options *o,
                      struct eval_out *out)
{
	const double *w = o->weights;
	double sum = w[0] + w[1] + w[2], *c = xcalloc(n ? n : 1, sizeof *c);

	for (size_t i = 0; i < n; i++) {
		struct eval_out *e = &out[i];
		memset(e, 0, sizeof *e);
		e->composite = c[i] = eval_composite(in[i].x, w);
		double vq = w[EVAL_QUALITY] * se_or_0(in[i].se[EVAL_QUALITY]);
		double vs = w[EVAL_SATISFACTION] * se_or_0(in[i].se[EVAL_SATISFACTION]);
		e->composite_se = isnan(e->composite) ? NAN : sqrt(vq * vq + vs * vs) / sum;
		e->ci_low = e->composite - Z975 * e->composite_se;
		e->ci_high = e->composite + Z975 * e->composite_se;
		e->grade = eval_grade_of(e->composite, o->bands);
		for (int g = 0; g < EVAL_GRADE__MAX; g++)
			e->grade_p[g] = NAN;
	}
	for (size_t i = 0; i < n; i++)
		out[i].rank = rank_of(c, n, i);
	free(c);
	if (o->simulations > 0)
		simulate(in, n, o, out);
	sensitivity(in, n, o, out);
}
