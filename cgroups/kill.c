/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's processes: list (ps, kill) and signal them all. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/walk.h"

struct cg_hier *cg_procs_hier(struct vps_cgroup *cg)
{
	if (cg->layout == VPS_CG_V2)
		return cg_hier_v2(cg);
	static const char *const pref[] = {"freezer", "pids", "memory", "cpu", "devices"};
	for (size_t i = 0; i < ARRAY_SIZE(pref); i++) {
		struct cg_hier *h = cg_hier_for(cg, pref[i]);
		if (h && !h->v2)
			return h;
	}
	return cg->n ? &cg->h[0] : NULL;
}

static int add_pid(pid_t **pids, size_t *n, size_t *cap, pid_t p)
{
	for (size_t i = 0; i < *n; i++)
		if ((*pids)[i] == p)
			return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		pid_t *np = realloc(*pids, nc * sizeof(pid_t));
		if (!np)
			return -ENOMEM;
		*pids = np;
		*cap = nc;
	}
	(*pids)[(*n)++] = p;
	return 0;
}

struct pids_walk {
	const char *where; /* the top cgroup, for error messages */
	pid_t *pids;
	size_t n, cap;
	vps_err *err;
	bool err_set; /* the visitor filled err */
};

/* Each cgroup's cgroup.procs, sub-cgroups down to CG_MAX_DEPTH (deeper ones are
 * not read). */
static int add_procs(struct vps_walk_entry *e, void *ctx)
{
	struct pids_walk *w = ctx;
	if (e->when != VPS_WALK_DIR_PRE)
		return 0;
	_cleanup_free_ char *txt = NULL;
	struct cg_hier h = {.dir = (char *)w->where, .dirfd = e->fd};
	int r = cg_read(&h, "cgroup.procs", &txt, w->err);
	if (r == -ENOENT)
		return VPS_WALK_SKIP; /* removed meanwhile */
	w->err_set = r < 0;
	if (r < 0)
		return r;
	for (char *p = txt; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v > 0 && add_pid(&w->pids, &w->n, &w->cap, (pid_t)v) < 0) {
			w->err_set = true;
			return vps_error(w->err, ENOMEM, "cgroup.procs");
		}
		p = end + strspn(end, "\n");
	}
	return e->depth >= CG_MAX_DEPTH ? VPS_WALK_SKIP : 0;
}

int cg_tree_pids(struct cg_hier *h, pid_t **pids, size_t *n, vps_err *err)
{
	static const struct vps_walk_opts o = {.max_depth = CG_MAX_DEPTH};
	struct pids_walk w = {.where = h->dir, .err = err};
	*pids = NULL;
	*n = 0;
	int r = vps_walk_at(AT_FDCWD, h->dir, &o, add_procs, &w);
	if (r < 0) {
		free(w.pids);
		return w.err_set ? r : vps_error(err, -r, "open cgroup %s", h->dir);
	}
	*pids = w.pids;
	*n = w.n;
	return 0;
}

int vps_cgroup_pids(struct vps_cgroup *cg, pid_t **pids, size_t *n, vps_err *err)
{
	struct cg_hier *h = cg_procs_hier(cg);
	*pids = NULL;
	*n = 0;
	int r = h ? cg_tree_pids(h, pids, n, err) : 0;
	/* systemd removes a scope's cgroup once it is empty */
	return r == -ENOENT && cg->systemd ? 0 : r;
}

/* Signal every process once, frozen meanwhile so none can fork away. */
static int signal_round(struct vps_cgroup *cg, int sig, size_t *left, vps_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	bool was_frozen = false;
	vps_err e;
	/* An empty cgroup has nobody to fork away: skip the freeze/thaw round trip
	 * (the common case of `run` and `delete` after the init exited). */
	int r = vps_cgroup_pids(cg, &pids, left, err);
	if (r < 0 || *left == 0)
		return r;
	free(pids);
	pids = NULL;
	bool freezer = vps_cgroup_is_frozen(cg, &was_frozen, &e) >= 0; /* else just signal */
	if (freezer && !was_frozen && (r = vps_cgroup_freeze(cg, true, err)) < 0)
		return r;
	r = vps_cgroup_pids(cg, &pids, left, err);
	for (size_t i = 0; r >= 0 && i < *left; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			r = vps_error(err, errno, "kill %d", (int)pids[i]);
	/* thaw what we froze; SIGKILL thaws a paused container too, or v1's
	 * frozen tasks could never die (runc does the same) */
	if (freezer && (!was_frozen || sig == SIGKILL)) {
		int r2 = vps_cgroup_freeze(cg, false, r < 0 ? &e : err);
		if (r2 == -ENOENT && cg->systemd) /* emptied, and removed by systemd */
			r2 = 0;
		if (r >= 0)
			r = r2;
	}
	return r;
}

int vps_cgroup_kill(struct vps_cgroup *cg, int sig, vps_err *err)
{
	struct cg_hier *v2 = cg_hier_v2(cg);
	if (sig == SIGKILL && v2 && cg_has_file(v2, "cgroup.kill")) {
		int r = cg_write(v2, "cgroup.kill", "1", err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	size_t left = 0;
	int r = signal_round(cg, sig, &left, err);
	/* systemd removes a scope's cgroup as soon as it is empty, even between
	 * two reads of one round: its processes are gone with it */
	if (r == -ENOENT && cg->systemd)
		return 0;
	if (r < 0 || sig != SIGKILL)
		return r;
	/* SIGKILL: repeat until the cgroup is empty (forks racing the first round). */
	for (int i = 0; i < 200 && left; i++) {
		_cleanup_free_ pid_t *pids = NULL;
		cg_sleep_ms(i < 10 ? 2 : 20);
		if ((r = vps_cgroup_pids(cg, &pids, &left, err)) < 0)
			return r;
		if (left && (r = signal_round(cg, sig, &left, err)) < 0)
			return r == -ENOENT && cg->systemd ? 0 : r;
	}
	if (left)
		return vps_errorx(err, EBUSY, "cgroup %s: %zu processes still there after SIGKILL",
				  cg->saved, left);
	return 0;
}
