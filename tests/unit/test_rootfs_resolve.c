/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs/resolve.c: lookups, mkdir -p and file creation never leave the root,
 * whatever symlinks the rootfs holds; /proc magic links are refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "rootfs/users.h"
#include "util/openat2.h"
#include "tests/unit/tap.h"

static char top[] = "/tmp/vps-resolve.XXXXXX";

static void put(const char *rel, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

static void link_(const char *target, const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (symlink(target, p) < 0)
		perror(p);
}

static const char *read_in(int root, const char *path)
{
	static char buf[64];
	static vps_err e;
	int fd = vps_open_in_root(root, path, O_RDONLY, 0, &e);
	if (fd < 0)
		return e.msg;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* In a child whose openat2 says EAGAIN forever (as it does while a tenant keeps
 * renaming in its root): every in-root open must give up, not spin. Exit 0 when
 * both gave up with EAGAIN; SIGALRM (30 s) when one of them spins. */
static int eagain_child(int root)
{
	scmp_filter_ctx sc = seccomp_init(SCMP_ACT_ALLOW);
	if (!sc || seccomp_rule_add(sc, SCMP_ACT_ERRNO(EAGAIN), SCMP_SYS(openat2), 0) < 0 ||
	    seccomp_load(sc) < 0)
		return 10;
	alarm(30);
	vps_err e = {0};
	if (vps_open_in_root(root, "/etc/passwd", O_RDONLY, 0, &e) != -EAGAIN)
		return 11;
	struct vps_userdb *db = NULL;
	int r = vps_userdb_open(top, &db, &e);
	fprintf(stderr, "# vps_userdb_open: %d %s\n", r, e.msg);
	return r == -EAGAIN && strstr(e.msg, "kept changing") ? 0 : 12;
}

static void test_eagain_bound(int root)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(eagain_child(root));
	int st = 0;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "openat2 EAGAIN forever: in-root opens give up after %d tries (status %#x)", 16,
	   (unsigned)st);
}

static bool exists(const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	struct stat st;
	return lstat(p, &st) == 0;
}

int main(void)
{
	if (!mkdtemp(top))
		return 1;
	char d[256];
	snprintf(d, sizeof(d), "%s/etc", top);
	mkdir(d, 0755);
	put("etc/passwd", "inside\n");
	link_("/etc", "abs");
	link_("../../../../../../etc", "rel");
	link_("/nonexistent-vps-test", "dang");
	int root = open(top, O_PATH | O_DIRECTORY);
	vps_err e = {0};

	is_str(read_in(root, "/abs/passwd"), "inside\n", "absolute symlink stays in the root");
	is_str(read_in(root, "/rel/passwd"), "inside\n", "climbing symlink stays in the root");
	is_str(read_in(root, "/../../../etc/passwd"), "inside\n", "\"..\" is clamped at the root");
	int host = open("/", O_PATH | O_DIRECTORY);
	int fd = vps_open_in_root(host, "/proc/self/root/etc/passwd", O_RDONLY, 0, &e);
	is_int(fd, -ELOOP, "a /proc magic link is refused: %s", e.msg);

	fd = vps_mkdir_in_root(root, "/abs/newdir/sub", 0755, &e);
	ok(fd >= 0 && exists("etc/newdir/sub"), "mkdir -p through a symlink creates inside");
	ok(access("/etc/newdir", F_OK) < 0, "nothing created on the host");
	close(fd);
	fd = vps_mkpath_in_root(root, "/rel/newfile", false, &e);
	ok(fd >= 0 && exists("etc/newfile"), "file creation through a symlink lands inside");
	close(fd);
	vps_err_clear(&e);
	fd = vps_mkpath_in_root(root, "/dang", false, &e);
	ok(fd < 0 && access("/nonexistent-vps-test", F_OK) < 0 && !exists("nonexistent-vps-test"),
	   "a dangling symlink is not followed to create a file: %s", e.msg);
	vps_err_clear(&e);
	fd = vps_mkdir_in_root(root, "/dang/sub", 0755, &e);
	ok(fd < 0 && strstr(e.msg, "dangling symlink"), "nor to create a directory: %s", e.msg);
	const char *base;
	vps_err_clear(&e);
	ok(vps_parent_in_root(root, "/", &base, &e) < 0, "\"/\" has no parent: %s", e.msg);
	fd = vps_parent_in_root(root, "/abs/x/y", &base, &e);
	ok(fd >= 0 && !strcmp(base, "y") && exists("etc/x"), "parent of /abs/x/y is made inside");
	close(fd);

	test_eagain_bound(root);

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	ok(system(cmd) == 0, "cleanup");
	return done_testing();
}
