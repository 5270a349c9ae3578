/*
 * Replays a fuzz corpus through a libFuzzer entry point, so that every
 * corpus file (seeds and past crashes) runs as a regression test in
 * `make test`.  Prints one TAP line per file.  With clang's
 * -fsanitize=fuzzer the same drivers fuzz for real (`make fuzz`).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, int n)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		printf("not ok %d - %s: cannot open\n", n, path);
		return 1;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		size_t got = fread(buf + len, 1, cap - len, fp);
		if (got == 0)
			break;
		len += got;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s\n", n, path);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		struct dirent **ents;
		int k = scandir(argv[i], &ents, NULL, by_name);
		if (k < 0) {
			printf("not ok %d - %s: no corpus\n", ++n, argv[i]);
			continue;
		}
		for (int j = 0; j < k; j++) {
			if (ents[j]->d_name[0] != '.') {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s", argv[i], ents[j]->d_name);
				replay_file(path, ++n);
			}
			free(ents[j]);
		}
		free(ents);
	}
	printf("1..%d\n", n);
	return 0;
}
