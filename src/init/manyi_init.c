/* manyi_init — see include/manyi_init.h. */
#include "manyi_init.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "crypto.h"
#include "stats.h"
#include "util.h"

bool manyi_init(void)
{
	cJSON_Hooks hooks = {.malloc_fn = xmalloc, .free_fn = free};
	cJSON_InitHooks(&hooks);
	stats_init();
	return crypto_init();
}
