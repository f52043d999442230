/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps destroy NAME`: the one verb that removes a VPS: its container (state,
 * cgroup, network; vps_delete), its bundle (rootfs and config.json) unless
 * --keep-data, and last its inventory record, so a destroy that fails half-way
 * can be run again. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "rootfs/userns.h"
#include "runtime/inv_internal.h"
#include "util/cleanup.h"

/* The container of this VPS, if any: refused while it runs unless force. */
static int remove_container(const char *root, const char *name, bool force, vps_err *err)
{
	struct vps_state *st = NULL;
	vps_err e2 = {0};
	int r = vps_state_load(root, name, &st, &e2);
	if (r < 0) { /* none, or a create that died before state.json: delete cleans */
		r = vps_delete(root, name, true, err);
		return r == -ENOENT ? 0 : r;
	}
	enum vps_status s = vps_status_live(root, st);
	vps_state_free(st);
	if ((s == VPS_RUNNING || s == VPS_PAUSED || s == VPS_CREATING) && !force)
		return vps_errorx(err, EBUSY,
				  "VPS %s is %s; stop it first or use --force (kills it)", name,
				  vps_status_name(s));
	return vps_delete(root, name, true, err);
}

/* The bundle, only when its config.json still names this VPS: a record
 * pointing elsewhere never makes destroy remove someone else's tree. */
static int remove_bundle(const struct vps_inv_entry *e, vps_err *err)
{
	struct stat st;
	if (lstat(e->bundle, &st) < 0 && errno == ENOENT)
		return 0;
	if (!vps_inv_bundle_is(e->bundle, e->name))
		return vps_errorx(err, EINVAL,
				  "bundle %s: its config.json does not name VPS %s (annotation "
				  "org.vps.name); not removing it (--keep-data keeps it and "
				  "unregisters the VPS)",
				  e->bundle, e->name);
	int r = vps_rm_tree_at(AT_FDCWD, e->bundle);
	if (r < 0)
		return vps_error(err, -r, "remove bundle %s", e->bundle);
	return 0;
}

int vps_inv_destroy(const char *root, const char *inv, const char *name, bool keep_data, bool force,
		    vps_err *err)
{
	struct vps_inv_entry *e = NULL;
	int r = vps_inv_load(inv, name, &e, err);
	if (r < 0)
		return r;
	if ((r = remove_container(root, name, force, err)) < 0)
		goto out;
	if (!keep_data)
		vps_inv_disk_free(e); /* before the bundle (its config.json) goes */
	if (!keep_data && (r = remove_bundle(e, err)) < 0)
		goto out;
	/* the VPS's host id range (issue 15) is free for another VPS */
	if ((r = vps_idrange_free(inv, name, e->bundle, err)) < 0)
		goto out;
	r = vps_inv_unregister(inv, name, err);
out:
	vps_inv_free(e);
	return r;
}
