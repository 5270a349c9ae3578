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
		/* Offsets in use run from -12:00 to +14:00. */
		if (om > 59 || oh * 60 + om > 14 * 60)
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
	if (strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return false;
	/* An offset can carry the time out of the years a date may name. */
	memcpy(date, out, 10);
	return date_valid(date);
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
		char q[IMPORT_QUOTE_SIZE];
		if (slot == NULL) {
			snprintf(msg, n, "column %s is neither a fixed column nor an item of survey %s",
			         import_quote(name, q), c->sv->id);
			return false;
		}
		if (*slot >= 0) {
			snprintf(msg, n, "column %s appears twice", import_quote(name, q));
			return false;
		}
		*slot = (int)j;
	}
	for (int k = 0; k < F__MAX; k++)
		if (c->fixed[k] < 0) {
			snprintf(msg, n, "missing column \"%s\"", fixed_names[k]);
			return false;
		}
	/* Every row would lack a required item's answer: say so once, here. */
	for (size_t i = 0; i < c->sv->nitems; i++)
		if (c->sv->items[i].required && c->item_col[i] < 0) {
			snprintf(msg, n, "missing column \"%s\" (a required item of survey %s)",
			         c->sv->items[i].id, c->sv->id);
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
	char q[IMPORT_QUOTE_SIZE];
	if (*given != '\0' && strcmp(given, known) != 0) {
		snprintf(msg, n, "%s %s disagrees with the encounter's %s \"%s\"", col, import_quote(given, q),
		         col, known);
		return false;
	}
	return true;
}

/* The option values of it, "a, b, c", cut with ", ..." past about 300 bytes. */
static void option_list(const struct item *it, struct sbuf *b)
{
	size_t start = b->len;
	for (size_t k = 0; k < it->noptions; k++) {
		if (b->len - start > 300) {
			sbuf_adds(b, ", ...");
			return;
		}
		sbuf_printf(b, "%s%s", k ? ", " : "", it->options[k].value);
	}
}

/* What a cell of item it holds, for messages: "a score 1..5 or na", "one of a, b". */
static void expected(const struct survey *sv, const struct item *it, struct sbuf *b)
{
	switch (it->type) {
	case ITEM_SCALE:
		sbuf_printf(b, "a score 1..%d%s", sv->points, it->allow_na ? " or na" : "");
		return;
	case ITEM_CHOICE:
		sbuf_adds(b, "one of ");
		option_list(it, b);
		return;
	case ITEM_MULTI:
		sbuf_adds(b, "any of ");
		option_list(it, b);
		sbuf_adds(b, ", separated by ';'");
		return;
	case ITEM_POINTS:
		sbuf_printf(b, "points 0..%d", it->max);
		return;
	case ITEM_FLAG:
		sbuf_adds(b, "yes or no");
		return;
	case ITEM_TEXT:
	case ITEM__MAX:
		break;
	}
	sbuf_printf(b, "text of at most %zu characters", it->max_length);
}

/*
 * The value of a multi cell the error e is about: the first part that is
 * no option (ANSWER_UNKNOWN_OPTION), the first given twice
 * (ANSWER_DUPLICATE_OPTION) or the exclusive one ticked (ANSWER_EXCLUSIVE),
 * copied into part (at least IMPORT_QUOTE_SIZE bytes); false if none is.
 */
static bool multi_culprit(const struct item *it, const char *cell, enum answer_err e, char *part)
{
	unsigned long long seen = 0;
	for (const char *start = cell;; start++) {
		size_t len = strcspn(start, ";");
		char *v = xstrndup(start, len);
		int k = item_option(it, v);
		bool hit = *v != '\0' && ((e == ANSWER_UNKNOWN_OPTION && k < 0) ||
		                           (e == ANSWER_DUPLICATE_OPTION && k >= 0 && (seen & (1ULL << k))) ||
		                           (e == ANSWER_EXCLUSIVE && k >= 0 && it->options[k].exclusive));
		if (k >= 0)
			seen |= 1ULL << k;
		if (hit)
			import_quote(v, part);
		free(v);
		if (hit)
			return true;
		start += len;
		if (*start == '\0')
			return false;
	}
}

/*
 * Explain error e of item it, whose cell holds cell, to the evaluator who
 * made the file (the form's messages speak to the respondent): the column,
 * the value and what the column takes.
 */
void responses_answer_problem(const struct survey *sv, const struct item *it, enum answer_err e,
                              const char *cell, char *msg, size_t n)
{
	char q[IMPORT_QUOTE_SIZE], part[IMPORT_QUOTE_SIZE];
	struct sbuf want;
	if (it == NULL) {
		/* Only "nothing answered" concerns no item. */
		if (e == ANSWER_EMPTY)
			snprintf(msg, n, "the row answers no item: every item column is empty");
		else
			snprintf(msg, n, "%s (%s)", answer_err_message(e, LANG_EN), answer_err_code(e));
		return;
	}
	sbuf_init(&want);
	expected(sv, it, &want);
	import_quote(cell, q);
	switch (e) {
	case ANSWER_REQUIRED:
		snprintf(msg, n, "%s: empty, but the item is required (%s)", it->id, want.data);
		break;
	case ANSWER_NOT_INTEGER:
	case ANSWER_OUT_OF_RANGE:
		snprintf(msg, n, "%s: %s is not %s", it->id, q, want.data);
		break;
	case ANSWER_NA_NOT_ALLOWED:
		snprintf(msg, n, "%s: %s is not allowed, the item has no \"not applicable\" (%s)", it->id, q,
		         want.data);
		break;
	case ANSWER_UNKNOWN_OPTION:
		if (it->type == ITEM_FLAG) {
			snprintf(msg, n, "%s: %s is not yes or no (a major-defect flag)", it->id, q);
			break;
		}
		sbuf_reset(&want);
		option_list(it, &want);
		snprintf(msg, n, "%s: %s is not an option of %s (%s)", it->id,
		         it->type == ITEM_MULTI && multi_culprit(it, cell, e, part) ? part : q, it->id, want.data);
		break;
	case ANSWER_DUPLICATE_OPTION:
		snprintf(msg, n, "%s: %s lists %s twice", it->id, q,
		         multi_culprit(it, cell, e, part) ? part : "an option");
		break;
	case ANSWER_EXCLUSIVE:
		if (!multi_culprit(it, cell, e, part))
			snprintf(part, sizeof part, "an exclusive option");
		snprintf(msg, n, "%s: %s ticks %s with other options, but %s excludes every other", it->id, q,
		         part, part);
		break;
	case ANSWER_TOO_LONG:
		snprintf(msg, n, "%s: %zu characters, more than the %zu allowed", it->id,
		         utf8_length(cell, strlen(cell)), it->max_length);
		break;
	case ANSWER_CONTROL_CHARS:
		snprintf(msg, n, "%s: %s contains control characters (only tabs and line breaks may stand in text)",
		         it->id, q);
		break;
	default:
		snprintf(msg, n, "%s: %s: %s (%s)", it->id, q, answer_err_message(e, LANG_EN), answer_err_code(e));
		break;
	}
	sbuf_free(&want);
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
	char when[32], q[IMPORT_QUOTE_SIZE];
	bool ok = false;

	if (response_channel_index(channel) < 0) {
		snprintf(msg, n, "channel %s is not one of web, qr, phone, paper, kiosk, api, other",
		         import_quote(channel, q));
		return false;
	}
	if (!iso8601_to_utc(submitted, when, sizeof when)) {
		snprintf(msg, n, "submitted_at %s is not an ISO 8601 time with an offset "
		         "(like 2022-04-11T10:00:00+08:00)", import_quote(submitted, q));
		return false;
	}
	if (stamp_in_future(when, time(NULL))) {
		snprintf(msg, n, "submitted_at %s is in the future", import_quote(submitted, q));
		return false;
	}
	enum store_err se;
	if (*enc_id != '\0') {
		if ((se = store_encounter_get(c->store, enc_id, &e)) != STORE_OK) {
			if (se == STORE_ERR_NOTFOUND)
				snprintf(msg, n, "unknown encounter_id %s", import_quote(enc_id, q));
			else
				snprintf(msg, n, "cannot read encounter_id %s: %s", import_quote(enc_id, q),
				         store_strerror(res->store_err = se));
			return false;
		}
		if (!agrees("agency", agency, e.agency, msg, n) || !agrees("domain", domain, e.domain, msg, n) ||
		    !agrees("size", size, e.size, msg, n))
			return false;
		struct encounter_answer was;
		se = store_encounter_answer(c->store, enc_id, &was);
		if (se == STORE_OK) {
			bool online = strcmp(was.channel, "web") == 0 || strcmp(was.channel, "qr") == 0 ||
			              strcmp(was.channel, "api") == 0;
			if (online)
				snprintf(msg, n, "encounter %s was already answered online (%s) on %s; an encounter "
				         "is answered once, so this %s answer is not needed",
				         import_quote(enc_id, q), was.channel, was.day, channel);
			else
				snprintf(msg, n, "encounter %s was already answered by %s on %s (an earlier import, "
				         "or an earlier line of this file); an encounter is answered once",
				         import_quote(enc_id, q), was.channel, was.day);
			return false;
		}
		if (se != STORE_ERR_NOTFOUND) {
			snprintf(msg, n, "cannot check whether encounter %s was answered: %s",
			         import_quote(enc_id, q), store_strerror(res->store_err = se));
			return false;
		}
		agency = e.agency;
		domain = e.domain;
		size = e.size;
	} else {
		bool known = false; /* registered */
		if (*agency != '\0' &&
		    (se = store_registry_exists(c->store, REGISTRY_AGENCY, agency, &known)) != STORE_OK) {
			snprintf(msg, n, "cannot check agency %s: %s", import_quote(agency, q),
			         store_strerror(res->store_err = se));
			return false;
		}
		if (!known) {
			if (*agency)
				snprintf(msg, n, "unknown agency %s", import_quote(agency, q));
			else
				snprintf(msg, n, "agency is required without an encounter_id");
			return false;
		}
		known = false;
		if (*domain != '\0' &&
		    (se = store_registry_exists(c->store, REGISTRY_DOMAIN, domain, &known)) != STORE_OK) {
			snprintf(msg, n, "cannot check domain %s: %s", import_quote(domain, q),
			         store_strerror(res->store_err = se));
			return false;
		}
		if (!known) {
			if (*domain)
				snprintf(msg, n, "unknown domain %s", import_quote(domain, q));
			else
				snprintf(msg, n, "domain is required without an encounter_id");
			return false;
		}
		if (*size != '\0') {
			static const char *const sizes[] = {"large", "medium", "small", "micro", "household"};
			bool listed = false;
			for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
				listed |= strcmp(size, sizes[i]) == 0;
			if (!listed) {
				snprintf(msg, n, "size %s is not one of large, medium, small, micro, household",
				         import_quote(size, q));
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
		const struct item *it = er->item ? survey_item(c->sv, er->item) : NULL;
		responses_answer_problem(c->sv, it, er->code, it ? cell(r, c->item_col[it - c->sv->items]) : "", msg, n);
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
	se = store_response_add(c->store, &m, &ans, id, sizeof id);
	if (se != STORE_OK) {
		snprintf(msg, n, "cannot store the answer: %s", store_strerror(se));
		if (se != STORE_ERR_CONSTRAINT)
			res->store_err = se;
		goto out;
	}
	res->created++;
	ok = true;
out:
	answers_free(&ans);
	pairs_free(&p);
	return ok;
}

enum import_err responses_import(struct store *s, const struct survey *sv, int version,
                                 const char *path, bool progress, struct import_result *res,
                                 char *msg, size_t msglen)
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
	enum import_err rc = import_csv(s, path, &imp, progress, res, msg, msglen);
	free(c.item_col);
	return rc;
}
