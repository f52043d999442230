/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User namespace id maps, written by the parent into /proc/PID/{uid,gid}_map
 * (setgroups is denied first when we lack CAP_SETGID over the host, as the
 * kernel requires for an unprivileged gid map), and time namespace offsets. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int write_proc(pid_t pid, const char *file, const char *buf, size_t len, vps_err *err)
{
	char path[64];
	if (vps_snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file) < 0)
		return vps_errorx(err, ENAMETOOLONG, "/proc/%d/%s: too long", (int)pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "open %s", path);
	if (write(fd, buf, len) != (ssize_t)len)
		return vps_error(err, errno, "write %s", path);
	return 0;
}

static int format_map(const struct oci_idmap *m, size_t n, char *buf, size_t cap, const char *what,
		      vps_err *err)
{
	int r = oci_idmap_format(m, n, buf, cap);
	return r < 0 ? vps_errorx(err, E2BIG, "linux.%s: too many entries", what) : r;
}

static bool have_host_setgid(void)
{
	cap_t c = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;
	if (c) {
		cap_get_flag(c, CAP_SETGID, CAP_EFFECTIVE, &v);
		cap_free(c);
	}
	return v == CAP_SET;
}

int vps_idmap_write(pid_t pid, const struct oci_linux *lx, vps_err *err)
{
	char buf[4096];
	int n, r;
	if (!lx->n_uid_mappings || !lx->n_gid_mappings)
		return vps_errorx(err, EINVAL,
				  "linux: a new user namespace needs uidMappings and gidMappings");
	if ((n = format_map(lx->uid_mappings, lx->n_uid_mappings, buf, sizeof(buf), "uidMappings",
			    err)) < 0)
		return n;
	if ((r = write_proc(pid, "uid_map", buf, (size_t)n, err)) < 0)
		return vps_error_wrap(err, "linux.uidMappings");
	if (!have_host_setgid() && (r = write_proc(pid, "setgroups", "deny", 4, err)) < 0)
		return r;
	if ((n = format_map(lx->gid_mappings, lx->n_gid_mappings, buf, sizeof(buf), "gidMappings",
			    err)) < 0)
		return n;
	if ((r = write_proc(pid, "gid_map", buf, (size_t)n, err)) < 0)
		return vps_error_wrap(err, "linux.gidMappings");
	return 0;
}

int vps_timens_prepare(const struct oci_linux *lx, int *saved_fd, vps_err *err)
{
	*saved_fd = -1;
	const struct oci_namespace *ns = &lx->namespaces[OCI_NS_TIME];
	if (!ns->present)
		return 0;
	int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "time namespace (needs Linux 5.6+)");
	if (ns->path) {
		_cleanup_close_ int target = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (target < 0 || setns(target, CLONE_NEWTIME) < 0) {
			close(fd);
			return vps_error(err, errno, "join time namespace %s", ns->path);
		}
		*saved_fd = fd;
		return 0;
	}
	if (unshare(CLONE_NEWTIME) < 0) {
		close(fd);
		return vps_error(err, errno, "unshare time namespace");
	}
	*saved_fd = fd;
	char buf[128];
	int n = vps_snprintf(buf, sizeof(buf), "monotonic %lld %u\nboottime %lld %u\n",
			     (long long)lx->time_monotonic.secs, lx->time_monotonic.nanosecs,
			     (long long)lx->time_boottime.secs, lx->time_boottime.nanosecs);
	if (n < 0)
		return vps_errorx(err, -n, "linux.timeOffsets: format timens_offsets");
	_cleanup_close_ int ofd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (ofd < 0 || write(ofd, buf, (size_t)n) != n)
		return vps_error(err, errno, "linux.timeOffsets: write timens_offsets");
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
