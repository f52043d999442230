/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run: create + start, then in the foreground forward signals to the process,
 * relay its pty, reap it and delete the container; the exit status is the
 * process's (128+N when killed by signal N). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/foreground.h"
#include "runtime/internal.h"
#include "util/cleanup.h"
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

/* The container's process in the foreground: signals forwarded (SIGWINCH
 * resizes its pty instead), our stdin/stdout relayed to its pty. */
struct run_fg {
	int pidfd, pty;
	bool in_open, pty_open;
};

static void run_signal(void *ctx, int sig)
{
	struct run_fg *f = ctx;
	if (sig == SIGWINCH && f->pty >= 0)
		vps_console_copy_winsize(f->pty);
	else if (sig != SIGCHLD)
		pidfd_send_signal(f->pidfd, sig, NULL, 0);
}

static size_t run_fill(void *ctx, struct pollfd *p)
{
	struct run_fg *f = ctx;
	p[0] = (struct pollfd){.fd = f->in_open ? STDIN_FILENO : -1, .events = POLLIN};
	p[1] = (struct pollfd){.fd = f->pty_open ? f->pty : -1, .events = POLLIN};
	return 2;
}

static int run_ready(void *ctx, const struct pollfd *p, vps_err *err)
{
	struct run_fg *f = ctx;
	(void)err;
	if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
		f->in_open = vps_console_pump(STDIN_FILENO, f->pty) != 0;
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
		f->pty_open = vps_console_pump(f->pty, STDOUT_FILENO) != 0;
	return 0;
}

static void run_drain(void *ctx)
{
	struct run_fg *f = ctx;
	if (!f->pty_open)
		return;
	fcntl(f->pty, F_SETFL, fcntl(f->pty, F_GETFL) | O_NONBLOCK);
	for (int guard = 0; guard < 4096 && vps_console_pump(f->pty, STDOUT_FILENO) > 0; guard++)
		;
}

int vps_wait_foreground(pid_t pid, int pidfd, int pty, int *status, int *wstatus, vps_err *err)
{
	struct run_fg f = {.pidfd = pidfd, .pty = pty, .in_open = pty >= 0, .pty_open = pty >= 0};
	struct vps_fg fg = {.signals = forwarded,
			    .n_signals = ARRAY_SIZE(forwarded),
			    .raw = pty >= 0,
			    .pid = pid,
			    .pidfd = pidfd,
			    .ctx = &f,
			    .on_signal = run_signal,
			    .fill = run_fill,
			    .ready = run_ready,
			    .drain = run_drain};
	if (pty >= 0 && isatty(STDIN_FILENO))
		vps_console_copy_winsize(pty);
	_cleanup_close_ int hold =
	    pty >= 0 ? ioctl(pty, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	int ws = 0;
	int r = vps_foreground(&fg, &ws, err);
	*status = vps_exit_code(ws);
	if (wstatus)
		*wstatus = ws;
	return r;
}

/* How the init ended (poweroff, reboot, ...): said with --debug or --log, and
 * kept in state.json for `run --keep`. */
static void log_end(const struct vps_create_opts *o, pid_t pid, int ws)
{
	enum vps_end_kind k = vps_init_end_kind(ws);
	log_info("run %s: the init ended: %s (status %d)", o->id, vps_end_kind_name(k),
		 vps_exit_code(ws));
	vps_err e;
	if (o->keep && vps_record_end(o->root, o->id, pid, ws, &e) < 0)
		log_warn("run %s: record the exit status: %s", o->id, e.msg);
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
	int ws = -1;
	r = cr.vm ? vps_vm_wait_created(o->root, o->id, &cr, exit_status, err)
		  : vps_wait_foreground(cr.pid, cr.pidfd, cr.pty, exit_status, &ws, err);
	vps_err e;
	if (r == 0 && !cr.vm)
		log_end(o, cr.pid, ws);
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
