/* One clone for the whole container: clone3 with every new namespace, a pidfd
 * and, when the cgroup driver gives a v2 directory fd, CLONE_INTO_CGROUP so the
 * process is born inside its cgroup. No re-exec of /proc/self/exe. */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/internal.h"

static long clone3_raw(struct clone_args *a)
{
	return syscall(SYS_clone3, a, sizeof(*a));
}

int vps_spawn(struct vps_child *c, uint64_t ns_flags, int cgroup_fd, pid_t *pid, int *pidfd,
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
	a.exit_signal = SIGCHLD;
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
