/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One clone for the whole container: clone3 with every new namespace, a pidfd
 * and, when the cgroup driver gives a v2 directory fd, CLONE_INTO_CGROUP so the
 * process is born inside its cgroup. No re-exec of /proc/self/exe.
 * A user namespace joined by path must own the new namespaces, so it has to be
 * entered before the clone that makes them: a short-lived helper (fork) joins
 * it and clones with CLONE_PARENT, so the init is still our child; the helper
 * passes its pidfd back and exits. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

static long clone3_raw(struct clone_args *a)
{
	return syscall(SYS_clone3, a, sizeof(*a));
}

static int clone_init(struct vps_child *c, uint64_t ns_flags, int cgroup_fd, pid_t *pid, int *pidfd,
		      vps_err *err)
{
	int pfd = -1;
	/* the child must never show the host's vps file as its exe */
	int sr = vps_exe_shield(err);
	if (sr < 0)
		return sr;
	struct clone_args a;
	memset(&a, 0, sizeof(a));
	a.flags = ns_flags | CLONE_PIDFD;
	a.pidfd = (uint64_t)(uintptr_t)&pfd;
	/* clone3 wants no exit signal with CLONE_PARENT: the helper's (SIGCHLD) is used */
	a.exit_signal = (ns_flags & CLONE_PARENT) ? 0 : SIGCHLD;
	if (cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgroup_fd;
	}
	long r = clone3_raw(&a);
	if (r < 0 && errno == ENOSYS)
		return vps_error(err, errno, "clone3 (needs Linux 5.7+)");
	if (r < 0)
		return vps_error(err, errno, "clone (namespace flags 0x%llx)",
				 (unsigned long long)ns_flags);
	if (r == 0)
		vps_child_main(c); /* never returns */
	*pid = (pid_t)r;
	*pidfd = pfd;
	return 0;
}

/* The pid of a pidfd as our /proc sees it (the helper may sit in another pid
 * namespace). */
static int pidfd_pid(int pidfd, pid_t *pid, vps_err *err)
{
	char path[64];
	_cleanup_free_ char *info = NULL;
	size_t len;
	vps_snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd); /* fits: an fd number */
	int r = vps_read_file_at(AT_FDCWD, path, 1 << 16, &info, &len, err);
	if (r < 0)
		return r;
	const char *p = strstr(info, "\nPid:");
	int v;
	if (!p || sscanf(p + 5, "%d", &v) != 1 || v <= 0)
		return vps_errorx(err, ESRCH, "container init exited during create");
	*pid = v;
	return 0;
}

_Noreturn static void helper_main(struct vps_child *c, uint64_t ns_flags, int cgroup_fd, int sock)
{
	vps_err err = {0};
	pid_t pid;
	int pidfd = -1;
	if (setns(c->join_userns_fd, CLONE_NEWUSER) < 0)
		vps_error(&err, errno, "join user namespace %s",
			  c->spec->lx.namespaces[OCI_NS_USER].path);
	else if (clone_init(c, ns_flags | CLONE_PARENT, cgroup_fd, &pid, &pidfd, &err) == 0 &&
		 vps_sync_send(sock, VPS_SYNC_READY, 0, NULL, 0, pidfd) == 0)
		_exit(0);
	vps_sync_send_err(sock, &err);
	_exit(1);
}

static int spawn_in_userns(struct vps_child *c, uint64_t ns_flags, int cgroup_fd, pid_t *pid,
			   int *pidfd, vps_err *err)
{
	int sp[2], r;
	if ((r = vps_sync_pair(sp, err)) < 0)
		return r;
	pid_t h = fork();
	if (h == 0) {
		close(sp[0]);
		helper_main(c, ns_flags, cgroup_fd, sp[1]);
	}
	close(sp[1]);
	if (h < 0) {
		close(sp[0]);
		return vps_error(err, errno, "fork");
	}
	struct vps_sync_msg m;
	r = vps_sync_expect(sp[0], VPS_SYNC_READY, &m, err);
	close(sp[0]);
	for (int tries = 0; tries < 8 && waitpid(h, NULL, 0) < 0 && errno == EINTR; tries++)
		;
	if (r < 0)
		return r;
	if (m.fd < 0) {
		vps_sync_msg_clear(&m);
		return vps_errorx(err, EPROTO, "sync: no pidfd from the clone helper");
	}
	*pidfd = take_fd(m.fd);
	vps_sync_msg_clear(&m);
	if ((r = pidfd_pid(*pidfd, pid, err)) < 0) {
		close(*pidfd);
		*pidfd = -1;
	}
	return r;
}

int vps_spawn(struct vps_child *c, uint64_t ns_flags, int cgroup_fd, pid_t *pid, int *pidfd,
	      vps_err *err)
{
	if (c->join_userns_fd >= 0)
		return spawn_in_userns(c, ns_flags, cgroup_fd, pid, pidfd, err);
	return clone_init(c, ns_flags, cgroup_fd, pid, pidfd, err);
}
