/*
 * followup_handle — handling follow-up cases (issue 15; docs/followup.md
 * "Handling" and "Indicators", docs/statistics.md §9): a case as JSON for
 * the evaluator or its agency, the list with filters, the state machine of
 * what staff do (reply, review, callback, decision, close), and the
 * follow-up indicators with the overdue list.  The JSON is the API's
 * (GET /api/v1/followups..., /api/v1/followup/indicators) and the CLI's
 * (`manyi followup`).  Code in src/fieldwork/followup_handle.c (cases,
 * actions) and src/fieldwork/followup_indicators.c; the SQL is
 * store_followup_handle.h's.
 *
 * An agency sees its own cases only, never the contact or whether there is
 * one, never an encounter id or day; dates are UTC+8.  Each action writes
 * an event and an audit row in one transaction.
 */
#ifndef MANYI_FOLLOWUP_HANDLE_H
#define MANYI_FOLLOWUP_HANDLE_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

struct cJSON;

/* Who asks: the evaluator (agency NULL), or an agency (its code). */
struct fu_who {
	bool evaluator;
	const char *agency;  /* an agency's own code; NULL for the evaluator */
	const char *actor;   /* for the audit: "user:NAME", "key:ID", "cli" */
};

/* Today's date in UTC+8 into out ("YYYY-MM-DD"). */
void followup_today(char out[11]);

/* Is s one of a case's states (open, replied, returned, accepted, appealed, excluded, closed)? */
bool followup_state_valid(const char *s);

/* The cases' filters; NULL (false) is no filter. */
struct fu_filter {
	const char *state, *agency, *survey;
	bool overdue;
};

/*
 * {"followups": [CASE...]} of the cases who may see (an agency its own
 * only) on today (the overdue flag and filter); caller frees *out with
 * cJSON_Delete().
 */
enum store_err followup_list_json(struct store *s, const struct fu_who *who,
                                  const struct fu_filter *f, const char *today, struct cJSON **out);
/* One CASE with its events; STORE_ERR_NOTFOUND when there is none or it is another agency's. */
enum store_err followup_case_json(struct store *s, const struct fu_who *who, const char *code,
                                  const char *today, struct cJSON **out);

enum fu_action { FU_REPLY, FU_REVIEW, FU_CALLBACK, FU_DECISION, FU_CLOSE, FU_ACTION__MAX };
/* "reply", "review", ... (the route's last part) into *a; false for anything else. */
bool followup_action_parse(const char *s, enum fu_action *a);

enum fu_status {
	FU_OK,
	FU_NOT_FOUND,     /* no such case, or another agency's */
	FU_FORBIDDEN,     /* the wrong role for this action */
	FU_WRONG_STATE,   /* msg says which state allows it */
	FU_BAD_BODY,      /* not a JSON object */
	FU_INVALID,       /* a field is missing or wrong: field names it */
	FU_STORE,         /* the store's error in *se */
	FU_STATUS__MAX
};

/* What an action did or why not. */
struct fu_result {
	enum fu_status status;
	enum store_err se;        /* FU_STORE */
	char field[32];           /* FU_INVALID: the field */
	char msg[256];            /* why, for a person */
};

/*
 * Do action a on case code with body (a JSON object; NULL is FU_BAD_BODY)
 * on today, in one transaction (opened here): the event, the state, the
 * audit row; the uphold of an appeal excludes the answer from the
 * statistics (followup_exclude).  *out (caller frees; may be NULL) is the
 * case afterwards as followup_case_json gives it.
 */
void followup_act(struct store *s, const struct fu_who *who, const char *code, enum fu_action a,
                  const struct cJSON *body, const char *today, struct fu_result *res,
                  struct cJSON **out);

/*
 * The sealed contact of case code (evaluator only: FU_FORBIDDEN otherwise)
 * opened with key into phone (capacity n); audited as "followup contact".
 * FU_NOT_FOUND when the case has none (or it was purged).
 */
void followup_contact(struct store *s, const struct fu_who *who, const char *code,
                      const unsigned char key[32], char *phone, size_t n, struct fu_result *res);

/* The indicators' selection: NULL is every survey, agency, date. */
struct fu_ind_query {
	const char *survey;
	const char *agency;       /* an agency's own (then only its group) */
	const char *from, *to;    /* opened_on within [from, to] */
	const char *today;        /* for overdue and the on-time denominator */
};
/*
 * {"overall": {IND}, "groups": [{"by": {"agency"}, "names": {"agency": {"zh","en"}}, IND...}],
 *  "overdue": [{"code", "agency", "reply_due", "workdays_late"}]}; caller frees *out.
 */
enum store_err followup_indicators(struct store *s, const struct fu_ind_query *q, struct cJSON **out);
/* The same over every survey and agency for the efficacy report (today: now, UTC+8). */
enum store_err followup_indicators_json(struct store *s, const char *from, const char *to,
                                        struct cJSON **out);
/*
 * The indicators of the cases opened in year (its 1 January to 31
 * December, UTC+8) as JSON text into out, for the efficacy report's detail
 * (efr_followup_fn); false when the database could not say.
 */
struct sbuf;
bool followup_year_json(struct store *s, int year, struct sbuf *out);
/* The indicators as CSV (a row per group, overall first, agency_name beside agency) into out. */
struct sbuf;
void followup_indicators_csv(const struct cJSON *ind, struct sbuf *out);

#endif
