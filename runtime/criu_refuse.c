/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What CRIU is known to refuse, found before it runs so that vps names the
 * resource instead of handing over a line of CRIU's log. A VPS with a user
 * namespace of its own: CRIU enters that user namespace and from there every
 * other namespace of the VPS (check_user_ns), so each must be owned by it,
 * else CRIU stops ("Can't setns .../time: Operation not permitted"). vps
 * makes them so (the time namespace of the VPS's uptime is made by the init
 * once in its user namespace, timens.c); one joined by path (config.json)
 * may not be, nor the time namespace of a VPS started by a vps that made it
 * before the clone, in the host's user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/criu.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static int ns_ino(pid_t pid, const char *ns, ino_t *ino, int *fd_out, vps_err *err)
{
	char path[64];
	struct stat st;
	/* fits: a pid and a namespace name in 64 */
	vps_snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vps_error(err, e, "%s", path);
	}
	*ino = st.st_ino;
	if (fd_out)
		*fd_out = fd;
	else
		close(fd);
	return 0;
}

/* The inode of the user namespace that owns pid's namespace ns. */
static int owner_ino(pid_t pid, const char *ns, ino_t *ino, vps_err *err)
{
	_cleanup_close_ int fd = -1;
	int r = ns_ino(pid, ns, ino, &fd, err);
	if (r < 0)
		return r;
	_cleanup_close_ int owner = ioctl(fd, NS_GET_USERNS);
	struct stat st;
	if (owner < 0 || fstat(owner, &st) < 0)
		return vps_error(err, errno, "the user namespace owning the VPS's %s namespace",
				 ns);
	*ino = st.st_ino;
	return 0;
}

int vps_ckpt_refused(pid_t pid, vps_err *err)
{
	static const char *const ns[] = {"net", "uts", "ipc", "mnt", "time"};
	ino_t user, host, own, self, ours;
	int r;
	if ((r = ns_ino(pid, "user", &user, NULL, err)) < 0 ||
	    (r = ns_ino(getpid(), "user", &host, NULL, err)) < 0)
		return r;
	if (user == host)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		/* CRIU looks only at those the VPS does not share with it */
		if ((r = ns_ino(pid, ns[i], &self, NULL, err)) < 0 ||
		    (r = ns_ino(getpid(), ns[i], &ours, NULL, err)) < 0)
			return r;
		if (self == ours)
			continue;
		if ((r = owner_ino(pid, ns[i], &own, err)) < 0)
			return r;
		if (own == user)
			continue;
		return vps_errorx(err, ENOTSUP,
				  "the VPS's %s namespace (%s:[%lu]) is owned by another user "
				  "namespace than the VPS's own (user:[%lu]), so CRIU cannot "
				  "enter it from there%s",
				  ns[i], ns[i], (unsigned long)self, (unsigned long)user,
				  i == 4 ? " (a time namespace joined by path, or made for the "
					   "VPS's uptime outside its user namespace by an older "
					   "vps: stop and start the VPS once)"
					 : "");
	}
	return 0;
}
