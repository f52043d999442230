/* Make a container's cgroup from its spec: linux.resources, and an allow rule
 * (rwm) per linux.devices node, as runc does, so the devices the runtime
 * creates stay usable under a deny-all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroup.h"
#include "util/cleanup.h"

int vps_cgroup_make_for_spec(struct vps_cgroup *cg, const struct oci_linux *lx, const char *id,
			     vps_err *err)
{
	struct oci_resources res = {0};
	if (lx->has_resources)
		res = lx->resources;
	_cleanup_free_ struct oci_device_rule *rules = NULL;
	if (res.n_devices && lx->n_devices) {
		rules = calloc(res.n_devices + lx->n_devices, sizeof(*rules));
		if (!rules)
			return vps_error(err, ENOMEM, "cgroup device rules");
		memcpy(rules, res.devices, res.n_devices * sizeof(*rules));
		size_t k = res.n_devices;
		for (size_t i = 0; i < lx->n_devices; i++) {
			const struct oci_device *d = &lx->devices[i];
			if (d->type == 'p') /* fifos need no device rule */
				continue;
			struct oci_device_rule *r = &rules[k++];
			r->allow = true;
			r->type = d->type == 'b' ? 'b' : 'c'; /* 'u' is unbuffered char */
			r->major = d->major;
			r->minor = d->minor;
			strcpy(r->access, "rwm");
		}
		res.devices = rules;
		res.n_devices = k;
	}
	int r = vps_cgroup_make(cg, &res, err);
	return r < 0 ? vps_error_wrap(err, "cgroup %s", lx->cgroups_path ? lx->cgroups_path : id)
		     : r;
}
