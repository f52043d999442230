/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounts of type cgroup/cgroup2: the container must see its own cgroups.
 * - cgroup2 (or "cgroup" on a pure v2 host): with a new cgroup namespace mount
 *   cgroup2 (the namespace root is the container's cgroup); else bind the
 *   host's cgroup2 mount + the container's path.
 * - cgroup v1 (hybrid hosts): a tmpfs at the destination and, per hierarchy in
 *   /proc/self/cgroup, either a fresh cgroup mount (new cgroupns) or a bind of
 *   the host hierarchy's container directory at DEST/<controllers>, plus
 *   symlinks for co-mounted controllers (cpu -> cpu,cpuacct), as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define MAX_HIER 32

struct hier {
	char ctrls[128];     /* "cpu,cpuacct", "name=systemd", "" for v2 */
	char path[PATH_MAX]; /* container's cgroup path (relative to our cgroupns root) */
	char mnt[PATH_MAX];  /* host mount point of the hierarchy ("" if none) */
};

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
void vps_unescape_mountinfo(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] && r[3]) {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Does the comma list LIST contain every controller of CTRLS? */
static bool has_all(const char *list, const char *ctrls)
{
	char want[128];
	if (vps_snprintf(want, sizeof(want), "%s", ctrls) < 0)
		return false;
	char *save = NULL;
	for (char *c = strtok_r(want, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(c);
		const char *p = list;
		bool found = false;
		while (p && *p) {
			if (!strncmp(p, c, n) && (p[n] == ',' || p[n] == '\0')) {
				found = true;
				break;
			}
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		if (!found)
			return false;
	}
	return true;
}

/* The first mount of h's hierarchy whose root is the hierarchy's root; else
 * the first at all (a file of it bound elsewhere, such as a VPS's
 * /proc/pressure/cpu, is no place to find the container's cgroup). */
static void find_mount(const char *mountinfo, struct hier *h)
{
	bool found = false;
	for (const char *l = mountinfo; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *cur = l;
		l = nl ? nl + 1 : NULL;
		/* most lines are not cgroup mounts: skip them before any copy or scanf
		 * (this runs for every hierarchy over the whole table) */
		const char *t = memmem(cur, len, " - cgroup", 9);
		if (!t || (t[9] != ' ' && t[9] != '2'))
			continue;
		char line[4096], root[PATH_MAX], mp[PATH_MAX], fstype[64], super[1024];
		const char *dash = vps_snprintf(line, sizeof(line), "%.*s", (int)len, cur) < 0
				       ? NULL
				       : strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mp) != 2 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		bool v2 = !strcmp(fstype, "cgroup2");
		if ((!h->ctrls[0] && v2) ||
		    (h->ctrls[0] && !strcmp(fstype, "cgroup") && has_all(super, h->ctrls))) {
			vps_unescape_mountinfo(mp);
			if (found && strcmp(root, "/"))
				continue;
			if (vps_snprintf(h->mnt, sizeof(h->mnt), "%s", mp) >= 0)
				found = true;
			if (found && strcmp(root, "/") == 0)
				return;
		}
	}
}

static int read_hiers(struct hier *hs, size_t *n, vps_err *err)
{
	_cleanup_free_ char *cg = NULL, *mi = NULL;
	size_t len;
	int r = vps_read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &cg, &len, err);
	if (r == 0)
		r = vps_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &mi, &len, err);
	if (r < 0)
		return r;
	*n = 0;
	char *save = NULL;
	for (char *l = strtok_r(cg, "\n", &save); l && *n < MAX_HIER;
	     l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		struct hier *h = &hs[*n];
		if (vps_snprintf(h->ctrls, sizeof(h->ctrls), "%.*s", (int)(c2 - c1 - 1), c1 + 1) <
			0 ||
		    vps_snprintf(h->path, sizeof(h->path), "%s", c2 + 1) < 0)
			return vps_errorx(err, ENAMETOOLONG, "/proc/self/cgroup: %s: too long", l);
		(*n)++;
		h->mnt[0] = '\0';
		find_mount(mi, h);
	}
	return 0;
}

/* Bind MNT/PATH (host) or mount a fresh hierarchy (cgroupns) at DEST. */
static int mount_hier(const struct vps_mount_ctx *c, const struct hier *h, const char *dest,
		      const struct vps_mntopts *o, vps_err *err)
{
	char what[PATH_MAX + 64];
	if (vps_snprintf(what, sizeof(what), "cgroup mount %s", dest) < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroup mount %.64s...: path too long", dest);
	_cleanup_close_ int target = vps_mkdir_in_root(c->rootfs_fd, dest, 0755, err);
	if (target < 0)
		return target;
	if (c->new_cgroupns) {
		char data[160];
		const char *type = h->ctrls[0] ? "cgroup" : "cgroup2";
		int n = strncmp(h->ctrls, "name=", 5)
			    ? vps_snprintf(data, sizeof(data), "%s", h->ctrls)
			    : vps_snprintf(data, sizeof(data), "none,%s", h->ctrls);
		if (n < 0)
			return vps_error(err, -n, "%s: controllers %s", what, h->ctrls);
		return vps_mount_fs_at("cgroup", target, type, o->flags, h->ctrls[0] ? data : NULL,
				       what, err);
	}
	char src[2 * PATH_MAX + 2];
	int n = vps_snprintf(src, sizeof(src), "%s%s", h->mnt, h->path);
	if (n < 0)
		return vps_error(err, -n, "%s: host path %s%s", what, h->mnt, h->path);
	_cleanup_close_ int tree =
	    open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return vps_error(err, errno, "%s: clone %s", what, src);
	return vps_attach_tree(tree, target, o, what, err);
}

static int v1_links(const struct vps_mount_ctx *c, const char *dest, const char *ctrls,
		    vps_err *err)
{
	if (!strchr(ctrls, ',') || strchr(ctrls, '='))
		return 0;
	_cleanup_close_ int dir = vps_path_in_root(c->rootfs_fd, dest, err);
	if (dir < 0)
		return dir;
	char buf[128];
	if (vps_snprintf(buf, sizeof(buf), "%s", ctrls) < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroup mount: controllers %s: too long",
				  ctrls);
	char *save = NULL;
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (symlinkat(ctrls, dir, p) < 0 && errno != EEXIST)
			return vps_error(err, errno, "cgroup mount: symlink %s/%s", dest, p);
	return 0;
}

static int mount_v2(const struct vps_mount_ctx *c, const struct oci_mount *m,
		    const struct vps_mntopts *o, const struct hier *hs, size_t n, vps_err *err)
{
	const struct hier *h = NULL;
	for (size_t i = 0; i < n; i++)
		if (!hs[i].ctrls[0])
			h = &hs[i];
	if (!h || (!h->mnt[0] && !c->new_cgroupns))
		return vps_errorx(err, ENOENT, "mount cgroup2 on %s: the host has no cgroup2",
				  m->destination);
	return mount_hier(c, h, m->destination, o, err);
}

/* v1: tmpfs, one directory per hierarchy, read-only at the end if asked. */
static int mount_v1(const struct vps_mount_ctx *c, const struct oci_mount *m,
		    const struct vps_mntopts *o, const struct hier *hs, size_t n, vps_err *err)
{
	_cleanup_close_ int tmp = vps_mkdir_in_root(c->rootfs_fd, m->destination, 0755, err);
	if (tmp < 0)
		return tmp;
	int r = vps_mount_fs_at("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755",
				"cgroup mount", err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct hier *h = &hs[i];
		if (!h->mnt[0] && !c->new_cgroupns)
			continue; /* a hierarchy the host does not mount */
		const char *name = h->ctrls[0] ? h->ctrls : "unified";
		if (!strncmp(name, "name=", 5))
			name += 5;
		char dest[PATH_MAX];
		if ((r = vps_snprintf(dest, sizeof(dest), "%s/%s", m->destination, name)) < 0)
			return vps_error(err, -r, "cgroup mount %s/%s", m->destination, name);
		r = mount_hier(c, h, dest, o, err);
		if (r == 0)
			r = v1_links(c, m->destination, name, err);
	}
	if (r < 0 || !(o->flags & MS_RDONLY))
		return r;
	_cleanup_close_ int root = vps_path_in_root(c->rootfs_fd, m->destination, err);
	if (root < 0)
		return root;
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
	if (mount_setattr(root, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return vps_error(err, errno, "cgroup mount %s: make read-only", m->destination);
	return 0;
}

int vps_mount_cgroup(const struct vps_mount_ctx *c, const struct oci_mount *m,
		     const struct vps_mntopts *o, vps_err *err)
{
	_cleanup_free_ struct hier *hs = calloc(MAX_HIER, sizeof(*hs));
	if (!hs)
		return vps_error(err, ENOMEM, "cgroup mount");
	size_t n = 0;
	int r = read_hiers(hs, &n, err);
	if (r < 0)
		return r;
	bool v1 = false;
	for (size_t i = 0; i < n; i++)
		v1 |= hs[i].ctrls[0] != '\0';
	if (!v1 || !strcmp(m->type, "cgroup2"))
		return mount_v2(c, m, o, hs, n, err);
	return mount_v1(c, m, o, hs, n, err);
}
