/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dir:PATH and tar:FILE templates: the tree is copied or unpacked as is
 * (numeric owners, modes, xattrs kept) by cp and tar, from a source opened
 * once: PATH is opened without following any symlink on it (a symlink a user
 * swapped in anywhere on the path is refused, not followed to a root-only
 * file), its owner must be root or the caller, and cp/tar read that very
 * directory or file through the fd (never the path again). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/openat2.h"

/* kind:src opened as O_PATH, owner checked; *st filled. */
static int open_source(const char *kind, const char *src, struct stat *st, vps_err *err)
{
	int fd = vps_openat2(AT_FDCWD, src, O_PATH, 0, RESOLVE_NO_SYMLINKS);
	if (fd == -ELOOP)
		return vps_errorx(err, ELOOP,
				  "%s:%s: a symlink on the path (never followed: its owner could "
				  "swap it); give the real path",
				  kind, src);
	if (fd < 0)
		return vps_error(err, -fd, "%s:%s", kind, src);
	if (fstat(fd, st) < 0) {
		close(fd);
		return vps_error(err, errno, "%s:%s", kind, src);
	}
	if (st->st_uid != 0 && st->st_uid != getuid()) {
		close(fd);
		return vps_errorx(err, EPERM,
				  "%s:%s: owned by uid %u, neither root nor you; not copying it "
				  "into a VPS",
				  kind, src, (unsigned)st->st_uid);
	}
	return fd;
}

int vps_tmpl_dir(const char *src, const char *rootfs, vps_err *err)
{
	struct stat st;
	_cleanup_close_ int fd = open_source("dir", src, &st, err);
	if (fd < 0)
		return fd;
	if (!S_ISDIR(st.st_mode))
		return vps_errorx(err, ENOTDIR, "dir:%s: not a directory", src);
	/* cp gets the directory as its fd 3. */
	char *argv[] = {"cp",		"-a", "--reflink=auto", "--", "/proc/self/fd/3/.",
			(char *)rootfs, NULL};
	return vps_tmpl_run_fd(argv, fd, 3, err);
}

int vps_tmpl_tar(const char *file, const char *rootfs, vps_err *err)
{
	struct stat st;
	_cleanup_close_ int pfd = open_source("tar", file, &st, err);
	if (pfd < 0)
		return pfd;
	char what[64];
	vps_snprintf(what, sizeof(what), "tar:%.59s", file); /* fits: %.59s in 64 */
	_cleanup_close_ int fd = vps_reopen_regular(pfd, what, O_RDONLY, &st, err);
	if (fd < 0)
		return fd;
	/* GNU tar refuses members with ".." and strips leading "/" by default;
	 * it reads the archive from its stdin (our fd). */
	char *argv[] = {
	    "tar", "-x", "--numeric-owner", "-p", "--xattrs", "--xattrs-include=*", "-f",
	    "-",   "-C", (char *)rootfs,    NULL};
	return vps_tmpl_run_fd(argv, fd, 0, err);
}

int vps_tmpl_drop_devices(const char *rootfs, vps_err *err)
{
	_cleanup_free_ char *top = NULL;
	if (asprintf(&top, "%s%s", rootfs[0] == '/' ? "" : "./", rootfs) < 0)
		return vps_error(err, ENOMEM, "%s", rootfs);
	char *argv[] = {"find", top,	 "-xdev", "(", "-type",	  "b",
			"-o",	"-type", "c",	  ")", "-delete", NULL};
	int r = vps_tmpl_run(argv, err);
	return r < 0 ? vps_error_wrap(err, "remove the template's device nodes") : 0;
}
