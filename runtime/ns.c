/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespaces: new ones become clone flags; ones given by path are opened and
 * type-checked up front (clear errors for a missing or wrong-type path) and
 * joined with setns. pid and time namespaces apply to children, so the parent
 * joins those just around the clone; a new time namespace is made by the init
 * itself (timens.c). */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/fmt.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *type_name(int nstype)
{
	for (int t = 0; t < OCI_NS_MAX; t++)
		if (oci_ns_clone_flag((enum oci_ns_type)t) == nstype)
			return oci_ns_name((enum oci_ns_type)t);
	return "unknown";
}

void vps_ns_close(int fds[OCI_NS_MAX])
{
	for (int t = 0; t < OCI_NS_MAX; t++) {
		if (fds[t] >= 0)
			close(fds[t]);
		fds[t] = -1;
	}
}

int vps_ns_prepare(const struct oci_linux *lx, int fds[OCI_NS_MAX], uint64_t *clone_flags,
		   vps_err *err)
{
	*clone_flags = 0;
	for (int t = 0; t < OCI_NS_MAX; t++)
		fds[t] = -1;
	for (int t = 0; t < OCI_NS_MAX; t++) {
		const struct oci_namespace *ns = &lx->namespaces[t];
		const char *name = oci_ns_name((enum oci_ns_type)t);
		int flag = oci_ns_clone_flag((enum oci_ns_type)t);
		if (!ns->present)
			continue;
		if (!ns->path) {
			if (t != OCI_NS_TIME)
				*clone_flags |= (uint64_t)flag;
			continue;
		}
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			vps_error(err, errno, "linux.namespaces: %s namespace path %s", name,
				  ns->path);
			goto fail;
		}
		fds[t] = fd;
		int got = ioctl(fd, NS_GET_NSTYPE);
		if (got < 0) {
			vps_errorx(err, EINVAL,
				   "linux.namespaces: %s namespace path %s: not a namespace file",
				   name, ns->path);
			goto fail;
		}
		if (got != flag) {
			vps_errorx(err, EINVAL,
				   "linux.namespaces: %s namespace path %s: is a %s namespace",
				   name, ns->path, type_name(got));
			goto fail;
		}
	}
	return 0;
fail:
	vps_ns_close(fds);
	return -err->code;
}

int vps_ns_differing(pid_t pid, int *flags, vps_err *err)
{
	static const char *const names[] = {"pid", "net",  "mnt",    "ipc",
					    "uts", "user", "cgroup", "time"};
	static const int types[] = {OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT,  OCI_NS_IPC,
				    OCI_NS_UTS, OCI_NS_USER,	OCI_NS_CGROUP, OCI_NS_TIME};
	*flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char a[64], b[64];
		struct stat sa, sb;
		/* fits: a namespace name in 64 */
		vps_snprintf(a, sizeof(a), "/proc/self/ns/%s", names[i]);
		/* fits: a pid and a namespace name in 64 */
		vps_snprintf(b, sizeof(b), "/proc/%d/ns/%s", (int)pid, names[i]);
		if (stat(a, &sa) < 0)
			continue; /* kernel without this namespace type */
		if (stat(b, &sb) < 0)
			return vps_error(err, errno, "%s", b);
		if (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev)
			*flags |= oci_ns_clone_flag((enum oci_ns_type)types[i]);
	}
	return 0;
}

/* User namespace first: it decides what the other joins are allowed. */
static const int join_order[] = {OCI_NS_USER,	 OCI_NS_IPC,	OCI_NS_UTS,
				 OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_MOUNT};

int vps_child_join_ns(struct vps_child *c, vps_err *err)
{
	if (c->exec_mode) {
		if (c->join_flags && setns(c->join_pidfd, c->join_flags) < 0)
			return vps_error(err, errno, "join the container's namespaces");
		/* the init's root, also right for --no-pivot containers */
		if (fchdir(c->root_fd) < 0 || chroot(".") < 0)
			return vps_error(err, errno, "enter the container's root");
		/* no fd of ours may be a way out or in (cwd via /proc/self/fd) */
		close(c->root_fd);
		close(c->join_pidfd);
		c->root_fd = c->join_pidfd = -1;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
		int t = join_order[i];
		if (c->ns_fds[t] < 0)
			continue;
		if (setns(c->ns_fds[t], oci_ns_clone_flag((enum oci_ns_type)t)) < 0)
			return vps_error(err, errno, "join %s namespace %s",
					 oci_ns_name((enum oci_ns_type)t),
					 c->spec->lx.namespaces[t].path);
	}
	vps_ns_close(c->ns_fds);
	if (c->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return vps_error(err, errno, "unshare cgroup namespace");
	return 0;
}
