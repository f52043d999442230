/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json .linux: cgroupsPath, sysctl, rootfsPropagation, maskedPaths,
 * readonlyPaths, mountLabel, personality; intelRdt is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"

/* No ".." component: a cgroup path must stay below the cgroup root. */
static bool has_dotdot(const char *s)
{
	for (const char *c = s; (c = strstr(c, "..")); c += 2)
		if ((c == s || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return true;
	return false;
}

static int parse_cgroups_path(struct jp *p, json_object *o, struct oci_linux *lx)
{
	int r = jp_str(p, o, "cgroupsPath", &lx->cgroups_path);
	if (r <= 0)
		return r;
	if (has_dotdot(lx->cgroups_path))
		return jp_fail_at(p, "cgroupsPath", JP_NO_IDX, "must not contain \"..\": \"%s\"",
				  lx->cgroups_path);
	return 0;
}

static int parse_sysctl(struct jp *p, json_object *o, struct oci_linux *lx)
{
	int r = jp_kv(p, o, "sysctl", &lx->sysctl, &lx->n_sysctl);
	for (size_t i = 0; r > 0 && i < lx->n_sysctl; i++) {
		const char *k = lx->sysctl[i].key;
		bool ok = k[0] && k[0] != '.' && k[0] != '/' && !has_dotdot(k);
		for (const char *c = k; ok && *c; c++)
			ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     (*c >= '0' && *c <= '9') || strchr("._-/", *c);
		if (!ok) {
			return jp_fail_at(p, "sysctl", JP_NO_IDX, "invalid sysctl name \"%s\"", k);
		}
	}
	return r;
}

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
    {"shared", MS_SHARED},
    {"slave", MS_SLAVE},
    {"private", MS_PRIVATE},
    {"unbindable", MS_UNBINDABLE},
    {"rshared", MS_SHARED | MS_REC},
    {"rslave", MS_SLAVE | MS_REC},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"runbindable", MS_UNBINDABLE | MS_REC},
};

static int parse_propagation(struct jp *p, json_object *o, struct oci_linux *lx)
{
	_cleanup_free_ char *s = NULL;
	int r = jp_str(p, o, "rootfsPropagation", &s);
	if (r <= 0 || !s[0])
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
		if (strcmp(s, propagations[i].name) == 0) {
			lx->rootfs_propagation = propagations[i].flags;
			return 1;
		}
	return jp_fail_at(p, "rootfsPropagation", JP_NO_IDX, "unknown propagation \"%s\"", s);
}

static int parse_personality(struct jp *p, json_object *o, void *elem, void *ctx)
{
	static const char *const domains[] = {"LINUX", "LINUX32"};
	struct oci_personality *pe = elem;
	int d = 0;
	(void)ctx;
	if (jp_require(p, o, "domain") < 0 ||
	    jp_enum(p, o, "domain", domains, ARRAY_SIZE(domains), "personality domain", &d) < 0 ||
	    jp_strv(p, o, "flags", false, &pe->flags, &pe->n_flags) < 0)
		return -EINVAL;
	pe->domain = d == 0 ? PER_LINUX : PER_LINUX32;
	pe->set = true;
	if (pe->n_flags) {
		return jp_fail_at(p, "flags", 0,
				  "unsupported personality flag \"%s\" (none are defined)",
				  pe->flags[0]);
	}
	return 0;
}

int oci_parse_linux_misc(struct jp *p, json_object *o, struct oci_linux *lx)
{
	if (parse_cgroups_path(p, o, lx) < 0 || parse_sysctl(p, o, lx) < 0 ||
	    parse_propagation(p, o, lx) < 0 ||
	    jp_strv(p, o, "maskedPaths", true, &lx->masked_paths, &lx->n_masked_paths) < 0 ||
	    jp_strv(p, o, "readonlyPaths", true, &lx->readonly_paths, &lx->n_readonly_paths) < 0 ||
	    jp_str(p, o, "mountLabel", &lx->mount_label) < 0 ||
	    jp_sub(p, o, "personality", parse_personality, &lx->personality, NULL) < 0)
		return -EINVAL;
	if (jp_get(o, "intelRdt"))
		return jp_fail_at(p, "intelRdt", JP_NO_IDX, "%s",
				  "Intel RDT (resctrl) is not supported by vps; remove it");
	return 0;
}
