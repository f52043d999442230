/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dir backend of a VPS's disk (issue 18, `vps bundle --disk-backend dir`):
 * the rootfs stays a directory on the host and becomes the root of a project
 * quota of its own, on XFS or on ext4 (mounted with prjquota; mkfs -O
 * quota,project). The empty rootfs gets a free project id and
 * PROJINHERIT before the template is written into it (FS_IOC_FSSETXATTR), so
 * every file the template and later the VPS make is counted; the limit is set
 * with quotactl_fd(Q_XSETQLIM), which both filesystems take. statfs of a
 * PROJINHERIT directory reports its project's limit and use on both, so df /
 * inside shows the quota; a write past it fails inside (ENOSPC on XFS,
 * EDQUOT on ext4). The id is recorded in the annotation org.vps.disk.project
 * and checked against the directory's before any change. */
#include <errno.h>
#include <fcntl.h>
#include <linux/dqblk_xfs.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/quota.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/disk.h"
#include "util/cleanup.h"

#define PROJ_BASE  1000000u /* above the ids an admin numbers by hand */
#define PROJ_TRIES 4096

static int qctl(int fd, int cmd, uint32_t id, void *addr)
{
	return (int)syscall(SYS_quotactl_fd, fd, QCMD(cmd, PRJQUOTA), id, addr);
}

/* Project quotas are enforced on the filesystem of fd. */
static int probe(int fd, const char *dir, vps_err *err)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return vps_error(err, errno, "--disk-backend dir: statfs %s", dir);
	if (sf.f_type != XFS_SUPER_MAGIC && sf.f_type != EXT4_SUPER_MAGIC)
		return vps_errorx(err, EOPNOTSUPP,
				  "--disk-backend dir: %s is not on XFS or ext4 (filesystem "
				  "type 0x%lx): no project quotas there; use the image backend",
				  dir, (unsigned long)sf.f_type);
	struct fs_quota_statv q = {.qs_version = FS_QSTATV_VERSION1};
	if (qctl(fd, Q_XGETQSTATV, 0, &q) < 0 && errno == ENOSYS)
		return vps_errorx(err, EOPNOTSUPP,
				  "--disk-backend dir: %s: this kernel has no quota support "
				  "(CONFIG_QUOTA, CONFIG_XFS_QUOTA); use the image backend",
				  dir);
	if (!(q.qs_flags & FS_QUOTA_PDQ_ENFD))
		return vps_errorx(err, EOPNOTSUPP,
				  "--disk-backend dir: %s: project quotas are not enforced on "
				  "its filesystem (mount it with prjquota; ext4 also needs "
				  "mkfs.ext4 -O quota,project); use the image backend",
				  dir);
	return 0;
}

/* No limit and nothing counted: no one uses project id. */
static bool proj_free(int fd, uint32_t id)
{
	struct fs_disk_quota d = {0};
	if (qctl(fd, Q_XGETQUOTA, id, &d) < 0)
		return errno == ENOENT || errno == ESRCH;
	return !d.d_blk_hardlimit && !d.d_blk_softlimit && !d.d_ino_hardlimit && !d.d_bcount &&
	       !d.d_icount;
}

static int set_limit(int fd, uint32_t id, uint64_t bytes)
{
	struct fs_disk_quota d = {.d_version = FS_DQUOT_VERSION,
				  .d_flags = FS_PROJ_QUOTA,
				  .d_fieldmask = FS_DQ_BHARD | FS_DQ_BSOFT,
				  .d_id = id,
				  .d_blk_hardlimit = bytes >> 9,
				  .d_blk_softlimit = bytes >> 9};
	return qctl(fd, Q_XSETQLIM, id, &d) < 0 ? -errno : 0;
}

/* The directory's project id (it must have PROJINHERIT too). */
static int dir_project(int fd, uint32_t *id)
{
	struct fsxattr fa;
	if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) < 0)
		return -errno;
	*id = (fa.fsx_xflags & FS_XFLAG_PROJINHERIT) ? fa.fsx_projid : 0;
	return 0;
}

int vps_disk_dir_create(int rootfd, const char *rootfs, uint64_t size, uint32_t *projid,
			vps_err *err)
{
	*projid = 0;
	int r = probe(rootfd, rootfs, err);
	if (r < 0)
		return r;
	uint32_t id = PROJ_BASE;
	while (id < PROJ_BASE + PROJ_TRIES && !proj_free(rootfd, id))
		id++;
	if (id == PROJ_BASE + PROJ_TRIES)
		return vps_errorx(err, ENOSPC, "--disk-backend dir: no free project id in %u..%u",
				  PROJ_BASE, PROJ_BASE + PROJ_TRIES - 1);
	/* the limit first: the id is taken before the directory joins it */
	if ((r = set_limit(rootfd, id, size)) < 0)
		return vps_error(err, -r, "--disk-backend dir: set the quota of project %u", id);
	struct fsxattr fa;
	if (ioctl(rootfd, FS_IOC_FSGETXATTR, &fa) < 0)
		r = -errno;
	fa.fsx_projid = id;
	fa.fsx_xflags |= FS_XFLAG_PROJINHERIT;
	if (r == 0 && ioctl(rootfd, FS_IOC_FSSETXATTR, &fa) < 0)
		r = -errno;
	if (r < 0) {
		(void)set_limit(rootfd, id, 0);
		return vps_error(err, -r, "--disk-backend dir: make %s project %u", rootfs, id);
	}
	*projid = id;
	return 0;
}

/* rootfs opened and checked to be the root of project id. */
static int open_project(const char *rootfs, uint32_t id, vps_err *err)
{
	_cleanup_close_ int fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	uint32_t have = 0;
	int r = fd < 0 ? -errno : dir_project(fd, &have);
	if (r < 0)
		return vps_error(err, -r, "disk %s", rootfs);
	if (have != id || id == 0)
		return vps_errorx(err, EINVAL,
				  "disk %s: its project id is %u, not %u (annotation "
				  "org.vps.disk.project)",
				  rootfs, have, id);
	return take_fd(fd);
}

int vps_disk_dir_use(const char *rootfs, uint32_t id, uint64_t *size, uint64_t *used, vps_err *err)
{
	_cleanup_close_ int fd = open_project(rootfs, id, err);
	struct fs_disk_quota d = {0};
	if (fd < 0)
		return fd;
	if (qctl(fd, Q_XGETQUOTA, id, &d) < 0)
		return vps_error(err, errno, "disk %s: the quota of project %u", rootfs, id);
	*size = d.d_blk_hardlimit << 9;
	*used = d.d_bcount << 9;
	return 0;
}

int vps_disk_dir_resize(const char *rootfs, uint32_t id, uint64_t size, vps_err *err)
{
	uint64_t have, used;
	int r = vps_disk_dir_use(rootfs, id, &have, &used, err);
	if (r < 0)
		return r;
	if (size < used)
		return vps_errorx(err, ENOSPC,
				  "disk %s: %llu bytes are in use, more than %llu: remove files "
				  "first",
				  rootfs, (unsigned long long)used, (unsigned long long)size);
	_cleanup_close_ int fd = open_project(rootfs, id, err);
	if (fd < 0)
		return fd;
	if ((r = set_limit(fd, id, size)) < 0)
		return vps_error(err, -r, "disk %s: set the quota of project %u", rootfs, id);
	return 0;
}

int vps_disk_dir_free(const char *rootfs, uint32_t id, vps_err *err)
{
	_cleanup_close_ int fd = open_project(rootfs, id, err);
	if (fd < 0)
		return fd;
	int r = set_limit(fd, id, 0);
	return r < 0 ? vps_error(err, -r, "disk %s: free project %u", rootfs, id) : 0;
}
