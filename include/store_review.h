/*
 * store_review — the store's part for case-file review (CONTRACT §6): the
 * case registry, the reviewers and their conflicts of interest, and the
 * reviews scored against a rubric (a survey definition with audience
 * "reviewer").  Kept in its own header and file (src/store/store_review.c)
 * beside store.h; the tables are migration 12's (store_schema.c).
 *
 * Codes are checked by the callers (src/review/); these functions store
 * what they are given and say STORE_ERR_CONSTRAINT for a duplicate or a
 * code the registry does not know.  Writes run in the caller's
 * transaction (store_begin()), or in their own when there is none.
 */
#ifndef MANYI_STORE_REVIEW_H
#define MANYI_STORE_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* The kinds and outcomes a case may have, in CONTRACT order. */
#define CASE_KINDS 5
#define CASE_OUTCOMES 7
extern const char *const case_kinds[CASE_KINDS];
extern const char *const case_outcomes[CASE_OUTCOMES];
/* Their names for people: case_kind_names[k][lang], case_outcome_names[o][lang]. */
extern const char *const case_kind_names[CASE_KINDS][LANG__MAX];
extern const char *const case_outcome_names[CASE_OUTCOMES][LANG__MAX];

/* A case file of the registry (CONTRACT §6, cases). */
struct case_file {
	char id[65];          /* case_id */
	char agency[65];
	char domain[65];
	char kind[16];        /* penalty, coercion, inspection, licence, other */
	char decided_on[11];  /* YYYY-MM-DD */
	bool enterprise;      /* enterprise-related */
	char outcome[24];     /* penalised, lighter, mitigated, exempted, coercion_exempted,
	                       * not_penalised, other */
};

/* STORE_ERR_CONSTRAINT for a duplicate case_id. */
enum store_err store_case_add(struct store *s, const struct case_file *c);
/* STORE_ERR_NOTFOUND when there is none. */
enum store_err store_case_get(struct store *s, const char *id, struct case_file *c);

/* A reviewer; conflicts are agency codes. */
struct reviewer {
	char code[65];
	char *name;           /* owned by the list */
	char *affiliation;    /* "" when none */
	char **conflicts;     /* agency codes, sorted */
	size_t nconflicts;
};

struct reviewer_list {
	struct reviewer *v;
	size_t n;
};

/*
 * Add reviewer code with its conflicts (agency codes, n of them, all
 * registered: the caller checks).  STORE_ERR_CONSTRAINT when the code is
 * taken.
 */
enum store_err store_reviewer_add(struct store *s, const char *code, const char *name,
                                  const char *affiliation, const char *const *conflicts,
                                  size_t n);
/* *exists tells whether reviewer code is stored. */
enum store_err store_reviewer_exists(struct store *s, const char *code, bool *exists);
/* *conflicted: has reviewer a conflict with agency? */
enum store_err store_reviewer_conflicted(struct store *s, const char *reviewer,
                                         const char *agency, bool *conflicted);
/* Every reviewer by code; caller frees with reviewer_list_free(). */
enum store_err store_reviewer_list(struct store *s, struct reviewer_list *out);
void reviewer_list_free(struct reviewer_list *l);

/* One review of a case against a rubric. */
struct review_row {
	const char *case_id;
	const char *reviewer;
	const char *survey;
	int version;
	const char *submitted_at; /* UTC, YYYY-MM-DDTHH:MM:SSZ */
	int total;                /* the sum of its points */
	int defects;              /* how many major-defect flags say yes */
	const char *answers;      /* the answers as a JSON object (item: value) */
};

/* STORE_ERR_CONSTRAINT when this reviewer has reviewed this case for this
 * survey already; STORE_ERR_NOTFOUND when the case is not registered. */
enum store_err store_review_add(struct store *s, const struct review_row *r);

/* A reviewed file as the quality figures read it: strings borrowed for the callback. */
struct quality_file {
	const char *case_id, *agency, *domain, *kind, *outcome;
	double total;   /* the mean of its reviews' totals */
	bool ok;        /* no review flags a major defect */
	int reviews;
};

/*
 * Every case decided in [from, to] (either may be NULL) reviewed for
 * survey, in agency then case order, to fn (false stops).
 */
enum store_err store_quality_files(struct store *s, const char *survey, const char *from,
                                   const char *to,
                                   bool (*fn)(void *ctx, const struct quality_file *f),
                                   void *ctx);
/*
 * The number of registered cases decided in [from, to] by agency, to fn
 * (agency code borrowed for the call).
 */
enum store_err store_case_counts(struct store *s, const char *from, const char *to,
                                 bool (*fn)(void *ctx, const char *agency, long long n),
                                 void *ctx);

/* A review as the agreement reads it; strings borrowed for the callback. */
struct review_total {
	const char *case_id, *agency, *reviewer;
	int total;     /* the sum of its points */
	int defects;   /* its flags answered yes */
};

/*
 * Every review against survey, in case then submission order (ties by the
 * order stored), to fn.
 */
enum store_err store_review_totals(struct store *s, const char *survey,
                                   bool (*fn)(void *ctx, const struct review_total *t), void *ctx);

/* Every case decided in [from, to] (either may be NULL), by agency, kind
 * and case_id, to fn (borrowed for the call). */
enum store_err store_case_frame(struct store *s, const char *from, const char *to,
                                bool (*fn)(void *ctx, const struct case_file *c), void *ctx);
/* How many files are assigned for survey, into *n. */
enum store_err store_assignment_count(struct store *s, const char *survey, long long *n);
/* Assign case_id to reviewer for survey in round 1 or 2, drawn with seed (3:
 * a third review assigned by adjudication, seed 0). */
enum store_err store_assignment_add(struct store *s, const char *case_id, const char *survey,
                                    const char *reviewer, int round, unsigned long seed);

/* Where a reviewer's assigned file stands. */
enum review_state { REVIEW_ASSIGNED, REVIEW_DRAFT, REVIEW_SUBMITTED, REVIEW_STATE__MAX };

/* A file assigned to a reviewer (one row of their queue). */
struct review_assigned {
	struct case_file file;
	char survey[65];      /* the rubric */
	int round;            /* 1, 2 (a second, independent review) or 3 (adjudication) */
	enum review_state state;
};

/* reviewer's assignments, by state (assigned, drafts, submitted), agency and case, to fn. */
enum store_err store_review_queue(struct store *s, const char *reviewer,
                                  bool (*fn)(void *ctx, const struct review_assigned *q), void *ctx);
/* reviewer's assignment of case_id into *q (the first rubric by id when there
 * are several); STORE_ERR_NOTFOUND when case_id is not assigned to them. */
enum store_err store_review_assigned(struct store *s, const char *reviewer, const char *case_id,
                                     struct review_assigned *q);

/* Save (or replace) reviewer's draft of case_id for survey: answers is a JSON
 * object of the values as entered.  STORE_ERR_NOTFOUND for an unknown case. */
enum store_err store_draft_put(struct store *s, const char *case_id, const char *survey,
                               const char *reviewer, const char *answers);
/* The draft's JSON into *answers (caller frees); STORE_ERR_NOTFOUND when none. */
enum store_err store_draft_get(struct store *s, const char *case_id, const char *survey,
                               const char *reviewer, char **answers);
/* Forget the draft (none is no error). */
enum store_err store_draft_delete(struct store *s, const char *case_id, const char *survey,
                                  const char *reviewer);
/* reviewer's own submitted review's answers (JSON) into *answers (caller
 * frees); STORE_ERR_NOTFOUND when they have submitted none. */
enum store_err store_review_answers(struct store *s, const char *case_id, const char *survey,
                                    const char *reviewer, char **answers);

/* A row of the review's progress: a reviewer (code, name twice) or an agency
 * (code, name_zh, name_en); strings borrowed for the callback. */
struct review_progress {
	const char *code;
	const char *name[LANG__MAX];
	long long assigned, drafts, submitted; /* drafts: saved, not yet submitted */
};
/* The progress of survey's assignments per reviewer (every reviewer, by code)
 * or, by_agency, per agency with assignments (by code), to fn. */
enum store_err store_review_progress(struct store *s, const char *survey, bool by_agency,
                                     bool (*fn)(void *ctx, const struct review_progress *p),
                                     void *ctx);

/* Record the evaluator's decision on case_id for survey: a third review by
 * reviewer (not NULL), or (reviewer NULL) the panel's total and defect (0, 1)
 * with note.  STORE_ERR_CONSTRAINT when the file is adjudicated already. */
enum store_err store_adjudication_add(struct store *s, const char *case_id, const char *survey,
                                      const char *reviewer, int total, int defect, const char *note);
/* How case_id was adjudicated for survey ("panel", "third") into kind;
 * STORE_ERR_NOTFOUND when it was not. */
enum store_err store_adjudication_kind(struct store *s, const char *case_id, const char *survey,
                                       char kind[8]);
/* *involved: was reviewer assigned case_id for survey, or has reviewed it? */
enum store_err store_case_reviewer(struct store *s, const char *case_id, const char *survey,
                                   const char *reviewer, bool *involved);

#endif
