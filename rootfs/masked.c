/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.maskedPaths and linux.readonlyPaths, applied inside the rootfs before
 * pivot_root. Paths under /proc and /sys are resolved from the fd of the
 * procfs (sysfs) vps mounted there (kernfs.c), never by name through the
 * rootfs, after checking that /proc (/sys) still shows that filesystem.
 * Masking binds the container's /dev/null (checked to really be the null
 * device, and used through the checked fd so it cannot be swapped) over files
 * and an empty read-only tmpfs over directories (one tmpfs shared by all of
 * them, as runc 1.2+, not one per directory); missing paths are skipped,
 * except entries every procfs has (a fresh procfs cannot lack them). Read-only
 * paths are bound onto themselves and made read-only, which keeps
 * nosuid/nodev/noexec as they were. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"

/* Entries proc_root_init always makes. */
static bool proc_must_exist(const char *rel)
{
	static const char *const always[] = {"sys", "fs", "bus"};
	size_t len = strcspn(rel, "/");
	if (rel[len] && rel[len + 1]) /* deeper than one level */
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		if (strlen(always[i]) == len && !strncmp(rel, always[i], len))
			return true;
	return false;
}

/* PATH under the kernel filesystem mounted at FS (fd kfd), or -1. */
static int under(const char *path, const char *fs, int kfd, const char **rel)
{
	size_t l = strlen(fs);
	if (kfd < 0 || strncmp(path, fs, l) || path[l] != '/')
		return -1;
	*rel = path + l;
	while (**rel == '/')
		(*rel)++;
	return kfd;
}

static int open_beneath(int dirfd, const char *rel)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	long fd = syscall(SYS_openat2, dirfd, *rel ? rel : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* 1 with *fd open (O_PATH), 0 when the path does not exist. */
static int open_existing(const struct vps_mount_ctx *c, const char *path, int *fd, vps_err *err)
{
	const char *rel = NULL;
	int kfd = c->kfs ? under(path, "/proc", c->kfs->proc, &rel) : -1;
	bool proc = kfd >= 0;
	if (kfd < 0 && c->kfs)
		kfd = under(path, "/sys", c->kfs->sys, &rel);
	if (kfd < 0) {
		*fd = vps_open_in_root(c->rootfs_fd, path, O_PATH, 0, err);
		if (*fd == -ENOENT)
			vps_err_clear(err);
	} else if ((*fd = open_beneath(kfd, rel)) < 0 &&
		   (*fd != -ENOENT || (proc && proc_must_exist(rel))))
		return vps_error(err, -*fd, "open %s in the %s vps mounted", path,
				 proc ? "procfs" : "sysfs");
	if (*fd == -ENOENT)
		return 0;
	return *fd < 0 ? *fd : 1;
}

/* /proc and /sys still show the filesystems masked paths are resolved from. */
static int check_kernfs(const struct vps_mount_ctx *c, vps_err *err)
{
	int r = 0;
	if (c->kfs && c->kfs->proc >= 0)
		r = vps_kernfs_check(c->rootfs_fd, c->kfs->proc, "/proc", err);
	if (r == 0 && c->kfs && c->kfs->sys >= 0)
		r = vps_kernfs_check(c->rootfs_fd, c->kfs->sys, "/sys", err);
	return r;
}

/* The empty read-only tmpfs that masks directories, detached: attached on the
 * first, cloned from there onto the others. */
static int mask_tmpfs(vps_err *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return vps_error(err, errno, "masked paths: fsopen tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return vps_error(err, errno, "masked paths: make the tmpfs");
	int m =
	    fsmount(fs, FSMOUNT_CLOEXEC,
		    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return vps_error(err, errno, "masked paths: fsmount tmpfs");
	return m;
}

/* Attach the mount TREE onto TARGET_FD. */
static int attach(int tree, int target_fd, const char *path, vps_err *err)
{
	if (move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return vps_error(err, errno, "masked path %s: bind the mask", path);
	return 0;
}

/* Bind a clone of the attached mount FROM onto TARGET_FD (kernels before 6.15
 * refuse to clone a detached one: EINVAL). */
static int bind_clone(int from, int target_fd, const char *path, vps_err *err)
{
	_cleanup_close_ int tree =
	    open_tree(from, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return vps_error(err, errno, "masked path %s: clone the mask", path);
	return attach(tree, target_fd, path, err);
}

int vps_mask_paths(const struct vps_mount_ctx *c, char *const *paths, size_t n, vps_err *err)
{
	if (!n)
		return 0;
	int rootfs_fd = c->rootfs_fd;
	int r = check_kernfs(c, err);
	if (r < 0)
		return vps_error_wrap(err, "masked paths");
	_cleanup_close_ int null =
	    vps_open_in_root(rootfs_fd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
	if (null < 0)
		return vps_error_wrap(err, "masked paths");
	struct stat st;
	if (fstat(null, &st) < 0)
		return vps_error(err, errno, "masked paths: stat /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return vps_errorx(err, EPERM,
				  "masked paths: /dev/null in the container is not the null "
				  "device (char 1:3)");
	_cleanup_close_ int tmpfs = -1;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int fd = -1;
		r = open_existing(c, paths[i], &fd, err);
		if (r <= 0) {
			if (r < 0)
				return vps_error_wrap(err, "masked path");
			continue;
		}
		if (fstat(fd, &st) < 0)
			return vps_error(err, errno, "masked path %s: stat", paths[i]);
		if (S_ISDIR(st.st_mode) && tmpfs < 0) { /* the first directory gets the mask */
			if ((tmpfs = mask_tmpfs(err)) < 0 ||
			    (r = attach(tmpfs, fd, paths[i], err)) < 0)
				return tmpfs < 0 ? tmpfs : r;
			continue; /* the later ones a clone of it, now attached */
		}
		if ((r = bind_clone(S_ISDIR(st.st_mode) ? tmpfs : null, fd, paths[i], err)) < 0)
			return r;
	}
	return 0;
}

int vps_readonly_paths(const struct vps_mount_ctx *c, char *const *paths, size_t n, vps_err *err)
{
	int r = n ? check_kernfs(c, err) : 0;
	if (r < 0)
		return vps_error_wrap(err, "readonly paths");
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int fd = -1;
		r = open_existing(c, paths[i], &fd, err);
		if (r <= 0) {
			if (r < 0)
				return vps_error_wrap(err, "readonly path");
			continue;
		}
		_cleanup_close_ int tree = open_tree(
		    fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
		if (tree < 0)
			return vps_error(err, errno, "readonly path %s: clone", paths[i]);
		struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
			return vps_error(err, errno, "readonly path %s: make read-only", paths[i]);
		if (move_mount(tree, "", fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return vps_error(err, errno, "readonly path %s: bind", paths[i]);
	}
	return 0;
}
