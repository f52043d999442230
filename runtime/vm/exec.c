/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `exec` into a VM: one session on the exec socket. We send the process
 * (records), then relay our stdin as frames and the guest's stdout/stderr
 * frames to our fds until its exit status arrives. With a terminal, our tty
 * is put in raw mode and window-size changes are forwarded. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/vm/vm.h"
#include "runtime/vm/wire.h"
#include "util/io.h"
#include "util/cleanup.h"

static void send_winsize(int sock)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
		uint16_t rc[2] = {ws.ws_row, ws.ws_col};
		vps_vm_send(sock, VPS_VM_WINSIZE, rc, sizeof(rc));
	}
}

/* One guest frame. Returns 1 when the exit status arrived, 0 to go on, < 0 on error. */
static int from_guest(int sock, int *status, vps_err *err)
{
	struct vps_vm_hdr h;
	_cleanup_free_ char *p = NULL;
	if (vps_vm_recv(sock, &h, &p) <= 0)
		return vps_errorx(err, EPIPE, "vm: exec: the guest closed the session");
	if (h.type == VPS_VM_STDOUT || h.type == VPS_VM_STDERR) {
		int w = vps_write_all(h.type == VPS_VM_STDOUT ? 1 : 2, p, h.len);
		if (w < 0 && w != -EPIPE)
			return vps_error(err, -w, "vm: exec: write output");
	} else if (h.type == VPS_VM_EXIT && h.len >= 4) {
		int32_t st;
		memcpy(&st, p, sizeof(st));
		*status = st;
		return 1;
	} else if (h.type == VPS_VM_ERROR) {
		return vps_errorx(err, EIO, "vm: exec: guest: %s", p);
	}
	return 0;
}

static int session(int sock, bool tty, int *status, vps_err *err)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	_cleanup_close_ int sfd = tty ? signalfd(-1, &mask, SFD_CLOEXEC) : -1;
	if (tty)
		send_winsize(sock);
	bool in_open = true;
	static char buf[65536]; /* off the stack: vps is single-threaded */
	for (;;) {
		struct pollfd p[3] = {{.fd = sock, .events = POLLIN},
				      {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return vps_error(err, errno, "vm: exec: poll");
		}
		if (p[0].revents) {
			int r = from_guest(sock, status, err);
			if (r != 0)
				return r < 0 ? r : 0;
		}
		if (p[1].revents) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0)
				vps_vm_send(sock, VPS_VM_STDIN, buf, (size_t)n);
			else {
				vps_vm_send(sock, VPS_VM_STDIN_EOF, NULL, 0);
				in_open = false;
			}
		}
		if (sfd >= 0 && p[2].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				send_winsize(sock);
		}
	}
}

int vps_vm_exec(const char *dir, const struct oci_process *proc, int *status, vps_err *err)
{
	_cleanup_free_ char *conf = NULL;
	size_t len = 0;
	int r = vps_vm_procconf(proc, &conf, &len, err);
	if (r < 0)
		return r;
	_cleanup_close_ int sock = vps_vm_connect(dir, "vm-exec.sock", err);
	if (sock < 0)
		return sock;
	if (vps_vm_send(sock, VPS_VM_EXEC, conf, len) < 0)
		return vps_error(err, errno, "vm: exec: send the request");
	struct termios saved;
	bool raw = proc->terminal && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (raw) {
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	r = session(sock, proc->terminal, status, err);
	signal(SIGPIPE, old);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return r;
}
