/*
 * report_internal — what the files of report share (src/stats/ only):
 * report.c (the query, the estimate of a period, report_run()),
 * report_data.c (the responses, groups and population from the store),
 * report_compare.c (the previous period), report_json.c and report_csv.c
 * (the output) and report_weights.c (the export's weights).
 */
#ifndef MANYI_REPORT_INTERNAL_H
#define MANYI_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "stats.h"
#include "store.h"
#include "survey.h"
#include "util.h"

/* The firm sizes of the registry, in the order of the population arrays. */
#define N_SIZES 5

/* Groups: distinct key tuples, found through a small open-addressing table. */
struct groups {
	char **keys;         /* key[g]: the values joined by '\x1f', "\x1e" for none */
	size_t n, cap;
	int *slots;          /* -1 empty, else group index */
	size_t nslots;
};

/* Where a survey version's scale bytes go: the measure, the index columns. */
struct version_map {
	int version;
	int measure;      /* byte position of the measure, -1 when none */
	int *col;         /* col[pos]: index column of byte pos, -1 when none */
	size_t n;
};

/* A registry index remembered by the address of its code (report_data.c). */
#define REPORT_CODE_MEMO 64
struct code_memo {
	const char *code;
	int index;
};

/* Everything gathered from the store for one report. */
struct load {
	struct store *store;              /* borrowed: the version maps read it */
	struct version_map *vmaps;
	size_t nvmaps;
	struct code_memo agency_memo[REPORT_CODE_MEMO], domain_memo[REPORT_CODE_MEMO];
	const struct report_query *q;
	const struct survey *sv;
	const struct item *measure;       /* a scale item; NULL for the index or an option */
	const struct item *multi;         /* ITEM.OPTION: the multi-choice item, else NULL */
	const char *option;               /* ITEM.OPTION: the option's value (borrowed from sv) */
	long long *ids;                   /* ITEM.OPTION, keep_ids: each response's id (ascending) */
	bool keep_ids;                    /* set by the caller: fill ids whatever the measure */
	int *index_items;                 /* survey item index of each index item */
	double *index_weights;
	size_t k;                         /* number of index items */
	struct registry_list agencies, domains;
	struct stats_resp *resp;
	unsigned char *x;                 /* n x k index item values for the index and
	                                   * alpha: 1..points, 0 missing (a byte, not a
	                                   * double: a million answers of 8 items in 8 MB) */
	char **keys;                      /* report_weights(): the key of each cell */
	size_t n, cap;
	struct groups groups;
	double *pop_agency, *pop_agency_domain, *pop_domain, *pop_size;
	double *count;                    /* report_weights(): responses in each cell of resp */
	size_t excluded;                  /* answers left out (excluded) that matched the query */
	size_t *excluded_group;           /* ... of each group of groups (NULL when none) */
	bool bad;
	char msg[256];
};

/* One row against the same row (same group key) in the previous period. */
struct vs_prev {
	struct stats_cmp mean, rate;
	double prev_mean, prev_rate; /* NaN when the previous period has no such figure */
	size_t prev_n;               /* 0 when the group is absent from the previous period */
	bool prev_low_n;             /* the previous row is under the threshold, or absent */
};

/*
 * The previous period of a report with both --from and --to (see
 * previous_dates()), ending the day before from, with the same measure,
 * weighting and groups, estimated on its own design (its own N_h and
 * margins).
 */
struct previous {
	bool asked;                 /* both --from and --to were given */
	char from[16], to[16];
	struct report_query q;      /* the query with the previous dates */
	struct load L;
	struct stats_result *res;   /* NULL when it could not be estimated */
	char error[512];            /* why, when res is NULL */
	struct vs_prev overall;
	struct vs_prev *groups;     /* [n_groups of this period] */
};

/*
 * A report ready to print: the query, the survey and its version, the data
 * and estimate of the period and of the previous one, Cronbach's alpha of
 * the index items, and the groups in key order (all borrowed).
 */
struct report_view {
	const struct report_query *q;
	const struct survey *sv;
	int version;
	const struct load *L;
	const struct stats_result *res;
	const struct previous *pv;
	double alpha;
	size_t n_complete;
	const size_t *order;
};

/* report.c */
enum report_status report_store_failure(struct store *s, enum store_err e, char *msg, size_t msglen);
enum report_status report_estimate_period(struct store *s, const struct report_query *q,
                                          const struct survey *sv, struct load *L,
                                          struct stats_result **res, char *msg, size_t msglen);

/* report.c: the latest definition of q's survey (*def and *sv the caller's to free). */
enum report_status report_survey_of(struct store *s, const struct report_query *q, int *version,
                                    char **def, struct survey **sv, char *msg, size_t msglen);

/* report.c: the values of group g (*key: caller frees) and whether it is reported. */
bool report_group_values(const struct report_view *v, size_t g, char **key, const char **vals);

/* report_data.c */
double *report_item_values(const struct load *L, size_t i, double *row);
int report_size_index(const char *s);
/* Does by column b have names (agency, domain, size)? */
bool report_by_named(enum report_by b);
/* The name in l of value val of by column b (registry or size names), or
 * NULL when b has no names or val none. */
const char *report_value_name(const struct load *L, enum report_by b, const char *val, enum lang l);
int report_group_find(const struct groups *g, const char *key);
bool report_registry_indices(struct load *L, const char *agency, const char *domain, int *a, int *d);
enum store_err report_load_counts(struct store *s, const char *from, const char *to, struct load *L);
void report_load_free(struct load *L);
enum report_status report_load_data(struct store *s, const struct report_query *q,
                                    const struct survey *sv, struct load *L, char *msg,
                                    size_t msglen);
struct stats_population report_load_population(const struct load *L);
void report_describe_error(const struct load *L, enum stats_err se, const struct stats_error *err,
                           char *msg, size_t msglen);

/* report_compare.c */
enum report_status report_previous_run(struct store *s, const struct report_query *q,
                                       const struct survey *sv, const struct load *L,
                                       const struct stats_result *res, struct previous *pv,
                                       char *msg, size_t msglen);
void report_previous_free(struct previous *pv);

/* report_json.c */
const char *report_prev_withheld(const struct stats_row *r, const struct vs_prev *v);
void report_json(const struct report_view *v, struct sbuf *out);

/* report_csv.c */
void report_csv(const struct report_view *v, struct sbuf *out);

#endif
