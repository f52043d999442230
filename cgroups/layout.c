/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discover the mounted cgroup hierarchies (/proc/self/mountinfo) and the host
 * layout: pure v2, pure v1, or hybrid (v1 controllers plus a cgroup2). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

static const char *const v1_ctrls[] = {"cpu",	  "cpuacct", "cpuset", "memory",     "devices",
				       "freezer", "net_cls", "blkio",  "perf_event", "net_prio",
				       "hugetlb", "pids",    "rdma",   "misc",	     "debug"};

bool cg_list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; p && *p;) {
		size_t l = strcspn(p, ", \n");
		if (l == wl && strncmp(p, word, wl) == 0)
			return true;
		p += l;
		p += strspn(p, ", \n");
	}
	return false;
}

/* mountinfo escapes ' ', '\t', '\n', '\\' as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* v1 super options -> "cpu,cpuacct" / "name=systemd" (controllers only). */
static char *v1_controllers(const char *superopts)
{
	char buf[256] = "";
	size_t used = 0;
	const char *p = superopts;
	while (*p) {
		size_t l = strcspn(p, ",");
		bool keep = l > 5 && strncmp(p, "name=", 5) == 0;
		for (size_t i = 0; !keep && i < ARRAY_SIZE(v1_ctrls); i++)
			keep = strlen(v1_ctrls[i]) == l && strncmp(p, v1_ctrls[i], l) == 0;
		if (keep && used + l + 2 < sizeof(buf)) {
			if (used)
				buf[used++] = ',';
			memcpy(buf + used, p, l);
			used += l;
			buf[used] = '\0';
		}
		p += l;
		p += strspn(p, ",");
	}
	return strdup(buf);
}

struct cand {
	char devid[32];
	int score;
};

static int add_mount(struct vps_cgroup *cg, struct cand *cands, const char *devid, const char *root,
		     const char *mnt, bool v2, const char *superopts, vps_err *err)
{
	int score = (strcmp(root, "/") == 0 ? 2 : 0) + (strncmp(mnt, "/sys/fs/cgroup", 14) == 0);
	size_t i;
	for (i = 0; i < cg->n; i++)
		if (strcmp(cands[i].devid, devid) == 0)
			break;
	if (i < cg->n && cands[i].score >= score)
		return 0;
	if (i == cg->n) {
		if (cg->n == CG_MAX_HIER)
			return 0;
		cg->n++;
	}
	struct cg_hier *h = &cg->h[i];
	free(h->mount);
	free(h->ctrls);
	h->mount = strdup(mnt);
	h->v2 = v2;
	h->ctrls = v2 ? strdup("") : v1_controllers(superopts);
	h->dirfd = -1;
	/* fits: a copy of devid[32] */
	vps_snprintf(cands[i].devid, sizeof(cands[i].devid), "%s", devid);
	cands[i].score = score;
	if (!h->mount || !h->ctrls)
		return vps_error(err, ENOMEM, "cgroup mounts");
	if (!v2 && !*h->ctrls) { /* a v1 mount with no controller we know: drop it */
		free(h->mount);
		free(h->ctrls);
		h->mount = h->ctrls = NULL;
		cg->n--;
	}
	return 0;
}

static int v2_controllers(struct cg_hier *h, vps_err *err)
{
	char path[CG_MAX_PATH];
	int r = vps_snprintf(path, sizeof(path), "%s/cgroup.controllers", h->mount);
	if (r < 0)
		return vps_error(err, -r, "cgroup mount %s", h->mount);
	_cleanup_free_ char *txt = NULL;
	r = vps_read_file_at(AT_FDCWD, path, 4096, &txt, NULL, err);
	if (r < 0)
		return r;
	txt[strcspn(txt, "\n")] = '\0';
	free(h->ctrls);
	h->ctrls = take_ptr(txt);
	return 0;
}

int cg_discover(struct vps_cgroup *cg, vps_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return vps_error(err, errno, "open /proc/self/mountinfo");
	struct cand cands[CG_MAX_HIER];
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int r;
	cg->n = 0;
	while (getline(&line, &cap, f) > 0) {
		/* cheap test first: most mounts are not cgroups */
		const char *t = strstr(line, " - cgroup");
		if (!t || (t[9] != ' ' && t[9] != '2'))
			continue;
		char devid[32], root[CG_MAX_PATH], mnt[CG_MAX_PATH];
		if (sscanf(line, "%*s %*s %31s %4095s %4095s", devid, root, mnt) != 3)
			continue;
		const char *sep = strstr(line, " - ");
		if (!sep)
			continue;
		char fstype[32], superopts[1024] = "";
		if (sscanf(sep + 3, "%31s %*s %1023s", fstype, superopts) < 1)
			continue;
		bool v2 = strcmp(fstype, "cgroup2") == 0;
		if (!v2 && strcmp(fstype, "cgroup") != 0)
			continue;
		unescape(root);
		unescape(mnt);
		r = add_mount(cg, cands, devid, root, mnt, v2, superopts, err);
		if (r < 0)
			return r;
	}
	bool have_v1 = false, have_v2 = false;
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->h[i].v2) {
			have_v2 = true;
			if ((r = v2_controllers(&cg->h[i], err)) < 0)
				return r;
		} else if (strncmp(cg->h[i].ctrls, "name=", 5) != 0) {
			have_v1 = true;
		}
	}
	if (!have_v1 && !have_v2)
		return vps_errorx(err, ENOENT,
				  "no cgroup filesystem is mounted "
				  "(/proc/self/mountinfo has neither cgroup nor cgroup2)");
	cg->layout = have_v1 && have_v2 ? VPS_CG_HYBRID : have_v2 ? VPS_CG_V2 : VPS_CG_V1;
	return 0;
}

int vps_cgroup_layout(enum vps_cgroup_layout *out, vps_err *err)
{
	struct vps_cgroup cg = {0};
	int r = cg_discover(&cg, err);
	if (r == 0)
		*out = cg.layout;
	for (size_t i = 0; i < cg.n; i++) {
		free(cg.h[i].mount);
		free(cg.h[i].ctrls);
	}
	return r;
}

struct cg_hier *cg_hier_v2(struct vps_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2)
			return &cg->h[i];
	return NULL;
}

struct cg_hier *cg_hier_for(struct vps_cgroup *cg, const char *ctrl)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2 && cg_list_has(cg->h[i].ctrls, ctrl))
			return &cg->h[i];
	struct cg_hier *v2 = cg_hier_v2(cg);
	if (v2 && cg_list_has(v2->ctrls, ctrl))
		return v2;
	return NULL;
}

int cg_need(struct vps_cgroup *cg, const char *ctrl, const char *what, struct cg_hier **out,
	    vps_err *err)
{
	*out = cg_hier_for(cg, ctrl);
	if (*out)
		return 0;
	return vps_errorx(err, EOPNOTSUPP,
			  "%s: the host has no %s cgroup controller (not mounted as cgroup v1 "
			  "and not available in cgroup2)",
			  what, ctrl);
}

const char *vps_cgroup_layout_name(enum vps_cgroup_layout l)
{
	return l == VPS_CG_V2 ? "v2" : l == VPS_CG_V1 ? "v1" : "hybrid";
}
