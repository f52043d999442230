/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs/masked.c: masked and read-only paths under /proc are resolved from the
 * fd of the procfs vps mounted, never by name through the rootfs. Runs in a
 * private mount namespace of its own (needs root). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "tests/unit/tap.h"

static char top[] = "/tmp/vps-masked.XXXXXX";

static int sub(const char *rel, char *buf, size_t n)
{
	return snprintf(buf, n, "%s/%s", top, rel);
}

static void fake_proc(void)
{
	char p[256];
	const char *dirs[] = {"dev", "proc", "proc/sys", "proc/sys/kernel", "real"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		sub(dirs[i], p, sizeof(p));
		mkdir(p, 0755);
	}
	sub("dev/null", p, sizeof(p));
	mknod(p, S_IFCHR | 0666, makedev(1, 3));
	sub("proc/sys/kernel/core_pattern", p, sizeof(p));
	close(open(p, O_WRONLY | O_CREAT, 0644));
}

static int writable(const char *rel)
{
	char p[256];
	sub(rel, p, sizeof(p));
	int fd = open(p, O_WRONLY);
	int e = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return e;
}

int main(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || !mkdtemp(top)) {
		printf("ok 1 # skip needs root and a mount namespace of its own\n");
		return done_testing();
	}
	fake_proc();
	char p[256];
	int root = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* a procfs vps "mounted", but not what the rootfs's /proc shows now
	 * (the name was swapped after the mount) */
	sub("real", p, sizeof(p));
	ok(mount("proc", p, "proc", 0, NULL) == 0, "procfs at real/");
	struct vps_kernfs_fds kfs = {open(p, O_PATH | O_DIRECTORY | O_CLOEXEC), -1};
	struct vps_mount_ctx c = {.rootfs_fd = root, .kfs = &kfs};
	char *ro[] = {"/proc/sys"}, *masked[] = {"/proc/sys/kernel/core_pattern"};
	vps_err e = {0};
	int r = vps_readonly_paths(&c, ro, 1, &e);
	ok(r < 0 && strstr(e.msg, "no longer the filesystem vps mounted"),
	   "a /proc that is not the mounted procfs is refused: %s", e.msg);
	vps_err_clear(&e);
	r = vps_mask_paths(&c, masked, 1, &e);
	ok(r < 0 && strstr(e.msg, "no longer"), "masking too: %s", e.msg);
	is_int(writable("proc/sys/kernel/core_pattern"), 0, "the look-alike was not touched");

	/* the procfs really at /proc: masked relative to its fd */
	sub("proc", p, sizeof(p));
	ok(mount("proc", p, "proc", 0, NULL) == 0, "procfs at proc/");
	close(kfs.proc);
	kfs.proc = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	vps_err_clear(&e);
	ok(vps_readonly_paths(&c, ro, 1, &e) == 0, "read-only /proc/sys: %s", e.msg);
	is_int(writable("proc/sys/kernel/core_pattern"), EROFS,
	       "core_pattern of the mounted procfs is read-only");
	char *bad[] = {"/proc/../etc"}, *gone[] = {"/proc/no-such-entry"};
	vps_err_clear(&e);
	ok(vps_mask_paths(&c, bad, 1, &e) < 0, "a masked path leaving the procfs fails: %s", e.msg);
	vps_err_clear(&e);
	ok(vps_mask_paths(&c, gone, 1, &e) == 0, "an entry this kernel lacks is skipped");
	close(kfs.proc);
	close(root);
	sub("proc", p, sizeof(p));
	umount2(p, MNT_DETACH);
	sub("real", p, sizeof(p));
	umount2(p, MNT_DETACH);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	ok(system(cmd) == 0, "cleanup");
	return done_testing();
}
