/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Make a container's cgroup directories (and the parents it lacks) in every
 * hierarchy, claim them, apply the limits; on failure remove what was made. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

#define MAKE_TRIES 3

int cg_cpuset_inherit(const char *parent, const char *child, vps_err *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	struct cg_hier p = {.dir = (char *)parent, .dirfd = -1};
	struct cg_hier c = {.dir = (char *)child, .dirfd = -1};
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(files) && r >= 0; i++) {
		_cleanup_free_ char *cur = NULL, *val = NULL;
		r = cg_read(&c, files[i], &cur, err);
		if (r >= 0 && strspn(cur, " \n") == strlen(cur))
			r = cg_read(&p, files[i], &val, err);
		if (r >= 0 && val)
			r = cg_write(&c, files[i], val, err);
	}
	if (p.dirfd >= 0)
		close(p.dirfd);
	if (c.dirfd >= 0)
		close(c.dirfd);
	return r;
}

/* Enable every controller the cgroup2 offers in parent's subtree_control.
 * Failures are not fatal here (a parent holding processes refuses): applying
 * a limit later fails and names the missing file. */
static void enable_controllers(const char *parent)
{
	struct cg_hier p = {.dir = (char *)parent, .dirfd = -1};
	vps_err e;
	_cleanup_free_ char *avail = NULL, *on = NULL;
	if (cg_read(&p, "cgroup.controllers", &avail, &e) >= 0 &&
	    cg_read(&p, "cgroup.subtree_control", &on, &e) >= 0) {
		char *save = NULL;
		for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
			if (!cg_list_has(on, c) &&
			    cg_writef(&p, "cgroup.subtree_control", &e, "+%s", c) < 0)
				log_debug("cgroup: %s", e.msg);
	}
	if (p.dirfd >= 0)
		close(p.dirfd);
}

/* mkdir every component of h->rel under h->mount, once; -ENOENT when a
 * parent vanished meanwhile (a failed create next door removed it). */
static int make_once(struct cg_hier *h, bool *made, vps_err *err)
{
	char path[CG_MAX_PATH], parent[CG_MAX_PATH]; /* the kernel's PATH_MAX */
	int n = vps_snprintf(path, sizeof(path), "%s", h->mount);
	if (n < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroup %s: path too long", h->mount);
	size_t len = (size_t)n;
	bool cpuset = !h->v2 && cg_list_has(h->ctrls, "cpuset");
	for (const char *p = h->rel; *p;) {
		p += strspn(p, "/");
		size_t l = strcspn(p, "/");
		if (l == 0)
			break;
		if (len + l + 2 > sizeof(path))
			return vps_errorx(err, ENAMETOOLONG, "cgroup %s: path too long", h->dir);
		memcpy(parent, path, len + 1);
		if (h->v2)
			enable_controllers(parent);
		path[len++] = '/';
		memcpy(path + len, p, l);
		len += l;
		path[len] = '\0';
		p += l;
		*made = mkdir(path, 0755) == 0;
		if (!*made && errno == ENOENT)
			return -ENOENT;
		if (!*made && errno != EEXIST)
			return vps_error(err, errno, "mkdir cgroup %s", path);
		if (*made && !h->made_at)
			h->made_at = strlen(parent);
		/* 0755 whatever the umask (a monitor's is 077): a mapped VPS's
		 * root must search every directory above its cgroup, where
		 * older kernels (6.1) check it when it mounts its cgroup2 */
		if (*made && chmod(path, 0755) < 0)
			return vps_error(err, errno, "chmod cgroup %s", path);
		int r = cpuset ? cg_cpuset_inherit(parent, path, err) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

/* *made: the leaf is new. h->made_at: where the first directory this create
 * made starts (0: none), so a failure removes the parents it made too. */
static int make_dirs(struct cg_hier *h, bool *made, vps_err *err)
{
	int r = -ENOENT;
	*made = false;
	h->made_at = 0;
	for (int t = 0; t < MAKE_TRIES && r == -ENOENT; t++)
		r = make_once(h, made, err);
	if (r == -ENOENT)
		return vps_error(err, ENOENT, "mkdir cgroup %s", h->dir);
	return r < 0 ? r : cg_open_dir(h, err);
}

void cg_rmdir_made(struct cg_hier *h)
{
	char path[CG_MAX_PATH * 2];
	int n = vps_snprintf(path, sizeof(path), "%s", h->dir);
	if (!h->made_at || n < 0)
		return;
	size_t len = (size_t)n;
	for (int d = 0; d < CG_MAX_DEPTH && len > h->made_at; d++) {
		if (rmdir(path) < 0 && errno != ENOENT)
			return; /* in use (another container under it): keep */
		while (len > 0 && path[len - 1] != '/')
			len--;
		path[--len] = '\0';
	}
	h->made_at = 0;
}

/* A container's cgroup is its own: one that already holds processes belongs
 * to another container (two containers must never share a cgroup: limits,
 * kill and delete act on everything in it), and a frozen one would stop the
 * init before it reports back (runc refuses both). */
static int claim(struct vps_cgroup *cg, const bool *made, vps_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		int r = made[i] ? 0 : cg_tree_pids(&cg->h[i], &pids, &n, err);
		if (r < 0)
			return r;
		if (n)
			return vps_errorx(err, EBUSY,
					  "container's cgroup is not empty: cgroup %s already "
					  "holds %zu process(es) (pid %d): "
					  "another container's; give each container a cgroup "
					  "of its own (linux.cgroupsPath)",
					  cg->h[i].dir, n, (int)pids[0]);
	}
	if (!cg_frozen_effective(cg))
		return 0;
	return vps_errorx(err, EBUSY,
			  "container's cgroup unexpectedly frozen: cgroup %s is frozen (it "
			  "or a parent): the container would hang in it; thaw it first",
			  vps_cgroup_path(cg));
}

int vps_cgroup_make(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	bool made[CG_MAX_HIER] = {0};
	int r = 0;
	for (size_t i = 0; i < cg->n && r >= 0; i++)
		r = make_dirs(&cg->h[i], &made[i], err);
	/* systemd: the unit is the container's (StartTransientUnit "fail") and
	 * holds its init already */
	if (r >= 0 && !cg->systemd)
		r = claim(cg, made, err);
	if (r >= 0 && res)
		r = vps_cgroup_apply(cg, res, err);
	if (r < 0) {
		for (size_t i = 0; i < cg->n; i++) {
			if (cg->h[i].dirfd >= 0) {
				close(cg->h[i].dirfd);
				cg->h[i].dirfd = -1;
			}
			if (made[i])
				cg_rmdir_made(&cg->h[i]);
		}
		return r;
	}
	return 0;
}
