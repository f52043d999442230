/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ps: the host pids of every process in the container's cgroup. */
#include <errno.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/internal.h"
#include "runtime/store.h"
#include "runtime/live.h"

int vps_ps_pids(const char *root, const char *id, pid_t **pids, size_t *n, vps_err *err)
{
	int dirfd = -1, lockfd = -1, r;
	struct vps_state *st = NULL;
	struct vps_cgroup *cg = NULL;
	*pids = NULL;
	*n = 0;
	if ((r = vps_container_load(root, id, &dirfd, &lockfd, &st, err)) < 0)
		return r;
	if (!st->cgroup_path)
		r = vps_errorx(err, ENOENT, "container has no cgroup recorded");
	else if ((r = vps_live_cgroup(st, &cg, err)) < 0 ||
		 (r = vps_cgroup_pids(cg, pids, n, err)) < 0)
		vps_error_wrap(err, "cgroup");
	vps_cgroup_free(cg);
	vps_state_free(st);
	close(dirfd);
	close(lockfd);
	return r;
}
