/*
 * The application in process, without FastCGI: routing, statuses, the
 * CSRF round trip and the body cap, answers raced through the group
 * commit, over a real SQLite file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "commit.h"
#include "invite.h"
#include "manyi_init.h"
#include "store.h"
#include "survey.h"
#include "util.h"

struct mem {
	const char *p;
	size_t left;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem *m = ctx;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

static char dbpath[64];
static struct app *app;
static char bearer[AUTH_KEY_LEN + 16]; /* "Bearer " and an evaluator key */

/*
 * Register surveys/enforcement-enterprise.json under another id: the
 * handlers must find an enterprise survey by its audience, not its id.
 */
static int put_renamed_enterprise(struct store *s, const char *id)
{
	FILE *f = fopen("surveys/enforcement-enterprise.json", "rb");
	char text[65536], msg[512];
	struct survey *sv;
	int v;
	bool created;
	if (f == NULL)
		return -1;
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	char *at = strstr(text, "\"id\": \"enforcement-enterprise\"");
	if (at == NULL)
		return -1;
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%.*s\"id\": \"%s\"%s", (int)(at - text), text, id,
	            at + strlen("\"id\": \"enforcement-enterprise\""));
	int rc = survey_parse(id, b.data, b.len, &sv, msg, sizeof msg) == SURVEY_OK ? 0 : -1;
	if (rc == 0)
		store_survey_put(s, sv, &v, &created);
	else
		fprintf(stderr, "%s\n", msg);
	survey_free(sv);
	sbuf_free(&b);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	struct store *s;
	struct survey *sv;
	char msg[512];
	int v;
	bool created;
	snprintf(dbpath, sizeof dbpath, "/tmp/manyi-app-XXXXXX");
	close(mkstemp(dbpath));
	unlink(dbpath);
	if (store_open(dbpath, true, &s, msg, sizeof msg) != STORE_OK)
		return -1;
	store_registry_put(s, REGISTRY_AGENCY, "A01", "甲局", "Bureau A", NULL);
	store_registry_put(s, REGISTRY_DOMAIN, "market", "市场", "Market", NULL);
	if (survey_load_file("surveys/enforcement-public.json", &sv, msg, sizeof msg) != SURVEY_OK) {
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	store_survey_put(s, sv, &v, &created);
	survey_free(sv);
	char key[AUTH_KEY_LEN], kid[16];
	if (put_renamed_enterprise(s, "firms-2023") != 0 ||
	    auth_key_create(s, ROLE_EVALUATOR, NULL, key, kid) != STORE_OK)
		return -1;
	snprintf(bearer, sizeof bearer, "Bearer %s", key);
	store_close(s);
	return app_new(dbpath, &app, msg, sizeof msg);
}

static int teardown(void **state)
{
	(void)state;
	char p[80];
	app_free(app);
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	return 0;
}

/* Run one JSON request on a with an Authorization header (or ""). */
static void run_app(struct app *a, const char *auth, const char *method, const char *path,
                    const char *query, const char *body, struct http_response *r)
{
	struct mem m = {body ? body : "", body ? strlen(body) : 0};
	struct http_request req = {
		.method = method, .path = path, .query = query ? query : "",
		.content_type = "application/json", .cookie = "",
		.authorization = auth, .accept_language = "", .remote_addr = "127.0.0.1",
		.content_length = body ? (long)strlen(body) : -1,
		.read = mem_read, .read_ctx = &m,
	};
	http_response_init(r);
	app_handle(a, &req, r);
	sbuf_add(&r->body, "", 1); /* NUL-terminated for strstr */
}

/* Run one request with an Authorization header (or ""). */
static void run_auth(const char *auth, const char *method, const char *path, const char *query,
                     const char *body, struct http_response *r)
{
	run_app(app, auth, method, path, query, body, r);
}

/* Run one request; the caller frees r with http_response_free(). */
static void run(const char *method, const char *path, const char *query,
                const char *ctype, const char *cookie, const char *body,
                struct http_response *r)
{
	struct mem m = {body ? body : "", body ? strlen(body) : 0};
	struct http_request req = {
		.method = method, .path = path, .query = query ? query : "",
		.content_type = ctype ? ctype : "", .cookie = cookie ? cookie : "",
		.authorization = "", .accept_language = "", .remote_addr = "127.0.0.1",
		.content_length = body ? (long)strlen(body) : -1,
		.read = mem_read, .read_ctx = &m,
	};
	http_response_init(r);
	app_handle(app, &req, r);
}

static void healthz(void **state)
{
	(void)state;
	struct http_response r;
	run("GET", "/healthz", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.data, "{\"status\":\"ok\"}\n");
	assert_non_null(strstr(r.content_type, "charset=utf-8"));
	http_response_free(&r);
}

static void routing(void **state)
{
	(void)state;
	static const struct {
		const char *method, *path;
		int status;
	} cases[] = {
		{"GET", "/nope", 404},
		{"GET", "/api/v1/nope", 404},
		{"DELETE", "/healthz", 405},
		{"GET", "/api/v1/responses", 401}, /* a key is needed */
		{"DELETE", "/api/v1/responses", 405},
		{"POST", "/api/v1/export", 405},
		{"PUT", "/s/enforcement-public", 405},
		{"GET", "/s/no-such", 404},
		{"GET", "/s/enforcement-public/other", 404},
		{"GET", "/s/", 404},
		{"GET", "/s/enforcement-public", 200},
		{"HEAD", "/s/enforcement-public", 200},
		{"GET", "/s/enforcement-public/thanks", 200},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct http_response r;
		run(cases[i].method, cases[i].path, NULL, NULL, NULL, NULL, &r);
		if (r.status != cases[i].status)
			fail_msg("%s %s: %d, expected %d", cases[i].method, cases[i].path, r.status,
			         cases[i].status);
		if (strcmp(cases[i].method, "HEAD") == 0) {
			/* GET's head, Content-Length and all; the transport sends no body. */
			struct http_response g;
			run("GET", cases[i].path, NULL, NULL, NULL, NULL, &g);
			assert_true(r.head_only);
			assert_int_equal(r.body.len, g.body.len);
			assert_false(g.head_only);
			http_response_free(&g);
		}
		http_response_free(&r);
	}
}

/* The value of the Set-Cookie manyi_csrf in r, copied into out. */
static void cookie_of(const struct http_response *r, char *out, size_t n)
{
	const char *p = strstr(r->headers.data, "manyi_csrf=");
	assert_non_null(p);
	p += strlen("manyi_csrf=");
	size_t len = strcspn(p, ";\r");
	assert_true(len < n);
	memcpy(out, p, len);
	out[len] = '\0';
}

static void form_round_trip(void **state)
{
	(void)state;
	struct http_response r;
	char token[128], cookie[160], body[1024];
	run("GET", "/s/enforcement-public", "lang=en", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.data, "lang=\"en\""));
	cookie_of(&r, token, sizeof token);
	assert_non_null(strstr(r.body.data, token));
	http_response_free(&r);

	snprintf(cookie, sizeof cookie, "other=1; manyi_csrf=%s", token);
	snprintf(body, sizeof body, "_csrf=%s&_agency=A01&_domain=market&overall=4&legality=5"
	         "&procedure=4&fairness=4&civility=na&efficiency=4&transparency=4&integrity=4"
	         "&disruption=4", token);
	run("POST", "/s/enforcement-public", NULL, "application/x-www-form-urlencoded", cookie, body, &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(r.headers.data, "Location: /s/enforcement-public/thanks?lang=zh\r\n"));
	http_response_free(&r);

	/* The same post without the cookie is refused, values kept. */
	run("POST", "/s/enforcement-public", NULL, "application/x-www-form-urlencoded", NULL, body, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body.data, "checked"));
	http_response_free(&r);
}

static void json_answers(void **state)
{
	(void)state;
	struct http_response r;
	const char *good = "{\"survey\":\"enforcement-public\",\"agency\":\"A01\",\"domain\":\"market\","
	                   "\"answers\":{\"overall\":4,\"legality\":5,\"procedure\":4,\"fairness\":4,"
	                   "\"civility\":\"na\",\"efficiency\":4,\"transparency\":4,\"integrity\":4,"
	                   "\"disruption\":4}}";
	run("POST", "/api/v1/responses", NULL, "application/json; charset=utf-8", NULL, good, &r);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body.data, "{\"id\":\""));
	http_response_free(&r);

	/* Each field's message says what it takes: the range, "na", the type. */
	run_auth("", "POST", "/api/v1/responses", NULL,
	         "{\"survey\":\"enforcement-public\",\"agency\":\"A01\",\"domain\":\"market\","
	         "\"answers\":{\"overall\":9,\"legality\":\"x\",\"procedure\":[4]}}", &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.data, "\"code\":\"out_of_range\",\"message\":\"overall: out of range; "
	                                    "give an integer 1..5\""));
	assert_non_null(strstr(r.body.data, "legality: wrong JSON type; give an integer 1..5 or \\\"na\\\""));
	assert_non_null(strstr(r.body.data, "\"code\":\"wrong_type\",\"message\":\"procedure: wrong JSON type; "
	                                    "give an integer 1..5 or \\\"na\\\"\""));
	http_response_free(&r);

	run("POST", "/api/v1/responses", NULL, "application/json", NULL, "{\"survey\":", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.data, "\"error\":{\"code\":\"malformed\""));
	http_response_free(&r);

	/* Over the cap: refused from Content-Length before reading. */
	char *big = xmalloc(APP_JSON_MAX + 2);
	memset(big, ' ', APP_JSON_MAX + 1);
	big[APP_JSON_MAX + 1] = '\0';
	run("POST", "/api/v1/responses", NULL, "application/json", NULL, big, &r);
	assert_int_equal(r.status, 413);
	http_response_free(&r);
	free(big);
}

/*
 * An invitation's survey is chosen by audience among the loaded surveys,
 * whatever their ids: here the enterprise survey is "firms-2023".  With
 * two enterprise surveys the caller must say which.
 */
static void invite_by_audience(void **state)
{
	(void)state;
	struct http_response r;
	run_auth(bearer, "POST", "/api/v1/encounters", NULL,
	         "[{\"encounter_id\":\"U1\",\"agency\":\"A01\",\"domain\":\"market\",\"size\":\"small\","
	         "\"district\":\"x\",\"occurred_on\":\"2022-07-01\"},"
	         "{\"encounter_id\":\"U2\",\"agency\":\"A01\",\"domain\":\"market\",\"size\":\"household\","
	         "\"district\":\"x\",\"occurred_on\":\"2022-07-01\"}]", &r);
	assert_int_equal(r.status, 201);
	const char *u2 = strstr(r.body.data, "\"encounter_id\":\"U2\"");
	assert_non_null(u2);
	const char *firm = strstr(r.body.data, "\"survey\":\"firms-2023\"");
	assert_true(firm != NULL && firm < u2);         /* the enterprise: its audience's survey */
	assert_non_null(strstr(u2, "\"survey\":\"enforcement-public\"")); /* the household */
	http_response_free(&r);

	run_auth(bearer, "POST", "/api/v1/encounters/U1/invitations", NULL, NULL, &r);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body.data, "/s/firms-2023?t="));
	http_response_free(&r);

	/* A second enterprise survey: which one is the caller's to say. */
	struct store *s;
	char msg[256];
	assert_int_equal(store_open(dbpath, false, &s, msg, sizeof msg), STORE_OK);
	assert_int_equal(put_renamed_enterprise(s, "firms-2024"), 0);
	store_close(s);
	run_auth(bearer, "POST", "/api/v1/invitations", NULL, "{\"encounters\":[\"U1\"]}", &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.data, "\"code\":\"survey_required\""));
	assert_non_null(strstr(r.body.data, "\\\"firms-2023\\\", \\\"firms-2024\\\" all have audience"));
	http_response_free(&r);
	run_auth(bearer, "POST", "/api/v1/invitations", "survey=firms-2024", "{\"encounters\":[\"U1\"]}", &r);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body.data, "\"survey\":\"firms-2024\""));
	/* Its token sent for another survey: the error says whose it is. */
	char token[32], body[256];
	const char *t = strstr(r.body.data, "\"token\":\"");
	assert_non_null(t);
	snprintf(token, sizeof token, "%.22s", t + strlen("\"token\":\""));
	http_response_free(&r);
	snprintf(body, sizeof body, "{\"survey\":\"enforcement-public\",\"token\":\"%s\",\"answers\":{}}", token);
	run_auth("", "POST", "/api/v1/responses", NULL, body, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.data, "\"code\":\"unknown_token\""));
	assert_non_null(strstr(r.body.data, "this token belongs to survey \\\"firms-2024\\\""));
	http_response_free(&r);
	run_auth(bearer, "POST", "/api/v1/invitations", NULL, "{\"encounters\":[\"U2\"],\"survey\":\"nope\"}", &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.data, "\"code\":\"unknown_survey\""));
	http_response_free(&r);
}

/* Turned away when the queue is full: 503, Retry-After, no-store; JSON on
 * the API, a page in the asked language on the form; the body never read. */
static void overloaded(void **state)
{
	(void)state;
	static const struct {
		const char *method, *path, *query, *route, *has;
	} t[] = {
		{"POST", "/api/v1/responses", "", "api_responses",
		 "{\"error\":{\"code\":\"overloaded\",\"message\":"},
		{"GET", "/api/v1/stats", "survey=x", "api_stats", "\"code\":\"overloaded\""},
		{"POST", "/api/v1/nowhere", "", "other", "\"code\":\"overloaded\""},
		{"POST", "/s/enforcement-public", "lang=en", "form", "The system is busy"},
		{"GET", "/s/enforcement-public", "", "form", "系统繁忙"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct http_response r;
		struct http_request req = {
			.method = t[i].method, .path = t[i].path, .query = t[i].query,
			.content_type = "", .cookie = "", .authorization = "", .accept_language = "",
			.remote_addr = "127.0.0.1", .origin = "", .if_none_match = "",
			.content_length = 10, .read = NULL, /* reading would crash */
		};
		http_response_init(&r);
		app_overloaded(&req, &r);
		assert_int_equal(r.status, 503);
		assert_string_equal(r.route, t[i].route);
		assert_non_null(strstr(r.headers.data, "Retry-After: 5\r\n"));
		assert_non_null(strstr(r.headers.data, "Cache-Control: no-store\r\n"));
		sbuf_add(&r.body, "", 1);
		if (strstr(r.body.data, t[i].has) == NULL)
			fail_msg("%s %s: no %s in %s", t[i].method, t[i].path, t[i].has, r.body.data);
		assert_non_null(strstr(r.content_type, strncmp(t[i].path, "/s/", 3) == 0 ? "text/html" : "json"));
		http_response_free(&r);
	}
}

/*
 * Answers through the group commit, one app per thread as in manyi-fcgi:
 * each token posted from two threads at once is stored once, one 201 and
 * one 409 (the second refused inside the batch or after it), and counted.
 */
#define RACED_TOKENS 12

struct poster {
	struct app *app;
	char (*tokens)[INVITE_TOKEN_LEN];
	int created, used, other;
};

static void *poster_main(void *arg)
{
	struct poster *p = arg;
	for (int i = 0; i < RACED_TOKENS; i++) {
		char body[1024];
		struct http_response r;
		snprintf(body, sizeof body,
		         "{\"survey\":\"firms-2023\",\"token\":\"%s\",\"answers\":{"
		         "\"legality\":4,\"procedure\":4,\"fairness\":4,\"civility\":4,\"efficiency\":4,"
		         "\"transparency\":4,\"integrity\":4,\"disruption\":4,\"overall\":4,"
		         "\"encounter_type\":\"inspection\",\"problems\":[\"no_id\"],\"comment\":\"ok\"}}",
		         p->tokens[i]);
		run_app(p->app, "", "POST", "/api/v1/responses", NULL, body, &r);
		if (r.status == 201)
			p->created++;
		else if (r.status == 409)
			p->used++;
		else
			p->other++;
		http_response_free(&r);
	}
	return NULL;
}

static void answers_raced_through_committer(void **state)
{
	(void)state;
	char tokens[RACED_TOKENS][INVITE_TOKEN_LEN], msg[256];
	struct store *s;
	assert_int_equal(store_open(dbpath, false, &s, msg, sizeof msg), STORE_OK);
	for (int i = 0; i < RACED_TOKENS; i++) {
		struct encounter e = {.agency = "A01", .domain = "market", .size = "small",
		                      .district = "x", .occurred_on = "2022-07-01"};
		snprintf(e.id, sizeof e.id, "R%d", i);
		assert_int_equal(store_encounter_add(s, &e), STORE_OK);
		assert_int_equal(invite_mint(s, "firms-2023", e.id, "qr", 30, time(NULL), tokens[i]),
		                 STORE_OK);
	}
	struct committer *c;
	assert_int_equal(commit_start(dbpath, &c, msg, sizeof msg), STORE_OK);
	struct poster p[2];
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		p[i] = (struct poster){.tokens = tokens};
		assert_int_equal(app_new(dbpath, &p[i].app, msg, sizeof msg), 0);
		app_set_committer(p[i].app, c);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, poster_main, &p[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		app_free(p[i].app);
	}
	commit_stop(c);
	assert_int_equal(p[0].other + p[1].other, 0);
	assert_int_equal(p[0].created + p[1].created, RACED_TOKENS);
	assert_int_equal(p[0].used + p[1].used, RACED_TOKENS);
	for (int i = 0; i < RACED_TOKENS; i++) {
		char id[16];
		bool answered = false;
		snprintf(id, sizeof id, "R%d", i);
		assert_int_equal(store_encounter_answered(s, id, &answered), STORE_OK);
		assert_true(answered);
	}
	store_close(s);
}

int main(void)
{
	if (!manyi_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthz),
		cmocka_unit_test(routing),
		cmocka_unit_test(form_round_trip),
		cmocka_unit_test(json_answers),
		cmocka_unit_test(overloaded),
		cmocka_unit_test(invite_by_audience),
		cmocka_unit_test(answers_raced_through_committer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
