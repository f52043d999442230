/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hugepageLimits, network (net_cls/net_prio, v1 only), rdma, and unified
 * (raw cgroup2 key/values). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/fmt.h"

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"

/* "2MB" -> 2048 (kB), as canonical page sizes are (specs/: KB, MB or GB). */
static unsigned long long page_kb(const char *s)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 10);
	int shift = !strcmp(end, "KB") ? 0 : !strcmp(end, "MB") ? 10 : !strcmp(end, "GB") ? 20 : -1;
	return end == s || shift < 0 ? 0 : n << shift;
}

/* The host's huge page sizes in the kernel's names ("2MB 1GB"). */
static void host_page_sizes(char *out, size_t outsz)
{
	DIR *d = opendir(HUGEPAGES_DIR);
	size_t o = 0;
	out[0] = '\0';
	for (struct dirent *e; d && (e = readdir(d)) && o + 24 < outsz;) {
		unsigned long long kb;
		if (sscanf(e->d_name, "hugepages-%llukB", &kb) != 1)
			continue;
		const char *u = kb >= 1ULL << 20 ? "GB" : kb >= 1024 ? "MB" : "KB";
		unsigned long long v = kb >> (kb >= 1ULL << 20 ? 20 : kb >= 1024 ? 10 : 0);
		int w = vps_snprintf(out + o, outsz - o, "%s%llu%s", o ? " " : "", v, u);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (d)
		closedir(d);
}

/* The size must be one the host has (its hugepages-NkB directory). */
static int check_page_size(size_t i, const char *size, vps_err *err)
{
	char path[128], have[256];
	unsigned long long kb = page_kb(size);
	if (kb && vps_snprintf(path, sizeof(path), HUGEPAGES_DIR "/hugepages-%llukB", kb) >= 0 &&
	    access(path, F_OK) == 0)
		return 0;
	host_page_sizes(have, sizeof(have));
	return vps_errorx(err, EINVAL,
			  "hugepageLimits[%zu].pageSize \"%s\": the host has no huge pages of that "
			  "size (" HUGEPAGES_DIR " has: %s)",
			  i, size, *have ? have : "none");
}

int cg_apply_hugetlb(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	if (!res->n_hugepage_limits)
		return 0;
	struct cg_hier *h;
	int r = cg_need(cg, "hugetlb", "hugepageLimits", &h, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const struct oci_hugepage_limit *l = &res->hugepage_limits[i];
		char f[128], rsvd[128];
		if ((r = check_page_size(i, l->page_size, err)) < 0)
			return r;
		const char *lim = h->v2 ? "max" : "limit_in_bytes";
		if (vps_snprintf(f, sizeof(f), "hugetlb.%s.%s", l->page_size, lim) < 0 ||
		    vps_snprintf(rsvd, sizeof(rsvd), "hugetlb.%s.rsvd.%s", l->page_size, lim) < 0)
			return vps_errorx(err, ENAMETOOLONG,
					  "hugepageLimits[%zu].pageSize: too long", i);
		if (!cg_has_file(h, f))
			return vps_errorx(err, EOPNOTSUPP,
					  "hugepageLimits[%zu]: %s/%s is missing "
					  "(hugetlb not enabled for this cgroup)",
					  i, h->dir, f);
		if ((r = cg_writef(h, f, err, "%llu", (unsigned long long)l->limit)) < 0)
			return r;
		/* reservations too, so a mapping cannot reserve past the limit */
		if (cg_has_file(h, rsvd) &&
		    (r = cg_writef(h, rsvd, err, "%llu", (unsigned long long)l->limit)) < 0)
			return r;
	}
	return 0;
}

int cg_apply_net(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	struct cg_hier *h;
	int r;
	if (res->net_class_id.set && res->net_class_id.v) { /* runc: 0 is not set */
		if ((r = cg_need(cg, "net_cls", "network.classID", &h, err)) < 0)
			return r;
		if ((r = cg_writef(h, "net_cls.classid", err, "%llu",
				   (unsigned long long)res->net_class_id.v)) < 0)
			return r;
	}
	if (res->n_net_priorities &&
	    (r = cg_need(cg, "net_prio", "network.priorities", &h, err)) < 0)
		return r;
	for (size_t i = 0; i < res->n_net_priorities; i++) {
		const struct oci_net_priority *p = &res->net_priorities[i];
		if (!*p->name || strpbrk(p->name, " \n/"))
			return vps_errorx(err, EINVAL,
					  "network.priorities[%zu].name \"%s\": not an "
					  "interface name",
					  i, p->name);
		if ((r = cg_writef(h, "net_prio.ifpriomap", err, "%s %u", p->name, p->priority)) <
		    0)
			return r;
	}
	return 0;
}

int cg_apply_rdma(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	if (!res->n_rdma)
		return 0;
	struct cg_hier *h;
	int r = cg_need(cg, "rdma", "rdma", &h, err);
	for (size_t i = 0; r >= 0 && i < res->n_rdma; i++) {
		const struct oci_rdma *d = &res->rdma[i];
		char handles[32] = "max", objects[32] = "max";
		if (!*d->device || strpbrk(d->device, " \n/"))
			return vps_errorx(err, EINVAL, "rdma \"%s\": not a device name", d->device);
		if (d->hca_handles.set)
			vps_snprintf(handles, sizeof(handles), "%llu", /* fits: a number */
				     (unsigned long long)d->hca_handles.v);
		if (d->hca_objects.set)
			vps_snprintf(objects, sizeof(objects), "%llu", /* fits: a number */
				     (unsigned long long)d->hca_objects.v);
		r = cg_writef(h, "rdma.max", err, "%s hca_handle=%s hca_object=%s", d->device,
			      handles, objects);
	}
	return r;
}

/* A raw cgroup2 key: a plain file name in the container's v2 cgroup. */
int cg_unified_key_ok(const char *key, char *why, size_t whysz)
{
	if (!*key || strchr(key, '/') || strcmp(key, ".") == 0 || strcmp(key, "..") == 0 ||
	    strchr(key, '\n')) {
		/* fits: a constant message in 96 */
		vps_snprintf(why, whysz, "not a plain cgroup file name");
		return -EINVAL;
	}
	if (!strchr(key, '.')) {
		/* fits: a constant message in 96 */
		vps_snprintf(why, whysz, "expected CONTROLLER.KEY");
		return -EINVAL;
	}
	if (!strcmp(key, "cgroup.procs") || !strcmp(key, "cgroup.threads") ||
	    !strcmp(key, "cgroup.kill") || !strncmp(key, "cgroup.subtree_control", 22)) {
		/* fits: a constant message in 96 */
		vps_snprintf(why, whysz, "managed by the runtime, not a resource");
		return -EPERM;
	}
	return 0;
}

int cg_apply_unified(struct vps_cgroup *cg, const struct oci_resources *res, vps_err *err)
{
	if (!res->n_unified)
		return 0;
	struct cg_hier *h = cg_hier_v2(cg);
	if (!h)
		return vps_errorx(err, EOPNOTSUPP,
				  "unified: the host has no cgroup v2 hierarchy "
				  "(set v1 resources instead)");
	for (size_t i = 0; i < res->n_unified; i++) {
		const struct oci_kv *kv = &res->unified[i];
		char why[96];
		int r = cg_unified_key_ok(kv->key, why, sizeof(why));
		if (r < 0)
			return vps_errorx(err, -r, "unified[\"%s\"]: %s", kv->key, why);
		if (!cg_has_file(h, kv->key))
			return vps_errorx(err, ENOENT,
					  "unified[\"%s\"]: %s/%s does not exist "
					  "(controller not available or not enabled)",
					  kv->key, h->dir, kv->key);
		if ((r = cg_write(h, kv->key, kv->value, err)) < 0)
			return r;
	}
	return 0;
}
