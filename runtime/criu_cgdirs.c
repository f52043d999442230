/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's cgroup2 subtree across a checkpoint. A systemd inside makes
 * cgroups (slices, services) that may hold no process at the dump; CRIU only
 * recreates the cgroups of the dumped tasks, but systemd watches files of the
 * empty ones too (inotify on cgroup.events), and the restore fails where it
 * cannot reopen them. So the dump lists every directory under the container's
 * cgroup2 directory (IMAGE/vps-cgroup-dirs, one relative path a line, parents
 * first) and restore makes them in the new cgroup before CRIU runs. With a
 * user namespace of the VPS's own, its root made them: each, with every file
 * in it, is owned by the host ids of the VPS's root again (the kernel gave
 * them the creator's ids; the VPS's top directory stays delegated as create
 * made it), else the restored systemd, inside the VPS's user namespace,
 * cannot reopen the files it watches ("fsnotify: Unable to open
 * .../system.slice/cgroup.events: Permission denied") nor manage them. A
 * sub-cgroup someone inside delegated further (systemd's user@UID.service)
 * comes back as the VPS root's too. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/criu.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/walk.h"

#define CGDIRS_FILE   "vps-cgroup-dirs"
#define CGDIRS_MAX    4096 /* directories recorded */
#define CGROUP2_MAGIC 0x63677270

/* where the host mounts cgroup2: a hybrid host's unified, else the root */
static const char *v2_root(void)
{
	struct statfs sf;
	if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_MAGIC)
		return "/sys/fs/cgroup/unified";
	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_MAGIC)
		return "/sys/fs/cgroup";
	return NULL;
}

struct list {
	FILE *out;
	size_t n;
};

/* each directory's path relative to the start is its walk data */
static int visit(struct vps_walk_entry *e, void *ctx)
{
	struct list *l = ctx;
	if (e->when == VPS_WALK_DIR_POST || e->when == VPS_WALK_DIR_ABORT) {
		free(e->data);
		return 0;
	}
	if (e->when != VPS_WALK_DIR_PRE)
		return 0;
	const char *parent = e->parent;
	if (e->depth == 0)
		return (e->data = strdup("")) ? 0 : -ENOMEM;
	char *rel = NULL;
	if (asprintf(&rel, "%s%s%s", parent, *parent ? "/" : "", e->name) < 0)
		return -ENOMEM;
	e->data = rel;
	if (++l->n > CGDIRS_MAX)
		return -E2BIG;
	fprintf(l->out, "%s\n", rel);
	return 0;
}

int vps_ckpt_cgdirs_save(const char *image, const char *cgroup_rel, vps_err *err)
{
	const char *root = v2_root();
	char dir[4096], file[4096];
	if (!root || !cgroup_rel)
		return 0; /* no cgroup2: nothing to keep */
	if (vps_snprintf(dir, sizeof(dir), "%s%s", root, cgroup_rel) < 0 ||
	    vps_snprintf(file, sizeof(file), "%s/%s", image, CGDIRS_FILE) < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroup %s: too long", cgroup_rel);
	_cleanup_fclose_ FILE *out = fopen(file, "we");
	if (!out)
		return vps_error(err, errno, "%s", file);
	struct list l = {.out = out};
	struct vps_walk_opts wo = {.max_depth = 32};
	int r = vps_walk_at(AT_FDCWD, dir, &wo, visit, &l);
	if (r < 0 && r != -ENOENT)
		return vps_errorx(err, -r, "cgroup %s: list its directories: %s", dir,
				  strerror(-r));
	return fflush(out) == 0 ? 0 : vps_error(err, errno, "%s", file);
}

/* a relative path of plain names: no "..", ".", empty part or leading '/' */
static bool plain(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *s = p; *s; s = strchr(s, '/') ? strchr(s, '/') + 1 : s + strlen(s)) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
	}
	return true;
}

struct owner {
	uid_t uid;
	gid_t gid;
};

/* a sub-cgroup and everything in it: the owner's, its directories 0755 (as
 * the VPS's root makes them, whatever our umask) */
static int own(struct vps_walk_entry *e, void *ctx)
{
	const struct owner *o = ctx;
	if (e->when == VPS_WALK_DIR_PRE)
		return fchown(e->fd, o->uid, o->gid) < 0 || fchmod(e->fd, 0755) < 0 ? -errno : 0;
	if (e->when != VPS_WALK_OTHER)
		return 0;
	if (fchownat(e->dfd, e->name, o->uid, o->gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int give(int dfd, const char *v2dir, const char *rel, uid_t uid, gid_t gid, vps_err *err)
{
	struct owner o = {uid, gid};
	struct vps_walk_opts wo = {.max_depth = 32};
	if (uid == (uid_t)-1 || strchr(rel, '/'))
		return 0; /* not mapped, or inside a top one (given with it) */
	int r = vps_walk_at(dfd, rel, &wo, own, &o);
	return r < 0 ? vps_errorx(err, -r, "cgroup %s/%s: give it to the VPS's root (uid %u): %s",
				  v2dir, rel, (unsigned)uid, strerror(-r))
		     : 0;
}

int vps_ckpt_cgdirs_make(const char *image, const char *v2dir, uid_t uid, gid_t gid, vps_err *err)
{
	char file[4096], line[4096];
	if (!v2dir || vps_snprintf(file, sizeof(file), "%s/%s", image, CGDIRS_FILE) < 0)
		return 0;
	_cleanup_fclose_ FILE *in = fopen(file, "re");
	if (!in)
		return 0; /* an older checkpoint, or no cgroup2 */
	_cleanup_close_ int dfd = open(v2dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "cgroup %s", v2dir);
	for (int n = 0; n < CGDIRS_MAX && fgets(line, sizeof(line), in); n++) {
		line[strcspn(line, "\n")] = '\0';
		if (!plain(line))
			return vps_errorx(err, EINVAL, "%s: \"%s\": not a relative cgroup path",
					  file, line);
		if (mkdirat(dfd, line, 0755) < 0 && errno != EEXIST)
			return vps_error(err, errno, "cgroup %s/%s", v2dir, line);
	}
	rewind(in); /* parents first: all are made before a top one is given away */
	int r = 0;
	for (int n = 0; r == 0 && n < CGDIRS_MAX && fgets(line, sizeof(line), in); n++) {
		line[strcspn(line, "\n")] = '\0';
		r = give(dfd, v2dir, line, uid, gid, err);
	}
	return r;
}
