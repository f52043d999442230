/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Home directories inside the rootfs: made and removed only through fds
 * resolved inside it, never following a symlink out of it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/template.h"
#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"
#include "util/openat2.h"

/* A directory inside the VPS's root (read-only, for *at calls), or -errno. */
static int in_root_dir(struct vps_userdb *db, const char *path)
{
	return vps_openat2(db->rootfd, path, O_RDONLY | O_DIRECTORY, 0,
			   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* Open the parent of path (made with 0755 dirs as needed); *base is its last part. */
static int open_parent(struct vps_userdb *db, const char *path, char *buf, size_t len,
		       const char **base, vps_err *err)
{
	if (path[0] != '/' || vps_snprintf(buf, len, "%s", path) < 0)
		return vps_errorx(err, EINVAL, "home %s: not an absolute path", path);
	char *slash = strrchr(buf, '/');
	*base = slash + 1;
	if (!**base || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
		return vps_errorx(err, EINVAL, "home %s: not a directory name", path);
	*slash = '\0';
	int fd = in_root_dir(db, "/");
	for (char *p = buf + 1; fd >= 0 && slash != buf && p <= slash;) {
		char *e = strchrnul(p, '/');
		char c = *e;
		*e = '\0';
		int next = *p ? in_root_dir(db, buf) : -1;
		if (*p && next == -ENOENT && mkdirat(fd, p, 0755) == 0) {
			next = in_root_dir(db, buf);
			if (next >= 0 && fchown(next, db->root_uid, db->root_gid) < 0)
				log_warn("chown %s: %m", buf);
		}
		*e = c;
		if (*p || next >= 0) {
			close(fd);
			fd = next;
		}
		p = e + 1;
	}
	if (fd < 0)
		return vps_error(err, -fd, "home %s: parent directory", path);
	return fd;
}

/* Copy the regular files at the top of the VPS's /etc/skel into the new home
 * (like useradd -m; nested directories and symlinks are left out). */
static int copy_skel(struct vps_userdb *db, int homefd, uid_t uid, gid_t gid, vps_err *err)
{
	int sfd = in_root_dir(db, "/etc/skel");
	if (sfd < 0)
		return 0;
	DIR *d = fdopendir(sfd);
	if (!d) {
		close(sfd);
		return vps_error(err, errno, "/etc/skel");
	}
	struct dirent *de;
	int r = 0;
	for (int n = 0; r == 0 && n < 256 && (de = readdir(d)); n++) {
		struct stat st;
		vps_err skip;
		_cleanup_close_ int pin =
		    openat(dirfd(d), de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int in =
		    pin < 0 ? -1 : vps_reopen_regular(pin, de->d_name, O_RDONLY, &st, &skip);
		if (in < 0)
			continue; /* not a regular file (never opened) */
		_cleanup_free_ char *buf = NULL;
		size_t len;
		_cleanup_close_ int out = -1;
		r = vps_read_fd(in, de->d_name, 1 << 20, &buf, &len, err);
		if (r == 0)
			out = openat(homefd, de->d_name,
				     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (r == 0) {
			int w = out < 0 ? -errno : vps_write_all(out, buf, len);
			if (w == 0 &&
			    (fchown(out, uid, gid) < 0 || fchmod(out, st.st_mode & 0777) < 0))
				w = -errno;
			if (w < 0)
				r = vps_error(err, -w, "copy /etc/skel/%s", de->d_name);
		}
	}
	closedir(d);
	return r;
}

int vps_home_create(struct vps_userdb *db, const char *home, uint32_t uid, uint32_t gid,
		    vps_err *err)
{
	char buf[4096];
	const char *base;
	_cleanup_close_ int pfd = open_parent(db, home, buf, sizeof(buf), &base, err);
	if (pfd < 0)
		return pfd;
	if (mkdirat(pfd, base, 0700) < 0) {
		if (errno != EEXIST)
			return vps_error(err, errno, "create home %s", home);
		log_warn("home %s already exists; leaving it as it is", home);
		return 0;
	}
	_cleanup_close_ int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchown(fd, db->root_uid + uid, db->root_gid + gid) < 0 ||
	    fchmod(fd, 0700) < 0)
		return vps_error(err, errno, "set owner of home %s", home);
	return copy_skel(db, fd, db->root_uid + uid, db->root_gid + gid, err);
}

int vps_home_remove(struct vps_userdb *db, const char *home, uint32_t uid, vps_err *err)
{
	char buf[4096];
	const char *base;
	if (strcmp(home, "/") == 0)
		return vps_errorx(err, EINVAL, "home is \"/\"; not removing it");
	_cleanup_close_ int pfd = open_parent(db, home, buf, sizeof(buf), &base, err);
	if (pfd < 0)
		return pfd;
	struct stat st;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return vps_error(err, errno, "home %s", home);
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != db->root_uid + uid)
		return vps_errorx(err, EPERM,
				  "home %s: not a directory owned by the user; not "
				  "removing it",
				  home);
	int r = vps_rm_tree_at(pfd, base);
	return r < 0 ? vps_error(err, -r, "remove home %s", home) : 0;
}
