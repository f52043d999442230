/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the id-range allocator (idrange.c) checks: the vps-owned area from the
 * inventory's settings file, its overlap with /etc/subuid and /etc/subgid, and
 * whether a record still belongs to a bundle whose config.json maps root onto
 * its range. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/idrange_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

/* "12345" -> v; false for anything else or more than max */
static bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || x > max)
		return false;
	*v = x;
	return true;
}

int vps_idrange_area(int dirfd, uint32_t base_opt, struct vps_idarea *a, vps_err *err)
{
	*a = (struct vps_idarea){.base = VPS_IDRANGE_BASE, .count = VPS_IDRANGE_COUNT};
	_cleanup_free_ char *text = NULL;
	vps_err none;
	if (vps_read_file_at(dirfd, VPS_IDRANGE_SETTINGS, 64 << 10, &text, NULL, &none) < 0 &&
	    none.code != ENOENT)
		return vps_errorx(err, none.code, "id ranges: %s", none.msg);
	char *save = NULL;
	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char key[32], val[32];
		uint64_t v;
		if (l[0] == '#' || sscanf(l, "%31s %31s", key, val) != 2)
			continue;
		bool ok = parse_u64(val, UINT32_MAX, &v);
		if (ok && !strcmp(key, "base"))
			a->base = (uint32_t)v;
		else if (ok && !strcmp(key, "count"))
			a->count = (uint32_t)v;
		else
			return vps_errorx(err, EINVAL,
					  "id ranges: settings line \"%s\": expected \"base N\" or "
					  "\"count N\"",
					  l);
	}
	if (base_opt)
		a->base = base_opt;
	uint64_t end = (uint64_t)a->base + (uint64_t)a->count * VPS_IDRANGE_SIZE;
	if (a->base < VPS_IDRANGE_SIZE || !a->count || end > UINT32_MAX)
		return vps_errorx(err, EINVAL,
				  "id ranges: base %u, %u range%s of %u ids: the area must start "
				  "at %u or above and end below 4294967295",
				  a->base, a->count, a->count == 1 ? "" : "s", VPS_IDRANGE_SIZE,
				  VPS_IDRANGE_SIZE);
	return 0;
}

/* One of /etc/subuid, /etc/subgid: a line whose range meets the area. */
static int check_subid(const char *file, const struct vps_idarea *a, vps_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? 0 : vps_error(err, errno, "id ranges: read %s", file);
	char line[512];
	uint64_t lo = a->base, hi = lo + (uint64_t)a->count * VPS_IDRANGE_SIZE;
	for (int n = 1; n <= 100000 && fgets(line, sizeof(line), f); n++) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		uint64_t start, count;
		if (line[0] == '#' || !c2)
			continue;
		*c1 = *c2 = '\0';
		if (!parse_u64(c1 + 1, UINT32_MAX, &start) ||
		    !parse_u64(c2 + 1, UINT32_MAX, &count))
			continue;
		if (start < hi && lo < start + count)
			return vps_errorx(err, EEXIST,
					  "id ranges: the vps area %llu-%llu overlaps %s line %d "
					  "(%s: %llu-%llu); set another base (--idmap-base, or "
					  "\"base N\" in the inventory's idranges/settings)",
					  (unsigned long long)lo, (unsigned long long)hi - 1, file,
					  n, line, (unsigned long long)start,
					  (unsigned long long)(start + count - 1));
	}
	return 0;
}

int vps_idrange_check_subids(const struct vps_idarea *a, vps_err *err)
{
	int r = check_subid("/etc/subuid", a, err);
	return r < 0 ? r : check_subid("/etc/subgid", a, err);
}

/* Does maps (a uidMappings/gidMappings array) map container id 0 onto base? */
static bool maps_root_to(json_object *maps, uint32_t base)
{
	size_t n = json_object_is_type(maps, json_type_array) ? json_object_array_length(maps) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(maps, i), *c, *h;
		if (json_object_object_get_ex(m, "containerID", &c) &&
		    json_object_object_get_ex(m, "hostID", &h) && json_object_get_int64(c) == 0 &&
		    json_object_get_int64(h) == (int64_t)base)
			return true;
	}
	return false;
}

bool vps_idrange_bundle_holds(const char *bundle, uint32_t base)
{
	char path[4096];
	if (vps_snprintf(path, sizeof(path), "%s/config.json", bundle) < 0)
		return true; /* cannot tell: keep it */
	_cleanup_free_ char *text = NULL;
	vps_err e;
	if (vps_read_file_at(AT_FDCWD, path, 16 << 20, &text, NULL, &e) < 0)
		return e.code != ENOENT && e.code != ENOTDIR; /* gone: free */
	json_object *cfg = json_tokener_parse(text), *lx, *maps;
	bool holds = !cfg; /* unreadable JSON: keep the range, do not guess */
	if (cfg && json_object_object_get_ex(cfg, "linux", &lx) &&
	    json_object_object_get_ex(lx, "uidMappings", &maps))
		holds = maps_root_to(maps, base);
	json_object_put(cfg);
	return holds;
}
