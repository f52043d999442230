/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Open a container for the cgroup verbs (see live.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "runtime/live.h"
#include "runtime/status.h"
#include "runtime/store.h"

int vps_live_open(const char *root, const char *id, bool lock, struct vps_live *l, vps_err *err)
{
	memset(l, 0, sizeof(*l));
	l->dirfd = l->lockfd = -1;
	int r = 0;
	if (lock)
		r = vps_store_lock(root, id, &l->dirfd, &l->lockfd, err);
	if (r >= 0)
		r = vps_state_load(root, id, &l->st, err);
	if (r >= 0 && (!l->st->cgroup_path || !*l->st->cgroup_path))
		r = vps_errorx(err, ENOENT, "container has no cgroup recorded");
	if (r >= 0)
		r = vps_live_cgroup(l->st, &l->cg, err);
	if (r < 0) {
		vps_live_close(l);
		return r;
	}
	l->status = vps_status_live(root, l->st);
	bool frozen = false;
	vps_err e;
	/* the freezer decides between running and paused */
	if ((l->status == VPS_RUNNING || l->status == VPS_PAUSED) &&
	    vps_cgroup_is_frozen(l->cg, &frozen, &e) == 0)
		l->status = frozen ? VPS_PAUSED : VPS_RUNNING;
	return 0;
}

void vps_live_close(struct vps_live *l)
{
	vps_cgroup_free(l->cg);
	vps_state_free(l->st);
	if (l->dirfd >= 0)
		close(l->dirfd);
	if (l->lockfd >= 0)
		close(l->lockfd);
	memset(l, 0, sizeof(*l));
	l->dirfd = l->lockfd = -1;
}

int vps_live_cgroup(const struct vps_state *st, struct vps_cgroup **cg, vps_err *err)
{
	vps_err ignore;
	if (!err)
		err = &ignore;
	int r = vps_cgroup_open(st->cgroup_path, cg, err);
	if (r >= 0 && st->systemd_cgroup && (r = vps_cgroup_systemd_attach(*cg, err)) < 0) {
		vps_cgroup_free(*cg);
		*cg = NULL;
	}
	return r;
}
