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
 * is what create made, plus the settings CRIU would have kept (the ipv4 and
 * ipv6 conf of all, default and lo: netns/netconf.c). Not with a user
 * namespace of its own: the new namespace would have to belong to it, and
 * criu makes it only later. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "netns/net.h"
#include "runtime/criu.h"
#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

int vps_ckpt_netns_renew(pid_t pid, const struct oci_spec *spec, struct vps_ckpt_meta *m,
			 struct vps_argv *a, vps_err *err)
{
	char path[64];
	if (spec->lx.namespaces[OCI_NS_USER].present || !vps_ckpt_net_isolated(pid, spec) ||
	    vps_snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid) < 0)
		return 0;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !vps_net_lo_pristine(pid, fd))
		return 0;
	int r = vps_net_conf_save(fd, &m->netconf, err);
	if (r < 0 || (r = vps_ckpt_netns_external(pid, a, err)) < 0)
		return r;
	m->netns_renew = true;
	return 0;
}

/* in the new namespace: what create's init did there, and the settings */
static int fill(const struct oci_spec *spec, json_object *conf, vps_err *err)
{
	int r = vps_net_loopback_up(err);
	if (r == 0)
		r = vps_child_sysctls(spec, OCI_NS_NETWORK, err);
	return r < 0 || !conf ? r : vps_net_conf_apply(conf, err);
}

int vps_ckpt_netns_new(const struct oci_spec *spec, json_object *conf, vps_err *err)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return vps_error(err, errno, "open /proc/self/ns/net");
	if (unshare(CLONE_NEWNET) < 0)
		return vps_error(err, errno, "a new network namespace for the VPS");
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? vps_error(err, errno, "open the new network namespace")
		       : fill(spec, conf, err);
	if (setns(self, CLONE_NEWNET) < 0) /* going on in the wrong netns: refuse */
		r = vps_error(err, errno, "return to the host network namespace");
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}
