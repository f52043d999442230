/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User namespace id maps, written by the parent into /proc/PID/{uid,gid}_map
 * (setgroups is denied first when we lack CAP_SETGID over the host, as the
 * kernel requires for an unprivileged gid map). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

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
