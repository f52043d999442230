/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec --cgroup: point an opened container cgroup at one of its sub-cgroups
 * (runc 1.1+): "PATH" in every hierarchy, "CTRL[,CTRL]:PATH" in the v1
 * hierarchies holding those controllers. PATH is relative to the container's
 * cgroup and may not climb out of it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

/* PATH cleaned ("a/./b" -> "/a/b"); -EINVAL if a ".." climbs above its start. */
static int sub_clean(const char *path, char *out, size_t outsz)
{
	int depth = 0;
	for (const char *p = path; *p;) {
		size_t l = strcspn(p, "/");
		if (l == 2 && p[0] == '.' && p[1] == '.')
			depth--;
		else if (l && !(l == 1 && p[0] == '.'))
			depth++;
		if (depth < 0)
			return -EINVAL;
		p += l;
		p += strspn(p, "/");
	}
	return cg_clean_path(path, out, outsz) < 0 ? -ENAMETOOLONG : 0;
}

static bool wants(const struct cg_hier *h, const char *ctrls)
{
	if (!ctrls)
		return true;
	char buf[256];
	if (vps_snprintf(buf, sizeof(buf), "%s", ctrls) < 0)
		return false;
	char *save = NULL;
	for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save))
		if (!h->v2 && cg_list_has(h->ctrls, c))
			return true;
	return false;
}

/* v1 cpuset: sub-cgroups someone made (empty cpus/mems) take the parent's
 * values on the way down from the container's cgroup, as create's make does. */
static int cpuset_down(const char *top, const char *sub, vps_err *err)
{
	char parent[CG_MAX_PATH], path[CG_MAX_PATH]; /* the kernel's PATH_MAX */
	int r = vps_snprintf(path, sizeof(path), "%s", top);
	if (r < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroup %s: path too long", top);
	size_t len = (size_t)r;
	r = 0;
	for (const char *p = sub; *p && r >= 0;) {
		p += strspn(p, "/");
		size_t l = strcspn(p, "/");
		if (l == 0)
			break;
		if (len + l + 2 > sizeof(path))
			return vps_errorx(err, ENAMETOOLONG, "cgroup %s%s: path too long", top,
					  sub);
		memcpy(parent, path, len + 1);
		path[len++] = '/';
		memcpy(path + len, p, l);
		len += l;
		path[len] = '\0';
		p += l;
		r = cg_cpuset_inherit(parent, path, err);
	}
	return r;
}

static int point_at(struct cg_hier *h, const char *sub, const char *arg, vps_err *err)
{
	_cleanup_free_ char *rel = NULL, *dir = NULL;
	struct stat st;
	if (asprintf(&rel, "%s%s", strcmp(h->rel, "/") ? h->rel : "", sub) < 0 ||
	    asprintf(&dir, "%s%s", h->mount, rel) < 0)
		return vps_error(err, ENOMEM, "--cgroup %s", arg);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return vps_errorx(err, ENOENT, "--cgroup %s: sub-cgroup %s does not exist", arg,
				  dir);
	int r = !h->v2 && cg_list_has(h->ctrls, "cpuset") ? cpuset_down(h->dir, sub, err) : 0;
	if (r < 0)
		return r;
	if (h->dirfd >= 0)
		close(h->dirfd);
	h->dirfd = -1;
	free(h->rel);
	free(h->dir);
	h->rel = take_ptr(rel);
	h->dir = take_ptr(dir);
	return 0;
}

int vps_cgroup_sub(struct vps_cgroup *cg, const char *arg, vps_err *err)
{
	char ctrls[256] = "", sub[CG_MAX_PATH];
	const char *path = arg, *colon = strchr(arg, ':');
	if (colon) {
		if (vps_snprintf(ctrls, sizeof(ctrls), "%.*s", (int)(colon - arg), arg) < 0)
			return vps_errorx(err, ENAMETOOLONG, "--cgroup %s: controllers too long",
					  arg);
		path = colon + 1;
	}
	if (colon && (!*ctrls || cg->layout == VPS_CG_V2))
		return vps_errorx(err, EINVAL,
				  "--cgroup %s: CONTROLLER:PATH needs cgroup v1 controllers "
				  "(on cgroup v2 give PATH alone)",
				  arg);
	int r = sub_clean(path, sub, sizeof(sub));
	if (r == -EINVAL)
		return vps_errorx(err, EINVAL,
				  "--cgroup %s: \"..\" leaves the container's cgroup %s", arg,
				  vps_cgroup_path(cg));
	if (r < 0 || !strcmp(sub, "/"))
		return vps_errorx(err, EINVAL, "--cgroup %s: expected a sub-cgroup path", arg);
	bool any = false;
	for (size_t i = 0; i < cg->n; i++) {
		if (!wants(&cg->h[i], colon ? ctrls : NULL))
			continue;
		if ((r = point_at(&cg->h[i], sub, arg, err)) < 0)
			return r;
		any = true;
	}
	return any ? 0
		   : vps_errorx(err, ENOENT, "--cgroup %s: no v1 hierarchy holds %s", arg, ctrls);
}

/* A cgroup2 directory with controllers in its subtree_control may hold no
 * process (the kernel's "no internal processes" rule): an init like systemd
 * that manages its own subtree enables them and moves itself to a leaf
 * (init.scope). exec then goes where the init is, as runc does. */
int vps_cgroup_exec_leaf(struct vps_cgroup *cg, pid_t init_pid, vps_err *err)
{
	struct cg_hier *h = cg_hier_v2(cg);
	_cleanup_free_ char *ctl = NULL, *procs = NULL;
	vps_err e = {0};
	if (!h || cg_read(h, "cgroup.subtree_control", &ctl, &e) < 0 || !ctl[strspn(ctl, " \n")])
		return 0;
	char path[64];
	if (vps_snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)init_pid) < 0 ||
	    vps_read_file_at(AT_FDCWD, path, 1 << 16, &procs, NULL, &e) < 0)
		return 0;   /* the init is gone: exec will say so */
	char *line = procs; /* the "0::PATH" line */
	if (strncmp(line, "0::", 3) && (line = strstr(procs, "\n0::")))
		line++;
	if (!line)
		return 0;
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	size_t n = strcmp(h->rel, "/") ? strlen(h->rel) : 0;
	if (strncmp(line, h->rel, n) || line[n] != '/' || !line[n + 1])
		return 0; /* not below the container's cgroup */
	return point_at(h, line + n, line, err);
}
