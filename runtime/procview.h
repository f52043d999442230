/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS's own view of /proc and its CPUs (procview.c, procview_files.c). */
#pragma once
#include <limits.h>
#include <sched.h>
#include <stdbool.h>

#include "specs/spec.h"
#include "util/err.h"

enum { VPS_PROCVIEW_OFF, VPS_PROCVIEW_KERNEL, VPS_PROCVIEW_AUTO };

/* The state dir's generated cpuinfo (no lxcfs, a narrowed cpuset) */
#define VPS_PROCVIEW_CPUINFO "cpuinfo"
#define VPS_PROCVIEW_ONLINE  "cpu-online"

struct vps_procview {
	cpu_set_t cpus;	  /* the cpuset chosen here (empty: none) */
	bool lxcfs;	  /* lxcfs's files are bound */
	bool on;	  /* a view is made at all */
	bool gen_cpuinfo; /* vps_procview_files writes and mounts a cpuinfo */
};

/* org.vps.procview: VPS_PROCVIEW_*, or -1 for a value it does not know */
int vps_procview_mode(const struct oci_spec *s);

/* Before anything is made: add the time namespace, the cpuset and lxcfs's
 * binds to s as org.vps.procview asks (nothing for engines' bundles). */
int vps_procview_prepare(struct oci_spec *s, const char *id, struct vps_procview *pv, vps_err *err);

/* Once the state dir (dirfd, path dir) and the cgroup's paths exist, before
 * the clone: the generated files, the cgroup's pressure files, their binds. */
struct vps_cgroup;
int vps_procview_files(struct oci_spec *s, int dirfd, const char *dir, struct vps_cgroup *cg,
		       const struct vps_procview *pv, vps_err *err);

/* Append a read-only, nosuid, nodev, noexec bind of src on dst to s. */
int vps_procview_add_bind(struct oci_spec *s, const char *src, const char *dst, vps_err *err);
