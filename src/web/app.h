/*
 * app — the web application: routes, handlers, and the rules that turn a
 * request into a response.  Transport-free (see http.h), so unit tests
 * call app_handle() directly and the FastCGI program only loops.
 *
 * Routes (CONTRACT §4):
 *   GET  /healthz                 {"status":"ok"} when the database answers
 *   GET  /s/{survey}              the form (?lang=zh|en, ?t=TOKEN)
 *   POST /s/{survey}              a form submission: 303 to the thank-you page,
 *                                 422 the form again with errors and values
 *   GET  /s/{survey}/thanks       the thank-you page
 *   POST /api/v1/responses        JSON answers: 201 {"id"}
 *
 * One struct app per worker thread: it owns a database connection and
 * caches the parsed surveys.
 */
#ifndef MANYI_APP_H
#define MANYI_APP_H

#include <stddef.h>

#include "http.h"

#define APP_FORM_MAX (128 * 1024) /* bytes of a form post */
#define APP_JSON_MAX (64 * 1024)  /* bytes of a JSON answer */

struct app;

/*
 * Open the database at db_path (which must exist and be initialised) for a
 * new worker.  On failure *out is NULL and msg says why.  Caller frees with
 * app_free().
 */
int app_new(const char *db_path, struct app **out, char *msg, size_t msglen);
/* Accepts NULL. */
void app_free(struct app *a);

/*
 * Store a's answers through the group commit c (commit.h; borrowed: c
 * outlives a's requests).  Without it (NULL, the default) each answer
 * commits alone on a's own connection.
 */
struct committer;
void app_set_committer(struct app *a, struct committer *c);

/* Handle one request, filling resp (initialised by the caller). */
void app_handle(struct app *a, const struct http_request *req,
                struct http_response *resp);

/*
 * The answer to a request turned away before any handler ran because the
 * server is full: 503 with Retry-After and Cache-Control: no-store, JSON
 * {"error": {"code": "overloaded", ...}} on the API, a page in the asked
 * language elsewhere.  Needs no database; never reads the body.  A
 * submission is counted as rejected for "overloaded".
 */
void app_overloaded(const struct http_request *req, struct http_response *resp);

#endif
