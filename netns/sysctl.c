/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A /proc/sys value inside a VPS's network namespace: /proc/sys/net belongs to
 * the netns of the thread that opens it, so enter, open, return, write. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns/setup.h"
#include "util/cleanup.h"
#include "util/fmt.h"

int vps_net_sysctl_in(int nsfd, const char *path, const char *val, vps_err *err)
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
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	int saved = errno;
	ssize_t n = fd < 0 ? -1 : write(fd, val, strlen(val));
	saved = fd < 0 ? saved : errno;
	if (setns(self, CLONE_NEWNET) < 0) /* going on in the wrong netns: refuse */
		return vps_error(err, errno, "return to the host network namespace");
	if (n != (ssize_t)strlen(val))
		return vps_error(err, saved, "in the VPS: write %s", p);
	return 0;
}
