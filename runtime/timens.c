/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's time namespace (linux.timeOffsets; procview's uptime that
 * starts at 0). One given by path is joined by the parent around the clone.
 * A new one is made by the init itself once it is in its user namespace, so
 * that this user namespace owns it, as runc's nsexec does: CRIU enters every
 * namespace of a VPS from the VPS's user namespace and recreates them there.
 * The parent opens the init's /proc/PID/timens_offsets and hands it over
 * (VPS_SYNC_TIMENSFD): the init, non-dumpable, cannot open its own /proc files
 * from a user namespace (they are the host root's), and the kernel checks
 * CAP_SYS_TIME of the file's opener over the namespace's owner. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int vps_timens_prepare(const struct oci_linux *lx, int *saved_fd, vps_err *err)
{
	*saved_fd = -1;
	const struct oci_namespace *ns = &lx->namespaces[OCI_NS_TIME];
	if (!ns->present || !ns->path)
		return 0;
	int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "time namespace (needs Linux 5.6+)");
	_cleanup_close_ int target = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (target < 0 || setns(target, CLONE_NEWTIME) < 0) {
		int e = errno;
		close(fd);
		return vps_error(err, e, "join time namespace %s", ns->path);
	}
	*saved_fd = fd;
	return 0;
}

int vps_timens_restore(int saved_fd, vps_err *err)
{
	if (saved_fd < 0)
		return 0;
	int r = setns(saved_fd, CLONE_NEWTIME);
	close(saved_fd);
	if (r < 0)
		return vps_error(err, errno, "restore time namespace");
	return 0;
}

int vps_timens_send(pid_t pid, int sync_fd, vps_err *err)
{
	char path[64];
	if (vps_snprintf(path, sizeof(path), "/proc/%d/timens_offsets", (int)pid) < 0)
		return vps_errorx(err, ENAMETOOLONG, "/proc/%d/timens_offsets: too long", (int)pid);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "time namespace: %s (needs Linux 5.6+)", path);
	int r = vps_sync_send(sync_fd, VPS_SYNC_TIMENSFD, 0, NULL, 0, fd);
	return r < 0 ? vps_error(err, -r, "sync: send the time namespace's offsets file") : 0;
}

int vps_child_timens(const struct oci_linux *lx, int offsets_fd, vps_err *err)
{
	char buf[128];
	if (offsets_fd < 0)
		return vps_errorx(err, EPROTO, "sync: no timens_offsets file before GO");
	int n = vps_snprintf(buf, sizeof(buf), "monotonic %lld %u\nboottime %lld %u\n",
			     (long long)lx->time_monotonic.secs, lx->time_monotonic.nanosecs,
			     (long long)lx->time_boottime.secs, lx->time_boottime.nanosecs);
	if (n < 0)
		return vps_errorx(err, -n, "linux.timeOffsets: format timens_offsets");
	if (unshare(CLONE_NEWTIME) < 0)
		return vps_error(err, errno, "unshare time namespace");
	/* the file names this process: the offsets go to time_for_children */
	if (write(offsets_fd, buf, (size_t)n) != n)
		return vps_error(err, errno, "linux.timeOffsets: write timens_offsets");
	_cleanup_close_ int ns = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWTIME) < 0)
		return vps_error(err, errno, "join the new time namespace");
	return 0;
}
