/*
 * A hello-world FastCGI program: the baseline of the form page in
 * bench/perf.sh.  It does no work at all: every request gets the same
 * head and the same body, read once at start from the files named by
 * MANYI_TWIN_HEAD (the FastCGI head, "Status: ..." and the headers,
 * CRLF-ended, with the blank line) and MANYI_TWIN_BODY (the page captured
 * from manyi-fcgi with curl).
 *
 * It takes manyi-fcgi's options so that tools/stack.sh can start it in
 * manyi-fcgi's place, behind the very nginx config the application runs
 * with: --socket PATH, --threads N (default 4, as manyi-fcgi's), and
 * --die-with-parent[=PID] (ends with its parent); --db and the others are
 * ignored.  It says "manyi-fcgi: serving" on stderr once it listens, the
 * line stack_start waits for.
 *
 *   cc -O2 -o twin bench/twin.c $(pkg-config --cflags --libs fcgi) -lpthread
 */
#define _GNU_SOURCE
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

static struct {
	char *head, *body;
	size_t head_len, body_len;
	int fd;
} twin;

/* Read the whole file named by environment variable var: a buffer the
 * caller owns, its length in *len; exits when the file cannot be read. */
static char *slurp(const char *var, size_t *len)
{
	const char *path = getenv(var);
	FILE *f = path != NULL ? fopen(path, "rb") : NULL;
	if (f == NULL) {
		fprintf(stderr, "twin: set %s to a readable file\n", var);
		exit(2);
	}
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (buf == NULL)
		abort();
	fclose(f);
	*len = n;
	return buf;
}

/* One thread's accept loop: the same bytes for every request. */
static void *serve(void *arg)
{
	static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;
	FCGX_Request r;
	(void)arg;
	FCGX_InitRequest(&r, twin.fd, 0);
	for (;;) {
		pthread_mutex_lock(&accept_lock);
		int rc = FCGX_Accept_r(&r);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			break;
		FCGX_PutStr(twin.head, (int)twin.head_len, r.out);
		FCGX_PutStr(twin.body, (int)twin.body_len, r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	int threads = 4;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			sock = argv[++i];
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (strncmp(argv[i], "--die-with-parent", 17) == 0)
			prctl(PR_SET_PDEATHSIG, SIGTERM);
		else if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--queue") == 0)
			i++;
	}
	if (sock == NULL || threads < 1 || threads > 64) {
		fprintf(stderr, "usage: twin --socket PATH [--threads N] [--die-with-parent]\n");
		return 2;
	}
	twin.head = slurp("MANYI_TWIN_HEAD", &twin.head_len);
	twin.body = slurp("MANYI_TWIN_BODY", &twin.body_len);
	if (FCGX_Init() != 0 || (twin.fd = FCGX_OpenSocket(sock, 128)) < 0) {
		fprintf(stderr, "twin: cannot listen on %s\n", sock);
		return 1;
	}
	/* libfcgi catches SIGTERM to end its accept loop gracefully, which a
	 * thread blocked in accept() never sees: end at once, as stack_stop wants. */
	signal(SIGTERM, SIG_DFL);
	fprintf(stderr, "manyi-fcgi: serving (the hello-world twin) on %s with %d threads\n", sock, threads);
	pthread_t *t = calloc((size_t)threads, sizeof *t);
	if (t == NULL)
		abort();
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, serve, NULL) != 0)
			abort();
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return 0;
}
