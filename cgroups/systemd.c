/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd cgroup driver (--systemd-cgroup), as runc and crun do it: the
 * container's cgroup is a transient scope that systemd makes (Delegate=yes,
 * the init's pid, the resources systemd owns as unit properties, the
 * org.systemd.property.* annotations), named by cgroupsPath
 * "slice:prefix:name" (systemd_path.c). Everything else is written into the
 * delegated cgroup as without systemd; update goes through SetUnitProperties
 * first, delete stops the unit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define SD_DEFAULT_SLICE "system.slice"

int cg_systemd_lookup(struct vps_cgroup *cg, const char *cgroups_path, const char *id, vps_err *err)
{
	_cleanup_free_ struct cg_systemd_unit *u = malloc(sizeof(*u));
	if (!u)
		return vps_error(err, ENOMEM, "cgroup");
	int r = cg_systemd_path(cgroups_path, id, SD_DEFAULT_SLICE, u, err);
	if (r < 0 || (r = cg_sd_need_systemd(err)) < 0)
		return r;
	cg->systemd = true;
	cg->unit = strdup(u->unit);
	cg->slice = strdup(u->slice);
	if (asprintf(&cg->desc, "vps container %s", id) < 0)
		cg->desc = NULL;
	if (!cg->unit || !cg->slice || !cg->desc)
		return vps_error(err, ENOMEM, "cgroup");
	return cg_resolve_paths(cg, u->path, id, err);
}

void cg_systemd_free(struct vps_cgroup *cg)
{
	free(cg->unit);
	free(cg->slice);
	free(cg->desc);
	cg_sd_props_free(cg->sd_props);
	free(cg->sd_props);
}

bool vps_cgroup_systemd_host(void)
{
	vps_err e;
	return cg_sd_need_systemd(&e) == 0;
}

bool vps_cgroup_is_systemd(const struct vps_cgroup *cg)
{
	return cg->systemd;
}

int vps_cgroup_systemd_attach(struct vps_cgroup *cg, vps_err *err)
{
	const char *rel = cg->n ? cg->h[0].rel : NULL, *slash = rel ? strrchr(rel, '/') : NULL;
	if (!slash || !slash[1])
		return vps_errorx(err, EINVAL, "cgroup %s: no systemd unit in the path",
				  cg->saved ? cg->saved : "?");
	free(cg->unit);
	if (!(cg->unit = strdup(slash + 1)))
		return vps_error(err, ENOMEM, "cgroup");
	cg->systemd = true;
	return 0;
}

int vps_cgroup_systemd_props(struct vps_cgroup *cg, const struct oci_kv *ann, size_t n,
			     vps_err *err)
{
	if (!cg->systemd)
		return 0;
	if (!cg->sd_props && !(cg->sd_props = calloc(1, sizeof(*cg->sd_props))))
		return vps_error(err, ENOMEM, "cgroup");
	return cg_sd_props_from_annotations(cg->sd_props, ann, n, err);
}

/* The resources' properties, then the annotations' (which win, as in runc). */
static int all_props(struct vps_cgroup *cg, const struct oci_resources *res, bool ann,
		     struct cg_sd_props *ps, vps_err *err)
{
	int r = cg_sd_props_from_resources(ps, res, cg->layout == VPS_CG_V2, err);
	for (size_t i = 0; r >= 0 && ann && cg->sd_props && i < cg->sd_props->n; i++) {
		const struct cg_sd_prop *s = &cg->sd_props->p[i];
		struct cg_sd_prop *p = cg_sd_props_add(ps, s->name, s->sig);
		if (!p)
			return vps_error(err, ENOMEM, "unit property %s", s->name);
		p->num = s->num;
		p->dbl = s->dbl;
		p->n = s->n;
		if ((s->str && !(p->str = strdup(s->str))) ||
		    (s->bytes && !(p->bytes = malloc(s->n))) ||
		    (s->strv && !(p->strv = calloc(s->n + 1, sizeof(char *)))))
			return vps_error(err, ENOMEM, "unit property %s", s->name);
		if (s->bytes)
			memcpy(p->bytes, s->bytes, s->n);
		for (size_t j = 0; s->strv && j < s->n; j++)
			if (!(p->strv[j] = strdup(s->strv[j])))
				return vps_error(err, ENOMEM, "unit property %s", s->name);
	}
	return r;
}

int vps_cgroup_systemd_start(struct vps_cgroup *cg, pid_t pid, const struct oci_resources *res,
			     vps_err *err)
{
	struct cg_sd_props ps = {0};
	int r = all_props(cg, res, true, &ps, err);
	if (r >= 0)
		r = cg_sd_start(cg->unit, cg->slice, cg->desc, pid, &ps, err);
	cg_sd_props_free(&ps);
	return r;
}

int vps_cgroup_update(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	if (cg->systemd) {
		struct cg_sd_props ps = {0};
		int r = all_props(cg, res, false, &ps, err);
		if (r >= 0)
			r = cg_sd_set(cg->unit, &ps, err);
		cg_sd_props_free(&ps);
		if (r < 0)
			return r;
	}
	return vps_cgroup_apply(cg, res, err);
}

void cg_systemd_stop(struct vps_cgroup *cg)
{
	vps_err e;
	if (cg->systemd && cg->unit && cg_sd_stop(cg->unit, &e) < 0)
		log_warn("cgroup: stop systemd unit %s: %s", cg->unit, e.msg);
}
