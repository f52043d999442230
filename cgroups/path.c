/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the container's cgroup lives in each hierarchy, as runc decides it:
 * an absolute cgroupsPath is taken from each hierarchy's root; a relative one
 * from the runtime's own cgroup (v1) or its parent (v2, whose own cgroup holds
 * processes and so cannot have controllers enabled for children); none at all
 * means /vps/ID. The saved string is the path when it is the same everywhere,
 * else "KEY:PATH;KEY:PATH" with KEY a hierarchy's first controller ("0" for v2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

int cg_clean_path(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	if (outsz < 2)
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (const char *p = in; *p;) {
		size_t l = strcspn(p, "/");
		if (l == 0 || (l == 1 && p[0] == '.')) {
			/* skip */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			out[o] = '\0';
		} else {
			if (o + l + 2 > outsz)
				return -ENAMETOOLONG;
			out[o++] = '/';
			memcpy(out + o, p, l);
			o += l;
			out[o] = '\0';
		}
		p += l;
		p += strspn(p, "/");
	}
	if (o == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return 0;
}

/* The runtime's own cgroup in hierarchy h, from /proc/self/cgroup. */
static int own_cgroup(const struct cg_hier *h, char *out, size_t outsz, vps_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return vps_error(err, errno, "open /proc/self/cgroup");
	char first[64];
	if (vps_snprintf(first, sizeof(first), "%.*s", (int)strcspn(h->ctrls, ","), h->ctrls) < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroup controllers %s: too long", h->ctrls);
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		bool v2line = c1 == line + 1 && line[0] == '0' && c2 == c1 + 1;
		bool match = h->v2 ? v2line : !v2line && cg_list_has(c1 + 1, first);
		if (match && vps_snprintf(out, outsz, "%s", c2 + 1) < 0)
			return vps_errorx(err, ENAMETOOLONG, "/proc/self/cgroup: %s: too long",
					  c2 + 1);
		if (match)
			return 0;
	}
	return vps_errorx(err, ENOENT, "/proc/self/cgroup: no entry for the %s hierarchy",
			  h->v2 ? "cgroup2" : h->ctrls);
}

static int set_rel(struct cg_hier *h, const char *rel, vps_err *err)
{
	free(h->rel);
	free(h->dir);
	h->rel = strdup(rel);
	h->dir = NULL;
	if (!h->rel || asprintf(&h->dir, "%s%s", h->mount, strcmp(rel, "/") ? rel : "") < 0) {
		h->dir = NULL;
		return vps_error(err, ENOMEM, "cgroup path");
	}
	return 0;
}

int cg_resolve_paths(struct vps_cgroup *cg, const char *cgroups_path, const char *id, vps_err *err)
{
	char clean[CG_MAX_PATH];
	_cleanup_free_ char *dflt = NULL;
	if (!cgroups_path || !*cgroups_path) {
		if (asprintf(&dflt, "/vps/%s", id) < 0)
			return vps_error(err, ENOMEM, "cgroupsPath for %s", id);
		cgroups_path = dflt;
	}
	bool rel = cgroups_path[0] != '/';
	if (cg_clean_path(cgroups_path, clean, sizeof(clean)) < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroupsPath %s: too long", cgroups_path);
	if (strcmp(clean, "/") == 0)
		return vps_errorx(err, EINVAL,
				  "cgroupsPath \"%s\": names the root cgroup; a container needs "
				  "its own cgroup",
				  cgroups_path);
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_hier *h = &cg->h[i];
		char own[CG_MAX_PATH], final[CG_MAX_PATH]; /* own, then own/clean */
		const char *p = clean;
		if (rel) {
			int r = own_cgroup(h, own, sizeof(own), err);
			if (r < 0)
				return r;
			if (h->v2) { /* the parent of our own cgroup */
				char *slash = strrchr(own, '/');
				if (slash)
					slash[slash == own ? 1 : 0] = '\0';
			}
			size_t ol = strlen(own), room = sizeof(own) - ol;
			if (vps_snprintf(own + ol, room, "/%s", clean) < 0 ||
			    cg_clean_path(own, final, sizeof(final)) < 0)
				return vps_errorx(err, ENAMETOOLONG, "cgroupsPath %s: too long",
						  cgroups_path);
			p = final;
		}
		int r = set_rel(h, p, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int hier_key(const struct cg_hier *h, char *out, size_t outsz)
{
	if (h->v2)
		return vps_snprintf(out, outsz, "0");
	return vps_snprintf(out, outsz, "%.*s", (int)strcspn(h->ctrls, ","), h->ctrls);
}

int cg_encode_saved(struct vps_cgroup *cg, vps_err *err)
{
	bool same = true;
	for (size_t i = 1; i < cg->n; i++)
		same = same && strcmp(cg->h[i].rel, cg->h[0].rel) == 0;
	free(cg->saved);
	cg->saved = NULL;
	if (same) {
		cg->saved = strdup(cg->n ? cg->h[0].rel : "/");
	} else {
		size_t sz = 1;
		for (size_t i = 0; i < cg->n; i++)
			sz += strlen(cg->h[i].rel) + 70;
		cg->saved = calloc(1, sz);
		for (size_t i = 0; cg->saved && i < cg->n; i++) {
			char key[64];
			size_t l = strlen(cg->saved);
			if (hier_key(&cg->h[i], key, sizeof(key)) < 0 ||
			    vps_snprintf(cg->saved + l, sz - l, "%s%s:%s", i ? ";" : "", key,
					 cg->h[i].rel) < 0) {
				vps_freep(&cg->saved);
				return vps_errorx(err, ENAMETOOLONG, "cgroup %s: too long",
						  cg->h[i].ctrls);
			}
		}
	}
	return cg->saved ? 0 : vps_error(err, ENOMEM, "cgroup path");
}

int cg_decode_saved(struct vps_cgroup *cg, const char *saved, vps_err *err)
{
	int r;
	if (saved[0] == '/') {
		for (size_t i = 0; i < cg->n; i++)
			if ((r = set_rel(&cg->h[i], saved, err)) < 0)
				return r;
	} else {
		_cleanup_free_ char *copy = strdup(saved);
		if (!copy)
			return vps_error(err, ENOMEM, "cgroup path");
		char *save = NULL;
		for (char *e = strtok_r(copy, ";", &save); e; e = strtok_r(NULL, ";", &save)) {
			char *colon = strchr(e, ':');
			if (!colon || colon[1] != '/')
				return vps_errorx(err, EINVAL,
						  "saved cgroup path \"%s\": bad entry "
						  "\"%s\"",
						  saved, e);
			*colon = '\0';
			for (size_t i = 0; i < cg->n; i++) {
				char key[64];
				if (hier_key(&cg->h[i], key, sizeof(key)) >= 0 &&
				    strcmp(key, e) == 0 &&
				    (r = set_rel(&cg->h[i], colon + 1, err)) < 0)
					return r;
			}
		}
		/* hierarchies mounted since create have no place: drop them */
		size_t o = 0;
		for (size_t i = 0; i < cg->n; i++) {
			if (cg->h[i].rel)
				cg->h[o++] = cg->h[i];
			else {
				free(cg->h[i].mount);
				free(cg->h[i].ctrls);
			}
		}
		cg->n = o;
	}
	free(cg->saved);
	cg->saved = strdup(saved);
	return cg->saved ? 0 : vps_error(err, ENOMEM, "cgroup path");
}
