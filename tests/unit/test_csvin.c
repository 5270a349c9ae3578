/* Unit tests for csvin.c: CSV reading, line numbers, limits, messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "util.h"

/* Collects the header and rows as "LINE:f1|f2|...\n". */
struct collect {
	struct sbuf out;
	size_t stop_at; /* stop (return false) at this record line, 0: never */
	size_t rows;
};

static void describe(struct sbuf *b, const struct csvin_row *r)
{
	sbuf_printf(b, "%zu:", r->line);
	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(strlen(r->field[i]), r->len[i]);
		sbuf_printf(b, "%s%s", i ? "|" : "", r->field[i]);
	}
	sbuf_addc(b, '\n');
}

static bool collect_row(void *ctx, const struct csvin_row *header, const struct csvin_row *row,
                        char *msg, size_t msglen)
{
	struct collect *c = ctx;

	if (c->rows++ == 0)
		describe(&c->out, header);
	assert_int_equal(header->n, row->n);
	if (c->stop_at != 0 && row->line == c->stop_at) {
		snprintf(msg, msglen, "stopped at %zu", row->line);
		return false;
	}
	describe(&c->out, row);
	return true;
}

/* Run csvin_read over n bytes of s; fill c, *line, msg. */
static enum csvin_err read_mem(const char *s, size_t n, struct collect *c, size_t *line, char *msg,
                               size_t msglen)
{
	FILE *fp = fmemopen((void *)s, n, "rb");
	enum csvin_err e;

	assert_non_null(fp);
	e = csvin_read(fp, collect_row, c, line, msg, msglen);
	fclose(fp);
	return e;
}

struct csv_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum csvin_err err;
	size_t errline;   /* when err != CSVIN_OK */
	const char *want; /* rows (the header first) when OK, else a piece of msg */
};

static const struct csv_case csv_cases[] = {
    /* valid */
    {"a,b\n1,2\n", 0, CSVIN_OK, 0, "1:a|b\n2:1|2\n"},
    {"a,b\n1,2", 0, CSVIN_OK, 0, "1:a|b\n2:1|2\n"},
    {"a,b\r\n1,2\r\n", 0, CSVIN_OK, 0, "1:a|b\n2:1|2\n"},
    {"a,b\r\n1,2\r\n3,4", 0, CSVIN_OK, 0, "1:a|b\n2:1|2\n3:3|4\n"},
    {"a,b\r1,2\r", 0, CSVIN_OK, 0, "1:a|b\n2:1|2\n"},
    {"\xEF\xBB\xBF"
     "a,b\n1,2\n",
     0, CSVIN_OK, 0, "1:a|b\n2:1|2\n"},
    {"a,b\n\n1,2\n\n\n3,4\n\n", 0, CSVIN_OK, 0, "1:a|b\n3:1|2\n6:3|4\n"},
    {"a,b\r\n\r\n1,2\r\n", 0, CSVIN_OK, 0, "1:a|b\n3:1|2\n"},
    {"a,b\n1,\"x\ny\"\n5,6\n", 0, CSVIN_OK, 0, "1:a|b\n2:1|x\ny\n4:5|6\n"},
    {"h1,h2\nx,y\n\"a\nb\",c\nd,e\n", 0, CSVIN_OK, 0, "1:h1|h2\n2:x|y\n3:a\nb|c\n5:d|e\n"},
    {"a,b\r\n\"1\r\n2\r\n3\",\"\r\"\r\n4,5\r\n", 0, CSVIN_OK, 0,
     "1:a|b\n2:1\r\n2\r\n3|\r\n6:4|5\n"},
    {"a,b\n\"x\"\"y\",\"\"\n", 0, CSVIN_OK, 0, "1:a|b\n2:x\"y|\n"},
    {"a,b\n,\n", 0, CSVIN_OK, 0, "1:a|b\n2:|\n"},
    {"a,b\n, \n", 0, CSVIN_OK, 0, "1:a|b\n2:| \n"},
    {"a,b\n  x , y \n", 0, CSVIN_OK, 0, "1:a|b\n2:  x | y \n"},
    {"a,b\n\"a,b\",\"c\"\n", 0, CSVIN_OK, 0, "1:a|b\n2:a,b|c\n"},
    {"a\n1\n\n", 0, CSVIN_OK, 0, "1:a\n2:1\n"},
    {"a\n\"\"\n", 0, CSVIN_OK, 0, "1:a\n2:\n"},
    {"name\n\xE4\xB8\xAD\xE6\x96\x87\n", 0, CSVIN_OK, 0, "1:name\n2:\xE4\xB8\xAD\xE6\x96\x87\n"},
    {"a,b\n", 0, CSVIN_OK, 0, ""},
    {"\n\na,b\n1,2\n", 0, CSVIN_OK, 0, "3:a|b\n4:1|2\n"},
    {"a,b\n\"1\",\"2\"", 0, CSVIN_OK, 0, "1:a|b\n2:1|2\n"},
    /* invalid */
    {"", 0, CSVIN_ERR_EMPTY, 1, "no header row"},
    {"\xEF\xBB\xBF", 0, CSVIN_ERR_EMPTY, 1, "no header row"},
    {"\n\r\n\n", 0, CSVIN_ERR_EMPTY, 1, "no header row"},
    {"a,b\n1,2\n\"3,4\n", 0, CSVIN_ERR_SYNTAX, 3, "unterminated quoted field"},
    {"a,b\n1,\"x\ny\nz", 0, CSVIN_ERR_SYNTAX, 2, "unterminated quoted field"},
    {"a,b\n1,2\n3,4\n5,6,7\n", 0, CSVIN_ERR_WIDTH, 4, "row has 3 fields but the header has 2"},
    {"a,b,c,d,e,f\n1,2,3,4,5\n", 0, CSVIN_ERR_WIDTH, 2, "row has 5 fields but the header has 6"},
    {"a,b\n1\n", 0, CSVIN_ERR_WIDTH, 2, "row has 1 field but the header has 2"},
    {"a,b\n\"x\ny\"\n", 0, CSVIN_ERR_WIDTH, 2, "row has 1 field but"},
    {"a,b\n1,x\"y\n", 0, CSVIN_ERR_SYNTAX, 2, "field 2: a quote (\") inside an unquoted field"},
    {"a,b\n\"x\"y,2\n", 0, CSVIN_ERR_SYNTAX, 2, "field 1: a closing quote must be followed"},
    {"a,b\n\"x\" ,2\n", 0, CSVIN_ERR_SYNTAX, 2, "closing quote"},
    {"a,b\n1, \"2\"\n", 0, CSVIN_ERR_SYNTAX, 2, "inside an unquoted field"},
    {"a,b\n1,\"x\n\ny\"z\n", 0, CSVIN_ERR_SYNTAX, 4, "field 2, which starts on line 2,"},
    {"a,b\n1,\xFF\n", 0, CSVIN_ERR_UTF8, 2, "column \"b\" (field 2) is not valid UTF-8"},
    {"a,\xC0\xAF\n", 0, CSVIN_ERR_UTF8, 1, "the header's field 2 is not valid UTF-8"},
    {"a,b\n1,2\n\"x\ny\",\xED\xA0\x80\n", 0, CSVIN_ERR_UTF8, 4, "column \"b\" (field 2) is not valid UTF-8"},
    /* GBK, as Excel's plain "CSV" saves on a Chinese Windows: the column and how to save it. */
    {"code,name_zh,name_en\nX1,\xb2\xe2\xca\xd4,Test\n", 0, CSVIN_ERR_UTF8, 2,
     "column \"name_zh\" (field 2) is not valid UTF-8; save the file as UTF-8 (Excel: "
     "\xE5\x8F\xA6\xE5\xAD\x98\xE4\xB8\xBA \"CSV UTF-8"},
    {"a,b\n1,2,\xFF\n", 0, CSVIN_ERR_UTF8, 2, "field 3 is not valid UTF-8; save the file as UTF-8"},
    {"a,b\n1,x\0y\n", 10, CSVIN_ERR_SYNTAX, 2, "NUL"},
    {"\xEF\xBB\xBF\xEF\xBB\xBF"
     "a\n1\n",
     0, CSVIN_OK, 0,
     "1:\xEF\xBB\xBF"
     "a\n2:1\n"},
};

static void test_csv_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(csv_cases); i++) {
		const struct csv_case *c = &csv_cases[i];
		struct collect col = {.stop_at = 0};
		size_t len = c->len ? c->len : strlen(c->in);
		size_t line = 99;
		char msg[256] = "unset";
		enum csvin_err e;

		sbuf_init(&col.out);
		if (len == 0) {
			/* fmemopen wants a size; an empty file comes from /dev/null. */
			FILE *fp = fopen("/dev/null", "rb");
			assert_non_null(fp);
			e = csvin_read(fp, collect_row, &col, &line, msg, sizeof(msg));
			fclose(fp);
		} else {
			e = read_mem(c->in, len, &col, &line, msg, sizeof(msg));
		}
		if (e != c->err)
			fail_msg("case %zu: got error %d (%s at %zu), want %d", i, e, msg, line,
			         c->err);
		if (e == CSVIN_OK) {
			/* Without rows there is no callback, so no header either. */
			if (strcmp(col.out.data, c->want) != 0)
				fail_msg("case %zu: got\n%s\nwant\n%s", i, col.out.data, c->want);
			assert_int_equal(line, 0);
		} else {
			if (line != c->errline)
				fail_msg("case %zu: error line %zu, want %zu (%s)", i, line,
				         c->errline, msg);
			if (strstr(msg, c->want) == NULL)
				fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, msg, c->want);
		}
		sbuf_free(&col.out);
	}
}

/* The callback stops the import: its message and the row's line come back. */
static void test_csv_callback_stop(void **state)
{
	const char *in = "a,b\n1,2\n\"3\n\",4\n5,6\n";
	struct collect col = {.stop_at = 3};
	size_t line = 0;
	char msg[64] = "";

	(void)state;
	sbuf_init(&col.out);
	assert_int_equal(read_mem(in, strlen(in), &col, &line, msg, sizeof(msg)),
	                 CSVIN_ERR_CALLBACK);
	assert_string_equal(msg, "stopped at 3");
	assert_string_equal(col.out.data, "1:a|b\n2:1|2\n");
	sbuf_free(&col.out);
}

/* Write n bytes of s to a temporary file and read it back through csvin. */
static enum csvin_err read_tmp(const char *s, size_t n, struct collect *c, size_t *line, char *msg,
                               size_t msglen)
{
	char path[] = "/tmp/test_csvin.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	enum csvin_err e;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w+b");
	assert_non_null(fp);
	assert_int_equal(fwrite(s, 1, n, fp), n);
	rewind(fp);
	unlink(path);
	e = csvin_read(fp, collect_row, c, line, msg, msglen);
	fclose(fp);
	return e;
}

/* Fields of exactly the limit pass, one byte more does not, quoted or not. */
static void test_csv_field_limit(void **state)
{
	struct sbuf b;
	struct collect col = {.stop_at = 0};
	size_t line = 0;
	char msg[128];

	(void)state;
	for (int quoted = 0; quoted < 2; quoted++) {
		for (size_t extra = 0; extra < 2; extra++) {
			sbuf_init(&b);
			sbuf_adds(&b, "h\nx\n");
			if (quoted)
				sbuf_addc(&b, '"');
			for (size_t i = 0; i < CSVIN_MAX_FIELD + extra; i++)
				sbuf_addc(&b, (char)('a' + i % 26));
			if (quoted)
				sbuf_addc(&b, '"');
			sbuf_adds(&b, "\ny\n");
			sbuf_init(&col.out);
			col.rows = 0;
			enum csvin_err e = read_tmp(b.data, b.len, &col, &line, msg, sizeof(msg));
			if (extra == 0) {
				assert_int_equal(e, CSVIN_OK);
				assert_int_equal(col.rows, 3);
			} else {
				assert_int_equal(e, CSVIN_ERR_LIMIT);
				assert_int_equal(line, 3);
				assert_non_null(strstr(msg, "longer than 65536 bytes"));
			}
			sbuf_free(&col.out);
			sbuf_free(&b);
		}
	}
}

/* A huge unterminated field stops at the limit instead of eating memory. */
static void test_csv_runaway_quote(void **state)
{
	struct sbuf b;
	struct collect col = {.stop_at = 0};
	size_t line = 0;
	char msg[128];

	(void)state;
	sbuf_init(&b);
	sbuf_adds(&b, "h\n\"");
	for (size_t i = 0; i < 4 * CSVIN_MAX_FIELD; i++)
		sbuf_adds(&b, i % 80 == 79 ? "\n" : "z");
	sbuf_init(&col.out);
	assert_int_equal(read_tmp(b.data, b.len, &col, &line, msg, sizeof(msg)), CSVIN_ERR_LIMIT);
	assert_int_equal(line, 2);
	sbuf_free(&col.out);
	sbuf_free(&b);
}

static void test_csv_field_count(void **state)
{
	struct sbuf b;
	struct collect col = {.stop_at = 0};
	size_t line = 0;
	char msg[128];

	(void)state;
	sbuf_init(&b);
	for (int i = 0; i < CSVIN_MAX_FIELDS; i++)
		sbuf_printf(&b, "%sc%d", i ? "," : "", i);
	sbuf_adds(&b, "\n");
	sbuf_init(&col.out);
	assert_int_equal(read_mem(b.data, b.len, &col, &line, msg, sizeof(msg)), CSVIN_OK);
	sbuf_free(&col.out);
	sbuf_adds(&b, "\n\n");
	for (int i = 0; i <= CSVIN_MAX_FIELDS; i++)
		sbuf_adds(&b, i ? ",x" : "x");
	sbuf_init(&col.out);
	assert_int_equal(read_mem(b.data, b.len, &col, &line, msg, sizeof(msg)), CSVIN_ERR_LIMIT);
	assert_int_equal(line, 4);
	assert_non_null(strstr(msg, "more than 512 fields"));
	sbuf_free(&col.out);
	sbuf_free(&b);
}

/* Many rows spanning several 64 KiB chunks keep exact line numbers. */
static bool check_lines(void *ctx, const struct csvin_row *header, const struct csvin_row *row,
                        char *msg, size_t msglen)
{
	size_t *next = ctx;
	long id;

	(void)header;
	(void)msg;
	(void)msglen;
	assert_true(parse_long(row->field[0], 0, 1000000, &id));
	/* Row k starts on line 2 + 2k (every row holds one quoted line break). */
	assert_int_equal(row->line, 2 + 2 * (size_t)id);
	assert_int_equal((size_t)id, *next);
	assert_string_equal(row->field[1], "two\r\nlines");
	(*next)++;
	return true;
}

static void test_csv_many_chunks(void **state)
{
	struct sbuf b;
	size_t next = 0, line = 0;
	char msg[128];
	char path[] = "/tmp/test_csvin.XXXXXX";
	int fd;
	FILE *fp;

	(void)state;
	sbuf_init(&b);
	sbuf_adds(&b, "\xEF\xBB\xBFid,text\r\n");
	for (int i = 0; i < 20000; i++)
		sbuf_printf(&b, "%d,\"two\r\nlines\"\r\n", i);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w+b");
	assert_non_null(fp);
	fwrite(b.data, 1, b.len, fp);
	rewind(fp);
	unlink(path);
	assert_int_equal(csvin_read(fp, check_lines, &next, &line, msg, sizeof(msg)), CSVIN_OK);
	assert_int_equal(next, 20000);
	fclose(fp);
	sbuf_free(&b);
}

static bool column_cb(void *ctx, const struct csvin_row *header, const struct csvin_row *row,
                      char *msg, size_t msglen)
{
	(void)row;
	(void)msg;
	(void)msglen;
	assert_int_equal(csvin_column(header, "code"), 0);
	assert_int_equal(csvin_column(header, "name_en"), 2);
	assert_int_equal(csvin_column(header, "missing"), -1);
	assert_int_equal(csvin_column(header, "dup"), 3);
	(*(int *)ctx)++;
	return true;
}

static void test_csv_column(void **state)
{
	const char *in = "code,name_zh,name_en,dup,dup\nA01,x,y,1,2\n";
	FILE *fp = fmemopen((void *)in, strlen(in), "rb");
	int calls = 0;

	(void)state;
	assert_non_null(fp);
	assert_int_equal(csvin_read(fp, column_cb, &calls, NULL, NULL, 0), CSVIN_OK);
	assert_int_equal(calls, 1);
	fclose(fp);
	assert_int_equal(csvin_column(NULL, "x"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_table),       cmocka_unit_test(test_csv_callback_stop),
	    cmocka_unit_test(test_csv_field_limit), cmocka_unit_test(test_csv_runaway_quote),
	    cmocka_unit_test(test_csv_field_count), cmocka_unit_test(test_csv_many_chunks),
	    cmocka_unit_test(test_csv_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
