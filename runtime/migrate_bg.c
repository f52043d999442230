/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The final copy of a live move alongside CRIU's dump. Once the VPS is
 * frozen its files stop changing, and criu dump writes only its images
 * (which the copy leaves out), so the bundle's delta is copied by a child
 * while the dump runs instead of after it: the downtime loses the rsync walk
 * of the rootfs (50 ms for a busybox VPS, 150 ms for a systemd one here).
 * The child sends back its result (0 or -errno, the bytes sent, the
 * message) on a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/migrate.h"
#include "util/io.h"

struct bg_result {
	int32_t r;
	uint64_t bytes;
	char msg[VPS_ERR_MSG_MAX];
};

/* vps migrate killed (the guard settles): the copy and its rsync go too,
 * not to write into a destination being removed */
static void kill_group(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
}

static int die_with(pid_t parent)
{
	struct sigaction sa = {.sa_handler = kill_group};
	if (setpgid(0, 0) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		return -1;
	return getppid() == parent ? 0 : -1;
}

int vps_mig_rsync_start(struct mig *m, const char *src, const char *dst, struct mig_bg *bg,
			vps_err *err)
{
	int p[2];
	pid_t parent = getpid();
	bg->pid = -1;
	bg->fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]), close(p[1]);
		return vps_error(err, errno, "fork for the final copy");
	}
	if (pid == 0) {
		struct bg_result res = {0};
		vps_err e = {0};
		close(p[0]);
		if (m->guard >= 0) /* the guard's EOF is vps migrate's end */
			close(m->guard);
		if (die_with(parent) < 0)
			_exit(1);
		m->bytes = 0;
		res.r = vps_mig_rsync(m, src, dst, &e);
		res.bytes = m->bytes;
		memcpy(res.msg, e.msg, sizeof(res.msg));
		_exit(vps_write_all(p[1], &res, sizeof(res)) < 0);
	}
	close(p[1]);
	bg->pid = pid;
	bg->fd = p[0];
	return 0;
}

int vps_mig_rsync_wait(struct mig *m, struct mig_bg *bg, vps_err *err)
{
	struct bg_result res = {0};
	if (bg->pid <= 0)
		return 0;
	ssize_t n = vps_read_full(bg->fd, &res, sizeof(res));
	close(bg->fd);
	while (waitpid(bg->pid, NULL, 0) < 0 && errno == EINTR)
		;
	bg->pid = -1;
	bg->fd = -1;
	if (n != (ssize_t)sizeof(res))
		return vps_errorx(err, EIO, "the final copy ended without a result");
	m->bytes += res.bytes;
	if (res.r < 0) {
		res.msg[sizeof(res.msg) - 1] = '\0';
		return vps_errorx(err, -res.r, "%s", res.msg);
	}
	return 0;
}
