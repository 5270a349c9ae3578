/*
 * efficacy_report — the yearly efficacy evaluation report (issue 14):
 * `manyi report --year Y` renders a stored evaluation (evaluate.h's JSON,
 * the shape docs/statistics.md gives) as HTML for A4 print (static inline
 * SVG charts, no script), as JSON or as CSV, in Chinese or English, and
 * stamps it with SHA-256 digests of its inputs and of its method so that
 * `manyi report verify` can tell whether the database still gives it.
 *
 * The stamp (docs/statistics.md, "The report's stamp"):
 *   each part's digest = SHA-256 of its canonical bytes: "evaluation" the
 *   evaluation's stored JSON text as stored, then store_digest.h's parts
 *   (answers, encounters, dispositions, cases, reviews, duties,
 *   performance, quality) for the evaluation's year;
 *   inputs = SHA-256 of "manyi-report-inputs-1\n" then, per part in that
 *   order, "NAME HEXDIGEST\n";
 *   method = SHA-256 of "manyi-report-method-1\n" then the lines
 *   "method=M", "weights=P,Q,S", "bands=A,B,C", "seed=S", "weighting=W",
 *   "measure=X", "simulations=N", "performance_rate=R" (mean or pooled;
 *   mean when the evaluation does not say) (numbers %.17g, each line
 *   ending "\n").
 * No clock is read: the same inputs (and audit head, st->audit) give the
 * same bytes.
 *
 * The detail (the per-agency figures of the statistics engine and the
 * fieldwork, which the evaluation does not carry) is a JSON object the
 * caller gathers (cli_report.c) from the same stamped rows:
 *   {"survey", "items": [{"agency", "item", "text": {zh,en}, "points", "estimate",
 *    "city", "diff", "significant"}], "defects": [{"agency", "item",
 *    "text": {zh,en}, "yes", "reviews"}], "outcomes": [{"agency",
 *    "outcome", "outcome_name": {zh,en}, "estimate", "ci_low", "ci_high",
 *    "n"}], "rates": {...rates.h JSON...}, "agreement": {...}, "low_n",
 *    "followup": {...followup_handle.h indicators of the cases opened in the year...},
 *    "integrity": {...integrity_evidence.h JSON for the year...}}
 * The methods appendix names, when any answer is flagged, the agencies
 * whose flagged answers rate them higher (p < 0.05).
 * Any member may be missing; the report says "not available" there.
 */
#ifndef MANYI_EFFICACY_REPORT_H
#define MANYI_EFFICACY_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "store.h"
#include "store_digest.h"
#include "survey.h"
#include "util.h"

/*
 * A published report (`manyi publish evaluation`) is kept as publications
 * (store.h) of this pseudo-survey, one per form, the key naming the year
 * and the form: "html" (Chinese), "en.html", "json", "pdf" (its bytes in
 * base64url).  GET /api/v1/public/evaluations/YEAR.FORM serves the latest.
 */
#define EFFICACY_PUBLICATION_SURVEY "efficacy-evaluation"
#define EFFICACY_PUBLICATION_KEY "evaluation?year=%d&form=%s"

enum efr_format { EFR_HTML, EFR_JSON, EFR_CSV, EFR__MAX };

/* "html", "json", "csv" into *f; false for anything else. */
bool efr_format_parse(const char *s, enum efr_format *f);

#define EFR_PARTS (1 + INPUT__MAX) /* "evaluation", then store_digest.h's parts */

struct efr_stamp {
	int year;
	char inputs[65];              /* lower-case hex */
	char method[65];
	char part[EFR_PARTS][65];     /* "" when the report did not carry it (CSV) */
	struct audit_head audit;      /* the audit chain's head when the report was made (audit.h;
	                               * not part of inputs: the record grows); id 0 when the
	                               * report carries none */
};

/* "evaluation", "answers", ... (static). */
const char *efr_part_name(size_t i);

enum efr_status {
	EFR_OK,
	EFR_BAD_EVALUATION, /* the evaluation's JSON is not the expected shape (msg says) */
	EFR_STORE,          /* the database failed (msg says) */
	EFR_NO_AGENCY,      /* the agency asked for is not in the evaluation (msg says) */
	EFR_STATUS__MAX
};

/* The stamp of evaluation (its stored JSON text, borrowed) against s's rows,
 * with the audit chain's head as it is (the caller seals first: audit_seal()). */
enum efr_status efficacy_stamp(struct store *s, const char *evaluation, struct efr_stamp *st,
                               char *msg, size_t msglen);

/*
 * Render the report of evaluation (borrowed JSON text) with detail
 * (borrowed JSON text or NULL) in format f and language l, appended to out.
 */
enum efr_status efficacy_report(struct store *s, const char *evaluation, const char *detail,
                                enum efr_format f, enum lang l, struct sbuf *out, char *msg,
                                size_t msglen);

/*
 * The HTML report marked as a preview (not published): agency's page
 * alone, or the whole report when agency is NULL; stamped as the report.
 */
enum efr_status efficacy_preview(struct store *s, const char *evaluation, const char *detail,
                                 const char *agency, enum lang l, struct sbuf *out, char *msg,
                                 size_t msglen);

/* Writes the rates JSON of survey's fieldwork into out; false when there is none. */
typedef bool (*efr_rates_fn)(struct store *s, const char *survey, struct sbuf *out);

/*
 * The detail of evaluation's report for year (JSON text, caller frees):
 * the survey and rubric given (NULL: those the evaluation names, else the
 * only one loaded); rates (NULL: none) writes the survey's response rates,
 * followup (NULL: none) the year's follow-up indicators (member "followup").
 */
/* Writes the follow-up indicators JSON of the cases opened in year into out; false when none. */
typedef bool (*efr_followup_fn)(struct store *s, int year, struct sbuf *out);

char *efficacy_detail(struct store *s, const char *evaluation, int year, const char *survey,
                      const char *rubric, efr_rates_fn rates, efr_followup_fn followup);

/*
 * Read the stamp a report carries (any of the three formats; text
 * borrowed): false when text holds none.
 */
bool efficacy_stamp_read(const char *text, struct efr_stamp *st);

#endif
