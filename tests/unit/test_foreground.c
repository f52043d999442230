/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runtime/foreground.c: the loop reaps its child through the pidfd (exit code,
 * 128+N for a signal), hands a blocked signal to on_signal and unblocks it
 * after, drains after the reap, ends when ready() says done or fails, and
 * reaps at once without a pidfd. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/foreground.h"
#include "tests/unit/tap.h"

struct t {
	pid_t child;
	int sig, drained, rounds, pipe_rd, ready_ret;
};

static void on_signal(void *ctx, int sig)
{
	struct t *t = ctx;
	t->sig = sig;
	kill(t->child, SIGTERM);
}

static size_t fill(void *ctx, struct pollfd *p)
{
	struct t *t = ctx;
	if (t->rounds++ == 0 && t->child > 0)
		raise(SIGUSR1); /* blocked by now: it waits in the signalfd */
	p[0] = (struct pollfd){.fd = t->pipe_rd, .events = POLLIN};
	return 1;
}

static int ready(void *ctx, const struct pollfd *p, vps_err *err)
{
	struct t *t = ctx;
	if (!(p[0].revents & POLLIN))
		return 0;
	return t->ready_ret < 0 ? vps_errorx(err, -t->ready_ret, "ready failed") : t->ready_ret;
}

static void drain(void *ctx)
{
	((struct t *)ctx)->drained++;
}

static pid_t child(int code, bool wait_for_signal)
{
	pid_t p = fork();
	if (p == 0) {
		if (wait_for_signal)
			pause();
		else
			usleep(100 * 1000);
		_exit(code);
	}
	return p;
}

static int pidfd_of(pid_t p)
{
	return (int)syscall(SYS_pidfd_open, p, 0);
}

int main(void)
{
	vps_err err = {0};
	static const int usr1[] = {SIGUSR1};

	struct t t = {.child = child(7, false), .pipe_rd = -1};
	struct vps_fg fg = {.pid = t.child, .pidfd = pidfd_of(t.child), .ctx = &t, .drain = drain};
	int ws = -1;
	is_int(vps_foreground(&fg, &ws, &err), 0, "a child that exits: 0");
	is_int(vps_exit_code(ws), 7, "its exit code");
	is_int(t.drained, 1, "drain after the reap");
	close(fg.pidfd);

	t = (struct t){.child = child(0, true), .pipe_rd = -1};
	fg = (struct vps_fg){.signals = usr1,
			     .n_signals = 1,
			     .pid = t.child,
			     .pidfd = pidfd_of(t.child),
			     .ctx = &t,
			     .on_signal = on_signal,
			     .fill = fill,
			     .ready = ready};
	ws = -1;
	is_int(vps_foreground(&fg, &ws, &err), 0, "a signal forwarded, the child killed");
	is_int(t.sig, SIGUSR1, "on_signal got SIGUSR1 through the signalfd");
	is_int(vps_exit_code(ws), 128 + SIGTERM, "killed by SIGTERM: 143");
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	ok(!sigismember(&now, SIGUSR1), "the mask is restored after");
	close(fg.pidfd);

	int pp[2];
	ok(pipe(pp) == 0 && write(pp[1], "x", 1) == 1, "a pipe with a byte");
	t = (struct t){.pipe_rd = pp[0], .ready_ret = 1};
	fg = (struct vps_fg){.pidfd = -1, .ctx = &t, .fill = fill, .ready = ready, .drain = drain};
	is_int(vps_foreground(&fg, NULL, &err), 0, "no child: ready() says done");
	is_int(t.drained, 0, "no drain without a reap");
	t.ready_ret = -EIO;
	is_int(vps_foreground(&fg, NULL, &err), -EIO, "ready() fails: the error");
	is_str(err.msg, "ready failed", "with its message");
	close(pp[0]);
	close(pp[1]);

	t = (struct t){.child = child(3, false), .pipe_rd = -1};
	fg = (struct vps_fg){.pid = t.child, .pidfd = -1, .ctx = &t};
	ws = -1;
	is_int(vps_foreground(&fg, &ws, &err), 0, "no pidfd: reaped at once");
	is_int(vps_exit_code(ws), 3, "its exit code");
	return done_testing();
}
