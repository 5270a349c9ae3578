/*
 * app_internal — what the application's handler files share: struct app,
 * the fixed page texts, the helpers every handler uses, and the handlers
 * the route table in route.c names.  Only app.c, route.c and the handler_*.c files
 * beside it include this header.
 *
 *   app.c              set-up, shared helpers
 *   route.c            the route table, app_handle(), CORS, /healthz, /metrics
 *   handler_form.c     the HTML form: GET and POST /s/{survey}
 *   handler_api.c      answers and encounters (POST /api/v1/responses, /api/v1/encounters)
 *   handler_invite.c   invitations: minted by POST, rendered as QR codes and notices by GET
 *   handler_data.c     stats, publications, surveys and registry (GET /api/v1/...)
 *   handler_export.c   microdata for evaluators: GET /api/v1/export, /api/v1/responses
 *   handler_signin.c   people signing in: /signin, /signout, GET /api/v1/session
 *   handler_review_web.c  a signed-in reviewer's queue and forms: /review, /review/{case}
 *   handler_complaint.c   the complaint channel's public pages: /complaint, /complaint/filed, /complaint/track
 *   handler_complaint_api.c  its JSON: /api/v1/complaint-categories, /api/v1/complaints[/...]
 *   intake.c           the one path of an answer, for the form and the API (app_intake)
 *
 * Handlers return the HTTP status they answered; `rest` is the part of the
 * path after the route's prefix.
 */
#ifndef MANYI_APP_INTERNAL_H
#define MANYI_APP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "followup.h"
#include "http.h"
#include "invite.h"
#include "report.h"
#include "store.h"
#include "survey.h"
#include "throttle.h"

struct cJSON;
struct page_cache;
struct integrity_counts;
struct integrity_flags;

#define SURVEY_CACHE 16
#define APP_SETTING_MAX 512    /* bytes of a page setting (evaluator_name, ...) */

struct cached_survey {
	char *id;
	int version;            /* stored version */
	struct survey *survey;
};

struct app {
	struct store *store;
	unsigned char secret[32];
	struct throttle *throttle; /* the process's (throttle_shared()), borrowed */
	struct integrity_counts *integrity; /* the process's (integrity_counts_shared()), borrowed */
	struct committer *committer; /* the process's group commit (app_set_committer), borrowed; NULL: inline */
	struct cached_survey cache[SURVEY_CACHE];
	size_t ncache;
	/* The settings the pages show, read at start (empty when not set). */
	char evaluator[LANG__MAX][APP_SETTING_MAX];
	char contact[APP_SETTING_MAX];
	struct page_cache *pages; /* the form's templates and registry (page_cache.h) */
	/* The sealing key of call-back contacts (followup.h), read at start from
	 * $MANYI_CONTACT_KEY or <database>.contact-key; without it the form
	 * offers no call-back. */
	unsigned char contact_key[32];
	bool has_contact_key;
};

/* Delete the call-back contacts due (followup_purge), at most once an hour
 * per process; the first request after start does it. */
void app_followup_purge_due(struct app *a, time_t now);

/* Fixed page texts, by language. */
enum msg {
	MSG_NOT_FOUND_TITLE,
	MSG_NOT_FOUND_SURVEY,
	MSG_NOT_FOUND_PAGE,
	MSG_BAD_REQUEST_TITLE,
	MSG_BAD_REQUEST,
	MSG_TOO_LARGE,
	MSG_BAD_TYPE,
	MSG_SERVER_TITLE,
	MSG_SERVER,
	MSG_BUSY,
	MSG_CSRF_EXPIRED,
	MSG_CSRF_MISSING,
	MSG_CSRF_NO_COOKIE,
	MSG_TOKEN_TITLE,
	MSG_TOKEN_UNKNOWN,
	MSG_USED_TITLE,
	MSG_USED,
	MSG_EXPIRED_TITLE,
	MSG_EXPIRED,
	MSG_SLOW_TITLE,
	MSG_SLOW,
	MSG_SLOW_PUBLIC,
	MSG_BAD_LANG_TITLE,
	MSG_BAD_LANG,
	MSG_OVERLOADED_TITLE,
	MSG_OVERLOADED,
	MSG_SIGNIN_FAILED,
	MSG_SIGNIN_KEY_FAILED,
	MSG_SIGNIN_EMPTY,
	MSG_SIGNIN_BAD_FORM,
	MSG_SIGNOUT_CSRF_TITLE,
	MSG_SIGNOUT_CSRF,
	MSG__MAX
};

extern const char *const app_msgs[MSG__MAX][LANG__MAX];

/*
 * The latest version of survey id (*out borrowed from the cache: valid
 * until the next app_survey() call) and its number.  STORE_ERR_NOTFOUND
 * when id is malformed, there is no such survey, or it is a reviewer rubric
 * (never a public form, answer, invitation, stats or export); any other error when the
 * database could not say (busy) or the stored text does not parse: render
 * it with app_store_failure_*(), never as "not found".
 */
enum store_err app_survey(struct app *a, const char *id, const struct survey **out, int *version);

/* The language asked for by ?lang=, else Chinese. */
enum lang app_query_lang(const char *query);

/*
 * The routes' query keys are parsed and checked by app_handle() before the
 * handler runs (req->params; see params.h and the route table in route.c).
 * app_query_survey is for the handlers that still read their own query:
 * 0 with out set to ?survey= ("" when absent or empty), or 400 after the
 * JSON error naming it (too long, malformed, not a survey id, or absent
 * when required).
 */
int app_query_survey(const struct http_request *req, struct http_response *r, bool required,
                     char *out, size_t n);

/* The JSON error of a refused query (its status: 400, or 403); returns the status. */
struct params_error;
int app_params_error(struct http_response *r, const struct params_error *err);

/*
 * A refused element of a JSON array (POST /api/v1/encounters, officers,
 * cases, duties): status with the error code, the message "WHAT [INDEX]:
 * MSG; nothing was stored" (what may be NULL) and fields [{"index",
 * "message"}]; returns status.
 */
int app_element_error(struct http_response *r, int status, const char *code, const char *what,
                      size_t index, const char *msg);

/* 400 with the JSON error "NAME is WHAT" (what says what NAME takes). */
int app_bad_param(struct http_response *r, const char *name, const char *what);

void app_page(struct http_response *r, int status, enum lang l,
                      enum msg title, enum msg text);

/*
 * The page for an invitation that cannot be used, with a way on: the
 * public forms, the evaluator's contact, and lang_href (this page in the
 * other language, not yet escaped; NULL for none).  Returns its status.
 */
int app_invite_page(struct app *a, struct http_response *r, enum lang l, enum invite_state st,
                    const char *lang_href);

/* The evaluator's name and contact from the settings, for the pages (borrowed from a). */
struct html_site;
void app_site(const struct app *a, struct html_site *site);

/* GET / : the landing page. */
int app_landing(struct app *a, const struct http_request *req, struct http_response *r,
                const char *rest);

void app_retry_after(struct http_response *r, long seconds);

/*
 * Resolve a token for survey, counting unknown ones against the address.
 * A known token is always resolved; an unknown one from an address locked
 * out sets *throttled.
 */
enum invite_state app_resolve_token(struct app *a, const char *addr, const char *survey,
                                    const char *token, time_t now, struct invitation *inv,
                                    unsigned char hash[32], long *throttled);

/*
 * "市市场监督管理局 · 市场监管 · 2022-04-11" for an encounter, localised,
 * then, when it names officers, a second line "执法人员：张三（执法证号 …）"
 * (the form shows the line breaks), into *out (caller frees); *out is NULL and the store's error returned
 * when the registry could not be read.
 */
enum store_err app_encounter_context(struct app *a, const struct encounter *e, enum lang l,
                                     char **out);

/*
 * Store an answer: its writes run in their own part of a group commit's
 * transaction (commit.h; alone on a->store when a->committer is NULL), and
 * the call returns once the COMMIT that holds them has returned; the
 * answer is counted (metrics_answer) only then.  With an invitation (hash
 * not NULL) the token is marked used and the encounter's agency, domain
 * and size are recorded; an answer already there for the encounter, by
 * any token or channel, gives STORE_ERR_CONSTRAINT and stores nothing.
 * once (32 bytes, or NULL) names the form render answered: a second
 * answer from the same render (a double tap) gives STORE_ERR_CONSTRAINT
 * and stores nothing.  idem (or NULL) is the request's Idempotency-Key:
 * when an answer was stored under it already, nothing is stored, STORE_OK
 * is returned and idem says which answer (see struct app_idem); else the
 * key is recorded with the answer, in the same transaction.  A failed
 * COMMIT fails every answer of its batch (nothing stored, nothing
 * acknowledged).
 */
struct app_idem {
	unsigned char key[32];  /* BLAKE2b of the Idempotency-Key header */
	unsigned char body[32]; /* BLAKE2b of the request body */
	bool found;             /* out: an answer is stored under key */
	bool same_body;         /* out, when found: from a body like this one */
	char public_id[64];     /* out, when found: that answer's id */
};
enum store_err app_store_answer(struct app *a, const struct survey *sv, int version,
                                   const struct invitation *inv, const unsigned char *hash,
                                   const unsigned char *once, struct app_idem *idem,
                                   const char *agency, const char *domain, const char *channel,
                                   const struct answers *ans, char *public_id, size_t idlen,
                                   const char *phone, struct followup_opened *opened,
                                   struct integrity_flags *flags);
/*
 * Look idem->key up (idem->found, same_body, public_id); a failure to read
 * is returned as is.
 */
enum store_err app_idem_lookup(struct app *a, struct app_idem *idem);

/*
 * intake (intake.c) — the one path of an answer, whatever its transport:
 * the Idempotency-Key, the agency-key refusal, the token (or the public
 * channel's hourly limit), the respondent's context, the survey's rules,
 * the store, the throttle's count.  The form (handler_form.c) and the JSON
 * API (handler_api.c) parse their transport into struct intake, call
 * app_intake() and render its outcome, as a page or as JSON.
 *
 * Everything in struct intake is borrowed for the call.
 */
struct intake {
	const struct survey *survey;   /* from app_survey() */
	int version;
	const char *token;             /* the invitation's token, or NULL/"" for the public channel */
	const char *agency, *domain;   /* the public channel's context (ignored with a token) */
	const char *agency_field;      /* the names its errors go under: "agency" when NULL */
	const char *domain_field;      /* ... "domain" when NULL */
	const struct pairs *answers;   /* item id → value, as answers_check() takes them */
	const struct answer_errors *transport_errs; /* found while parsing (wrong JSON types), or NULL */
	bool ignore_unknown;           /* keys that name no item are not errors (the form's own fields) */
	const char *channel;           /* "web", "api": recorded for the public channel */
	const struct principal *principal; /* the request's key, or NULL: an agency key is refused,
	                                    * an evaluator's is not held to the hourly limit */
	struct app_idem *idem;         /* the Idempotency-Key's hashes, or NULL; filled in */
	const unsigned char *once;     /* the form render's mark (32 bytes), or NULL */
	const char *addr;              /* the client's address, for the throttles only */
	time_t now;
	const char *phone;             /* the form's call-back phone, checked, or NULL (sealed only
	                                * when a case opens) */
	/* Integrity signals (integrity_web.h), hashed or compared, never kept: */
	const char *user_agent, *accept_language; /* may be NULL */
	time_t rendered;               /* the form's signed render time, 0 when unknown */
};

enum intake_outcome {
	INTAKE_STORED,         /* stored: public_id */
	INTAKE_REPLAYED,       /* the Idempotency-Key's answer, same body: public_id, nothing stored */
	INTAKE_KEY_REUSED,     /* the Idempotency-Key was used for another body: nothing stored */
	INTAKE_REPEATED,       /* the form render (once) was answered already: the first stands */
	INTAKE_INVALID,        /* errs names each field */
	INTAKE_FORBIDDEN,      /* an agency key: it does not rate itself */
	INTAKE_TOKEN_UNKNOWN,  /* token_survey names the survey it belongs to, when another */
	INTAKE_TOKEN_EXPIRED,
	INTAKE_TOKEN_USED,     /* this token was used, or the encounter was answered */
	INTAKE_TOKEN_THROTTLED,/* too many wrong tokens from the address: retry_after */
	INTAKE_THROTTLED,      /* the public channel's hourly limit: retry_after */
	INTAKE_BUSY,           /* the database is busy (err): nothing stored, try again */
	INTAKE_FAILED,         /* our fault (err): nothing stored */
	INTAKE__MAX
};

struct intake_result {
	enum intake_outcome outcome;
	struct answer_errors errs;     /* INTAKE_INVALID: items borrowed from the survey and pairs */
	long retry_after;              /* the throttled outcomes: seconds */
	enum store_err err;            /* INTAKE_BUSY, INTAKE_FAILED: what the store said (for
	                                * the log; INTAKE_FAILED is answered 500 whatever it is) */
	bool invited;                  /* the token is valid: encounter and inv describe it */
	struct encounter encounter;
	struct invitation inv;
	unsigned char hash[32];
	char token_survey[65];         /* INTAKE_TOKEN_UNKNOWN: the token's survey, or "" */
	char public_id[64];            /* INTAKE_STORED, INTAKE_REPLAYED */
	char refused[512];             /* INTAKE_INVALID with ANSWER_NOT_ENFORCED: the pair
	                                * refused, named (app_check_context), or "" */
	struct followup_opened followup; /* INTAKE_STORED: the case the answer opened, if any */
};

/* Take one answer described by in; res says what happened (see above). */
void app_intake(struct app *a, const struct intake *in, struct intake_result *res);

/* Seconds a client is told to wait (Retry-After) when the database is busy. */
#define APP_BUSY_RETRY_AFTER 5

/*
 * The one map from a store error to an HTTP status: STORE_OK 200,
 * STORE_ERR_NOTFOUND 404, STORE_ERR_CONSTRAINT 409, STORE_ERR_BUSY 503
 * (the client may try again), anything else 500 (our fault).
 */
int app_status_of(enum store_err e);

/*
 * Answer a store error with the status app_status_of() gives, as a page
 * (in language l) or as JSON; 503 carries Retry-After.  The detail
 * (SQLite's text) goes to the log for 5xx only, never to the client.
 * Returns the status.
 */
int app_store_failure_page(struct app *a, struct http_response *r, enum lang l,
                           enum store_err e);
int app_store_failure_json(struct app *a, struct http_response *r, enum store_err e);

/*
 * A report's failure (report_run(), officer_stats_run(); msg says why) as
 * JSON: 400 a bad query, 404 no such survey, 422 cannot be estimated, 409
 * nothing to estimate yet, 503/500 the store's.  Returns the status, or 0
 * for REPORT_OK (nothing written).
 */
int app_report_failure(struct app *a, struct http_response *r, enum report_status st,
                       const char *msg);

/* Has the content type this media type (ignoring parameters)? */
bool app_media_type_is(const char *ct, const char *want);

/*
 * A JSON body into body (caller-initialised), at most max bytes: 0, or the
 * status answered (415 when it is not application/json, saying to send
 * what so; 413 too large; 400 not read in full).
 */
int app_json_body(const struct http_request *req, struct http_response *r, size_t max,
                  const char *what, struct sbuf *body);

/*
 * Check the respondent-chosen agency and domain; errors go against the
 * "_agency"/"_domain" fields (or "agency"/"domain" for the API).  A store
 * error is returned as is (nothing added): the database could not say
 * whether a code is registered, which is not "unknown option".  Both
 * registered but the agency has pairs in agency_domain and not this one:
 * ANSWER_NOT_ENFORCED against the domain field, and refused (n bytes)
 * says so with names beside codes ("" otherwise).
 */
enum store_err app_check_context(struct app *a, const char *agency, const char *domain,
                                 const char *agency_field, const char *domain_field,
                                 struct answer_errors *errs, char *refused, size_t n);

/* Merge b's errors after a's (a's first, one per item). */
void app_errors_merge(struct answer_errors *into, const struct answer_errors *from);

/*
 * Per-field errors of an answer to sv as a JSON array for the API: each
 * {"field", "code", "message"}, the message saying what the field takes
 * (the range, the type, the options).
 */
struct cJSON *app_errors_json(const struct survey *sv, const struct answer_errors *errs,
                              const char *refused);

/*
 * Check the Authorization header or, without one, the session cookie
 * (session.h): the same principal either way.  A POST authenticated by the
 * cookie alone must carry the session's X-CSRF-Token (403 otherwise).
 * Returns 0 with *p filled, or the status it answered (401, 403) after
 * writing the JSON error.  Every key use is audited,
 * and a use that could not be audited is refused (503 when the database is
 * busy, else 500): an evaluator reviews the audit for what keys asked, so a
 * request that leaves no trace there is not served.
 */
int app_require_key(struct app *a, const struct http_request *req, struct http_response *r,
                       struct principal *p);
/*
 * The same without the audit row: for an app's answers, whose record is the
 * answer itself (an audit row to the second beside each answer would date it
 * more finely than the answer's own hour).
 */
int app_check_key(struct app *a, const struct http_request *req, struct http_response *r,
                  struct principal *p);

/*
 * A strong ETag over the body; answers 304 with no body when the client
 * already has it.
 */
int app_etag_reply(const struct http_request *req, struct http_response *r, int status);

/*
 * The survey an encounter is invited to, chosen once per request: the one
 * the caller named (want: ?survey= or the body's "survey"), else the one
 * loaded survey whose audience suits the encounter (public for a
 * household, a citizen; enterprise for any other size).
 */
struct survey_pick {
	char want[72];                  /* "" when the caller named none */
	char id[AUDIENCE__MAX][72];     /* the audience's one survey, once found */
};
/*
 * The survey for an encounter of size (NULL: not a household), or NULL
 * after a JSON 422: unknown_survey for a named survey that is not loaded,
 * survey_required when no loaded survey, or several, have the audience.
 * The survey is app_survey()'s: valid until the next app_survey() call.
 */
const struct survey *app_invite_survey(struct app *a, struct survey_pick *pick, const char *size,
                                       struct http_response *r);
/*
 * Mint a qr invitation for e (in the caller's transaction) to the survey
 * app_invite_survey() picks, and return it as the API does: encounter_id,
 * survey, token, url, expires_on (the last day, UTC+8) and the links that
 * render it (qr_svg, qr_png, notice, each with ?t=TOKEN); caller owns it.
 * NULL after a JSON error (422 for the survey, 503/500 for the store).
 */
struct cJSON *app_mint_json(struct app *a, struct survey_pick *pick, const struct encounter *e,
                            time_t now, struct http_response *r);

typedef int (*handler_fn)(struct app *, const struct http_request *, struct http_response *,
                          const char *rest);

/* handler_followup_public.c: GET and POST /followup (the rater code, the 追评). */
int app_followup_get(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest);
int app_followup_post(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest);
int app_form_get(struct app *a, const struct http_request *req, struct http_response *r,
               const char *rest);
int app_form_post(struct app *a, const struct http_request *req, struct http_response *r,
                const char *rest);
int app_api_responses(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest);
int app_api_responses_list(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest);
int app_api_export(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest);
int app_api_encounters(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest);
int app_api_encounter(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest);
int app_api_encounter_post(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest);
int app_api_invitations(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest);
int app_api_notices(struct app *a, const struct http_request *req, struct http_response *r,
                  const char *rest);
int app_api_stats(struct app *a, const struct http_request *req, struct http_response *r,
                const char *rest);
int app_api_fieldwork(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest);
/* GET /api/v1/fieldwork/progress: the JSON of manyi fieldwork --progress. */
int app_api_fieldwork_progress(struct app *a, const struct http_request *req, struct http_response *r,
                               const char *rest);
/* handler_duty.c: POST /api/v1/duties, POST /api/v1/performance. */
int app_api_duties(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest);
int app_api_performance(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest);
/* handler_review.c: POST /api/v1/cases, GET /api/v1/quality. */
int app_api_cases(struct app *a, const struct http_request *req, struct http_response *r,
                  const char *rest);
int app_api_quality(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest);
int app_api_agreement(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest);
int app_api_public_stats(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest);
/* handler_evaluation.c: GET /api/v1/public/evaluations[/YEAR.FORM], the published efficacy reports. */
/* handler_integrity.c: the review queue (docs/integrity.md), the evaluator's. */
int app_api_integrity_flags(struct app *a, const struct http_request *req,
                            struct http_response *r, const char *rest);
int app_api_integrity_decisions(struct app *a, const struct http_request *req,
                                struct http_response *r, const char *rest);
int app_api_integrity_evidence(struct app *a, const struct http_request *req,
                               struct http_response *r, const char *rest);
int app_api_evaluations(struct app *a, const struct http_request *req, struct http_response *r,
                        const char *rest);
/* GET /api/v1/evaluations/YEAR.html|.en.html: the report before publication (a preview, audited). */
int app_api_evaluation_preview(struct app *a, const struct http_request *req,
                               struct http_response *r, const char *rest);
int app_api_publications(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest);
int app_api_surveys(struct app *a, const struct http_request *req, struct http_response *r,
                  const char *rest);
int app_api_survey(struct app *a, const struct http_request *req, struct http_response *r,
                 const char *rest);
int app_api_registry(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest);
/* handler_review_web.c: a signed-in reviewer's queue and forms: the route /review is a
 * prefix, rest "" or "/" the queue, "/CASE" a file (anything else 404). */
int app_review_get(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest);
int app_review_post(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest);
/* GET /api/v1/review/progress: the JSON of manyi review progress. */
int app_api_review_progress(struct app *a, const struct http_request *req, struct http_response *r,
                            const char *rest);
/* handler_followup.c: follow-up cases — the list, a case, its actions, the indicators. */
int app_api_followups(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest);
int app_api_followup(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest);
int app_api_followup_post(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest);
int app_api_followup_indicators(struct app *a, const struct http_request *req,
                                struct http_response *r, const char *rest);
int app_signin_get(struct app *a, const struct http_request *req, struct http_response *r,
                   const char *rest);
int app_signin_post(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest);
int app_signout(struct app *a, const struct http_request *req, struct http_response *r,
                const char *rest);
int app_api_session(struct app *a, const struct http_request *req, struct http_response *r,
                    const char *rest);
/* handler_complaint.c (the pages) and handler_complaint_api.c (the JSON): the complaint
 * channel (投诉举报). */
int app_complaint_get(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest);
int app_complaint_post(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest);
int app_complaint_sub_get(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest);
int app_complaint_sub_post(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest);
int app_api_complaint_categories(struct app *a, const struct http_request *req,
                                 struct http_response *r, const char *rest);
int app_api_complaints(struct app *a, const struct http_request *req, struct http_response *r,
                       const char *rest);
int app_api_complaint(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest);
int app_api_complaint_post(struct app *a, const struct http_request *req, struct http_response *r,
                           const char *rest);
/* handler_officer.c: the certificate register, its public lookup, satisfaction per officer. */
int app_api_officers(struct app *a, const struct http_request *req, struct http_response *r,
                     const char *rest);
int app_officers_page(struct app *a, const struct http_request *req, struct http_response *r,
                      const char *rest);
int app_api_public_officers(struct app *a, const struct http_request *req,
                            struct http_response *r, const char *rest);
int app_api_officer_stats(struct app *a, const struct http_request *req, struct http_response *r,
                          const char *rest);

#endif
