/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The debian[:SUITE] template: debootstrap (minbase plus the init: systemd,
 * Debian's default, or sysvinit) from the Debian archive, cached as a tarball
 * in /var/cache/vps per suite and init so that the next bundle of the same
 * kind is a local unpack. */
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

/* DIR/debian-SUITE-ARCH.tar for sysvinit (the name from before there was a
 * choice), DIR/debian-SUITE-systemd-ARCH.tar for systemd. */
static char *cache_name(const char *dir, const char *suite, const struct vps_bundle_opts *o)
{
	struct utsname u;
	uname(&u);
	char *cache = NULL;
	if (asprintf(&cache, "%s/debian-%s%s-%s.tar", dir, suite, want_systemd(o) ? "-systemd" : "",
		     u.machine) < 0)
		return NULL;
	return cache;
}

static int init_setup(int rootfd, const struct vps_bundle_opts *o, vps_err *err)
{
	if (want_systemd(o))
		return vps_tmpl_systemd_setup(rootfd, err);
	return vps_tmpl_write(rootfd, "/etc/inittab", inittab, 0644, err);
}

static int debootstrap(const char *suite, const char *rootfs, const char *cache,
		       const struct vps_bundle_opts *o, vps_err *err)
{
	_cleanup_free_ char *include = NULL;
	if (asprintf(&include, "--include=%s,%s", init_package(o), DEBIAN_PKGS) < 0)
		return vps_error(err, ENOMEM, "debootstrap");
	char *argv[] = {"debootstrap", "--variant=minbase", include,
			(char *)suite, (char *)rootfs,	    NULL};
	log_info("debootstrap %s into %s (first time; later bundles use %s)", suite, rootfs, cache);
	int r = vps_tmpl_run(argv, err);
	if (r < 0)
		return r;
	/* Cache it: tar to a temp name, then rename (a crash leaves no half cache). */
	_cleanup_free_ char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp.%d", cache, (int)getpid()) < 0)
		return vps_error(err, ENOMEM, "cache");
	char *tar[] = {"tar", "-c", "--numeric-owner", "--xattrs", "-f",
		       tmp,   "-C", (char *)rootfs,    ".",	   NULL};
	vps_err e = {0};
	if (vps_tmpl_run(tar, &e) < 0 || rename(tmp, cache) < 0) {
		log_warn("could not cache the %s tree in %s: %s", suite, cache, e.msg);
		unlink(tmp);
	}
	return 0;
}

int vps_tmpl_debian(int rootfd, const char *rootfs, const char *suite,
		    const struct vps_bundle_opts *o, vps_err *err)
{
	if (!valid_suite(suite))
		return vps_errorx(err, EINVAL, "suite \"%s\": expected a name like bookworm",
				  suite);
	const char *dir = o->cache_dir ? o->cache_dir : VPS_CACHE_DIR;
	int r = vps_mkdir_p(dir, 0755, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *cache = cache_name(dir, suite, o);
	if (!cache)
		return vps_error(err, ENOMEM, "cache");
	if (access(cache, R_OK) == 0) {
		log_info("using cached %s", cache);
		vps_tmpl_progress(o, "unpacking the cached debian %s (%s)", suite, cache);
		r = vps_tmpl_tar(cache, rootfs, err);
	} else {
		vps_tmpl_progress(o,
				  "debootstrap %s: the first debian bundle downloads and installs "
				  "it (a minute or more); later ones unpack the cache",
				  suite);
		r = debootstrap(suite, rootfs, cache, o, err);
	}
	if (r < 0)
		return r;
	return init_setup(rootfd, o, err);
}
