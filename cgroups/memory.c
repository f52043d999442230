/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.memory on v1 (memory.*_in_bytes, memsw, oom_control,
 * kmem.tcp) and v2 (memory.max/low/swap.max). OCI's swap is memory+swap; v2
 * wants swap alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

/* v1's TCP buffer limit (kernelTCP); v2 has none */
#define KMEM_TCP "memory.kmem.tcp.limit_in_bytes"

static void fmt_limit(char *buf, size_t sz, int64_t v, bool v2)
{
	if (v < 0)
		vps_snprintf(buf, sz, "%s", v2 ? "max" : "-1"); /* fits: a word in 32 */
	else
		vps_snprintf(buf, sz, "%lld", (long long)v); /* fits: a number in 32 */
}

static int check_usage(struct cg_hier *h, const struct oci_memory *m, vps_err *err)
{
	if (!m->check_before_update.set || !m->check_before_update.v || !m->limit.set ||
	    m->limit.v < 0)
		return 0;
	uint64_t use = 0;
	int r = cg_read_u64(h, h->v2 ? "memory.current" : "memory.usage_in_bytes", &use, err);
	if (r < 0)
		return r;
	if ((uint64_t)m->limit.v < use)
		return vps_errorx(err, EBUSY,
				  "memory.limit %lld is below the current usage %llu "
				  "(checkBeforeUpdate)",
				  (long long)m->limit.v, (unsigned long long)use);
	return 0;
}

/* Only the limit changes: when the container has no swap (memsw == limit),
 * keep it that way, moving memsw along (first when raising). */
static int raise_limit(struct cg_hier *h, int64_t v, const char *lim, vps_err *err)
{
	uint64_t cur = 0, sw = 0;
	vps_err e2;
	int r = cg_write(h, "memory.limit_in_bytes", lim, &e2);
	if (r != -EINVAL || !cg_has_file(h, "memory.memsw.limit_in_bytes"))
		return r < 0 ? (*err = e2, r) : r;
	if ((r = cg_read_u64(h, "memory.limit_in_bytes", &cur, err)) < 0 ||
	    (r = cg_read_u64(h, "memory.memsw.limit_in_bytes", &sw, err)) < 0)
		return r;
	if (sw != cur || v < 0 || (uint64_t)v <= sw)
		return *err = e2, -EINVAL;
	if ((r = cg_write(h, "memory.memsw.limit_in_bytes", lim, err)) < 0)
		return r;
	return cg_write(h, "memory.limit_in_bytes", lim, err);
}

static int v1_memory(struct cg_hier *h, const struct oci_memory *m, vps_err *err)
{
	char lim[32], sw[32];
	int r = check_usage(h, m, err);
	if (r < 0)
		return r;
	fmt_limit(lim, sizeof(lim), m->limit.v, false);
	fmt_limit(sw, sizeof(sw), m->swap.v, false);
	if (m->use_hierarchy.set) {
		uint64_t cur = 0;
		if ((r = cg_read_u64(h, "memory.use_hierarchy", &cur, err)) < 0)
			return r;
		if (cur != (uint64_t)m->use_hierarchy.v &&
		    (r = cg_write(h, "memory.use_hierarchy", m->use_hierarchy.v ? "1" : "0", err)) <
			0)
			return r;
	}
	if (m->swap.set && !cg_has_file(h, "memory.memsw.limit_in_bytes"))
		return vps_errorx(err, EOPNOTSUPP,
				  "memory.swap: %s/memory.memsw.limit_in_bytes is "
				  "missing (kernel without swap accounting)",
				  h->dir);
	/* limit <= memsw always holds: raising both needs memsw first, lowering limit first */
	if (m->limit.set && m->swap.set) {
		vps_err e2;
		r = cg_write(h, "memory.limit_in_bytes", lim, &e2);
		if (r < 0 && (r = cg_write(h, "memory.memsw.limit_in_bytes", sw, err)) >= 0)
			r = cg_write(h, "memory.limit_in_bytes", lim, err);
		else if (r >= 0)
			r = cg_write(h, "memory.memsw.limit_in_bytes", sw, err);
	} else if (m->limit.set) {
		r = raise_limit(h, m->limit.v, lim, err);
	} else if (m->swap.set) {
		r = cg_write(h, "memory.memsw.limit_in_bytes", sw, err);
	}
	if (r >= 0 && m->reservation.set)
		r = cg_writef(h, "memory.soft_limit_in_bytes", err, "%lld",
			      (long long)m->reservation.v);
	if (r >= 0 && m->swappiness.set)
		r = cg_writef(h, "memory.swappiness", err, "%llu",
			      (unsigned long long)m->swappiness.v);
	if (r >= 0 && m->disable_oom_killer.set)
		r = cg_write(h, "memory.oom_control", m->disable_oom_killer.v ? "1" : "0", err);
	if (r >= 0 && m->kernel_tcp.set) {
		fmt_limit(lim, sizeof(lim), m->kernel_tcp.v, false);
		r = cg_write(h, KMEM_TCP, lim, err);
	}
	return r;
}

/* The limit swap is relative to: the one being set, else the cgroup's
 * memory.max now (runc uses the one it saved at create); -1 for "max". */
static int v2_base_limit(struct cg_hier *h, const struct oci_memory *m, int64_t *lim, vps_err *err)
{
	if (m->limit.set) {
		*lim = m->limit.v;
		return 0;
	}
	_cleanup_free_ char *cur = NULL;
	int r = cg_read(h, "memory.max", &cur, err);
	if (r < 0)
		return r;
	*lim = strncmp(cur, "max", 3) == 0 ? -1 : strtoll(cur, NULL, 10);
	return 0;
}

/* runc's ConvertMemorySwapToCgroupV2Value: OCI swap is memory+swap. */
static int v2_swap(struct cg_hier *h, const struct oci_memory *m, char *out, size_t sz,
		   vps_err *err)
{
	int64_t swap = m->swap.v, lim;
	if (swap < 0) {
		fmt_limit(out, sz, swap, true);
		return 0;
	}
	int r = v2_base_limit(h, m, &lim, err);
	if (r < 0)
		return r;
	if (lim < 0)
		return vps_errorx(err, EINVAL,
				  "memory.swap %lld needs a memory limit (swap is memory+swap; "
				  "%s/memory.max is max)",
				  (long long)swap, h->dir);
	if (swap < lim)
		return vps_errorx(
		    err, EINVAL,
		    "memory.swap %lld is below memory.limit %lld (swap is memory+swap)",
		    (long long)swap, (long long)lim);
	vps_snprintf(out, sz, "%lld", (long long)(swap - lim)); /* fits: a number in 32 */
	return 0;
}

static int v2_memory(struct cg_hier *h, const struct oci_memory *m, vps_err *err)
{
	char buf[32];
	int r = check_usage(h, m, err);
	if (r < 0)
		return r;
	if (m->swappiness.set)
		return vps_errorx(err, EOPNOTSUPP,
				  "memory.swappiness: cgroup v2 has no per-cgroup "
				  "swappiness (%s)",
				  h->dir);
	if (m->disable_oom_killer.set && m->disable_oom_killer.v)
		return vps_errorx(err, EOPNOTSUPP,
				  "memory.disableOOMKiller: cgroup v2 cannot "
				  "disable the OOM killer (%s)",
				  h->dir);
	if (m->use_hierarchy.set && !m->use_hierarchy.v)
		return vps_errorx(err, EOPNOTSUPP,
				  "memory.useHierarchy=false: cgroup v2 is always "
				  "hierarchical (%s)",
				  h->dir);
	if (m->swap.set) {
		if ((r = v2_swap(h, m, buf, sizeof(buf), err)) < 0)
			return r;
		if (!cg_has_file(h, "memory.swap.max"))
			return vps_errorx(err, EOPNOTSUPP,
					  "memory.swap: %s/memory.swap.max is "
					  "missing (kernel without swap accounting)",
					  h->dir);
		/* swap.max is independent of memory.max: order does not matter */
		if ((r = cg_write(h, "memory.swap.max", buf, err)) < 0)
			return r;
	}
	if (m->limit.set) {
		fmt_limit(buf, sizeof(buf), m->limit.v, true);
		if ((r = cg_write(h, "memory.max", buf, err)) < 0)
			return r;
	}
	if (m->reservation.set) {
		fmt_limit(buf, sizeof(buf), m->reservation.v, true);
		if ((r = cg_write(h, "memory.low", buf, err)) < 0)
			return r;
	}
	return 0;
}

/* runc: 0 means "leave alone" for limit, reservation and swap (docker's
 * update sends zeros for what it does not change), as for cpu and pids. */
static void drop_zeros(struct oci_memory *m)
{
	opt_i64 *v[] = {&m->limit, &m->reservation, &m->swap, &m->kernel, &m->kernel_tcp};
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (v[i]->set && v[i]->v == 0)
			v[i]->set = false;
}

int cg_apply_memory(struct vps_cgroup *cg, const struct oci_memory *mem, vps_err *err)
{
	struct cg_hier *h;
	struct oci_memory copy = *mem, *m = &copy;
	drop_zeros(m);
	if (m->kernel.set)
		log_warn("memory.kernel is deprecated and ignored (the kernel accounts kernel "
			 "memory with the rest)");
	bool any = m->limit.set || m->reservation.set || m->swap.set || m->swappiness.set ||
		   m->disable_oom_killer.set || m->use_hierarchy.set || m->kernel_tcp.set;
	if (!any)
		return 0;
	int r = cg_need(cg, "memory", "memory", &h, err);
	if (r < 0)
		return r;
	if (m->kernel_tcp.set && (h->v2 || !cg_has_file(h, KMEM_TCP))) {
		log_warn("memory.kernelTCP ignored: %s has no %s (cgroup v2 has no TCP buffer "
			 "limit)",
			 h->dir, KMEM_TCP);
		m->kernel_tcp.set = false;
	}
	/* runc: an unlimited memory without a swap value makes swap unlimited too */
	if (m->limit.set && m->limit.v < 0 && !m->swap.set &&
	    cg_has_file(h, h->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes"))
		m->swap = (opt_i64){true, -1};
	return h->v2 ? v2_memory(h, m, err) : v1_memory(h, m, err);
}
