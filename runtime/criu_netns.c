/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS without a network moves with its network namespace made anew. Its
 * own namespace holds lo alone; criu would save it (ip addr/route/rule save,
 * iptables-save: 8 execs) and restore it (ip ... restore, iptables-restore:
 * 6 execs), 45-100 ms of the downtime on each side here. When vps migrate
 * asks for it (renew_netns) and the namespace is still as create made it
 * (vps_net_lo_pristine: lo up, the kernel's addresses, routes and rules, no
 * firewall), the dump names it external (--external net[INO]:KEY, as a
 * namespace joined by path is) and the restore gives criu a new one
 * (--inherit-fd) with lo up and config.json's net.* sysctls written, which
 * is what create made. Not with a user namespace of its own: the new
 * namespace would have to belong to it, and criu makes it only later. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "netns/net.h"
#include "runtime/criu.h"
#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

bool vps_ckpt_netns_renewable(pid_t pid, const struct oci_spec *spec)
{
	char path[64];
	if (spec->lx.namespaces[OCI_NS_USER].present || !vps_ckpt_net_isolated(pid, spec) ||
	    vps_snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid) < 0)
		return false;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && vps_net_lo_pristine(pid, fd);
}

/* in the new namespace: what create's init did there */
static int fill(const struct oci_spec *spec, vps_err *err)
{
	int r = vps_net_loopback_up(err);
	return r < 0 ? r : vps_child_sysctls(spec, OCI_NS_NETWORK, err);
}

int vps_ckpt_netns_new(const struct oci_spec *spec, vps_err *err)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return vps_error(err, errno, "open /proc/self/ns/net");
	if (unshare(CLONE_NEWNET) < 0)
		return vps_error(err, errno, "a new network namespace for the VPS");
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? vps_error(err, errno, "open the new network namespace") : fill(spec, err);
	if (setns(self, CLONE_NEWNET) < 0) /* going on in the wrong netns: refuse */
		r = vps_error(err, errno, "return to the host network namespace");
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}
