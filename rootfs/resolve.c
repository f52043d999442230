/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path resolution that never leaves the container's root: every lookup goes
 * through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so ".." and absolute
 * symlinks are clamped to the rootfs and /proc magic links are refused. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/openat2.h"

static int openat2_in_root(int rootfs_fd, const char *path, int flags, mode_t mode)
{
	return vps_openat2(rootfs_fd, path, flags, mode, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int vps_open_in_root(int rootfs_fd, const char *path, int flags, mode_t mode, vps_err *err)
{
	int fd = openat2_in_root(rootfs_fd, path, flags, mode);
	if (fd == -EAGAIN)
		return vps_error(err, EAGAIN,
				 "open %s in the container root (the tree kept changing during "
				 "%d lookups)",
				 path, VPS_OPENAT2_TRIES);
	if (fd < 0)
		return vps_error(err, -fd, "open %s in the container root", path);
	return fd;
}

int vps_reopen_regular(int pathfd, const char *what, int flags, struct stat *st, vps_err *err)
{
	struct stat sb;
	if (!st)
		st = &sb;
	if (fstat(pathfd, st) < 0)
		return vps_error(err, errno, "%s", what);
	if (!S_ISREG(st->st_mode))
		return vps_errorx(err, EINVAL, "%s: not a regular file (mode %06o); not opening it",
				  what, (unsigned)st->st_mode);
	struct vps_fdpath p;
	int fd = open(vps_fdpath(&p, pathfd),
		      (flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "reopen %s", what);
	return fd;
}

int vps_open_regular_in_root(int rootfs_fd, const char *path, int flags, struct stat *st,
			     vps_err *err)
{
	_cleanup_close_ int pfd = vps_open_in_root(rootfs_fd, path, O_PATH, 0, err);
	if (pfd < 0)
		return pfd;
	int fd = vps_reopen_regular(pfd, path, flags, st, err);
	if (fd >= 0 && (flags & O_TRUNC) && ftruncate(fd, 0) < 0) {
		close(fd);
		return vps_error(err, errno, "truncate %s", path);
	}
	return fd;
}

int vps_path_in_root(int rootfs_fd, const char *path, vps_err *err)
{
	return vps_open_in_root(rootfs_fd, path, O_PATH, 0, err);
}

/* Usually only the last component is missing (/dev/pts, /sys/fs/cgroup/cpu):
 * one lookup of the parent, not a walk from the root. < 0 (anything odd: no
 * parent, "..", an error): the caller walks, which also names what failed. */
static int mkdir_leaf(int rootfs_fd, char *buf, mode_t mode)
{
	char *slash = strrchr(buf, '/');
	if (!slash || !slash[1])
		return -ENOENT;
	*slash = '\0';
	int parent = openat2_in_root(rootfs_fd, slash == buf ? "/" : buf, O_PATH | O_DIRECTORY, 0);
	*slash = '/';
	if (parent < 0)
		return parent;
	int r = mkdirat(parent, slash + 1, mode) < 0 && errno != EEXIST ? -errno : 0;
	close(parent);
	return r < 0 ? r : openat2_in_root(rootfs_fd, buf, O_PATH | O_DIRECTORY, 0);
}

int vps_mkdir_in_root(int rootfs_fd, const char *path, mode_t mode, vps_err *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof(buf))
		return vps_errorx(err, ENAMETOOLONG, "%s: path too long", path);
	memcpy(buf, path, len + 1);
	int have = openat2_in_root(rootfs_fd, buf, O_PATH | O_DIRECTORY, 0);
	if (have >= 0)
		return have; /* the common case: it is already there */
	if (have == -ENOENT && (have = mkdir_leaf(rootfs_fd, buf, mode)) >= 0)
		return have;

	_cleanup_close_ int cur = openat2_in_root(rootfs_fd, "/", O_PATH | O_DIRECTORY, 0);
	if (cur < 0)
		return vps_error(err, -cur, "open the container root");
	/* Walk component by component; each prefix is re-resolved inside the root. */
	size_t i = 0;
	while (i < len) {
		while (i < len && buf[i] == '/')
			i++;
		if (i >= len)
			break;
		size_t start = i;
		while (i < len && buf[i] != '/')
			i++;
		char saved = buf[i];
		buf[i] = '\0';
		int fd = openat2_in_root(rootfs_fd, buf, O_PATH | O_DIRECTORY, 0);
		if (fd == -ENOENT) {
			if (mkdirat(cur, buf + start, mode) < 0 && errno != EEXIST)
				return vps_error(err, errno, "mkdir %s in the container root", buf);
			fd = openat2_in_root(rootfs_fd, buf, O_PATH | O_DIRECTORY, 0);
			/* Still missing after mkdir said EEXIST: a symlink that points
			 * nowhere inside the root. Refuse rather than guess. */
			if (fd == -ENOENT)
				return vps_errorx(err, ENOENT,
						  "%s in the container root is a dangling symlink",
						  buf);
		}
		if (fd < 0)
			return vps_error(err, -fd, "open directory %s in the container root", buf);
		close(cur);
		cur = fd;
		buf[i] = saved;
	}
	return take_fd(cur);
}

int vps_parent_in_root(int rootfs_fd, const char *path, const char **base, vps_err *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= sizeof(buf))
		return vps_errorx(err, ENAMETOOLONG, "%s: path too long", path);
	memcpy(buf, path, len);
	buf[len] = '\0';
	char *slash = strrchr(buf, '/');
	const char *b = slash ? slash + 1 : buf;
	if (!*b || !strcmp(b, ".") || !strcmp(b, ".."))
		return vps_errorx(err, EINVAL, "%s: not a path to a file", path);
	*base = path + (b - buf);
	if (slash)
		*slash = '\0';
	return vps_mkdir_in_root(rootfs_fd, slash ? buf : ".", 0755, err);
}

int vps_mkpath_in_root(int rootfs_fd, const char *path, bool dir, vps_err *err)
{
	if (dir)
		return vps_mkdir_in_root(rootfs_fd, path, 0755, err);
	int fd = openat2_in_root(rootfs_fd, path, O_PATH, 0);
	if (fd >= 0 || fd != -ENOENT) {
		if (fd < 0)
			return vps_error(err, -fd, "open %s in the container root", path);
		return fd;
	}
	const char *base;
	_cleanup_close_ int parent = vps_parent_in_root(rootfs_fd, path, &base, err);
	if (parent < 0)
		return parent;
	char name[NAME_MAX + 1];
	size_t n = strcspn(base, "/");
	if (n > NAME_MAX)
		return vps_errorx(err, ENAMETOOLONG, "%s: name too long", path);
	memcpy(name, base, n);
	name[n] = '\0';
	/* O_NOFOLLOW: a dangling symlink planted here is refused, not followed. */
	_cleanup_close_ int f =
	    openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (f < 0)
		return vps_error(err, errno, "create %s in the container root", path);
	fd = openat2_in_root(rootfs_fd, path, O_PATH, 0);
	if (fd < 0)
		return vps_error(err, -fd, "open %s in the container root", path);
	return fd;
}
