/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bundle opener (bundle.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specs/bundle.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/openat2.h"

/* An absolute root.path: its last component must not be a symlink. */
static int open_abs(const char *rp)
{
	int fd = open(rp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	int e = errno;
	struct stat sb; /* O_NOFOLLOW|O_DIRECTORY on a symlink says ENOTDIR */
	if (e == ENOTDIR && lstat(rp, &sb) == 0 && S_ISLNK(sb.st_mode))
		return -ELOOP;
	return -e;
}

int oci_bundle_open_rootfs(const char *bundle, const char *root_path, vps_err *err)
{
	const char *rp = root_path ? root_path : "rootfs";
	int fd;
	if (rp[0] == '/') {
		fd = open_abs(rp);
	} else {
		_cleanup_close_ int bfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (bfd < 0)
			return vps_error(err, errno, "bundle %s", bundle);
		fd = vps_openat2(bfd, rp, O_RDONLY | O_DIRECTORY, 0,
				 RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
	}
	if (fd < 0)
		return vps_error(err, -fd, "config.json: .root.path \"%s\"%s", rp,
				 fd == -ELOOP ? " (a symlink; not followed)" : "");
	return fd;
}

/* The path of the directory fd refers to (the kernel's name for it). */
static int fd_path(int fd, const char *rp, char *out, size_t sz, vps_err *err)
{
	struct vps_fdpath proc;
	ssize_t n = readlink(vps_fdpath(&proc, fd), out, sz);
	if (n < 0)
		return vps_error(err, errno, "config.json: .root.path \"%s\"", rp);
	if ((size_t)n >= sz)
		return vps_errorx(err, ENAMETOOLONG, "config.json: .root.path \"%s\"", rp);
	out[n] = '\0';
	return 0;
}

int oci_bundle_open(const char *bundle, struct oci_bundle **out, vps_err *err)
{
	const char *dir = bundle ? bundle : ".";
	struct oci_bundle *b = calloc(1, sizeof(*b));
	if (!b)
		return vps_error(err, ENOMEM, "bundle %s", dir);
	/* a missing bundle names the file it should hold (as `passwd --bundle` did) */
	int r = realpath(dir, b->dir) ? 0 : vps_error(err, errno, "bundle %s/config.json", dir);
	if (r >= 0)
		r = oci_spec_read(b->dir, &b->config, &b->config_len, err);
	if (r >= 0)
		r = oci_spec_parse(b->config, b->config_len, &b->spec, err);
	const char *rp = r >= 0 && b->spec->root_path ? b->spec->root_path : "rootfs";
	_cleanup_close_ int fd = r >= 0 ? oci_bundle_open_rootfs(b->dir, rp, err) : -1;
	if (r >= 0 && fd < 0)
		r = fd;
	if (r >= 0)
		r = fd_path(fd, rp, b->rootfs, sizeof(b->rootfs), err);
	if (r < 0) {
		oci_bundle_free(b);
		return r;
	}
	*out = b;
	return 0;
}

void oci_bundle_free(struct oci_bundle *b)
{
	if (!b)
		return;
	oci_spec_free(b->spec);
	free(b->config);
	free(b);
}
