/*
 * manyi_init — the start-up every program that links the library calls once,
 * first thing in main() and before any thread starts: bin/manyi and
 * manyi-fcgi (and the unit tests that want the programs' set-up).
 *
 * It gives cJSON the library's allocator (util.h's xmalloc, which aborts on
 * out-of-memory, so no cJSON_Print* or cJSON_Create* result needs a NULL
 * check), starts libsodium (crypto_init) and turns GSL's abort-on-error
 * handler off (stats_init: every GSL status is checked instead).
 *
 * It sits in its own small layer, src/init/, above core and stats and below
 * the programs, so that neither core includes GSL nor stats calls upwards,
 * and the programs include neither GSL nor libsodium (docs/architecture.md).
 */
#ifndef MANYI_MANYI_INIT_H
#define MANYI_MANYI_INIT_H

#include <stdbool.h>

/* False when libsodium cannot start (no random source): do not go on. */
bool manyi_init(void);

#endif
