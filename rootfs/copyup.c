/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tmpcopyup (a runc/crun mount extension podman uses for --read-only and
 * --tmpfs): a tmpfs mounted over a directory starts with a copy of what that
 * directory held. Copies regular files, directories, symlinks and device/fifo
 * nodes with their modes and owners, fd-relative so nothing leaves the rootfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/io.h"

#define COPYUP_MAX_DEPTH 64

static int copy_file(int src_dir, int dst_dir, const char *name, const struct stat *st)
{
	_cleanup_close_ int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -errno;
	_cleanup_close_ int out =
	    openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -errno;
	static char buf[65536]; /* off the stack: vps is single-threaded */
	ssize_t n;
	while ((n = vps_read_full(in, buf, sizeof(buf))) > 0) {
		int r = vps_write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	if (n < 0)
		return (int)n;
	if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
		return -errno;
	return 0;
}

/* failed: the name being copied when an error happened (a copy: readdir's
 * buffer is gone once the directory is closed) */
static int copy_tree(int src, int dst, int depth, char *failed, size_t failed_sz)
{
	if (depth > COPYUP_MAX_DEPTH)
		return -ELOOP;
	int dup_src = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_src < 0)
		return -errno;
	DIR *d = fdopendir(dup_src);
	if (!d) {
		close(dup_src);
		return -errno;
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		const char *n = e->d_name;
		struct stat st;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		snprintf(failed, failed_sz, "%s", n);
		if (fstatat(src, n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(dst, n, 0700) < 0) {
				r = -errno;
				break;
			}
			_cleanup_close_ int s2 =
			    openat(src, n, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int d2 =
			    openat(dst, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 < 0 || d2 < 0) {
				r = -errno;
				break;
			}
			if ((r = copy_tree(s2, d2, depth + 1, failed, failed_sz)) < 0)
				break;
			if (fchown(d2, st.st_uid, st.st_gid) < 0 ||
			    fchmod(d2, st.st_mode & 07777) < 0)
				r = -errno;
		} else if (S_ISREG(st.st_mode)) {
			r = copy_file(src, dst, n, &st);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlinkat(src, n, target, sizeof(target) - 1);
			if (len < 0) {
				r = -errno;
				break;
			}
			target[len] = '\0';
			if (symlinkat(target, dst, n) < 0 ||
			    fchownat(dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
				r = -errno;
		} else {
			if (mknodat(dst, n, st.st_mode, st.st_rdev) < 0 ||
			    fchownat(dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
				r = -errno;
		}
	}
	closedir(d);
	return r;
}

int vps_copyup(int src_dir, int dst_dir, const char *what, vps_err *err)
{
	char failed[256] = "";
	int r = copy_tree(src_dir, dst_dir, 0, failed, sizeof(failed));
	if (r < 0)
		return vps_error(err, -r, "%s: tmpcopyup of %s", what, failed);
	return 0;
}
