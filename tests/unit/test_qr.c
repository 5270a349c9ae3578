/* qr: the PNG is a well-formed greyscale PNG (signature, chunk CRCs, the
 * size the scale asks, rows that inflate), the SVG's path draws the same
 * modules as the PNG with the same quiet zone, and both decode back to the
 * URL they were made of (with zbarimg, which tools/deps.sh installs; the
 * decoding is skipped, the structure still checked, where it is missing). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "qr.h"
#include "util.h"

static const char *const urls[] = {
	"http://127.0.0.1:8080/s/enforcement-public?t=AbCdEfGhIjKlMnOpQrStUv",
	"https://manyi.example.gov.cn/s/enforcement-enterprise?t=0-_9zZyYxXwWvVuUtTsSrR",
	"https://a.example/s/x?t=Q",
	"https://survey.example.gov.cn/a/very/long/base/path/that/goes/on/and/on/for/a/while/"
	"to/make/a/larger/symbol/s/enforcement-enterprise-with-a-long-name?t=AbCdEfGhIjKlMnOpQrStUv",
};

/* A square grid of modules, true = dark. */
struct grid {
	int n;
	bool *dark;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Check the PNG's structure and read its modules (sampled at their centres). */
static struct grid png_grid(const struct sbuf *png, int scale)
{
	const unsigned char *p = (const unsigned char *)png->data, *end = p + png->len;
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	assert_true(png->len > 8);
	assert_memory_equal(p, sig, 8);
	p += 8;
	uint32_t width = 0, height = 0;
	struct sbuf idat;
	sbuf_init(&idat);
	bool iend = false;
	while (p < end) {
		assert_true(end - p >= 12);
		uint32_t len = be32(p);
		assert_true(len <= (uint32_t)(end - p) - 12);
		const unsigned char *type = p + 4, *data = p + 8;
		uLong crc = crc32(crc32(0L, type, 4), data, len);
		assert_int_equal(be32(data + len), (uint32_t)crc);
		if (memcmp(type, "IHDR", 4) == 0) {
			assert_int_equal(len, 13);
			width = be32(data);
			height = be32(data + 4);
			assert_int_equal(data[8], 8); /* bit depth */
			assert_int_equal(data[9], 0); /* greyscale */
		} else if (memcmp(type, "IDAT", 4) == 0) {
			sbuf_add(&idat, data, len);
		} else if (memcmp(type, "IEND", 4) == 0) {
			iend = true;
		}
		p = data + len + 4;
	}
	assert_true(iend);
	assert_true(width == height && width > 0 && width % (uint32_t)scale == 0);
	uLongf rawlen = (uLongf)(width + 1) * height;
	unsigned char *raw = xmalloc(rawlen);
	assert_int_equal(uncompress(raw, &rawlen, (const Bytef *)idat.data, idat.len), Z_OK);
	assert_int_equal(rawlen, (uLongf)(width + 1) * height);
	struct grid g = {.n = (int)(width / (uint32_t)scale)};
	g.dark = xcalloc((size_t)g.n * g.n, sizeof *g.dark);
	for (int y = 0; y < g.n; y++) {
		const unsigned char *row = raw + (size_t)(y * scale + scale / 2) * (width + 1);
		assert_int_equal(row[0], 0); /* filter: none */
		for (int x = 0; x < g.n; x++) {
			unsigned char v = row[1 + x * scale + scale / 2];
			assert_true(v == 0 || v == 255);
			g.dark[y * g.n + x] = v == 0;
		}
	}
	free(raw);
	sbuf_free(&idat);
	return g;
}

/* Read the modules an SVG's path draws ("Mx yhNv1h-Nz" runs). */
static struct grid svg_grid(const char *svg)
{
	int a, b, w, h;
	const char *vb = strstr(svg, "viewBox=\"");
	assert_non_null(vb);
	assert_int_equal(sscanf(vb, "viewBox=\"%d %d %d %d\"", &a, &b, &w, &h), 4);
	assert_true(a == 0 && b == 0 && w == h && w > 8);
	struct grid g = {.n = w};
	g.dark = xcalloc((size_t)w * w, sizeof *g.dark);
	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	while (*d == 'M') {
		int x, y, run, back, used = 0;
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used), 4);
		assert_true(used > 0 && run == back && run > 0);
		assert_true(x >= 0 && y >= 0 && x + run <= w && y < w);
		for (int k = 0; k < run; k++) {
			assert_false(g.dark[y * w + x + k]); /* runs do not overlap */
			g.dark[y * w + x + k] = true;
		}
		d += used;
	}
	assert_int_equal(*d, '"');
	return g;
}

static bool have_zbarimg(void)
{
	return system("command -v zbarimg >/dev/null 2>&1") == 0;
}

/* What zbarimg reads in the file, or NULL.  Caller frees. */
static char *zbar(const char *path)
{
	char cmd[512], buf[4096];
	snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	pclose(p);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n > 0 ? xstrdup(buf) : NULL;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* The grid as a PGM, 4 pixels a module, for zbarimg. */
static void write_pgm(const char *path, const struct grid *g)
{
	enum { S = 4 };
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "P5\n%d %d\n255\n", g->n * S, g->n * S);
	for (int y = 0; y < g->n * S; y++)
		for (int x = 0; x < g->n * S; x++)
			sbuf_addc(&b, g->dark[(y / S) * g->n + x / S] ? 0 : (char)255);
	write_file(path, b.data, b.len);
	sbuf_free(&b);
}

static void quiet_zone_is_white(const struct grid *g)
{
	for (int y = 0; y < g->n; y++)
		for (int x = 0; x < g->n; x++)
			if (x < 4 || y < 4 || x >= g->n - 4 || y >= g->n - 4)
				assert_false(g->dark[y * g->n + x]);
	/* The finder pattern's corner module is dark. */
	assert_true(g->dark[4 * g->n + 4]);
}

static void round_trip(void **state)
{
	(void)state;
	bool zbar_ok = have_zbarimg();
	char dir[] = "/tmp/manyi-qr-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char png_path[64], pgm_path[64];
	snprintf(png_path, sizeof png_path, "%s/qr.png", dir);
	snprintf(pgm_path, sizeof pgm_path, "%s/qr.pgm", dir);
	for (size_t i = 0; i < ARRAY_SIZE(urls); i++) {
		struct sbuf png, svg;
		sbuf_init(&png);
		sbuf_init(&svg);
		assert_true(qr_png(urls[i], 6, &png));
		assert_true(qr_svg(urls[i], false, &svg));
		struct grid pg = png_grid(&png, 6), sg = svg_grid(svg.data);
		assert_int_equal(pg.n, sg.n);
		assert_memory_equal(pg.dark, sg.dark, (size_t)pg.n * pg.n * sizeof *pg.dark);
		quiet_zone_is_white(&pg);
		if (zbar_ok) {
			write_file(png_path, png.data, png.len);
			char *got = zbar(png_path);
			if (got == NULL || strcmp(got, urls[i]) != 0)
				fail_msg("the PNG reads \"%s\", not \"%s\"", got ? got : "(nothing)", urls[i]);
			free(got);
			write_pgm(pgm_path, &sg);
			got = zbar(pgm_path);
			if (got == NULL || strcmp(got, urls[i]) != 0)
				fail_msg("the SVG reads \"%s\", not \"%s\"", got ? got : "(nothing)", urls[i]);
			free(got);
		}
		free(pg.dark);
		free(sg.dark);
		sbuf_free(&png);
		sbuf_free(&svg);
	}
	unlink(png_path);
	unlink(pgm_path);
	rmdir(dir);
	if (!zbar_ok)
		skip(); /* structure checked; decoding needs zbarimg */
}

static void svg_forms_and_scales(void **state)
{
	(void)state;
	struct sbuf doc, el, png;
	sbuf_init(&doc);
	sbuf_init(&el);
	sbuf_init(&png);
	assert_true(qr_svg(urls[0], false, &doc));
	assert_true(qr_svg(urls[0], true, &el));
	assert_true(strncmp(doc.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
	assert_int_equal(doc.data[doc.len - 1], '\n');
	assert_true(strncmp(el.data, "<svg ", 5) == 0);
	assert_int_equal(el.data[el.len - 1], '>');
	assert_non_null(strstr(el.data, "role=\"img\""));
	assert_non_null(strstr(el.data, "aria-label=\"QR code\""));
	assert_non_null(strstr(doc.data, el.data)); /* the same element inside */
	assert_null(strstr(el.data, "AbCdEfGh")); /* the token is drawn, never written */
	/* Appended, not replacing. */
	size_t before = el.len;
	assert_true(qr_svg(urls[0], true, &el));
	assert_int_equal(el.len, 2 * before);
	/* A scale out of 1..32 is 8. */
	static const int scales[] = {1, 3, 32, 0, -1, 33};
	for (size_t i = 0; i < ARRAY_SIZE(scales); i++) {
		sbuf_reset(&png);
		assert_true(qr_png(urls[2], scales[i], &png));
		int s = scales[i] >= 1 && scales[i] <= 32 ? scales[i] : 8;
		struct grid g = png_grid(&png, s);
		quiet_zone_is_white(&g);
		free(g.dark);
	}
	sbuf_free(&doc);
	sbuf_free(&el);
	sbuf_free(&png);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(svg_forms_and_scales),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
