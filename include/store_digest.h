/*
 * store_digest — the rows an efficacy evaluation of a year used, written
 * out in a canonical text so that the report's stamp (efficacy_report.h)
 * can hash them: the same rows always give the same bytes, whatever order
 * they were stored in.
 *
 * Each part is a list of lines, one per row, the columns as text separated
 * by a tab (NULL written \N, blobs in upper-case hex, tabs and newlines in
 * text as \t and \n), the lines sorted bytewise.  Codes (survey, channel,
 * agency, domain, size, outcome) are written as their text, never as the
 * dictionary's ids.  The parts and what each holds (year Y is the calendar
 * year, China Standard Time):
 *   answers      every stored response whose day falls in Y: survey,
 *                public id, version, channel, agency, domain, size,
 *                outcome, day, and the answers' bytes (resp.nums)
 *   encounters   the registered encounters counted per day, agency,
 *                domain and size within Y (the frame's N_h)
 *   dispositions the phone outcomes of encounters within Y
 *   cases        the case files decided in Y
 *   reviews      the reviews of those case files (reviewer, rubric,
 *                time, total, defects, the answers' JSON)
 *   duties       the duty register, whole, when the table exists
 *   performance  the actions performed in Y, when the table exists
 *   quality      imported quality scores of Y, when the table exists
 */
#ifndef MANYI_STORE_DIGEST_H
#define MANYI_STORE_DIGEST_H

#include "store.h"
#include "util.h"

enum store_input_part {
	INPUT_ANSWERS,
	INPUT_ENCOUNTERS,
	INPUT_DISPOSITIONS,
	INPUT_CASES,
	INPUT_REVIEWS,
	INPUT_DUTIES,
	INPUT_PERFORMANCE,
	INPUT_QUALITY,
	INPUT__MAX
};

/* "answers", "encounters", ... (static). */
const char *store_input_part_name(enum store_input_part p);

/*
 * Append part p's canonical text for year to out (the caller's sbuf);
 * a table that does not exist yet gives no lines.
 */
enum store_err store_evaluation_inputs(struct store *s, int year, enum store_input_part p,
                                       struct sbuf *out);

/*
 * The major-defect flags answered yes in the reviews by rubric of the case
 * files decided in year: for each agency and flag item, how many reviews
 * said yes (yes > 0 only) and how many reviews the agency has; cb is
 * called once per pair, by agency, the flag found most often first (strings borrowed for
 * the call).
 */
enum store_err store_review_flags(struct store *s, const char *rubric, int year,
                                  void (*cb)(void *ctx, const char *agency, const char *item,
                                             long long yes, long long reviews),
                                  void *ctx);

#endif
