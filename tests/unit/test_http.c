/* http: query parameters (found, decoded, malformed, too long for the
 * buffer), bodies read with a cap (Content-Length too large refused before
 * reading, a body without one cut off at the cap, short and long bodies,
 * a reader that fails), response headers with CR or LF refused (the process
 * aborts rather than split a header) and cookie values with them ignored,
 * the JSON error shape. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "form.h"
#include "http.h"
#include "manyi_init.h"
#include "util.h"

/* ---- query parameters -------------------------------------------------- */

static const struct {
	const char *query;
	const char *name;
	size_t cap;       /* the buffer */
	const char *want; /* NULL: not found */
	bool has;         /* http_query_has() */
} query_cases[] = {
	{"a=1&b=2", "b", 64, "2", true},
	{"a=1&b=2", "a", 64, "1", true},
	{"a=1&b=2", "c", 64, NULL, false},
	{"ab=1", "a", 64, NULL, false},
	{"a=x+y", "a", 64, "x y", true},
	{"a=%E4%B8%AD%e6%96%87", "a", 64, "\xe4\xb8\xad\xe6\x96\x87", true},
	{"a%5Fb=1", "a_b", 64, "1", true},          /* names are decoded too */
	{"a=%2B%26%3D", "a", 64, "+&=", true},
	{"a", "a", 64, "", true},                   /* no '=': an empty value */
	{"a=", "a", 64, "", true},
	{"&&a=1&&", "a", 64, "1", true},
	{"a=1&a=2", "a", 64, "1", true},            /* the first (params refuses repeats) */
	{"a=12345", "a", 6, "12345", true},         /* fits with its NUL */
	{"a=123456", "a", 6, NULL, true},           /* does not */
	{"a=%zz&b=1", "b", 64, NULL, true},         /* a malformed query gives nothing */
	{"a=%zz", "a", 64, NULL, true},             /* ... yet the name is there */
	{"a=%00", "a", 64, NULL, true},
	{"a=%0D%0ASet-Cookie:x", "a", 64, "\r\nSet-Cookie:x", true}, /* decoded as it is */
	{"", "a", 64, NULL, false},
};

static void query_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(query_cases); i++) {
		char out[64];
		memset(out, 'x', sizeof out);
		bool found = http_query_get(query_cases[i].query, query_cases[i].name, out,
		                            query_cases[i].cap);
		if (found != (query_cases[i].want != NULL) ||
		    (found && strcmp(out, query_cases[i].want) != 0))
			fail_msg("http_query_get(\"%s\", \"%s\")", query_cases[i].query, query_cases[i].name);
		if (!found && query_cases[i].cap < sizeof out)
			assert_int_equal(out[query_cases[i].cap - 1], 'x'); /* nothing written past */
		if (http_query_has(query_cases[i].query, query_cases[i].name) != query_cases[i].has)
			fail_msg("http_query_has(\"%s\", \"%s\")", query_cases[i].query, query_cases[i].name);
	}
	char out[8];
	assert_false(http_query_get(NULL, "a", out, sizeof out));
	assert_false(http_query_has(NULL, "a"));
}

/* ---- bodies ------------------------------------------------------------ */

/* A body handed out `chunk` bytes at a time; fails at byte `fail_at` (-1 never). */
struct body {
	const char *data;
	size_t len, off, chunk;
	long fail_at;
	int reads;
};

static long body_read(void *ctx, char *buf, size_t n)
{
	struct body *b = ctx;
	b->reads++;
	if (b->fail_at >= 0 && b->off >= (size_t)b->fail_at)
		return -1;
	size_t k = b->len - b->off;
	if (k > b->chunk)
		k = b->chunk;
	if (k > n)
		k = n;
	memcpy(buf, b->data + b->off, k);
	b->off += k;
	return (long)k;
}

static void body_table(void **state)
{
	(void)state;
	static char big[40000];
	memset(big, 'b', sizeof big);
	static const struct {
		const char *what;
		size_t len;         /* bytes the client sends (from big) */
		long content_length;
		size_t cap;
		size_t chunk;
		long fail_at;
		int status;
		bool no_read;       /* refused before reading */
	} t[] = {
		{"as long as it says", 100, 100, 1000, 7, -1, 0, false},
		{"empty", 0, 0, 1000, 7, -1, 0, false},
		{"exactly the cap", 1000, 1000, 1000, 1000, -1, 0, false},
		{"over the cap by its length", 1001, 1001, 1000, 1000, -1, 413, true},
		{"far over the cap by its length", 10, 1L << 40, 1000, 10, -1, 413, true},
		{"no length, under the cap", 900, -1, 1000, 1, -1, 0, false},
		{"no length, at the cap", 1000, -1, 1000, 3, -1, 0, false},
		{"no length, over the cap", 1001, -1, 1000, 3, -1, 413, false},
		{"no length, far over, large reads", 40000, -1, 1000, 40000, -1, 413, false},
		{"shorter than it says", 50, 100, 1000, 7, -1, 400, false},
		{"longer than it says", 150, 100, 1000, 7, -1, 400, false},
		{"longer than it says, past the cap", 2000, 100, 1000, 7, -1, 413, false},
		{"the reader fails", 100, 100, 1000, 7, 50, 400, false},
		{"the reader fails at once", 100, -1, 1000, 7, 0, 400, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct body b = {.data = big, .len = t[i].len, .chunk = t[i].chunk,
		                 .fail_at = t[i].fail_at};
		struct http_request req = {.content_length = t[i].content_length,
		                           .read = body_read, .read_ctx = &b};
		struct sbuf out;
		sbuf_init(&out);
		int status = http_read_body(&req, t[i].cap, &out);
		if (status != t[i].status)
			fail_msg("%s: status %d, want %d", t[i].what, status, t[i].status);
		if (t[i].no_read && b.reads != 0)
			fail_msg("%s: read before refusing", t[i].what);
		assert_true(out.len <= t[i].cap);
		if (status == 0) {
			assert_int_equal(out.len, t[i].len);
			assert_true(out.len == 0 || memcmp(out.data, big, out.len) == 0);
		}
		sbuf_free(&out);
	}
}

/* ---- headers ----------------------------------------------------------- */

/* Does http_header(name, value) abort?  (Run in a child.) */
static bool header_aborts(const char *name, const char *value)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct http_response r;
		http_response_init(&r);
		/* Keep the child's message out of the TAP output. */
		freopen("/dev/null", "w", stderr);
		http_header(&r, name, value);
		http_response_free(&r);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static void header_values(void **state)
{
	(void)state;
	static const struct {
		const char *name, *value;
		bool refused;
	} t[] = {
		{"Retry-After", "60", false},
		{"Content-Disposition", "attachment; filename=\"x.csv\"", false},
		{"X-Empty", "", false},
		{"X-Tab", "a\tb", false},
		{"Location", "/s/x\r\nSet-Cookie: a=b", true},
		{"Location", "/s/x\nSet-Cookie: a=b", true},
		{"Location", "/s/x\r", true},
		{"Location", "\n", true},
		{"X-A\r\nSet-Cookie", "a", true},
		{"X-A: b", "c", true},
		{"X-A\n", "c", true},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (header_aborts(t[i].name, t[i].value) != t[i].refused)
			fail_msg("http_header(\"%s\", ...) case %zu", t[i].name, i);

	struct http_response r;
	http_response_init(&r);
	http_header(&r, "Retry-After", "60");
	http_header(&r, "X-B", "");
	assert_string_equal(r.headers.data, "Retry-After: 60\r\nX-B: \r\n");
	http_response_free(&r);
	http_response_free(&r); /* twice is harmless */
}

/* Cookie values with control characters (CR, LF among them) are not taken. */
static void cookie_values(void **state)
{
	(void)state;
	static const struct {
		const char *header, *name, *want;
	} t[] = {
		{"a=1; manyi_csrf=abc", "manyi_csrf", "abc"},
		{"manyi_csrf=\"abc\"", "manyi_csrf", "abc"},
		{"manyi_csrf=ab\r\nSet-Cookie: x=y", "manyi_csrf", NULL},
		{"manyi_csrf=ab\ncd", "manyi_csrf", NULL},
		{"manyi_csrf=ab\x01", "manyi_csrf", NULL},
		{"manyi_csrf=a\"b", "manyi_csrf", NULL},
		{"x\r\nmanyi_csrf=abc", "manyi_csrf", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char out[64];
		bool found = cookie_get(t[i].header, t[i].name, out, sizeof out);
		if (found != (t[i].want != NULL) || (found && strcmp(out, t[i].want) != 0))
			fail_msg("cookie_get case %zu", i);
	}
}

/* ---- JSON errors ------------------------------------------------------- */

static void json_error_shape(void **state)
{
	(void)state;
	struct http_response r;
	http_response_init(&r);
	assert_non_null(strstr(r.content_type, "charset=utf-8"));
	cJSON *fields = cJSON_CreateArray();
	cJSON_AddItemToArray(fields, cJSON_CreateString("x"));
	http_json_error(&r, 422, "invalid", "a \"quoted\"\nmessage \xe4\xb8\xad", fields);
	assert_int_equal(r.status, 422);
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	assert_int_equal(r.body.data[r.body.len - 1], '\n');
	cJSON *j = cJSON_Parse(r.body.data);
	assert_non_null(j);
	cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring, "invalid");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring,
	                    "a \"quoted\"\nmessage \xe4\xb8\xad");
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(e, "fields")));
	cJSON_Delete(j);
	/* A second body replaces the first. */
	http_json_error(&r, 400, "malformed", "m", NULL);
	j = cJSON_Parse(r.body.data);
	assert_non_null(j);
	assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"),
	                                             "fields"));
	cJSON_Delete(j);
	http_response_free(&r);

	static const int known[] = {200, 201, 204, 303, 304, 400, 401, 403, 404, 405,
	                            409, 410, 413, 415, 422, 429, 500, 503};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		assert_string_not_equal(http_reason(known[i]), "Unknown");
	assert_string_equal(http_reason(299), "Unknown");
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_table),
		cmocka_unit_test(body_table),
		cmocka_unit_test(header_values),
		cmocka_unit_test(cookie_values),
		cmocka_unit_test(json_error_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
