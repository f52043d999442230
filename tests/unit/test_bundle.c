/* SPDX-License-Identifier: GPL-2.0-or-later */
/* specs/bundle.c: the one bundle opener. It keeps the config.json bytes it
 * parsed (a config rewritten afterwards cannot reach the state dir: create
 * saves these bytes), and root.path follows one rule for every mode: no
 * symlink followed, no escape from the bundle for a relative path. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specs/bundle.h"
#include "tap.h"

static char dir[PATH_MAX];

static void put_config(const char *root_path)
{
	char p[PATH_MAX + 32];
	snprintf(p, sizeof(p), "%s/config.json", dir);
	FILE *f = fopen(p, "w");
	fprintf(f, "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"%s\"}}", root_path);
	fclose(f);
}

static int try(const char *root_path, vps_err *err)
{
	struct oci_bundle *b = NULL;
	put_config(root_path);
	int r = oci_bundle_open(dir, &b, err);
	oci_bundle_free(b);
	return r;
}

static void kept_bytes(void)
{
	vps_err err = {0};
	struct oci_bundle *b = NULL;
	put_config("rootfs");
	is_int(oci_bundle_open(dir, &b, &err), 0, "bundle opens: %s", err.msg);
	if (!b)
		return;
	char *orig = strndup(b->config, b->config_len);
	put_config("changed-after-parse"); /* what a racing writer does */
	ok(strcmp(b->config, orig) == 0 && strstr(b->config, "\"rootfs\""),
	   "the kept bytes are the ones parsed, not the file's new content");
	is_str(b->spec->root_path, "rootfs", "the spec was parsed from those bytes");
	char want[PATH_MAX + 8];
	snprintf(want, sizeof(want), "%s/rootfs", dir);
	is_str(b->rootfs, want, "rootfs resolved to an absolute path");
	free(orig);
	oci_bundle_free(b);
}

int main(void)
{
	char tmpl[] = "/tmp/test_bundle.XXXXXX";
	if (!mkdtemp(tmpl) || !realpath(tmpl, dir))
		return 1;
	char p[PATH_MAX + 32], q[PATH_MAX + 32];
	snprintf(p, sizeof(p), "%s/rootfs", dir);
	mkdir(p, 0755);
	snprintf(q, sizeof(q), "%s/link", dir);
	if (symlink("rootfs", q) < 0)
		return 1;
	kept_bytes();
	vps_err err = {0};
	is_int(try("link", &err), -ELOOP, "a symlinked relative root.path is refused");
	ok(strstr(err.msg, ".root.path \"link\" (a symlink; not followed)") != NULL, "says so: %s",
	   err.msg);
	is_int(try(q, &err), -ELOOP, "a symlinked absolute root.path is refused");
	is_int(try(p, &err), 0, "an absolute root.path to a real directory works: %s", err.msg);
	is_int(try("../", &err), -EXDEV, "a relative root.path may not leave the bundle");
	is_int(try("missing", &err), -ENOENT, "a missing root.path");
	ok(strstr(err.msg, ".root.path \"missing\"") != NULL, "names it: %s", err.msg);
	snprintf(q, sizeof(q), "rm -rf '%s'", dir);
	if (system(q) != 0)
		return 1;
	return done_testing();
}
