/*
 * submit — the JSON body of POST /api/v1/responses (CONTRACT §4):
 *
 *   {"survey": "enforcement-enterprise", "token": "...", "agency": "A01",
 *    "domain": "market", "answers": {"legality": 5, "impact": "none",
 *    "problems": ["delay", "fees"], "comment": "...", "civility": "na"}}
 *
 * Parsing happens in two steps, both pure (no I/O, no globals) and fuzzed:
 * submit_parse() checks the envelope; submit_answers() checks the JSON types
 * of the answers against the survey and reduces them to struct pairs for
 * answers_check() (survey.h), which applies the survey's rules.
 *
 * JSON types accepted per item type:
 *   scale   an integer number, or the string "na", or null (= not answered)
 *   choice  a string, or null
 *   multi   an array of strings (may be empty), or null
 *   text    a string, or null
 * Unknown top-level members are ignored; unknown answer keys are reported
 * by answers_check() as ANSWER_UNKNOWN_ITEM.
 */
#ifndef MANYI_SUBMIT_H
#define MANYI_SUBMIT_H

#include <stddef.h>

#include "survey.h"

struct cJSON;

struct submission {
	char *survey;          /* required, owned */
	char *token;           /* optional, owned, NULL when absent */
	char *agency;          /* optional, owned */
	char *domain;          /* optional, owned */
	struct cJSON *root;    /* the parsed body, owned */
	const struct cJSON *answers; /* the "answers" object, borrowed from root */
};

enum submit_err {
	SUBMIT_OK,
	SUBMIT_ERR_JSON,      /* not JSON, or not valid UTF-8 */
	SUBMIT_ERR_SHAPE,     /* JSON, but not the envelope above; msg says which member */
	SUBMIT_ERR__MAX
};

/*
 * Parse body (len bytes, borrowed, not necessarily NUL-terminated) and
 * check the envelope.  On success *out owns the cJSON tree and copies of
 * the envelope strings (release with submission_free()).  On failure msg
 * (capacity msglen) names the problem, e.g. "member \"answers\" must be an
 * object", and *out is zeroed: nothing to free.
 */
enum submit_err submit_parse(const char *body, size_t len,
                             struct submission *out, char *msg, size_t msglen);
/* Release what s owns and zero it; accepts NULL and a zeroed struct. */
void submission_free(struct submission *s);

/*
 * Convert sub->answers (borrowed, walked in order) into pairs (appended to
 * *out, caller-initialised) following the type table above; sub NULL or
 * without answers appends nothing.  A type mismatch is recorded in errs as
 * ANSWER_WRONG_TYPE against the item (pointer borrowed from the survey).
 * A key that names no item is passed on as the pair (key, "") so that
 * answers_check() reports it.  Strings that are not valid UTF-8 or hold
 * NUL cannot reach here (submit_parse() rejects the body).
 */
void submit_answers(const struct survey *s, const struct submission *sub,
                    struct pairs *out, struct answer_errors *errs);

#endif
