/*
 * test_stats — the statistics module against R's survey package.
 *
 * tests/stats/make_fixtures.R made the datasets and every expected figure
 * with R (survey 4.1); they are committed, so this test needs no R.  For
 * every dataset, weighting, measure and grouping, each field of each group
 * must agree with R to a relative error of 1e-9 (absolute 1e-12 near zero),
 * at levels 0.95 and 0.90.  Then the failures (empty cells, cells without
 * population, inconsistent margins, raking that does not converge) and the
 * helpers (t quantiles, p values, Holm, Cronbach's alpha, comparisons of
 * independent estimates).
 *
 * STATS_FIXTURES=DIR reads the fixtures from DIR instead of tests/stats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

#define REL_TOL    1e-9
#define ABS_TOL    1e-12
#define MAX_FIELDS 40

static const char *const datasets[] = {"mixed", "sparse", "large"};
static const double index_weights[5] = {1, 1, 2, 0.5, 0};
static const double levels[2] = {0.95, 0.90};

static size_t figures_checked;
static size_t figures_failed;
static double worst_rel; /* the largest relative error above ABS_TOL */
static char worst_where[200];

/* ------------------------------------------------------------ CSV files */

/* A whole CSV file of plain fields (no quoting), split in place. */
struct csv {
	char *text;
	size_t rows; /* data rows, header excluded */
	size_t cols;
	char **header; /* [cols] */
	char ***cell;  /* [rows][cols] */
};

static void csv_free(struct csv *c)
{
	if (c == NULL)
		return;
	for (size_t r = 0; r < c->rows; r++)
		free(c->cell[r]);
	free(c->cell);
	free(c->header);
	free(c->text);
	free(c);
}

static size_t split(char *line, char **out, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *comma = strchr(p, ',');
		if (n < max)
			out[n] = p;
		n++;
		if (comma == NULL)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

static struct csv *csv_read(const char *name)
{
	const char *dir = getenv("STATS_FIXTURES");
	char path[512];
	struct csv *c;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/stats", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		fail_msg("cannot open %s (run from the top of the checkout)", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	c = xcalloc(1, sizeof(*c));
	c->text = xmalloc((size_t)len + 1);
	assert_int_equal(fread(c->text, 1, (size_t)len, f), (size_t)len);
	c->text[len] = '\0';
	fclose(f);

	size_t cap = 64;
	char *save = NULL;
	char *line = strtok_r(c->text, "\r\n", &save);
	assert_non_null(line);
	char *fields[MAX_FIELDS];
	c->cols = split(line, fields, MAX_FIELDS);
	assert_true(c->cols <= MAX_FIELDS);
	c->header = xmalloc(c->cols * sizeof(char *));
	memcpy(c->header, fields, c->cols * sizeof(char *));
	c->cell = xmalloc(cap * sizeof(char **));
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		if (c->rows == cap) {
			cap *= 2;
			c->cell = xrealloc(c->cell, cap * sizeof(char **));
		}
		c->cell[c->rows] = xmalloc(c->cols * sizeof(char *));
		assert_int_equal(split(line, c->cell[c->rows], c->cols), c->cols);
		c->rows++;
	}
	return c;
}

static size_t csv_col(const struct csv *c, const char *name)
{
	for (size_t j = 0; j < c->cols; j++)
		if (strcmp(c->header[j], name) == 0)
			return j;
	fail_msg("no column %s", name);
	return 0;
}

static const char *csv_str(const struct csv *c, size_t r, const char *name)
{
	return c->cell[r][csv_col(c, name)];
}

static double csv_num(const struct csv *c, size_t r, const char *name)
{
	const char *s = csv_str(c, r, name);
	char *end;
	double v;

	if (strcmp(s, "NA") == 0)
		return NAN;
	v = strtod(s, &end);
	if (*end != '\0')
		fail_msg("column %s row %zu: not a number: %s", name, r, s);
	return v;
}

/* ------------------------------------------------------------ comparing */

static bool close_to(double got, double want)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	if (isinf(want) || isinf(got))
		return got == want;
	double d = fabs(got - want);
	return d <= ABS_TOL || d <= REL_TOL * fabs(want);
}

static void note_error(const char *where, const char *field, double got, double want)
{
	double d = fabs(got - want);

	if (isfinite(d) && d > ABS_TOL && want != 0 && d / fabs(want) > worst_rel) {
		worst_rel = d / fabs(want);
		snprintf(worst_where, sizeof(worst_where), "%s %s", where, field);
	}
}

static void check_num(const char *where, const char *field, double got, double want)
{
	figures_checked++;
	note_error(where, field, got, want);
	if (!close_to(got, want)) {
		figures_failed++;
		if (figures_failed <= 40)
			print_error("%s %s: got %.17g, R %.17g (rel %.3g)\n", where, field, got,
			            want, fabs(got - want) / fabs(want));
	}
}

static void check_bool(const char *where, const char *field, bool got, bool want)
{
	figures_checked++;
	if (got != want) {
		figures_failed++;
		if (figures_failed <= 40)
			print_error("%s %s: got %d, want %d\n", where, field, got, want);
	}
}

/* ------------------------------------------------------------ datasets */

struct dataset {
	const char *name;
	size_t n;
	int32_t *agency, *domain, *size;
	bool *sampled;
	double *q;       /* [n][5] */
	double *index_r; /* R's index */
	double *w[3];    /* R's weights: base, poststrat, rake */
	size_t A, D, S;
	int points;
	int iterations; /* R's raking passes */
	double *popA, *popAD, *popD, *popS;
};

static void dataset_free(struct dataset *d)
{
	free(d->agency);
	free(d->domain);
	free(d->size);
	free(d->sampled);
	free(d->q);
	free(d->index_r);
	for (int k = 0; k < 3; k++)
		free(d->w[k]);
	free(d->popA);
	free(d->popAD);
	free(d->popD);
	free(d->popS);
	memset(d, 0, sizeof(*d));
}

static void dataset_load(struct dataset *d, const char *name)
{
	char file[128];
	struct csv *c;

	memset(d, 0, sizeof(*d));
	d->name = name;
	c = csv_read("meta.csv");
	for (size_t r = 0; r < c->rows; r++) {
		if (strcmp(csv_str(c, r, "dataset"), name) != 0)
			continue;
		d->A = (size_t)csv_num(c, r, "agencies");
		d->D = (size_t)csv_num(c, r, "domains");
		d->S = (size_t)csv_num(c, r, "sizes");
		d->points = (int)csv_num(c, r, "points");
		d->iterations = (int)csv_num(c, r, "rake_iterations");
	}
	csv_free(c);
	assert_true(d->A > 0);

	snprintf(file, sizeof(file), "%s_data.csv", name);
	c = csv_read(file);
	d->n = c->rows;
	d->agency = xmalloc(d->n * sizeof(int32_t));
	d->domain = xmalloc(d->n * sizeof(int32_t));
	d->size = xmalloc(d->n * sizeof(int32_t));
	d->sampled = xmalloc(d->n * sizeof(bool));
	d->q = xmalloc(d->n * 5 * sizeof(double));
	d->index_r = xmalloc(d->n * sizeof(double));
	for (int k = 0; k < 3; k++)
		d->w[k] = xmalloc(d->n * sizeof(double));
	for (size_t r = 0; r < d->n; r++) {
		double s = csv_num(c, r, "size");
		d->agency[r] = (int32_t)csv_num(c, r, "agency");
		d->domain[r] = (int32_t)csv_num(c, r, "domain");
		d->size[r] = isnan(s) ? -1 : (int32_t)s;
		d->sampled[r] = csv_num(c, r, "sampled") == 1;
		for (int j = 0; j < 5; j++) {
			char col[4] = {'q', (char)('1' + j), '\0', '\0'};
			d->q[r * 5 + (size_t)j] = csv_num(c, r, col);
		}
		d->index_r[r] = csv_num(c, r, "index");
		d->w[0][r] = csv_num(c, r, "w_base");
		d->w[1][r] = csv_num(c, r, "w_poststrat");
		d->w[2][r] = csv_num(c, r, "w_rake");
	}
	csv_free(c);

	snprintf(file, sizeof(file), "%s_pop.csv", name);
	c = csv_read(file);
	d->popA = xcalloc(d->A, sizeof(double));
	d->popAD = xcalloc(d->A * d->D, sizeof(double));
	d->popD = xcalloc(d->D, sizeof(double));
	d->popS = xcalloc(d->S, sizeof(double));
	for (size_t r = 0; r < c->rows; r++) {
		const char *kind = csv_str(c, r, "kind");
		size_t i = (size_t)csv_num(c, r, "i");
		double v = csv_num(c, r, "count");
		if (strcmp(kind, "agency") == 0)
			d->popA[i] = v;
		else if (strcmp(kind, "agency_domain") == 0)
			d->popAD[i * d->D + (size_t)csv_num(c, r, "j")] = v;
		else if (strcmp(kind, "domain") == 0)
			d->popD[i] = v;
		else if (strcmp(kind, "size") == 0)
			d->popS[i] = v;
	}
	csv_free(c);
}

static struct stats_population dataset_pop(const struct dataset *d)
{
	struct stats_population p = {d->A, d->D, d->S, d->popA, d->popAD, d->popD, d->popS};
	return p;
}

enum by { BY_OVERALL, BY_AGENCY, BY_DOMAIN, BY_AGENCY_DOMAIN, BY_SIZE, BY__MAX };
static const char *const by_names[BY__MAX] = {"overall", "agency", "domain", "agency_domain",
                                              "size"};

static size_t by_groups(const struct dataset *d, enum by b)
{
	switch (b) {
	case BY_AGENCY:
		return d->A;
	case BY_DOMAIN:
		return d->D;
	case BY_AGENCY_DOMAIN:
		return d->A * d->D;
	case BY_SIZE:
		return d->S;
	default:
		return 0;
	}
}

static int32_t by_group(const struct dataset *d, size_t i, enum by b)
{
	switch (b) {
	case BY_AGENCY:
		return d->agency[i];
	case BY_DOMAIN:
		return d->domain[i];
	case BY_AGENCY_DOMAIN:
		return d->agency[i] * (int32_t)d->D + d->domain[i];
	case BY_SIZE:
		return d->size[i];
	default:
		return -1;
	}
}

/* The responses for one measure ("q1" or "index") and grouping. */
static struct stats_resp *dataset_resp(const struct dataset *d, const char *measure, enum by b)
{
	struct stats_resp *r = xcalloc(d->n, sizeof(*r));
	bool index = strcmp(measure, "index") == 0;

	for (size_t i = 0; i < d->n; i++) {
		double q1 = d->q[i * 5];
		r[i].y = index ? stats_index_value(&d->q[i * 5], index_weights, 5, d->points) : q1;
		r[i].agency = d->agency[i];
		r[i].domain = d->domain[i];
		r[i].size = d->size[i];
		r[i].group = by_group(d, i, b);
		r[i].satisfied = (int8_t)(!isnan(q1) && q1 >= 4);
		r[i].sampled = d->sampled[i];
	}
	return r;
}

static bool weighting_of(const char *s, enum stats_weighting *w)
{
	return stats_weighting_parse(s, w);
}

/* Check one row of C against one row of expected.csv at level index li. */
static void check_row(const char *where, const struct stats_row *got, const struct csv *e, size_t r,
                      int li, bool is_overall, const struct stats_row *overall, double level)
{
	const char *suffix = li == 0 ? "95" : "90";
	char col[40];
	double want_n = csv_num(e, r, "n");

	check_num(where, "n", (double)got->n, want_n);
	check_num(where, "n_design", (double)got->n_design, csv_num(e, r, "n_design"));
	check_num(where, "wsum", got->wsum, csv_num(e, r, "wsum"));
	check_num(where, "mean", got->mean, csv_num(e, r, "mean"));
	check_num(where, "se", got->se, csv_num(e, r, "se"));
	check_num(where, "df", got->df, csv_num(e, r, "df"));
	snprintf(col, sizeof(col), "ci_low_%s", suffix);
	check_num(where, col, got->ci_low, csv_num(e, r, col));
	snprintf(col, sizeof(col), "ci_high_%s", suffix);
	check_num(where, col, got->ci_high, csv_num(e, r, col));
	check_num(where, "rate", got->rate, csv_num(e, r, "rate"));
	check_num(where, "rate_se", got->rate_se, csv_num(e, r, "rate_se"));
	snprintf(col, sizeof(col), "rate_ci_low_%s", suffix);
	check_num(where, col, got->rate_ci_low, csv_num(e, r, col));
	snprintf(col, sizeof(col), "rate_ci_high_%s", suffix);
	check_num(where, col, got->rate_ci_high, csv_num(e, r, col));
	check_num(where, "index", got->index, csv_num(e, r, "index"));
	check_num(where, "n_eff", got->n_eff, csv_num(e, r, "n_eff"));
	double n_eff = csv_num(e, r, "n_eff");
	check_bool(where, "low_n", got->low_n,
	           want_n < 30 || isnan(n_eff) || n_eff < 30 * (1 - 1e-9));

	static const char *const pre[2] = {"diff", "rdiff"};
	for (int m = 0; m < 2; m++) {
		const struct stats_cmp *c = m == 0 ? &got->mean_vs_overall : &got->rate_vs_overall;
		char f[4][24];
		snprintf(f[0], sizeof(f[0]), "%s", pre[m]);
		snprintf(f[1], sizeof(f[1]), "%s_se", pre[m]);
		snprintf(f[2], sizeof(f[2]), "%s_p", pre[m]);
		snprintf(f[3], sizeof(f[3]), "%s_p_holm", pre[m]);
		double diff = csv_num(e, r, f[0]), se = csv_num(e, r, f[1]);
		double p_holm = csv_num(e, r, f[3]);
		check_num(where, f[0], c->diff, diff);
		check_num(where, f[1], c->se, se);
		check_num(where, f[2], c->p, csv_num(e, r, f[2]));
		check_num(where, f[3], c->p_holm, p_holm);
		if (is_overall)
			continue;
		/* Derived from R's figures: t, significance, funnel limits (the
		 * overall figure plus R's own t quantile times the se). */
		check_num(where, "t", c->t, diff / se);
		check_bool(where, "significant", c->significant,
		           !isnan(p_holm) && p_holm < 1 - level);
		double ref = m == 0 ? overall->mean : overall->rate;
		double ref_se = m == 0 ? overall->se : overall->rate_se;
		double hi = m == 0 ? overall->ci_high : NAN;
		if (m == 0 && !isnan(se)) {
			double q = (hi - ref) / ref_se;
			figures_checked++;
			if (fabs(c->lim_high - (ref + q * se)) > 1e-9 * fabs(ref) + 1e-12 ||
			    fabs(c->lim_low - (ref - q * se)) > 1e-9 * fabs(ref) + 1e-12) {
				figures_failed++;
				print_error("%s funnel limits %g %g\n", where, c->lim_low,
				            c->lim_high);
			}
		}
	}
}

static void check_dataset(const char *name)
{
	struct dataset d;
	struct csv *e = csv_read("expected.csv");
	size_t before = figures_checked, rows = 0;

	dataset_load(&d, name);
	/* The composite index helper against R's column. */
	for (size_t i = 0; i < d.n; i++)
		check_num(name, "index_value",
		          stats_index_value(&d.q[i * 5], index_weights, 5, d.points), d.index_r[i]);

	for (int wt = 0; wt < STATS_W__MAX; wt++) {
		for (int mi = 0; mi < 2; mi++) {
			const char *measure = mi == 0 ? "q1" : "index";
			for (int b = 0; b < BY__MAX; b++) {
				struct stats_resp *resp = dataset_resp(&d, measure, (enum by)b);
				struct stats_population pop = dataset_pop(&d);
				size_t ng = by_groups(&d, (enum by)b);
				struct stats_result *res[2] = {NULL, NULL};
				struct stats_options o;
				struct stats_error err;

				for (int li = 0; li < 2; li++) {
					stats_options_default(&o);
					o.weighting = (enum stats_weighting)wt;
					o.level = levels[li];
					o.rate = mi == 0;
					o.points = mi == 0 ? d.points : 0;
					enum stats_err rc =
					    stats_estimate(resp, d.n, ng, &pop, &o, &res[li], &err);
					if (rc != STATS_OK)
						fail_msg("%s %s %s %s: %s", name,
						         stats_weighting_name(o.weighting), measure,
						         by_names[b], err.msg);
					if (wt == STATS_W_RAKE)
						assert_int_equal(res[li]->rake_iterations,
						                 d.iterations);
				}
				bool *seen = xcalloc(ng ? ng : 1, sizeof(bool));
				for (size_t r = 0; r < e->rows; r++) {
					enum stats_weighting w;
					if (strcmp(csv_str(e, r, "dataset"), name) != 0 ||
					    !weighting_of(csv_str(e, r, "weighting"), &w) ||
					    (int)w != wt ||
					    strcmp(csv_str(e, r, "measure"), measure) != 0 ||
					    strcmp(csv_str(e, r, "by"), by_names[b]) != 0)
						continue;
					long g = (long)csv_num(e, r, "group");
					rows++;
					for (int li = 0; li < 2; li++) {
						char where[160];
						snprintf(
						    where, sizeof(where),
						    "%s/%s/%s/%s/group %ld/level %.2f", name,
						    stats_weighting_name((enum stats_weighting)wt),
						    measure, by_names[b], g, levels[li]);
						const struct stats_row *row;
						if (g < 0) {
							row = &res[li]->overall;
						} else {
							assert_true((size_t)g < ng);
							seen[g] = true;
							row = &res[li]->groups[g];
						}
						check_row(where, row, e, r, li, g < 0,
						          &res[li]->overall, levels[li]);
					}
				}
				/* Groups R does not list have no response in the design. */
				for (size_t g = 0; g < ng; g++) {
					if (seen[g])
						continue;
					assert_int_equal(res[0]->groups[g].n_design, 0);
					assert_int_equal(res[0]->groups[g].n, 0);
					assert_true(isnan(res[0]->groups[g].mean));
				}
				free(seen);
				stats_result_free(res[0]);
				stats_result_free(res[1]);
				free(resp);
			}
		}
	}
	print_message("%s: %zu expected rows, %zu figures checked against R\n", name, rows,
	              figures_checked - before);
	assert_true(rows > 0);
	csv_free(e);
	dataset_free(&d);
	assert_int_equal(figures_failed, 0);
}

static void test_mixed(void **state)
{
	(void)state;
	check_dataset("mixed");
}

static void test_sparse(void **state)
{
	(void)state;
	check_dataset("sparse");
}

static void test_large(void **state)
{
	(void)state;
	check_dataset("large");
}

/* stats_weights() against R's weights(des) for base, poststrat and rake, and
 * stats_cell_weights() against stats_weights(). */
static void test_weights(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(datasets); k++) {
		struct dataset d;
		dataset_load(&d, datasets[k]);
		struct stats_resp *resp = dataset_resp(&d, "q1", BY_OVERALL);
		struct stats_population pop = dataset_pop(&d);
		double *w = xmalloc(d.n * sizeof(double));
		for (int wt = STATS_W_BASE; wt <= STATS_W_RAKE; wt++) {
			struct stats_options o;
			int it = -1;
			stats_options_default(&o);
			o.weighting = (enum stats_weighting)wt;
			assert_int_equal(stats_weights(resp, d.n, &pop, &o, w, &it, NULL),
			                 STATS_OK);
			assert_int_equal(it, wt == STATS_W_RAKE ? d.iterations : 0);
			for (size_t i = 0; i < d.n; i++) {
				double want = d.sampled[i] ? d.w[wt - 1][i] : 0;
				check_num(datasets[k], stats_weighting_name(o.weighting), w[i],
				          want);
			}
		}
		/* The same weights from the responses collapsed into cells with
		 * counts (stats_cell_weights(), which exports use). */
		struct stats_resp *cells = xmalloc(d.n * sizeof *cells);
		double *count = xmalloc(d.n * sizeof *count), *cw = xmalloc(d.n * sizeof *cw);
		size_t *cell_of = xmalloc(d.n * sizeof *cell_of), nc = 0;
		for (size_t i = 0; i < d.n; i++) {
			size_t c = 0;
			while (c < nc && !(cells[c].sampled == resp[i].sampled && cells[c].agency == resp[i].agency &&
			                   cells[c].domain == resp[i].domain && cells[c].size == resp[i].size))
				c++;
			if (c == nc) {
				cells[nc] = resp[i];
				count[nc++] = 0;
			}
			count[c]++;
			cell_of[i] = c;
		}
		assert_true(nc < d.n);
		for (int wt = STATS_W_NONE; wt <= STATS_W_RAKE; wt++) {
			struct stats_options o;
			int it = -1, cit = -2;
			stats_options_default(&o);
			o.weighting = (enum stats_weighting)wt;
			assert_int_equal(stats_weights(resp, d.n, &pop, &o, w, &it, NULL), STATS_OK);
			assert_int_equal(stats_cell_weights(cells, count, nc, &pop, &o, cw, &cit, NULL), STATS_OK);
			assert_int_equal(it, cit);
			for (size_t i = 0; i < d.n; i++)
				check_num(datasets[k], "cell weight", cw[cell_of[i]], w[i]);
		}
		count[0] = 0.5;
		struct stats_options bad;
		stats_options_default(&bad);
		assert_int_equal(stats_cell_weights(cells, count, nc, &pop, &bad, cw, NULL, NULL), STATS_E_INPUT);
		free(cells);
		free(count);
		free(cw);
		free(cell_of);

		struct stats_options o;
		stats_options_default(&o);
		o.weighting = STATS_W_NONE;
		assert_int_equal(stats_weights(resp, d.n, &pop, &o, w, NULL, NULL), STATS_OK);
		for (size_t i = 0; i < d.n; i++)
			assert_true(w[i] == 1);
		free(w);
		free(resp);
		dataset_free(&d);
	}
	assert_int_equal(figures_failed, 0);
}

/* ------------------------------------------------------------ failures */

static enum stats_err run(const struct dataset *d, const struct stats_population *pop,
                          enum stats_weighting wt, int maxit, struct stats_error *err)
{
	struct stats_resp *resp = dataset_resp(d, "q1", BY_AGENCY);
	struct stats_options o;
	struct stats_result *res = NULL;
	enum stats_err rc;

	stats_options_default(&o);
	o.weighting = wt;
	if (maxit > 0)
		o.rake_maxit = maxit;
	memset(err, 0, sizeof(*err));
	rc = stats_estimate(resp, d->n, d->A, pop, &o, &res, err);
	if (rc == STATS_OK)
		assert_non_null(res);
	else
		assert_null(res);
	stats_result_free(res);
	free(resp);
	return rc;
}

/* The population changes of errors.csv, where R stops or warns. */
static void test_errors_from_r(void **state)
{
	struct csv *c = csv_read("errors.csv");
	size_t cases = 0;

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(datasets); k++) {
		struct dataset d;
		dataset_load(&d, datasets[k]);
		for (size_t r = 0; r < c->rows; r++) {
			if (strcmp(csv_str(c, r, "dataset"), datasets[k]) != 0)
				continue;
			const char *kase = csv_str(c, r, "case");
			long i = (long)csv_num(c, r, "i"), j = (long)csv_num(c, r, "j");
			double value = csv_num(c, r, "value");
			struct stats_population pop = dataset_pop(&d);
			struct stats_error err;
			double *ad = xmalloc(d.A * d.D * sizeof(double));
			double *sz = xmalloc(d.S * sizeof(double));
			memcpy(ad, d.popAD, d.A * d.D * sizeof(double));
			memcpy(sz, d.popS, d.S * sizeof(double));
			pop.agency_domain = ad;
			pop.size = sz;
			cases++;
			if (strcmp(kase, "poststrat_empty_cell") == 0) {
				ad[(size_t)i * d.D + (size_t)j] = value;
				assert_int_equal(run(&d, &pop, STATS_W_POSTSTRAT, 0, &err),
				                 STATS_E_EMPTY_CELL);
				assert_int_equal(err.margin, STATS_M_AGENCY_DOMAIN);
				assert_int_equal(err.cell[0], i);
				assert_int_equal(err.cell[1], j);
				assert_true(err.value == value);
			} else if (strcmp(kase, "poststrat_no_population") == 0) {
				ad[(size_t)i * d.D + (size_t)j] = value;
				assert_int_equal(run(&d, &pop, STATS_W_POSTSTRAT, 0, &err),
				                 STATS_E_NO_POPULATION);
				assert_int_equal(err.cell[0], i);
				assert_int_equal(err.cell[1], j);
			} else if (strcmp(kase, "rake_not_converged") == 0) {
				int maxit = (int)csv_num(c, r, "maxit");
				assert_int_equal(run(&d, &pop, STATS_W_RAKE, maxit, &err),
				                 STATS_E_NOT_CONVERGED);
				assert_non_null(strstr(err.msg, "did not converge"));
				print_message("%s %s: %s\n", datasets[k], kase, err.msg);
				assert_int_equal(run(&d, &pop, STATS_W_RAKE, maxit + 1, &err),
				                 STATS_OK);
				snprintf(err.msg, sizeof(err.msg), "converges with maxit %d",
				         maxit + 1);
			} else if (strcmp(kase, "rake_margins") == 0) {
				/* R rakes on (it may even "converge" to a cycle); we stop. */
				sz[i] = value;
				assert_int_equal(run(&d, &pop, STATS_W_RAKE, 0, &err),
				                 STATS_E_MARGINS);
				assert_int_equal(err.margin, STATS_M_SIZE);
			} else {
				fail_msg("unknown case %s", kase);
			}
			print_message("%s %s: %s (R: %s)\n", datasets[k], kase, err.msg,
			              csv_str(c, r, "r_outcome"));
			free(ad);
			free(sz);
		}
		dataset_free(&d);
	}
	assert_true(cases >= 12);
	csv_free(c);
}

/* The domain of the first sampled response. */
static int32_t resp0_domain(const struct dataset *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->sampled[i])
			return d->domain[i];
	return 0;
}

/* Failures R has no fixture for. */
static void test_errors_more(void **state)
{
	struct dataset d;
	struct stats_error err;
	struct stats_population pop;

	(void)state;
	dataset_load(&d, "sparse");
	pop = dataset_pop(&d);

	/* A domain margin cell with encounters but no response. */
	double *dm = xmalloc((d.D + 1) * sizeof(double));
	memcpy(dm, d.popD, d.D * sizeof(double));
	size_t big = 0;
	for (size_t k = 0; k < d.D; k++)
		if (dm[k] > dm[big])
			big = k;
	dm[d.D] = 5;
	dm[big] -= 5;
	struct stats_population p2 = pop;
	p2.n_domains = d.D + 1;
	p2.domain = dm;
	double *ad = xcalloc(d.A * (d.D + 1), sizeof(double));
	for (size_t a = 0; a < d.A; a++)
		for (size_t k = 0; k < d.D; k++)
			ad[a * (d.D + 1) + k] = d.popAD[a * d.D + k];
	p2.agency_domain = ad;
	assert_int_equal(run(&d, &p2, STATS_W_RAKE, 0, &err), STATS_E_EMPTY_CELL);
	assert_int_equal(err.margin, STATS_M_DOMAIN);
	assert_int_equal(err.cell[0], (long)d.D);

	/* An agency with encounters and no response: poststrat and rake fail,
	 * base leaves the stratum out (as R's svydesign does). */
	double *pa = xmalloc((d.A + 1) * sizeof(double));
	memcpy(pa, d.popA, d.A * sizeof(double));
	pa[d.A] = 0;
	p2 = pop;
	p2.n_agencies = d.A + 1;
	p2.agency = pa;
	double *ad2 = xcalloc((d.A + 1) * d.D, sizeof(double));
	memcpy(ad2, d.popAD, d.A * d.D * sizeof(double));
	p2.agency_domain = ad2;
	assert_int_equal(run(&d, &p2, STATS_W_BASE, 0, &err), STATS_OK);
	ad2[d.A * d.D] = 4;
	assert_int_equal(run(&d, &p2, STATS_W_POSTSTRAT, 0, &err), STATS_E_EMPTY_CELL);
	assert_int_equal(err.cell[0], (long)d.A);
	/* More responses than population: no fpc is possible, whatever the
	 * weighting (the base design comes first, as in R). */
	memcpy(pa, d.popA, d.A * sizeof(double));
	pa[0] = 0;
	pa[d.A] = d.popA[0];
	assert_int_equal(run(&d, &p2, STATS_W_BASE, 0, &err), STATS_E_FPC);
	assert_int_equal(err.margin, STATS_M_AGENCY);
	assert_int_equal(err.cell[0], 0);
	assert_int_equal(run(&d, &p2, STATS_W_RAKE, 0, &err), STATS_E_FPC);
	/* A rake margin cell with responses but no population. */
	memcpy(dm, d.popD, d.D * sizeof(double));
	p2 = pop;
	p2.domain = dm;
	size_t d0 = (size_t)resp0_domain(&d);
	size_t other = d0 == 0 ? 1 : 0;
	dm[other] += dm[d0];
	dm[d0] = 0;
	assert_int_equal(run(&d, &p2, STATS_W_RAKE, 0, &err), STATS_E_NO_POPULATION);
	assert_int_equal(err.margin, STATS_M_DOMAIN);
	assert_int_equal(err.cell[0], (long)d0);

	/* Bad responses and options. */
	struct stats_resp *resp = dataset_resp(&d, "q1", BY_AGENCY);
	struct stats_options o;
	struct stats_result *res = (struct stats_result *)&o; /* must come back NULL */
	stats_options_default(&o);
	resp[3].domain = (int32_t)d.D;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, &err), STATS_E_INPUT);
	assert_null(res);
	assert_int_equal(err.row, 3);
	resp[3].domain = 0;
	resp[5].group = (int32_t)d.A;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, &err), STATS_E_INPUT);
	resp[5].group = -1;
	for (size_t i = 0; i < d.n; i++) {
		if (resp[i].sampled) {
			resp[i].size = -1;
			break;
		}
	}
	o.weighting = STATS_W_RAKE;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, &err), STATS_E_INPUT);
	assert_int_equal(err.margin, STATS_M_SIZE);
	o.weighting = STATS_W_BASE;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, NULL), STATS_OK);
	stats_result_free(res);
	o.level = 1;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, &err), STATS_E_INPUT);
	o.level = 0.95;
	o.weighting = STATS_W__MAX;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, &err), STATS_E_INPUT);
	o.weighting = STATS_W_BASE;
	for (size_t i = 0; i < d.n; i++)
		resp[i].sampled = false;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, &err), STATS_E_EMPTY);
	o.weighting = STATS_W_NONE;
	assert_int_equal(stats_estimate(resp, d.n, d.A, &pop, &o, &res, &err), STATS_OK);
	stats_result_free(res);
	assert_int_equal(stats_estimate(resp, 0, 0, &pop, &o, &res, &err), STATS_E_EMPTY);

	assert_string_equal(stats_strerror(STATS_E_MARGINS),
	                    "raking margins have different totals");
	assert_string_equal(stats_strerror((enum stats_err)99), "unknown error");
	enum stats_weighting w;
	assert_true(stats_weighting_parse("poststrat", &w) && w == STATS_W_POSTSTRAT);
	assert_false(stats_weighting_parse("Rake", &w));
	assert_null(stats_weighting_name(STATS_W__MAX));
	stats_result_free(NULL);

	free(resp);
	free(dm);
	free(ad);
	free(pa);
	free(ad2);
	dataset_free(&d);
}

/* ------------------------------------------------------------ helpers */

static void test_quantiles(void **state)
{
	struct csv *c = csv_read("qt.csv");

	(void)state;
	for (size_t r = 0; r < c->rows; r++)
		check_num("qt", "q", stats_t_quantile(csv_num(c, r, "p"), csv_num(c, r, "df")),
		          csv_num(c, r, "q"));
	csv_free(c);
	c = csv_read("pt.csv");
	for (size_t r = 0; r < c->rows; r++) {
		double got = stats_t_pvalue(csv_num(c, r, "t"), csv_num(c, r, "df"));
		double want = csv_num(c, r, "p");
		check_num("pt", "p", got, want);
		/* Far in the tail too (p down to 1e-250), relative, not absolute:
		 * a ranking's Holm step multiplies these. */
		if (want > 0 && !(fabs(got - want) <= REL_TOL * want)) {
			print_error("pt t=%g df=%g: got %.17g, R %.17g\n", csv_num(c, r, "t"),
			            csv_num(c, r, "df"), got, want);
			figures_failed++;
		}
		if (want == 0 && got != 0)
			figures_failed++;
	}
	csv_free(c);
	assert_true(isnan(stats_t_quantile(0, 5)));
	assert_true(isnan(stats_t_quantile(0.5, 0)));
	assert_true(isnan(stats_t_pvalue(NAN, 5)));
	assert_true(stats_t_pvalue(INFINITY, 5) == 0);
	assert_int_equal(figures_failed, 0);
}

static void test_holm(void **state)
{
	struct csv *c = csv_read("holm.csv");
	double p[64], adj[64];

	(void)state;
	for (size_t r = 0; r < c->rows;) {
		double kase = csv_num(c, r, "case");
		size_t m = 0, start = r;
		while (r < c->rows && csv_num(c, r, "case") == kase)
			p[m++] = csv_num(c, r++, "p");
		stats_holm(p, m, adj);
		for (size_t i = 0; i < m; i++)
			check_num("holm", "adj", adj[i], csv_num(c, start + i, "adj"));
		stats_holm(p, m, p); /* in place */
		for (size_t i = 0; i < m; i++)
			check_num("holm in place", "adj", p[i], csv_num(c, start + i, "adj"));
	}
	csv_free(c);
	stats_holm(p, 0, adj);
	assert_int_equal(figures_failed, 0);
}

static void test_alpha(void **state)
{
	struct csv *c = csv_read("alpha.csv");

	(void)state;
	for (size_t r = 0; r < c->rows; r++) {
		struct dataset d;
		double alpha;
		size_t used;
		dataset_load(&d, csv_str(c, r, "dataset"));
		assert_int_equal(stats_cronbach_alpha(d.q, d.n, 5, &alpha, &used), STATS_OK);
		check_num(d.name, "alpha", alpha, csv_num(c, r, "alpha"));
		check_num(d.name, "n_complete", (double)used, csv_num(c, r, "n_complete"));
		dataset_free(&d);
	}
	csv_free(c);
	double x[4] = {1, 2, 3, 4}, alpha;
	assert_int_equal(stats_cronbach_alpha(x, 4, 1, &alpha, NULL), STATS_E_INPUT);
	assert_int_equal(stats_cronbach_alpha(x, 1, 2, &alpha, NULL), STATS_OK);
	assert_true(isnan(alpha)); /* one complete row */
	assert_int_equal(figures_failed, 0);
}

static void test_independent(void **state)
{
	struct csv *c = csv_read("indep.csv");

	(void)state;
	for (size_t r = 0; r < c->rows; r++) {
		struct stats_cmp cmp;
		stats_compare_independent(csv_num(c, r, "est1"), csv_num(c, r, "se1"),
		                          csv_num(c, r, "est2"), csv_num(c, r, "se2"),
		                          csv_num(c, r, "df"), csv_num(c, r, "level"), &cmp);
		check_num("indep", "diff", cmp.diff, csv_num(c, r, "diff"));
		check_num("indep", "se", cmp.se, csv_num(c, r, "se"));
		check_num("indep", "p", cmp.p, csv_num(c, r, "p"));
		check_num("indep", "p_holm", cmp.p_holm, csv_num(c, r, "p"));
		check_num("indep", "lim_low", cmp.lim_low, csv_num(c, r, "lim_low"));
		check_num("indep", "lim_high", cmp.lim_high, csv_num(c, r, "lim_high"));
		check_bool("indep", "significant", cmp.significant,
		           csv_num(c, r, "p") < 1 - csv_num(c, r, "level"));
	}
	csv_free(c);
	assert_int_equal(figures_failed, 0);
}

static void test_index_value(void **state)
{
	const double a[3] = {1, 2, 0};
	const double x1[3] = {5, NAN, 1};
	const double x2[3] = {NAN, NAN, 3};
	const double x3[3] = {1, 3, 5};

	(void)state;
	assert_true(stats_index_value(x1, a, 3, 5) == 100);
	assert_true(isnan(stats_index_value(x2, a, 3, 5)));
	/* (0 * 1 + 0.5 * 2) / 3 */
	assert_true(fabs(stats_index_value(x3, a, 3, 5) - 100.0 / 3) < 1e-12);
	assert_true(isnan(stats_index_value(x3, a, 3, 1)));
}

static int teardown(void **state)
{
	(void)state;
	print_message("%zu figures checked, %zu outside tolerance; largest relative error "
	              "%.3g (%s)\n",
	              figures_checked, figures_failed, worst_rel, worst_where);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mixed),         cmocka_unit_test(test_sparse),
	    cmocka_unit_test(test_large),         cmocka_unit_test(test_weights),
	    cmocka_unit_test(test_errors_from_r), cmocka_unit_test(test_errors_more),
	    cmocka_unit_test(test_quantiles),     cmocka_unit_test(test_holm),
	    cmocka_unit_test(test_alpha),         cmocka_unit_test(test_independent),
	    cmocka_unit_test(test_index_value),
	};

	stats_init();
	return cmocka_run_group_tests(tests, NULL, teardown);
}
