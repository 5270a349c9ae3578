/*
 * qr — QR codes of invitation links, through libqrencode, as SVG (for
 * pages and print) and PNG (for apps).  Error correction level M, a quiet
 * zone of four modules.
 */
#ifndef MANYI_QR_H
#define MANYI_QR_H

#include <stdbool.h>

#include "util.h"

/* Append an SVG document (or, with inline set, an <svg> element) to out. */
bool qr_svg(const char *text, bool inline_svg, struct sbuf *out);

/* Append a PNG image, scale pixels per module, to out. */
bool qr_png(const char *text, int scale, struct sbuf *out);

#endif
