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

static int walk_one(struct walk *w, int dfd, const char *name, unsigned char type, int depth,
		    void *parent);

static int walk_entries(struct walk *w, const struct vps_walk_entry *dir)
{
	int dup_fd = openat(dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
		int r2 = walk_one(w, dir->fd, de->d_name, de->d_type, dir->depth + 1, dir->data);
		if (r2 < 0)
			r = r2;
	}
	closedir(d);
	return r;
}

/* The entry's directory fd, -1 if it is not one we enter (OTHER), or -errno. */
static int open_dir(struct walk *w, struct vps_walk_entry *e)
{
	if (e->type != DT_UNKNOWN && e->type != DT_DIR)
		return -1; /* readdir says so: spare the open */
	int fd = openat(e->dfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP || errno == ENOENT ? -1 : -errno;
	if (!w->o->stop_at_mounts)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	if (e->depth == 0)
		w->dev = st.st_dev;
	if (st.st_dev != w->dev) {
		close(fd);
		return -EBUSY;
	}
	return fd;
}

static int walk_one(struct walk *w, int dfd, const char *name, unsigned char type, int depth,
		    void *parent)
{
	struct vps_walk_entry e = {
	    .dfd = dfd, .name = name, .depth = depth, .type = type, .parent = parent};
	e.fd = open_dir(w, &e);
	if (e.fd < -1)
		return e.fd;
	if (e.fd < 0) {
		e.when = VPS_WALK_OTHER;
		int r = w->fn(&e, w->ctx);
		return r == VPS_WALK_SKIP ? 0 : r;
	}
	e.type = DT_DIR;
	e.when = VPS_WALK_DIR_PRE;
	int r = w->fn(&e, w->ctx);
	if (r == 0) {
		r = depth > w->o->max_depth ? -ELOOP : walk_entries(w, &e);
		e.when = r == 0 ? VPS_WALK_DIR_POST : VPS_WALK_DIR_ABORT;
		if (r == 0)
			r = w->fn(&e, w->ctx);
		else
			w->fn(&e, w->ctx);
	}
	close(e.fd);
	return r == VPS_WALK_SKIP ? 0 : r;
}

int vps_walk_at(int dfd, const char *name, const struct vps_walk_opts *o, vps_walk_fn fn, void *ctx)
{
	struct walk w = {.o = o, .fn = fn, .ctx = ctx};
	return walk_one(&w, dfd, name, DT_UNKNOWN, 0, NULL);
}
