/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_walk_at: recursion bounded by max_depth; each level holds one DIR. */
#include "util/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk {
	const struct vps_walk_opts *o;
	vps_walk_fn fn;
	void *ctx;
	dev_t dev;
};

static int walk_one(struct walk *w, int dfd, const char *name, int depth);

static int walk_entries(struct walk *w, int fd, int depth)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -errno;
	DIR *d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -errno;
	}
	int r = 0;
	struct dirent *de;
	while ((r == 0 || w->o->keep_going) && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int r2 = walk_one(w, fd, de->d_name, depth + 1);
		if (r2 < 0)
			r = r2;
	}
	closedir(d);
	return r;
}

static int walk_one(struct walk *w, int dfd, const char *name, int depth)
{
	if (depth > w->o->max_depth)
		return -ELOOP;
	struct vps_walk_entry e = {.dfd = dfd, .name = name, .depth = depth};
	e.fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (e.fd < 0) {
		e.when = VPS_WALK_OTHER;
		int r = w->fn(&e, w->ctx);
		return r == VPS_WALK_SKIP ? 0 : r;
	}
	struct stat st;
	int r = fstat(e.fd, &st) < 0 ? -errno : 0;
	if (r == 0 && depth == 0)
		w->dev = st.st_dev;
	if (r == 0 && w->o->stop_at_mounts && st.st_dev != w->dev)
		r = -EBUSY;
	if (r == 0) {
		e.when = VPS_WALK_DIR_PRE;
		r = w->fn(&e, w->ctx);
	}
	if (r == 0)
		r = walk_entries(w, e.fd, depth);
	if (r == 0) {
		e.when = VPS_WALK_DIR_POST;
		r = w->fn(&e, w->ctx);
	}
	close(e.fd);
	return r == VPS_WALK_SKIP ? 0 : r;
}

int vps_walk_at(int dfd, const char *name, const struct vps_walk_opts *o, vps_walk_fn fn, void *ctx)
{
	struct walk w = {.o = o, .fn = fn, .ctx = ctx};
	return walk_one(&w, dfd, name, 0);
}
