/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tmpcopyup (a runc/crun mount extension podman uses for --read-only and
 * --tmpfs): a tmpfs mounted over a directory starts with a copy of what that
 * directory held. Copies regular files, directories, symlinks and device/fifo
 * nodes with their modes and owners, fd-relative so nothing leaves the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/io.h"
#include "util/walk.h"

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

struct copyup {
	int dst;	  /* the top destination (the new tmpfs) */
	char failed[256]; /* the entry being copied when an error happened */
};

/* A directory's per-walk data: its copy's fd (the walker never looks inside). */
static void *fd_data(int fd)
{
	return (void *)(intptr_t)fd;
}

static int data_fd(const void *data)
{
	return (int)(intptr_t)data;
}

static int copy_other(int src, int dst, const char *n)
{
	struct stat st;
	if (fstatat(src, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return copy_file(src, dst, n, &st);
	if (S_ISDIR(st.st_mode))
		return -EAGAIN; /* it became a directory while the walk looked */
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t len = readlinkat(src, n, target, sizeof(target) - 1);
		if (len < 0)
			return -errno;
		target[len] = '\0';
		if (symlinkat(target, dst, n) < 0)
			return -errno;
	} else if (mknodat(dst, n, st.st_mode, st.st_rdev) < 0) {
		return -errno;
	}
	return fchownat(dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* The copy of a directory is made at DIR_PRE (mode 0700 while it fills) and gets
 * its owner and mode at DIR_POST; the top one is the tmpfs itself, left as is. */
static int copy_entry(struct vps_walk_entry *e, void *ctx)
{
	struct copyup *c = ctx;
	if (e->depth == 0) {
		e->data = fd_data(c->dst);
		return 0;
	}
	int dst = data_fd(e->parent), fd = e->when == VPS_WALK_OTHER ? -1 : data_fd(e->data);
	struct stat st;
	int r = 0;
	if (e->when != VPS_WALK_DIR_ABORT) /* ABORT: keep the name that failed inside */
		vps_snprintf(c->failed, sizeof(c->failed), "%s", e->name); /* fits: NAME_MAX */
	switch (e->when) {
	case VPS_WALK_OTHER:
		return copy_other(e->dfd, dst, e->name);
	case VPS_WALK_DIR_PRE:
		if (mkdirat(dst, e->name, 0700) < 0)
			return -errno;
		fd = openat(dst, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		e->data = fd_data(fd);
		return 0;
	case VPS_WALK_DIR_POST:
		if (fstat(e->fd, &st) < 0 || fchown(fd, st.st_uid, st.st_gid) < 0 ||
		    fchmod(fd, st.st_mode & 07777) < 0)
			r = -errno;
		break;
	case VPS_WALK_DIR_ABORT:
		break;
	}
	close(fd);
	return r;
}

int vps_copyup(int src_dir, int dst_dir, const char *what, vps_err *err)
{
	static const struct vps_walk_opts o = {.max_depth = COPYUP_MAX_DEPTH};
	struct copyup c = {.dst = dst_dir};
	int r = vps_walk_at(src_dir, ".", &o, copy_entry, &c);
	if (r < 0)
		return vps_error(err, -r, "%s: tmpcopyup of %s", what, c.failed);
	return 0;
}
