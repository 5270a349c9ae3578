/*
 * intake — the one path of an answer, whatever its transport: token,
 * throttle, context, validation, store, counters.  See app_internal.h.
 */
#include <stdio.h>
#include <string.h>

#include "app_internal.h"
#include "integrity_web.h"

/* The agency-key refusal, the token and the hourly limit, in that order. */
static bool intake_admit(struct app *a, const struct intake *in, struct intake_result *res)
{
	/*
	 * An agency key never answers (an agency does not rate itself), with
	 * a token or without: refused before the token is looked at, so that
	 * the reply to an agency key never says whether one of its encounters
	 * was rated.
	 */
	if (in->principal != NULL && in->principal->role != ROLE_EVALUATOR) {
		res->outcome = INTAKE_FORBIDDEN;
		return false;
	}
	if (in->token != NULL && *in->token != '\0') {
		struct invitation inv;
		unsigned char hash[32] = {0}, none[32] = {0};
		enum invite_state st = app_resolve_token(a, in->addr, in->survey->id, in->token, in->now,
		                                         &inv, hash, &res->retry_after);
		if (res->retry_after > 0) {
			res->outcome = INTAKE_TOKEN_THROTTLED;
			return false;
		}
		/* A token of another survey: say which (its holder knows the token). */
		if (st == INVITE_UNKNOWN && memcmp(hash, none, sizeof hash) != 0 &&
		    store_invitation_get(a->store, hash, &inv) == STORE_OK)
			snprintf(res->token_survey, sizeof res->token_survey, "%s", inv.survey);
		if (st == INVITE_VALID) {
			enum store_err e = store_encounter_get(a->store, inv.encounter, &res->encounter);
			if (e == STORE_ERR_NOTFOUND)
				st = INVITE_UNKNOWN;
			else if (e != STORE_OK)
				st = e == STORE_ERR_BUSY ? INVITE_BUSY : INVITE_FAILED;
		}
		switch (st) {
		case INVITE_VALID: break;
		case INVITE_USED:
		case INVITE_ANSWERED: res->outcome = INTAKE_TOKEN_USED; return false;
		case INVITE_EXPIRED: res->outcome = INTAKE_TOKEN_EXPIRED; return false;
		case INVITE_BUSY: res->outcome = INTAKE_BUSY; res->err = STORE_ERR_BUSY; return false;
		case INVITE_FAILED: res->outcome = INTAKE_FAILED; res->err = STORE_ERR_SQL; return false;
		default: res->outcome = INTAKE_TOKEN_UNKNOWN; return false;
		}
		res->invited = true;
		res->inv = inv;
		memcpy(res->hash, hash, sizeof hash);
		return true;
	}
	/*
	 * An answer without an invitation is the public channel: at most so
	 * many an hour from one address, so that nobody can pad an agency's
	 * ratings by script.  An app that posts for many people from one
	 * server uses an evaluator key.
	 */
	if (in->principal == NULL &&
	    !throttle_allowed(a->throttle, THROTTLE_PUBLIC, in->addr, in->now, &res->retry_after)) {
		res->outcome = INTAKE_THROTTLED;
		return false;
	}
	return true;
}

/* The respondent's context (public channel), the transport's and the survey's rules. */
static bool intake_validate(struct app *a, const struct intake *in, struct intake_result *res,
                            struct answers *ans)
{
	struct answer_errors check = {.n = 0};
	res->errs.n = 0;
	if (!res->invited) {
		enum store_err e = app_check_context(a, in->agency, in->domain,
		                                     in->agency_field ? in->agency_field : "agency",
		                                     in->domain_field ? in->domain_field : "domain", &res->errs,
		                                     res->refused, sizeof res->refused);
		if (e != STORE_OK) {
			res->err = e;
			res->outcome = e == STORE_ERR_BUSY ? INTAKE_BUSY : INTAKE_FAILED;
			return false;
		}
	}
	if (in->transport_errs != NULL)
		app_errors_merge(&res->errs, in->transport_errs);
	answers_check(in->survey, in->answers, in->ignore_unknown, ans, &check);
	app_errors_merge(&res->errs, &check);
	if (res->errs.n == 0)
		return true;
	res->outcome = INTAKE_INVALID;
	return false;
}

/*
 * The answer's integrity flags (integrity_web.h): never a reason to refuse
 * it — when the agency's networks cannot be read now, it goes on with the
 * flags found so far, and the log says so (without the address).
 */
static void intake_flags(struct app *a, const struct intake *in, const struct intake_result *res,
                         const struct answers *ans, struct integrity_flags *flags,
                         struct integrity_marks *marks)
{
	struct integrity_signals sig = {
		.addr = in->addr, .user_agent = in->user_agent, .accept_language = in->accept_language,
		.now = in->now, .rendered = in->rendered, .keyed = in->principal != NULL,
		.agency = res->invited ? res->encounter.agency : in->agency,
		.occurred_on = res->invited ? res->encounter.occurred_on : NULL,
	};
	if (integrity_signals_flags(a->store, a->integrity, &sig, ans, flags, marks) != STORE_OK)
		fprintf(stderr, "manyi: integrity: the agency's networks could not be read (%s); "
		        "the answer is stored without that rule\n", store_errmsg(a->store));
}

void app_intake(struct app *a, const struct intake *in, struct intake_result *res)
{
	struct answers ans = {0};
	memset(res, 0, sizeof *res);
	res->outcome = INTAKE_FAILED;
	res->err = STORE_ERR_SQL;

	/* A retry of an answer already stored gets the first answer's reply,
	 * before any rule that the first answer itself now breaks (a used
	 * token, the hourly limit). */
	if (in->idem != NULL) {
		if ((res->err = app_idem_lookup(a, in->idem)) != STORE_OK) {
			res->outcome = res->err == STORE_ERR_BUSY ? INTAKE_BUSY : INTAKE_FAILED;
			return;
		}
		if (in->idem->found)
			goto replayed;
	}
	if (!intake_admit(a, in, res) || !intake_validate(a, in, res, &ans))
		goto done;

	/* A form render's mark matters on the public channel only: an
	 * invitation is answered once anyway. */
	const unsigned char *once = res->invited ? NULL : in->once;
	struct integrity_flags flags;
	struct integrity_marks marks;
	intake_flags(a, in, res, &ans, &flags, &marks);
	enum store_err e = app_store_answer(a, in->survey, in->version,
	                                    res->invited ? &res->inv : NULL, res->hash, once, in->idem,
	                                    in->agency, in->domain, in->channel, &ans, res->public_id,
	                                    sizeof res->public_id, in->phone, &res->followup, &flags);
	if (e == STORE_OK && in->idem != NULL && in->idem->found)
		goto replayed;
	if (e == STORE_ERR_CONSTRAINT && (res->invited || once != NULL)) {
		res->outcome = res->invited ? INTAKE_TOKEN_USED : INTAKE_REPEATED;
		goto done;
	}
	if (e != STORE_OK) {
		res->err = e;
		res->outcome = e == STORE_ERR_BUSY ? INTAKE_BUSY : INTAKE_FAILED;
		goto done;
	}
	if (!res->invited && in->principal == NULL)
		throttle_count(a->throttle, THROTTLE_PUBLIC, in->addr, in->now);
	/* Its id, in memory only, so that a burst it begins can reach back to it. */
	integrity_counts_note(a->integrity, &marks, flags.resp);
	res->outcome = INTAKE_STORED;
	goto done;
replayed:
	res->outcome = in->idem->same_body ? INTAKE_REPLAYED : INTAKE_KEY_REUSED;
	snprintf(res->public_id, sizeof res->public_id, "%s", in->idem->public_id);
done:
	answers_free(&ans);
}
