/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The debian[:SUITE] template: debootstrap (minbase plus sysvinit as pid 1,
 * and --packages) from the Debian archive, cached as a tarball in
 * /var/cache/vps so that the next bundle of the same suite and package set is
 * a local unpack (template_pkgs.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/log.h"

#define DEBIAN_PKGS "sysvinit-core,procps,iproute2,login,passwd"

/* Containers have no gettys on ttys: keep only the rc lines of the inittab. */
static const char inittab[] =
    "# sysvinit as pid 1 of this VPS (vps debian template): runlevel 2, no gettys.\n"
    "id:2:initdefault:\n"
    "si::sysinit:/etc/init.d/rcS\n"
    "l0:0:wait:/etc/init.d/rc 0\n"
    "l1:1:wait:/etc/init.d/rc 1\n"
    "l2:2:wait:/etc/init.d/rc 2\n"
    "l3:3:wait:/etc/init.d/rc 3\n"
    "l6:6:wait:/etc/init.d/rc 6\n";

static int valid_suite(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int vps_tmpl_debian(int rootfd, const char *rootfs, const char *suite,
		    const struct vps_bundle_opts *o, vps_err *err)
{
	if (!valid_suite(suite))
		return vps_errorx(err, EINVAL, "suite \"%s\": expected a name like bookworm",
				  suite);
	int r = vps_tmpl_debootstrap_cached(rootfs, suite, "sysvinit", DEBIAN_PKGS, o, err);
	if (r < 0)
		return r;
	return vps_tmpl_write(rootfd, "/etc/inittab", inittab, 0644, err);
}
