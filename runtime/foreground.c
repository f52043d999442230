/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps_foreground: the poll loop behind run, exec, the VM's run and exec and
 * `vps console` (signals, raw terminal, reap); the relaying is the callers'
 * callbacks. */
#include "runtime/foreground.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int vps_exit_code(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 255;
}

/* 1 once the child is gone (reaped, or not ours: ECHILD), 0 while it runs. */
static int reap(const struct vps_fg *fg, int *wstatus, bool block)
{
	for (int i = 0; i < 1000; i++) {
		int ws;
		pid_t w = waitpid(fg->pid, &ws, block ? 0 : WNOHANG);
		if (w == fg->pid)
			*wstatus = ws;
		if (w < 0 && errno == EINTR)
			continue;
		return w == fg->pid || (w < 0 && errno == ECHILD);
	}
	return 0;
}

/* One poll round: 1 done, 0 go on, < 0 error. */
static int fg_round(const struct vps_fg *fg, int sfd, int *wstatus, vps_err *err)
{
	if (fg->pid > 0 && fg->pidfd < 0)
		return reap(fg, wstatus, true) ? 1 : vps_errorx(err, ECHILD, "wait %d", fg->pid);
	struct pollfd p[2 + VPS_FG_MAX_FDS] = {
	    {.fd = sfd, .events = POLLIN}, {.fd = fg->pid > 0 ? fg->pidfd : -1, .events = POLLIN}};
	size_t n = fg->fill ? fg->fill(fg->ctx, p + 2) : 0;
	if (poll(p, 2 + n, -1) < 0)
		return errno == EINTR ? 0 : vps_error(err, errno, "foreground: poll");
	struct signalfd_siginfo si;
	if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si))
		fg->on_signal(fg->ctx, (int)si.ssi_signo);
	int r = n && fg->ready ? fg->ready(fg->ctx, p + 2, err) : 0;
	if (r != 0)
		return r;
	return p[1].revents ? reap(fg, wstatus, false) : 0;
}

int vps_foreground(const struct vps_fg *fg, int *wstatus, vps_err *err)
{
	sigset_t set, old;
	sigemptyset(&set);
	for (size_t i = 0; i < fg->n_signals; i++)
		sigaddset(&set, fg->signals[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	int r = 0, sfd = -1;
	if (fg->n_signals && (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		r = vps_error(err, errno, "signalfd");
	struct termios saved, t;
	bool raw = r == 0 && fg->raw && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (raw) { /* keys (^C too) go to the process's terminal */
		t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	while (r == 0)
		r = fg_round(fg, sfd, wstatus, err);
	if (r > 0 && fg->pid > 0 && fg->drain)
		fg->drain(fg->ctx);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r < 0 ? r : 0;
}
