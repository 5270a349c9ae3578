/* invite — see include/invite.h. */
#include "invite.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "util.h"

/* BLAKE2b-256 of the token text. */
static void token_hash(const char *token, unsigned char hash[32])
{
	crypto_blake2b(hash, 32, token, strlen(token));
}

/* base64url's alphabet: the first 62 are letters and digits. */
static const char token_alphabet[64] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void invite_token_new(char token[INVITE_TOKEN_LEN])
{
	unsigned char raw[INVITE_TOKEN_LEN - 2];
	/* The first of 62 letters and digits (5.95 bits), each other of all
	 * 64 (6 bits: a byte's low 6 bits are uniform): 131.9 bits. */
	token[0] = token_alphabet[crypto_random_below(62)];
	crypto_random(raw, sizeof raw);
	for (size_t i = 0; i < sizeof raw; i++)
		token[i + 1] = token_alphabet[raw[i] & 63];
	token[INVITE_TOKEN_LEN - 1] = '\0';
	crypto_memzero(raw, sizeof raw);
}

enum store_err invite_mint(struct store *s, const char *survey, const char *encounter,
                           const char *channel, int days, time_t now,
                           char token[INVITE_TOKEN_LEN])
{
	unsigned char hash[32];
	invite_token_new(token);
	token_hash(token, hash);
	return store_invitation_add(s, hash, survey, encounter, channel, (long long)now,
	                            (long long)now + (long long)days * 86400);
}

/* 22 characters of the base64url alphabet? */
static bool token_shaped(const char *token)
{
	size_t n = strlen(token);
	if (n != INVITE_TOKEN_LEN - 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = token[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

enum store_err invite_lookup(struct store *s, const char *token, struct invitation *inv)
{
	unsigned char hash[32];
	if (!token_shaped(token))
		return STORE_ERR_NOTFOUND;
	token_hash(token, hash);
	return store_invitation_get(s, hash, inv);
}

enum invite_state invite_resolve(struct store *s, const char *survey, const char *token,
                                 time_t now, struct invitation *inv, unsigned char hash[32])
{
	if (!token_shaped(token))
		return INVITE_UNKNOWN;
	token_hash(token, hash);
	enum store_err e = store_invitation_get(s, hash, inv);
	if (e == STORE_ERR_NOTFOUND || (e == STORE_OK && strcmp(inv->survey, survey) != 0))
		return INVITE_UNKNOWN;
	bool answered = false;
	if (e == STORE_OK && !inv->used)
		e = store_encounter_answered(s, inv->encounter, &answered);
	/* The database could not say: not the respondent's fault, not counted. */
	if (e != STORE_OK)
		return e == STORE_ERR_BUSY ? INVITE_BUSY : INVITE_FAILED;
	if (inv->used)
		return INVITE_USED;
	if (answered)
		return INVITE_ANSWERED;
	if ((long long)now >= inv->expires_at)
		return INVITE_EXPIRED;
	return INVITE_VALID;
}

void invite_url(const char *base, const char *survey, const char *token, char *out, size_t n)
{
	size_t len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	snprintf(out, n, "%.*s/s/%s?t=%s", (int)len, base, survey, token);
}

static char stored_base[512];

enum store_err invite_base_url_load(struct store *s)
{
	char v[sizeof stored_base];
	enum store_err e = store_setting_get(s, "base_url", v, sizeof v);
	if (e == STORE_OK && invite_base_url_valid(v))
		memcpy(stored_base, v, sizeof v);
	return e == STORE_ERR_NOTFOUND ? STORE_OK : e;
}

const char *invite_base_url(void)
{
	const char *b = getenv("MANYI_BASE_URL");
	if (b != NULL && *b != '\0')
		return b;
	return *stored_base ? stored_base : "http://127.0.0.1:8080";
}

bool invite_url_is_loopback(const char *url)
{
	const char *host = strstr(url, "://");
	host = host != NULL ? host + 3 : url;
	size_t len = strcspn(host, ":/?#");
	if (host[0] == '[')
		len = strcspn(host, "]") + 1;
	return (len >= 4 && strncmp(host, "127.", 4) == 0) ||
	       (len == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	       (len == 5 && strncmp(host, "[::1]", 5) == 0) ||
	       (len == 7 && strncmp(host, "0.0.0.0", 7) == 0);
}

bool invite_base_url_valid(const char *url)
{
	size_t scheme = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
	if (scheme == 0 || strlen(url) >= sizeof stored_base || url[scheme] == '\0' || url[scheme] == '/')
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '?' || *p == '#' || *p == '"' ||
		    *p == '<' || *p == '>' || *p == '\\')
			return false;
	return true;
}
