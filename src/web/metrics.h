/*
 * metrics — counters for GET /metrics in the Prometheus text format:
 * requests by route and status, a latency histogram by route, answers
 * stored by channel, and rejected submissions by reason.
 *
 * Counters live in the worker process (atomics, shared by its threads);
 * they start from zero when a worker starts, as Prometheus expects of a
 * restarted target.
 */
#ifndef MANYI_METRICS_H
#define MANYI_METRICS_H

#include "util.h"

/* Why a submission (form, JSON or import) was not stored. */
enum reject {
	REJECT_MALFORMED,     /* 400: not JSON / not a form */
	REJECT_TOO_LARGE,     /* 413 */
	REJECT_MEDIA_TYPE,    /* 415 */
	REJECT_INVALID,       /* 422: the answers break the survey's rules */
	REJECT_CSRF,          /* 403: the form's CSRF check failed */
	REJECT_HONEYPOT,      /* a bot filled the hidden field */
	REJECT_THROTTLED,     /* 429 */
	REJECT_TOKEN_UNKNOWN,
	REJECT_TOKEN_USED,
	REJECT_TOKEN_EXPIRED,
	REJECT_UNKNOWN_SURVEY,
	REJECT_OVERLOADED,     /* 503: the worker's queue was full; nothing read or stored */
	REJECT__MAX
};

/* Count one request: route is a literal route name (kept, never copied;
 * NULL, or a name after the first 23, counts as "other"), status the HTTP
 * status (one metrics does not list counts as "other"), seconds its time. */
void metrics_request(const char *route, int status, double seconds);
/* Count one stored answer from channel (one of response_channels; any
 * other counts as "other"). */
void metrics_answer(const char *channel);
/* Count one rejected submission; why out of range is ignored. */
void metrics_reject(enum reject why);
/* Append the exposition text to out. */
void metrics_render(struct sbuf *out);

#endif
