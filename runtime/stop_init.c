/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Asking a VPS's init to shut down (stop.h): a signal through its pidfd, or
 * for sysvinit a runlevel 0 request, the one `telinit 0` writes, on the
 * init's /run/initctl FIFO. That FIFO sits in the tenant's tree: it is
 * resolved in the init's root (RESOLVE_IN_ROOT, no magic links), opened
 * O_PATH, and written only if it is a FIFO (never a device node a tenant
 * planted there). Also: finding the init's monitor (its parent). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/mon.h"
#include "runtime/status.h"
#include "runtime/stop.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/io.h"
#include "util/openat2.h"

/* sysvinit's request record (initreq.h): 384 bytes */
struct initreq {
	int magic, cmd, runlevel, sleeptime;
	char data[368];
};
#define INITREQ_MAGIC	   0x03091969
#define INITREQ_CMD_RUNLVL 1

static int initctl(pid_t pid, vps_err *err)
{
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "root");
	_cleanup_close_ int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return vps_error(err, errno, "the init's root (%s)", path);
	_cleanup_close_ int p =
	    vps_openat2(root, "run/initctl", O_PATH, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	struct stat st;
	if (p < 0)
		return vps_error(err, -p, "sysvinit's /run/initctl");
	if (fstat(p, &st) < 0 || !S_ISFIFO(st.st_mode))
		return vps_errorx(err, EINVAL, "sysvinit's /run/initctl: not a FIFO");
	struct vps_fdpath fp;
	_cleanup_close_ int fd = open(vps_fdpath(&fp, p), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "sysvinit's /run/initctl");
	struct initreq req = {.magic = INITREQ_MAGIC, .cmd = INITREQ_CMD_RUNLVL, .runlevel = '0'};
	int r = vps_write_all(fd, &req, sizeof(req));
	return r < 0 ? vps_error(err, -r, "sysvinit's /run/initctl: write") : 0;
}

int vps_stop_ask(pid_t pid, int pidfd, const struct vps_stop_how *h, vps_err *err)
{
	if (h->initctl) {
		vps_err e;
		if (initctl(pid, &e) == 0)
			return 0;
		/* no sysvinit there after all: the plain signal, then the timeout */
	}
	if (pidfd_send_signal(pidfd, h->sig, NULL, 0) < 0 && errno != ESRCH)
		return vps_error(err, errno, "signal %d to the init (pid %d)", h->sig, (int)pid);
	return 0;
}

/* Field "PPid:" of /proc/PID/status. */
static pid_t parent_of(pid_t pid)
{
	char *buf = NULL;
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "status");
	if (vps_read_file_at(AT_FDCWD, path, 16384, &buf, NULL, NULL) < 0)
		return -1;
	char *p = strstr(buf, "\nPPid:");
	pid_t pp = p ? (pid_t)atoi(p + 6) : -1;
	free(buf);
	return pp;
}

/* pid is a vps monitor (by its name) other than the caller. */
static bool is_monitor(pid_t pid)
{
	char comm[32] = "";
	if (pid <= 1 || pid == getpid())
		return false;
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "comm");
	_cleanup_close_ int c = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = c >= 0 ? read(c, comm, sizeof(comm) - 1) : -1;
	return n > 0 && strncmp(comm, VPS_MON_COMM "\n", strlen(VPS_MON_COMM) + 1) == 0;
}

int vps_stop_monitor_pidfd(pid_t init)
{
	pid_t mon = parent_of(init);
	if (!is_monitor(mon))
		return -1;
	int fd = pidfd_open(mon, 0);
	if (fd >= 0 && parent_of(init) != mon) { /* it died meanwhile: mon may be reused */
		close(fd);
		return -1;
	}
	return fd;
}

int vps_stop_monitor_recorded(const struct vps_state *st)
{
	json_object *m, *p, *s;
	if (!st->extra || !json_object_object_get_ex(st->extra, "monitor", &m) ||
	    !json_object_object_get_ex(m, "pid", &p) || !json_object_object_get_ex(m, "start", &s))
		return -1;
	pid_t pid = (pid_t)json_object_get_int64(p);
	uint64_t start = (uint64_t)json_object_get_int64(s), now = 0;
	if (!is_monitor(pid))
		return -1;
	int fd = pidfd_open(pid, 0);
	/* after the pidfd: a start time that still matches is that very process */
	if (fd >= 0 && (vps_proc_starttime(pid, &now, NULL) < 0 || now != start)) {
		close(fd);
		return -1;
	}
	return fd;
}
