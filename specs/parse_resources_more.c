/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json .linux.resources: blockIO, hugepageLimits, network, rdma, unified. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static int need_major_minor(struct jp *p, json_object *o, int64_t *major, int64_t *minor)
{
	if (jp_require(p, o, "major") < 0 || jp_require(p, o, "minor") < 0 ||
	    jp_i64(p, o, "major", 0, UINT32_MAX, major) < 0 ||
	    jp_i64(p, o, "minor", 0, UINT32_MAX, minor) < 0)
		return -EINVAL;
	return 0;
}

/* blkio weights: 10..1000 (0 is accepted as "unset" by runc for leafWeight). */
static int weight(struct jp *p, json_object *o, const char *key, opt_u64 *w)
{
	int r = jp_opt_u64(p, o, key, 1000, w);
	if (r > 0 && w->v < 10 && w->v != 0) {
		size_t k = jp_push_key(p, key);
		r = jp_fail(p, "weight %llu out of range [10, 1000]", (unsigned long long)w->v);
		jp_pop(p, k);
	}
	return r;
}

static int parse_weight_dev(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_weight_device *d = elem;
	(void)ctx;
	if (need_major_minor(p, o, &d->major, &d->minor) < 0 ||
	    weight(p, o, "weight", &d->weight) < 0 ||
	    weight(p, o, "leafWeight", &d->leaf_weight) < 0)
		return -EINVAL;
	return 0;
}

static int parse_throttle(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_throttle_device *d = elem;
	(void)ctx;
	if (need_major_minor(p, o, &d->major, &d->minor) < 0 || jp_require(p, o, "rate") < 0 ||
	    jp_u64(p, o, "rate", UINT64_MAX, &d->rate) < 0)
		return -EINVAL;
	return 0;
}

int oci_parse_blockio(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_blockio *b = elem;
	const size_t ts = sizeof(struct oci_throttle_device);
	(void)ctx;
	if (weight(p, o, "weight", &b->weight) < 0 ||
	    weight(p, o, "leafWeight", &b->leaf_weight) < 0 ||
	    jp_objv(p, o, "weightDevice", sizeof(struct oci_weight_device), &b->weight_device,
		    &b->n_weight_device, parse_weight_dev, NULL) < 0 ||
	    jp_objv(p, o, "throttleReadBpsDevice", ts, &b->throttle_read_bps,
		    &b->n_throttle_read_bps, parse_throttle, NULL) < 0 ||
	    jp_objv(p, o, "throttleWriteBpsDevice", ts, &b->throttle_write_bps,
		    &b->n_throttle_write_bps, parse_throttle, NULL) < 0 ||
	    jp_objv(p, o, "throttleReadIOPSDevice", ts, &b->throttle_read_iops,
		    &b->n_throttle_read_iops, parse_throttle, NULL) < 0 ||
	    jp_objv(p, o, "throttleWriteIOPSDevice", ts, &b->throttle_write_iops,
		    &b->n_throttle_write_iops, parse_throttle, NULL) < 0)
		return -EINVAL;
	return 0;
}

/* The kernel's name of a huge page size, which hugetlb's cgroup files carry
 * ("2MB", "1GB", "64KB"), from any case of the unit and any equal size ("2mb",
 * "2048KB"), as runc takes them; -EINVAL unless a power of two >= 1 KB. */
static int page_size_canon(const char *s, char *out, size_t outsz)
{
	static const char *const units[] = {"KB", "MB", "GB", "TB", "PB"};
	char *end;
	errno = 0;
	unsigned long long kb = strtoull(s, &end, 10);
	if (errno || end == s || s[0] < '0' || s[0] > '9' || kb == 0)
		return -EINVAL;
	size_t u = 0;
	while (u < ARRAY_SIZE(units) && strcasecmp(end, units[u]) != 0)
		u++;
	if (u == ARRAY_SIZE(units))
		return -EINVAL;
	for (size_t i = 0; i < u; i++) {
		if (kb > ULLONG_MAX / 1024)
			return -EINVAL;
		kb *= 1024;
	}
	if (kb & (kb - 1))
		return -EINVAL;
	/* the kernel's mem_fmt(): GB from 1 GB up, MB from 1 MB, else KB */
	size_t k = kb >= 1ULL << 20 ? 2 : kb >= 1024 ? 1 : 0;
	int r = vps_snprintf(out, outsz, "%llu%s", kb >> (10 * k), units[k]);
	return r < 0 ? r : 0;
}

/* runc (Go's encoding/json) matches keys case-insensitively when no key
 * matches exactly: "pagesize" is its pageSize too. */
static const char *key_nocase(json_object *o, const char *key)
{
	if (jp_get(o, key))
		return key;
	json_object_object_foreach(o, k, v)
	{
		(void)v;
		if (strcasecmp(k, key) == 0)
			return k;
	}
	return key;
}

static int parse_hugepage(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_hugepage_limit *h = elem;
	const char *ps = key_nocase(o, "pageSize"), *lim = key_nocase(o, "limit");
	char canon[32];
	(void)ctx;
	if (jp_require(p, o, ps) < 0 || jp_require(p, o, lim) < 0 ||
	    jp_str(p, o, ps, &h->page_size) < 0 || jp_u64(p, o, lim, UINT64_MAX, &h->limit) < 0)
		return -EINVAL;
	if (page_size_canon(h->page_size, canon, sizeof(canon)) < 0) {
		size_t k = jp_push_key(p, ps);
		int r =
		    jp_fail(p, "invalid page size \"%s\" (e.g. \"2MB\", \"1GB\")", h->page_size);
		jp_pop(p, k);
		return r;
	}
	free(h->page_size);
	return (h->page_size = strdup(canon)) ? 0 : jp_fail(p, "out of memory");
}

static int parse_prio(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_net_priority *np = elem;
	(void)ctx;
	if (jp_require(p, o, "name") < 0 || jp_require(p, o, "priority") < 0 ||
	    jp_str(p, o, "name", &np->name) < 0 || jp_u32(p, o, "priority", &np->priority) < 0)
		return -EINVAL;
	return 0;
}

static int parse_network(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_resources *res = elem;
	(void)ctx;
	if (jp_opt_u64(p, o, "classID", UINT32_MAX, &res->net_class_id) < 0 ||
	    jp_objv(p, o, "priorities", sizeof(struct oci_net_priority), &res->net_priorities,
		    &res->n_net_priorities, parse_prio, NULL) < 0)
		return -EINVAL;
	return 0;
}

static int parse_rdma(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_resources *res = elem;
	size_t n = (size_t)json_object_object_length(o), i = 0;
	(void)ctx;
	res->rdma = calloc(n ? n : 1, sizeof(*res->rdma));
	if (!res->rdma)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	res->n_rdma = n;
	json_object_object_foreach(o, dev, v)
	{
		if (i >= n)
			break;
		struct oci_rdma *rd = &res->rdma[i++];
		size_t k = jp_push_mapkey(p, dev);
		int r = (rd->device = strdup(dev)) ? 0 : vps_error(p->err, ENOMEM, "%s", p->file);
		if (r == 0)
			r = v ? jp_v_type(p, v, json_type_object)
			      : jp_fail(p, "expected an object, got null");
		if (r == 0 && (jp_opt_u64(p, v, "hcaHandles", UINT32_MAX, &rd->hca_handles) < 0 ||
			       jp_opt_u64(p, v, "hcaObjects", UINT32_MAX, &rd->hca_objects) < 0))
			r = -EINVAL;
		jp_pop(p, k);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_unified(struct jp *p, const struct oci_resources *res)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		if (k[0] && k[0] != '.' && !strchr(k, '/') && strchr(k + 1, '.'))
			continue;
		return jp_fail_at(p, "unified", JP_NO_IDX,
				  "invalid cgroup file name \"%s\" (e.g. \"memory.high\")", k);
	}
	return 0;
}

int oci_parse_resources_more(struct jp *p, json_object *o, struct oci_resources *res)
{
	int r = jp_sub(p, o, "blockIO", oci_parse_blockio, &res->blockio, NULL);
	if (r < 0)
		return r;
	res->has_blockio = r > 0;
	if (jp_objv(p, o, "hugepageLimits", sizeof(struct oci_hugepage_limit),
		    &res->hugepage_limits, &res->n_hugepage_limits, parse_hugepage, NULL) < 0 ||
	    jp_sub(p, o, "network", parse_network, res, NULL) < 0 ||
	    jp_sub(p, o, "rdma", parse_rdma, res, NULL) < 0 ||
	    jp_kv(p, o, "unified", &res->unified, &res->n_unified) < 0)
		return -EINVAL;
	return check_unified(p, res);
}
