/*
 * qr — QR codes of invitation links, through libqrencode, as SVG (for
 * pages and print) and PNG (for apps).  Error correction level M, a quiet
 * zone of four modules.
 */
#ifndef MANYI_QR_H
#define MANYI_QR_H

#include <stdbool.h>

#include "util.h"

/* Append the QR code of text (borrowed) as an SVG document (or, with
 * inline_svg set, an <svg> element) to out.  False, with nothing appended,
 * when libqrencode cannot encode text (too long). */
bool qr_svg(const char *text, bool inline_svg, struct sbuf *out);

/* Append the QR code of text as a PNG image, scale pixels per module, to
 * out.  False as qr_svg(). */
bool qr_png(const char *text, int scale, struct sbuf *out);

#endif
