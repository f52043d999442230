/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A /proc/sys value inside a VPS's network namespace: /proc/sys/net belongs to
 * the netns of the thread that opens it, so enter, open, return, then read or
 * write. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns/setup.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/io.h"

/* /proc/sys/PATH of the netns nsfd, opened with flags: the fd */
static int open_in(int nsfd, const char *path, int flags, vps_err *err)
{
	char p[256];
	int r = vps_snprintf(p, sizeof(p), "/proc/sys/%s", path);
	if (r < 0)
		return vps_error(err, -r, "sysctl %s", path);
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return vps_error(err, errno, "open /proc/self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return vps_error(err, errno, "enter the VPS's network namespace");
	_cleanup_close_ int fd = open(p, flags | O_CLOEXEC);
	int saved = errno;
	if (setns(self, CLONE_NEWNET) < 0) /* going on in the wrong netns: refuse */
		return vps_error(err, errno, "return to the host network namespace");
	return fd < 0 ? vps_error(err, saved, "in the VPS: open %s", p) : take_fd(fd);
}

int vps_net_sysctl_in(int nsfd, const char *path, const char *val, vps_err *err)
{
	_cleanup_close_ int fd = open_in(nsfd, path, O_WRONLY, err);
	if (fd < 0)
		return fd;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		return vps_error(err, errno, "in the VPS: write /proc/sys/%s", path);
	return 0;
}

int vps_net_sysctl_get(int nsfd, const char *path, char *buf, size_t size, vps_err *err)
{
	_cleanup_close_ int fd = open_in(nsfd, path, O_RDONLY, err);
	if (fd < 0)
		return fd;
	ssize_t n = vps_read_full(fd, buf, size - 1);
	if (n < 0)
		return vps_error(err, errno, "in the VPS: read /proc/sys/%s", path);
	buf[n] = '\0';
	return 0;
}
