/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One interface over three host layouts: pure cgroup v2, pure v1, and hybrid
 * (v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified). Each
 * controller's settings go to the hierarchy that holds it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/stats_types.h"
#include "specs/spec.h"
#include "util/err.h"

struct vps_cgroup; /* opaque */

enum vps_cgroup_layout { VPS_CG_V2, VPS_CG_V1, VPS_CG_HYBRID };
int vps_cgroup_layout(enum vps_cgroup_layout *out, vps_err *err);

/* Create the container's cgroup(s) for spec cgroupsPath (NULL: "/vps/ID";
 * absolute: from each hierarchy's root; relative: under the runtime's own cgroup
 * (v1) or its parent (v2), as runc does; systemd: "slice:prefix:name", the
 * unit's cgroup, and an error when systemd is not running)
 * in every hierarchy (name=systemd too), and apply res (may be NULL). On failure
 * nothing is left behind. runc's default device allow list is added after
 * res->devices (when there are any rules). */
int vps_cgroup_create(const char *cgroups_path, const char *id, bool systemd,
		      const struct oci_resources *res, struct vps_cgroup **out, vps_err *err);
/* vps_cgroup_create in two steps: lookup (paths known, nothing made; see
 * vps_cgroup_lookup below) then make (directories, res; on failure the
 * directories it made are removed, cg stays the caller's). */
int vps_cgroup_make(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err);
/* make from a spec: lx->resources plus an allow rule per lx->devices node
 * (what core's create calls, after vps_cgroup_lookup of lx->cgroups_path and
 * recording the path). */
int vps_cgroup_make_for_spec(struct vps_cgroup *cg, const struct oci_linux *lx, const char *id,
			     vps_err *err);
/* Re-open from the string saved in state.json (vps_cgroup_path()). */
int vps_cgroup_open(const char *saved, struct vps_cgroup **out, vps_err *err);
const char *vps_cgroup_path(const struct vps_cgroup *cg);
void vps_cgroup_free(struct vps_cgroup *cg);

/* fd of the cgroup2 directory (pure v2, or a hybrid host's unified hierarchy)
 * for clone3(CLONE_INTO_CGROUP), or -1. The fd stays owned by cg. */
int vps_cgroup_v2_fd(struct vps_cgroup *cg);
/* The path of that cgroup2 directory (it may not exist yet), or NULL. */
const char *vps_cgroup_v2_dir(struct vps_cgroup *cg);
/* Whether some hierarchy is v1: CLONE_INTO_CGROUP cannot place a process there. */
bool vps_cgroup_has_v1(const struct vps_cgroup *cg);
/* Hand the cgroup2 directory (and the files /sys/kernel/cgroup/delegate
 * lists) to uid:gid, the host ids of a user namespace's root; nothing on a
 * pure v1 host. */
int vps_cgroup_delegate(struct vps_cgroup *cg, uid_t uid, gid_t gid, vps_err *err);
/* Move process pid into every hierarchy (cgroup.procs). */
int vps_cgroup_enter(struct vps_cgroup *cg, pid_t pid, vps_err *err);
/* The calling process, which must be single-threaded (a fresh clone), joins
 * every v1 hierarchy by writing 0 to its tasks file; v2 ones are left to
 * CLONE_INTO_CGROUP. Moving just the calling thread spares the kernel's global
 * threadgroup lock, whose first taker waits for an RCU grace period (7-23 ms
 * on this host per create, where the parent writing the pid to cgroup.procs
 * costs that every time). Uses the directory fds opened by create. */
int vps_cgroup_enter_self(struct vps_cgroup *cg, vps_err *err);

/* exec --cgroup ARG: move cg (as opened) to a sub-cgroup of the container's:
 * ARG "PATH" in every hierarchy, "CTRL[,CTRL]:PATH" in the v1 hierarchies of
 * those controllers. The sub-cgroup must exist; ".." may not leave cg. */
int vps_cgroup_sub(struct vps_cgroup *cg, const char *arg, vps_err *err);
/* exec without --cgroup: when the cgroup2 directory has controllers in its
 * subtree_control (and so may hold no process), point cg's cgroup2 hierarchy
 * at the sub-cgroup init_pid is in (systemd's init.scope); else nothing. */
int vps_cgroup_exec_leaf(struct vps_cgroup *cg, pid_t init_pid, vps_err *err);

int vps_cgroup_apply(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err);
int vps_cgroup_freeze(struct vps_cgroup *cg, bool frozen, vps_err *err);
int vps_cgroup_is_frozen(struct vps_cgroup *cg, bool *frozen, vps_err *err);
int vps_cgroup_kill(struct vps_cgroup *cg, int sig, vps_err *err); /* every process */
int vps_cgroup_pids(struct vps_cgroup *cg, pid_t **pids, size_t *n, vps_err *err);
/* Remove every directory (kills leftovers first); idempotent. */
int vps_cgroup_destroy(struct vps_cgroup *cg, vps_err *err);

/* Resolve where create would put the cgroup (same rules), touching nothing:
 * lets delete --force clean up after a create that crashed before state.json
 * recorded vps_cgroup_path(). */
int vps_cgroup_lookup(const char *cgroups_path, const char *id, bool systemd,
		      struct vps_cgroup **out, vps_err *err);

/* ---- the systemd driver (cgroups/systemd.c) ---- */
bool vps_cgroup_is_systemd(const struct vps_cgroup *cg);
/* Whether this host runs systemd as its init (/run/systemd/system). */
bool vps_cgroup_systemd_host(void);
/* A cgroup opened from state.json of a --systemd-cgroup container: its unit is
 * the last part of the path (update and destroy then go through systemd). */
int vps_cgroup_systemd_attach(struct vps_cgroup *cg, vps_err *err);
/* The spec's org.systemd.property.* annotations, checked (runc's errors) and
 * kept for start; nothing without systemd. Call after lookup. */
int vps_cgroup_systemd_props(struct vps_cgroup *cg, const struct oci_kv *ann, size_t n,
			     vps_err *err);
/* StartTransientUnit of the scope with pid (the init, not yet past its setup)
 * and res's properties; then vps_cgroup_make_for_spec writes the rest. */
int vps_cgroup_systemd_start(struct vps_cgroup *cg, pid_t pid, const struct oci_resources *res,
			     vps_err *err);
/* update: through systemd (SetUnitProperties) for a systemd cgroup, then the
 * files as vps_cgroup_apply. */
int vps_cgroup_update(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err);

/* ---- systemd-machined (cgroups/systemd_machine.c) ---- */
struct vps_machine {
	const char *name;	    /* machined's rules: a host name */
	const char *service;	    /* "vps" */
	const char *class;	    /* "container" */
	pid_t leader;		    /* in the unit the machine is to have (its own scope) */
	const char *root_directory; /* absolute, or NULL */
	const int *ifindices;	    /* its host-side network interfaces */
	size_t n_ifindices;
};
/* RegisterMachineWithNetwork on the system bus (machined takes the leader's
 * unit as the machine's): 1 registered; 0 no machined on this host (no system
 * bus, or org.freedesktop.machine1 neither running nor activatable; err says
 * which, for a debug line); < 0 machined refused (err: its reason, a name it
 * refuses named as such). */
int vps_cgroup_machine_register(const struct vps_machine *m, vps_err *err);
/* UnregisterMachine name when machined runs (it is never started for this)
 * and the machine's leader is leader; another's machine of that name, none, or
 * no machined: nothing. 0, or < 0 with err. */
int vps_cgroup_machine_unregister(const char *name, pid_t leader, vps_err *err);

const char *vps_cgroup_layout_name(enum vps_cgroup_layout l); /* "v2", "v1", "hybrid" */

/* ---- statistics (runc's `events --stats` shape; `vps stats`): the sample
 * struct vps_cgroup_stats is in cgroups/stats_types.h ---- */
/* Whatever the host's controllers report (a missing controller leaves its part
 * unset). Free with vps_cgroup_stats_free. */
int vps_cgroup_stats(struct vps_cgroup *cg, struct vps_cgroup_stats *st, vps_err *err);
void vps_cgroup_stats_free(struct vps_cgroup_stats *st);

/* ---- what sysinfo(2) tells a VPS (runtime/sysinfo_serve.c) ---- */
struct vps_cgroup_memview {
	uint64_t limit, usage;		 /* bytes; limit UINT64_MAX: none */
	uint64_t swap_limit, swap_usage; /* swap alone; UINT64_MAX: no limit */
	uint64_t tasks;			 /* pids.current (0: no pids controller) */
};
/* The files, opened once: -ENOENT when the host has neither a memory nor a
 * pids controller. A missing file reads as no limit, no use. */
#define VPS_MEMVIEW_FILES 5
struct vps_cgroup_memfds {
	int fd[VPS_MEMVIEW_FILES];
	bool v1;
};
int vps_cgroup_memview_open(struct vps_cgroup *cg, struct vps_cgroup_memfds *f);
void vps_cgroup_memview_read(const struct vps_cgroup_memfds *f, struct vps_cgroup_memview *mv);

/* ---- OOM notification: poll(fd, POLLIN|POLLPRI), then vps_cgroup_oom_ack and
 * compare vps_cgroup_oom_kills with the last value. v2: memory.events; v1: an
 * eventfd registered on memory.oom_control. ---- */
struct vps_oom_watch {
	int fd, aux;
	bool v2;
};
int vps_cgroup_oom_watch(struct vps_cgroup *cg, struct vps_oom_watch *w, vps_err *err);
void vps_cgroup_oom_ack(struct vps_oom_watch *w);
void vps_cgroup_oom_unwatch(struct vps_oom_watch *w);
int vps_cgroup_oom_kills(struct vps_cgroup *cg, uint64_t *kills, vps_err *err);
