/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: the process enters the container's pid (and time) namespace only as a
 * child of a helper that already has the container's mount namespace, root and
 * the process's final credentials. vps exec clones the helper in its own pid
 * namespace (nothing in the container can see it: no /proc/PID/root of it
 * leads to the host's root, no ptrace of a process holding the host's caps),
 * the helper joins everything through the init's pidfd (pid and time for its
 * children), chroots, sets limits, cwd and identity, and then clones the real
 * process with CLONE_PARENT, so vps exec waits on it as before. The helper
 * reports the pid and exits; the process goes on (session, pty, exec) once vps
 * exec has taken it over (VPS_SYNC_GO). */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int vps_child_fork_into_pidns(struct vps_child *c, vps_err *err)
{
	if (!c->fork_into_pidns)
		return 0;
	struct clone_args a;
	memset(&a, 0, sizeof(a));
	a.flags = CLONE_PARENT; /* exit_signal must stay 0: the helper's is used */
	long pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0 && errno == ENOSYS) /* a seccomp profile may refuse clone3 */
		pid = syscall(SYS_clone, CLONE_PARENT, NULL, NULL, NULL, 0);
	if (pid < 0)
		return vps_error(err, errno, "clone into the container's pid namespace");
	if (pid == 0) {
		struct vps_sync_msg go;
		int r = vps_sync_expect(c->sync_fd, VPS_SYNC_GO, &go, err);
		if (r < 0)
			return r;
		vps_sync_msg_clear(&go);
		return 0;
	}
	if (vps_sync_send(c->sync_fd, VPS_SYNC_PID, (int32_t)pid, NULL, 0, -1) < 0)
		kill((pid_t)pid, SIGKILL);
	_exit(0);
}

/* Parent: the helper named the process; reap the helper, follow the process. */
int vps_exec_take_over(pid_t *pid, int *pidfd, pid_t child, int sync_fd, vps_err *err)
{
	if (child <= 0)
		return vps_errorx(err, EPROTO, "sync: bad pid %d", (int)child);
	waitpid(*pid, NULL, 0);
	int fd = (int)syscall(SYS_pidfd_open, child, 0);
	if (fd < 0)
		return vps_error(err, errno, "pidfd_open %d", (int)child);
	close(*pidfd);
	*pidfd = fd;
	*pid = child;
	return vps_sync_go(sync_fd, NULL, 0, err);
}
