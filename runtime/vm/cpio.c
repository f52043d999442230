/* SPDX-License-Identifier: GPL-2.0-or-later */
/* newc cpio: a 110-byte ASCII header, the name (NUL-terminated), padding to 4,
 * the data, padding to 4; ends with an entry named TRAILER!!!. */
#include "runtime/vm/cpio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/io.h"

void vps_cpio_init(struct vps_cpio *c, int fd)
{
	c->fd = fd;
	c->ino = 1;
	c->off = 0;
}

static int put(struct vps_cpio *c, const void *buf, size_t len, vps_err *err)
{
	int r = vps_write_all(c->fd, buf, len);
	if (r < 0)
		return vps_error(err, -r, "write initramfs");
	c->off += len;
	return 0;
}

static int pad(struct vps_cpio *c, vps_err *err)
{
	static const char zeros[4];
	size_t n = (4 - (c->off & 3)) & 3;
	return n ? put(c, zeros, n, err) : 0;
}

static int header(struct vps_cpio *c, const char *name, mode_t mode, size_t size, unsigned maj,
		  unsigned min, vps_err *err)
{
	char h[111];
	size_t namesize = strlen(name) + 1;
	if (size > 0xffffffffu)
		return vps_errorx(err, EFBIG, "initramfs: %s: too large for cpio", name);
	/* fits: 6 + 13 * 8 characters in 111 */
	vps_snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		     c->ino++, (unsigned)mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, (unsigned)size,
		     0u, 0u, maj, min, (unsigned)namesize, 0u);
	int r = put(c, h, 110, err);
	if (r == 0)
		r = put(c, name, namesize, err);
	return r < 0 ? r : pad(c, err);
}

int vps_cpio_file(struct vps_cpio *c, const char *name, mode_t mode, const void *data, size_t len,
		  vps_err *err)
{
	int r = header(c, name, S_IFREG | (mode & 07777), len, 0, 0, err);
	if (r == 0 && len)
		r = put(c, data, len, err);
	return r < 0 ? r : pad(c, err);
}

int vps_cpio_dir(struct vps_cpio *c, const char *name, mode_t mode, vps_err *err)
{
	return header(c, name, S_IFDIR | (mode & 07777), 0, 0, 0, err);
}

int vps_cpio_node(struct vps_cpio *c, const char *name, mode_t mode, unsigned major, unsigned minor,
		  vps_err *err)
{
	return header(c, name, mode, 0, major, minor, err);
}

int vps_cpio_copy_fd(struct vps_cpio *c, const char *name, mode_t mode, int src, vps_err *err)
{
	struct stat st;
	if (fstat(src, &st) < 0)
		return vps_error(err, errno, "initramfs: stat %s", name);
	if (!S_ISREG(st.st_mode))
		return vps_errorx(err, EINVAL, "initramfs: %s: not a regular file", name);
	int r = header(c, name, S_IFREG | (mode & 07777), (size_t)st.st_size, 0, 0, err);
	if (r < 0)
		return r;
	static char buf[65536]; /* off the stack: vps is single-threaded */
	size_t left = (size_t)st.st_size;
	while (left) {
		ssize_t n = read(src, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vps_error(err, n < 0 ? errno : EIO, "initramfs: read %s", name);
		if ((r = put(c, buf, (size_t)n, err)) < 0)
			return r;
		left -= (size_t)n;
	}
	return pad(c, err);
}

int vps_cpio_finish(struct vps_cpio *c, vps_err *err)
{
	return header(c, "TRAILER!!!", 0, 0, 0, 0, err);
}
