/* What the efficacy report's files share (include/efficacy_report.h). */
#ifndef MANYI_EFFICACY_INTERNAL_H
#define MANYI_EFFICACY_INTERNAL_H

#include <cjson/cJSON.h>

#include "efficacy_report.h"

/* o's member k as a number, NaN when missing or null. */
double jnum(const cJSON *o, const char *k);
/* o's member k as a string (borrowed), NULL when missing or not a string. */
const char *jstr(const cJSON *o, const char *k);
/* o's member k, a {"zh","en"} object, in l (falling back to the other), or fb. */
const char *jname(const cJSON *o, const char *k, enum lang l, const char *fb);

/* A grade's name ("excellent" → 优秀 / Excellent); the code itself when unknown. */
const char *efr_grade_name(const char *grade, enum lang l);
extern const char *const efr_grades[4];

/* What of the HTML report to show: one agency's page (agency), marked a preview. */
struct efr_view {
	const char *agency; /* NULL: the whole report */
	bool preview;
};
/* efficacy_html.c: the HTML report (v NULL: the whole report, as published). */
void efr_html(const cJSON *ev, const cJSON *detail, const struct efr_stamp *st, enum lang l,
              const struct efr_view *v, struct sbuf *out);
/* Text with & < > " ' escaped (s NULL writes nothing). */
void efr_esc(struct sbuf *b, const char *s);
/* x with d decimals, or "—" when NaN. */
void efr_num(struct sbuf *b, double x, int d);

/* A <tag class="cls">text</tag> (cls may be NULL), text escaped. */
void efr_cell(struct sbuf *b, const char *tag, const char *cls, const char *text);
/* "<table>" and a head row: first, then nums right-aligned (texts escaped). */
void efr_thead(struct sbuf *b, const char *first, const char *const *nums, size_t n);
/* <td class="n">x</td> with d decimals. */
void efr_td_num(struct sbuf *b, double x, int d);
/* The head of a table of figures, and one row: name, score, SE, interval, n. */
void efr_figures_head(struct sbuf *b, enum lang l);
void efr_row_figure(struct sbuf *b, const char *name, double x, double se, double n);
#define EFR_Z95 1.959963984540054
#define L(zh, en) (l == LANG_EN ? (en) : (zh))

/* efficacy_pages.c: a page per agency, the chapter by domain, the methods. */
/* One agency's page; chapter: open it with the chapter's title (the first agency). */
void efr_agency_page(struct sbuf *b, const cJSON *a, const cJSON *detail, bool chapter, enum lang l);
/* The change from the year before of a (an agency, or the city), its intervals. */
void efr_vs_previous(struct sbuf *b, const cJSON *a, enum lang l);
/* The agency's follow-up indicators of the year beside the city's (efficacy_followup.c). */
void efr_followup(struct sbuf *b, const cJSON *a, const cJSON *detail, enum lang l);
void efr_domains(struct sbuf *b, const cJSON *ev, enum lang l);
void efr_methods(struct sbuf *b, const cJSON *ev, const cJSON *detail, const struct efr_stamp *st,
                 enum lang l);

/* efficacy_svg.c: static inline charts. */
/* How many agencies have a composite and a rank (those the charts and the ranking show). */
int efr_ranked(const cJSON *ev);
/* The composite of each ranked agency with its 95% interval, the bands drawn. */
void efr_svg_composites(struct sbuf *b, const cJSON *ev, enum lang l);
/* One agency's grade probabilities as a stacked bar. */
void efr_svg_grades(struct sbuf *b, const cJSON *agency, enum lang l);
/* Each agency's rank interval on a 1..n axis. */
void efr_svg_ranks(struct sbuf *b, const cJSON *ev, enum lang l);

#endif
