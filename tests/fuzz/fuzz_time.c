/*
 * libFuzzer shim for the time and date parsers: iso8601_to_utc() (the
 * responses import's submitted_at, with its offset) and date_valid().
 * Checks: an accepted time comes out as "YYYY-MM-DDTHH:MM:SSZ", at most
 * 14 hours from the clock time written, and reads back as itself; a buffer
 * too small is refused, not overrun; an accepted date is a real day that
 * days_from_civil() and gmtime() agree on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "responses.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS" (no checks). */
static long long seconds(const char *s)
{
	return days_from_civil(atoi(s), atoi(s + 5), atoi(s + 8)) * 86400LL +
	       atoi(s + 11) * 3600LL + atoi(s + 14) * 60LL + atoi(s + 17);
}

static void check_time(const char *s)
{
	char out[32], again[32], tiny[8];

	memset(out, 'x', sizeof out);
	if (!iso8601_to_utc(s, out, sizeof out))
		return;
	if (strlen(out) != 20 || !digits(out, 4) || out[4] != '-' || !digits(out + 5, 2) ||
	    out[7] != '-' || !digits(out + 8, 2) || out[10] != 'T' || !digits(out + 11, 2) ||
	    out[13] != ':' || !digits(out + 14, 2) || out[16] != ':' || !digits(out + 17, 2) ||
	    out[19] != 'Z')
		abort();
	/* The clock time written, leap second and all, is within 14 h of UTC. */
	long long d = seconds(out) - seconds(s);
	if (d < -14 * 3600LL || d > 14 * 3600LL + 1)
		abort();
	if (!iso8601_to_utc(out, again, sizeof again) || strcmp(again, out) != 0)
		abort();
	memset(tiny, 'x', sizeof tiny);
	if (iso8601_to_utc(s, tiny, sizeof tiny))
		abort();
}

static void check_date(const char *s)
{
	char back[48];
	if (!date_valid(s))
		return;
	long long days = days_from_civil(atoi(s), atoi(s + 5), atoi(s + 8));
	time_t t = (time_t)(days * 86400LL);
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		abort();
	snprintf(back, sizeof back, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (strcmp(back, s) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	check_time(s);
	check_date(s);
	/* The date part of a time alone, as the time parser reads it. */
	if (strlen(s) > 10) {
		s[10] = '\0';
		check_date(s);
	}
	free(s);
	return 0;
}
