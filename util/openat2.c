/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded openat2: see util/openat2.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/openat2.h"

int vps_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
	    .resolve = resolve,
	};
	for (int i = 0; i < VPS_OPENAT2_TRIES; i++) {
		long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}
