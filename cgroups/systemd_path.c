/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd cgroup driver's naming (--systemd-cgroup), as runc decides it:
 * cgroupsPath is "slice:prefix:name" (empty: prefix "vps", name the id, the
 * default slice); the unit is "prefix-name.scope" ("name.scope" without a
 * prefix), or name itself when it is a ".slice"; the cgroup is the slice's
 * path ("a-b.slice" lives at /a.slice/a-b.slice) joined with the unit, as runc
 * joins them. Pure string work: no D-Bus here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/fmt.h"

#define SLICE ".slice"

/* A part systemd could take into a unit name: no '/', no space or control
 * characters (':' cannot occur: it separates the parts). */
static bool unit_chars_ok(const char *s)
{
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

int cg_systemd_expand_slice(const char *slice, char *out, size_t outsz, vps_err *err)
{
	size_t n = strlen(slice), sl = strlen(SLICE), o = 0;
	if (n < sl || strcmp(slice + n - sl, SLICE) != 0 || strchr(slice, '/'))
		return vps_errorx(err, EINVAL, "invalid slice name \"%s\" (want NAME.slice)",
				  slice);
	n -= sl;
	if (n == 1 && slice[0] == '-') {       /* "-.slice" is the root slice */
		vps_snprintf(out, outsz, "/"); /* fits: "/" */
		return 0;
	}
	/* "a-b-c" -> /a.slice/a-b.slice/a-b-c.slice; no empty component */
	for (size_t i = 0; i <= n; i++) {
		if (i < n && slice[i] != '-')
			continue;
		if (i == 0 || slice[i - 1] == '-' || (i == n && n && slice[n - 1] == '-'))
			return vps_errorx(err, EINVAL,
					  "invalid slice name \"%s\" (empty part between '-')",
					  slice);
		int w = vps_snprintf(out + o, outsz - o, "/%.*s" SLICE, (int)i, slice);
		if (w < 0)
			return vps_errorx(err, ENAMETOOLONG, "slice name \"%s\": too long", slice);
		o += (size_t)w;
	}
	return 0;
}

int cg_systemd_path(const char *cgroups_path, const char *id, const char *default_slice,
		    struct cg_systemd_unit *u, vps_err *err)
{
	const char *slice = default_slice, *prefix = "vps", *name = id;
	const char *shown = cgroups_path ? cgroups_path : "";
	char buf[CG_MAX_PATH];
	memset(u, 0, sizeof(*u));
	if (cgroups_path && *cgroups_path) {
		const char *c1 = strchr(cgroups_path, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strchr(c2 + 1, ':') || vps_snprintf(buf, sizeof(buf), "%s", shown) < 0)
			return vps_errorx(err, EINVAL,
					  "cgroupsPath \"%s\": expected \"slice:prefix:name\" "
					  "for systemd cgroups",
					  shown);
		buf[c1 - cgroups_path] = buf[c2 - cgroups_path] = '\0';
		slice = *buf ? buf : default_slice;
		prefix = buf + (c1 - cgroups_path) + 1;
		name = buf + (c2 - cgroups_path) + 1;
	}
	if (!*name || !unit_chars_ok(name) || !unit_chars_ok(prefix))
		return vps_errorx(err, EINVAL, "cgroupsPath \"%s\": invalid unit name \"%s\"",
				  shown, name);
	size_t nl = strlen(name), sl = strlen(SLICE);
	int r = nl > sl && strcmp(name + nl - sl, SLICE) == 0
		    ? vps_snprintf(u->unit, sizeof(u->unit), "%s", name)
		: *prefix ? vps_snprintf(u->unit, sizeof(u->unit), "%s-%s.scope", prefix, name)
			  : vps_snprintf(u->unit, sizeof(u->unit), "%s.scope", name);
	if (r < 0 || vps_snprintf(u->slice, sizeof(u->slice), "%s", slice) < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroupsPath \"%s\": unit name too long",
				  shown);
	char dir[CG_MAX_PATH];
	if ((r = cg_systemd_expand_slice(slice, dir, sizeof(dir), err)) < 0)
		return vps_error_wrap(err, "cgroupsPath \"%s\"", shown);
	if (vps_snprintf(u->path, sizeof(u->path), "%s/%s", strcmp(dir, "/") ? dir : "", u->unit) <
	    0)
		return vps_errorx(err, ENAMETOOLONG, "cgroupsPath \"%s\": too long", shown);
	return 0;
}
