/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `exec` into a VM: one session on the exec socket. We send the process
 * (records), then relay our stdin as frames and the guest's stdout/stderr
 * frames to our fds until its exit status arrives (in runtime/foreground.c's
 * loop). With a terminal, our tty is raw and window-size changes are forwarded;
 * the signals vps_vm_wait forwards to the main process go to this one. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "runtime/foreground.h"
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

/* The session ended without a status: the VM powered off (its main process
 * exited and the guest's agent is gone) or the guest broke. */
static int session_lost(const char *dir, vps_err *err)
{
	int st;
	if (vps_vm_reported_exit(dir, &st))
		return vps_errorx(err, EPIPE,
				  "vm: exec: the VM powered off (its main process exited with "
				  "status %d) before this process's status came back",
				  st);
	return vps_errorx(err, EPIPE, "vm: exec: the guest closed the session");
}

/* One guest frame. Returns 1 when the exit status arrived, 0 to go on, < 0 on error. */
static int from_guest(const char *dir, int sock, int *status, vps_err *err)
{
	struct vps_vm_hdr h;
	_cleanup_free_ char *p = NULL;
	if (vps_vm_recv(sock, &h, &p) <= 0)
		return session_lost(dir, err);
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

struct exec_fg {
	const char *dir;
	int sock, *status;
	bool in_open, tty;
};

/* SIGWINCH resizes the terminal (if any); the others go to the process, as
 * container mode's exec forwards them. */
static void exec_signal(void *ctx, int sig)
{
	struct exec_fg *f = ctx;
	int32_t s = sig;
	if (sig != SIGWINCH)
		vps_vm_send(f->sock, VPS_VM_SIGNAL, &s, sizeof(s));
	else if (f->tty)
		send_winsize(f->sock);
}

static size_t exec_fill(void *ctx, struct pollfd *p)
{
	struct exec_fg *f = ctx;
	p[0] = (struct pollfd){.fd = f->sock, .events = POLLIN};
	p[1] = (struct pollfd){.fd = f->in_open ? STDIN_FILENO : -1, .events = POLLIN};
	return 2;
}

/* The guest's frames to our stdout/stderr, our stdin to frames; 1 once the
 * exit status arrived. */
static int exec_ready(void *ctx, const struct pollfd *p, vps_err *err)
{
	struct exec_fg *f = ctx;
	static char buf[65536]; /* off the stack: vps is single-threaded */
	if (p[0].revents) {
		int r = from_guest(f->dir, f->sock, f->status, err);
		if (r != 0)
			return r;
	}
	if (p[1].revents) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			return 0;
		if (n > 0) {
			vps_vm_send(f->sock, VPS_VM_STDIN, buf, (size_t)n);
		} else {
			vps_vm_send(f->sock, VPS_VM_STDIN_EOF, NULL, 0);
			f->in_open = false;
		}
	}
	return 0;
}

static int session(const char *dir, int sock, bool tty, int *status, vps_err *err)
{
	static const int fwd[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct exec_fg f = {
	    .dir = dir, .sock = sock, .status = status, .in_open = true, .tty = tty};
	struct vps_fg fg = {.signals = fwd,
			    .n_signals = ARRAY_SIZE(fwd),
			    .raw = tty,
			    .pidfd = -1,
			    .ctx = &f,
			    .on_signal = exec_signal,
			    .fill = exec_fill,
			    .ready = exec_ready};
	if (tty)
		send_winsize(sock);
	return vps_foreground(&fg, NULL, err);
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
	void (*old)(int) = signal(SIGPIPE, SIG_IGN); /* a VM that powered off: EPIPE */
	if (vps_vm_send(sock, VPS_VM_EXEC, conf, len) < 0)
		r = errno == EPIPE || errno == ECONNRESET
			? session_lost(dir, err)
			: vps_error(err, errno, "vm: exec: send the request");
	else
		r = session(dir, sock, proc->terminal, status, err);
	signal(SIGPIPE, old);
	return r;
}
