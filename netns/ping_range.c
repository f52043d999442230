/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net.ipv4.ping_group_range of a VPS: the groups that may ping(8) through
 * ICMP sockets (the VPS needs no CAP_NET_RAW for it), every group of the VPS.
 * The kernel keeps host ids and shows them in the reader's user namespace. A
 * VPS with one of its own gets the host ids its gids map to (it reads
 * "0 65535" inside), one without all of them. CRIU (4.2) dumps the range as
 * the VPS sees it and writes it back from inside its user namespace, where a
 * host id outside its map reads -1 and the restore fails (EINVAL): a VPS
 * that an older vps opened to all ids ("0 2147483647") has its range fitted
 * to its map before a dump, which changes nothing for its own groups. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "netns/net.h"
#include "netns/setup.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

#define PING_RANGE "net/ipv4/ping_group_range"

/* the host ids lx's groups map to, [*lo, *hi]; false without a user
 * namespace of its own (made for it, not joined) */
static bool mapped_span(const struct oci_linux *lx, uint64_t *lo, uint64_t *hi)
{
	const struct oci_namespace *u = &lx->namespaces[OCI_NS_USER];
	*lo = UINT32_MAX, *hi = 0;
	for (size_t i = 0; u->present && !u->path && i < lx->n_gid_mappings; i++) {
		const struct oci_idmap *m = &lx->gid_mappings[i];
		if (m->size && m->host_id < *lo)
			*lo = m->host_id;
		if (m->size && (uint64_t)m->host_id + m->size - 1 > *hi)
			*hi = (uint64_t)m->host_id + m->size - 1;
	}
	return *lo <= *hi;
}

int vps_net_ping_range(const struct oci_linux *lx, char *buf, size_t size)
{
	uint64_t lo, hi;
	if (!mapped_span(lx, &lo, &hi)) /* every group, up to the kernel's largest gid */
		lo = 0, hi = INT32_MAX;
	return vps_snprintf(buf, size, "%" PRIu64 " %" PRIu64, lo, hi);
}

int vps_net_ping_range_fit(pid_t pid, const struct oci_linux *lx, vps_err *err)
{
	const struct oci_namespace *n = &lx->namespaces[OCI_NS_NETWORK];
	uint64_t lo, hi;
	unsigned long long a, b;
	char now[64], fit[64];
	if (!mapped_span(lx, &lo, &hi) || !n->present || n->path)
		return 0;
	struct vps_procpath p_pp;
	const char *p = vps_procpath(&p_pp, pid, "ns/net");
	_cleanup_close_ int ns = open(p, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return vps_error(err, errno, "open %s", p);
	int r = vps_net_sysctl_get(ns, PING_RANGE, now, sizeof(now), err);
	if (r < 0)
		return r;
	if (sscanf(now, "%llu %llu", &a, &b) != 2)
		return vps_errorx(err, EIO, "%s reads \"%s\"", PING_RANGE, now);
	if (a > b || (a >= lo && b <= hi)) /* nobody, or within its map */
		return 0;
	a = a < lo ? lo : a, b = b > hi ? hi : b;
	if (a > b) /* none of its groups */
		a = 1, b = 0;
	if ((r = vps_snprintf(fit, sizeof(fit), "%llu %llu", a, b)) < 0)
		return vps_error(err, -r, "%s", PING_RANGE);
	log_info("%s: %s fitted to the VPS's groups: %s", PING_RANGE, now, fit);
	return vps_net_sysctl_in(ns, PING_RANGE, fit, err);
}
