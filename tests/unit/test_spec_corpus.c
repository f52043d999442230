/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec corpus: every tests/specs-corpus/valid/NAME.json parses; every
 * invalid/NAME.json fails with "config.json: " + the text of NAME.err. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "specs/spec.h"
#include "tap.h"
#include "util/fileio.h"

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[1024];
	char *buf = NULL;
	vps_err err = {0};
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (vps_read_file_at(AT_FDCWD, path, 1 << 24, &buf, len, &err) < 0)
		printf("# %s\n", err.msg);
	return buf;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_json(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

static void run_dir(const char *dir, bool valid)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, is_json, by_name);
	ok(n > 0, "%s has cases", dir);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = 0;
		char *json = slurp(dir, name, &len);
		struct oci_spec *s = NULL;
		vps_err err = {0};
		int r = json ? oci_spec_parse(json, len, &s, &err) : -EIO;
		if (valid) {
			ok(r == 0 && s, "valid/%s parses", name);
			if (r)
				printf("#   %s\n", err.msg);
		} else {
			char errname[512], want[VPS_ERR_MSG_MAX + 16] = "config.json: ";
			snprintf(errname, sizeof(errname), "%.*s.err", (int)strlen(name) - 5, name);
			size_t wl = 0;
			char *w = slurp(dir, errname, &wl);
			if (w && wl && w[wl - 1] == '\n')
				w[wl - 1] = '\0';
			strncat(want, w ? w : "?", sizeof(want) - strlen(want) - 1);
			ok(r == -EINVAL && !s && strstr(err.msg, want), "invalid/%s: %s", name,
			   err.msg);
			if (!(r == -EINVAL && strstr(err.msg, want)))
				printf("#   want: %s\n", want);
			free(w);
		}
		oci_spec_free(s);
		free(json);
		free(ents[i]);
	}
	free(ents);
}

int main(void)
{
	const char *top = getenv("VPS_TOP");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/tests/specs-corpus/valid", top ? top : ".");
	run_dir(dir, true);
	snprintf(dir, sizeof(dir), "%s/tests/specs-corpus/invalid", top ? top : ".");
	run_dir(dir, false);
	return done_testing();
}
