/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/io.h"

int vps_read_file_at(int dirfd, const char *name, size_t max, char **out, size_t *len, vps_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vps_error(err, errno, "open %s", name);
	return vps_read_fd(fd, name, max, out, len, err);
}

int vps_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, vps_err *err)
{
	size_t cap = 4096, n = 0;
	_cleanup_free_ char *buf = malloc(cap + 1);
	if (!buf)
		return vps_error(err, ENOMEM, "read %s", name);
	for (;;) {
		if (n == cap) {
			if (cap >= max)
				return vps_errorx(err, EFBIG, "read %s: larger than %zu bytes",
						  name, max);
			cap = cap * 2 > max ? max : cap * 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb)
				return vps_error(err, ENOMEM, "read %s", name);
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return vps_error(err, errno, "read %s", name);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = take_ptr(buf);
	return 0;
}

static int write_temp(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
		      uid_t uid, gid_t gid, bool sync, char *tmp, size_t tmpsz, vps_err *err)
{
	if (strchr(name, '/') || vps_snprintf(tmp, tmpsz, ".%s.XXXXXX", name) < 0)
		return vps_errorx(err, EINVAL, "write %s: not a plain file name", name);
	size_t base = strlen(tmp) - 6;
	int fd = -1;
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		unsigned long r = (unsigned long)random() ^ ((unsigned long)getpid() << 8) ^
				  (unsigned long)attempt;
		for (int i = 0; i < 6; i++) {
			tmp[base + i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r % 36];
			r /= 36;
		}
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			return vps_error(err, errno, "create temporary file for %s", name);
	}
	if (fd < 0)
		return vps_error(err, EEXIST, "create temporary file for %s", name);
	int r = vps_write_all(fd, buf, len);
	const char *step = "write";
	if (r == 0 && (uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		r = -errno, step = "chown";
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno, step = "chmod";
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno, step = "fsync";
	close(fd);
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return vps_error(err, -r, "%s %s", step, name);
	}
	return 0;
}

int vps_write_temp_at(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
		      uid_t uid, gid_t gid, char *tmp, size_t tmpsz, vps_err *err)
{
	return write_temp(dirfd, name, buf, len, mode, uid, gid, true, tmp, tmpsz, err);
}

static int write_atomic(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
			uid_t uid, gid_t gid, bool sync, vps_err *err)
{
	char tmp[512];
	int r = write_temp(dirfd, name, buf, len, mode, uid, gid, sync, tmp, sizeof(tmp), err);
	if (r < 0)
		return r;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = vps_error(err, errno, "rename %s", name);
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	if (sync && dirfd != AT_FDCWD)
		fsync(dirfd);
	return 0;
}

int vps_write_atomic_at(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
			uid_t uid, gid_t gid, vps_err *err)
{
	return write_atomic(dirfd, name, buf, len, mode, uid, gid, true, err);
}

static bool in_memory_fs(int dirfd)
{
	struct statfs sf;
	return fstatfs(dirfd, &sf) == 0 && (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

int vps_write_state_at(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
		       uid_t uid, gid_t gid, vps_err *err)
{
	return write_atomic(dirfd, name, buf, len, mode, uid, gid, !in_memory_fs(dirfd), err);
}

int vps_mkdir_p(const char *path, mode_t mode, vps_err *err)
{
	char buf[4096];
	if (vps_snprintf(buf, sizeof(buf), "%s", path) < 0)
		return vps_errorx(err, ENAMETOOLONG, "mkdir %s: path too long", path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return vps_error(err, errno, "mkdir %s", buf);
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}
