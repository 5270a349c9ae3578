/*
 * libFuzzer shim for the integrity parsers of untrusted bytes: the form's
 * render stamp (_n, integrity_stamp_check) and networks
 * (integrity_cidr_parse, integrity_cidr_match with the bytes as an
 * address).  Checks: a stamp this key did not make is refused, and one it
 * made of the same time is accepted with that time; an accepted network's
 * canonical form parses to itself and contains its own address; an
 * address is in 0.0.0.0/0 or in ::/0, never both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integrity.h"
#include "integrity_web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[32] = {7, 1, 6};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (strlen(s) != size) { /* a NUL inside: the form never passes one */
		free(s);
		return 0;
	}
	time_t t;
	/* Without the key's MAC nothing is believed. */
	if (integrity_stamp_check(key, "survey", s, &t))
		abort();
	char made[INTEGRITY_STAMP_LEN];
	integrity_stamp_make(key, "survey", 1800000000, made);
	if (!integrity_stamp_check(key, "survey", made, &t) || t != 1800000000)
		abort();

	char canon[64], again[64];
	if (integrity_cidr_parse(s, canon, sizeof canon)) {
		if (!integrity_cidr_parse(canon, again, sizeof again) || strcmp(canon, again) != 0)
			abort();
		char addr[64];
		memcpy(addr, canon, sizeof addr);
		*strchr(addr, '/') = '\0';
		if (!integrity_cidr_match(canon, addr))
			abort();
	}
	/* An address is of one family: never in both the v4 and the v6 whole. */
	if (integrity_cidr_match("0.0.0.0/0", s) && integrity_cidr_match("::/0", s))
		abort();
	free(s);
	return 0;
}
