/*
 * app_answers — what the two front ends of an answer (the form and the
 * JSON API, through intake.c) share: resolving a token, the encounter's
 * context line, idempotency keys, storing an answer (its part of a group
 * commit, commit.h), the public channel's agency and domain checked
 * against the registry, and per-field errors for developers.  Contracts
 * in app_internal.h.
 */
#include "app_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commit.h"
#include "crypto.h"
#include "csrf.h"
#include "encounter.h"
#include "invite.h"
#include "metrics.h"
#include "store.h"
#include "survey.h"
#include "store_officer.h"
#include "throttle.h"
#include "util.h"

/*
 * Resolve a token for survey, counting unknown ones against the address.
 * *throttled is set (and nothing resolved) when the address is locked out.
 */
enum invite_state app_resolve_token(struct app *a, const char *addr, const char *survey,
                                    const char *token, time_t now, struct invitation *inv,
                                    unsigned char hash[32], long *throttled)
{
	*throttled = 0;
	enum invite_state st = invite_resolve(a->store, survey, token, now, inv, hash);
	/* A real token is never refused for others' mistakes behind the same
	 * address (carrier NAT puts many phones behind one). */
	if (st != INVITE_UNKNOWN)
		return st;
	if (!throttle_allowed(a->throttle, THROTTLE_BAD_TOKEN, addr, now, throttled))
		return INVITE_UNKNOWN;
	throttle_count(a->throttle, THROTTLE_BAD_TOKEN, addr, now);
	return st;
}

/*
 * The officers encounter e names, on a line of their own after the
 * encounter's, so that the respondent can confirm who came:
 * "执法人员：张三（执法证号 …）、李四（执法证号 …）"; nothing when none.
 */
static enum store_err officers_line(struct app *a, const struct encounter *e, enum lang l,
                                    struct sbuf *line)
{
	struct officer o[ENC_OFFICERS_MAX];
	size_t n;
	enum store_err err = store_enc_officers(a->store, e->id, o, ENC_OFFICERS_MAX, &n);
	if (err != STORE_OK || n == 0)
		return err;
	sbuf_adds(line, l == LANG_ZH ? "\n执法人员：" : "\nOfficers: ");
	for (size_t i = 0; i < n; i++)
		sbuf_printf(line, l == LANG_ZH ? "%s%s（执法证号 %s）" : "%s%s (certificate %s)",
		            i == 0 ? "" : l == LANG_ZH ? "、" : ", ", o[i].name, o[i].cert_no);
	return STORE_OK;
}

/* "市市场监督管理局 · 市场监管 · 2022-04-11" for an encounter, localised,
 * and the officers it names on a second line. */
enum store_err app_encounter_context(struct app *a, const struct encounter *e, enum lang l,
                                     char **out)
{
	struct registry_list ag = {0}, dom = {0};
	const char *an = e->agency, *dn = e->domain;
	enum store_err err;
	*out = NULL;
	if ((err = store_registry_list(a->store, REGISTRY_AGENCY, &ag)) != STORE_OK ||
	    (err = store_registry_list(a->store, REGISTRY_DOMAIN, &dom)) != STORE_OK) {
		registry_list_free(&ag);
		return err;
	}
	for (size_t i = 0; i < ag.n; i++)
		if (strcmp(ag.v[i].code, e->agency) == 0)
			an = ag.v[i].name[l];
	for (size_t i = 0; i < dom.n; i++)
		if (strcmp(dom.v[i].code, e->domain) == 0)
			dn = dom.v[i].name[l];
	struct sbuf line;
	sbuf_init(&line);
	sbuf_printf(&line, "%s%s · %s · %s", l == LANG_ZH ? "本次评价对象：" : "You are rating: ",
	            an, dn, e->occurred_on);
	registry_list_free(&ag);
	registry_list_free(&dom);
	if ((err = officers_line(a, e, l, &line)) != STORE_OK) {
		sbuf_free(&line);
		return err;
	}
	*out = sbuf_detach(&line);
	return STORE_OK;
}

/* The idempotency key's stored answer, if any, on s (see struct app_idem). */
static enum store_err idem_lookup(struct store *s, struct app_idem *idem)
{
	unsigned char body[32];
	enum store_err e = store_idem_get(s, idem->key, (long long)time(NULL), body, idem->public_id,
	                                  sizeof idem->public_id);
	idem->found = e == STORE_OK;
	idem->same_body = idem->found && crypto_equal(body, idem->body, sizeof body);
	return e == STORE_ERR_NOTFOUND ? STORE_OK : e;
}

enum store_err app_idem_lookup(struct app *a, struct app_idem *idem)
{
	return idem_lookup(a->store, idem);
}

/* app_store_answer's arguments, borrowed by the write that runs in a batch. */
struct answer_write {
	const struct survey *sv;
	int version;
	const struct invitation *inv;
	const unsigned char *hash, *once;
	struct app_idem *idem;
	const char *agency, *domain, *channel;
	const struct answers *ans;
	char *public_id;
	size_t idlen;
	const struct followup_contact_in *contact;
	struct followup_opened *opened;
	struct integrity_flags *flags;
};

/*
 * One answer's writes, in its part of a batch (commit.h): on the
 * committer's connection s, so nothing of struct app is touched here.
 */
static enum store_err answer_write(struct store *s, void *ctx)
{
	const struct answer_write *w = ctx;
	struct encounter e;
	struct response_meta m = {
		.survey = w->sv->id,
		.survey_version = w->version,
		.channel = w->channel,
		.agency = w->agency,
		.domain = w->domain,
		.contact = w->contact,
		.opened = w->opened,
		.flags = w->flags,
	};
	enum store_err err;
	long long now = (long long)time(NULL);
	/* Inside the transaction: of two requests with one key at once, the
	 * second sees the first's answer here (the same batch's too). */
	if (w->idem != NULL) {
		if ((err = idem_lookup(s, w->idem)) != STORE_OK)
			return err;
		if (w->idem->found)
			return STORE_OK; /* nothing written: the first answer's reply */
	}
	if (w->inv != NULL) {
		if ((err = store_invitation_use(s, w->hash, now)) != STORE_OK ||
		    (err = store_encounter_get(s, w->inv->encounter, &e)) != STORE_OK)
			return err;
		m.encounter = e.id;
		m.agency = e.agency;
		m.domain = e.domain;
		m.size = e.size;
		m.channel = w->inv->channel;
	}
	if (w->once != NULL && (err = store_once(s, w->once, now, 2 * CSRF_MAX_AGE)) != STORE_OK)
		return err;
	if ((err = store_response_add(s, &m, w->ans, w->public_id, w->idlen)) != STORE_OK)
		return err;
	if (w->idem != NULL)
		return store_idem_put(s, w->idem->key, w->idem->body, w->public_id, now);
	return STORE_OK;
}

/* See app_internal.h: answer_write in a batch, counted once committed. */
enum store_err app_store_answer(struct app *a, const struct survey *sv, int version,
                                   const struct invitation *inv, const unsigned char *hash,
                                   const unsigned char *once, struct app_idem *idem,
                                   const char *agency, const char *domain, const char *channel,
                                   const struct answers *ans, char *public_id, size_t idlen,
                                   const char *phone, struct followup_opened *opened,
                                   struct integrity_flags *flags)
{
	struct followup_contact_in contact = {.phone = phone, .key = a->contact_key};
	struct answer_write w = {
		.sv = sv, .version = version, .inv = inv, .hash = hash, .once = once, .idem = idem,
		.agency = agency, .domain = domain, .channel = channel, .ans = ans,
		.public_id = public_id, .idlen = idlen,
		.contact = phone != NULL && a->has_contact_key ? &contact : NULL, .opened = opened,
		.flags = flags,
	};
	enum store_err err = commit_submit(a->committer, a->store, answer_write, &w);
	/* Counted only once committed, and not a replay of a stored answer. */
	if (err == STORE_OK && (idem == NULL || !idem->found))
		metrics_answer(inv != NULL ? inv->channel : channel);
	/* A write undone (a refusal, a failed batch) opened nothing. */
	if (err != STORE_OK && opened != NULL)
		memset(opened, 0, sizeof *opened);
	return err;
}

/* One of the two: an error against field when code is missing or not registered. */
static enum store_err check_code(struct app *a, enum registry_kind k, const char *code,
                                 const char *field, struct answer_errors *errs)
{
	bool exists = false;
	if (code == NULL || *code == '\0') {
		answer_errors_add(errs, field, ANSWER_REQUIRED);
		return STORE_OK;
	}
	if (code_valid(code)) {
		enum store_err e = store_registry_exists(a->store, k, code, &exists);
		if (e != STORE_OK)
			return e; /* the database could not say: not "unknown option" */
	}
	if (!exists)
		answer_errors_add(errs, field, ANSWER_UNKNOWN_OPTION);
	return STORE_OK;
}

/* The name of code in list (zh), or NULL. */
static const char *registry_name(const struct registry_list *list, const char *code)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->v[i].code, code) == 0)
			return list->v[i].name[LANG_ZH];
	return NULL;
}

/*
 * Say which pair was refused, names beside codes, and what the agency
 * enforces: 'A18 (市统计局) does not enforce fire (消防); A18 enforces
 * statistics (统计)'.  The names are a help: when the registry cannot be
 * read now, the codes alone.
 */
static void refused_pair(struct app *a, const char *agency, const char *domain, char *out,
                         size_t n)
{
	struct registry_list ag = {0}, dom = {0};
	struct agency_domain_list pairs = {0};
	struct sbuf m;
	const char *an = NULL, *dn = NULL;

	sbuf_init(&m);
	bool names = store_registry_list(a->store, REGISTRY_AGENCY, &ag) == STORE_OK &&
	             store_registry_list(a->store, REGISTRY_DOMAIN, &dom) == STORE_OK;
	if (names) {
		an = registry_name(&ag, agency);
		dn = registry_name(&dom, domain);
	}
	sbuf_printf(&m, "%s%s%s%s does not enforce %s%s%s%s", agency, an ? " (" : "", an ? an : "",
	            an ? ")" : "", domain, dn ? " (" : "", dn ? dn : "", dn ? ")" : "");
	if (store_agency_domain_list(a->store, &pairs) == STORE_OK) {
		size_t k = 0;
		for (size_t i = 0; i < pairs.n; i++) {
			if (strcmp(pairs.v[i].agency, agency) != 0)
				continue;
			const char *nm = names ? registry_name(&dom, pairs.v[i].domain) : NULL;
			sbuf_printf(&m, "%s%s%s%s%s", k++ ? ", " : "; it enforces ", pairs.v[i].domain,
			            nm ? " (" : "", nm ? nm : "", nm ? ")" : "");
		}
	}
	sbuf_adds(&m, " (GET /api/v1/registry lists each agency's domains)");
	sbuf_add(&m, "", 1);
	snprintf(out, n, "%s", m.data);
	sbuf_free(&m);
	agency_domain_list_free(&pairs);
	registry_list_free(&ag);
	registry_list_free(&dom);
}

enum store_err app_check_context(struct app *a, const char *agency, const char *domain,
                                 const char *agency_field, const char *domain_field,
                                 struct answer_errors *errs, char *refused, size_t n)
{
	size_t before = errs->n;
	bool allowed = true;
	if (n > 0)
		refused[0] = '\0';
	enum store_err e = check_code(a, REGISTRY_AGENCY, agency, agency_field, errs);
	if (e != STORE_OK)
		return e;
	if ((e = check_code(a, REGISTRY_DOMAIN, domain, domain_field, errs)) != STORE_OK)
		return e;
	if (errs->n != before)
		return STORE_OK;
	/* Both registered: does the agency enforce the domain (no pairs: any)? */
	if ((e = store_agency_domain_allowed(a->store, agency, domain, &allowed)) != STORE_OK)
		return e;
	if (!allowed) {
		answer_errors_add(errs, domain_field, ANSWER_NOT_ENFORCED);
		refused_pair(a, agency, domain, refused, n);
	}
	return STORE_OK;
}

/* Merge b's errors after a's (a's first, one per item). */
void app_errors_merge(struct answer_errors *into, const struct answer_errors *from)
{
	for (size_t i = 0; i < from->n; i++)
		answer_errors_add(into, from->v[i].item, from->v[i].code);
}

/* What item it takes, for a developer: 'an integer 1..5 or "na"'. */
static void item_expects(const struct survey *sv, const struct item *it, struct sbuf *out)
{
	switch (it->type) {
	case ITEM_SCALE:
		sbuf_printf(out, "an integer 1..%d%s", sv->points, it->allow_na ? " or \"na\"" : "");
		return;
	case ITEM_TEXT:
		sbuf_printf(out, "a string of at most %zu characters", it->max_length);
		return;
	case ITEM_CHOICE:
	case ITEM_MULTI:
		sbuf_printf(out, "%s", it->type == ITEM_CHOICE ? "one of " : "an array of values from ");
		for (size_t i = 0; i < it->noptions; i++)
			sbuf_printf(out, "%s\"%s\"", i == 0 ? "" : ", ", it->options[i].value);
		return;
	default:
		sbuf_printf(out, "a value");
	}
}

/*
 * A message for a developer: what was wrong and what the field takes
 * (the range, the type, the options), e.g.
 *   legality: out of range; give an integer 1..5 or "na"
 */
static void error_message(const struct survey *sv, const struct answer_error *e,
                          const char *refused, struct sbuf *out)
{
	const struct item *it = e->item != NULL ? survey_item(sv, e->item) : NULL;
	bool context = e->item != NULL && (strcmp(e->item, "agency") == 0 || strcmp(e->item, "domain") == 0);
	if (it == NULL && context && e->code == ANSWER_NOT_ENFORCED) {
		sbuf_printf(out, "%s: %s", e->item, refused != NULL && *refused ? refused
		            : "the agency does not enforce this domain (GET /api/v1/registry lists each "
		              "agency's domains)");
		return;
	}
	if (it == NULL && context) {
		sbuf_printf(out, "%s: %s; without a token give a registered %s code (GET /api/v1/registry "
		            "lists them)", e->item, e->code == ANSWER_REQUIRED ? "required" : "not registered",
		            e->item);
		return;
	}
	if (it == NULL && e->code == ANSWER_UNKNOWN_ITEM) {
		sbuf_printf(out, "survey \"%s\" has no item \"%s\" (GET /api/v1/surveys/%s lists its items)",
		            sv->id, e->item, sv->id);
		return;
	}
	if (it != NULL && e->code == ANSWER_EXCLUSIVE) {
		/* Name the option by its value and its own texts: "none" (以上情况均未遇到 / None of the above). */
		sbuf_printf(out, "%s: ", it->id);
		for (size_t k = 0, n = 0; k < it->noptions; k++)
			if (it->options[k].exclusive)
				sbuf_printf(out, "%s\"%s\" (%s / %s)", n++ ? " or " : "", it->options[k].value,
				            it->options[k].text.s[LANG_ZH], it->options[k].text.s[LANG_EN]);
		sbuf_adds(out, " stands alone; send it without the other options, or drop it");
		return;
	}
	if (it == NULL || e->code == ANSWER_EMPTY || e->code == ANSWER_BAD_UTF8 ||
	    e->code == ANSWER_CONTROL_CHARS || e->code == ANSWER_DUPLICATE_OPTION) {
		sbuf_printf(out, "%s%s%s", e->item ? e->item : "", e->item ? ": " : "",
		            answer_err_message(e->code, LANG_EN));
		return;
	}
	static const char *const what[ANSWER__MAX] = {
		[ANSWER_REQUIRED] = "required",
		[ANSWER_NOT_INTEGER] = "not a whole number",
		[ANSWER_OUT_OF_RANGE] = "out of range",
		[ANSWER_NA_NOT_ALLOWED] = "\"na\" is not allowed for this item",
		[ANSWER_UNKNOWN_OPTION] = "not an option of this item",
		[ANSWER_TOO_LONG] = "too long",
		[ANSWER_MULTIPLE_VALUES] = "one value only",
		[ANSWER_WRONG_TYPE] = "wrong JSON type",
	};
	sbuf_printf(out, "%s: %s; give ", it->id, what[e->code] ? what[e->code] : "invalid");
	if (e->code == ANSWER_NA_NOT_ALLOWED)
		sbuf_printf(out, "an integer 1..%d", sv->points);
	else
		item_expects(sv, it, out);
}

/* Per-field errors as a JSON array for the API. */
cJSON *app_errors_json(const struct survey *sv, const struct answer_errors *errs,
                       const char *refused)
{
	cJSON *arr = cJSON_CreateArray();
	struct sbuf msg;
	sbuf_init(&msg);
	for (size_t i = 0; i < errs->n; i++) {
		cJSON *o = cJSON_CreateObject();
		if (errs->v[i].item != NULL)
			cJSON_AddStringToObject(o, "field", errs->v[i].item);
		else
			cJSON_AddNullToObject(o, "field");
		cJSON_AddStringToObject(o, "code", answer_err_code(errs->v[i].code));
		sbuf_reset(&msg);
		error_message(sv, &errs->v[i], refused, &msg);
		sbuf_add(&msg, "", 1);
		cJSON_AddStringToObject(o, "message", msg.data);
		cJSON_AddItemToArray(arr, o);
	}
	sbuf_free(&msg);
	return arr;
}

