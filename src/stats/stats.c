/*
 * stats — the module's words: the names of the weightings, the text of its
 * errors, the default options, and stats_fail(), which every part of the
 * module uses to describe a failure.  The parts (see stats_internal.h):
 * stats_design.c builds the design and its weights, stats_estimate.c the
 * means, rates and their variances, stats_infer.c the intervals, p values
 * and Holm's adjustment, stats_scale.c the composite index and Cronbach's
 * alpha, stats_init.c GSL's start-up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"
#include "stats_internal.h"

static const char *const weighting_names[STATS_W__MAX] = {
    [STATS_W_NONE] = "none",
    [STATS_W_BASE] = "base",
    [STATS_W_POSTSTRAT] = "poststrat",
    [STATS_W_RAKE] = "rake",
};

static const char *const err_text[STATS_E__MAX] = {
    [STATS_OK] = "success",
    [STATS_E_INPUT] = "invalid input",
    [STATS_E_EMPTY] = "no response in the design",
    [STATS_E_FPC] = "more responses than population in a stratum",
    [STATS_E_NO_POPULATION] = "responses in a cell with no population",
    [STATS_E_EMPTY_CELL] = "a population cell has no response",
    [STATS_E_MARGINS] = "raking margins have different totals",
    [STATS_E_NOT_CONVERGED] = "raking did not converge",
    [STATS_E_NUMERIC] = "numerical failure",
};

const char *stats_weighting_name(enum stats_weighting w)
{
	if ((unsigned)w >= STATS_W__MAX)
		return NULL;
	return weighting_names[w];
}

bool stats_weighting_parse(const char *s, enum stats_weighting *out)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < STATS_W__MAX; i++) {
		if (strcmp(s, weighting_names[i]) == 0) {
			*out = (enum stats_weighting)i;
			return true;
		}
	}
	return false;
}

const char *stats_strerror(enum stats_err e)
{
	if ((unsigned)e >= STATS_E__MAX)
		return "unknown error";
	return err_text[e];
}

void stats_options_default(struct stats_options *o)
{
	o->weighting = STATS_W_BASE;
	o->level = 0.95;
	o->rate = true;
	o->points = 5;
	o->low_n = 30;
	o->rake_maxit = 1000;
	o->rake_epsilon = 1e-13;
}

/* See stats_internal.h. */
enum stats_err stats_fail(struct stats_error *err, enum stats_err code, enum stats_margin m,
                          long c0, long c1, long row, double value, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->margin = m;
	err->cell[0] = c0;
	err->cell[1] = c1;
	err->row = row;
	err->value = value;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
