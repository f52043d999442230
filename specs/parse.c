/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json: the top level (ociVersion, root, mounts, process, hostname,
 * domainname, hooks, annotations, linux) and loading it from a bundle. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#define CONFIG_MAX (16 << 20)

int oci_parse_idmap(struct jp *p, json_object *o, void *map, void *ctx)
{
	struct oci_idmap *m = map;
	(void)ctx;
	if (jp_require(p, o, "containerID") < 0 || jp_require(p, o, "hostID") < 0 ||
	    jp_require(p, o, "size") < 0 || jp_u32(p, o, "containerID", &m->container_id) < 0 ||
	    jp_u32(p, o, "hostID", &m->host_id) < 0 || jp_u32(p, o, "size", &m->size) < 0)
		return -EINVAL;
	if (m->size == 0) {
		return jp_fail_at(p, "size", JP_NO_IDX, "must be at least 1");
	}
	if ((uint64_t)m->container_id + m->size - 1 > UINT32_MAX ||
	    (uint64_t)m->host_id + m->size - 1 > UINT32_MAX)
		return jp_fail(p, "range exceeds the 32-bit id space");
	return 0;
}

int oci_parse_mount(struct jp *p, json_object *o, void *mount, void *ctx)
{
	struct oci_mount *m = mount;
	(void)ctx;
	if (jp_require(p, o, "destination") < 0 ||
	    jp_abs_path(p, o, "destination", &m->destination) < 0 ||
	    jp_str(p, o, "source", &m->source) < 0 || jp_str(p, o, "type", &m->type) < 0 ||
	    jp_strv(p, o, "options", false, &m->options, &m->n_options) < 0 ||
	    jp_objv(p, o, "uidMappings", sizeof(struct oci_idmap), &m->uid_mappings,
		    &m->n_uid_mappings, oci_parse_idmap, NULL) < 0 ||
	    jp_objv(p, o, "gidMappings", sizeof(struct oci_idmap), &m->gid_mappings,
		    &m->n_gid_mappings, oci_parse_idmap, NULL) < 0)
		return -EINVAL;
	if (!m->n_uid_mappings != !m->n_gid_mappings)
		return jp_fail(p, "uidMappings and gidMappings must be given together");
	for (size_t i = 0; i < m->n_options; i++)
		if (!m->options[i][0]) {
			size_t k = jp_push_key(p, "options");
			size_t ki = jp_push_idx(p, i);
			int r = jp_fail(p, "empty mount option");
			jp_pop(p, ki);
			jp_pop(p, k);
			return r;
		}
	return 0;
}

static int parse_root(struct jp *p, json_object *o, void *spec, void *ctx)
{
	struct oci_spec *s = spec;
	(void)ctx;
	if (jp_require(p, o, "path") < 0 || jp_str(p, o, "path", &s->root_path) < 0 ||
	    jp_bool(p, o, "readonly", &s->root_readonly) < 0)
		return -EINVAL;
	if (!s->root_path[0]) {
		return jp_fail_at(p, "path", JP_NO_IDX, "must not be empty");
	}
	return 0;
}

static int check_version(struct jp *p, const char *v)
{
	size_t k = jp_push_key(p, "ociVersion");
	int r = 0;
	if (strncmp(v, "1.", 2) != 0 || v[2] < '0' || v[2] > '9')
		r = jp_fail(p, "unsupported version \"%s\" (vps supports 1.x)", v);
	jp_pop(p, k);
	return r;
}

static int parse_top(struct jp *p, json_object *o, void *spec, void *ctx)
{
	struct oci_spec *s = spec;
	(void)ctx;
	if (jp_require(p, o, "ociVersion") < 0 || jp_str(p, o, "ociVersion", &s->oci_version) < 0 ||
	    check_version(p, s->oci_version) < 0)
		return -EINVAL;
	if (jp_require(p, o, "root") < 0 || jp_sub(p, o, "root", parse_root, s, NULL) < 0)
		return -EINVAL;
	if (jp_objv(p, o, "mounts", sizeof(struct oci_mount), &s->mounts, &s->n_mounts,
		    oci_parse_mount, NULL) < 0)
		return -EINVAL;
	if (jp_get(o, "process")) {
		s->process = calloc(1, sizeof(*s->process));
		if (!s->process)
			return vps_error(p->err, ENOMEM, "%s", p->file);
		if (jp_sub(p, o, "process", oci_parse_process, s->process, NULL) < 0)
			return -EINVAL;
	}
	if (jp_str(p, o, "hostname", &s->hostname) < 0 ||
	    jp_str(p, o, "domainname", &s->domainname) < 0 ||
	    jp_sub(p, o, "hooks", oci_parse_hooks, &s->hooks, NULL) < 0 ||
	    jp_kv(p, o, "annotations", &s->annotations, &s->n_annotations) < 0)
		return -EINVAL;
	int r = jp_sub(p, o, "linux", oci_parse_linux, &s->lx, NULL);
	if (r < 0)
		return r;
	s->has_linux = r > 0;
	return oci_validate_spec(p, s);
}

static void free_spec(void *s)
{
	oci_spec_free(s);
}

int oci_spec_parse(const char *json, size_t len, struct oci_spec **out, vps_err *err)
{
	return jp_parse_as("config.json", json, len, sizeof(**out), parse_top, free_spec,
			   (void **)out, err);
}

int oci_spec_read(const char *bundle_dir, char **json, size_t *len, vps_err *err)
{
	_cleanup_close_ int dfd = open(bundle_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "bundle %s", bundle_dir);
	int r = vps_read_file_at(dfd, "config.json", CONFIG_MAX, json, len, err);
	if (r < 0) {
		size_t bl = strlen(bundle_dir);
		bool slash = bl && bundle_dir[bl - 1] == '/';
		return vps_error(err, -r, "%s%sconfig.json", bundle_dir, slash ? "" : "/");
	}
	return 0;
}

int oci_spec_load(const char *bundle_dir, struct oci_spec **out, vps_err *err)
{
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int r = oci_spec_read(bundle_dir, &json, &len, err);
	return r < 0 ? r : oci_spec_parse(json, len, out, err);
}

const char *oci_kv_get(const struct oci_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; kv && i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

const char *oci_annotation(const struct oci_spec *spec, const char *key)
{
	return spec ? oci_kv_get(spec->annotations, spec->n_annotations, key) : NULL;
}
