/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps start NAME` of a registered VPS, whatever its state: a created one is
 * started; a stopped one (or one never created, e.g. after a host reboot
 * emptied /run) is created from its bundle and started, as `vps create` +
 * `vps start` would; a running or paused one is left alone. */
#include <errno.h>
#include <string.h>

#include "cgroups/cgroup.h"
#include "runtime/internal.h"
#include "runtime/inv_internal.h"

/* create + start from the bundle; a start that fails leaves nothing */
static int create_start(const char *root, const char *inv, const struct vps_inv_entry *e,
			vps_err *err)
{
	/* on a systemd host each VPS is a scope of its own, vps-NAME.scope in
	 * vps.slice (systemctl status, systemd-cgtop show it) */
	bool sd = vps_cgroup_systemd_host();
	struct vps_create_opts o = {.root = root,
				    .id = e->name,
				    .bundle = e->bundle,
				    .inventory = inv,
				    .systemd_cgroup = sd,
				    .systemd_slice = sd ? VPS_FACE_SLICE : NULL};
	int r = vps_create(&o, err);
	if (r < 0)
		return r;
	if ((r = vps_start(root, e->name, err)) < 0) {
		vps_err e2 = {0};
		vps_delete(root, e->name, true, &e2);
	}
	return r;
}

int vps_inv_start(const char *root, const char *inv, const char *name, enum vps_status *was,
		  vps_err *err)
{
	struct vps_inv_entry *e = NULL;
	int r = vps_inv_load(inv, name, &e, err);
	if (r < 0)
		return r;
	struct vps_state *st = NULL;
	vps_err e2 = {0};
	*was = VPS_STOPPED;
	if (vps_state_load(root, name, &st, &e2) == 0) {
		*was = vps_status_live(root, st);
		vps_state_free(st);
	}
	switch (*was) {
	case VPS_RUNNING:
	case VPS_PAUSED:
		r = 0;
		break;
	case VPS_CREATED:
		r = vps_start(root, name, err);
		break;
	case VPS_CREATING:
		r = vps_errorx(err, EBUSY, "VPS %s is being created", name);
		break;
	case VPS_STOPPED: /* an old container of this name goes first */
		r = vps_delete(root, name, false, err);
		if (r >= 0 || r == -ENOENT)
			r = create_start(root, inv, e, err);
		break;
	}
	vps_inv_free(e);
	return r;
}
