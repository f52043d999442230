/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json .linux: namespaces, id maps, time offsets, devices, and the
 * sections parsed elsewhere (resources, seccomp, oci_parse_linux_misc). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"

static int ns_elem(struct jp *p, json_object *e, size_t i, void *ctx)
{
	struct oci_linux *lx = ctx;
	const char *names[OCI_NS_MAX];
	_cleanup_free_ char *path = NULL;
	json_object *pv = NULL;
	int t = -1;
	(void)i;
	for (int k = 0; k < OCI_NS_MAX; k++)
		names[k] = oci_ns_name(k);
	if (jp_v_type(p, e, json_type_object) < 0 || jp_require(p, e, "type") < 0 ||
	    jp_enum(p, e, "type", names, OCI_NS_MAX, "namespace", &t) < 0)
		return -EINVAL;
	/* "path": "" means no path, a new namespace (runc) */
	bool empty = json_object_object_get_ex(e, "path", &pv) &&
		     json_object_is_type(pv, json_type_string) && !*json_object_get_string(pv);
	if (!empty && jp_abs_path(p, e, "path", &path) < 0)
		return -EINVAL;
	if (lx->namespaces[t].present)
		return jp_fail_at(p, "type", JP_NO_IDX, "duplicate namespace \"%s\"", names[t]);
	lx->namespaces[t].present = true;
	lx->namespaces[t].path = take_ptr(path);
	return 0;
}

static int parse_namespaces(struct jp *p, json_object *o, struct oci_linux *lx)
{
	json_object *a = NULL;
	size_t n = 0;
	int r = jp_arr(p, o, "namespaces", &a, &n);
	if (r <= 0)
		return r;
	return jp_each(p, "namespaces", a, "an object", ns_elem, lx);
}

static int parse_offset(struct jp *p, json_object *o, struct oci_time_offset *t)
{
	uint64_t ns = 0;
	if (jp_v_type(p, o, json_type_object) < 0 ||
	    jp_i64(p, o, "secs", INT64_MIN, INT64_MAX, &t->secs) < 0 ||
	    jp_u64(p, o, "nanosecs", 999999999, &ns) < 0)
		return -EINVAL;
	t->nanosecs = (uint32_t)ns;
	t->set = true;
	return 0;
}

static int parse_time_offsets(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_linux *lx = elem;
	int r = 0;
	(void)ctx;
	json_object_object_foreach(o, clock, v)
	{
		size_t k = jp_push_key(p, clock);
		if (!v)
			r = jp_fail(p, "expected an object, got null");
		else if (strcmp(clock, "monotonic") == 0)
			r = parse_offset(p, v, &lx->time_monotonic);
		else if (strcmp(clock, "boottime") == 0)
			r = parse_offset(p, v, &lx->time_boottime);
		else
			r = jp_fail(p, "unknown clock \"%s\" (monotonic or boottime)", clock);
		jp_pop(p, k);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_device(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_device *d = elem;
	_cleanup_free_ char *type = NULL;
	(void)ctx;
	if (jp_require(p, o, "path") < 0 || jp_abs_path(p, o, "path", &d->path) < 0 ||
	    jp_require(p, o, "type") < 0 || jp_str(p, o, "type", &type) < 0)
		return -EINVAL;
	if (strlen(type) != 1 || !strchr("cbup", type[0])) {
		return jp_fail_at(p, "type", JP_NO_IDX, "unknown device type \"%s\" (c, b, u or p)",
				  type);
	}
	d->type = type[0];
	if (d->type != 'p' && (jp_require(p, o, "major") < 0 || jp_require(p, o, "minor") < 0))
		return -EINVAL;
	if (jp_i64(p, o, "major", 0, UINT32_MAX, &d->major) < 0 ||
	    jp_i64(p, o, "minor", 0, UINT32_MAX, &d->minor) < 0 ||
	    /* engines (podman) send the whole st_mode, type bits included, as runc accepts */
	    jp_opt_u64(p, o, "fileMode", 0177777, &d->file_mode) < 0 ||
	    jp_opt_u64(p, o, "uid", UINT32_MAX, &d->uid) < 0 ||
	    jp_opt_u64(p, o, "gid", UINT32_MAX, &d->gid) < 0)
		return -EINVAL;
	d->file_mode.v &= 07777;
	return 0;
}

static int parse_seccomp_ptr(struct jp *p, json_object *o, struct oci_linux *lx)
{
	if (!jp_get(o, "seccomp"))
		return 0;
	lx->seccomp = calloc(1, sizeof(*lx->seccomp));
	if (!lx->seccomp)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	return jp_sub(p, o, "seccomp", oci_parse_seccomp, lx->seccomp, NULL);
}

int oci_parse_linux(struct jp *p, json_object *o, void *linux_, void *ctx)
{
	struct oci_linux *lx = linux_;
	(void)ctx;
	int r;
	if (parse_namespaces(p, o, lx) < 0 ||
	    jp_objv(p, o, "uidMappings", sizeof(struct oci_idmap), &lx->uid_mappings,
		    &lx->n_uid_mappings, oci_parse_idmap, NULL) < 0 ||
	    jp_objv(p, o, "gidMappings", sizeof(struct oci_idmap), &lx->gid_mappings,
		    &lx->n_gid_mappings, oci_parse_idmap, NULL) < 0 ||
	    jp_sub(p, o, "timeOffsets", parse_time_offsets, lx, NULL) < 0 ||
	    jp_objv(p, o, "devices", sizeof(struct oci_device), &lx->devices, &lx->n_devices,
		    parse_device, NULL) < 0 ||
	    (r = jp_sub(p, o, "resources", oci_parse_resources, &lx->resources, NULL)) < 0)
		return -EINVAL;
	lx->has_resources = r > 0;
	if (parse_seccomp_ptr(p, o, lx) < 0)
		return -EINVAL;
	return oci_parse_linux_misc(p, o, lx);
}
