/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS's disk (issue 18): an ext4 image per VPS, sparse, made at bundle time
 * from the template tree with mkfs.ext4 -d (never mounted on the host to fill
 * it) and mounted as the VPS's root at create:
 *   - the image is locked, refused if a loop device already holds it (two
 *     VPSes never mount one filesystem), and checked with e2fsck -f first
 *     (a tenant controls its bytes while it is not mounted: another VPS that
 *     had it as a file, a crafted template), repaired with -p if it can be;
 *   - attached to a free loop device with autoclear, and mounted with the new
 *     mount API (fsopen/fsconfig/fsmount): the mount is detached, never
 *     attached anywhere in the host's mount table; the container's init moves
 *     it onto its rootfs inside its own mount namespace, so it goes away (and
 *     the loop device with it) when the VPS's last process does. nodev always,
 *     nosuid when the VPS runs with no_new_privs (setuid cannot work there).
 * Growing a running VPS's disk: the image and the loop device grow, then the
 * mounted ext4 is grown online through the VPS's root (EXT4_IOC_RESIZE_FS,
 * what resize2fs does); a stopped one is grown with resize2fs. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "rootfs/internal.h"
#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

#define LOOP_TRIES 16

/* Is img backed by some loop device now? name gets "loopN" if so. */
bool vps_disk_in_use(const struct stat *img, char *name, size_t cap)
{
	glob_t g;
	bool used = false;
	if (glob("/sys/block/loop*/loop/backing_file", 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !used; i++) {
		char path[PATH_MAX] = "";
		_cleanup_fclose_ FILE *f = fopen(g.gl_pathv[i], "re");
		struct stat st;
		if (!f || !fgets(path, sizeof(path), f))
			continue;
		path[strcspn(path, "\n")] = 0;
		if (stat(path, &st) == 0 && st.st_dev == img->st_dev && st.st_ino == img->st_ino) {
			used = true;
			const char *n = g.gl_pathv[i] + strlen("/sys/block/");
			/* fits: a block device name (DISK_NAME_LEN 32) */
			vps_snprintf(name, cap, "%.*s", (int)strcspn(n, "/"), n);
		}
	}
	globfree(&g);
	return used;
}

/* e2fsck -f -n; if it finds something, e2fsck -f -p and check again. */
int vps_disk_check(const char *image, vps_err *err)
{
	char *check[] = {"e2fsck", "-f", "-n", (char *)image, NULL};
	char *repair[] = {"e2fsck", "-f", "-p", (char *)image, NULL};
	vps_err e;
	if (vps_tmpl_run(check, &e) == 0)
		return 0;
	log_warn("%s: the filesystem check found errors (%s); repairing with e2fsck -p", image,
		 e.msg);
	(void)vps_tmpl_run(repair, &e);
	if (vps_tmpl_run(check, err) < 0)
		return vps_error_wrap(err,
				      "%s: filesystem errors e2fsck -p cannot repair "
				      "(run e2fsck -f by hand)",
				      image);
	return 0;
}

/* Attach the open image to a free loop device (autoclear); returns its fd. */
static int loop_attach(int imgfd, char *dev, size_t cap, vps_err *err)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return vps_error(err, errno, "open /dev/loop-control");
	for (int i = 0; i < LOOP_TRIES; i++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			return vps_error(err, errno, "find a free loop device");
		vps_snprintf(dev, cap, "/dev/loop%d", n); /* fits: a number */
		int fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return vps_error(err, errno, "open %s", dev);
		struct loop_config c = {.fd = (unsigned)imgfd,
					.info = {.lo_flags = LO_FLAGS_AUTOCLEAR}};
		if (ioctl(fd, LOOP_CONFIGURE, &c) == 0)
			return fd;
		int e = errno;
		close(fd);
		if (e != EBUSY) /* EBUSY: another attacher took it first */
			return vps_error(err, e, "attach the disk to %s", dev);
	}
	return vps_errorx(err, EBUSY, "no loop device stayed free in %d tries", LOOP_TRIES);
}

/* A detached ext4 mount of dev. */
int vps_disk_mount_dev(const char *dev, bool nosuid, vps_err *err)
{
	_cleanup_close_ int fs = fsopen("ext4", FSOPEN_CLOEXEC);
	if (fs < 0)
		return vps_error(err, errno, "fsopen ext4");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", dev, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "errors", "remount-ro", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return vps_error(err, errno, "mount the disk (ext4 on %s)", dev);
	unsigned attr = MOUNT_ATTR_NODEV | (nosuid ? MOUNT_ATTR_NOSUID : 0);
	int m = fsmount(fs, FSMOUNT_CLOEXEC, attr);
	if (m < 0)
		return vps_error(err, errno, "mount the disk (fsmount %s)", dev);
	return m;
}

int vps_disk_open(const char *image, bool check, int *fd, vps_err *err)
{
	*fd = -1;
	_cleanup_close_ int img = open(image, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (img < 0)
		return vps_error(err, errno, "disk %s", image);
	struct stat st;
	if (fstat(img, &st) < 0)
		return vps_error(err, errno, "disk %s", image);
	if (!S_ISREG(st.st_mode))
		return vps_errorx(err, EINVAL, "disk %s: not a regular file", image);
	/* the lock stays with the loop device (it holds this open file) while
	 * the disk is mounted */
	char used[32] = "";
	if (flock(img, LOCK_EX | LOCK_NB) < 0 || vps_disk_in_use(&st, used, sizeof(used)))
		return vps_errorx(err, EBUSY, "disk %s: in use%s%s (another VPS has it mounted)",
				  image, used[0] ? " by /dev/" : "", used);
	int r = check ? vps_disk_check(image, err) : 0;
	if (r < 0 || (check && (r = vps_disk_fit(image, img, err)) < 0))
		return r;
	*fd = take_fd(img);
	return 0;
}

int vps_disk_mount_running(const char *image, int *mnt_fd, vps_err *err)
{
	struct stat st;
	char loop[32], dev[48];
	*mnt_fd = -1;
	if (stat(image, &st) < 0)
		return vps_error(err, errno, "disk %s", image);
	if (!vps_disk_in_use(&st, loop, sizeof(loop)))
		return vps_errorx(err, ENODEV,
				  "disk %s: no loop device holds it (a --vm VPS's disk is its "
				  "VM's while it runs: stop it first)",
				  image);
	vps_snprintf(dev, sizeof(dev), "/dev/%s", loop); /* fits: a loop device name */
	int m = vps_disk_mount_dev(dev, true, err);
	if (m < 0)
		return m;
	*mnt_fd = m;
	return 0;
}

int vps_disk_mount(const char *image, bool nosuid, int *mnt_fd, vps_err *err)
{
	*mnt_fd = -1;
	_cleanup_close_ int img = -1;
	int r = vps_disk_open(image, true, &img, err);
	if (r < 0)
		return r;
	char dev[32];
	_cleanup_close_ int loop = loop_attach(img, dev, sizeof(dev), err);
	if (loop < 0)
		return loop;
	int m = vps_disk_mount_dev(dev, nosuid, err);
	if (m < 0)
		return m; /* closing the loop fd detaches it (autoclear) */
	*mnt_fd = m;
	return 0;
}
