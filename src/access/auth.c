/* auth — see include/auth.h. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "util.h"

#define ID_CHARS 12
#define SECRET_CHARS 43

_Static_assert(ID_CHARS + 1 == AUTH_ID_LEN, "AUTH_ID_LEN holds an id");

static const char *const role_names[ROLE__MAX] = {"evaluator", "agency", "reviewer"};

const char *role_name(enum role r)
{
	return r < ROLE__MAX ? role_names[r] : "?";
}

bool role_parse(const char *s, enum role *r)
{
	for (int i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*r = (enum role)i;
			return true;
		}
	return false;
}

static void key_hash(const char *key, unsigned char hash[32])
{
	crypto_blake2b(hash, 32, key, strlen(key));
}

enum store_err auth_key_create(struct store *s, enum role r, const char *agency,
                               char key[AUTH_KEY_LEN], char id[16])
{
	unsigned char hash[32];
	char sec[CRYPTO_B64URL_LEN(32)];
	crypto_random_id(id, 16, 9);
	crypto_random_id(sec, sizeof sec, 32);
	snprintf(key, AUTH_KEY_LEN, "mk_%s_%s", id, sec);
	key_hash(key, hash);
	crypto_memzero(sec, sizeof sec);
	enum store_err e = store_key_add(s, id, hash, role_name(r), agency);
	if (e == STORE_OK) {
		char detail[96];
		snprintf(detail, sizeof detail, "role=%s%s%s", role_name(r), agency ? " agency=" : "",
		         agency ? agency : "");
		e = store_audit(s, "cli", "key create", id, detail);
	}
	return e;
}

/* Is c a base64url character? */
static bool b64c(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

enum auth_result auth_parse(const char *header, const char **key, char id[AUTH_ID_LEN])
{
	if (header == NULL || *header == '\0')
		return AUTH_MISSING;
	if (strncasecmp(header, "Bearer ", 7) != 0)
		return AUTH_MALFORMED;
	const char *k = header + 7;
	while (*k == ' ')
		k++;
	size_t n = strlen(k);
	if (n != 3 + ID_CHARS + 1 + SECRET_CHARS || strncmp(k, "mk_", 3) != 0 ||
	    k[3 + ID_CHARS] != '_')
		return AUTH_MALFORMED;
	for (size_t i = 3; i < n; i++)
		if (i != 3 + ID_CHARS && !b64c(k[i]))
			return AUTH_MALFORMED;
	memcpy(id, k + 3, ID_CHARS);
	id[ID_CHARS] = '\0';
	*key = k;
	return AUTH_OK;
}

enum auth_result auth_check(struct store *s, const char *header, struct principal *p)
{
	struct api_key k;
	unsigned char hash[32];
	char id[AUTH_ID_LEN];
	const char *key;
	enum auth_result r = auth_parse(header, &key, id);

	if (r != AUTH_OK)
		return r;
	key_hash(key, hash);
	enum store_err e = store_key_get(s, id, &k);
	if (e != STORE_OK && e != STORE_ERR_NOTFOUND)
		return e == STORE_ERR_BUSY ? AUTH_BUSY : AUTH_FAILED; /* not "unknown key" */
	if (e != STORE_OK) {
		/* Same work as a found key, so timing does not tell ids apart. */
		unsigned char zero[32] = {0};
		volatile bool sink = crypto_equal(hash, zero, 32);
		(void)sink;
		return AUTH_UNKNOWN;
	}
	if (!crypto_equal(hash, k.hash, 32))
		return AUTH_UNKNOWN;
	if (k.revoked)
		return AUTH_REVOKED;
	/* Only the two roles the schema allows; anything else grants nothing. */
	if (!role_parse(k.role, &p->role) || p->role == ROLE_REVIEWER)
		return AUTH_UNKNOWN;
	snprintf(p->key_id, sizeof p->key_id, "%s", id);
	snprintf(p->agency, sizeof p->agency, "%s", k.agency);
	p->user[0] = '\0';
	p->reviewer[0] = '\0';
	p->session_expires = 0;
	return AUTH_OK;
}
