/* rootfs/resolve.c: lookups, mkdir -p and file creation never leave the root,
 * whatever symlinks the rootfs holds; /proc magic links are refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
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

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	ok(system(cmd) == 0, "cleanup");
	return done_testing();
}
