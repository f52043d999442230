/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pause, resume and update: the cgroup verbs that change a live container
 * (runtime.h). Each holds the container's lock while it acts. And the free of
 * the stats sample (monitor.c fills it), so cli/ needs no cgroups/ call. */
#include <errno.h>

#include "runtime/live.h"
#include "runtime/runtime.h"

static int freeze(const char *root, const char *id, bool on, vps_err *err)
{
	struct vps_live l;
	int r = vps_live_open(root, id, true, &l, err);
	if (r < 0)
		return r;
	enum vps_status want = on ? VPS_RUNNING : VPS_PAUSED;
	if (l.status != want)
		r = vps_errorx(err, EINVAL, "container is %s, not %s", vps_status_name(l.status),
			       on ? "running" : "paused");
	else
		r = vps_cgroup_freeze(l.cg, on, err);
	vps_live_close(&l);
	return r;
}

int vps_pause(const char *root, const char *id, vps_err *err)
{
	return freeze(root, id, true, err);
}

int vps_resume(const char *root, const char *id, vps_err *err)
{
	return freeze(root, id, false, err);
}

int vps_update(const char *root, const char *id, const struct oci_resources *res, vps_err *err)
{
	struct vps_live l;
	int r = vps_live_open(root, id, true, &l, err);
	if (r < 0)
		return r;
	if (l.status == VPS_STOPPED)
		r = vps_errorx(err, EINVAL, "container is stopped");
	else
		r = vps_cgroup_update(l.cg, res, err);
	vps_live_close(&l);
	return r;
}

void vps_stats_free(struct vps_cgroup_stats *st)
{
	vps_cgroup_stats_free(st);
}
