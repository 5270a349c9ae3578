/* The crypto module: known answers (from Python's hashlib and hmac), ids, base64url. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "util.h"

static void hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void blake2b_known(void **state)
{
	(void)state;
	unsigned char h[32];
	char x[65];
	crypto_blake2b(h, 32, "", 0);
	hex(h, 32, x);
	assert_string_equal(x, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	crypto_blake2b(h, 16, "abc", 3);
	hex(h, 16, x);
	assert_string_equal(x, "cf4ab791c62b8d2b2109c90275287816");
}

static void blake2b_parts(void **state)
{
	(void)state;
	unsigned char a[16], b[16], key[CRYPTO_BLAKE2B_KEYBYTES];
	char x[33];
	/* Unkeyed: the hash of the concatenation. */
	const struct crypto_part abc[] = {{"a", 1}, {"", 0}, {"bc", 2}};
	crypto_blake2b_parts(a, sizeof a, NULL, 0, abc, ARRAY_SIZE(abc));
	crypto_blake2b(b, sizeof b, "abc", 3);
	assert_memory_equal(a, b, sizeof a);
	/* Keyed, as the throttle tags an address. */
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)i;
	unsigned char kind = 1;
	const struct crypto_part tag[] = {{"manyi-throttle", 14}, {&kind, 1}, {"127.0.0.1", 9}};
	crypto_blake2b_parts(a, sizeof a, key, sizeof key, tag, ARRAY_SIZE(tag));
	hex(a, sizeof a, x);
	assert_string_equal(x, "0603946eb90b72fd8cd995810605186b");
}

static void mac_known(void **state)
{
	(void)state;
	unsigned char key[CRYPTO_MAC_KEYBYTES], mac[CRYPTO_MAC_BYTES];
	char x[65];
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)i;
	const struct crypto_part parts[] = {{"manyi-csrf", 11}, {"survey", 7}};
	crypto_mac(mac, key, parts, ARRAY_SIZE(parts));
	hex(mac, sizeof mac, x);
	assert_string_equal(x, "96836040cd44724d976f6a789d39dea2dd25a140e40f94d3f0bea846164aa6be");
}

static void equal_and_zero(void **state)
{
	(void)state;
	unsigned char a[8] = "abcdefg", b[8] = "abcdefg";
	assert_true(crypto_equal(a, b, sizeof a));
	b[7] = 1;
	assert_false(crypto_equal(a, b, sizeof a));
	assert_true(crypto_equal(a, b, 0));
	crypto_memzero(a, sizeof a);
	for (size_t i = 0; i < sizeof a; i++)
		assert_int_equal(a[i], 0);
}

static void b64url(void **state)
{
	(void)state;
	static const unsigned char in[] = {0xfb, 0xff, 0x00, 'h', 'e', 'l', 'l', 'o'};
	char *s = crypto_b64url_encode(in, sizeof in);
	assert_string_equal(s, "-_8AaGVsbG8");
	assert_int_equal(strlen(s) + 1, CRYPTO_B64URL_LEN(sizeof in));
	unsigned char out[16];
	assert_int_equal(crypto_b64url_decode(s, out, sizeof out), (long)sizeof in);
	assert_memory_equal(out, in, sizeof in);
	free(s);
	/* Not base64url, padded, or too long for out. */
	assert_int_equal(crypto_b64url_decode("ab+/", out, sizeof out), -1);
	assert_int_equal(crypto_b64url_decode("YQ==", out, sizeof out), -1);
	assert_int_equal(crypto_b64url_decode("-_8AaGVsbG8", out, 4), -1);
	for (size_t n = 0; n < 40; n++) {
		unsigned char raw[40] = {0};
		s = crypto_b64url_encode(raw, n);
		assert_int_equal(strlen(s) + 1, CRYPTO_B64URL_LEN(n));
		free(s);
	}
}

static void random_ids(void **state)
{
	(void)state;
	char a[CRYPTO_B64URL_LEN(16)], b[CRYPTO_B64URL_LEN(16)];
	crypto_random_id(a, sizeof a, 16);
	crypto_random_id(b, sizeof b, 16);
	assert_int_equal(strlen(a), 22);
	assert_string_not_equal(a, b);
	for (const char *p = a; *p; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
	/* Every value below the bound turns up; none at or above it. */
	int seen[5] = {0};
	for (int i = 0; i < 500; i++) {
		uint32_t v = crypto_random_below(5);
		assert_true(v < 5);
		seen[v]++;
	}
	for (int i = 0; i < 5; i++)
		assert_true(seen[i] > 0);
}

/* A sealed text opens under its key only, and not once a byte is changed. */
static void seal_roundtrip(void **state)
{
	(void)state;
	unsigned char key[CRYPTO_SEAL_KEYBYTES], other[CRYPTO_SEAL_KEYBYTES];
	crypto_random(key, sizeof key);
	crypto_random(other, sizeof other);
	const char *phone = "13800138000";
	size_t n = strlen(phone);
	unsigned char sealed[64], sealed2[64], out[64];
	crypto_seal(sealed, phone, n, key);
	crypto_seal(sealed2, phone, n, key);
	assert_memory_not_equal(sealed, sealed2, n + CRYPTO_SEAL_OVERHEAD); /* a fresh nonce each time */
	assert_null(memmem(sealed, n + CRYPTO_SEAL_OVERHEAD, phone, n));
	assert_true(crypto_unseal(out, sealed, n + CRYPTO_SEAL_OVERHEAD, key));
	assert_memory_equal(out, phone, n);
	assert_false(crypto_unseal(out, sealed, n + CRYPTO_SEAL_OVERHEAD, other));
	sealed[30] ^= 1;
	assert_false(crypto_unseal(out, sealed, n + CRYPTO_SEAL_OVERHEAD, key));
	assert_false(crypto_unseal(out, sealed, CRYPTO_SEAL_OVERHEAD - 1, key));
}

/* A key file is made once (0600) and read back the same; a bad one is refused. */
static void key_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/manyi-key-XXXXXX", path[64], msg[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/contact.key", dir);
	unsigned char a[CRYPTO_SEAL_KEYBYTES], b[CRYPTO_SEAL_KEYBYTES];
	assert_false(crypto_key_file(path, false, a, msg, sizeof msg));
	assert_non_null(strstr(msg, "contact.key"));
	assert_true(crypto_key_file(path, true, a, msg, sizeof msg));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(crypto_key_file(path, true, b, msg, sizeof msg));
	assert_memory_equal(a, b, sizeof a);
	FILE *f = fopen(path, "w");
	fputs("not a key\n", f);
	fclose(f);
	assert_false(crypto_key_file(path, false, b, msg, sizeof msg));
	assert_non_null(strstr(msg, "64 hexadecimal"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	if (!crypto_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blake2b_known), cmocka_unit_test(blake2b_parts),
		cmocka_unit_test(mac_known),     cmocka_unit_test(equal_and_zero),
		cmocka_unit_test(b64url),        cmocka_unit_test(random_ids),
		cmocka_unit_test(seal_roundtrip), cmocka_unit_test(key_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
