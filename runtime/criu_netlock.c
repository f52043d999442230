/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CRIU's network lock, only where a packet can reach the VPS. By default
 * criu dump and restore fence the dumped network namespace with iptables
 * rules (iptables-restore run twice to lock and twice to unlock, 70-80 ms of
 * the downtime here) so that no packet changes a socket while it is saved.
 * A private namespace whose only device is lo has no way in from outside:
 * its traffic comes from its own tasks, all frozen, so the lock guards
 * nothing and is skipped (--network-lock skip). A VPS network (a veth),
 * a namespace joined by path or --tcp-established keep criu's lock.
 * vps migrate asks for --tcp-established only where the namespace has a
 * device besides lo (vps_ckpt_net_reachable): an isolated VPS moves without
 * the lock, a networked one with its connections. */
#include <stdio.h>
#include <string.h>

#include "runtime/criu.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* pid's network namespace is its own (not the host's, not joined by path):
 * the number of its devices (/proc/PID/net/dev) and whether lo is one */
static bool own_devices(pid_t pid, const struct oci_spec *spec, int *devs, bool *lo)
{
	const struct oci_namespace *ns = &spec->lx.namespaces[OCI_NS_NETWORK];
	char path[64], line[256];
	*devs = 0, *lo = false;
	if (!ns->present || ns->path ||
	    vps_snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)pid) < 0)
		return false;
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	for (int n = 0; f && n < 4096 && fgets(line, sizeof(line), f); n++) {
		const char *colon = strchr(line, ':'), *p = line;
		if (n < 2 || !colon) /* two header lines */
			continue;
		while (*p == ' ')
			p++;
		++*devs;
		*lo = *lo || (colon - p == 2 && strncmp(p, "lo", 2) == 0);
	}
	return f != NULL;
}

bool vps_ckpt_net_isolated(pid_t pid, const struct oci_spec *spec)
{
	int devs;
	bool lo;
	return own_devices(pid, spec, &devs, &lo) && devs == 1 && lo;
}

bool vps_ckpt_net_reachable(pid_t pid, const struct oci_spec *spec)
{
	int devs;
	bool lo;
	return own_devices(pid, spec, &devs, &lo) && devs > (lo ? 1 : 0);
}

void vps_criu_netlock(struct vps_argv *a, const struct vps_criu_opts *o, bool isolated)
{
	if (isolated && !o->tcp_established)
		vps_argv_add(a, "--network-lock=skip");
}
