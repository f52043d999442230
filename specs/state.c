/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.json <-> struct vps_state. Unknown keys are ignored; `extra` is kept
 * as is so concerns (net, vm) can keep their own data in it. */
#include "specs/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/jparse.h"
#include "util/cleanup.h"

static const char *const status_names[] = {
    [VPS_CREATING] = "creating", [VPS_CREATED] = "created", [VPS_RUNNING] = "running",
    [VPS_PAUSED] = "paused",	 [VPS_STOPPED] = "stopped",
};

const char *vps_status_name(enum vps_status s)
{
	if ((unsigned)s < ARRAY_SIZE(status_names))
		return status_names[s];
	return "unknown";
}

void vps_state_free(struct vps_state *st)
{
	if (!st)
		return;
	free(st->oci_version);
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup_path);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	json_object_put(st->extra);
	free(st);
}

static int parse_fields(struct jp *p, json_object *o, void *state, void *ctx)
{
	struct vps_state *st = state;
	(void)ctx;
	_cleanup_free_ char *status = NULL;
	int64_t pid = 0, exit_status = -1;
	uint64_t owner = 0;
	json_object *extra = NULL;
	if (jp_require(p, o, "id") < 0 || jp_require(p, o, "status") < 0)
		return -EINVAL;
	if (jp_str(p, o, "ociVersion", &st->oci_version) < 0 || jp_str(p, o, "id", &st->id) < 0 ||
	    jp_str(p, o, "status", &status) < 0 || jp_i64(p, o, "pid", 0, INT32_MAX, &pid) < 0 ||
	    jp_u64(p, o, "pidStart", UINT64_MAX, &st->pid_start) < 0 ||
	    jp_str(p, o, "bundle", &st->bundle) < 0 || jp_str(p, o, "rootfs", &st->rootfs) < 0 ||
	    jp_str(p, o, "created", &st->created) < 0 ||
	    jp_u64(p, o, "owner", UINT32_MAX, &owner) < 0 ||
	    jp_str(p, o, "cgroupPath", &st->cgroup_path) < 0 ||
	    jp_bool(p, o, "systemdCgroup", &st->systemd_cgroup) < 0 ||
	    jp_i64(p, o, "exitStatus", -1, 255 + 128, &exit_status) < 0 ||
	    jp_kv(p, o, "annotations", &st->annotations, &st->n_annotations) < 0 ||
	    jp_obj(p, o, "extra", &extra) < 0)
		return -EINVAL;
	int s = jp_lookup(status_names, ARRAY_SIZE(status_names), status);
	if (s < 0) {
		return jp_fail_at(p, "status", JP_NO_IDX, "unknown status \"%s\"", status);
	}
	st->status = (enum vps_status)s;
	st->pid = (pid_t)pid;
	st->owner = (uid_t)owner;
	st->exit_status = (int)exit_status;
	st->extra = extra ? json_object_get(extra) : NULL;
	return 0;
}

static void free_state(void *st)
{
	vps_state_free(st);
}

int vps_state_from_json(const char *json, size_t len, struct vps_state **out, vps_err *err)
{
	return jp_parse_as("state.json", json, len, sizeof(**out), parse_fields, free_state,
			   (void **)out, err);
}

/* json-c adders that tolerate NULL strings (written as ""). */
static int add(json_object *o, const char *k, json_object *v)
{
	if (!v)
		return -1;
	return json_object_object_add(o, k, v);
}
static int add_str(json_object *o, const char *k, const char *s)
{
	return add(o, k, json_object_new_string(s ? s : ""));
}

static int add_annotations(json_object *o, const struct vps_state *st, bool always)
{
	if (!st->n_annotations && !always)
		return 0;
	json_object *a = json_object_new_object();
	if (!a)
		return -1;
	for (size_t i = 0; i < st->n_annotations; i++)
		if (add_str(a, st->annotations[i].key, st->annotations[i].value) < 0) {
			json_object_put(a);
			return -1;
		}
	return add(o, "annotations", a);
}

static char *finish(json_object *o, int bad)
{
	char *s = NULL;
	if (!bad)
		s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/* ociVersion, id, status (and pid when always_pid or > 0) start both shapes. */
static int add_head(json_object *o, const struct vps_state *st, bool always_pid)
{
	int bad = add_str(o, "ociVersion", st->oci_version ? st->oci_version : "1.2.0");
	bad |= add_str(o, "id", st->id);
	bad |= add_str(o, "status", vps_status_name(st->status));
	if (always_pid || st->pid > 0)
		bad |= add(o, "pid", json_object_new_int64(st->pid));
	return bad;
}

char *vps_state_to_json(const struct vps_state *st)
{
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	int bad = add_head(o, st, true);
	bad |= add_str(o, "bundle", st->bundle);
	bad |= add_str(o, "rootfs", st->rootfs);
	bad |= add_str(o, "created", st->created);
	bad |= add(o, "owner", json_object_new_int64(st->owner));
	bad |= add_annotations(o, st, true);
	bad |= add(o, "pidStart", json_object_new_uint64(st->pid_start));
	bad |= add_str(o, "cgroupPath", st->cgroup_path);
	bad |= add(o, "systemdCgroup", json_object_new_boolean(st->systemd_cgroup));
	bad |= add(o, "exitStatus", json_object_new_int(st->exit_status));
	if (st->extra)
		bad |= add(o, "extra", json_object_get(st->extra));
	return finish(o, bad);
}

/* The OCI state given to hooks: {ociVersion,id,status,pid,bundle,annotations}. */
char *vps_state_oci_json(const struct vps_state *st)
{
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	int bad = add_head(o, st, false);
	bad |= add_str(o, "bundle", st->bundle);
	bad |= add_annotations(o, st, false);
	return finish(o, bad);
}
