/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev/console: the bind of a pty slave from the container's devpts. The slave
 * is used by fd only (TIOCGPTPEER) and checked to be a devpts pty, and
 * whatever the rootfs has at /dev/console (a planted symlink too) is replaced
 * by a fresh empty file before the bind, so nothing can redirect it. On a
 * read-only /dev the bind goes on the empty file that populating /dev made
 * (rootfs/dev.c), if that is what is there. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"

#define PTY_SLAVE_MAJOR_FIRST 136 /* UNIX98_PTY_SLAVE_MAJOR .. +7 */
#define PTY_SLAVE_MAJOR_LAST  143

static bool on_devpts(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == DEVPTS_SUPER_MAGIC;
}

int vps_rootfs_bind_console(int slave_fd, vps_err *err)
{
	struct stat st;
	if (fstat(slave_fd, &st) < 0)
		return vps_error(err, errno, "/dev/console: stat the pty");
	unsigned maj = major(st.st_rdev);
	if (!S_ISCHR(st.st_mode) || maj < PTY_SLAVE_MAJOR_FIRST || maj > PTY_SLAVE_MAJOR_LAST ||
	    !on_devpts(slave_fd))
		return vps_errorx(err, EINVAL,
				  "/dev/console: the source is not a devpts pty slave");
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return vps_error(err, errno, "/dev/console: open /");
	_cleanup_close_ int dev = vps_mkdir_in_root(root, "/dev", 0755, err);
	if (dev < 0)
		return vps_error_wrap(err, "/dev/console");
	/* a read-only /dev: the empty file made while it was writable (dev.c),
	 * still a plain file of the /dev vps populated, never a symlink */
	struct stat cs;
	bool ro_target = false;
	if (unlinkat(dev, "console", 0) < 0) {
		int e = errno;
		ro_target = e == EROFS && fstatat(dev, "console", &cs, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(cs.st_mode) && cs.st_size == 0;
		if (!ro_target && e != ENOENT)
			return vps_error(err, e, "/dev/console: remove the old one");
	}
	_cleanup_close_ int f =
	    ro_target ? -1
		      : openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
			       0600);
	if (!ro_target && f < 0)
		return vps_error(err, errno, "/dev/console: create");
	_cleanup_close_ int target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return vps_error(err, errno, "/dev/console: open");
	_cleanup_close_ int tree =
	    open_tree(slave_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return vps_error(err, errno, "/dev/console: clone the pty");
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return vps_error(err, errno, "/dev/console: bind the pty");
	return 0;
}

int vps_rootfs_console(int *master, int *slave, vps_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return vps_error(err, errno, "console: open /");
	_cleanup_close_ int m = vps_open_in_root(root, "/dev/ptmx", O_RDWR | O_NOCTTY, 0, err);
	if (m < 0)
		return vps_error_wrap(err, "console");
	if (!on_devpts(m))
		return vps_errorx(err, EINVAL, "console: /dev/ptmx is not on a devpts");
	if (unlockpt(m) < 0)
		return vps_error(err, errno, "console: unlockpt");
	_cleanup_close_ int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return vps_error(err, errno, "console: open the pty slave");
	int r = vps_rootfs_bind_console(s, err);
	if (r < 0)
		return r;
	*master = take_fd(m);
	*slave = take_fd(s);
	return 0;
}
