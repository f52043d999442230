/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Remove the container's cgroup (and any sub-cgroups its processes made) in
 * every hierarchy. Idempotent: a missing directory is success. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/log.h"
#include "util/walk.h"

/* rmdir every sub-cgroup, deepest first; the files in them go with them. */
static int rm_sub(struct vps_walk_entry *e, void *ctx)
{
	(void)ctx;
	if (e->depth == 0 || e->when != VPS_WALK_DIR_POST)
		return 0;
	return unlinkat(e->dfd, e->name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

static int rm_tree(const char *dir)
{
	/* the usual case, no sub-cgroups: one rmdir, no directory read */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return -errno;
	static const struct vps_walk_opts o = {.max_depth = CG_MAX_DEPTH, .keep_going = true};
	int r = vps_walk_at(AT_FDCWD, dir, &o, rm_sub, NULL);
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
	cg_systemd_stop(cg); /* systemd removes its directories */
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
