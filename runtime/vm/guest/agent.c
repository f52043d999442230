/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest agent: serves the host's ctl requests (start, kill, resize, ping) and exec
 * sessions. A virtio-serial port reads 0 / polls HUP while no host client is
 * connected, so a port that hung up is looked at again when SIGIO says a client
 * came (ports.c), or on the next tick. When the main process exited, init
 * sends SIGTERM and waits for the agent before it powers the VM off: the agent
 * answers the request it is serving, has the running exec session kill its
 * process and report that status, refuses later execs and exits. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/vm/guest/guest.h"

#define TICK_MS 40

static void reply(int fd, int ok, const char *msg)
{
	/* a client that gave up waiting is not answered: writing to it would
	 * block the agent (and every exec) until the next client connects */
	send_to_host(fd, ok ? VPS_VM_OK : VPS_VM_ERROR, msg, msg ? strlen(msg) : 0);
}

/* The main process's terminal (its master, -1: none) takes the host's size. */
static void resize(int ctl, int master, const char *p, uint32_t len)
{
	uint16_t rc[2];
	if (master < 0 || len < sizeof(rc)) {
		reply(ctl, 0, "the main process has no terminal");
		return;
	}
	memcpy(rc, p, sizeof(rc));
	struct winsize ws = {.ws_row = rc[0], .ws_col = rc[1]};
	if (ioctl(master, TIOCSWINSZ, &ws) < 0)
		reply(ctl, 0, strerror(errno));
	else
		reply(ctl, 1, NULL);
}

/* One ctl request. Returns 0, or -1 when the host is gone. */
static int ctl_request(int ctl, pid_t main_pid, int *go_fd, int master)
{
	struct vps_vm_hdr h;
	char *p;
	if (recv_msg(ctl, &h, &p) != 1)
		return -1;
	if (h.type == VPS_VM_START) {
		if (*go_fd < 0) {
			reply(ctl, 0, "already started");
		} else {
			write_all(*go_fd, "s", 1);
			close(*go_fd);
			*go_fd = -1;
			reply(ctl, 1, NULL);
		}
	} else if (h.type == VPS_VM_KILL && h.len >= 4) {
		int32_t sig;
		memcpy(&sig, p, sizeof(sig));
		if (kill(main_pid, sig) < 0)
			reply(ctl, 0, strerror(errno));
		else
			reply(ctl, 1, NULL);
	} else if (h.type == VPS_VM_RESIZE) {
		resize(ctl, master, p, h.len);
	} else if (h.type == VPS_VM_PING) {
		reply(ctl, 1, *go_fd < 0 ? "running" : "created");
	} else {
		reply(ctl, 0, "unknown request");
	}
	free(p);
	return 0;
}

static pid_t exec_request(int port, pid_t main_pid)
{
	struct vps_vm_hdr h;
	char *p;
	if (recv_msg(port, &h, &p) != 1)
		return -1;
	if (h.type != VPS_VM_EXEC || g_stop) {
		if (h.type == VPS_VM_EXEC)
			reply(port, 0, "the main process has exited; the VM is powering off");
		free(p);
		return 0;
	}
	pid_t pid = fork();
	if (pid == 0) {
		struct gconf c;
		if (gconf_parse(p, h.len, &c) < 0) {
			const char *m = "bad exec request";
			send_to_host(port, VPS_VM_ERROR, m, strlen(m));
			_exit(1);
		}
		_exit(relay_exec(port, &c, main_pid) < 0 ? 1 : 0);
	}
	free(p);
	return pid;
}

void agent_run(pid_t main_pid, int go_fd, int ctl, int exec_port, int master)
{
	int ctl_live = 1, exec_live = 1;
	pid_t runner = 0;
	bool told = false;
	signal(SIGPIPE, SIG_IGN);
	ports_notify(ctl);
	ports_notify(exec_port);
	for (;;) {
		if (g_stop && runner && !told) { /* its process dies, its status goes out */
			kill(runner, SIGTERM);
			told = true;
		}
		/* stopping and no session left: one last look at what is there */
		int last = g_stop && !runner;
		struct pollfd p[2] = {
		    {.fd = ctl_live ? ctl : -1, .events = POLLIN},
		    {.fd = exec_live && !runner ? exec_port : -1, .events = POLLIN}};
		int n = ports_poll(p, 2, last ? 0 : TICK_MS);
		if (n == 0 || (n < 0 && errno == EINTR)) { /* SIGIO: a host client came */
			ctl_live = exec_live = 1;
		} else if (n < 0) {
			glog("agent: poll: %s", strerror(errno));
			_exit(1);
		}
		if (p[0].revents & POLLIN) {
			if (ctl_request(ctl, main_pid, &go_fd, master) < 0)
				ctl_live = 0;
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			ctl_live = 0;
		}
		if (p[1].revents & POLLIN) {
			pid_t r = exec_request(exec_port, main_pid);
			if (r < 0)
				exec_live = 0;
			else if (r > 0)
				runner = r;
		} else if (p[1].revents & (POLLHUP | POLLERR)) {
			exec_live = 0;
		}
		if (runner && waitpid(runner, NULL, WNOHANG) == runner)
			runner = 0;
		if (last)
			_exit(0);
	}
}
