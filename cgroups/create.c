/* Create, open, enter and free a container's cgroup in every hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/log.h"

void vps_cgroup_free(struct vps_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_hier *h = &cg->h[i];
		if (h->dirfd >= 0)
			close(h->dirfd);
		free(h->mount);
		free(h->ctrls);
		free(h->rel);
		free(h->dir);
	}
	free(cg->saved);
	free(cg);
}

static int new_cg(struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = calloc(1, sizeof(*cg));
	if (!cg)
		return vps_error(err, ENOMEM, "cgroup");
	for (size_t i = 0; i < CG_MAX_HIER; i++)
		cg->h[i].dirfd = -1;
	*out = cg;
	return 0;
}

static int refuse_systemd(bool systemd, vps_err *err)
{
	if (!systemd)
		return 0;
	return vps_errorx(err, EOPNOTSUPP,
			  "--systemd-cgroup: the systemd cgroup driver is not supported (vps "
			  "manages cgroupfs itself); run without --systemd-cgroup (podman: "
			  "--cgroup-manager cgroupfs)");
}

int vps_cgroup_lookup(const char *cgroups_path, const char *id, bool systemd,
		      struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = NULL;
	int r = refuse_systemd(systemd, err);
	if (r < 0 || (r = new_cg(&cg, err)) < 0)
		return r;
	if ((r = cg_discover(cg, err)) < 0 ||
	    (r = cg_resolve_paths(cg, cgroups_path, id, err)) < 0 ||
	    (r = cg_encode_saved(cg, err)) < 0) {
		vps_cgroup_free(cg);
		return r;
	}
	*out = cg;
	return 0;
}

int vps_cgroup_open(const char *saved, struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = NULL;
	int r = new_cg(&cg, err);
	if (r < 0)
		return r;
	if (!saved || !*saved)
		r = vps_errorx(err, EINVAL, "no cgroup path recorded");
	else if ((r = cg_discover(cg, err)) >= 0)
		r = cg_decode_saved(cg, saved, err);
	if (r < 0) {
		vps_cgroup_free(cg);
		return r;
	}
	*out = cg;
	return 0;
}

const char *vps_cgroup_path(const struct vps_cgroup *cg)
{
	return cg->saved;
}

/* New v1 cpuset cgroups start with empty cpus/mems (unless clone_children):
 * copy the parent's so tasks can be attached. */
static int cpuset_inherit(const char *parent, const char *child, vps_err *err)
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

/* mkdir every component of h->rel under h->mount; *made: the leaf is new. */
static int make_dirs(struct cg_hier *h, bool *made, vps_err *err)
{
	char path[CG_MAX_PATH]; /* the kernel's PATH_MAX: mkdir refuses longer ones */
	size_t len = (size_t)snprintf(path, sizeof(path), "%s", h->mount);
	*made = false;
	for (const char *p = h->rel; *p;) {
		p += strspn(p, "/");
		size_t l = strcspn(p, "/");
		if (l == 0)
			break;
		if (len + l + 2 > sizeof(path))
			return vps_errorx(err, ENAMETOOLONG, "cgroup %s: path too long", h->dir);
		char parent[CG_MAX_PATH];
		memcpy(parent, path, len + 1);
		if (h->v2)
			enable_controllers(parent);
		path[len++] = '/';
		memcpy(path + len, p, l);
		len += l;
		path[len] = '\0';
		p += l;
		if (mkdir(path, 0755) < 0) {
			if (errno != EEXIST)
				return vps_error(err, errno, "mkdir cgroup %s", path);
			*made = false;
			continue;
		}
		*made = true;
		if (!h->v2 && cg_list_has(h->ctrls, "cpuset")) {
			int r = cpuset_inherit(parent, path, err);
			if (r < 0)
				return r;
		}
	}
	return cg_open_dir(h, err);
}

int vps_cgroup_make(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	bool made[CG_MAX_HIER] = {0};
	int r = 0;
	for (size_t i = 0; i < cg->n && r >= 0; i++)
		r = make_dirs(&cg->h[i], &made[i], err);
	if (r >= 0 && res)
		r = vps_cgroup_apply(cg, res, err);
	if (r < 0) {
		for (size_t i = 0; i < cg->n; i++) {
			if (cg->h[i].dirfd >= 0) {
				close(cg->h[i].dirfd);
				cg->h[i].dirfd = -1;
			}
			if (made[i] && rmdir(cg->h[i].dir) < 0 && errno != ENOENT)
				log_warn("cgroup: cannot remove %s: %s", cg->h[i].dir,
					 strerror(errno));
		}
		return r;
	}
	return 0;
}

int vps_cgroup_create(const char *cgroups_path, const char *id, bool systemd,
		      const struct oci_resources *res, struct vps_cgroup **out, vps_err *err)
{
	struct vps_cgroup *cg = NULL;
	int r = vps_cgroup_lookup(cgroups_path, id, systemd, &cg, err);
	if (r < 0)
		return r;
	if ((r = vps_cgroup_make(cg, res, err)) < 0) {
		vps_cgroup_free(cg);
		return vps_error_wrap(err, "cgroup %s", cgroups_path ? cgroups_path : id);
	}
	*out = cg;
	return 0;
}

int vps_cgroup_v2_fd(struct vps_cgroup *cg)
{
	struct cg_hier *h = cg_hier_v2(cg);
	vps_err e;
	return !h || cg_open_dir(h, &e) < 0 ? -1 : h->dirfd;
}

bool vps_cgroup_has_v1(const struct vps_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2)
			return true;
	return false;
}

int vps_cgroup_enter_self(struct vps_cgroup *cg, vps_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg->h[i].v2 ? 0 : cg_write(&cg->h[i], "tasks", "0", err);
		if (r < 0)
			return r;
	}
	return 0;
}

int vps_cgroup_enter(struct vps_cgroup *cg, pid_t pid, vps_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg_writef(&cg->h[i], "cgroup.procs", err, "%d", (int)pid);
		if (r < 0)
			return r;
	}
	return 0;
}
