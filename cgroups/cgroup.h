/* One interface over three host layouts: pure cgroup v2, pure v1, and hybrid
 * (v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified). Each
 * controller's settings go to the hierarchy that holds it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "specs/spec.h"
#include "util/err.h"

struct vps_cgroup; /* opaque */

enum vps_cgroup_layout { VPS_CG_V2, VPS_CG_V1, VPS_CG_HYBRID };
int vps_cgroup_layout(enum vps_cgroup_layout *out, vps_err *err);

/* Create the container's cgroup(s) for spec cgroupsPath (NULL: "/vps/ID";
 * absolute: from each hierarchy's root; relative: under the runtime's own cgroup
 * (v1) or its parent (v2), as runc does; systemd: refused, no systemd driver)
 * in every hierarchy (name=systemd too), and apply res (may be NULL). On failure
 * nothing is left behind. Device rules: pass the spec's resources.devices plus
 * an allow rule per linux.devices entry; vps adds runc's default allow list. */
int vps_cgroup_create(const char *cgroups_path, const char *id, bool systemd,
		      const struct oci_resources *res, struct vps_cgroup **out, vps_err *err);
/* Re-open from the string saved in state.json (vps_cgroup_path()). */
int vps_cgroup_open(const char *saved, struct vps_cgroup **out, vps_err *err);
const char *vps_cgroup_path(const struct vps_cgroup *cg);
void vps_cgroup_free(struct vps_cgroup *cg);

/* fd of the v2 directory for clone3(CLONE_INTO_CGROUP), or -1 if not usable
 * (then call vps_cgroup_enter after the clone). The fd stays owned by cg. */
int vps_cgroup_v2_fd(struct vps_cgroup *cg);
int vps_cgroup_enter(struct vps_cgroup *cg, pid_t pid, vps_err *err);

int vps_cgroup_apply(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err);
int vps_cgroup_freeze(struct vps_cgroup *cg, bool frozen, vps_err *err);
int vps_cgroup_is_frozen(struct vps_cgroup *cg, bool *frozen, vps_err *err);
int vps_cgroup_kill(struct vps_cgroup *cg, int sig, vps_err *err);  /* every process */
int vps_cgroup_pids(struct vps_cgroup *cg, pid_t **pids, size_t *n, vps_err *err);
/* Remove every directory (kills leftovers first); idempotent. */
int vps_cgroup_destroy(struct vps_cgroup *cg, vps_err *err);

/* Resolve where create would put the cgroup (same rules), touching nothing:
 * lets delete --force clean up after a create that crashed before state.json
 * recorded vps_cgroup_path(). */
int vps_cgroup_lookup(const char *cgroups_path, const char *id, bool systemd,
		      struct vps_cgroup **out, vps_err *err);
const char *vps_cgroup_layout_name(enum vps_cgroup_layout l); /* "v2", "v1", "hybrid" */
