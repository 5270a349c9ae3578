/* responses — see include/responses.h. */
#include "responses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import.h"
#include "encounter.h"
#include "util.h"


static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool iso8601_to_utc(const char *s, char *out, size_t n)
{
	char date[11];
	if (strlen(s) < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!date_valid(date) || !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
		return false;
	int hh = atoi(s + 11), mm = atoi(s + 14), ss = atoi(s + 17);
	if (hh > 23 || mm > 59 || ss > 60)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	long offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if (!digits(p + 1, 2) || p[3] != ':' || !digits(p + 4, 2))
			return false;
		int oh = atoi(p + 1), om = atoi(p + 4);
		if (oh > 14 || om > 59)
			return false;
		offset = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return false;
	}
	if (*p != '\0')
		return false;
	long long t = days_from_civil(atoi(date), atoi(date + 5), atoi(date + 8)) * 86400LL +
	              hh * 3600LL + mm * 60LL + ss - offset;
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

enum fixed { F_ENCOUNTER, F_AGENCY, F_DOMAIN, F_SIZE, F_CHANNEL, F_SUBMITTED, F__MAX };

static const char *const fixed_names[F__MAX] = {
	"encounter_id", "agency", "domain", "size", "channel", "submitted_at",
};

struct import_ctx {
	struct store *store;
	const struct survey *sv;
	int version;
	int fixed[F__MAX];
	int *item_col;          /* column of each survey item, or -1 */
};

static bool import_header(void *ctx, const struct csvin_row *h, char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	for (int k = 0; k < F__MAX; k++)
		c->fixed[k] = -1;
	for (size_t i = 0; i < c->sv->nitems; i++)
		c->item_col[i] = -1;
	for (size_t j = 0; j < h->n; j++) {
		const char *name = h->field[j];
		int *slot = NULL;
		for (int k = 0; k < F__MAX && slot == NULL; k++)
			if (strcmp(name, fixed_names[k]) == 0)
				slot = &c->fixed[k];
		for (size_t i = 0; i < c->sv->nitems && slot == NULL; i++)
			if (strcmp(name, c->sv->items[i].id) == 0)
				slot = &c->item_col[i];
		if (slot == NULL) {
			snprintf(msg, n, "column \"%.64s\" is neither a fixed column nor an item of survey %s",
			         name, c->sv->id);
			return false;
		}
		if (*slot >= 0) {
			snprintf(msg, n, "column \"%.64s\" appears twice", name);
			return false;
		}
		*slot = (int)j;
	}
	for (int k = 0; k < F__MAX; k++)
		if (c->fixed[k] < 0) {
			snprintf(msg, n, "missing column \"%s\"", fixed_names[k]);
			return false;
		}
	return true;
}

static const char *cell(const struct csvin_row *r, int col)
{
	return col >= 0 ? r->field[col] : "";
}

/* The row's answers as pairs: multi cells split on ';'. */
static void row_pairs(const struct import_ctx *c, const struct csvin_row *r, struct pairs *p)
{
	for (size_t i = 0; i < c->sv->nitems; i++) {
		const struct item *it = &c->sv->items[i];
		const char *v = cell(r, c->item_col[i]);
		if (*v == '\0')
			continue;
		if (it->type != ITEM_MULTI) {
			pairs_add(p, it->id, v);
			continue;
		}
		const char *start = v;
		for (;;) {
			const char *semi = strchr(start, ';');
			size_t len = semi ? (size_t)(semi - start) : strlen(start);
			pairs_addn(p, it->id, start, len);
			if (semi == NULL)
				break;
			start = semi + 1;
		}
	}
}

/* Check one context cell against the encounter's value. */
static bool agrees(const char *col, const char *given, const char *known, char *msg, size_t n)
{
	if (*given != '\0' && strcmp(given, known) != 0) {
		snprintf(msg, n, "%s \"%.64s\" disagrees with the encounter's %s \"%s\"", col, given, col, known);
		return false;
	}
	return true;
}

static bool import_row(void *ctx, const struct csvin_row *r, struct import_result *res,
                       char *msg, size_t n)
{
	struct import_ctx *c = ctx;
	const char *enc_id = cell(r, c->fixed[F_ENCOUNTER]);
	const char *agency = cell(r, c->fixed[F_AGENCY]);
	const char *domain = cell(r, c->fixed[F_DOMAIN]);
	const char *size = cell(r, c->fixed[F_SIZE]);
	const char *channel = cell(r, c->fixed[F_CHANNEL]);
	const char *submitted = cell(r, c->fixed[F_SUBMITTED]);
	struct encounter e;
	char when[32];
	bool ok = false;

	if (response_channel_index(channel) < 0) {
		snprintf(msg, n, "channel \"%.32s\" is not one of web, qr, phone, paper, kiosk, api, other", channel);
		return false;
	}
	if (!iso8601_to_utc(submitted, when, sizeof when)) {
		snprintf(msg, n, "submitted_at \"%.40s\" is not an ISO 8601 time with an offset "
		         "(like 2022-04-11T10:00:00+08:00)", submitted);
		return false;
	}
	if (stamp_in_future(when, time(NULL))) {
		snprintf(msg, n, "submitted_at \"%.40s\" is in the future", submitted);
		return false;
	}
	if (*enc_id != '\0') {
		if (store_encounter_get(c->store, enc_id, &e) != STORE_OK) {
			snprintf(msg, n, "unknown encounter_id \"%.64s\"", enc_id);
			return false;
		}
		if (!agrees("agency", agency, e.agency, msg, n) || !agrees("domain", domain, e.domain, msg, n) ||
		    !agrees("size", size, e.size, msg, n))
			return false;
		if (store_encounter_answered(c->store, enc_id)) {
			snprintf(msg, n, "encounter \"%.64s\" is answered twice (one answer per encounter)", enc_id);
			return false;
		}
		agency = e.agency;
		domain = e.domain;
		size = e.size;
	} else {
		if (*agency == '\0' || !store_registry_exists(c->store, REGISTRY_AGENCY, agency)) {
			snprintf(msg, n, *agency ? "unknown agency \"%.64s\"" : "agency is required without an encounter_id%.0s", agency);
			return false;
		}
		if (*domain == '\0' || !store_registry_exists(c->store, REGISTRY_DOMAIN, domain)) {
			snprintf(msg, n, *domain ? "unknown domain \"%.64s\"" : "domain is required without an encounter_id%.0s", domain);
			return false;
		}
		if (*size != '\0') {
			static const char *const sizes[] = {"large", "medium", "small", "micro", "household"};
			bool known = false;
			for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
				known |= strcmp(size, sizes[i]) == 0;
			if (!known) {
				snprintf(msg, n, "size \"%.32s\" is not one of large, medium, small, micro, household", size);
				return false;
			}
		} else {
			size = NULL;
		}
	}

	struct pairs p;
	struct answers ans = {0};
	struct answer_errors errs = {.n = 0};
	pairs_init(&p);
	row_pairs(c, r, &p);
	if (!answers_check(c->sv, &p, false, &ans, &errs)) {
		const struct answer_error *er = &errs.v[0];
		snprintf(msg, n, "%s%s%s: %s (%s)", er->item ? "column \"" : "", er->item ? er->item : "the row",
		         er->item ? "\"" : "", answer_err_message(er->code, LANG_EN), answer_err_code(er->code));
		goto out;
	}
	struct response_meta m = {
		.survey = c->sv->id,
		.survey_version = c->version,
		.channel = channel,
		.encounter = *enc_id ? enc_id : NULL,
		.agency = agency,
		.domain = domain,
		.size = size,
		.submitted_at = when,
	};
	char id[64];
	enum store_err se = store_response_add(c->store, &m, &ans, id, sizeof id);
	if (se != STORE_OK) {
		snprintf(msg, n, "cannot store the answer: %s", store_strerror(se));
		goto out;
	}
	res->created++;
	ok = true;
out:
	answers_free(&ans);
	pairs_free(&p);
	return ok;
}

int responses_import(struct store *s, const struct survey *sv, int version, const char *path,
                     bool progress, struct import_result *res, char *msg, size_t msglen)
{
	struct import_ctx c = {.store = s, .sv = sv, .version = version};
	const struct importer imp = {
		.action = "import responses",
		.noun = "answers",
		.header = import_header,
		.row = import_row,
		.ctx = &c,
	};
	c.item_col = xcalloc(sv->nitems, sizeof *c.item_col);
	int rc = import_csv(s, path, &imp, progress, res, msg, msglen);
	free(c.item_col);
	return rc;
}
