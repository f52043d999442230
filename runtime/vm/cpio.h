/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A newc ("070701") cpio writer for the guest initramfs, written by vps itself
 * (no cpio program at run time). Entries go straight to an fd. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

struct vps_cpio {
	int fd;
	unsigned ino;
	size_t off; /* bytes written, for the 4-byte padding */
};

void vps_cpio_init(struct vps_cpio *c, int fd);
/* A file with the given contents (mode includes S_IFREG), a directory, a device node. */
int vps_cpio_file(struct vps_cpio *c, const char *name, mode_t mode, const void *data, size_t len,
		  vps_err *err);
int vps_cpio_dir(struct vps_cpio *c, const char *name, mode_t mode, vps_err *err);
int vps_cpio_node(struct vps_cpio *c, const char *name, mode_t mode, unsigned major, unsigned minor,
		  vps_err *err);
/* Copy a host file (opened by the caller) into the archive as name. */
int vps_cpio_copy_fd(struct vps_cpio *c, const char *name, mode_t mode, int src, vps_err *err);
/* The TRAILER!!! entry. */
int vps_cpio_finish(struct vps_cpio *c, vps_err *err);
