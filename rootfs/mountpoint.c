/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A mount point made inside a rootfs from the host side, before anything
 * mounts there: restore needs the targets of the checkpoint's bind mounts to
 * exist in a fresh rootfs (podman --import, containerd), as create's child
 * makes them for itself. Resolved inside the root (openat2 RESOLVE_IN_ROOT). */
#include <fcntl.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"

int vps_rootfs_mountpoint(const char *rootfs, const char *dest, bool dir, vps_err *err)
{
	_cleanup_close_ int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return vps_error(err, errno, "open rootfs %s", rootfs);
	int fd = vps_mkpath_in_root(root, dest, dir, err);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}
