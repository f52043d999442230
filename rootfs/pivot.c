/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entering the rootfs. pivot_root(".", ".") puts the old root on top of the
 * new one; it is made rslave (so unmounting never propagates to the host) and
 * detached. --no-pivot moves the rootfs over / and chroots; first it detaches
 * every host mount that is neither the rootfs, under it, nor above it (as runc
 * does), since the old root's mounts would otherwise stay in the namespace
 * under the moved rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

static int do_pivot(int rootfs_fd, vps_err *err)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		return vps_error(err, errno, "pivot_root: open the old root");
	if (fchdir(rootfs_fd) < 0)
		return vps_error(err, errno, "pivot_root: chdir to the rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return vps_error(err, errno, "pivot_root");
	if (fchdir(oldroot) < 0)
		return vps_error(err, errno, "pivot_root: chdir to the old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return vps_error(err, errno, "pivot_root: make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return vps_error(err, errno, "pivot_root: detach the old root");
	if (chdir("/") < 0)
		return vps_error(err, errno, "pivot_root: chdir /");
	return 0;
}

/* The root of the mount that holds PATH: walk up with ".." until the mount
 * changes (or "/", whose ".." is itself). */
static int mount_root_of(const char *path, vps_err *err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "open %s", path);
	uint64_t id = vps_mnt_id(fd);
	if (!id)
		return vps_errorx(err, ENOTSUP, "%s: no mount id (statx)", path);
	for (int depth = 0; depth < 2048; depth++) {
		_cleanup_close_ int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct stat a, b;
		if (up < 0 || fstat(fd, &a) < 0 || fstat(up, &b) < 0)
			return vps_error(err, errno, "%s: walk up to its mount", path);
		if (vps_mnt_id(up) != id || (a.st_dev == b.st_dev && a.st_ino == b.st_ino))
			return take_fd(fd);
		close(fd);
		fd = take_fd(up);
	}
	return vps_errorx(err, ELOOP, "%s: too deep to find its mount", path);
}

int vps_pivot_private_parent(const char *path, vps_err *err)
{
	_cleanup_close_ int fd = mount_root_of(path, err);
	if (fd < 0)
		return vps_error_wrap(err, "make the mount holding the rootfs private");
	struct mount_attr a = {.propagation = MS_PRIVATE};
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return vps_error(err, errno, "make the mount holding the rootfs %s private", path);
	return 0;
}

/* Is A equal to, or a path prefix of, B (component-wise)? */
static bool path_within(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n == 1 && a[0] == '/')
		return true;
	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

/* Detach (lazily) the host mounts that have nothing to do with the rootfs,
 * deepest first. Failures (e.g. mounts locked in a user namespace) are logged. */
static int detach_host_mounts(const char *rootfs, vps_err *err)
{
	_cleanup_free_ char *mi = NULL;
	size_t len;
	int r = vps_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &mi, &len, err);
	if (r < 0)
		return r;
	/* mountinfo lists parents before children: walk the lines backwards. */
	for (char *end = mi + len; end > mi;) {
		char *start = end - 1;
		while (start > mi && start[-1] != '\n')
			start--;
		char line[4096], mp[4096];
		/* snprintf-ok: only the first five fields are read */
		snprintf(line, sizeof(line), "%.*s", (int)(end - start), start);
		end = start;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		vps_unescape_mountinfo(mp);
		if (path_within(mp, rootfs) || path_within(rootfs, mp))
			continue;
		if (umount2(mp, MNT_DETACH) < 0)
			log_debug("no-pivot: cannot detach %s: %s", mp, strerror(errno));
	}
	return 0;
}

static int do_move(const char *rootfs, int rootfs_fd, vps_err *err)
{
	int r = detach_host_mounts(rootfs, err);
	if (r < 0)
		return r;
	if (fchdir(rootfs_fd) < 0)
		return vps_error(err, errno, "no-pivot: chdir to the rootfs");
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return vps_error(err, errno, "no-pivot: move the rootfs to /");
	if (chroot(".") < 0)
		return vps_error(err, errno, "no-pivot: chroot");
	if (chdir("/") < 0)
		return vps_error(err, errno, "no-pivot: chdir /");
	return 0;
}

int vps_pivot_root(const char *rootfs, int rootfs_fd, bool no_pivot, vps_err *err)
{
	return no_pivot ? do_move(rootfs, rootfs_fd, err) : do_pivot(rootfs_fd, err);
}
