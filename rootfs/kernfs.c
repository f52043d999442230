/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proc and sysfs mounts. Their targets must be real directories of the rootfs
 * (no symlink anywhere on the path, as runc and crun require): a /proc that is
 * a symlink into a volume a neighbour can rename under us could put the procfs
 * somewhere the masked and read-only paths, applied by name, would not reach.
 * The filesystem is made with fsopen/fsmount, so vps holds an fd of the very
 * procfs (sysfs) it attached at /proc (/sys); masked.c resolves those paths
 * from that fd, never by name through the rootfs again. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"

bool vps_is_kernfs(const char *type)
{
	return type && (!strcmp(type, "proc") || !strcmp(type, "sysfs"));
}

static int open_no_symlinks(int rootfs_fd, const char *path)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfs_fd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* The target directory, created if missing; a symlink or non-directory on the
 * path is refused. */
static int kernfs_target(int rootfs_fd, const char *dest, const char *what, vps_err *err)
{
	int fd = open_no_symlinks(rootfs_fd, dest);
	if (fd == -ENOENT) {
		_cleanup_close_ int made = vps_mkdir_in_root(rootfs_fd, dest, 0555, err);
		if (made < 0)
			return vps_error_wrap(err, "%s", what);
		fd = open_no_symlinks(rootfs_fd, dest);
	}
	if (fd == -ELOOP)
		return vps_errorx(err, ELOOP,
				  "%s: %s in the rootfs is or passes through a symlink (refused: "
				  "it must be mounted on ordinary directory of the rootfs itself)",
				  what, dest);
	if (fd == -ENOTDIR)
		return vps_errorx(err, ENOTDIR,
				  "%s: %s in the rootfs is not a directory (it must be mounted on "
				  "ordinary directory)",
				  what, dest);
	if (fd < 0)
		return vps_error(err, -fd, "%s: open %s in the rootfs", what, dest);
	return fd;
}

/* fsconfig every "k=v" / "k" of data (a copy is split). */
static int fs_options(int fsfd, const char *data, const char *what, vps_err *err)
{
	_cleanup_free_ char *copy = data ? strdup(data) : NULL;
	if (data && !copy)
		return vps_error(err, ENOMEM, "%s", what);
	char *save = NULL;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
	     t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (eq)
			*eq++ = '\0';
		int r = eq ? fsconfig(fsfd, FSCONFIG_SET_STRING, t, eq, 0)
			   : fsconfig(fsfd, FSCONFIG_SET_FLAG, t, NULL, 0);
		if (r < 0)
			return vps_error(err, errno, "%s: option %s", what, t);
	}
	return 0;
}

static int kernfs_new(const struct oci_mount *m, const struct vps_mntopts *o, const char *what,
		      vps_err *err)
{
	_cleanup_close_ int fsfd = fsopen(m->type, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return vps_error(err, errno, "%s: fsopen %s", what, m->type);
	const char *src = m->source ? m->source : m->type;
	int r;
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", src, 0) < 0)
		return vps_error(err, errno, "%s: source", what);
	if ((r = fs_options(fsfd, o->data, what, err)) < 0)
		return r;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return vps_error(err, errno, "%s: create the %s", what, m->type);
	int mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return vps_error(err, errno, "%s: fsmount", what);
	return mnt;
}

int vps_mount_kernfs(const struct vps_mount_ctx *c, const struct oci_mount *m,
		     const struct vps_mntopts *o, const char *what, vps_err *err)
{
	_cleanup_close_ int target = kernfs_target(c->rootfs_fd, m->destination, what, err);
	if (target < 0)
		return target;
	_cleanup_close_ int mnt = kernfs_new(m, o, what, err);
	if (mnt < 0)
		return mnt;
	int r = vps_attach_tree(mnt, target, o, what, err);
	if (r < 0)
		return r;
	bool proc = !strcmp(m->type, "proc");
	int *keep = !c->kfs ? NULL : proc ? &c->kfs->proc : &c->kfs->sys;
	if (keep && !strcmp(m->destination, proc ? "/proc" : "/sys")) {
		if (*keep >= 0)
			close(*keep);
		*keep = take_fd(mnt);
	}
	return 0;
}

/* The fs vps mounted at NAME (fd) is still what NAME shows in the rootfs. */
int vps_kernfs_check(int rootfs_fd, int fd, const char *name, vps_err *err)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return vps_error(err, errno, "%s: statfs", name);
	unsigned long magic = !strcmp(name, "/proc") ? PROC_SUPER_MAGIC : SYSFS_MAGIC;
	if ((unsigned long)sf.f_type != magic)
		return vps_errorx(err, EXDEV, "%s: not the %s vps mounted", name,
				  magic == PROC_SUPER_MAGIC ? "procfs" : "sysfs");
	_cleanup_close_ int now = open_no_symlinks(rootfs_fd, name);
	if (now < 0)
		return vps_error(err, -now, "%s: open in the rootfs", name);
	if (vps_mnt_id(now) != vps_mnt_id(fd))
		return vps_errorx(err, EXDEV,
				  "%s in the rootfs is no longer the filesystem vps mounted there "
				  "(changed during set-up)",
				  name);
	return 0;
}
