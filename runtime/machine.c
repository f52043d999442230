/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS-face VPS in systemd-machined (issue 20): on a systemd host each VPS
 * runs in a scope of its own (vps-NAME.scope in vps.slice, inv_start.c); its
 * monitor registers it with machined at every boot (name: the VPS's, class
 * container, service vps, leader its init, its rootfs, the host end of its
 * veth), so `machinectl list` and `machinectl status NAME` show it; delete
 * unregisters it before the scope is stopped. Without machined nothing
 * happens; what machined refuses is a warning, never a failed start. The OCI
 * face (engines' containers, --systemd-cgroup) is not registered: the engine
 * is the manager there, as with runc and crun. */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "cgroups/cgroup.h"
#include "runtime/internal.h"
#include "util/log.h"

static int register_state(const struct vps_state *st, vps_err *err)
{
	if (!st->systemd_cgroup || st->pid <= 0) /* in no scope of its own */
		return 0;
	json_object *net = st->extra ? json_object_object_get(st->extra, "net") : NULL;
	json_object *veth = net ? json_object_object_get(net, "veth") : NULL;
	unsigned ifi = veth ? if_nametoindex(json_object_get_string(veth)) : 0;
	int ifs[1] = {(int)ifi};
	struct vps_machine m = {.name = st->id,
				.service = "vps",
				.class = "container",
				.leader = st->pid,
				.root_directory = st->rootfs,
				.ifindices = ifs,
				.n_ifindices = ifi ? 1 : 0};
	int r = vps_cgroup_machine_register(&m, err);
	if (r < 0)
		return vps_error_wrap(err, "VPS %s not in machinectl list", st->id);
	if (r == 0)
		vps_error_wrap(err, "VPS %s not registered", st->id);
	return r;
}

int vps_machine_register_vps(const char *root, const char *id, const struct vps_state *st,
			     vps_err *err)
{
	struct vps_state *own = NULL;
	vps_err_clear(err);
	if (!st && vps_state_load(root, id, &own, err) < 0)
		return vps_error_wrap(err, "VPS %s not in machinectl list", id);
	int r = register_state(st ? st : own, err);
	vps_state_free(own);
	return r;
}

void vps_machine_unregister_vps(const struct vps_state *st)
{
	vps_err e;
	if (st->systemd_cgroup && st->pid > 0 &&
	    vps_cgroup_machine_unregister(st->id, st->pid, &e) < 0)
		log_warn("delete %s: %s", st->id, e.msg);
}
