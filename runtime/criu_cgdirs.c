/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's cgroup2 subtree across a checkpoint. A systemd inside makes
 * cgroups (slices, services) that may hold no process at the dump; CRIU only
 * recreates the cgroups of the dumped tasks, but systemd watches files of the
 * empty ones too (inotify on cgroup.events), and the restore fails where it
 * cannot reopen them. So the dump lists every directory under the container's
 * cgroup2 directory (IMAGE/vps-cgroup-dirs, one relative path a line, parents
 * first) and restore makes them in the new cgroup before CRIU runs. */
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

int vps_ckpt_cgdirs_make(const char *image, const char *v2dir, vps_err *err)
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
	return 0;
}

bool vps_ckpt_cgdirs_any(const char *image)
{
	char file[4096];
	struct stat st;
	return vps_snprintf(file, sizeof(file), "%s/%s", image, CGDIRS_FILE) >= 0 &&
	       stat(file, &st) == 0 && st.st_size > 0;
}
