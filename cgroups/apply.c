/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Apply linux.resources: each controller's settings go to the hierarchy that
 * holds it (v1 file names there, v2 names in a cgroup2). Used at create and by
 * `update` (only the fields set are written). */
#include <errno.h>

#include "cgroups/internal.h"

int vps_cgroup_apply(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	int r = 0;
	if (!res)
		return 0;
	/* cpuset first: v1 tasks cannot join a cpuset without cpus/mems */
	if (r >= 0 && res->has_cpu)
		r = cg_apply_cpu(cg, &res->cpu, err);
	if (r >= 0 && res->has_memory)
		r = cg_apply_memory(cg, &res->memory, err);
	if (r >= 0 && res->pids_limit.set)
		r = cg_apply_pids(cg, res->pids_limit.v, err);
	if (r >= 0 && res->has_blockio)
		r = cg_apply_blockio(cg, &res->blockio, err);
	if (r >= 0)
		r = cg_apply_hugetlb(cg, res, err);
	if (r >= 0)
		r = cg_apply_net(cg, res, err);
	if (r >= 0)
		r = cg_apply_rdma(cg, res, err);
	if (r >= 0)
		r = cg_apply_devices(cg, res, err);
	if (r >= 0)
		r = cg_apply_unified(cg, res, err);
	return r;
}

int cg_apply_pids(struct vps_cgroup *cg, int64_t limit, vps_err *err)
{
	struct cg_hier *h;
	/* runc: 0 means unset (even without a pids controller), negative unlimited */
	if (limit == 0)
		return 0;
	int r = cg_need(cg, "pids", "pids.limit", &h, err);
	if (r < 0)
		return r;
	if (limit < 0)
		return cg_write(h, "pids.max", "max", err);
	return cg_writef(h, "pids.max", err, "%lld", (long long)limit);
}
