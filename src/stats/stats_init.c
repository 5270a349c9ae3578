/* stats_init — see include/stats.h: GSL's start-up, kept in the statistics. */
#include "stats.h"

#include <gsl/gsl_errno.h>

void stats_init(void)
{
	gsl_set_error_handler_off();
}
