/* metrics — see metrics.h. */
#include "metrics.h"

#include <stdatomic.h>
#include <string.h>

#include "survey.h"

/* Route names are literals from app.c's table; up to this many distinct. */
#define MAX_ROUTES 24

static const char *const reject_names[REJECT__MAX] = {
	"malformed", "too_large", "media_type", "invalid", "csrf", "honeypot", "throttled",
	"token_unknown", "token_used", "token_expired", "unknown_survey", "overloaded",
};

static const int statuses[] = {200, 201, 204, 303, 304, 400, 401, 403, 404, 405, 409, 410,
                               413, 415, 422, 429, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0] + 1) /* + other */

static const double buckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define N_BUCKETS (sizeof buckets / sizeof buckets[0])

#define N_CHANNELS RESPONSE_CHANNELS

static _Atomic(const char *) route_names[MAX_ROUTES];
static atomic_ulong requests[MAX_ROUTES][N_STATUS];
static atomic_ulong hist[MAX_ROUTES][N_BUCKETS + 1];
static atomic_ulong hist_count[MAX_ROUTES];
static atomic_ullong hist_sum_us[MAX_ROUTES];
static atomic_ulong answers[N_CHANNELS];
static atomic_ulong rejects[REJECT__MAX];

/* The slot of a route name (claimed on first use); the last slot is "other". */
static int route_slot(const char *route)
{
	for (int i = 0; i < MAX_ROUTES - 1; i++) {
		const char *cur = atomic_load(&route_names[i]);
		if (cur == NULL) {
			const char *expected = NULL;
			if (atomic_compare_exchange_strong(&route_names[i], &expected, route))
				return i;
			cur = expected;
		}
		if (cur == route || strcmp(cur, route) == 0)
			return i;
	}
	return MAX_ROUTES - 1;
}

void metrics_request(const char *route, int status, double seconds)
{
	int r = route_slot(route ? route : "other");
	size_t s = N_STATUS - 1;
	for (size_t i = 0; i < N_STATUS - 1; i++)
		if (statuses[i] == status)
			s = i;
	atomic_fetch_add(&requests[r][s], 1);
	size_t b = 0;
	while (b < N_BUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add(&hist[r][b], 1);
	atomic_fetch_add(&hist_count[r], 1);
	atomic_fetch_add(&hist_sum_us[r], (unsigned long long)(seconds * 1e6));
}

void metrics_answer(const char *channel)
{
	int c = response_channel_index(channel);
	atomic_fetch_add(&answers[c >= 0 ? c : N_CHANNELS - 1], 1); /* unknown: "other" */
}

void metrics_reject(enum reject why)
{
	if (why < REJECT__MAX)
		atomic_fetch_add(&rejects[why], 1);
}

static const char *route_label(int i)
{
	const char *n = atomic_load(&route_names[i]);
	return n ? n : "other";
}

void metrics_render(struct sbuf *out)
{
	sbuf_adds(out, "# HELP manyi_http_requests_total HTTP requests by route and status.\n"
	               "# TYPE manyi_http_requests_total counter\n");
	for (int r = 0; r < MAX_ROUTES; r++)
		for (size_t s = 0; s < N_STATUS; s++) {
			unsigned long v = atomic_load(&requests[r][s]);
			if (v == 0)
				continue;
			if (s < N_STATUS - 1)
				sbuf_printf(out, "manyi_http_requests_total{route=\"%s\",code=\"%d\"} %lu\n",
				            route_label(r), statuses[s], v);
			else
				sbuf_printf(out, "manyi_http_requests_total{route=\"%s\",code=\"other\"} %lu\n",
				            route_label(r), v);
		}
	sbuf_adds(out, "# HELP manyi_http_request_duration_seconds Time to handle a request.\n"
	               "# TYPE manyi_http_request_duration_seconds histogram\n");
	for (int r = 0; r < MAX_ROUTES; r++) {
		unsigned long count = atomic_load(&hist_count[r]), cum = 0;
		if (count == 0)
			continue;
		for (size_t b = 0; b <= N_BUCKETS; b++) {
			cum += atomic_load(&hist[r][b]);
			if (b < N_BUCKETS)
				sbuf_printf(out, "manyi_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
				            route_label(r), buckets[b], cum);
			else
				sbuf_printf(out, "manyi_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
				            route_label(r), cum);
		}
		sbuf_printf(out, "manyi_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route_label(r),
		            (double)atomic_load(&hist_sum_us[r]) / 1e6);
		sbuf_printf(out, "manyi_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
		            route_label(r), count);
	}
	sbuf_adds(out, "# HELP manyi_answers_stored_total Answers stored, by channel.\n"
	               "# TYPE manyi_answers_stored_total counter\n");
	for (size_t c = 0; c < N_CHANNELS; c++)
		sbuf_printf(out, "manyi_answers_stored_total{channel=\"%s\"} %lu\n", response_channels[c],
		            atomic_load(&answers[c]));
	sbuf_adds(out, "# HELP manyi_submissions_rejected_total Submissions not stored, by reason.\n"
	               "# TYPE manyi_submissions_rejected_total counter\n");
	for (size_t i = 0; i < REJECT__MAX; i++)
		sbuf_printf(out, "manyi_submissions_rejected_total{reason=\"%s\"} %lu\n", reject_names[i],
		            atomic_load(&rejects[i]));
}
