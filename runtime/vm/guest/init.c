/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps guest init (PID 1 of a `--vm` guest). Boot: devtmpfs/proc/sys, the
 * modules of the initramfs's /vps.conf; then the wait point (await.c: the same
 * for every VM of a machine shape, where a snapshot may be taken) until the
 * host sends the VM's configuration; the 9p-shared rootfs (or the disk) on
 * /newroot, the spec's mounts;
 * then the main process waits for `start` while the agent serves the host; when
 * the main process exits its status goes to the host, the agent finishes what
 * it serves (agent.c) and the VM powers off. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>

#include "runtime/vm/guest/guest.h"
#include "util/fmt.h"

#define PROC_SUPER_MAGIC 0x9fa0 /* linux/magic.h: the guest builds with musl alone */
#define RA_KB		 "512"	/* the 9p root's read-ahead: about one msize */

static void msleep(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

__attribute__((noreturn)) static void power_off(int status)
{
	sync();
	debug_exit(status); /* isa-debug-exit: QEMU exits (v<<1)|1 */
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

__attribute__((noreturn)) static void fatal(const char *what)
{
	glog("%s: %s", what, strerror(errno));
	power_off(126);
}

static void load_modules(const struct gconf *c)
{
	for (size_t i = 0; i < c->n_modules; i++) {
		char path[256];
		int fd = vps_snprintf(path, sizeof(path), "/modules/%s", c->modules[i]) < 0
			     ? (errno = ENAMETOOLONG, -1)
			     : open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST))
			glog("load module %s: %s", c->modules[i], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* The port a configuration needs; a shape without it is a broken VM. */
static int must_port(const int ports[G_PORT_N], enum gport p)
{
	if (ports[p] < 0) {
		char what[64];
		errno = ENODEV;
		/* fits: a port name in 64 */
		vps_snprintf(what, sizeof(what), "virtio port %s", port_name(p));
		fatal(what);
	}
	return ports[p];
}

static void early_mounts(void)
{
	mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL);
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mkdir("/dev/pts", 0755);
	mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666,mode=0620");
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/* The VPS's disk (virtio-blk, ext4) once its device node appears. */
static void mount_disk(const struct gconf *c)
{
	char dev[64];
	if (vps_snprintf(dev, sizeof(dev), "/dev/%s", c->root_dev) < 0)
		fatal("root_dev: name too long");
	for (int tries = 0; tries < 500 && access(dev, F_OK) < 0; tries++)
		msleep(10);
	disk_reprobe(c->root_dev);
	for (int tries = 0; tries < 500 && access(dev, F_OK) < 0; tries++)
		msleep(10); /* reprobed: its node again */
	unsigned long fl = MS_NODEV | (c->ro_root ? MS_RDONLY : 0);
	if (mount(dev, "/newroot", "ext4", fl, "errors=remount-ro") < 0)
		fatal("mount the disk");
}

/* Read-ahead for page faults on the 9p root: its bdi ("9p-N" in sysfs, N
 * counts the boot's named bdis from 1; the rootfs is the first) has none without a cache,
 * so exec faulted a binary in one 4 KiB page per 9p round trip (~45 for busybox
 * true). Only faults use it: read(2) still goes to QEMU each time, and every
 * lookup makes a new inode (no cache), so a host-side edit (vps passwd) is seen
 * as before. Files opened after this get it. */
static int set_readahead(const char *bdi)
{
	char path[300];
	if (vps_snprintf(path, sizeof(path), "/sys/class/bdi/%s/read_ahead_kb", bdi) < 0)
		return -1;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = fd < 0 ? -1 : (int)write(fd, RA_KB, sizeof(RA_KB) - 1);
	if (fd >= 0)
		close(fd);
	return r < 0 ? -1 : 0;
}

static void rootfs_readahead(void)
{
	if (set_readahead("9p-1") == 0)
		return; /* the one expected: no directory scan (sysfs code is slow under TCG) */
	DIR *d = opendir("/sys/class/bdi");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "9p-", 3) && set_readahead(e->d_name) < 0)
			glog("read-ahead of %s: %s", e->d_name, strerror(errno));
	if (d)
		closedir(d);
}

static void mount_rootfs(const struct gconf *c)
{
	mkdir("/newroot", 0755);
	if (c->root_dev)
		return mount_disk(c);
	/* no cache (cache=mmap had read-ahead too, but it hung a busybox-template
	 * VPS's exec, vm-vps.bats): read-ahead set on the bdi instead */
	const char *opts = "trans=virtio,version=9p2000.L,msize=512000,access=client";
	if (mount("vps-rootfs", "/newroot", "9p", 0, opts) < 0)
		fatal("mount the 9p rootfs");
	rootfs_readahead();
}

/* The main process. When the spec asks for a pid namespace, as in container
 * mode it is PID 1 of its own (a template's init, e.g. busybox init, insists on
 * being PID 1; our init stays the VM's real PID 1 to relay exec, signals and
 * the exit status, and signal rules are those of a container's init). /proc in
 * the rootfs is remounted for that namespace, so the container's view and every
 * exec'd process (which joins it, relay.c) see only the container's processes.
 * Blocks until the agent relays `start`, then execs. */
static pid_t spawn_main(const struct gconf *c, int go[2], int stdio[3], int slave)
{
	unsigned long fl = SIGCHLD | (c->pidns ? CLONE_NEWPID : 0);
	pid_t pid = (pid_t)syscall(SYS_clone, fl, NULL, NULL, NULL, NULL);
	if (pid != 0)
		return pid;
	struct statfs sf;
	if (c->pidns && statfs("/newroot/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC &&
	    mount("proc", "/newroot/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		glog("mount /proc for the container's pid namespace: %s", strerror(errno));
	close(go[1]);
	int go_r = go[0];
	char b;
	if (read(go_r, &b, 1) != 1)
		_exit(0); /* deleted before start */
	gmark(c, "started");
	setsid();
	if (slave >= 0) {
		dup2(slave, 0), dup2(slave, 1), dup2(slave, 2);
		ioctl(0, TIOCSCTTY, 0);
	} else {
		dup2(stdio[0], 0), dup2(stdio[1], 1), dup2(stdio[2], 2);
	}
	close_from(3);
	proc_exec(c, false, 0);
}

/* The main process exited: the agent answers the request it serves, ends the
 * exec session (its status goes out) and exits; 10 s at most. Other children
 * (orphans) are reaped meanwhile. */
static void stop_agent(pid_t agent)
{
	if (agent <= 0)
		return;
	kill(agent, SIGTERM);
	for (int t = 0; t < 1000; t++) {
		pid_t p;
		while ((p = waitpid(-1, NULL, WNOHANG)) > 0)
			if (p == agent)
				return;
		msleep(10);
	}
	glog("the agent did not finish within 10 s; powering off");
}

int main(void)
{
	early_mounts();
	char *buf;
	size_t len;
	static struct gconf boot, c; /* large: off the stack */
	if (read_file("/vps.conf", &buf, &len) < 0)
		fatal("read /vps.conf");
	gconf_parse(buf, len, &boot); /* the shape's modules only: no process yet */
	load_modules(&boot);
	int ports[G_PORT_N];
	ports_open(ports);
	/* the wait point (a snapshot may be taken here): the rest comes over ctl */
	int ctl = must_port(ports, G_PORT_CTL);
	await_config(ctl, &c);
	gmark(&c, "configured");
	mount_rootfs(&c);
	proc_setup_rootfs(&c);
	gmark(&c, "rootfs mounted");
	int ex = must_port(ports, G_PORT_EXEC);
	int status_port = must_port(ports, G_PORT_STATUS);
	int stdio[3] = {-1, -1, -1}, master = -1, slave = -1, tty_port = -1;
	if (c.tty) {
		tty_port = must_port(ports, G_PORT_TTY);
		if (open_pty(&master, &slave, c.rows, c.cols) < 0)
			fatal("allocate the terminal");
		console_bind(master);
	} else {
		stdio[0] = must_port(ports, G_PORT_IN);
		stdio[1] = must_port(ports, G_PORT_OUT);
		stdio[2] = must_port(ports, G_PORT_ERR);
	}
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		fatal("pipe");
	pid_t main_pid = spawn_main(&c, go, stdio, slave);
	if (main_pid < 0)
		fatal("fork the main process");
	close(go[0]);
	pid_t agent = fork();
	if (agent == 0) {
		/* the master reads EIO once the main process's side closes: no
		 * slave here; the master only for a resize */
		if (slave >= 0)
			close(slave), close(tty_port);
		agent_run(main_pid, go[1], ctl, ex, master);
	}
	close(go[1]);
	send_to_host(ctl, VPS_VM_OK, NULL, 0); /* the CONF's answer: set up, agent serving */
	gmark(&c, "answered");
	/* init holds the terminal's slave until the main process exits, as the
	 * monitor holds its peer in container mode: an init that closes its stdio
	 * (sysvinit) and opens /dev/console only now and then never leaves the
	 * master reading EIO, which would end the relay for good */
	pid_t relay = 0;
	if (c.tty) {
		relay = fork();
		if (relay == 0) {
			close(slave);
			relay_tty(master, tty_port);
			_exit(0);
		}
	}
	for (int i = 0; i < 3; i++)
		if (stdio[i] >= 0)
			close(stdio[i]);
	int ws = 0, st = -1;
	for (;;) {
		int w;
		pid_t p = waitpid(-1, &w, 0);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			break;
		if (p == main_pid) {
			ws = w;
			st = status_of(ws);
			break;
		}
	}
	if (slave >= 0)
		close(slave); /* the relay ends once the container's last holder does */
	for (int t = 0; relay > 0 && t < 200; t++) { /* let the terminal drain */
		if (waitpid(relay, NULL, WNOHANG) == relay)
			break;
		msleep(10);
	}
	char line[32];
	int n = vps_snprintf(line, sizeof(line), "exit %d\n", st);
	if (n > 0)
		write_all(status_port, line, (size_t)n);
	stop_agent(agent);
	kill(-1, SIGKILL);
	gmark(&c, "main process exited");
	power_off(st);
}
