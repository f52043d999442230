/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps console NAME (issue 16): attach our terminal to the VPS's console
 * through its monitor's socket (mon_console.c). Our terminal goes raw; what
 * we type is sent as is, except the detach key: Ctrl-] then q. Ctrl-] then
 * anything else sends both. The window size follows ours (SIGWINCH). The
 * loop (signals, raw terminal, poll) is runtime/foreground.c's. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/foreground.h"
#include "runtime/mon.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/io.h"

#define DETACH_PREFIX 0x1d /* Ctrl-] */
#define DETACH_KEY    'q'

static int connect_console(const char *root, const char *id, vps_err *err)
{
	struct vps_state *st = NULL;
	int r = vps_state_load(root, id, &st, err); /* names a missing VPS */
	if (r < 0)
		return r;
	enum vps_status live = vps_status_live(root, st);
	vps_state_free(st);
	if (live == VPS_STOPPED)
		return vps_errorx(err, ESRCH, "the VPS is stopped: no console");
	char dir[PATH_MAX];
	struct sockaddr_un sa;
	_cleanup_close_ int dirfd = -1;
	if (vps_snprintf(dir, sizeof(dir), "%s/%s", root, id) < 0)
		return vps_errorx(err, ENAMETOOLONG, "state dir of %s: too long", id);
	if ((r = vps_console_sock_addr(dir, &sa, &dirfd, err)) < 0)
		return r;
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vps_error(err, errno, "console socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vps_error(err, errno,
				 "no console: its monitor does not answer on %s/%s (not a VPS "
				 "started by vps create/run -d, or its monitor was killed)",
				 dir, VPS_CONSOLE_SOCK);
	char b = 0;
	if (recv(s, &b, 1, 0) != 1)
		return vps_errorx(err, EPROTO, "console: the monitor hung up");
	if (b == VPS_CON_BUSY)
		return vps_errorx(err, EBUSY,
				  "the console is in use by another `vps console` (one attach "
				  "at a time)");
	return take_fd(s);
}

static void send_winsize(int s)
{
	char msg[1 + sizeof(struct winsize)] = {VPS_CON_WINSZ};
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
		memcpy(msg + 1, &ws, sizeof(ws));
		send(s, msg, sizeof(msg), MSG_NOSIGNAL);
	}
}

/* Typed bytes to the socket, watching for the detach key; 0 once detached,
 * -1 when our stdin or the socket ended. */
static int typed(int s, bool *prefix)
{
	char in[VPS_CON_MSG / 2], msg[VPS_CON_MSG + 1] = {VPS_CON_DATA};
	ssize_t n = read(STDIN_FILENO, in, sizeof(in));
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return -1;
	size_t len = 1;
	for (ssize_t i = 0; i < n; i++) {
		if (*prefix) {
			*prefix = false;
			if (in[i] == DETACH_KEY)
				return 0;
			msg[len++] = DETACH_PREFIX;
		} else if (in[i] == DETACH_PREFIX) {
			*prefix = true;
			continue;
		}
		msg[len++] = in[i];
	}
	if (len > 1 && send(s, msg, len, MSG_NOSIGNAL) < 0)
		return -1;
	return 1;
}

/* The session in runtime/foreground.c's loop: SIGWINCH sends our window
 * size, the socket's bytes go to our stdout, what we type to the socket. */
struct attach {
	int sock, end; /* end: VPS_CONSOLE_DETACHED or _CLOSED once done */
	bool prefix;
};

static void attach_signal(void *ctx, int sig)
{
	(void)sig; /* SIGWINCH, the only one taken */
	send_winsize(((struct attach *)ctx)->sock);
}

static size_t attach_fill(void *ctx, struct pollfd *p)
{
	p[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
	p[1] = (struct pollfd){.fd = ((struct attach *)ctx)->sock, .events = POLLIN};
	return 2;
}

/* 1 once detached or closed, 0 to go on, < 0 when our stdout failed. */
static int attach_ready(void *ctx, const struct pollfd *p, vps_err *err)
{
	struct attach *a = ctx;
	a->end = VPS_CONSOLE_CLOSED;
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
		char buf[VPS_CON_MSG];
		ssize_t n = recv(a->sock, buf, sizeof(buf), 0);
		if (n <= 0)
			return 1;
		int w = vps_write_all(STDOUT_FILENO, buf, (size_t)n);
		if (w < 0)
			return vps_error(err, -w, "console");
	}
	if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
		int r = typed(a->sock, &a->prefix);
		if (r <= 0)
			a->end = r == 0 ? VPS_CONSOLE_DETACHED : VPS_CONSOLE_CLOSED;
		return r <= 0;
	}
	return 0;
}

int vps_console_attach(const char *root, const char *id, vps_err *err)
{
	static const int winch[] = {SIGWINCH};
	_cleanup_close_ int s = connect_console(root, id, err);
	if (s < 0)
		return s;
	fprintf(stderr, "Connected to the console of %s; detach with Ctrl-] q\r\n", id);
	struct attach a = {.sock = s};
	struct vps_fg fg = {.signals = winch,
			    .n_signals = ARRAY_SIZE(winch),
			    .raw = true,
			    .pidfd = -1,
			    .ctx = &a,
			    .on_signal = attach_signal,
			    .fill = attach_fill,
			    .ready = attach_ready};
	if (isatty(STDIN_FILENO))
		send_winsize(s);
	int r = vps_foreground(&fg, NULL, err);
	return r < 0 ? r : a.end;
}
