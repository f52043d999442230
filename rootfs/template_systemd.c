/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A template tree whose init is systemd: recognised by what /sbin/init is
 * (resolved inside the root), and made ready for a container once per bundle:
 * the units that cannot work in any container are masked (a link to /dev/null
 * in /etc/systemd/system, as `systemctl mask` makes) and /etc/machine-id is a
 * fresh one, so VPSes unpacked from one cached tree never share it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* Units that need the host's kernel-wide state (modules, hugepages, kernel
 * debug/trace/config filesystems, the fuse control fs, pstore, devices from
 * udev) and so cannot work in any container; most also skip themselves by a
 * Condition, masked so that a VPS never tries (a root-in-host VPS would mount
 * debugfs otherwise). Listed in vps-bundle's section of vps(8). */
const char *const vps_systemd_masked[] = {
    "dev-hugepages.mount",	    "sys-kernel-config.mount",	     "sys-kernel-debug.mount",
    "sys-kernel-tracing.mount",	    "sys-fs-fuse-connections.mount", "systemd-modules-load.service",
    "kmod-static-nodes.service",    "systemd-pstore.service",	     "systemd-hwdb-update.service",
    "systemd-udevd.service",	    "systemd-udevd-control.socket",  "systemd-udevd-kernel.socket",
    "systemd-udev-trigger.service", "systemd-udev-settle.service",   NULL};

static bool same_file(int rootfd, const char *a, const char *b)
{
	vps_err e = {0};
	_cleanup_close_ int fa = vps_path_in_root(rootfd, a, &e);
	_cleanup_close_ int fb = fa < 0 ? -1 : vps_path_in_root(rootfd, b, &e);
	struct stat sa, sb;
	return fb >= 0 && fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

bool vps_tmpl_is_systemd(int rootfd)
{
	return same_file(rootfd, "/sbin/init", "/lib/systemd/systemd") ||
	       same_file(rootfd, "/sbin/init", "/usr/lib/systemd/systemd");
}

static int mask(int rootfd, const char *unit, vps_err *err)
{
	char path[256];
	int n = vps_snprintf(path, sizeof(path), "/etc/systemd/system/%s", unit);
	if (n < 0)
		return vps_error(err, -n, "mask %s", unit);
	const char *base;
	_cleanup_close_ int dir = vps_parent_in_root(rootfd, path, &base, err);
	if (dir < 0)
		return vps_error_wrap(err, "mask %s", unit);
	/* whatever the tree had there (an enablement link, a unit file) goes */
	if (unlinkat(dir, base, 0) < 0 && errno != ENOENT)
		return vps_error(err, errno, "mask %s: remove %s", unit, path);
	if (symlinkat("/dev/null", dir, base) < 0)
		return vps_error(err, errno, "mask %s: link %s", unit, path);
	return 0;
}

static int new_machine_id(int rootfd, vps_err *err)
{
	unsigned char b[16];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return vps_error(err, errno, "machine id: getrandom");
	static const char hex[] = "0123456789abcdef";
	char id[34];
	for (size_t i = 0; i < sizeof(b); i++) {
		id[2 * i] = hex[b[i] >> 4];
		id[2 * i + 1] = hex[b[i] & 15];
	}
	id[32] = '\n';
	id[33] = '\0';
	return vps_tmpl_write(rootfd, "/etc/machine-id", id, 0444, err);
}

int vps_tmpl_systemd_setup(int rootfd, vps_err *err)
{
	for (size_t i = 0; vps_systemd_masked[i]; i++) {
		int r = mask(rootfd, vps_systemd_masked[i], err);
		if (r < 0)
			return r;
	}
	return new_machine_id(rootfd, err);
}
