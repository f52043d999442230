/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps bundle --userns mapped|host`: the bundle side of rootfs/userns.h. A
 * mapped VPS gets a range from the allocator before its rootfs is filled (so
 * an exhausted area fails before a long debootstrap), the rootfs is probed
 * for idmapped mounts once it is complete (shifted where the filesystem
 * cannot idmap), and config.json gets the user namespace, the maps and the
 * annotations that say what was done. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "rootfs/template.h"
#include "rootfs/userns.h"

int vps_tmpl_userns_check(const struct vps_bundle_opts *o, vps_err *err)
{
	const char *mode = o->userns ? o->userns : "mapped";
	if (strcmp(mode, "mapped") && strcmp(mode, "host"))
		return vps_errorx(err, EINVAL, "--userns %s: expected mapped or host", mode);
	if (!strcmp(mode, "host") && o->idmap_base)
		return vps_errorx(err, EINVAL,
				  "--idmap-base: only for a mapped VPS (not with --userns host)");
	if (!strcmp(mode, "mapped") && !o->inventory)
		return vps_errorx(err, EINVAL, "id ranges: no inventory directory (--inventory)");
	return 0;
}

int vps_tmpl_userns_begin(const struct vps_bundle_opts *o, struct vps_tmpl_userns *u, vps_err *err)
{
	*u = (struct vps_tmpl_userns){.range = {.lockfd = -1}};
	if (o->userns && !strcmp(o->userns, "host"))
		return 0;
	int r = vps_idrange_alloc(o->inventory, o->name, o->dir, o->idmap_base, &u->range, err);
	if (r < 0)
		return r;
	u->mapped = true;
	u->base = u->range.base;
	return 0;
}

int vps_tmpl_userns_rootfs(const struct vps_bundle_opts *o, const char *rootfs,
			   struct vps_tmpl_userns *u, vps_err *err)
{
	if (!u->mapped)
		return 0;
	const char *why;
	int r = vps_idmap_supported(rootfs, u->base, &why, err);
	if (r < 0)
		return r;
	u->idmap = r ? "mount" : "shifted";
	char msg[768];
	if (!r && o->vm) {
		u->idmap = "mount";	   /* the VM ignores the maps: keep the tree as it is */
		snprintf(msg, sizeof(msg), /* snprintf-ok: message text */
			 "%s: %s cannot be idmapped (%s); the VM ignores the id maps, but as a "
			 "container this bundle needs a filesystem that can",
			 o->name, rootfs, why);
	} else if (!r) {
		snprintf(msg, sizeof(msg), /* snprintf-ok: message text */
			 "%s: %s cannot be idmapped (%s): shifting its owners once to %u..%u",
			 o->name, rootfs, why, u->base, u->base + VPS_IDRANGE_SIZE - 1);
	}
	if (!r && o->notice)
		o->notice(msg);
	if (!r && !o->vm && (r = vps_shift_tree(rootfs, u->base, err)) < 0)
		return r;
	return 0;
}

static json_object *idmap(uint32_t base)
{
	json_object *m = json_object_new_object(), *a = json_object_new_array();
	json_object_object_add(m, "containerID", json_object_new_int64(0));
	json_object_object_add(m, "hostID", json_object_new_int64(base));
	json_object_object_add(m, "size", json_object_new_int64(VPS_IDRANGE_SIZE));
	json_object_array_add(a, m);
	return a;
}

void vps_tmpl_userns_config(json_object *cfg, const struct vps_tmpl_userns *u)
{
	json_object *a, *lx, *nss;
	if (!json_object_object_get_ex(cfg, "annotations", &a)) {
		a = json_object_new_object();
		json_object_object_add(cfg, "annotations", a);
	}
	json_object_object_add(a, VPS_ANN_USERNS,
			       json_object_new_string(u->mapped ? "mapped" : "host"));
	if (!u->mapped || !json_object_object_get_ex(cfg, "linux", &lx) ||
	    !json_object_object_get_ex(lx, "namespaces", &nss))
		return;
	json_object_object_add(a, VPS_ANN_ROOTFS_IDMAP,
			       json_object_new_string(u->idmap ? u->idmap : "mount"));
	json_object *ns = json_object_new_object();
	json_object_object_add(ns, "type", json_object_new_string("user"));
	json_object_array_add(nss, ns);
	json_object_object_add(lx, "uidMappings", idmap(u->base));
	json_object_object_add(lx, "gidMappings", idmap(u->base));
}

void vps_tmpl_userns_end(struct vps_tmpl_userns *u, bool ok)
{
	if (u->mapped)
		vps_idrange_done(&u->range, ok);
}

const char *vps_root_kind(const struct oci_kv *ann, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ann[i].key, VPS_ANN_USERNS))
			return !strcmp(ann[i].value, "mapped") ? "mapped" : "host";
	return NULL;
}

const char *vps_spec_root_kind(const struct oci_spec *s)
{
	const char *k = vps_root_kind(s->annotations, s->n_annotations);
	if (k)
		return k;
	const struct oci_linux *lx = &s->lx;
	if (!s->has_linux || !lx->namespaces[OCI_NS_USER].present)
		return "host";
	for (size_t i = 0; i < lx->n_uid_mappings; i++)
		if (lx->uid_mappings[i].container_id == 0)
			return lx->uid_mappings[i].host_id == 0 ? "host" : "mapped";
	return lx->namespaces[OCI_NS_USER].path ? "mapped" : "host";
}
