/* sample — see include/sample.h. */
#include "sample.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

size_t sample_allocate(enum allocation a, size_t n, const size_t *N, size_t h, size_t *out)
{
	size_t total = 0, done = 0;
	for (size_t i = 0; i < h; i++) {
		total += N[i];
		out[i] = 0;
	}
	if (n > total)
		n = total;
	if (h == 0 || n == 0)
		return 0;
	if (a == ALLOC_PROPORTIONAL) {
		/* Floors of n N_h / N, then the largest remainders get one more. */
		double *rem = xcalloc(h, sizeof *rem);
		for (size_t i = 0; i < h; i++) {
			double q = (double)n * (double)N[i] / (double)total;
			out[i] = (size_t)q;
			rem[i] = q - (double)out[i];
			done += out[i];
		}
		while (done < n) {
			size_t best = h;
			for (size_t i = 0; i < h; i++)
				if (out[i] < N[i] && (best == h || rem[i] > rem[best]))
					best = i;
			out[best]++;
			rem[best] = -1.0;
			done++;
		}
		free(rem);
		return done;
	}
	/* Equal: one at a time round the strata that still have units. */
	while (done < n) {
		for (size_t i = 0; i < h && done < n; i++) {
			if (out[i] < N[i]) {
				out[i]++;
				done++;
			}
		}
	}
	return done;
}

bool sample_allocate_min(enum allocation a, size_t n, const size_t *N, size_t h, size_t min,
                         size_t *out, size_t *total)
{
	size_t need = 0;
	for (size_t i = 0; i < h; i++) {
		out[i] = 0;
		need += N[i] < min ? N[i] : min;
	}
	if (n < need) {
		*total = need;
		return false;
	}
	size_t *left = xcalloc(h + 1, sizeof *left), *extra = xcalloc(h + 1, sizeof *extra);
	for (size_t i = 0; i < h; i++)
		left[i] = N[i] - (N[i] < min ? N[i] : min);
	*total = need + sample_allocate(a, n - need, left, h, extra);
	for (size_t i = 0; i < h; i++)
		out[i] = N[i] - left[i] + extra[i];
	free(extra);
	free(left);
	return true;
}

/* The frame's agencies (runs of one code in the ordered frame) and their sizes. */
static struct sample_agency *frame_agencies(const struct sampled *frame, size_t nframe, size_t *n)
{
	struct sample_agency *v = xcalloc(nframe + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < nframe; i++) {
		if (*n == 0 || strcmp(v[*n - 1].agency, frame[i].agency) != 0)
			snprintf(v[(*n)++].agency, sizeof v->agency, "%s", frame[i].agency);
		v[*n - 1].frame++;
	}
	return v;
}

enum store_err sample_draw(struct store *s, const struct sample_spec *spec,
                           struct sampled **out, size_t *nout,
                           struct sample_agency **agencies, size_t *nagencies)
{
	struct sampled *frame = NULL;
	size_t nframe = 0;
	static const int households[] = {[SAMPLE_ALL] = -1, [SAMPLE_ENTERPRISES] = 0, [SAMPLE_HOUSEHOLDS] = 1};
	enum store_err e = store_encounter_frame(s, spec->from, spec->to, households[spec->units], &frame,
	                                         &nframe);
	*out = NULL;
	*nout = 0;
	*agencies = NULL;
	*nagencies = 0;
	if (e != STORE_OK)
		return e;
	struct sample_agency *ag = frame_agencies(frame, nframe, nagencies);

	/* Strata: runs of the same agency in the ordered frame (one run without --by). */
	size_t h = 0, *start = xcalloc(nframe + 1, sizeof *start), *N = xcalloc(nframe + 1, sizeof *N);
	for (size_t i = 0; i < nframe; i++) {
		if (i == 0 || (spec->by_agency && strcmp(frame[i].agency, frame[i - 1].agency) != 0))
			start[h++] = i;
		N[h - 1]++;
	}
	size_t *take = xcalloc(h + 1, sizeof *take);
	size_t total = 0;
	if (!spec->by_agency || spec->min_per_agency == 0)
		total = sample_allocate(spec->allocation, spec->n, N, h, take);
	else if (!sample_allocate_min(spec->allocation, spec->n, N, h, spec->min_per_agency, take, &total))
		total = 0; /* the minimums need more than n: nothing drawn */

	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (rng == NULL)
		abort(); /* out of memory: like xmalloc */
	gsl_rng_set(rng, spec->seed);
	struct sampled *res = xcalloc(total + 1, sizeof *res);
	size_t k = 0;
	for (size_t j = 0; j < h; j++) {
		if (take[j] == 0)
			continue;
		/* take[j] <= N[j] (sample_allocate()): GSL refuses only a broken invariant. */
		if (gsl_ran_choose(rng, res + k, take[j], frame + start[j], N[j], sizeof *res) != GSL_SUCCESS) {
			fprintf(stderr, "manyi: sample: stratum %zu: cannot take %zu of %zu\n", j, take[j], N[j]);
			abort();
		}
		k += take[j];
	}
	/* Each unit drawn to its agency (both in code order). */
	for (size_t i = 0, a = 0; i < k; i++) {
		while (strcmp(ag[a].agency, res[i].agency) != 0)
			a++;
		ag[a].drawn++;
	}
	gsl_rng_free(rng);
	free(take);
	free(N);
	free(start);
	free(frame);
	*out = res;
	*nout = k;
	*agencies = ag;
	return STORE_OK;
}

struct sample_rng *sample_rng_new(unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (rng == NULL)
		abort(); /* out of memory: like xmalloc */
	gsl_rng_set(rng, seed);
	return (struct sample_rng *)rng;
}

void sample_rng_free(struct sample_rng *r)
{
	if (r != NULL)
		gsl_rng_free((gsl_rng *)r);
}

void sample_rng_choose(struct sample_rng *r, void *dst, size_t k, const void *src, size_t n,
                       size_t size)
{
	if (k == 0)
		return;
	/* k <= n is the caller's invariant: GSL refuses only a broken one. */
	if (gsl_ran_choose((gsl_rng *)r, dst, k, (void *)(uintptr_t)src, n, size) != GSL_SUCCESS) {
		fprintf(stderr, "manyi: sample: cannot take %zu of %zu\n", k, n);
		abort();
	}
}

void sample_rng_shuffle(struct sample_rng *r, void *v, size_t n, size_t size)
{
	if (n > 1)
		gsl_ran_shuffle((gsl_rng *)r, v, n, size);
}

size_t sample_rng_below(struct sample_rng *r, size_t n)
{
	return n <= 1 ? 0 : (size_t)gsl_rng_uniform_int((gsl_rng *)r, (unsigned long)n);
}
