/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stdio relays of the guest: an exec session (framed, over vps.exec) and the
 * main process's terminal (raw, over vps.tty). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/vm/guest/guest.h"
#include "util/fmt.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* A pty from the container's devpts (so `tty` names /dev/pts/N inside it),
 * else from the init's own; the slave is opened from the master (TIOCGPTPEER),
 * whose /dev/pts/N path does not exist in the init's root. */
int open_pty(int *master, int *slave, unsigned rows, unsigned cols)
{
	*master = open("/newroot/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		*master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || unlockpt(*master) < 0)
		return -1;
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return -1;
	if (rows && cols) {
		struct winsize ws = {.ws_row = (unsigned short)rows,
				     .ws_col = (unsigned short)cols};
		ioctl(*master, TIOCSWINSZ, &ws);
	}
	return 0;
}

/* The main process's terminal is the container's /dev/console too (as in
 * container mode): a getty on "console" and the init's messages reach the
 * host's console (the VPS monitor), not the VM's serial port. */
void console_bind(int master)
{
	unsigned n;
	char pts[64];
	struct stat st;
	if (ioctl(master, TIOCGPTN, &n) < 0 ||
	    vps_snprintf(pts, sizeof(pts), "/newroot/dev/pts/%u", n) < 0 || stat(pts, &st) < 0)
		return; /* not from the container's devpts: its console stays */
	int fd = open("/newroot/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	if (mount(pts, "/newroot/dev/console", NULL, MS_BIND, NULL) < 0)
		glog("bind the terminal on /dev/console: %s", strerror(errno));
}

/* Join the main process's pid namespace (init.c), so the forked process is
 * one of the container's (without one, that is our own: a no-op). */
static int join_main(pid_t main_pid)
{
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, main_pid, "ns/pid");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = setns(fd, CLONE_NEWPID);
	close(fd);
	return r;
}

static pid_t spawn(const struct gconf *c, pid_t main_pid, int in, int out, int err, bool tty)
{
	if (join_main(main_pid) < 0)
		return -1;
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	setsid();
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	if (tty)
		ioctl(0, TIOCSCTTY, 0);
	close_from(3);
	signal(SIGPIPE, SIG_DFL);
	proc_exec(c, true, main_pid);
}

/* One frame from the host: stdin, EOF, window size, a signal for the session's
 * process (pid). Returns -1 when the host left. */
static int from_host(int port, int *in_w, int master, pid_t pid)
{
	struct vps_vm_hdr h;
	char *p;
	if (recv_msg(port, &h, &p) != 1)
		return -1;
	if (h.type == VPS_VM_STDIN && *in_w >= 0) {
		if (write_all(*in_w, p, h.len) < 0) {
			close(*in_w);
			*in_w = -1;
		}
	} else if (h.type == VPS_VM_STDIN_EOF && *in_w >= 0) {
		if (master >= 0)
			write_all(*in_w, "\x04", 1);
		else {
			close(*in_w);
			*in_w = -1;
		}
	} else if (h.type == VPS_VM_WINSIZE && h.len >= 4 && master >= 0) {
		uint16_t rc[2];
		memcpy(rc, p, sizeof(rc));
		struct winsize ws = {.ws_row = rc[0], .ws_col = rc[1]};
		ioctl(master, TIOCSWINSZ, &ws);
	} else if (h.type == VPS_VM_SIGNAL && h.len >= 4) {
		int32_t sig;
		memcpy(&sig, p, sizeof(sig));
		kill(pid, sig); /* as container mode's exec: to the process, not its group */
	}
	free(p);
	return 0;
}

/* The session's process and what it started in its session (setsid: a
 * group of its own, perhaps not yet made). */
static void kill_session(pid_t pid, bool *killed)
{
	if (*killed)
		return;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	*killed = true;
}

/* The session's process's status. It may have closed its output and run on:
 * init's SIGTERM (the main process exited) is looked at meanwhile. */
static int32_t reap_session(pid_t pid, bool *killed)
{
	int ws = 0;
	pid_t r;
	while ((r = waitpid(pid, &ws, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
		if (g_stop)
			kill_session(pid, killed);
		ports_poll(NULL, 0, 20);
	}
	return status_of(ws);
}

/* Once the main process exited (g_stop: init's SIGTERM via the agent) the
 * process is killed, as a pid namespace's are with its init, and that status
 * goes to the host: the VM powers off only after it. */
int relay_exec(int port, const struct gconf *c, pid_t main_pid)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, master = -1, slave = -1;
	pid_t pid;
	if (c->tty) {
		if (open_pty(&master, &slave, c->rows, c->cols) < 0)
			return -1;
		pid = spawn(c, main_pid, slave, slave, slave, true);
		close(slave);
		in[1] = master, out[0] = master;
	} else {
		if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
		    pipe2(err, O_CLOEXEC) < 0)
			return -1;
		pid = spawn(c, main_pid, in[0], out[1], err[1], false);
		close(in[0]), close(out[1]), close(err[1]);
	}
	if (pid < 0) {
		char m[160];
		int n = vps_snprintf(m, sizeof(m), "join the container's processes: %s",
				     strerror(errno));
		send_to_host(port, VPS_VM_ERROR, m, n < 0 ? 0 : (size_t)n);
		return -1;
	}
	char buf[65536];
	int host_ok = 1;
	bool killed = false;
	for (int rounds = 0; out[0] >= 0 || err[0] >= 0; rounds++) {
		struct pollfd p[3] = {{.fd = host_ok ? port : -1, .events = POLLIN},
				      {.fd = out[0], .events = POLLIN},
				      {.fd = err[0], .events = POLLIN}};
		if (g_stop)
			kill_session(pid, &killed);
		if (ports_poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR) &&
		    from_host(port, &in[1], master, pid) < 0) {
			host_ok = 0;
			kill_session(pid, &killed); /* the host's `vps exec` is gone */
		}
		for (int i = 1; i < 3; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(p[i].fd);
				if (i == 1)
					out[0] = -1;
				else
					err[0] = -1;
				continue;
			}
			if (host_ok && send_to_host(port, i == 1 ? VPS_VM_STDOUT : VPS_VM_STDERR,
						    buf, (size_t)n) < 0)
				host_ok = 0;
		}
	}
	if (in[1] >= 0 && in[1] != master)
		close(in[1]);
	int32_t st = reap_session(pid, &killed);
	if (host_ok)
		send_to_host(port, VPS_VM_EXIT, &st, sizeof(st));
	return 0;
}

void relay_tty(int master, int port)
{
	char buf[16384];
	int port_ok = 1;
	for (;;) {
		struct pollfd p[2] = {{.fd = master, .events = POLLIN},
				      {.fd = port_ok ? port : -1, .events = POLLIN}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || write_all(port, buf, (size_t)n) < 0)
				return; /* EIO: every slave fd is closed */
		}
		if (p[1].revents & POLLIN) {
			ssize_t n = read(port, buf, sizeof(buf));
			if (n > 0)
				write_all(master, buf, (size_t)n);
			else if (n == 0)
				port_ok = 0;
		} else if (p[1].revents & (POLLHUP | POLLERR)) {
			port_ok = 0;
		}
	}
}
