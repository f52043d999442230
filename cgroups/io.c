/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.blockIO: weights (CFQ-era blkio.weight or BFQ's
 * blkio.bfq.weight on v1; io.bfq.weight or io.weight on v2) and throttles
 * (blkio.throttle.* on v1, io.max on v2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/fmt.h"

/* runc's ConvertBlkIOToIOWeightValue: [10, 1000] -> [1, 10000]. */
uint64_t cg_blkio_to_io_weight(uint64_t w)
{
	if (w == 0)
		return 0;
	if (w < 10)
		w = 10;
	return 1 + (w - 10) * 9999 / 990;
}

/* The first of files[] that exists in h. */
static const char *pick(struct cg_hier *h, const char *a, const char *b)
{
	if (cg_has_file(h, a))
		return a;
	return b && cg_has_file(h, b) ? b : NULL;
}

/* BFQ's io.bfq.weight takes blkio's range; io.weight needs converting. */
static const char *v2_weight_file(struct cg_hier *h, bool *conv)
{
	const char *f = pick(h, "io.bfq.weight", "io.weight");
	*conv = f && strcmp(f, "io.weight") == 0;
	return f;
}

static int weight(struct cg_hier *h, const struct oci_blockio *b, vps_err *err)
{
	int r = 0;
	const char *f;
	if (b->weight.set && b->weight.v) {
		bool conv = false;
		f = h->v2 ? v2_weight_file(h, &conv) : pick(h, "blkio.weight", "blkio.bfq.weight");
		if (!f)
			return vps_errorx(err, EOPNOTSUPP,
					  "blockIO.weight: %s has no %s (no "
					  "proportional I/O scheduler, e.g. bfq)",
					  h->dir,
					  h->v2 ? "io.weight/io.bfq.weight"
						: "blkio.weight/blkio.bfq.weight");
		uint64_t w = conv ? cg_blkio_to_io_weight(b->weight.v) : b->weight.v;
		if ((r = cg_writef(h, f, err, "%llu", (unsigned long long)w)) < 0)
			return r;
	}
	if (b->leaf_weight.set && b->leaf_weight.v) {
		if (h->v2 || !cg_has_file(h, "blkio.leaf_weight"))
			return vps_errorx(err, EOPNOTSUPP,
					  "blockIO.leafWeight: %s has no "
					  "blkio.leaf_weight (CFQ only, gone from "
					  "current kernels)",
					  h->dir);
		r = cg_writef(h, "blkio.leaf_weight", err, "%llu",
			      (unsigned long long)b->leaf_weight.v);
	}
	for (size_t i = 0; r >= 0 && i < b->n_weight_device; i++) {
		const struct oci_weight_device *d = &b->weight_device[i];
		if (d->leaf_weight.set && d->leaf_weight.v)
			return vps_errorx(err, EOPNOTSUPP,
					  "blockIO.weightDevice[%zu].leafWeight: "
					  "not supported by current kernels",
					  i);
		if (!d->weight.set || !d->weight.v) /* runc: 0 is not set */
			continue;
		bool conv = false;
		if (h->v2) {
			f = v2_weight_file(h, &conv);
		} else {
			f = pick(h, "blkio.weight_device", "blkio.bfq.weight_device");
			if (!f && cg_has_file(h, "blkio.bfq.weight"))
				f = "blkio.bfq.weight"; /* accepts "MAJ:MIN W" too */
		}
		if (!f)
			return vps_errorx(err, EOPNOTSUPP,
					  "blockIO.weightDevice[%zu]: %s has no "
					  "per-device weight file",
					  i, h->dir);
		uint64_t w = conv ? cg_blkio_to_io_weight(d->weight.v) : d->weight.v;
		r = cg_writef(h, f, err, "%lld:%lld %llu", (long long)d->major, (long long)d->minor,
			      (unsigned long long)w);
	}
	return r;
}

static int throttle(struct cg_hier *h, const struct oci_throttle_device *d, size_t n,
		    const char *v1file, const char *v2key, vps_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r;
		char rate[32] = "max"; /* 0 removes the limit, as on v1 */
		if (d[i].rate)
			/* fits: a number in 32 */
			vps_snprintf(rate, sizeof(rate), "%llu", (unsigned long long)d[i].rate);
		if (h->v2)
			r = cg_writef(h, "io.max", err, "%lld:%lld %s=%s", (long long)d[i].major,
				      (long long)d[i].minor, v2key, rate);
		else
			r = cg_writef(h, v1file, err, "%lld:%lld %llu", (long long)d[i].major,
				      (long long)d[i].minor, (unsigned long long)d[i].rate);
		if (r < 0)
			return r;
	}
	return 0;
}

int cg_apply_blockio(struct vps_cgroup *cg, const struct oci_blockio *b, vps_err *err)
{
	bool any = (b->weight.set && b->weight.v) || (b->leaf_weight.set && b->leaf_weight.v) ||
		   b->n_weight_device || b->n_throttle_read_bps || b->n_throttle_write_bps ||
		   b->n_throttle_read_iops || b->n_throttle_write_iops;
	if (!any)
		return 0;
	struct cg_hier *h = cg_hier_for(cg, "blkio");
	int r;
	if (!h && (r = cg_need(cg, "io", "blockIO", &h, err)) < 0)
		return r;
	if ((r = weight(h, b, err)) < 0)
		return r;
	if ((r = throttle(h, b->throttle_read_bps, b->n_throttle_read_bps,
			  "blkio.throttle.read_bps_device", "rbps", err)) < 0 ||
	    (r = throttle(h, b->throttle_write_bps, b->n_throttle_write_bps,
			  "blkio.throttle.write_bps_device", "wbps", err)) < 0 ||
	    (r = throttle(h, b->throttle_read_iops, b->n_throttle_read_iops,
			  "blkio.throttle.read_iops_device", "riops", err)) < 0)
		return r;
	return throttle(h, b->throttle_write_iops, b->n_throttle_write_iops,
			"blkio.throttle.write_iops_device", "wiops", err);
}
