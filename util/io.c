/* SPDX-License-Identifier: GPL-2.0-or-later */
/* write-all and read-full: short transfers and EINTR resumed, every loop bounded
 * (each pass moves at least one byte, or counts one interruption). */
#include "util/io.h"

#include <errno.h>
#include <unistd.h>

int vps_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	unsigned intr = 0;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR && ++intr < VPS_IO_EINTR_MAX)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		intr = 0;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

ssize_t vps_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	unsigned intr = 0;
	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0 && errno == EINTR && ++intr < VPS_IO_EINTR_MAX)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		intr = 0;
		got += (size_t)r;
	}
	return (ssize_t)got;
}
