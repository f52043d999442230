/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Remove the container's cgroup (and any sub-cgroups its processes made) in
 * every hierarchy. Idempotent: a missing directory is success. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/log.h"

/* rmdir every sub-cgroup of dfd, deepest first. */
static int rm_children(int dfd, int depth)
{
	if (depth > CG_MAX_DEPTH)
		return -ELOOP;
	int d2 = openat(dfd, ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (d2 < 0)
		return -errno;
	DIR *d = fdopendir(d2);
	if (!d) {
		close(d2);
		return -errno;
	}
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		int sub = openat(dirfd(d), de->d_name, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (sub >= 0) {
			int r2 = rm_children(sub, depth + 1);
			close(sub);
			if (r2 < 0 && r == 0)
				r = r2;
		}
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
			r = -errno;
	}
	closedir(d);
	return r;
}

static int rm_tree(const char *dir)
{
	/* the usual case, no sub-cgroups: one rmdir, no directory read */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return -errno;
	int dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	int r = rm_children(dfd, 0);
	close(dfd);
	if (rmdir(dir) < 0)
		return errno == ENOENT ? 0 : -errno;
	return r < 0 && r != -ENOENT ? r : 0;
}

int vps_cgroup_destroy(struct vps_cgroup *cg, vps_err *err)
{
	vps_err kerr;
	if (vps_cgroup_kill(cg, SIGKILL, &kerr) < 0)
		log_debug("cgroup destroy: %s", kerr.msg);
	/* A frozen v1 cgroup keeps its killed tasks around: make sure it is thawed. */
	bool frozen = false;
	if (vps_cgroup_is_frozen(cg, &frozen, &kerr) >= 0 && frozen)
		vps_cgroup_freeze(cg, false, &kerr);
	int r = 0;
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_hier *h = &cg->h[i];
		if (h->dirfd >= 0) {
			close(h->dirfd);
			h->dirfd = -1;
		}
		int rr = 0;
		for (int t = 0; t < 100; t++) { /* EBUSY while dying tasks leave */
			rr = rm_tree(h->dir);
			if (rr != -EBUSY)
				break;
			cg_sleep_ms(t < 10 ? 2 : 20);
		}
		if (rr < 0 && r == 0)
			r = vps_error(err, -rr, "remove cgroup %s", h->dir);
		if (rr == 0) /* a failed create: the parents it made too */
			cg_rmdir_made(h);
	}
	return r;
}
