/*
 * efficacy_svg — the report's charts as static inline SVG (no script, no
 * font outside the page's): agencies are labelled by name (shortened with
 * an ellipsis to the room left of the plot), escaped.
 */
#include <math.h>
#include <stdio.h>

#include "efficacy_internal.h"

#define W 680
#define LEFT 200
#define RIGHT 670
#define ROW 20

static const char *const grade_fill[4] = {"#2e7d32", "#7cb342", "#fbc02d", "#c62828"};

static double x_of(double v, double lo, double hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return LEFT + (RIGHT - LEFT) * (v - lo) / (hi - lo);
}

static void open_svg(struct sbuf *b, int h, const char *label)
{
	sbuf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	               "height=\"%d\" role=\"img\" font-size=\"11\" aria-label=\"", W, h, W, h);
	efr_esc(b, label);
	sbuf_adds(b, "\">");
}

static void label(struct sbuf *b, double x, double y, const char *anchor, const char *text)
{
	sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	efr_esc(b, text);
	sbuf_adds(b, "</text>");
}

/*
 * An agency's name as a label: its registry name in l (the code when it has
 * none), cut with "…" where it would run past the left edge (about 11 units
 * a Chinese character, 6.2 a Latin one, at font-size 11).
 */
static void agency_label(struct sbuf *b, double y, const cJSON *a, enum lang l)
{
	const char *name = jname(a, "agency_name", l, jstr(a, "agency"));
	char cut[256];
	size_t i = 0, keep = 0;
	double w = 0, room = LEFT - 12;
	while (name[i] != '\0') {
		unsigned char c = (unsigned char)name[i];
		size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		w += c < 0x80 ? 6.2 : 11;
		if (w > room - 11)
			break;
		i += len;
		keep = i;
	}
	if (name[i] != '\0' && keep < sizeof cut - 4) {
		snprintf(cut, sizeof cut, "%.*s\xe2\x80\xa6", (int)keep, name);
		name = cut;
	}
	label(b, LEFT - 6, y + 4, "end", name);
}

int efr_ranked(const cJSON *ev)
{
	const cJSON *a;
	int n = 0;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ev, "agencies"))
		n += !isnan(jnum(a, "rank")) && !isnan(jnum(a, "composite"));
	return n;
}

void efr_svg_composites(struct sbuf *b, const cJSON *ev, enum lang l)
{
	const cJSON *agencies = cJSON_GetObjectItemCaseSensitive(ev, "agencies"), *a, *v;
	int n = efr_ranked(ev), h = 30 + ROW * n, i = 0;
	open_svg(b, h, L("各机关综合效能指数及95%置信区间", "Composite index with 95% intervals"));
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(ev, "bands")) {
		double x = x_of(cJSON_IsNumber(v) ? v->valuedouble : 0, 0, 100);
		sbuf_printf(b, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" "
		               "stroke-dasharray=\"3,3\"/>", x, x, h - 18);
	}
	for (int t = 0; t <= 100; t += 20) {
		char s[16];
		snprintf(s, sizeof s, "%d", t);
		label(b, x_of(t, 0, 100), h - 4, "middle", s);
	}
	cJSON_ArrayForEach(a, agencies) {
		if (isnan(jnum(a, "rank")) || isnan(jnum(a, "composite")))
			continue;
		double y = 14 + ROW * i++, c = jnum(a, "composite");
		double lo = jnum(a, "composite_ci_low"), hi = jnum(a, "composite_ci_high");
		agency_label(b, y, a, l);
		if (!isnan(lo) && !isnan(hi))
			sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
			               "stroke-width=\"2\"/>", x_of(lo, 0, 100), y, x_of(hi, 0, 100), y);
		if (!isnan(c))
			sbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1565c0\"/>", x_of(c, 0, 100), y);
	}
	sbuf_adds(b, "</svg>");
}

void efr_svg_grades(struct sbuf *b, const cJSON *agency, enum lang l)
{
	const cJSON *gp = cJSON_GetObjectItemCaseSensitive(agency, "grade_p");
	double x = LEFT;
	open_svg(b, 28, L("各等次概率", "Probability of each grade"));
	for (int i = 0; i < 4; i++) {
		double p = jnum(gp, efr_grades[i]), w = isnan(p) ? 0 : p * (RIGHT - LEFT);
		if (w <= 0)
			continue;
		sbuf_printf(b, "<rect x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>", x, w,
		            grade_fill[i]);
		if (w > 40)
			label(b, x + w / 2, 15, "middle", efr_grade_name(efr_grades[i], l));
		x += w;
	}
	sbuf_adds(b, "</svg>");
}

void efr_svg_ranks(struct sbuf *b, const cJSON *ev, enum lang l)
{
	const cJSON *agencies = cJSON_GetObjectItemCaseSensitive(ev, "agencies"), *a;
	int n = efr_ranked(ev), h = 30 + ROW * n, i = 0;
	double top = n > 1 ? n : 2;
	open_svg(b, h, L("各机关排名及95%区间", "Ranks with 95% intervals"));
	for (int r = 1; r <= n; r++) {
		char s[16];
		snprintf(s, sizeof s, "%d", r);
		label(b, x_of(r, 1, top), h - 4, "middle", s);
	}
	cJSON_ArrayForEach(a, agencies) {
		if (isnan(jnum(a, "rank")) || isnan(jnum(a, "composite")))
			continue;
		double y = 14 + ROW * i++, lo = jnum(a, "rank_low"), hi = jnum(a, "rank_high");
		agency_label(b, y, a, l);
		if (!isnan(lo) && !isnan(hi))
			sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
			               "stroke-width=\"6\" stroke-linecap=\"round\"/>",
			            x_of(lo, 1, top), y, x_of(hi, 1, top), y);
		if (!isnan(jnum(a, "rank")))
			sbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#e65100\"/>",
			            x_of(jnum(a, "rank"), 1, top), y);
	}
	sbuf_adds(b, "</svg>");
}
