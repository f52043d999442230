/* Entering the rootfs. pivot_root(".", ".") puts the old root on top of the
 * new one; it is made rslave (so unmounting never propagates to the host) and
 * detached. --no-pivot moves the rootfs over / and chroots (weaker: the old
 * root stays reachable to a process with CAP_SYS_CHROOT... see vps-create(8)). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"

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

static int do_move(int rootfs_fd, vps_err *err)
{
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
	(void)rootfs;
	return no_pivot ? do_move(rootfs_fd, err) : do_pivot(rootfs_fd, err);
}
