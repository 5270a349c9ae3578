/* shm — see shm.h. */
#include "shm.h"

#include <errno.h>
#include <sys/mman.h>

#include "crypto.h"

void *shm_new(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	struct shm_head *h = p; /* the mapping comes zeroed */
	pthread_mutexattr_t at;
	if (!crypto_init() || pthread_mutexattr_init(&at) != 0) {
		munmap(p, bytes);
		return NULL;
	}
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	int rc = pthread_mutex_init(&h->lock, &at);
	pthread_mutexattr_destroy(&at);
	if (rc != 0) {
		munmap(p, bytes);
		return NULL;
	}
	h->bytes = bytes;
	return p;
}

void shm_free(void *table)
{
	struct shm_head *h = table;
	if (h == NULL)
		return;
	size_t bytes = h->bytes;
	pthread_mutex_destroy(&h->lock);
	crypto_memzero(h, bytes);
	munmap(h, bytes);
}

void shm_lock(void *table)
{
	struct shm_head *h = table;
	if (pthread_mutex_lock(&h->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&h->lock);
}

void shm_unlock(void *table)
{
	pthread_mutex_unlock(&((struct shm_head *)table)->lock);
}
