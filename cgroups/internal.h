/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroups/ private: the discovered hierarchies and the container's place in each. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/cgroup.h"

#define CG_MAX_HIER  32
#define CG_MAX_PATH  4096
#define CG_MAX_DEPTH 32

/* One mounted hierarchy (a v1 controller set, name=systemd, or the cgroup2). */
struct cg_hier {
	char *mount; /* "/sys/fs/cgroup/memory" */
	char *ctrls; /* v1: "cpu,cpuacct" or "name=systemd"; v2: the controllers it holds */
	bool v2;
	char *rel;	/* the container's cgroup in this hierarchy: "/vps/ID" */
	char *dir;	/* mount + rel */
	int dirfd;	/* O_DIRECTORY of dir, -1 until opened */
	size_t made_at; /* make: length of the part of dir that existed before (0: made nothing) */
};

struct cg_sd_props;
struct vps_cgroup {
	enum vps_cgroup_layout layout;
	char *saved; /* what vps_cgroup_path() returns */
	struct cg_hier h[CG_MAX_HIER];
	size_t n;
	/* --systemd-cgroup: the unit holding the cgroup ("vps-ID.scope"), its
	 * slice, description and the annotations' properties (create only) */
	bool systemd;
	char *unit, *slice, *desc;
	struct cg_sd_props *sd_props;
};

/* layout.c: read /proc/self/mountinfo into cg->h (mount, ctrls, v2) and set cg->layout. */
int cg_discover(struct vps_cgroup *cg, vps_err *err);
/* The hierarchy holding controller ctrl ("memory", "name=systemd"); v1 first on
 * hybrid hosts (the v2 one only when no v1 hierarchy has it). NULL if none. */
struct cg_hier *cg_hier_for(struct vps_cgroup *cg, const char *ctrl);
/* The cgroup2 hierarchy (pure v2 or hybrid's unified), NULL if none. */
struct cg_hier *cg_hier_v2(struct vps_cgroup *cg);
/* True if comma/space separated list has word. */
bool cg_list_has(const char *list, const char *word);

/* path.c: resolve cgroupsPath (relative/absolute/NULL) into each hierarchy's rel,
 * and encode/decode the saved string. */
int cg_resolve_paths(struct vps_cgroup *cg, const char *cgroups_path, const char *id, vps_err *err);
int cg_encode_saved(struct vps_cgroup *cg, vps_err *err);
int cg_decode_saved(struct vps_cgroup *cg, const char *saved, vps_err *err);
/* Canonical form of a path: leading '/', no empty/'.' parts, '..' cannot climb above '/'. */
int cg_clean_path(const char *in, char *out, size_t outsz);

/* file.c: cgroup file I/O with errors naming the full path. */
int cg_write(struct cg_hier *h, const char *file, const char *val, vps_err *err);
int cg_writef(struct cg_hier *h, const char *file, vps_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int cg_read(struct cg_hier *h, const char *file, char **out, vps_err *err); /* malloc'ed */
int cg_read_u64(struct cg_hier *h, const char *file, uint64_t *v, vps_err *err);
bool cg_has_file(struct cg_hier *h, const char *file);
/* "key value" lines (memory.stat, cgroup.events): value of key, or -ENOENT. */
int cg_keyed_u64(const char *text, const char *key, uint64_t *v);
void cg_sleep_ms(long ms);
/* make.c: a v1 cpuset cgroup with empty cpus/mems (new ones start so, unless
 * clone_children; one someone else made may have stayed so) cannot take
 * tasks (ENOSPC): give child the parent's. */
int cg_cpuset_inherit(const char *parent, const char *child, vps_err *err);
/* make.c: remove h->dir and the parents this process's make created (those
 * past h->made_at), stopping at one still in use. */
void cg_rmdir_made(struct cg_hier *h);
/* freeze.c: frozen by itself or by a parent (v2 cgroup.events, v1 freezer.state). */
bool cg_frozen_effective(struct vps_cgroup *cg);
/* Open h->dir into h->dirfd (idempotent). */
int cg_open_dir(struct cg_hier *h, vps_err *err);

/* The hierarchy for controller ctrl, or an error saying the host lacks it
 * (what: the resource being set, e.g. "memory.limit"). */
int cg_need(struct vps_cgroup *cg, const char *ctrl, const char *what, struct cg_hier **out,
	    vps_err *err);

/* Per-controller apply (memory.c, cpu.c, io.c, misc.c, devices*.c). */
int cg_apply_memory(struct vps_cgroup *cg, const struct oci_memory *m, vps_err *err);
int cg_apply_cpu(struct vps_cgroup *cg, const struct oci_cpu *c, vps_err *err);
int cg_apply_pids(struct vps_cgroup *cg, int64_t limit, vps_err *err);
int cg_apply_blockio(struct vps_cgroup *cg, const struct oci_blockio *b, vps_err *err);
int cg_apply_hugetlb(struct vps_cgroup *cg, const struct oci_resources *r, vps_err *err);
int cg_apply_net(struct vps_cgroup *cg, const struct oci_resources *r, vps_err *err);
int cg_apply_rdma(struct vps_cgroup *cg, const struct oci_resources *r, vps_err *err);
int cg_apply_unified(struct vps_cgroup *cg, const struct oci_resources *r, vps_err *err);
int cg_apply_devices(struct vps_cgroup *cg, const struct oci_resources *r, vps_err *err);

/* Every process in the container's cgroup tree of hierarchy h (recursive). */
int cg_tree_pids(struct cg_hier *h, pid_t **pids, size_t *n, vps_err *err);
/* The hierarchy whose cgroup.procs lists the container's processes best. */
struct cg_hier *cg_procs_hier(struct vps_cgroup *cg);

/* systemd_path.c: --systemd-cgroup naming. "a-b.slice" -> "/a.slice/a-b.slice"
 * ("-.slice" -> "/"); runc's errors for a name without .slice, with '/' or an
 * empty part. */
int cg_systemd_expand_slice(const char *slice, char *out, size_t outsz, vps_err *err);
struct cg_systemd_unit {
	char slice[256];	/* the parent slice unit: "system.slice" */
	char unit[256];		/* "vps-ID.scope", or a NAME.slice */
	char path[CG_MAX_PATH]; /* the cgroup: "/system.slice/vps-ID.scope" */
};
/* cgroupsPath "slice:prefix:name" (NULL/empty: default_slice, prefix "vps",
 * name id; an empty slice part: default_slice) into u. */
int cg_systemd_path(const char *cgroups_path, const char *id, const char *default_slice,
		    struct cg_systemd_unit *u, vps_err *err);

/* Conversions runc uses (cpu.c, io.c). */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t w);
/* misc.c: is key acceptable as a unified (raw v2) file name? */
int cg_unified_key_ok(const char *key, char *why, size_t whysz);

/* ---- the systemd driver (--systemd-cgroup) ---- */
/* One unit property for StartTransientUnit / SetUnitProperties. sig is a D-Bus
 * signature: "b" "y" "n" "q" "i" "u" "x" "t" (value in num, signed ones as
 * two's complement), "d" (dbl), "s" (str), "as" (strv, n), "ay" (bytes, n). */
struct cg_sd_prop {
	char name[64];
	char sig[4];
	uint64_t num;
	double dbl;
	char *str;
	char **strv;
	uint8_t *bytes;
	size_t n;
};
struct cg_sd_props {
	struct cg_sd_prop *p;
	size_t n;
};
void cg_sd_props_free(struct cg_sd_props *ps);
/* Append a zeroed property named name of signature sig; NULL when out of memory. */
struct cg_sd_prop *cg_sd_props_add(struct cg_sd_props *ps, const char *name, const char *sig);
/* systemd_props.c: linux.resources as the unit properties systemd owns (runc's
 * mapping): MemoryMax/MemoryLow/MemorySwapMax (v1: MemoryLimit), CPUWeight
 * (v1: CPUShares), CPUQuotaPerSecUSec + CPUQuotaPeriodUSec, AllowedCPUs and
 * AllowedMemoryNodes (v2), TasksMax, IOWeight (v1: BlockIOWeight). */
int cg_sd_props_from_resources(struct cg_sd_props *ps, const struct oci_resources *res, bool v2,
			       vps_err *err);
/* systemd_variant.c: the annotations org.systemd.property.NAME=VALUE as
 * properties, by runc's rules: NAME only ASCII letters (3 or more), VALUE in
 * GVariant text form (true, 'str', uint64 5, @t 5, ['a', 'b'], 1.5, 42 as
 * int32), NAMEsec -> NAMEUSec with the number of seconds times 10^6. */
int cg_sd_props_from_annotations(struct cg_sd_props *ps, const struct oci_kv *ann, size_t n,
				 vps_err *err);
/* systemd_bus.c: talk to PID 1 (its private socket as root, else the system
 * bus). start: StartTransientUnit (mode "fail") of unit in slice (a scope:
 * Slice=, Delegate=yes, PIDs=pid; a slice: Wants=slice) with props after
 * vps's own, then wait (bounded) until it is active. stop: StopUnit, wait
 * until it is gone, ResetFailedUnit; a unit systemd does not know is success.
 * set: SetUnitProperties (runtime). */
int cg_sd_start(const char *unit, const char *slice, const char *desc, pid_t pid,
		const struct cg_sd_props *props, vps_err *err);
int cg_sd_stop(const char *unit, vps_err *err);
int cg_sd_set(const char *unit, const struct cg_sd_props *props, vps_err *err);
/* systemd.c: lookup for the driver (paths of the unit's cgroup; fails
 * without systemd), free its fields, stop its unit (logs a failure). */
int cg_systemd_lookup(struct vps_cgroup *cg, const char *cgroups_path, const char *id,
		      vps_err *err);
void cg_systemd_free(struct vps_cgroup *cg);
void cg_systemd_stop(struct vps_cgroup *cg);
/* Whether systemd runs as the init of this host (/run/systemd/system, as
 * sd_booted); else an error naming the cause for --systemd-cgroup. */
int cg_sd_need_systemd(vps_err *err);
