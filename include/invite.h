/*
 * invite — one-time invitations minted from an encounter's record.
 *
 * A token is 22 characters of the base64url alphabet drawn from libsodium's
 * generator (131.9 bits), the first a letter or a digit, so that a token
 * never starts with '-' (or anything a spreadsheet reads as a formula) and
 * is never taken for a command-line option.  Only its BLAKE2b-256 hash is stored, with the
 * survey, the encounter, the channel an answer through it records (web for
 * a link, qr for a printed notice, phone for a call list) and an expiry.
 * Each mint makes a new token; every token of an encounter stays valid
 * until it expires, but an encounter is answered at most once (a unique
 * index on response.encounter_id), whatever token or channel is used.
 *
 * It also makes the links the tokens travel in, from the one base URL the
 * command line and the server share.
 */
#ifndef MANYI_INVITE_H
#define MANYI_INVITE_H

#include <stddef.h>
#include <time.h>

#include "store.h"

#define INVITE_TOKEN_LEN 23       /* 22 characters and NUL */
#define INVITE_DEFAULT_DAYS 30
#define INVITE_MAX_DAYS 3650

/* A fresh random token (see above) into token. */
void invite_token_new(char token[INVITE_TOKEN_LEN]);

/*
 * Mint a token for (survey, encounter) valid for days from now, store its
 * hash, and write the token into token.  Runs in the caller's transaction
 * when one is open.
 */
enum store_err invite_mint(struct store *s, const char *survey, const char *encounter,
                           const char *channel, int days, time_t now,
                           char token[INVITE_TOKEN_LEN]);

enum invite_state {
	INVITE_VALID,
	INVITE_UNKNOWN,    /* no such token (or not for this survey) */
	INVITE_USED,       /* this token was used */
	INVITE_ANSWERED,   /* the encounter was answered through another token or channel */
	INVITE_EXPIRED,
	INVITE_BUSY,       /* the database is busy: nothing is known, try again (503) */
	INVITE_FAILED,     /* the database failed: nothing is known (500) */
	INVITE__MAX
};

/*
 * Look a token up for survey.  On INVITE_VALID (and USED/ANSWERED/EXPIRED)
 * *inv describes it and hash holds its hash (for invite_use()).
 */
enum invite_state invite_resolve(struct store *s, const char *survey, const char *token,
                                 time_t now, struct invitation *inv, unsigned char hash[32]);

/*
 * The invitation token is, whatever its state (used, expired, its
 * encounter answered: none of these is looked at, so that a caller that
 * renders it does the same work either way).  STORE_ERR_NOTFOUND for a
 * token that is no invitation (or not a token at all); another error when
 * the database did not answer.
 */
enum store_err invite_lookup(struct store *s, const char *token, struct invitation *inv);

/* "{base}/s/{survey}?t={token}" into out (capacity n, truncated to fit);
 * trailing slashes of base are dropped. */
void invite_url(const char *base, const char *survey, const char *token, char *out, size_t n);

/*
 * The base URL links are made with: $MANYI_BASE_URL when set (an override),
 * else the database's setting base_url as invite_base_url_load() read it
 * (`manyi init --base-url`, set by make run), else http://127.0.0.1:8080.
 * The CLI and the server share it, so their links agree.
 */
const char *invite_base_url(void);
/* Read the setting from s; call once at start, before threads.  No setting
 * is STORE_OK; a setting that invite_base_url_valid() refuses is ignored.
 * A store error (busy, ...) is returned and the setting is left as it was:
 * the caller says so rather than make links with another address. */
enum store_err invite_base_url_load(struct store *s);
/* Is url's host a loopback address (a link only this machine can open)? */
bool invite_url_is_loopback(const char *url);
/* Is url an http(s) URL a phone could be sent to: scheme, host, shorter
 * than 512 bytes, no query or fragment, no space, control, quote, '<', '>'
 * or backslash? */
bool invite_base_url_valid(const char *url);

#endif
