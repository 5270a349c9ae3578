/*
 * manyi sample's warning: after a draw, the agencies whose expected
 * completes (drawn × the expected response rate) fall under the
 * publication threshold, and the command line that gives every agency a
 * minimum (docs/statistics.md §8).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rates.h"
#include "sample.h"

double sample_expected_rate(struct store *s, const char *survey, double given, const char **why)
{
	struct fieldwork_cell *cells = NULL;
	struct rates r = {0};
	size_t n = 0;
	bool disposed = false;
	if (given > 0) {
		*why = "given with --response-rate";
		return given;
	}
	if (store_fieldwork_cells(s, survey, &cells, &n) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			disposed |= cells[i].outcome >= 0;
			r.sampled += cells[i].n;
			r.n[rates_classify(cells[i].answered, cells[i].outcome)] += cells[i].n;
		}
		rates_compute(&r);
	}
	free(cells);
	if (disposed && r.rr1 > 0) {
		*why = "the survey's RR1 so far, from its dispositions; set another with --response-rate R";
		return r.rr1;
	}
	*why = disposed ? "the default: the survey's RR1 so far is 0; set another with --response-rate R" :
	                  "the default: no dispositions for the survey yet; set another with --response-rate R";
	return SAMPLE_DEFAULT_RATE;
}

size_t sample_min_for(long low_n, double rate)
{
	/* A hair under, so that 30 / 0.3 = 100.00000000000001 asks 100. */
	double m = ceil((double)low_n / rate - 1e-9);
	return m < 0 ? 0 : (size_t)m;
}

/* Print a shell word: as is when it holds only safe characters, else single-quoted. */
static void shell_word(FILE *fp, const char *w)
{
	if (*w != '\0' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	                            "_-.,:/=+@%") == strlen(w)) {
		fputs(w, fp);
		return;
	}
	fputc('\'', fp);
	for (; *w; w++)
		if (*w == '\'')
			fputs("'\\''", fp);
		else
			fputc(*w, fp);
	fputc('\'', fp);
}

/* The command line again with --n n, --by agency and --min-per-agency m. */
static void fixed_command(FILE *fp, int argc, char **argv, size_t n, size_t m)
{
	fputs("  manyi sample", fp);
	bool by = false;
	for (int i = 0; i < argc; i++) {
		bool value = i + 1 < argc && strncmp(argv[i], "--", 2) == 0; /* sample has no flags */
		if (strcmp(argv[i], "--min-per-agency") == 0 && value) {
			i++;
			continue;
		}
		fputc(' ', fp);
		shell_word(fp, argv[i]);
		if (!value)
			continue;
		fputc(' ', fp);
		if (strcmp(argv[i], "--n") == 0)
			fprintf(fp, "%zu", n);
		else
			shell_word(fp, argv[i + 1]);
		by |= strcmp(argv[i], "--by") == 0;
		i++;
	}
	if (!by)
		fputs(" --by agency", fp);
	fprintf(fp, " --min-per-agency %zu\n", m);
}

/* The zh name of agency code in l, or "". */
static const char *name_of(const struct registry_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return l->v[i].name[LANG_ZH];
	return "";
}

size_t sample_warn_thin(struct store *s, const struct sample_warning *w, int argc, char **argv)
{
	struct registry_list names = {0};
	size_t under = 0, fixable = 0, m = sample_min_for(w->low_n, w->rate), need = 0;
	for (size_t i = 0; i < w->nagencies; i++) {
		const struct sample_agency *a = &w->agencies[i];
		bool thin = (double)a->drawn * w->rate < (double)w->low_n;
		under += thin;
		fixable += thin && a->drawn < a->frame && a->drawn < m;
		need += a->frame < m ? a->frame : m;
	}
	if (under == 0)
		return 0;
	if (store_registry_list(s, REGISTRY_AGENCY, &names) != STORE_OK)
		names = (struct registry_list){0}; /* codes without names rather than no warning */
	fprintf(stderr,
	        "manyi: sample: warning: at an expected response rate of %.4g (%s), %zu %s would stay "
	        "under the publication threshold of %ld completes (--low-n):\n",
	        w->rate, w->rate_why, under, plural(under, "agency", "agencies"), w->low_n);
	for (size_t i = 0; i < w->nagencies; i++) {
		const struct sample_agency *a = &w->agencies[i];
		if ((double)a->drawn * w->rate >= (double)w->low_n)
			continue;
		fprintf(stderr, "  %s %s: %zu sampled of %zu in the frame, %.4g expected completes%s\n",
		        a->agency, name_of(&names, a->agency), a->drawn, a->frame, (double)a->drawn * w->rate,
		        a->drawn == a->frame ? " (its whole frame: no allocation reaches the threshold)" : "");
	}
	if (fixable > 0 && m > w->min_per_agency) {
		size_t n = w->n > need ? w->n : need;
		fprintf(stderr,
		        "manyi: sample: to give every agency at least %zu (ceil(%ld / %.4g), at most its frame; "
		        "%zu in all), draw again with:\n",
		        m, w->low_n, w->rate, need);
		fixed_command(stderr, argc, argv, n, m);
	}
	registry_list_free(&names);
	return under;
}
