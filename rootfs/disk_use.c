/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How much of its disk a VPS uses (vps list, vps stats): a running VPS's
 * mounted filesystem through its root (what df inside shows), a stopped one's
 * image from its ext4 superblock (numbers only shown, never trusted). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* statfs of the running VPS's root when loop device loop holds its disk */
static int live_use(const char *loop, pid_t pid, uint64_t *size, uint64_t *used)
{
	char dev[48];
	struct statfs sf;
	vps_snprintf(dev, sizeof(dev), "/dev/%s", loop); /* fits: a loop device name in 48 */
	_cleanup_close_ int lfd = open(dev, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int rfd = lfd < 0 ? -1 : vps_disk_root_of(pid, lfd);
	if (rfd < 0 || fstatfs(rfd, &sf) < 0)
		return -1;
	*size = (uint64_t)sf.f_blocks * (uint64_t)sf.f_frsize;
	*used = (uint64_t)(sf.f_blocks - sf.f_bfree) * (uint64_t)sf.f_frsize;
	return 0;
}

int vps_disk_image_use(const char *image, pid_t pid, uint64_t *size, uint64_t *used, vps_err *err)
{
	struct stat st;
	char loop[32];
	_cleanup_close_ int fd = open(image, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0)
		return vps_error(err, errno, "disk %s", image);
	if (pid > 0 && vps_disk_in_use(&st, loop, sizeof(loop)) &&
	    live_use(loop, pid, size, used) == 0)
		return 0;
	uint64_t fr;
	if (vps_disk_sb(fd, size, &fr) < 0 || fr > *size)
		return vps_errorx(err, EINVAL, "disk %s: no ext4 superblock", image);
	*used = *size - fr;
	return 0;
}
