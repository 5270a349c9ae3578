/*
 * review_sample — drawing the case files a review panel reads and
 * assigning them (`manyi review sample`, issue 13 item 2).
 *
 * The frame is every registered case decided within the period, ordered by
 * (agency, kind, case_id), so it does not depend on insertion order.  Strata
 * are the agencies (with by_kind, agency x kind).  Each agency takes
 * per_agency files (all it has when fewer), or the agencies share n by
 * proportional or equal allocation (sample_allocate()); with by_kind an
 * agency's files are split over its kinds proportionally.  Within a stratum
 * the files are chosen at random.  Then each drawn file goes, in a random
 * order, to the least-loaded reviewer without a conflict with its agency
 * (ties broken at random); a share of the files (double_share, rounded)
 * chosen at random goes to a second such reviewer, another than the first,
 * for an independent review.  One generator seeded with seed makes every
 * draw (sample.h), so the same seed, registry and panel give the same
 * sample and the same assignments on any machine.
 */
#ifndef MANYI_REVIEW_SAMPLE_H
#define MANYI_REVIEW_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "sample.h"
#include "store.h"
#include "store_review.h"

struct review_sample_spec {
	const char *survey;        /* the rubric */
	const char *from, *to;     /* on decided_on, or NULL */
	size_t n;                  /* files in all (per_agency 0) */
	size_t per_agency;         /* files per agency, or 0 */
	enum allocation allocation;/* of n over the agencies */
	bool by_kind;              /* strata agency x kind */
	double double_share;       /* 0..1: the share reviewed twice */
	unsigned long seed;
};

/* One assignment: a drawn file and its reviewer. */
struct review_assignment {
	struct case_file c;
	size_t reviewer;   /* index into the panel */
	int round;         /* 1, or 2 for the second, independent review */
};

/*
 * Assign files 0..nfiles-1 (agency[i] the agency of file i; borrowed) to
 * the panel (npanel reviewers with their conflicts; borrowed): first[i] is
 * file i's reviewer, second[i] its second one or SIZE_MAX.  Pure but for
 * rng.  False with msg naming the file and the agency when a file has no
 * reviewer without a conflict (or none for its second review).
 */
bool review_assign(struct sample_rng *rng, const char *const *agency, size_t nfiles,
                   const struct reviewer *panel, size_t npanel, double double_share,
                   size_t *first, size_t *second, char *msg, size_t n);

enum review_sample_status {
	REVIEW_SAMPLE_OK,
	REVIEW_SAMPLE_BAD,   /* the spec cannot be met (msg says why) */
	REVIEW_SAMPLE_STORE, /* the database failed or is busy (msg says) */
};

/*
 * Draw spec's sample from the store, assign it and store the assignments
 * in one transaction (audited).  *out (caller frees with free()) holds *nout
 * assignments in frame order, round 1 before round 2 of a file; panel
 * (caller frees with reviewer_list_free()) is the panel they index.  A
 * survey whose sample is drawn already is REVIEW_SAMPLE_BAD.
 */
enum review_sample_status review_sample(struct store *s, const struct review_sample_spec *spec,
                                        struct reviewer_list *panel,
                                        struct review_assignment **out, size_t *nout, char *msg,
                                        size_t msglen);

#endif
