/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statistics from cgroup v1 controllers (cpuacct/cpu, memory, blkio). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/stats.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static int read_text(struct cg_hier *h, const char *file, char **txt)
{
	vps_err e;
	*txt = NULL;
	if (!cg_has_file(h, file))
		return 0;
	return cg_read(h, file, txt, &e) < 0 ? 0 : 1;
}

int cg_stats_cpu_v1(struct vps_cgroup *cg, struct vps_cgroup_stats *st)
{
	struct cg_hier *acct = cg_hier_for(cg, "cpuacct"), *cpu = cg_hier_for(cg, "cpu");
	_cleanup_free_ char *percpu = NULL, *stat = NULL;
	st->cpu.set = true;
	if (acct && !acct->v2) {
		st->cpu.total = cg_u64_or(acct, "cpuacct.usage", 0);
		st->cpu.user = cg_u64_or(acct, "cpuacct.usage_user", 0);
		st->cpu.kernel = cg_u64_or(acct, "cpuacct.usage_sys", 0);
		if (read_text(acct, "cpuacct.usage_percpu", &percpu) > 0) {
			size_t cap = 0;
			for (char *p = percpu, *end; *p; p = end) {
				unsigned long long v = strtoull(p, &end, 10);
				if (end == p)
					break;
				if (st->cpu.n_percpu == cap) {
					cap = cap ? cap * 2 : 8;
					uint64_t *n = realloc(st->cpu.percpu, cap * sizeof(*n));
					if (!n)
						return -ENOMEM;
					st->cpu.percpu = n;
				}
				st->cpu.percpu[st->cpu.n_percpu++] = v;
			}
		}
	}
	if (cpu && !cpu->v2 && read_text(cpu, "cpu.stat", &stat) > 0) {
		uint64_t v;
		if (cg_keyed_u64(stat, "nr_periods", &v) == 0)
			st->cpu.periods = v;
		if (cg_keyed_u64(stat, "nr_throttled", &v) == 0)
			st->cpu.throttled_periods = v;
		if (cg_keyed_u64(stat, "throttled_time", &v) == 0)
			st->cpu.throttled_time = v;
	}
	return 0;
}

static void mem_entry(struct cg_hier *h, const char *prefix, struct vps_mem_entry *m)
{
	char f[96];
	/* fits: prefix is a memory.* file name */
	vps_snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
	m->usage = cg_u64_or(h, f, 0);
	/* fits: prefix is a memory.* file name */
	vps_snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
	m->max = cg_u64_or(h, f, 0);
	/* fits: prefix is a memory.* file name */
	vps_snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
	m->limit = cg_u64_or(h, f, UINT64_MAX);
	vps_snprintf(f, sizeof(f), "%s.failcnt", prefix); /* fits: prefix is a memory.* file name */
	m->failcnt = cg_u64_or(h, f, 0);
}

int cg_stats_memory_v1(struct cg_hier *h, struct vps_cgroup_stats *st)
{
	_cleanup_free_ char *stat = NULL, *oom = NULL;
	st->memory.set = true;
	mem_entry(h, "memory", &st->memory.usage);
	mem_entry(h, "memory.memsw", &st->memory.swap);
	mem_entry(h, "memory.kmem", &st->memory.kernel);
	if (read_text(h, "memory.stat", &stat) > 0 &&
	    cg_parse_flat(stat, &st->memory.raw, &st->memory.n_raw) < 0)
		return -ENOMEM;
	st->memory.cache = cg_kv_get(st->memory.raw, st->memory.n_raw, "cache");
	uint64_t v;
	if (read_text(h, "memory.oom_control", &oom) > 0 && cg_keyed_u64(oom, "oom_kill", &v) == 0)
		st->memory.oom_kills = v;
	return 0;
}

/* "8:0 Read 4096" lines (the "Total" line is skipped) */
static int blkio_lines(const char *txt, struct vps_blkio_entry **e, size_t *n)
{
	for (const char *p = txt; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		unsigned long long maj, min, v;
		char op[8];
		if (sscanf(p, "%llu:%llu %7s %llu", &maj, &min, op, &v) == 4 &&
		    cg_blkio_add(e, n, maj, min, op, v) < 0)
			return -ENOMEM;
	}
	return 0;
}

int cg_stats_io_v1(struct cg_hier *h, struct vps_cgroup_stats *st)
{
	_cleanup_free_ char *bytes = NULL, *ios = NULL;
	st->blkio.set = true;
	/* BFQ's counters when it is in use, else the throttle layer's (always there) */
	const char *fb = "blkio.bfq.io_service_bytes_recursive",
		   *fi = "blkio.bfq.io_serviced_recursive";
	if (!cg_has_file(h, fb)) {
		fb = "blkio.throttle.io_service_bytes_recursive";
		fi = "blkio.throttle.io_serviced_recursive";
	}
	if (read_text(h, fb, &bytes) > 0 &&
	    blkio_lines(bytes, &st->blkio.bytes, &st->blkio.n_bytes) < 0)
		return -ENOMEM;
	if (read_text(h, fi, &ios) > 0 && blkio_lines(ios, &st->blkio.ios, &st->blkio.n_ios) < 0)
		return -ENOMEM;
	return 0;
}
