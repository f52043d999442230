/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroups/ private: statistics readers per controller and version. */
#pragma once
#include "cgroups/internal.h"

int cg_stats_cpu_v1(struct vps_cgroup *cg, struct vps_cgroup_stats *st);
int cg_stats_cpu_v2(struct cg_hier *h, struct vps_cgroup_stats *st);
int cg_stats_memory_v1(struct cg_hier *h, struct vps_cgroup_stats *st);
int cg_stats_memory_v2(struct cg_hier *h, struct vps_cgroup_stats *st);
int cg_stats_io_v1(struct cg_hier *h, struct vps_cgroup_stats *st);
int cg_stats_io_v2(struct cg_hier *h, struct vps_cgroup_stats *st);
int cg_stats_hugetlb(struct cg_hier *h, struct vps_cgroup_stats *st);

/* "some avg10=.. avg60=.. avg300=.. total=..\nfull ..." */
int cg_parse_psi(const char *txt, struct vps_psi *psi);
/* "name value" lines appended to kv (memory.stat, cpu.stat) */
int cg_parse_flat(const char *txt, struct vps_stat_kv **kv, size_t *n);
int cg_kv_add(struct vps_stat_kv **kv, size_t *n, const char *name, uint64_t v);
uint64_t cg_kv_get(const struct vps_stat_kv *kv, size_t n, const char *name);
int cg_blkio_add(struct vps_blkio_entry **e, size_t *n, uint64_t maj, uint64_t min, const char *op,
		 uint64_t v);
/* file's number ("max": UINT64_MAX), dflt if missing or unreadable */
uint64_t cg_u64_or(struct cg_hier *h, const char *file, uint64_t dflt);
