/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd driver's unit properties: a small list (name, D-Bus signature,
 * value) that systemd_bus.c sends, and linux.resources mapped onto the
 * properties systemd owns, as runc maps them. What has no property (devices,
 * hugetlb, rdma, unified, swappiness...) is written into the delegated
 * cgroup as without systemd. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/fmt.h"

#define SD_INFINITY UINT64_MAX /* USEC_INFINITY / CGROUP_LIMIT_MAX */
#define SD_MAX_CPUS 8192       /* bound for AllowedCPUs / AllowedMemoryNodes */

void cg_sd_props_free(struct cg_sd_props *ps)
{
	for (size_t i = 0; ps && i < ps->n; i++) {
		struct cg_sd_prop *p = &ps->p[i];
		free(p->str);
		free(p->bytes);
		for (size_t j = 0; p->strv && p->strv[j]; j++)
			free(p->strv[j]);
		free(p->strv);
	}
	if (ps) {
		free(ps->p);
		ps->p = NULL;
		ps->n = 0;
	}
}

struct cg_sd_prop *cg_sd_props_add(struct cg_sd_props *ps, const char *name, const char *sig)
{
	struct cg_sd_prop *np = realloc(ps->p, (ps->n + 1) * sizeof(*np));
	if (!np)
		return NULL;
	ps->p = np;
	struct cg_sd_prop *p = &np[ps->n];
	memset(p, 0, sizeof(*p));
	if (vps_snprintf(p->name, sizeof(p->name), "%s", name) < 0 ||
	    vps_snprintf(p->sig, sizeof(p->sig), "%s", sig) < 0)
		return NULL;
	ps->n++;
	return p;
}

static int add_u64(struct cg_sd_props *ps, const char *name, uint64_t v, vps_err *err)
{
	struct cg_sd_prop *p = cg_sd_props_add(ps, name, "t");
	if (!p)
		return vps_error(err, ENOMEM, "unit property %s", name);
	p->num = v;
	return 0;
}

/* "0-3,8" as systemd's CPU set bytes: bit i%8 of byte i/8 is CPU i. */
static int add_cpuset(struct cg_sd_props *ps, const char *name, const char *list, vps_err *err)
{
	uint8_t *bits = calloc(SD_MAX_CPUS / 8, 1);
	size_t top = 0;
	if (!bits)
		return vps_error(err, ENOMEM, "unit property %s", name);
	for (const char *s = list; *s;) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s)
			goto bad;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s)
				goto bad;
		}
		if (a > b || b >= SD_MAX_CPUS)
			goto bad;
		for (unsigned long i = a; i <= b; i++)
			bits[i / 8] |= (uint8_t)(1u << (i % 8));
		top = b / 8 + 1 > top ? b / 8 + 1 : top;
		s = end + strspn(end, ", \n");
	}
	struct cg_sd_prop *p = cg_sd_props_add(ps, name, "ay");
	if (!p) {
		free(bits);
		return vps_error(err, ENOMEM, "unit property %s", name);
	}
	p->bytes = bits;
	p->n = top;
	return 0;
bad:
	free(bits);
	return vps_errorx(err, EINVAL, "%s: invalid CPU/node list \"%s\"", name, list);
}

/* runc's addCpuQuota: quota per second, rounded up to whole 10 ms (systemd
 * keeps a percentage); quota <= 0 with a period: no limit. */
static int add_cpu(struct cg_sd_props *ps, const struct oci_cpu *c, bool v2, vps_err *err)
{
	int r = 0;
	if (c->shares.set && c->shares.v)
		r = v2 ? add_u64(ps, "CPUWeight", cg_shares_to_weight(c->shares.v), err)
		       : add_u64(ps, "CPUShares", c->shares.v, err);
	uint64_t period = c->period.set ? c->period.v : 0;
	int64_t quota = c->quota.set ? c->quota.v : 0;
	if (r >= 0 && period)
		r = add_u64(ps, "CPUQuotaPeriodUSec", period, err);
	if (r >= 0 && (quota || period)) {
		uint64_t per_sec = SD_INFINITY;
		if (quota > 0) {
			per_sec = (uint64_t)quota * 1000000 / (period ? period : 100000);
			if (per_sec % 10000)
				per_sec = (per_sec / 10000 + 1) * 10000;
		}
		r = add_u64(ps, "CPUQuotaPerSecUSec", per_sec, err);
	}
	if (r >= 0 && v2 && c->cpus && *c->cpus)
		r = add_cpuset(ps, "AllowedCPUs", c->cpus, err);
	if (r >= 0 && v2 && c->mems && *c->mems)
		r = add_cpuset(ps, "AllowedMemoryNodes", c->mems, err);
	return r;
}

static int add_memory(struct cg_sd_props *ps, const struct oci_memory *m, bool v2, vps_err *err)
{
	int r = 0;
	int64_t lim = m->limit.set ? m->limit.v : 0;
	if (lim)
		r = add_u64(ps, v2 ? "MemoryMax" : "MemoryLimit",
			    lim < 0 ? SD_INFINITY : (uint64_t)lim, err);
	if (r >= 0 && v2 && m->reservation.set && m->reservation.v > 0)
		r = add_u64(ps, "MemoryLow", (uint64_t)m->reservation.v, err);
	/* v2 swap is swap alone: the OCI value is memory+swap */
	if (r >= 0 && v2 && m->swap.set && m->swap.v < 0)
		r = add_u64(ps, "MemorySwapMax", SD_INFINITY, err);
	else if (r >= 0 && v2 && m->swap.set && lim > 0 && m->swap.v >= lim)
		r = add_u64(ps, "MemorySwapMax", (uint64_t)(m->swap.v - lim), err);
	return r;
}

int cg_sd_props_from_resources(struct cg_sd_props *ps, const struct oci_resources *res, bool v2,
			       vps_err *err)
{
	int r = 0;
	if (!res)
		return 0;
	if (res->has_memory)
		r = add_memory(ps, &res->memory, v2, err);
	if (r >= 0 && res->has_cpu)
		r = add_cpu(ps, &res->cpu, v2, err);
	if (r >= 0 && res->pids_limit.set && res->pids_limit.v)
		r = add_u64(ps, "TasksMax",
			    res->pids_limit.v < 0 ? SD_INFINITY : (uint64_t)res->pids_limit.v, err);
	if (r >= 0 && res->has_blockio && res->blockio.weight.set && res->blockio.weight.v)
		r = v2 ? add_u64(ps, "IOWeight", cg_blkio_to_io_weight(res->blockio.weight.v), err)
		       : add_u64(ps, "BlockIOWeight", res->blockio.weight.v, err);
	return r;
}
