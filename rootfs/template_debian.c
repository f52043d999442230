/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The debian[:SUITE] template: debootstrap (minbase plus the init: systemd,
 * Debian's default, or sysvinit; plus --packages) from the Debian archive,
 * cached as a tarball in /var/cache/vps per suite, init and package set so
 * that the next bundle of the same kind is a local unpack (template_pkgs.c). */
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

#define DEBIAN_PKGS "procps,iproute2,login,passwd"

/* Containers have no gettys on ttys: keep only the rc lines of the inittab. */
static const char inittab[] =
    "# sysvinit as pid 1 of this VPS (vps debian template): runlevel 2, no gettys.\n"
    "id:2:initdefault:\n"
    "si::sysinit:/etc/init.d/rcS\n"
    "l0:0:wait:/etc/init.d/rc 0\n"
    "l1:1:wait:/etc/init.d/rc 1\n"
    "l2:2:wait:/etc/init.d/rc 2\n"
    "l3:3:wait:/etc/init.d/rc 3\n"
    "l6:6:wait:/etc/init.d/rc 6\n"
    "# SIGINT to the VPS's init (its stop signal): a clean poweroff\n"
    "ca::ctrlaltdel:/sbin/shutdown -h -P now\n";

static int valid_suite(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* ---- the init: which one, its package, its cache, its set-up ---- */
static bool want_systemd(const struct vps_bundle_opts *o)
{
	return !o->init || strcmp(o->init, "sysvinit") != 0;
}

static const char *init_package(const struct vps_bundle_opts *o)
{
	return want_systemd(o) ? "systemd-sysv" : "sysvinit-core";
}

static int init_setup(int rootfd, const struct vps_bundle_opts *o, vps_err *err)
{
	if (want_systemd(o))
		return vps_tmpl_systemd_setup(rootfd, err);
	return vps_tmpl_write(rootfd, "/etc/inittab", inittab, 0644, err);
}

int vps_tmpl_debian(int rootfd, const char *rootfs, const char *suite,
		    const struct vps_bundle_opts *o, vps_err *err)
{
	if (!valid_suite(suite))
		return vps_errorx(err, EINVAL, "suite \"%s\": expected a name like bookworm",
				  suite);
	_cleanup_free_ char *base = NULL;
	if (asprintf(&base, "%s,%s", init_package(o), DEBIAN_PKGS) < 0)
		return vps_error(err, ENOMEM, "debian packages");
	int r = vps_tmpl_debootstrap_cached(rootfs, suite, want_systemd(o) ? "systemd" : "sysvinit",
					    base, o, err);
	if (r < 0)
		return r;
	return init_setup(rootfd, o, err);
}
