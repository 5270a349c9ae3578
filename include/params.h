/*
 * params — the query keys of the HTTP API and the options of the command
 * line that mean the same thing, checked in one place (kcgi's model).
 *
 * One table, params_table[], indexed by enum param_key, gives every key
 * its name, its longest value, what it takes (for the message) and its
 * validator: a pure function (no I/O, no globals) that turns the decoded
 * text into the key's typed member of struct params, or refuses it.  A
 * route (app.c's route table) or a command (manyi) names the keys it takes
 * and which of them it requires (struct params_keys).  The web parses a
 * query once, before the handler runs (params_parse_query()); the command
 * line passes each option that is also a query key through the same
 * validator (params_set()); both then check what is required
 * (params_require()) and the rules between keys (params_check(): a period
 * that ends before it starts, bom with a format other than csv).  What an
 * agency key may ask of the statistics is params_agency_scope().
 *
 * So the same value gets the same message everywhere.  A message names the
 * key as its interface writes it (enum params_style): "level is a number
 * between 0 and 1, like 0.95" in an API error, "--level is ..." on the
 * command line.
 *
 * In a query, keys a route does not take are ignored; an empty value is
 * the same as no value (the default); a key given twice is refused, as is
 * a value too long for the key or that cannot be decoded.
 */
#ifndef MANYI_PARAMS_H
#define MANYI_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "export.h"
#include "report.h"
#include "survey.h"

enum param_key {
	PARAM_SURVEY,       /* a survey id */
	PARAM_MEASURE,      /* an item id, or index */
	PARAM_BY,           /* up to REPORT_MAX_BY report columns, comma-separated */
	PARAM_WEIGHTING,    /* none, base, poststrat, rake */
	PARAM_FROM,         /* YYYY-MM-DD */
	PARAM_TO,           /* YYYY-MM-DD */
	PARAM_LEVEL,        /* a confidence level in (0, 1) */
	PARAM_LOW_N,        /* the publication threshold */
	PARAM_FORMAT,       /* an export format */
	PARAM_TABLE_FORMAT, /* json or csv (manyi stats); also named "format" */
	PARAM_LANG,         /* zh or en (en-US and the like too) */
	PARAM_BOM,          /* 1 or 0; on the command line a flag */
	PARAM_AGENCY,       /* a registry code */
	PARAM_DOMAIN,       /* a registry code */
	PARAM_CHANNEL,      /* one of response_channels */
	PARAM_LIMIT,        /* a page's length */
	PARAM_CURSOR,       /* a response id, from next_cursor */
	PARAM_VERSION,      /* a publication's version */
	PARAM_BY_AGENCY,    /* agency (manyi fieldwork); also named "by" */
	PARAM_Q,            /* text a free-text answer contains (GET /api/v1/responses) */
	PARAM_TEXT,         /* 1 or 0: only responses with a free-text answer */
	/* the fieldwork's progress (manyi fieldwork --progress) */
	PARAM_TARGET,       /* each agency's target n */
	PARAM_UNTIL,        /* the end of fieldwork, YYYY-MM-DD */
	PARAM_QUALITY_BY,   /* agency, domain, kind or outcome (manyi quality); also named "by" */
	PARAM__MAX
};

#define PARAMS_VALUE_MAX 64 /* no key takes a longer value (bytes, decoded) */
#define PARAMS_LIMIT_MAX 1000
#define PARAMS_LOW_N_MAX 1000000

struct params;

/* One key: the table's row. */
struct param_spec {
	const char *name;    /* in a query; on the command line "--" and the name, '-' for '_' */
	size_t max;          /* the longest value, in bytes (<= PARAMS_VALUE_MAX) */
	const char *metavar; /* in "NAME METAVAR is required" */
	const char *takes;   /* in "NAME is TAKES" */
	bool flag;           /* on the command line an option without a value, meaning 1 */
	/* Pure: true with the key's member of out set, or false (out unchanged). */
	bool (*valid)(const char *value, struct params *out);
};

extern const struct param_spec params_table[PARAM__MAX];

/* What a route or a command does with each key. */
enum param_need { PARAM_UNUSED, PARAM_OPTIONAL, PARAM_REQUIRED };

struct params_keys {
	enum param_need need[PARAM__MAX];
};

/*
 * The keys a statistics query takes (GET /api/v1/stats and public/stats,
 * manyi stats and publish; manyi stats adds its --format), and an export's
 * (GET /api/v1/export, manyi export).
 */
extern const struct params_keys params_stats_keys;
extern const struct params_keys params_export_keys;
/* The statistics' keys with format (json or csv) and lang (the csv's name
 * columns): manyi stats and GET /api/v1/stats. */
extern const struct params_keys params_stats_table_keys;
/* The statistics' keys and a publication's version (GET /api/v1/public/stats). */
extern const struct params_keys params_public_stats_keys;
/* The keys of the fieldwork's figures (GET /api/v1/fieldwork, manyi fieldwork
 * adds its --format): survey, and by (agency only). */
extern const struct params_keys params_fieldwork_keys;
/* The keys of the fieldwork's progress (GET /api/v1/fieldwork/progress, manyi
 * fieldwork --progress adds its --format): survey, target, until, low_n, from, to. */
extern const struct params_keys params_progress_keys;
/* The keys of the enforcement-quality figures (GET /api/v1/quality, manyi
 * quality adds its --format and --lang): survey, by, from, to, level. */
extern const struct params_keys params_quality_keys;
/* The keys of the per-officer satisfaction (GET /api/v1/officers/stats, manyi
 * officers stats): survey, weighting, from, to, level, format. */
extern const struct params_keys params_officer_stats_keys;

/* How a message names a key: "level" (a query) or "--level" (a command line). */
enum params_style { PARAMS_QUERY, PARAMS_OPTION };

/* The typed values; a member means something only when given[] says so. */
struct params {
	bool given[PARAM__MAX]; /* there with a value that passed its validator */
	bool seen[PARAM__MAX];  /* there at all (even empty): a second time is refused */
	char survey[PARAMS_VALUE_MAX + 1];
	char measure[PARAMS_VALUE_MAX + 1];
	enum report_by by[REPORT_MAX_BY];
	size_t nby;
	enum stats_weighting weighting;
	char from[11], to[11];
	double level;
	long low_n;
	enum export_format format;
	bool csv;               /* PARAM_TABLE_FORMAT: csv rather than json */
	enum lang lang;
	bool bom;
	char agency[PARAMS_VALUE_MAX + 1];
	char domain[PARAMS_VALUE_MAX + 1];
	const char *channel;    /* one of response_channels (static) */
	long limit;
	long version;
	char cursor[PARAMS_VALUE_MAX + 1];
	bool by_agency;         /* PARAM_BY_AGENCY */
	char q[PARAMS_VALUE_MAX + 1]; /* PARAM_Q: UTF-8 without controls */
	bool text;              /* PARAM_TEXT */
	long target;            /* PARAM_TARGET */
	char until[11];         /* PARAM_UNTIL */
	int quality_by;         /* PARAM_QUALITY_BY: an enum quality_by */
};

/* Why a value, or a set of values, was refused. */
struct params_error {
	int status;            /* 400: not a value the key takes; 403: not for an agency key */
	enum param_key key;    /* the key the message names first */
	char msg[320];         /* "level is a number between 0 and 1, like 0.95" */
};

/* Nothing given; the members hold the defaults of CONTRACT §3. */
void params_init(struct params *p);

/* The key called name in a query ("format" is PARAM_FORMAT), or PARAM__MAX. */
enum param_key params_key(const char *name);

/* The key's name in style st ("low_n", or "--low-n") into buf; returns buf. */
const char *params_name(enum param_key k, enum params_style st, char *buf, size_t n);

/*
 * Give key k the value (borrowed, decoded, NUL-terminated).  An empty value
 * leaves the default.  False with *err set when k was seen already, or the
 * value is too long or not one k takes.
 */
bool params_set(struct params *p, enum param_key k, const char *value, enum params_style st,
                struct params_error *err);

/*
 * Parse a query string (len bytes, not decoded, borrowed) for the keys
 * keys takes, then params_require() and params_check().  Keys it does not
 * take are ignored, whatever their value.  False with *err set (the first
 * problem, in the order of the query).  p is initialised here.
 */
bool params_parse_query(struct params *p, const struct params_keys *keys, const char *query,
                        size_t len, struct params_error *err);

/* Is every key keys requires given?  False with *err naming the first missing one. */
bool params_require(const struct params *p, const struct params_keys *keys, enum params_style st,
                    struct params_error *err);

/*
 * The rules between keys: from not after to; bom (set) only with format
 * csv.  False with *err set.
 */
bool params_check(const struct params *p, enum params_style st, struct params_error *err);

/* The statistics query p asks for (report_query_default() where not given); q borrows from p. */
void params_report_query(const struct params *p, struct report_query *q);

/* The export options p asks for (export_options_default() where not given); o borrows from p. */
void params_export_options(const struct params *p, struct export_options *o);

/*
 * Narrow q to what an agency key (of agency, borrowed) may see: its own
 * agency's groups beside the overall row (agency becomes the first by
 * column), whole months, the publication threshold or more, and no column
 * that could single out the enterprises it inspected (district, outcome,
 * channel).  False with *err (status 403) when q asks for more.
 */
bool params_agency_scope(struct report_query *q, const char *agency, struct params_error *err);

#endif
