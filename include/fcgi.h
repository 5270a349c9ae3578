/*
 * fcgi — the FastCGI glue: the only module that includes libfcgi.
 *
 * fcgi_serve() runs a pool of worker threads on a listening socket; each
 * thread owns a struct app (and so its own SQLite connection), accepts one
 * request at a time, turns the CGI parameters nginx sends into a struct
 * http_request, calls app_handle() and writes the response back.
 *
 * fcgi_stop() (safe to call from any thread) makes the workers finish the
 * request they are serving and then return; fcgi_serve() returns once all
 * of them have.
 */
#ifndef MANYI_FCGI_H
#define MANYI_FCGI_H

/*
 * Serve on listen_fd (borrowed; see FCGX_OpenSocket) with nthreads workers
 * using the database at db_path.  Returns 0 after a clean stop, -1 when no
 * worker could start (the reason is logged).
 */
int fcgi_serve(int listen_fd, const char *db_path, int nthreads);

/* Ask fcgi_serve() to return after in-flight requests finish. */
void fcgi_stop(void);

/* Open a FastCGI listening socket: a unix socket path or ":port". -1 on error. */
int fcgi_listen(const char *where, int backlog);

#endif
