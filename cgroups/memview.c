/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS's memory as its sysinfo(2) tells it (runtime/sysinfo_serve.c): the
 * memory limit and use, the swap limit and use (swap alone, not OCI's
 * memory+swap) and the task count, read from whichever hierarchy holds each
 * controller: v2 memory.max/current, memory.swap.max/current; v1
 * memory.limit_in_bytes/usage_in_bytes and memsw minus those. */
#include <errno.h>
#include <stdint.h>

#include "cgroups/stats.h"

static uint64_t minus(uint64_t a, uint64_t b)
{
	return a == UINT64_MAX ? UINT64_MAX : a > b ? a - b : 0;
}

int vps_cgroup_memview(struct vps_cgroup *cg, struct vps_cgroup_memview *mv)
{
	*mv = (struct vps_cgroup_memview){UINT64_MAX, 0, UINT64_MAX, 0, 0};
	struct cg_hier *h = cg_hier_for(cg, "memory");
	if (h && h->v2) {
		mv->limit = cg_u64_or(h, "memory.max", UINT64_MAX);
		mv->usage = cg_u64_or(h, "memory.current", 0);
		mv->swap_limit = cg_u64_or(h, "memory.swap.max", UINT64_MAX);
		mv->swap_usage = cg_u64_or(h, "memory.swap.current", 0);
	} else if (h) {
		mv->limit = cg_u64_or(h, "memory.limit_in_bytes", UINT64_MAX);
		mv->usage = cg_u64_or(h, "memory.usage_in_bytes", 0);
		uint64_t sw = cg_u64_or(h, "memory.memsw.limit_in_bytes", UINT64_MAX);
		/* v1 says "no limit" with a huge page-aligned number */
		mv->swap_limit = sw >= (UINT64_MAX >> 2) ? UINT64_MAX : minus(sw, mv->limit);
		mv->swap_usage = minus(cg_u64_or(h, "memory.memsw.usage_in_bytes", 0), mv->usage);
		if (mv->limit >= (UINT64_MAX >> 2))
			mv->limit = UINT64_MAX;
	}
	if ((h = cg_hier_for(cg, "pids")))
		mv->tasks = cg_u64_or(h, "pids.current", 0);
	return h || cg_hier_for(cg, "memory") ? 0 : -ENOENT;
}
