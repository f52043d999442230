/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs/idrange.c: ranges are handed out in order, never twice; a record is
 * kept while its bundle maps root onto it or while it is being made (locked),
 * reclaimed otherwise; vps_idrange_free (for `vps destroy`) frees by name and
 * bundle; a full area and a bad settings file are clear errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/userns.h"
#include "tests/unit/tap.h"

static char top[64];

static void path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", top, name);
}

/* a bundle dir NAME whose config.json maps root onto base (0: no config) */
static void bundle(const char *name, uint32_t base)
{
	char p[256];
	path(p, sizeof(p), name);
	mkdir(p, 0700);
	if (!base)
		return;
	strcat(p, "/config.json");
	FILE *f = fopen(p, "w");
	fprintf(f,
		"{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": %u, "
		"\"size\": 65536}]}}\n",
		base);
	fclose(f);
}

/* allocate for bundle name; returns the base (0 on error), *out kept */
static uint32_t alloc(const char *name, struct vps_idrange *out, vps_err *err)
{
	char inv[128], b[128];
	path(inv, sizeof(inv), "inv");
	path(b, sizeof(b), name);
	bundle(name, 0);
	return vps_idrange_alloc(inv, name, b, 0, out, err) < 0 ? 0 : out->base;
}

/* allocate and finish a bundle that keeps its range */
static uint32_t made(const char *name)
{
	struct vps_idrange r;
	vps_err err;
	uint32_t base = alloc(name, &r, &err);
	if (base)
		bundle(name, base);
	vps_idrange_done(&r, true);
	return base;
}

int main(void)
{
	vps_err err;
	char inv[128], p[256];
	snprintf(top, sizeof(top), "/tmp/vps-idrange.XXXXXX");
	if (!mkdtemp(top))
		return 1;
	path(inv, sizeof(inv), "inv");

	is_int(made("a"), 1000000, "the first range is the area's base");
	is_int(made("b"), 1000000 + 65536, "the next one follows");
	path(p, sizeof(p), "inv/idranges/1000000.range");
	ok(access(p, F_OK) == 0, "a record per range, named by its base");

	is_int(vps_idrange_free(inv, "a", NULL, &err), 1, "free by name");
	ok(access(p, F_OK) < 0, "the record is gone");
	is_int(made("c"), 1000000, "a freed range is handed out again");

	/* a range being made (locked record, no config.json yet) is not reclaimed */
	struct vps_idrange held;
	is_int(alloc("d", &held, &err), 1000000 + 2 * 65536, "a range for a bundle in the making");
	is_int(made("e"), 1000000 + 3 * 65536, "...is skipped while its record is locked");
	vps_idrange_done(&held, false);
	is_int(made("f"), 1000000 + 2 * 65536, "...and free once that bundle failed");

	/* a bundle that no longer maps root there frees its range */
	bundle("b", 4242424);
	is_int(made("g"), 1000000 + 65536, "a bundle that maps elsewhere lost its range");

	char b[128];
	path(b, sizeof(b), "g");
	is_int(vps_idrange_free(inv, "g", "/nonexistent", &err), 0,
	       "free: another bundle, nothing");
	is_int(vps_idrange_free(inv, "g", b, &err), 1, "free by name and bundle");

	path(p, sizeof(p), "inv/idranges/settings");
	FILE *f = fopen(p, "w");
	fprintf(f, "# a small area\nbase 1000000\ncount 4\n");
	fclose(f);
	made("h"); /* takes g's */
	struct vps_idrange r;
	ok(alloc("i", &r, &err) == 0 && err.code == ENOSPC, "a full area fails");
	ok(strstr(err.msg, "all 4 ranges of 65536 host ids from 1000000 are taken") != NULL,
	   "...and says so: %s", err.msg);
	f = fopen(p, "w");
	fprintf(f, "base lots\n");
	fclose(f);
	ok(alloc("i", &r, &err) == 0 && err.code == EINVAL && strstr(err.msg, "base lots"),
	   "a bad settings line is named: %s", err.msg);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	ok(system(cmd) == 0, "clean up");
	return done_testing();
}
