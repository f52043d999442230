/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `run` in the foreground with a VM. vps relays its stdin to QEMU's stdin
 * socket (closing it on EOF is how the guest process sees EOF); with a
 * terminal the socket carries the guest tty both ways and our terminal is raw
 * meanwhile. Signals go to the guest process; QEMU's end gives the status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/vm/vm.h"
#include "runtime/vm/wire.h"
#include "util/io.h"
#include "util/cleanup.h"

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

int vps_vm_wait(const char *dir, struct vps_vm_handle *h, int *status, vps_err *err)
{
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	sigset_t mask, old;
	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(fwd); i++)
		sigaddset(&mask, fwd[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	_cleanup_close_ int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	static char relay_buf[RELAY_BUF];
	struct relay r = {.sock = h->in_fd, .tty = h->tty, .buf = relay_buf};
	h->in_fd = -1;
	if (r.sock >= 0)
		fcntl(r.sock, F_SETFL, O_NONBLOCK);
	struct termios saved;
	bool raw = h->tty && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (raw) { /* keys (^C too) go to the guest's terminal */
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	int ws = -1;
	for (;;) {
		bool want_in = r.sock >= 0 && r.len == 0 && !r.in_eof;
		struct pollfd p[4] = {
		    {.fd = pfd, .events = POLLIN},
		    {.fd = sfd, .events = POLLIN},
		    {.fd = want_in ? STDIN_FILENO : -1, .events = POLLIN},
		    {.fd = r.len || r.tty ? r.sock : -1,
		     .events = (short)((r.len ? POLLOUT : 0) | (r.tty ? POLLIN : 0))}};
		if (pfd >= 0 && poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (pfd < 0 || p[0].revents) {
			while (waitpid(h->pid, &ws, 0) < 0 && errno == EINTR)
				;
			from_guest(&r, true);
			break;
		}
		struct signalfd_siginfo si;
		if (p[1].revents && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			vps_err e = {0};
			if (vps_vm_kill(dir, (int)si.ssi_signo, &e) < 0 && si.ssi_signo != SIGHUP)
				kill(h->pid, SIGKILL); /* the agent is gone: stop the VM */
		}
		if (r.sock >= 0 && (p[3].revents & POLLIN))
			from_guest(&r, false);
		if (r.sock >= 0)
			to_guest(&r, p[2].revents, p[3].revents);
	}
	if (r.sock >= 0)
		close(r.sock);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return vps_vm_exit_status(dir, ws, status, err);
}
