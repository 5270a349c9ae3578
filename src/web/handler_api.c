/*
 * handler_api — answers and encounters (POST /api/v1/responses,
 * /api/v1/encounters); see app_internal.h.  Invitations, their QR codes
 * and notices are handler_invite.c's.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_internal.h"
#include "crypto.h"
#include "encounter.h"
#include "html.h"
#include "submit.h"

#define IDEM_KEY_MAX 255 /* characters of an Idempotency-Key */

/*
 * The request's Idempotency-Key as hashes into *idem: 0 without the header,
 * 1 with it, or 400 answered when it is not 1..255 visible ASCII characters.
 */
static int idem_read(const struct http_request *req, const struct sbuf *body,
                     struct http_response *r, struct app_idem *idem)
{
	const char *k = req->idempotency_key;
	if (k == NULL || *k == '\0')
		return 0;
	size_t n = strlen(k);
	bool ok = n <= IDEM_KEY_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = k[i] > 0x20 && k[i] < 0x7f;
	if (!ok) {
		char msg[160];
		snprintf(msg, sizeof msg, "the Idempotency-Key header must be 1 to %d visible ASCII "
		         "characters (a UUID, say); nothing was stored", IDEM_KEY_MAX);
		http_json_error(r, 400, "bad_idempotency_key", msg, NULL);
		return 400;
	}
	memset(idem, 0, sizeof *idem);
	const struct crypto_part p[] = {{"manyi-idempotency\x1f", 18}, {k, n}};
	crypto_blake2b_parts(idem->key, sizeof idem->key, NULL, 0, p, ARRAY_SIZE(p));
	crypto_blake2b(idem->body, sizeof idem->body, body->data, body->len);
	return 1;
}

/*
 * Answer a request whose Idempotency-Key has an answer stored: the first
 * 201 again for the same body, 422 for another body.
 */
static int idem_reply(struct http_response *r, const struct app_idem *idem)
{
	if (!idem->same_body) {
		http_json_error(r, 422, "idempotency_key_reused",
		                "this Idempotency-Key was used within 24 hours for a different body; "
		                "nothing was stored (send a new key for a new answer)", NULL);
		return 422;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", idem->public_id);
	http_json(r, 201, o);
	http_header(r, "Idempotent-Replayed", "true");
	return 201;
}

/* A 422 "invalid" whose one field is the token. */
static int token_error(struct http_response *r, const char *code, const char *message)
{
	cJSON *f = cJSON_CreateArray();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "field", "token");
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", message);
	cJSON_AddItemToArray(f, o);
	http_json_error(r, 422, "invalid", "the token cannot be used; nothing was stored", f);
	return 422;
}

/* Intake's outcome as the API's JSON reply; returns the status. */
static int api_outcome(struct app *a, struct http_response *r, const struct intake *in,
                       const struct intake_result *res)
{
	char msg[256];
	switch (res->outcome) {
	case INTAKE_STORED: {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", res->public_id);
		const struct followup_opened *fu = &res->followup;
		if (fu->opened) { /* the case the answer opened: shown once, to the respondent */
			cJSON *f = cJSON_AddObjectToObject(o, "followup");
			cJSON_AddStringToObject(f, "code", fu->code);
			cJSON_AddStringToObject(f, "rater_code", fu->rater);
			cJSON_AddStringToObject(f, "reason", fu->reason);
			cJSON_AddStringToObject(f, "opened_on", fu->opened_on);
			if (fu->reply_due[0])
				cJSON_AddStringToObject(f, "reply_due", fu->reply_due);
			else
				cJSON_AddNullToObject(f, "reply_due");
			cJSON_AddBoolToObject(f, "due_uncovered", fu->due_uncovered);
		}
		http_json(r, 201, o);
		return 201;
	}
	case INTAKE_REPLAYED:
	case INTAKE_KEY_REUSED:
		return idem_reply(r, in->idem);
	case INTAKE_INVALID:
		snprintf(msg, sizeof msg, "%zu field%s invalid; nothing was stored", res->errs.n,
		         res->errs.n == 1 ? " is" : "s are");
		http_json_error(r, 422, "invalid", msg, app_errors_json(in->survey, &res->errs, res->refused));
		return 422;
	case INTAKE_FORBIDDEN:
		http_json_error(r, 403, "forbidden", "an agency key cannot submit answers; nothing was stored",
		                NULL);
		return 403;
	case INTAKE_TOKEN_UNKNOWN:
		if (*res->token_survey != '\0') {
			snprintf(msg, sizeof msg, "this token belongs to survey \"%s\", not \"%s\"; send it "
			         "with \"survey\": \"%s\"", res->token_survey, in->survey->id, res->token_survey);
			return token_error(r, "unknown_token", msg);
		}
		return token_error(r, "unknown_token", "no invitation with this token (a token is the 22 "
		                   "characters after t= in the invitation's link)");
	case INTAKE_TOKEN_EXPIRED:
		return token_error(r, "expired_token", "this invitation has expired");
	case INTAKE_TOKEN_USED:
		http_json_error(r, 409, "token_used",
		                "this encounter has already been rated; nothing was stored", NULL);
		return 409;
	case INTAKE_TOKEN_THROTTLED:
		http_json_error(r, 429, "too_many_attempts",
		                "too many wrong tokens from this address; try again later", NULL);
		app_retry_after(r, res->retry_after);
		return 429;
	case INTAKE_THROTTLED:
		http_json_error(r, 429, "too_many_answers",
		                "too many answers without an invitation from this address; nothing was "
		                "stored, try again later", NULL);
		app_retry_after(r, res->retry_after);
		return 429;
	default:
		/* Busy, or our fault (whatever the store said: 500, not 404 or 409). */
		return app_store_failure_json(a, r,
		                              res->outcome == INTAKE_BUSY ? STORE_ERR_BUSY : STORE_ERR_SQL);
	}
}

/* POST /api/v1/responses: parse the JSON envelope, app_intake(), reply. */
int app_api_responses(struct app *a, const struct http_request *req,
                           struct http_response *r, const char *rest)
{
	struct sbuf body;
	struct submission sub = {0};
	struct pairs items;
	struct answer_errors type_errs = {.n = 0};
	char msg[256];
	const struct survey *sv;
	int version, status;
	struct app_idem idem;
	int has_idem = 0;
	struct principal p;

	(void)rest;
	sbuf_init(&body);
	pairs_init(&items);

	if ((status = app_json_body(req, r, APP_JSON_MAX, "the answers", &body)) != 0)
		goto done;
	if ((has_idem = idem_read(req, &body, r, &idem)) == 400) {
		status = 400;
		goto done;
	}
	if (submit_parse(body.data, body.len, &sub, msg, sizeof msg) != SUBMIT_OK) {
		http_json_error(r, status = 400, "malformed", msg, NULL);
		goto done;
	}
	enum store_err se = app_survey(a, sub.survey, &sv, &version);
	if (se != STORE_OK && se != STORE_ERR_NOTFOUND) {
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	if (se == STORE_ERR_NOTFOUND) {
		cJSON *f = cJSON_CreateArray();
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "field", "survey");
		cJSON_AddStringToObject(o, "code", "unknown_survey");
		cJSON_AddStringToObject(o, "message", "no survey with this id (GET /api/v1/surveys lists them)");
		cJSON_AddItemToArray(f, o);
		http_json_error(r, status = 422, "invalid", "unknown survey", f);
		goto done;
	}
	/* A key is checked here (401 for a bad one); intake refuses an agency's. */
	if (*req->authorization != '\0' && (status = app_check_key(a, req, r, &p)) != 0)
		goto done;
	submit_answers(sv, &sub, &items, &type_errs);
	struct intake in = {
		.survey = sv, .version = version, .token = sub.token,
		.agency = sub.agency, .domain = sub.domain,
		.answers = &items, .transport_errs = &type_errs,
		.channel = "api",
		.principal = *req->authorization != '\0' ? &p : NULL,
		.idem = has_idem ? &idem : NULL,
		.addr = req->remote_addr, .now = time(NULL),
		.user_agent = req->user_agent, .accept_language = req->accept_language,
	};
	struct intake_result res;
	app_intake(a, &in, &res);
	status = api_outcome(a, r, &in, &res);
done:
	pairs_free(&items);
	submission_free(&sub);
	sbuf_free(&body);
	return status;
}

/* A JSON error naming the array index of the bad encounter. */
static int encounter_error(struct http_response *r, int status, size_t index, const char *msg)
{
	return app_element_error(r, status, "invalid", "encounter", index, msg);
}

/* POST /api/v1/encounters */
int app_api_encounters(struct app *a, const struct http_request *req,
                            struct http_response *r, const char *rest)
{
	struct principal p;
	struct sbuf body;
	struct encounters list = {0};
	cJSON *out = NULL;
	struct survey_pick pick = {0};
	char msg[512];
	int status;

	(void)rest;
	sbuf_init(&body);
	if ((status = app_require_key(a, req, r, &p)) != 0 ||
	    (status = app_query_survey(req, r, false, pick.want, sizeof pick.want)) != 0)
		goto done;
	if (!app_media_type_is(req->content_type, "application/json")) {
		http_json_error(r, status = 415, "unsupported_media_type",
		                "send the encounters as Content-Type: application/json", NULL);
		goto done;
	}
	/* A survey named is checked before the body is read. */
	if (*pick.want != '\0' && app_invite_survey(a, &pick, NULL, r) == NULL) {
		status = r->status;
		goto done;
	}
	if ((status = http_read_body(req, ENCOUNTERS_MAX_BYTES, &body)) != 0) {
		http_json_error(r, status, status == 413 ? "too_large" : "bad_request",
		                status == 413 ? "the body is larger than 4 MiB; send fewer encounters at a time"
		                              : "the body could not be read in full", NULL);
		goto done;
	}
	switch (encounters_parse(body.data, body.len, &list)) {
	case ENCOUNTERS_OK:
		break;
	case ENCOUNTERS_ERR_COUNT:
		snprintf(msg, sizeof msg, "send 1 to %d encounters at a time", ENCOUNTERS_MAX_COUNT);
		http_json_error(r, status = 422, "invalid", msg, NULL);
		goto done;
	default:
		http_json_error(r, status = 400, "malformed", "the body must be a JSON array of encounters", NULL);
		goto done;
	}
	enum store_err se = store_begin(a->store);
	if (se != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto done;
	}
	out = cJSON_CreateArray();
	time_t now = time(NULL);
	size_t i;
	for (i = 0; i < list.n; i++) {
		struct encounter e;
		struct encounter_in in = list.item[i];
		if (list.error[i] != NULL) {
			status = encounter_error(r, 422, i, list.error[i]);
			goto rollback;
		}
		if (p.role == ROLE_AGENCY && in.agency == NULL)
			in.agency = p.agency;
		if (in.agency == NULL) {
			status = encounter_error(r, 422, i, "agency is required (an evaluator key registers for any agency)");
			goto rollback;
		}
		if (p.role == ROLE_AGENCY && strcmp(in.agency, p.agency) != 0) {
			status = encounter_error(r, 403, i, "an agency key registers only its own agency's encounters");
			goto rollback;
		}
		if (!encounter_parse(&in, &e, msg, sizeof msg)) {
			status = encounter_error(r, 422, i, msg);
			goto rollback;
		}
		if ((se = encounter_store(a->store, &e, NULL, msg, sizeof msg)) != STORE_OK ||
		    (se = encounter_store_officers(a->store, &e, in.officers, msg, sizeof msg)) != STORE_OK) {
			/* A broken rule is the client's; busy or worse is not. */
			status = se == STORE_ERR_CONSTRAINT ? encounter_error(r, 422, i, msg)
			                                    : app_store_failure_json(a, r, se);
			goto rollback;
		}
		cJSON *o = app_mint_json(a, &pick, &e, now, r);
		if (o == NULL) {
			status = r->status;
			goto rollback;
		}
		cJSON_AddItemToArray(out, o);
	}
	snprintf(msg, sizeof msg, "%zu encounters", i);
	if ((se = store_audit(a->store, p.key_id, "register encounters", *pick.want ? pick.want : NULL,
	                      msg)) != STORE_OK ||
	    (se = store_commit(a->store)) != STORE_OK) {
		status = app_store_failure_json(a, r, se);
		goto rollback;
	}
	http_json(r, status = 201, out);
	out = NULL;
	goto done;
rollback:
	store_rollback(a->store);
done:
	cJSON_Delete(out);
	encounters_free(&list);
	sbuf_free(&body);
	return status;
}
