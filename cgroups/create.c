/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Create, open, enter and free a container's cgroup in every hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/log.h"

void vps_cgroup_free(struct vps_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_hier *h = &cg->h[i];
		if (h->dirfd >= 0)
			close(h->dirfd);
		free(h->mount);
		free(h->ctrls);
		free(h->rel);
		free(h->dir);
	}
	free(cg->saved);
	cg_systemd_free(cg);
	free(cg);
}

static int new_cg(struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = calloc(1, sizeof(*cg));
	if (!cg)
		return vps_error(err, ENOMEM, "cgroup");
	for (size_t i = 0; i < CG_MAX_HIER; i++)
		cg->h[i].dirfd = -1;
	*out = cg;
	return 0;
}

int vps_cgroup_lookup(const char *cgroups_path, const char *id, bool systemd,
		      struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = NULL;
	int r = new_cg(&cg, err);
	if (r < 0)
		return r;
	if ((r = cg_discover(cg, err)) < 0 ||
	    (r = systemd ? cg_systemd_lookup(cg, cgroups_path, id, err)
			 : cg_resolve_paths(cg, cgroups_path, id, err)) < 0 ||
	    (r = cg_encode_saved(cg, err)) < 0) {
		vps_cgroup_free(cg);
		return r;
	}
	*out = cg;
	return 0;
}

int vps_cgroup_open(const char *saved, struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = NULL;
	int r = new_cg(&cg, err);
	if (r < 0)
		return r;
	if (!saved || !*saved)
		r = vps_errorx(err, EINVAL, "no cgroup path recorded");
	else if ((r = cg_discover(cg, err)) >= 0)
		r = cg_decode_saved(cg, saved, err);
	if (r < 0) {
		vps_cgroup_free(cg);
		return r;
	}
	*out = cg;
	return 0;
}

const char *vps_cgroup_path(const struct vps_cgroup *cg)
{
	return cg->saved;
}

int vps_cgroup_create(const char *cgroups_path, const char *id, bool systemd,
		      const struct oci_resources *res, struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = NULL;
	int r = vps_cgroup_lookup(cgroups_path, id, systemd, &cg, err);
	if (r < 0)
		return r;
	if ((r = vps_cgroup_make(cg, res, err)) < 0) {
		vps_cgroup_free(cg);
		return vps_error_wrap(err, "cgroup %s", cgroups_path ? cgroups_path : id);
	}
	*out = cg;
	return 0;
}

int vps_cgroup_v2_fd(struct vps_cgroup *cg)
{
	struct cg_hier *h = cg_hier_v2(cg);
	vps_err e;
	return !h || cg_open_dir(h, &e) < 0 ? -1 : h->dirfd;
}

const char *vps_cgroup_v2_dir(struct vps_cgroup *cg)
{
	struct cg_hier *h = cg_hier_v2(cg);
	return h ? h->dir : NULL;
}

bool vps_cgroup_has_v1(const struct vps_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2)
			return true;
	return false;
}

int vps_cgroup_enter_self(struct vps_cgroup *cg, vps_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg->h[i].v2 ? 0 : cg_write(&cg->h[i], "tasks", "0", err);
		if (r < 0)
			return r;
	}
	return 0;
}

int vps_cgroup_enter(struct vps_cgroup *cg, pid_t pid, vps_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg_writef(&cg->h[i], "cgroup.procs", err, "%d", (int)pid);
		if (r < 0)
			return r;
	}
	return 0;
}
