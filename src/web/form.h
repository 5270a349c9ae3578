/*
 * form — parsers for the bytes a browser sends: application/x-www-form-
 * urlencoded bodies and query strings, and the Cookie header.
 *
 * These parse untrusted input, are pure (no I/O, no globals) and have fuzz
 * drivers under tests/fuzz/.
 */
#ifndef MANYI_FORM_H
#define MANYI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "survey.h"

#define FORM_MAX_PAIRS 2000

enum form_err {
	FORM_OK,
	FORM_ERR_ESCAPE,    /* a '%' not followed by two hex digits */
	FORM_ERR_TOO_MANY,  /* more than FORM_MAX_PAIRS fields */
	FORM_ERR_NUL,       /* a decoded NUL byte */
	FORM_ERR__MAX
};

const char *form_strerror(enum form_err e);

/*
 * Decode "a=1&b=x+y&c=%E4%B8%AD" (s: len bytes, borrowed; NULL or empty
 * gives nothing) into pairs appended to *out (which the caller has
 * initialised and frees).  '+' is a space; empty segments
 * ("a=1&&b=2") are skipped; a segment without '=' is a key with an empty
 * value.  Bytes are not checked for UTF-8 here (answers_check() does).
 * On error *out may hold the pairs decoded so far.
 */
enum form_err form_parse(const char *s, size_t len, struct pairs *out);

/*
 * Look through a Cookie header (borrowed, "a=1; b=2") for the first
 * cookie-pair whose name is exactly `name` and copy its value, without
 * surrounding whitespace or double quotes, into out (capacity outlen,
 * NUL-terminated).  False when absent, when the value does not fit, when
 * it holds a control character or a double quote (treated as absent), or
 * when header, name or out is NULL.
 */
bool cookie_get(const char *header, const char *name, char *out, size_t outlen);

#endif
