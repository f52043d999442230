/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.cpu: cpu (shares/weight, quota/period, burst, realtime, idle)
 * and cpuset (cpus, mems). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* runc's ConvertCPUSharesToCgroupV2Value: [2, 262144] -> [1, 10000]. */
uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* A period and its share of it (cfs quota, rt runtime): period first; if the
 * kernel refuses it (against the current share, or the parent's ratio), the
 * share first (runc#4094). Unset (false) ones are not written. */
static int period_pair(struct cg_hier *h, const char *pfile, bool pset, long long p,
		       const char *sfile, bool sset, long long sh, vps_err *err)
{
	int r = 0;
	if (pset) {
		vps_err e2;
		r = cg_writef(h, pfile, &e2, "%lld", p);
		if (r < 0 && sset) {
			r = cg_writef(h, sfile, err, "%lld", sh);
			if (r >= 0)
				r = cg_writef(h, pfile, err, "%lld", p);
		} else if (r < 0 && err) {
			*err = e2;
		}
	}
	if (r >= 0 && sset)
		r = cg_writef(h, sfile, err, "%lld", sh);
	return r;
}

static int v1_cpu(struct cg_hier *h, const struct oci_cpu *c, vps_err *err)
{
	int r = 0;
	if (c->shares.set && c->shares.v)
		r = cg_writef(h, "cpu.shares", err, "%llu", (unsigned long long)c->shares.v);
	if (r >= 0)
		r = period_pair(h, "cpu.cfs_period_us", c->period.set && c->period.v,
				(long long)c->period.v, "cpu.cfs_quota_us",
				c->quota.set && c->quota.v, (long long)c->quota.v, err);
	if (r >= 0 && c->burst.set)
		r = cg_writef(h, "cpu.cfs_burst_us", err, "%llu", (unsigned long long)c->burst.v);
	if (r >= 0)
		r = period_pair(h, "cpu.rt_period_us",
				c->realtime_period.set && c->realtime_period.v,
				(long long)c->realtime_period.v, "cpu.rt_runtime_us",
				c->realtime_runtime.set && c->realtime_runtime.v,
				(long long)c->realtime_runtime.v, err);
	if (r >= 0 && c->idle.set)
		r = cg_writef(h, "cpu.idle", err, "%lld", (long long)c->idle.v);
	return r;
}

/* A period alone keeps the quota (as v1's separate files do; runc keeps the
 * one it saved): the first word of cpu.max. */
static int cur_quota(struct cg_hier *h, char *q, size_t sz, vps_err *err)
{
	_cleanup_free_ char *cur = NULL;
	int r = cg_read(h, "cpu.max", &cur, err);
	if (r < 0)
		return r;
	/* fits: the kernel's quota, "max" or a number, in 32 */
	vps_snprintf(q, sz, "%.*s", (int)strcspn(cur, " \n"), cur);
	return 0;
}

static int v2_cpu(struct cg_hier *h, const struct oci_cpu *c, vps_err *err)
{
	int r = 0;
	if ((c->realtime_period.set && c->realtime_period.v) ||
	    (c->realtime_runtime.set && c->realtime_runtime.v))
		return vps_errorx(err, EOPNOTSUPP,
				  "cpu.realtimePeriod/realtimeRuntime: cgroup v2 "
				  "has no realtime group scheduling (%s)",
				  h->dir);
	if (c->idle.set && (r = cg_writef(h, "cpu.idle", err, "%lld", (long long)c->idle.v)) < 0)
		return r;
	if (c->shares.set && c->shares.v &&
	    (r = cg_writef(h, "cpu.weight", err, "%llu",
			   (unsigned long long)cg_shares_to_weight(c->shares.v))) < 0)
		return r;
	if ((c->quota.set && c->quota.v) || (c->period.set && c->period.v)) {
		char q[32] = "max", buf[64];
		if (c->quota.set && c->quota.v > 0)
			/* fits: a number in 32 */
			vps_snprintf(q, sizeof(q), "%lld", (long long)c->quota.v);
		else if ((!c->quota.set || !c->quota.v) &&
			 (r = cur_quota(h, q, sizeof(q), err)) < 0)
			return r;
		if (c->period.set && c->period.v)
			/* fits: q (32) and a number in 64 */
			vps_snprintf(buf, sizeof(buf), "%s %llu", q,
				     (unsigned long long)c->period.v);
		else
			vps_snprintf(buf, sizeof(buf), "%s", q); /* fits: q is 32 */
		if ((r = cg_write(h, "cpu.max", buf, err)) < 0)
			return r;
	}
	if (c->burst.set)
		r = cg_writef(h, "cpu.max.burst", err, "%llu", (unsigned long long)c->burst.v);
	return r;
}

int cg_apply_cpu(struct vps_cgroup *cg, const struct oci_cpu *c, vps_err *err)
{
	struct cg_hier *h;
	int r = 0;
	if ((c->cpus && *c->cpus) || (c->mems && *c->mems)) {
		if ((r = cg_need(cg, "cpuset", "cpu.cpus/mems", &h, err)) < 0)
			return r;
		if (c->mems && *c->mems && (r = cg_write(h, "cpuset.mems", c->mems, err)) < 0)
			return r;
		if (c->cpus && *c->cpus && (r = cg_write(h, "cpuset.cpus", c->cpus, err)) < 0)
			return r;
	}
	bool any = (c->shares.set && c->shares.v) || (c->quota.set && c->quota.v) ||
		   (c->period.set && c->period.v) || c->burst.set ||
		   (c->realtime_period.set && c->realtime_period.v) ||
		   (c->realtime_runtime.set && c->realtime_runtime.v) || c->idle.set;
	if (!any)
		return 0;
	if ((r = cg_need(cg, "cpu", "cpu", &h, err)) < 0)
		return r;
	return h->v2 ? v2_cpu(h, c, err) : v1_cpu(h, c, err);
}
