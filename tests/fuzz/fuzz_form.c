/*
 * libFuzzer shim for form.c: the same bytes as an urlencoded body and as a
 * Cookie header.  Checks what the parsers promise: decoded pairs hold no
 * NUL and are no longer than the input, at most FORM_MAX_PAIRS of them; a
 * cookie value found fits its buffer and holds no control character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const cookie_names[] = {"manyi_csrf", "a", "sid", "", "x y"};

/* Look up every name in header with a large and a tiny buffer. */
static void fuzz_cookies(const char *header, const char *extra)
{
	char out[256], tiny[4];

	for (size_t i = 0; i <= ARRAY_SIZE(cookie_names); i++) {
		const char *name = i < ARRAY_SIZE(cookie_names) ? cookie_names[i] : extra;
		if (cookie_get(header, name, out, sizeof(out))) {
			size_t n = strlen(out);
			if (n >= sizeof(out))
				abort();
			for (size_t k = 0; k < n; k++)
				if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f)
					abort();
		}
		if (cookie_get(header, name, tiny, sizeof(tiny)) && strlen(tiny) >= sizeof(tiny))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pairs p;
	enum form_err e;
	char *text, *name;
	size_t namelen = 0;

	pairs_init(&p);
	e = form_parse((const char *)data, size, &p);
	if (e >= FORM_ERR__MAX || p.n > FORM_MAX_PAIRS)
		abort();
	for (size_t i = 0; i < p.n; i++)
		if (strlen(p.v[i].key) > size || strlen(p.v[i].value) > size)
			abort();
	if (e == FORM_OK && memchr(data, '\0', size) != NULL)
		abort();
	pairs_free(&p);

	text = xstrndup((const char *)data, size);
	/* A name taken from the input, so matches happen. */
	while (namelen < size && namelen < 16 && data[namelen] != '=' && data[namelen] != '\0')
		namelen++;
	name = xstrndup((const char *)data, namelen);
	fuzz_cookies(text, name);
	free(name);
	free(text);
	return 0;
}
