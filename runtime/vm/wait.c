/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `run` in the foreground with a VM (the loop is runtime/foreground.c). vps
 * relays its stdin to QEMU's stdin socket (closing it on EOF is how the guest
 * process sees EOF); with a terminal the socket carries the guest tty both ways
 * and our terminal is raw meanwhile, its size changes (SIGWINCH) passed on.
 * Signals go to the guest process; QEMU's end gives the status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/foreground.h"
#include "runtime/vm/vm.h"
#include "runtime/vm/wire.h"
#include "util/io.h"
#include "util/cleanup.h"
#include "util/log.h"

#define RELAY_BUF 65536

struct relay {
	int sock;
	bool tty, in_eof, shut;
	char *buf; /* RELAY_BUF bytes, static: off the stack (vps is single-threaded) */
	size_t off, len;
};

static void to_guest(struct relay *r, short in_ev, short out_ev)
{
	if (r->len == 0 && (in_ev & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = read(STDIN_FILENO, r->buf, RELAY_BUF);
		if (n > 0)
			r->off = 0, r->len = (size_t)n;
		else if (n == 0 || errno != EINTR)
			r->in_eof = true;
	}
	if (r->len && (out_ev & POLLOUT)) {
		ssize_t w = write(r->sock, r->buf + r->off, r->len);
		if (w > 0)
			r->off += (size_t)w, r->len -= (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			r->in_eof = true, r->len = 0;
	}
	if (r->in_eof && r->len == 0 && !r->tty && !r->shut) {
		/* half-close: QEMU reads what is buffered, then EOF (a full close would
		 * hang up the chardev and drop data the guest has not read yet) */
		shutdown(r->sock, SHUT_WR);
		r->shut = true;
	}
}

/* Copy what the guest's terminal wrote to our stdout; drain: until EOF. */
static void from_guest(struct relay *r, bool drain)
{
	static char buf[16384];
	for (int i = 0; r->tty && r->sock >= 0 && i < 4096; i++) {
		ssize_t n = read(r->sock, buf, sizeof(buf));
		if (n > 0)
			(void)vps_write_all(STDOUT_FILENO, buf, (size_t)n);
		if (n > 0 && (drain || n == (ssize_t)sizeof(buf)))
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && drain) {
			struct pollfd p = {.fd = r->sock, .events = POLLIN};
			if (poll(&p, 1, 1000) > 0)
				continue;
		}
		break;
	}
}

struct vm_fg {
	const char *dir;
	pid_t qemu;
	struct relay r;
};

static void vm_signal(void *ctx, int sig)
{
	struct vm_fg *f = ctx;
	vps_err e = {0};
	struct winsize ws;
	if (sig == SIGWINCH) { /* our terminal's new size, for the guest's */
		if (f->r.tty && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    vps_vm_resize(f->dir, ws.ws_row, ws.ws_col, &e) < 0)
			log_debug("vm: resize: %s", e.msg);
		return;
	}
	if (vps_vm_kill(f->dir, sig, &e) < 0 && sig != SIGHUP)
		kill(f->qemu, SIGKILL); /* the agent is gone: stop the VM */
}

static size_t vm_fill(void *ctx, struct pollfd *p)
{
	struct relay *r = &((struct vm_fg *)ctx)->r;
	bool want_in = r->sock >= 0 && r->len == 0 && !r->in_eof;
	p[0] = (struct pollfd){.fd = want_in ? STDIN_FILENO : -1, .events = POLLIN};
	p[1] = (struct pollfd){.fd = r->len || r->tty ? r->sock : -1,
			       .events = (short)((r->len ? POLLOUT : 0) | (r->tty ? POLLIN : 0))};
	return 2;
}

static int vm_ready(void *ctx, const struct pollfd *p, vps_err *err)
{
	struct relay *r = &((struct vm_fg *)ctx)->r;
	(void)err;
	if (r->sock >= 0 && (p[1].revents & POLLIN))
		from_guest(r, false);
	if (r->sock >= 0)
		to_guest(r, p[0].revents, p[1].revents);
	return 0;
}

static void vm_drain(void *ctx)
{
	from_guest(&((struct vm_fg *)ctx)->r, true);
}

int vps_vm_wait(const char *dir, struct vps_vm_handle *h, int *status, vps_err *err)
{
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	static char relay_buf[RELAY_BUF];
	struct vm_fg f = {
	    .dir = dir, .qemu = h->pid, .r = {.sock = h->in_fd, .tty = h->tty, .buf = relay_buf}};
	h->in_fd = -1;
	if (f.r.sock >= 0)
		fcntl(f.r.sock, F_SETFL, O_NONBLOCK);
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	struct vps_fg fg = {.signals = fwd,
			    .n_signals = ARRAY_SIZE(fwd),
			    .raw = h->tty,
			    .pid = h->pid,
			    .pidfd = pfd,
			    .ctx = &f,
			    .on_signal = vm_signal,
			    .fill = vm_fill,
			    .ready = vm_ready,
			    .drain = vm_drain};
	int ws = -1;
	int r = vps_foreground(&fg, &ws, err);
	vps_vm_mark("QEMU exited");
	if (f.r.sock >= 0)
		close(f.r.sock);
	return r < 0 ? r : vps_vm_exit_status(dir, ws, h->cg, status, err);
}
