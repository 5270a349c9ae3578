/* qr — see qr.h. */
#include "qr.h"

#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define QUIET 4

static QRcode *encode(const char *text)
{
	return QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
}

bool qr_svg(const char *text, bool inline_svg, struct sbuf *out)
{
	QRcode *q = encode(text);
	if (q == NULL)
		return false;
	int w = q->width, size = w + 2 * QUIET;
	if (!inline_svg)
		sbuf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sbuf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	            "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
	            "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	            size, size, size, size);
	/* One path: a horizontal run of dark modules per segment. */
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			sbuf_printf(out, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run;
		}
	}
	sbuf_adds(out, "\"/></svg>");
	if (!inline_svg)
		sbuf_addc(out, '\n');
	QRcode_free(q);
	return true;
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Append one PNG chunk with its length and CRC. */
static void chunk(struct sbuf *out, const char *type, const unsigned char *data, size_t n)
{
	unsigned char b[4];
	be32(b, (uint32_t)n);
	sbuf_add(out, b, 4);
	sbuf_add(out, type, 4);
	if (n > 0)
		sbuf_add(out, data, n);
	uLong crc = crc32(0L, (const Bytef *)type, 4);
	if (n > 0)
		crc = crc32(crc, data, (uInt)n);
	be32(b, (uint32_t)crc);
	sbuf_add(out, b, 4);
}

bool qr_png(const char *text, int scale, struct sbuf *out)
{
	QRcode *q = encode(text);
	if (q == NULL)
		return false;
	if (scale < 1 || scale > 32)
		scale = 8;
	int w = q->width, px = (w + 2 * QUIET) * scale;
	size_t row = (size_t)px + 1, rawlen = row * (size_t)px;
	unsigned char *raw = xmalloc(rawlen);
	/* 8-bit greyscale, filter type 0 per row. */
	for (int y = 0; y < px; y++) {
		unsigned char *r = raw + (size_t)y * row;
		r[0] = 0;
		int my = y / scale - QUIET;
		for (int x = 0; x < px; x++) {
			int mx = x / scale - QUIET;
			bool dark = mx >= 0 && my >= 0 && mx < w && my < w && (q->data[my * w + mx] & 1);
			r[1 + x] = dark ? 0 : 255;
		}
	}
	uLongf zlen = compressBound((uLong)rawlen);
	unsigned char *z = xmalloc(zlen);
	bool ok = compress2(z, &zlen, raw, (uLong)rawlen, 9) == Z_OK;
	if (ok) {
		static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
		unsigned char ihdr[13];
		be32(ihdr, (uint32_t)px);
		be32(ihdr + 4, (uint32_t)px);
		ihdr[8] = 8;  /* bit depth */
		ihdr[9] = 0;  /* greyscale */
		ihdr[10] = ihdr[11] = ihdr[12] = 0;
		sbuf_add(out, sig, sizeof sig);
		chunk(out, "IHDR", ihdr, sizeof ihdr);
		chunk(out, "IDAT", z, zlen);
		chunk(out, "IEND", NULL, 0);
	}
	free(z);
	free(raw);
	QRcode_free(q);
	return ok;
}
