/*
 * stats_scale — figures of a scale of several items: the composite index
 * and Cronbach's alpha.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "stats.h"
#include "util.h"

double stats_index_value(const double *x, const double *a, size_t k, int points)
{
	double num = 0, den = 0;

	if (points < 2)
		return NAN;
	for (size_t j = 0; j < k; j++) {
		if (!(a[j] > 0) || isnan(x[j]))
			continue;
		num += a[j] * (x[j] - 1) / (points - 1);
		den += a[j];
	}
	return den > 0 ? 100 * num / den : NAN;
}

/* Has the respondent answered all k items (no NaN)? */
static bool row_complete(const double *row, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (isnan(row[j]))
			return false;
	return true;
}

enum stats_err stats_cronbach_alpha(const double *x, size_t n, size_t k, double *alpha,
                                    size_t *n_complete)
{
	double *mean = NULL, *ss = NULL;
	double tmean = 0, tss = 0;
	size_t m = 0;

	*alpha = NAN;
	if (n_complete != NULL)
		*n_complete = 0;
	if (k < 2 || (n > 0 && x == NULL))
		return STATS_E_INPUT;
	mean = xcalloc(k, sizeof(*mean));
	ss = xcalloc(k, sizeof(*ss));
	/* Two passes: means, then sums of squared deviations. */
	for (size_t i = 0; i < n; i++) {
		const double *row = &x[i * k];
		double t = 0;
		if (!row_complete(row, k))
			continue;
		for (size_t j = 0; j < k; j++) {
			mean[j] += row[j];
			t += row[j];
		}
		tmean += t;
		m++;
	}
	if (n_complete != NULL)
		*n_complete = m;
	if (m >= 2) {
		for (size_t j = 0; j < k; j++)
			mean[j] /= (double)m;
		tmean /= (double)m;
		for (size_t i = 0; i < n; i++) {
			const double *row = &x[i * k];
			double t = 0;
			if (!row_complete(row, k))
				continue;
			for (size_t j = 0; j < k; j++) {
				double dv = row[j] - mean[j];
				ss[j] += dv * dv;
				t += row[j];
			}
			tss += (t - tmean) * (t - tmean);
		}
		double sum = 0;
		for (size_t j = 0; j < k; j++)
			sum += ss[j] / (double)(m - 1);
		double vt = tss / (double)(m - 1);
		if (vt > 0)
			*alpha = (double)k / (double)(k - 1) * (1 - sum / vt);
	}
	free(mean);
	free(ss);
	return STATS_OK;
}
