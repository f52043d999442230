/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util/walk.h: the visitor sees pre/post order, a symlink is reported and never
 * followed, the depth bound gives -ELOOP after naming the directory (files one
 * level below the bound are fine), SKIP does not enter, readdir's d_type comes
 * with each entry, per-directory data reaches the entries and comes back at
 * DIR_POST or DIR_ABORT, and (as root, in a private mount namespace) a tmpfs
 * mount point stops the walk with -EBUSY. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "util/walk.h"

static char seen[4096];

static int record(struct vps_walk_entry *e, void *ctx)
{
	const char *skip = ctx;
	size_t n = strlen(seen);
	const char *tag = e->when == VPS_WALK_DIR_PRE	  ? "<"
			  : e->when == VPS_WALK_DIR_POST  ? ">"
			  : e->when == VPS_WALK_DIR_ABORT ? "!"
							  : "";
	snprintf(seen + n, sizeof(seen) - n, "%s%s%d ", tag, e->name, e->depth);
	if (skip && e->when == VPS_WALK_DIR_PRE && !strcmp(e->name, skip))
		return VPS_WALK_SKIP;
	return 0;
}

static int fail_x(struct vps_walk_entry *e, void *ctx)
{
	(void)ctx;
	record(e, NULL);
	return strcmp(e->name, "x") == 0 ? -EPERM : 0;
}

/* data: the directory's path from the start ("a/b"), malloc'ed at DIR_PRE and
 * freed at DIR_POST/DIR_ABORT; each entry records NAME DEPTH @PARENT-PATH. */
static int live_data;

static int with_data(struct vps_walk_entry *e, void *ctx)
{
	(void)ctx;
	size_t n = strlen(seen);
	const char *parent = e->parent ? e->parent : "-";
	switch (e->when) {
	case VPS_WALK_DIR_PRE:
		if (asprintf((char **)&e->data, "%s%s%s", e->parent ? parent : "",
			     e->parent ? "/" : "", e->name) < 0)
			return -ENOMEM;
		live_data++;
		snprintf(seen + n, sizeof(seen) - n, "<%s%d@%s ", e->name, e->depth, parent);
		return 0;
	case VPS_WALK_DIR_POST:
	case VPS_WALK_DIR_ABORT:
		snprintf(seen + n, sizeof(seen) - n, "%s%s ",
			 e->when == VPS_WALK_DIR_POST ? ">" : "!", (char *)e->data);
		free(e->data);
		live_data--;
		return 0;
	case VPS_WALK_OTHER:
		snprintf(seen + n, sizeof(seen) - n, "%s%d@%s%s ", e->name, e->depth, parent,
			 e->type == DT_LNK   ? ":lnk"
			 : e->type == DT_REG ? ":reg"
					     : "");
		return 0;
	}
	return 0;
}

static int walk_data(int dfd, const char *name, int max)
{
	struct vps_walk_opts o = {.max_depth = max};
	seen[0] = '\0';
	return vps_walk_at(dfd, name, &o, with_data, NULL);
}

static int walk(int dfd, const char *name, int max, bool mounts, const char *skip)
{
	struct vps_walk_opts o = {.max_depth = max, .stop_at_mounts = mounts};
	seen[0] = '\0';
	return vps_walk_at(dfd, name, &o, record, (void *)skip);
}

int main(void)
{
	char tmpl[] = "/tmp/vps-walk-XXXXXX";
	const char *t = mkdtemp(tmpl);
	ok(t != NULL, "mkdtemp");
	int root = open(t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok(mkdirat(root, "a", 0755) == 0 && mkdirat(root, "a/b", 0755) == 0 &&
	       mkdirat(root, "a/b/c", 0755) == 0 && mkdirat(root, "out", 0755) == 0,
	   "tree a/b/c and out/");
	ok(symlinkat("../out", root, "a/b/link") == 0, "a/b/link -> ../out");
	int f = openat(root, "out/secret", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(f);

	is_int(walk(root, "a", 8, false, NULL), 0, "walk a");
	/* readdir order of c and link varies: check the pieces */
	ok(!strncmp(seen, "<a0 <b1 ", 8), "pre-order: a then b (%s)", seen);
	ok(strstr(seen, "<c2 >c2 ") != NULL, "c entered and left");
	ok(strstr(seen, " link2 ") != NULL, "the symlink is reported as an entry (not a dir)");
	ok(strstr(seen, "secret") == NULL, "and never followed");
	size_t len = strlen(seen);
	ok(strstr(seen, ">b1 >a0 ") != NULL && len > 4 && !strcmp(seen + len - 4, ">a0 "),
	   "post-order: b's end before a's, a last");

	is_int(walk(root, "a", 1, false, NULL), -ELOOP, "depth bound 1 on a tree 2 deep: -ELOOP");
	is_int(walk(root, "a", 2, false, NULL), 0, "depth bound 2 is enough");
	is_int(walk(root, "a", 8, false, "b"), 0, "SKIP at b");
	is_str(seen, "<a0 <b1 >a0 ", "b not entered, no >b");
	is_int(walk(root, "a/b/link", 8, false, NULL), 0, "starting at a symlink");
	is_str(seen, "a/b/link0 ", "it is one entry, not its target");

	/* d_type: tmpfs and the usual /tmp filesystems fill it in */
	is_int(walk_data(root, "a", 8), 0, "walk a with per-directory data");
	ok(!strncmp(seen, "<a0@- <b1@a ", 12), "the start has no parent, b's parent is a (%s)",
	   seen);
	ok(strstr(seen, "<c2@a/b ") && strstr(seen, ">a/b/c "), "c's parent is a/b, c's data back");
	ok(strstr(seen, " link2@a/b:lnk ") != NULL, "the symlink comes with DT_LNK");
	ok(strstr(seen, ">a/b >a ") != NULL && live_data == 0, "every data back at DIR_POST");

	is_int(walk_data(root, "a", 1), -ELOOP, "too deep: -ELOOP");
	ok(strstr(seen, "<c2@a/b ") != NULL, "the too deep directory gets its DIR_PRE (%s)", seen);
	ok(strstr(seen, "!a/b/c !a/b !a ") != NULL && !strchr(seen, '>'),
	   "then DIR_ABORT up to the start, no DIR_POST");
	is_int(live_data, 0, "every data back at DIR_ABORT");

	ok(mkdirat(root, "f", 0755) == 0 && mkdirat(root, "f/g", 0755) == 0, "dir f/g");
	close(openat(root, "f/g/file", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	is_int(walk_data(root, "f", 1), 0, "a file one level below the bound is fine");
	is_str(seen, "<f0@- <g1@f file2@f/g:reg >f/g >f ", "and comes with DT_REG");

	ok(mkdirat(root, "k", 0755) == 0, "dir k");
	close(openat(root, "k/x", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	close(openat(root, "k/y", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	struct vps_walk_opts kg = {.max_depth = 8, .keep_going = true};
	seen[0] = '\0';
	is_int(vps_walk_at(root, "k", &kg, fail_x, NULL), -EPERM, "keep_going returns the error");
	ok(strstr(seen, " x1 ") && strstr(seen, " y1 "), "and visits the siblings (%s)", seen);
	ok(!strstr(seen, ">k0"), "a directory whose entries failed gets no DIR_POST");
	ok(strstr(seen, "!k0"), "but DIR_ABORT");

	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		printf(
		    "ok %d - # SKIP mount point stop: needs root for a private mount namespace\n",
		    ++tap_n);
	} else {
		char mp[64];
		snprintf(mp, sizeof(mp), "%s/a/b/c", t);
		ok(mount("tmpfs", mp, "tmpfs", 0, "size=64k") == 0, "tmpfs on a/b/c");
		close(root); /* an fd from before the unshare sees the old namespace's mounts */
		root = open(t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		is_int(walk(root, "a", 8, true, NULL), -EBUSY, "stop_at_mounts: -EBUSY at c");
		ok(strstr(seen, "c2") == NULL, "c was not visited");
		is_int(walk(root, "a", 8, false, NULL), 0, "without stop_at_mounts c is walked");
		umount2(mp, MNT_DETACH);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t);
	ok(system(cmd) == 0, "cleanup");
	return done_testing();
}
