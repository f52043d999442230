/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A user namespace carrying a mount's uidMappings/gidMappings, for idmapped
 * bind mounts (mount_setattr MOUNT_ATTR_IDMAP). A helper child unshares a user
 * namespace; we write its maps through /proc (the helper names its pid as our
 * /proc sees it, which is not our pid namespace's number), keep an fd of the
 * namespace and let the helper exit. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/userns.h"
#include "util/cleanup.h"
#include "util/fmt.h"

#define MAP_TEXT_MAX 4096

static int write_map(const char *pid, const char *file, const struct oci_idmap *m, size_t n,
		     vps_err *err)
{
	char buf[MAP_TEXT_MAX], path[64];
	int len = oci_idmap_format(m, n, buf, sizeof(buf));
	if (len < 0)
		return vps_errorx(err, E2BIG, "idmap: too many %s entries", file);
	if (vps_snprintf(path, sizeof(path), "/proc/%s/%s", pid, file) < 0)
		return vps_errorx(err, ENAMETOOLONG, "idmap: /proc/%s/%s: too long", pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "idmap: open %s", path);
	if (write(fd, buf, (size_t)len) != len)
		return vps_error(err, errno, "idmap: write %s", file);
	return 0;
}

static void helper(int report, int wait_fd)
{
	char pid[32];
	ssize_t n = readlink("/proc/self", pid, sizeof(pid) - 1);
	if (n <= 0 || unshare(CLONE_NEWUSER) < 0)
		_exit(1);
	pid[n] = '\0';
	if (write(report, pid, (size_t)n + 1) != n + 1)
		_exit(1);
	char c;
	(void)!read(wait_fd, &c, 1); /* until the parent is done (EOF) */
	_exit(0);
}

int vps_idmap_userns(const struct oci_idmap *uid, size_t n_uid, const struct oci_idmap *gid,
		     size_t n_gid, vps_err *err)
{
	if (!n_uid || !n_gid)
		return vps_errorx(err, EINVAL,
				  "idmap: both uidMappings and gidMappings are needed");
	int rep[2], hold[2];
	if (pipe2(rep, O_CLOEXEC) < 0)
		return vps_error(err, errno, "idmap: pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(rep[0]);
		close(rep[1]);
		return vps_error(err, errno, "idmap: pipe");
	}
	pid_t p = fork();
	if (p == 0) {
		close(rep[0]);
		close(hold[1]);
		helper(rep[1], hold[0]);
	}
	close(rep[1]);
	close(hold[0]);
	_cleanup_close_ int rfd = rep[0], hfd = hold[1];
	if (p < 0)
		return vps_error(err, errno, "idmap: fork");
	char pid[32] = {0};
	int r = 0, ns = -1;
	if (read(rfd, pid, sizeof(pid) - 1) <= 0 || !pid[0])
		r = vps_errorx(err, EPERM, "idmap: the helper could not make a user namespace");
	if (r == 0)
		r = write_map(pid, "uid_map", uid, n_uid, err);
	if (r == 0)
		r = write_map(pid, "gid_map", gid, n_gid, err);
	if (r == 0) {
		char path[64];
		ns = vps_snprintf(path, sizeof(path), "/proc/%s/ns/user", pid) < 0
			 ? -1
			 : open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0)
			r = vps_error(err, errno, "idmap: open %s", path);
	}
	close(take_fd(hfd));
	while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
		;
	return r < 0 ? r : ns;
}
