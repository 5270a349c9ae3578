/*
 * shm — a table shared by the worker processes: a zeroed anonymous
 * mapping made before the supervisor forks (so every worker, and a
 * restarted one, sees the same bytes), opening with a process-shared,
 * robust mutex.  The throttle and the integrity counts are such tables;
 * each is a struct whose first member is that mutex (struct shm_head).
 * Used only in src/web/.
 */
#ifndef MANYI_SHM_H
#define MANYI_SHM_H

#include <pthread.h>
#include <stddef.h>

struct shm_head {
	pthread_mutex_t lock; /* process-shared, robust */
	size_t bytes;         /* of the mapping */
};

/*
 * A new table of bytes (at least sizeof(struct shm_head)), zeroed, its
 * lock ready and its size recorded; NULL when the memory cannot be mapped
 * or libsodium (which wipes it at the end) cannot start.
 */
void *shm_new(size_t bytes);
/* Wipe and unmap a table of shm_new(); accepts NULL. */
void shm_free(void *table);
/*
 * Take the table's lock.  A worker that died holding it left at worst one
 * entry half written — counts, never anything naming an address — so the
 * lock is made consistent and taken.
 */
void shm_lock(void *table);
void shm_unlock(void *table);

#endif
