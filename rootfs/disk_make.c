/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Making, growing and measuring a VPS's disk image (see disk.c): mkfs.ext4 -d
 * fills it from the template tree without mounting it; resize2fs changes a
 * stopped one; a running one grows through its loop device and the mounted
 * filesystem (EXT4_IOC_RESIZE_FS, as resize2fs does online). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "rootfs/internal.h"
#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/io.h"
#include "util/log.h"

#ifndef EXT4_IOC_RESIZE_FS
#define EXT4_IOC_RESIZE_FS _IOW('f', 16, uint64_t)
#endif

int vps_disk_create(const char *bundle_dir, const char *rootfs, uint64_t size, vps_err *err)
{
	char image[PATH_MAX], sz[32];
	if (size < VPS_DISK_MIN)
		return vps_errorx(err, EINVAL, "--disk %" PRIu64 ": at least %lluM", size,
				  VPS_DISK_MIN >> 20);
	if (vps_snprintf(image, sizeof(image), "%s/%s", bundle_dir, VPS_DISK_FILE) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s: path too long", bundle_dir);
	int fd = open(image, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return vps_error(err, errno, "create %s", image);
	int r = ftruncate(fd, (off_t)size) < 0 ? vps_error(err, errno, "size %s", image) : 0;
	close(fd);
	vps_snprintf(sz, sizeof(sz), "%" PRIu64 "k", size >> 10); /* fits: a number in 32 */
	char *mkfs[] = {"mkfs.ext4", "-q", "-F",	   "-m",  "0", "-L",
			"vps",	     "-d", (char *)rootfs, image, sz,  NULL};
	if (r == 0 && (r = vps_tmpl_run(mkfs, err)) < 0)
		vps_error_wrap(err, "make the disk (%s) from %s", sz, rootfs);
	_cleanup_close_ int bfd = r == 0 ? open(bundle_dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (r == 0 && bfd < 0)
		r = vps_error(err, errno, "%s", bundle_dir);
	/* the tree now lives in the image: rootfs stays as its mount point */
	if (r == 0 && ((r = vps_rm_tree_at(bfd, "rootfs")) < 0 || mkdirat(bfd, "rootfs", 0755) < 0))
		r = vps_error(err, r < 0 ? -r : errno, "empty %s", rootfs);
	if (r < 0)
		unlink(image);
	return r;
}

/* The ext4 superblock's size and free space in bytes (untrusted bytes: only
 * compared and shown). */
int vps_disk_sb(int imgfd, uint64_t *bytes, uint64_t *free_bytes)
{
	unsigned char sb[1024];
	if (pread(imgfd, sb, sizeof(sb), 1024) != (ssize_t)sizeof(sb))
		return -EIO;
	uint32_t lo, hi = 0, flo, fhi = 0, logsz, incompat, magic = 0;
	memcpy(&lo, sb + 0x4, 4);
	memcpy(&flo, sb + 0xc, 4);
	memcpy(&logsz, sb + 0x18, 4);
	memcpy(&magic, sb + 0x38, 2);
	memcpy(&incompat, sb + 0x60, 4);
	if (incompat & 0x80) { /* 64bit */
		memcpy(&hi, sb + 0x150, 4);
		memcpy(&fhi, sb + 0x158, 4);
	}
	if (logsz > 6 || magic != 0xEF53)
		return -EINVAL;
	*bytes = (((uint64_t)hi << 32) | lo) << (10 + logsz);
	*free_bytes = (((uint64_t)fhi << 32) | flo) << (10 + logsz);
	return 0;
}

int vps_disk_fit(const char *image, int imgfd, vps_err *err)
{
	struct stat st;
	uint64_t have, fr;
	if (fstat(imgfd, &st) < 0 || vps_disk_sb(imgfd, &have, &fr) < 0)
		return vps_errorx(err, EINVAL, "disk %s: no ext4 superblock", image);
	if (have + 65536 >= (uint64_t)st.st_size)
		return 0;
	char *grow[] = {"resize2fs", "-f", (char *)image, NULL}; /* checked just before */
	int r = vps_tmpl_run(grow, err);
	return r < 0 ? vps_error_wrap(err, "disk %s: grow the filesystem", image) : 0;
}

/* The running VPS's root (/proc/PID/root), if it is the filesystem on loop
 * device lfd: what the online resize and the usage go through. */
int vps_disk_root_of(pid_t pid, int lfd)
{
	struct stat ls, rs;
	struct vps_procpath root_pp;
	const char *root = vps_procpath(&root_pp, pid, "root");
	int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -errno;
	if (fstat(lfd, &ls) < 0 || fstat(rfd, &rs) < 0 || !S_ISBLK(ls.st_mode) ||
	    rs.st_dev != ls.st_rdev) {
		close(rfd);
		return -ENODEV;
	}
	return rfd;
}

/* The file and the loop device grow; the mounted ext4 too when we may. */
static int grow_live(const char *image, const struct stat *st, const char *loop, pid_t pid,
		     uint64_t size, int *later, vps_err *err)
{
	char dev[48];
	vps_snprintf(dev, sizeof(dev), "/dev/%s", loop); /* fits: a loop device name in 48 */
	_cleanup_close_ int lfd = open(dev, O_RDONLY | O_CLOEXEC);
	if (lfd < 0)
		return vps_error(err, errno, "disk %s: open %s", image, dev);
	_cleanup_close_ int rfd = vps_disk_root_of(pid, lfd);
	if (rfd < 0)
		return vps_errorx(err, ENODEV, "disk %s: the VPS's root is not %s", image, dev);
	struct statfs sf;
	if (fstatfs(rfd, &sf) < 0)
		return vps_error(err, errno, "disk %s: statfs of the VPS's root", image);
	if (truncate(image, (off_t)size) < 0)
		return vps_error(err, errno, "grow %s", image);
	if (ioctl(lfd, LOOP_SET_CAPACITY, 0) < 0) {
		int e = errno;
		if (truncate(image, st->st_size) < 0)
			log_warn("%s: could not shrink back: %s", image, strerror(errno));
		return vps_error(err, e, "disk %s: grow %s", image, dev);
	}
	uint64_t blocks = size / (uint64_t)sf.f_bsize;
	if (ioctl(rfd, EXT4_IOC_RESIZE_FS, &blocks) == 0)
		return 0;
	/* EPERM without CAP_SYS_RESOURCE: the next start grows it (vps_disk_fit) */
	if (errno != EPERM)
		return vps_error(err, errno, "grow the mounted filesystem of %s", image);
	*later = VPS_DISK_LATER_CAP;
	return 0;
}

static int resize_live(const char *image, pid_t pid, uint64_t size, int *later, vps_err *err)
{
	struct stat st;
	char loop[32];
	if (stat(image, &st) < 0)
		return vps_error(err, errno, "disk %s", image);
	if (size < (uint64_t)st.st_size)
		return vps_errorx(
		    err, EBUSY, "disk %s: shrinking needs the VPS stopped (vps stop first)", image);
	if (vps_disk_in_use(&st, loop, sizeof(loop)))
		return grow_live(image, &st, loop, pid, size, later, err);
	/* no loop device: a VM's virtio-blk (QEMU holds the file); the guest
	 * keeps the old size, the next start grows the filesystem */
	if (truncate(image, (off_t)size) < 0)
		return vps_error(err, errno, "grow %s", image);
	*later = VPS_DISK_LATER_VM;
	return 0;
}

/* Offline: locked (a start waits for us: it fails "in use"), checked, resized. */
static int resize_offline(const char *image, uint64_t size, vps_err *err)
{
	_cleanup_close_ int img = open(image, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char used[32] = "";
	if (img < 0 || fstat(img, &st) < 0)
		return vps_error(err, errno, "disk %s", image);
	if (flock(img, LOCK_EX | LOCK_NB) < 0 || vps_disk_in_use(&st, used, sizeof(used)))
		return vps_errorx(err, EBUSY, "disk %s: in use%s%s", image,
				  used[0] ? " by /dev/" : "", used);
	int r = vps_disk_check(image, err);
	if (r < 0)
		return r;
	if (size > (uint64_t)st.st_size && ftruncate(img, (off_t)size) < 0)
		return vps_error(err, errno, "grow %s", image);
	char sz[32];
	vps_snprintf(sz, sizeof(sz), "%" PRIu64 "k", size >> 10); /* fits: a number in 32 */
	/* -f: the check just done is what resize2fs would ask for */
	char *rs[] = {"resize2fs", "-f", (char *)image, sz, NULL};
	if ((r = vps_tmpl_run(rs, err)) < 0) {
		if (size > (uint64_t)st.st_size && ftruncate(img, st.st_size) < 0)
			log_warn("%s: could not shrink back: %s", image, strerror(errno));
		return vps_error_wrap(err, "disk %s: resize to %s", image, sz);
	}
	if (size < (uint64_t)st.st_size && ftruncate(img, (off_t)size) < 0)
		return vps_error(err, errno, "shrink %s", image);
	return 0;
}

int vps_disk_resize(const char *image, pid_t pid, uint64_t size, int *later, vps_err *err)
{
	*later = 0;
	if (size < VPS_DISK_MIN)
		return vps_errorx(err, EINVAL, "disk size %" PRIu64 ": at least %lluM", size,
				  VPS_DISK_MIN >> 20);
	if (size % 4096)
		return vps_errorx(err, EINVAL,
				  "disk size %" PRIu64 ": expected a multiple of 4096 bytes", size);
	return pid > 0 ? resize_live(image, pid, size, later, err)
		       : resize_offline(image, size, err);
}
