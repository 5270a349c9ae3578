/* form — see form.h. */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

static const char *const form_errors[FORM_ERR__MAX] = {
    [FORM_OK] = "success",
    [FORM_ERR_ESCAPE] = "a '%' that is not followed by two hexadecimal digits",
    [FORM_ERR_TOO_MANY] = "more than " STR(FORM_MAX_PAIRS) " form fields",
    [FORM_ERR_NUL] = "a NUL byte in a form field",
};

const char *form_strerror(enum form_err e)
{
	if ((unsigned)e >= FORM_ERR__MAX)
		return "unknown form error";
	return form_errors[e];
}

/* Decode n bytes at s into out (room for n + 1); see pct_decode(). */
static enum form_err form_decode(const char *s, size_t n, char *out, size_t *outlen)
{
	switch (pct_decode(s, n, out, outlen)) {
	case PCT_OK:
		return FORM_OK;
	case PCT_ERR_NUL:
		return FORM_ERR_NUL;
	default:
		return FORM_ERR_ESCAPE;
	}
}

/* See form.h.  Two scratch buffers of len + 1 bytes hold a segment's
 * decoded key and value. */
enum form_err form_parse(const char *s, size_t len, struct pairs *out)
{
	enum form_err err = FORM_OK;
	char *key = NULL, *val = NULL;
	size_t count = 0, pos = 0;

	if (s == NULL || len == 0)
		return FORM_OK;
	key = xmalloc(len + 1);
	val = xmalloc(len + 1);
	while (pos < len) {
		const char *seg = s + pos;
		const char *amp = memchr(seg, '&', len - pos);
		size_t seglen = amp ? (size_t)(amp - seg) : len - pos;
		const char *eq;
		size_t klen, vlen, keylen, vallen;

		pos += seglen + 1;
		if (seglen == 0)
			continue;
		if (++count > FORM_MAX_PAIRS) {
			err = FORM_ERR_TOO_MANY;
			goto out;
		}
		eq = memchr(seg, '=', seglen);
		klen = eq ? (size_t)(eq - seg) : seglen;
		vlen = eq ? seglen - klen - 1 : 0;
		err = form_decode(seg, klen, key, &keylen);
		if (err != FORM_OK)
			goto out;
		err = form_decode(eq ? eq + 1 : seg + seglen, vlen, val, &vallen);
		if (err != FORM_OK)
			goto out;
		pairs_addn(out, key, val, vallen);
	}
out:
	free(val);
	free(key);
	return err;
}

static bool cookie_space(char c)
{
	return c == ' ' || c == '\t';
}

/* See form.h. */
bool cookie_get(const char *header, const char *name, char *out, size_t outlen)
{
	size_t namelen;
	const char *p;

	if (header == NULL || name == NULL || out == NULL || outlen == 0)
		return false;
	namelen = strlen(name);
	if (namelen == 0)
		return false;
	p = header;
	while (*p != '\0') {
		const char *end = strchr(p, ';');
		const char *k, *ke, *v, *ve, *eq;

		if (end == NULL)
			end = p + strlen(p);
		k = p;
		p = *end ? end + 1 : end;
		while (k < end && cookie_space(*k))
			k++;
		eq = memchr(k, '=', (size_t)(end - k));
		if (eq == NULL)
			continue;
		ke = eq;
		while (ke > k && cookie_space(ke[-1]))
			ke--;
		if ((size_t)(ke - k) != namelen || memcmp(k, name, namelen) != 0)
			continue;
		v = eq + 1;
		ve = end;
		while (v < ve && cookie_space(*v))
			v++;
		while (ve > v && cookie_space(ve[-1]))
			ve--;
		if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
			v++;
			ve--;
		}
		for (const char *q = v; q < ve; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f || *q == '"')
				return false;
		if ((size_t)(ve - v) + 1 > outlen)
			return false;
		memcpy(out, v, (size_t)(ve - v));
		out[ve - v] = '\0';
		return true;
	}
	return false;
}
