/*
 * util — small things every module needs: allocation that cannot fail,
 * a growable byte buffer, UTF-8 checks, the checks of ids, codes and dates,
 * percent-decoding, integers from text, times (ISO 8601, clock-aligned
 * windows, civil days) and CSV fields.
 *
 * Allocation wrappers abort the process on out-of-memory, so callers never
 * test for NULL.  Every size a client controls must be capped by the caller
 * before it reaches these functions.
 */
#ifndef MANYI_UTIL_H
#define MANYI_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Like malloc/calloc/realloc/strdup, but abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Copy of the first n bytes of s, NUL-terminated. Caller frees. */
char *xstrndup(const char *s, size_t n);
/*
 * Room for one more element in the array v of *cap elements of size bytes,
 * n of them in use: when n == *cap, v grows (to first elements, then
 * doubling) and *cap says so.  Returns v, perhaps moved (as realloc).
 */
void *xgrow(void *v, size_t n, size_t *cap, size_t size, size_t first);

/*
 * qsort(base, n, size, cmp), save that an empty array may be NULL: C does
 * not let qsort be given a null pointer even for no elements (UBSan's
 * "null pointer passed as argument 1"), and a list read from an empty
 * table is one.
 */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* printf into a new string. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A growable buffer of bytes, always NUL-terminated after sbuf_init().
 * The struct is owned by the caller; sbuf_free() releases the bytes.
 */
struct sbuf {
	char *data;
	size_t len;
	size_t cap;
};

void sbuf_init(struct sbuf *b);
/* Free the bytes (not b); accepts NULL.  sbuf_init() b before using it again. */
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (who frees them with free()); b is left
 * holding nothing, as after sbuf_free(). */
char *sbuf_detach(struct sbuf *b);

/*
 * Decode the code point at s (n >= 1 bytes left) into *cp; returns the
 * length of its sequence, or 0 when the bytes there are no well-formed
 * UTF-8 (overlong, surrogate, above U+10FFFF, truncated).
 */
size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp);
/*
 * A code point that changes how text around it displays rather than
 * showing itself: C1 controls (U+0080-U+009F) and the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069), with which "gpj.exe" can be made to read "exe.jpg".
 */
bool utf8_is_display_control(unsigned long cp);
/* True when the n bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t utf8_length(const char *s, size_t n);
/* True when the n bytes at s contain a C0 control other than TAB/LF/CR,
 * DEL, or a C1 control, or are not well-formed UTF-8. */
bool utf8_has_controls(const char *s, size_t n);

/* True when s matches the item id rule [a-z][a-z0-9_]{0,63}. */
bool ident_valid(const char *s);
/* True when s matches [a-z0-9-]{1,64} (survey ids). */
bool slug_valid(const char *s);
/* True when s matches [A-Za-z0-9_.-]{1,64} (registry codes). */
bool code_valid(const char *s);

/* True when s is a real calendar date written YYYY-MM-DD (years 1900-2999). */
bool date_valid(const char *s);

/*
 * Decode the n bytes at s as a query string or urlencoded form writes them
 * ('+' a space, %XX an octet) into out, which has room for n + 1 bytes;
 * *outlen gets the decoded length and out is NUL-terminated.  A '%' not
 * followed by two hexadecimal digits, or a decoded NUL, is refused.
 */
enum pct_err { PCT_OK, PCT_ERR_ESCAPE, PCT_ERR_NUL };
enum pct_err pct_decode(const char *s, size_t n, char *out, size_t *outlen);

/* Parse a whole decimal integer in [min, max]; false on any junk. */
bool parse_long(const char *s, long min, long max, long *out);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void time_now_iso(char *buf, size_t n);
/* t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (>= 21 bytes). */
void time_iso(char *buf, size_t n, time_t t);
/* t rounded down to a multiple of grain seconds (grain > 0). */
time_t time_grain(time_t t, long grain);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian; any year). */
long long days_from_civil(long long y, int m, int d);
/* Back from days since 1970-01-01 to the civil date. */
void civil_from_days(long long days, long long *y, int *m, int *d);
/* Days since 1970-01-01 of "YYYY-MM-DD" (nothing after it); false when s is not one. */
bool day_parse(const char *s, long long *days);
/* days as "YYYY-MM-DD" into out (>= 11 bytes). */
void day_format(long long days, char *out, size_t n);

/*
 * Append s (len bytes) to b as one RFC 4180 field: quoted when it holds a
 * comma, quote, CR or LF.  With guard, text that Excel or WPS would run as
 * a formula (csv_formula_risk()) gets a leading apostrophe, so it opens as
 * the text it is.
 */
void csv_field(struct sbuf *b, const char *s, size_t len, bool guard);
/* True when a spreadsheet could take s for a formula: = + - @ TAB or CR first. */
bool csv_formula_risk(const char *s);

#endif
