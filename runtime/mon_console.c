/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monitor's side of `vps console` (mon.h): ROOT/ID/console.sock, a
 * SOCK_SEQPACKET socket (0600 in the 0700 state dir; a peer must also have our
 * uid). One attach at a time: a second one is refused ("busy"), so two
 * operators never type into one login at once; attaches in turn are fine. A
 * new attach first gets the latest output (the ring), e.g. a login prompt
 * printed before it came. Nothing here blocks the monitor: the pty master
 * and the client socket are non-blocking, and what a slow client cannot take
 * is dropped for it (the log has everything). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/mon.h"
#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/io.h"
#include "util/log.h"

/* ROOT/ID/console.sock as a short path (/proc/self/fd/N/...: any id length);
 * *dirfd is the O_PATH fd it goes through. */
int vps_console_sock_addr(const char *dir, struct sockaddr_un *sa, int *dirfd, vps_err *err)
{
	*sa = (struct sockaddr_un){.sun_family = AF_UNIX};
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*dirfd < 0)
		return vps_error(err, errno, "%s", dir);
	if (vps_snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd,
			 VPS_CONSOLE_SOCK) < 0)
		return vps_errorx(err, ENAMETOOLONG, "console socket address");
	return 0;
}

int vps_mon_console_listen(struct vps_mon *m, vps_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int dirfd = -1;
	int r = vps_console_sock_addr(m->log.dir, &sa, &dirfd, err);
	if (r < 0)
		return r;
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return vps_error(err, errno, "console socket");
	unlink(sa.sun_path);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(s, 4) < 0)
		return vps_error(err, errno, "console socket %s/%s", m->log.dir, VPS_CONSOLE_SOCK);
	m->lsock = take_fd(s);
	return 0;
}

static void drop_client(struct vps_mon *m)
{
	if (m->client >= 0)
		close(m->client);
	m->client = -1;
}

void vps_mon_console_accept(struct vps_mon *m)
{
	int c = accept4(m->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != geteuid()) {
		close(c);
		return;
	}
	char b = m->client >= 0 ? VPS_CON_BUSY : VPS_CON_OK;
	if (send(c, &b, 1, MSG_NOSIGNAL) != 1 || b == VPS_CON_BUSY) {
		close(c);
		return;
	}
	m->client = c;
	if (m->ring_len)
		send(c, m->ring, m->ring_len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The attached client's window size for the VPS's terminal: a VM's is in the
 * guest (m->pty is the socket QEMU relays it on), set through its agent. */
static void resize(struct vps_mon *m, const struct winsize *ws)
{
	char dir[PATH_MAX];
	vps_err e = {0};
	if (!m->vm) {
		ioctl(m->pty, TIOCSWINSZ, ws);
		return;
	}
	if (vps_snprintf(dir, sizeof(dir), "%s/%s", m->root, m->o.id) < 0 ||
	    vps_vm_resize(dir, ws->ws_row, ws->ws_col, &e) < 0)
		log_debug("console: resize the VM's terminal: %s", e.msg);
}

int vps_mon_console_input(struct vps_mon *m)
{
	char buf[VPS_CON_MSG + 1];
	ssize_t n = recv(m->client, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 1;
	if (n <= 0) {
		drop_client(m);
		return 0;
	}
	if (buf[0] == VPS_CON_DATA && n > 1)
		vps_write_all(m->pty, buf + 1, (size_t)n - 1); /* EAGAIN: the VPS reads nothing */
	else if (buf[0] == VPS_CON_WINSZ && n == 1 + (ssize_t)sizeof(struct winsize))
		resize(m, (const struct winsize *)(buf + 1));
	return 1;
}

static void ring_add(struct vps_mon *m, const char *buf, size_t n)
{
	if (n >= sizeof(m->ring)) {
		memcpy(m->ring, buf + n - sizeof(m->ring), sizeof(m->ring));
		m->ring_len = sizeof(m->ring);
		return;
	}
	size_t keep = m->ring_len + n > sizeof(m->ring) ? sizeof(m->ring) - n : m->ring_len;
	memmove(m->ring, m->ring + m->ring_len - keep, keep);
	memcpy(m->ring + keep, buf, n);
	m->ring_len = keep + n;
}

void vps_mon_console_output(struct vps_mon *m, const char *buf, size_t n)
{
	vps_conlog_write(&m->log, buf, n);
	ring_add(m, buf, n);
	if (m->client >= 0 && send(m->client, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    errno != EAGAIN)
		drop_client(m);
}

void vps_mon_console_close(struct vps_mon *m)
{
	drop_client(m);
	if (m->lsock >= 0)
		close(m->lsock);
	m->lsock = -1;
}
