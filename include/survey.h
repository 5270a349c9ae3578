/*
 * survey — survey definitions (the JSON files in surveys/, CONTRACT §2) and the answers
 * given to them.
 *
 * survey_parse() turns a definition's JSON text into a checked, immutable
 * struct survey, or names the file, the item and the rule it broke.
 *
 * Answers reach manyi from three places — the HTML form, the JSON API and
 * CSV imports — and all three are validated by the one function
 * answers_check(): each source first reduces what it received to a list of
 * (item id, string value) pairs (struct pairs), then answers_check() applies
 * every rule of the definition and reports one error per offending item.
 *
 * Value conventions in pairs:
 *   scale   one value, "1".."points", or "na" when the item allows it
 *   choice  one value, an option value
 *   multi   one pair per selected option (repeat the key)
 *   text    one value, any valid UTF-8 up to max_length code points
 *   points  one value, "0".."max" (reviewer rubrics only)
 *   flag    one value, "yes" or "no" (reviewer rubrics only)
 * An empty string counts as "not answered".
 *
 * A reviewer rubric (audience "reviewer", CONTRACT §6) is the scoring form
 * of a case-file review: points items (an integer 0..max each, their sum a
 * file's total), flag items (major defects: any "yes" fails the file) and
 * text items; it has no scale and no scale, choice or multi items, and
 * points and flag items belong to rubrics only.  A rubric is no public
 * survey: the form, the answer API, invitations, stats and export refuse it
 * (survey_is_rubric()).
 */
#ifndef MANYI_SURVEY_H
#define MANYI_SURVEY_H

#include <stdbool.h>
#include <stddef.h>

enum lang { LANG_ZH, LANG_EN, LANG__MAX };

/* "zh" / "en". */
const char *lang_code(enum lang l);
/*
 * Accept "zh", "en" and tags such as "zh-CN", "zh_Hans" or "en-US": the
 * part before the first '-' or '_' decides, case-insensitively.  s may be
 * NULL.  Returns false, leaving *out alone, when s is not understood.
 */
bool lang_parse(const char *s, enum lang *out);

/* A text in every language; all members non-NULL in a parsed survey. */
struct i18n {
	char *s[LANG__MAX];
};

enum item_type { ITEM_SCALE, ITEM_CHOICE, ITEM_MULTI, ITEM_TEXT, ITEM_POINTS, ITEM_FLAG, ITEM__MAX };

enum audience { AUDIENCE_ENTERPRISE, AUDIENCE_PUBLIC, AUDIENCE_REVIEWER, AUDIENCE__MAX };

#define SURVEY_MAX_POINTS 11
#define SURVEY_MAX_ITEMS 200
#define SURVEY_MAX_OPTIONS 64
#define SURVEY_TEXT_DEFAULT_MAX 2000
#define SURVEY_TEXT_LIMIT 20000
#define SURVEY_POINTS_LIMIT 1000 /* the largest max of a points item */

struct survey_option {
	char *value;      /* [a-z0-9_-]{1,64}, unique within the item */
	struct i18n text;
	bool exclusive;   /* multi only: "none of the above", never ticked with another */
};

struct item {
	char *id;              /* [a-z][a-z0-9_]{0,63}, unique */
	enum item_type type;
	struct i18n text;
	bool required;         /* default false */
	bool allow_na;         /* scale only; default false */
	double index_weight;   /* scale only; >= 0; default 0 */
	struct survey_option *options;/* choice and multi: 1..SURVEY_MAX_OPTIONS */
	size_t noptions;
	size_t max_length;     /* text only, in code points; default 2000 */
	int max;               /* points only: 1..SURVEY_POINTS_LIMIT, the most awarded */
};

/*
 * Which answers open a follow-up case (docs/followup.md): a value of the
 * scale item that counts as bad, or a ticked misconduct option of the multi
 * item.  From the definition's optional "followup" member
 *   {"item": "overall", "bad": [1, 2],
 *    "misconduct_item": "problems", "misconduct": ["fees_favours", "rude"]}
 * or, without it, item "overall" when there is such a scale item, bad the
 * bottom two-fifths of the scale rounded down (5 points: 1 and 2), no
 * misconduct.  misconduct_item defaults to "problems".
 */
struct survey_followup {
	int item;                          /* index of the scale item; -1: none */
	bool bad[SURVEY_MAX_POINTS + 1];   /* bad[v] for v in 1..points */
	int misconduct_item;               /* index of the multi item; -1: none */
	unsigned long long misconduct;     /* bit i: option i of it opens a case */
};

struct survey {
	char *id;                  /* [a-z0-9-]{1,64} */
	int version;               /* >= 1, as declared in the file */
	enum audience audience;
	struct i18n title;
	struct i18n intro;
	int points;                /* 2..SURVEY_MAX_POINTS; 0 in a rubric (no scale) */
	bool satisfied[SURVEY_MAX_POINTS + 1]; /* satisfied[v] for v in 1..points */
	char **labels[LANG__MAX];  /* labels[lang][0..points-1]; NULL in a rubric */
	struct item *items;
	size_t nitems;
	struct survey_followup followup; /* none in a rubric (both indexes -1) */
	char *canonical;           /* the definition as compact JSON */
};

enum survey_err {
	SURVEY_OK,
	SURVEY_ERR_SYNTAX,   /* not JSON */
	SURVEY_ERR_RULE,     /* JSON, but breaks a rule of CONTRACT §2 */
	SURVEY_ERR_IO,       /* survey_load_file() could not read the file */
	SURVEY_ERR__MAX
};

const char *survey_strerror(enum survey_err e);

/*
 * Parse and check the definition in the len bytes at json (borrowed, need
 * not be NUL-terminated; a NUL byte in it is a syntax error; NULL counts as
 * empty).  name (borrowed; NULL: "survey") is used in messages, usually the
 * file name.  On success *out is a new survey (caller frees
 * with survey_free()).  On failure *out is NULL and msg (capacity msglen)
 * holds one line such as
 *   surveys/x.json: item "legality": index_weight must be a number >= 0
 */
enum survey_err survey_parse(const char *name, const char *json, size_t len,
                             struct survey **out, char *msg, size_t msglen);
/* Read the file at path (at most 1 MiB, SURVEY_FILE_MAX in survey.c; a
 * larger file is SURVEY_ERR_IO) and survey_parse() it with path as the name. */
enum survey_err survey_load_file(const char *path, struct survey **out,
                                 char *msg, size_t msglen);
/* Free s and everything it owns; accepts NULL and a partly filled survey. */
void survey_free(struct survey *s);

/* The item with this id, or NULL. Borrowed from s. */
const struct item *survey_item(const struct survey *s, const char *id);
/* Index of the option with this value in it, or -1. */
int item_option(const struct item *it, const char *value);
const char *item_type_name(enum item_type t);
const char *audience_name(enum audience a);
/* Is s a reviewer rubric (audience "reviewer")?  False for NULL. */
bool survey_is_rubric(const struct survey *s);
/* The sum of the max of s's points items: the best total a file can get. */
int survey_points_total(const struct survey *s);

/* (key, value) pairs; both strings owned by the list. */
struct pair {
	char *key;
	char *value;
};

struct pairs {
	struct pair *v;
	size_t n;
	size_t cap;
};

/* Make p an empty list. */
void pairs_init(struct pairs *p);
/*
 * Free every key and value and empty p (the struct itself is the caller's);
 * it may be reused after.  Accepts NULL.
 */
void pairs_free(struct pairs *p);
/* Append copies of key and value (both borrowed; value NUL-terminated). */
void pairs_add(struct pairs *p, const char *key, const char *value);
/* Append a copy of key and of the n bytes at value, NUL added. */
void pairs_addn(struct pairs *p, const char *key, const char *value, size_t n);
/* First value for key, or NULL. Borrowed. */
const char *pairs_get(const struct pairs *p, const char *key);

/* One item's answer after checking. */
struct answer {
	bool present;        /* false: not answered (missing) */
	bool na;             /* scale: "not applicable" (present, value missing) */
	int scale;           /* scale: 1..points; points: 0..max */
	bool flag;           /* flag: true for "yes" */
	int choice;          /* choice: option index */
	unsigned long long multi; /* multi: bit i set = option i chosen */
	char *text;          /* text: the answer, owned */
};

/* Answers to one survey, one per item in definition order. */
struct answers {
	const struct survey *survey; /* borrowed */
	struct answer *a;            /* nitems entries */
};

enum answer_err {
	ANSWER_OK,
	ANSWER_REQUIRED,        /* a required item was not answered */
	ANSWER_NOT_INTEGER,     /* scale value is not a whole number */
	ANSWER_OUT_OF_RANGE,    /* scale value outside 1..points */
	ANSWER_NA_NOT_ALLOWED,  /* "na" given to an item without allow_na */
	ANSWER_UNKNOWN_OPTION,  /* choice/multi value that is not an option */
	ANSWER_TOO_LONG,        /* text longer than max_length code points */
	ANSWER_BAD_UTF8,        /* bytes that are not UTF-8 */
	ANSWER_CONTROL_CHARS,   /* control characters in text */
	ANSWER_UNKNOWN_ITEM,    /* a key that is no item of the survey */
	ANSWER_MULTIPLE_VALUES, /* several values for a scale/choice/text item */
	ANSWER_DUPLICATE_OPTION,/* the same multi option twice */
	ANSWER_WRONG_TYPE,      /* JSON value of the wrong type (set by callers) */
	ANSWER_EMPTY,           /* nothing answered at all */
	ANSWER_EXCLUSIVE,       /* an exclusive multi option ticked with another */
	ANSWER_NOT_ENFORCED,    /* a domain the chosen agency does not enforce (set by callers) */
	ANSWER__MAX
};

/* A stable machine code, e.g. "out_of_range". */
const char *answer_err_code(enum answer_err e);
/* A sentence for a person, in the given language. */
const char *answer_err_message(enum answer_err e, enum lang l);
/*
 * The sentence for error e of item it (borrowed; NULL for no item) in l,
 * appended to out: answer_err_message(), except where the item's
 * definition says more — for ANSWER_EXCLUSIVE the item's exclusive options
 * are quoted by their own text in l, joined by "或" / "or" when there are
 * several ("“以上情况均未遇到”不能与其他选项同时选择，请检查。").
 */
struct sbuf;
void answer_err_explain(const struct item *it, enum answer_err e, enum lang l, struct sbuf *out);

/*
 * One error.  item is borrowed: from the survey for its items, from the
 * input pairs for unknown keys (valid while they live), a string literal
 * for form control fields ("_agency", "_domain"), or NULL for the whole form.
 */
struct answer_error {
	const char *item;
	enum answer_err code;
};

#define ANSWER_ERRORS_MAX (SURVEY_MAX_ITEMS + 1)

struct answer_errors {
	struct answer_error v[ANSWER_ERRORS_MAX];
	size_t n;
};

/*
 * Check pairs against survey s.  Keys not naming an item give
 * ANSWER_UNKNOWN_ITEM unless ignore_unknown is set (the HTML form
 * carries its own control fields).  errs is emptied first.  Fills *out
 * (free with answers_free()) whatever happens, so that a form can be
 * re-rendered; an item with an error is left not present in *out, so only
 * checked values are ever there.  Returns true when errs->n == 0.  A survey
 * answered with nothing at all is ANSWER_EMPTY.  s and in are borrowed;
 * out->survey borrows s.
 */
bool answers_check(const struct survey *s, const struct pairs *in,
                   bool ignore_unknown, struct answers *out,
                   struct answer_errors *errs);
/* Free the texts and the array of a (a itself is the caller's); accepts NULL. */
void answers_free(struct answers *a);
/* Add an error unless the item already has one. */
void answer_errors_add(struct answer_errors *e, const char *item,
                       enum answer_err code);
/* The error for an item, or ANSWER_OK. */
enum answer_err answer_errors_for(const struct answer_errors *e, const char *item);

/*
 * The channels an answer can come through, in a fixed order (metrics and
 * the registry list them so): web (the form), qr (the form from a QR
 * code), phone, paper, kiosk, api, other.
 */
#define RESPONSE_CHANNELS 7
extern const char *const response_channels[RESPONSE_CHANNELS];
/* The index of channel in response_channels, or -1. */
int response_channel_index(const char *channel);

/*
 * The outcomes of a phone case (CONTRACT §6, dispositions): complete,
 * partial, refusal, non_contact, other, unknown, ineligible, in this order.
 */
enum disposition { DISP_COMPLETE, DISP_PARTIAL, DISP_REFUSAL, DISP_NON_CONTACT, DISP_OTHER,
                   DISP_UNKNOWN, DISP_INELIGIBLE, DISP__MAX };
extern const char *const disposition_names[DISP__MAX];
/* The outcome called name, or -1. */
int disposition_index(const char *name);

#endif
