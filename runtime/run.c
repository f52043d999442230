/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run: create + start, then in the foreground forward signals to the process,
 * relay its pty, reap it and delete the container; the exit status is the
 * process's (128+N when killed by signal N). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "runtime/vm/vm_lifecycle.h"
#include "util/log.h"

static const int forwarded[] = {SIGHUP,	 SIGINT,  SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,  SIGALRM,
				SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPWR,  SIGWINCH, SIGCHLD};

static void forward_set(sigset_t *s)
{
	sigemptyset(s);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(s, forwarded[i]);
}

static int wstatus_code(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 255;
}

static void drain(int pty)
{
	fcntl(pty, F_SETFL, fcntl(pty, F_GETFL) | O_NONBLOCK);
	char buf[8192];
	for (int guard = 0; guard < 4096; guard++) {
		ssize_t n = read(pty, buf, sizeof(buf));
		if (n <= 0 || write(STDOUT_FILENO, buf, (size_t)n) < 0)
			break;
	}
}

int vps_wait_foreground(pid_t pid, int pidfd, int pty, int *status, vps_err *err)
{
	sigset_t set, old;
	forward_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return vps_error(err, errno, "signalfd");
	void *relay = NULL;
	if (pty >= 0 && vps_console_relay_start(pty, &relay, err) < 0) {
		close(sfd);
		return -err->code;
	}
	bool in_open = pty >= 0, pty_open = pty >= 0;
	int ws = 0;
	for (;;) {
		struct pollfd p[4] = {{sfd, POLLIN, 0},
				      {pidfd, POLLIN, 0},
				      {in_open ? STDIN_FILENO : -1, POLLIN, 0},
				      {pty_open ? pty : -1, POLLIN, 0}};
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGWINCH && relay)
					vps_console_relay_io(relay, -1);
				else if (sig != SIGCHLD)
					pidfd_send_signal(pidfd, sig, NULL, 0);
			}
		}
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			in_open = vps_console_relay_io(relay, STDIN_FILENO);
		if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
			pty_open = vps_console_relay_io(relay, pty);
		if (p[1].revents & POLLIN) {
			pid_t w = waitpid(pid, &ws, WNOHANG);
			if (w == pid || (w < 0 && errno == ECHILD))
				break;
		}
	}
	if (pty_open)
		drain(pty);
	vps_console_relay_stop(relay);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	*status = wstatus_code(ws);
	return 0;
}

int vps_run(const struct vps_create_opts *o, bool detach, int *exit_status, vps_err *err)
{
	struct vps_created cr;
	struct vps_held h;
	sigset_t set, old;
	forward_set(&set);
	/* held from before create so an early ^C is forwarded, not lost */
	sigprocmask(SIG_BLOCK, &set, &old);
	int r = vps_create_internal(o, &cr, detach ? VPS_PTY_SEND : VPS_PTY_RELAY, &h, err);
	if (r < 0)
		goto out;
	if (cr.monitor) { /* a detached VPS: its monitor created and started it */
		*exit_status = 0;
		goto out;
	}
	/* container mode: start and delete use what create has in memory */
	r = h.st ? vps_start_held(o->root, &h, err) : vps_start(o->root, o->id, err);
	if (r < 0) {
		vps_err e;
		if (h.st)
			vps_delete_held(o->root, &h, &e);
		else
			vps_delete(o->root, o->id, true, &e);
		waitpid(cr.pid, NULL, 0);
		goto close;
	}
	*exit_status = 0;
	if (detach)
		goto close;
	r = cr.vm ? vps_vm_wait_created(o->root, o->id, &cr, exit_status, err)
		  : vps_wait_foreground(cr.pid, cr.pidfd, cr.pty, exit_status, err);
	vps_err e;
	if (!o->keep &&
	    (h.st ? vps_delete_held(o->root, &h, &e) : vps_delete(o->root, o->id, true, &e)) < 0)
		log_warn("run %s: delete: %s", o->id, e.msg);
close:
	vps_held_free(&h);
	close(cr.pidfd);
	if (cr.pty >= 0)
		close(cr.pty);
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
