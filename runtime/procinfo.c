/* Finding a container's init safely: its pid is only trusted together with
 * the start time recorded at create, checked again after the pidfd is open,
 * so a recycled pid is never signalled. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

int vps_pid_start_time(pid_t pid, uint64_t *start)
{
	char path[64];
	_cleanup_free_ char *buf = NULL;
	*start = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (vps_read_file_at(AT_FDCWD, path, 4096, &buf, NULL, NULL) < 0)
		return -ESRCH;
	/* comm may hold spaces and parens: fields restart after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p++;
	/* field 3 (state) is the first after ')'; starttime is field 22 */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -EINVAL;
	*start = strtoull(p + 1, NULL, 10);
	return 0;
}

static bool is_zombie(pid_t pid)
{
	char path[64];
	_cleanup_free_ char *buf = NULL;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (vps_read_file_at(AT_FDCWD, path, 4096, &buf, NULL, NULL) < 0)
		return true;
	char *p = strrchr(buf, ')');
	return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}

int vps_state_pidfd(const struct vps_state *st, int *pidfd, vps_err *err)
{
	uint64_t t;
	*pidfd = -1;
	if (st->pid <= 0)
		return vps_errorx(err, ESRCH, "container has no init process");
	if (vps_pid_start_time(st->pid, &t) < 0 || t != st->pid_start)
		return vps_errorx(err, ESRCH, "container init (pid %d) is not running", st->pid);
	int fd = pidfd_open(st->pid, 0);
	if (fd < 0)
		return vps_error(err, errno == ESRCH ? ESRCH : errno, "pidfd_open %d", st->pid);
	/* the pid could have been recycled between the check and the open */
	if (vps_pid_start_time(st->pid, &t) < 0 || t != st->pid_start) {
		close(fd);
		return vps_errorx(err, ESRCH, "container init (pid %d) is not running", st->pid);
	}
	*pidfd = fd;
	return 0;
}

enum vps_status vps_rt_status(const struct vps_state *st)
{
	uint64_t t;
	if (st->status == VPS_STOPPED)
		return VPS_STOPPED;
	if (st->pid <= 0)
		return st->status == VPS_CREATING ? VPS_CREATING : VPS_STOPPED;
	if (vps_pid_start_time(st->pid, &t) < 0 || t != st->pid_start || is_zombie(st->pid))
		return VPS_STOPPED;
	return st->status;
}
