/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_snprintf: snprintf that fails instead of truncating; vps_fdpath, vps_procpath. */
#include "util/fmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int vps_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	if (!cap)
		return -EINVAL;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		buf[0] = '\0';
	if (n < 0)
		return -EIO;
	return (size_t)n >= cap ? -ENAMETOOLONG : n;
}

const char *vps_fdpath(struct vps_fdpath *p, int fd)
{
	vps_snprintf(p->s, sizeof(p->s), "/proc/self/fd/%d", fd); /* fits: 14 + 11 in 32 */
	return p->s;
}

const char *vps_procpath(struct vps_procpath *p, pid_t pid, const char *what)
{
	vps_snprintf(p->s, sizeof(p->s), "/proc/%d/%s", (int)pid, what); /* fits: or "" */
	return p->s;
}
