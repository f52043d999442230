/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exec barrier: a listening SOCK_SEQPACKET socket ROOT/ID/exec.sock made
 * by create and inherited by the container init, which blocks in accept()
 * after setup. `start` connects and sends one byte; the init execs with the
 * connection close-on-exec, so `start` reads EOF on success or the init's
 * real error (startContainer hook or exec failure) as a sync record. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"

#define BARRIER "exec.sock"

/* Through /proc/self/fd so a long --root never hits sun_path's limit. */
static int barrier_addr(int dirfd, struct sockaddr_un *sa, vps_err *err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* fits: an fd number and a short name in 108 */
	vps_snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd, BARRIER);
	(void)err;
	return 0;
}

int vps_barrier_create(int dirfd, const char *dir, int *fd, vps_err *err)
{
	struct sockaddr_un sa;
	barrier_addr(dirfd, &sa, err);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vps_error(err, errno, "exec barrier socket");
	unlinkat(dirfd, BARRIER, 0);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		return vps_error(err, errno, "exec barrier %s/%s", dir, BARRIER);
	*fd = take_fd(s);
	return 0;
}

int vps_barrier_wait(int listen_fd, vps_err *err)
{
	for (;;) {
		int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0 && errno == EINTR)
			continue;
		if (c < 0)
			return vps_error(err, errno, "exec barrier: accept");
		char b;
		ssize_t n;
		do
			n = recv(c, &b, 1, 0);
		while (n < 0 && errno == EINTR);
		if (n == 1)
			return c;
		close(c); /* a connection that sent nothing: not `start` */
	}
}

int vps_barrier_release(const char *dir, vps_err *err)
{
	_cleanup_close_ int dirfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dirfd < 0)
		return vps_error(err, errno, "%s", dir);
	struct sockaddr_un sa;
	barrier_addr(dirfd, &sa, err);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vps_error(err, errno, "exec barrier socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			return vps_errorx(err, ESRCH,
					  "container init is not waiting to start (already started "
					  "or gone)");
		return vps_error(err, errno, "exec barrier: connect");
	}
	if (send(s, "s", 1, MSG_NOSIGNAL) != 1)
		return vps_error(err, errno, "exec barrier: release");
	struct vps_sync_msg m;
	int r = vps_sync_recv(s, &m, err);
	if (r < 0)
		return r;
	if (r == 0)
		return 0; /* closed on exec: the process runs */
	r = vps_errorx(err, m.code > 0 ? m.code : EINVAL, "%s", m.data ? m.data : "start failed");
	vps_sync_msg_clear(&m);
	return r;
}
