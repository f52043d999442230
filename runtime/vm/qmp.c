/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal QMP client for the snapshot path (snapshot.c): QEMU's monitor
 * socket DIR/vm-qmp.sock, one command at a time, replies read line by line
 * (asynchronous events skipped), every wait bounded. A file descriptor can go
 * along with a command (SCM_RIGHTS, for `getfd`). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runtime/vm/vm.h"
#include "runtime/vm/wire.h"
#include "util/clock.h"
#include "util/fmt.h"

/* The next line (without '\n') into q->line; 0, or -ETIMEDOUT / -EPIPE. */
static int read_line(struct vps_vm_qmp *q, long deadline)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		if (nl) {
			size_t n = (size_t)(nl - q->buf);
			size_t keep = n < sizeof(q->line) - 1 ? n : sizeof(q->line) - 1;
			memcpy(q->line, q->buf, keep);
			q->line[keep] = '\0';
			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			return 0;
		}
		if (q->len == sizeof(q->buf)) /* an over-long line: drop its head */
			q->len = 0;
		long left = deadline - vps_now_ms();
		struct pollfd p = {.fd = q->fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		ssize_t r = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (r <= 0 && !(r < 0 && errno == EINTR))
			return -EPIPE;
		if (r > 0)
			q->len += (size_t)r;
	}
}

static int send_cmd(int fd, const char *cmd, int pass_fd)
{
	struct iovec iov = {.iov_base = (void *)cmd, .iov_len = strlen(cmd)};
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {0};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (pass_fd >= 0) {
		m.msg_control = u.b, m.msg_controllen = sizeof(u.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &m, MSG_NOSIGNAL) == (ssize_t)iov.iov_len ? 0 : -1;
}

/* The reply to cmd: the next "return" or "error" line (events skipped). */
static int reply(struct vps_vm_qmp *q, const char *cmd, long deadline, vps_err *err)
{
	for (;;) {
		int r = read_line(q, deadline);
		if (r < 0)
			return vps_errorx(err, -r, "vm: QMP: no answer to %s", cmd);
		if (strstr(q->line, "\"return\""))
			return 0;
		if (strstr(q->line, "\"error\""))
			return vps_errorx(err, EIO, "vm: QMP: %s: %s", cmd, q->line);
	}
}

int vps_vm_qmp(struct vps_vm_qmp *q, const char *cmd, int pass_fd, long timeout_ms, vps_err *err)
{
	long deadline = vps_now_ms() + timeout_ms;
	if (send_cmd(q->fd, cmd, pass_fd) < 0)
		return vps_error(err, errno, "vm: QMP: send %s", cmd);
	return reply(q, cmd, deadline, err);
}

int vps_vm_qmp_batch(struct vps_vm_qmp *q, const char *const *cmds, size_t n, long timeout_ms,
		     vps_err *err)
{
	long deadline = vps_now_ms() + timeout_ms;
	char all[2048];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		int w = vps_snprintf(all + len, sizeof(all) - len, "%s", cmds[i]);
		if (w < 0)
			return vps_errorx(err, E2BIG, "vm: QMP: %zu commands: too long", n);
		len += (size_t)w;
	}
	if (send_cmd(q->fd, all, -1) < 0)
		return vps_error(err, errno, "vm: QMP: send %s", cmds[0]);
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = reply(q, cmds[i], deadline, err);
	return r;
}

int vps_vm_qmp_open(struct vps_vm_qmp *q, const char *dir, long timeout_ms, vps_err *err)
{
	long deadline = vps_now_ms() + timeout_ms;
	q->len = 0;
	q->fd = -1;
	for (;;) { /* QEMU creates the socket while it starts */
		vps_err e = {0};
		q->fd = vps_vm_connect(dir, "vm-qmp.sock", &e);
		if (q->fd >= 0)
			break;
		if (vps_now_ms() >= deadline)
			return vps_errorx(err, e.code, "%s", e.msg);
		struct timespec ts = {0, 5 * 1000000L};
		nanosleep(&ts, NULL);
	}
	int r = read_line(q, deadline); /* the greeting */
	if (r == 0)
		r = vps_vm_qmp(q, "{\"execute\":\"qmp_capabilities\"}", -1, timeout_ms, err);
	else
		r = vps_errorx(err, -r, "vm: QMP: no greeting from QEMU");
	if (r < 0)
		close(q->fd), q->fd = -1;
	return r;
}
