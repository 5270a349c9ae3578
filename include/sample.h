/*
 * sample — reproducible stratified random samples of registered encounters
 * for phone interviews (`manyi sample`).
 *
 * The frame is every registered encounter of the survey's units (enterprises
 * or households) within the date range, ordered by (agency, encounter id),
 * so it does not depend on insertion order.  Strata are the agencies with
 * by_agency, else the whole frame is one.  Sizes per stratum follow
 * proportional allocation (largest remainder, ties to the earlier code) or
 * equal allocation (one unit at a time round the strata in code order, so a
 * small stratum's surplus goes to the others), never more than a stratum
 * holds.  Within a stratum, GSL's MT19937 seeded with the seed chooses the
 * units (gsl_ran_choose): the same seed and frame give the same sample on
 * any machine.
 */
#ifndef MANYI_SAMPLE_H
#define MANYI_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

enum allocation { ALLOC_PROPORTIONAL, ALLOC_EQUAL, ALLOC__MAX };

/*
 * Split n over strata of sizes N[0..h-1] into out[0..h-1].  Returns the
 * total allocated (less than n only when the frame is smaller).
 */
size_t sample_allocate(enum allocation a, size_t n, const size_t *N, size_t h, size_t *out);

/*
 * sample_allocate() after a minimum: every stratum first gets min(min,
 * N[i]), then the rest of n goes by allocation a over what each stratum has
 * left (N[i] less its minimum).  *total is the total allocated.  False,
 * with out all 0 and *total the sum of the minimums (the least n that
 * works), when n is smaller than that sum.
 */
bool sample_allocate_min(enum allocation a, size_t n, const size_t *N, size_t h, size_t min,
                         size_t *out, size_t *total);

/* Which encounters a survey's sample is drawn from: its audience's. */
enum sample_units {
	SAMPLE_ALL,         /* every encounter */
	SAMPLE_ENTERPRISES, /* an enterprise survey: sizes large .. micro */
	SAMPLE_HOUSEHOLDS,  /* a public survey: citizens (size household) */
};

struct sample_spec {
	enum sample_units units;
	const char *from;          /* YYYY-MM-DD or NULL */
	const char *to;            /* YYYY-MM-DD or NULL */
	size_t n;
	bool by_agency;
	enum allocation allocation;
	size_t min_per_agency;     /* by_agency: each agency's minimum (0: none) */
	unsigned long seed;
};

/* One agency of the frame: what it holds and what was drawn from it. */
struct sample_agency {
	char agency[65];
	size_t frame;              /* N_h: encounters in the frame */
	size_t drawn;              /* n_h: of them in the sample */
};

/*
 * Draw the sample.  spec is borrowed.  *out (caller frees with free())
 * holds *nout encounters in frame order; *agencies (caller frees with
 * free()) the frame's *nagencies agencies in code order, each with its
 * frame and drawn count.  With spec->min_per_agency more than spec->n
 * allows (sample_allocate_min()), nothing is drawn (*nout 0) and
 * *agencies still tells each frame.  Returns STORE_OK or a store error
 * (then *out and *agencies are NULL and the counts 0).
 */
enum store_err sample_draw(struct store *s, const struct sample_spec *spec,
                           struct sampled **out, size_t *nout,
                           struct sample_agency **agencies, size_t *nagencies);

/*
 * The generator behind every draw (GSL's MT19937), for other samplers
 * (review_sample.c): one stream from a seed, so the same seed and inputs
 * give the same draws on any machine.  sample_rng_new() aborts on OOM;
 * sample_rng_free() accepts NULL.
 */
struct sample_rng;
struct sample_rng *sample_rng_new(unsigned long seed);
void sample_rng_free(struct sample_rng *r);
/* Choose k of the n elements (size bytes each) at src into dst, in src's
 * order (gsl_ran_choose); k <= n. */
void sample_rng_choose(struct sample_rng *r, void *dst, size_t k, const void *src, size_t n,
                       size_t size);
/* Shuffle the n elements (size bytes each) at v (gsl_ran_shuffle). */
void sample_rng_shuffle(struct sample_rng *r, void *v, size_t n, size_t size);
/* A whole number in 0..n-1, n >= 1 (gsl_rng_uniform_int). */
size_t sample_rng_below(struct sample_rng *r, size_t n);

#endif
