/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statistics: dispatch per controller to its hierarchy (stats_v1.c, stats_v2.c),
 * PSI from the cgroup2 (pure v2, or hybrid's unified cgroup, which holds the
 * container's processes too), and the parsers both share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "cgroups/stats.h"
#include "util/cleanup.h"
#include "util/fmt.h"

int cg_parse_psi(const char *txt, struct vps_psi *psi)
{
	memset(psi, 0, sizeof(*psi));
	for (const char *p = txt; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		struct vps_psi_line l = {.set = true};
		char kind[8];
		unsigned long long total;
		if (sscanf(p, "%7s avg10=%lf avg60=%lf avg300=%lf total=%llu", kind, &l.avg10,
			   &l.avg60, &l.avg300, &total) != 5)
			continue;
		l.total = total;
		if (strcmp(kind, "some") == 0)
			psi->some = l;
		else if (strcmp(kind, "full") == 0)
			psi->full = l;
		psi->set = true;
	}
	return psi->set ? 0 : -ENOENT;
}

static void read_psi(struct cg_hier *h, const char *file, struct vps_psi *psi)
{
	_cleanup_free_ char *txt = NULL;
	vps_err e;
	if (h && cg_has_file(h, file) && cg_read(h, file, &txt, &e) >= 0)
		cg_parse_psi(txt, psi);
}

int cg_kv_add(struct vps_stat_kv **kv, size_t *n, const char *name, uint64_t v)
{
	if (*n % 16 == 0) {
		struct vps_stat_kv *nk = realloc(*kv, (*n + 16) * sizeof(**kv));
		if (!nk)
			return -ENOMEM;
		*kv = nk;
	}
	if (vps_snprintf((*kv)[*n].name, sizeof((*kv)[*n].name), "%s", name) < 0)
		return 0; /* not a key vps knows: names are short */
	(*kv)[(*n)++].value = v;
	return 0;
}

int cg_parse_flat(const char *txt, struct vps_stat_kv **kv, size_t *n)
{
	for (const char *p = txt; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char name[48];
		unsigned long long v;
		if (sscanf(p, "%47s %llu", name, &v) == 2 && cg_kv_add(kv, n, name, v) < 0)
			return -ENOMEM;
	}
	return 0;
}

uint64_t cg_kv_get(const struct vps_stat_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].name, name) == 0)
			return kv[i].value;
	return 0;
}

int cg_blkio_add(struct vps_blkio_entry **e, size_t *n, uint64_t maj, uint64_t min, const char *op,
		 uint64_t v)
{
	if (*n % 16 == 0) {
		struct vps_blkio_entry *ne = realloc(*e, (*n + 16) * sizeof(**e));
		if (!ne)
			return -ENOMEM;
		*e = ne;
	}
	struct vps_blkio_entry *x = &(*e)[(*n)++];
	x->major = maj;
	x->minor = min;
	vps_snprintf(x->op, sizeof(x->op), "%s", op); /* fits: op is at most 7 bytes */
	x->value = v;
	return 0;
}

uint64_t cg_u64_or(struct cg_hier *h, const char *file, uint64_t dflt)
{
	uint64_t v;
	vps_err e;
	if (!h || !cg_has_file(h, file) || cg_read_u64(h, file, &v, &e) < 0)
		return dflt;
	return v;
}

int vps_cgroup_stats(struct vps_cgroup *cg, struct vps_cgroup_stats *st, vps_err *err)
{
	memset(st, 0, sizeof(*st));
	struct cg_hier *h;
	int r = 0;
	if ((h = cg_hier_for(cg, "cpu")) || (h = cg_hier_for(cg, "cpuacct")) ||
	    (cg->layout == VPS_CG_V2 && (h = cg_hier_v2(cg))))
		r = h->v2 ? cg_stats_cpu_v2(h, st) : cg_stats_cpu_v1(cg, st);
	if (r >= 0 && (h = cg_hier_for(cg, "memory")))
		r = h->v2 ? cg_stats_memory_v2(h, st) : cg_stats_memory_v1(h, st);
	if (r >= 0 && (h = cg_hier_for(cg, "pids"))) {
		st->pids.set = true;
		st->pids.current = cg_u64_or(h, "pids.current", 0);
		st->pids.limit = cg_u64_or(h, "pids.max", 0);
		if (st->pids.limit == UINT64_MAX)
			st->pids.limit = 0;
	}
	if (r >= 0 && ((h = cg_hier_for(cg, "blkio")) || (h = cg_hier_for(cg, "io"))))
		r = h->v2 ? cg_stats_io_v2(h, st) : cg_stats_io_v1(h, st);
	if (r >= 0 && (h = cg_hier_for(cg, "hugetlb")))
		r = cg_stats_hugetlb(h, st);
	struct cg_hier *v2 = cg_hier_v2(cg);
	read_psi(v2, "cpu.pressure", &st->cpu.psi);
	read_psi(v2, "memory.pressure", &st->memory.psi);
	read_psi(v2, "io.pressure", &st->blkio.psi);
	if (r < 0) {
		vps_cgroup_stats_free(st);
		return vps_error(err, -r, "cgroup %s: statistics", cg->saved);
	}
	return 0;
}

void vps_cgroup_stats_free(struct vps_cgroup_stats *st)
{
	free(st->cpu.percpu);
	free(st->memory.raw);
	free(st->blkio.bytes);
	free(st->blkio.ios);
	free(st->hugetlb);
	memset(st, 0, sizeof(*st));
}
