/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding a container's init safely: its pid is only trusted together with
 * the start time recorded at create (runtime/status.c), checked again after
 * the pidfd is open, so a recycled pid is never signalled. */
#include <errno.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "runtime/status.h"

int vps_state_pidfd(const struct vps_state *st, int *pidfd, vps_err *err)
{
	*pidfd = -1;
	if (st->pid <= 0)
		return vps_errorx(err, ESRCH, "container has no init process");
	if (!vps_pid_matches(st->pid, st->pid_start))
		return vps_errorx(err, ESRCH, "container init (pid %d) is not running", st->pid);
	int fd = pidfd_open(st->pid, 0);
	if (fd < 0)
		return vps_error(err, errno, "pidfd_open %d", st->pid);
	/* the pid could have been recycled between the check and the open */
	if (!vps_pid_matches(st->pid, st->pid_start)) {
		close(fd);
		return vps_errorx(err, ESRCH, "container init (pid %d) is not running", st->pid);
	}
	*pidfd = fd;
	return 0;
}
