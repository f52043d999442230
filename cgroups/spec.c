/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Make a container's cgroup from its spec: linux.resources as given. The
 * nodes of linux.devices get no allow rule of their own (runc adds only its
 * default list, cgroups/devices.c): a deny-all denies a listed node unless
 * resources.devices allows it. */
#include "cgroups/cgroup.h"

int vps_cgroup_make_for_spec(struct vps_cgroup *cg, const struct oci_linux *lx, const char *id,
			     vps_err *err)
{
	struct oci_resources res = {0};
	if (lx->has_resources)
		res = lx->resources;
	int r = vps_cgroup_make(cg, &res, err);
	return r < 0 ? vps_error_wrap(err, "cgroup %s", lx->cgroups_path ? lx->cgroups_path : id)
		     : r;
}
