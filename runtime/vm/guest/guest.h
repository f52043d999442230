/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps guest init: the static PID 1 of a `--vm` guest. Shared declarations.
 * Built with musl (or glibc) -static by runtime/vm/vm.mk; no other libraries. */
#pragma once
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/vm/proto.h"
#include "runtime/vm/wire.h"
#include "util/io.h"

#define G_MAX_ITEMS 256

/* A process description: the main process (from /vps.conf) or an exec request. */
struct gconf {
	char *args[G_MAX_ITEMS + 1];
	size_t n_args;
	char *env[G_MAX_ITEMS + 1];
	size_t n_env;
	const char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t gids[64];
	size_t n_gids;
	long umask; /* -1: unset */
	bool tty, nnp, ro_root, debug, pidns;
	const char *root_dev; /* "vda": the root is an ext4 virtio-blk disk; NULL: 9p */
	unsigned rows, cols;
	const char *hostname, *domainname;
	struct {
		int res;
		unsigned long long soft, hard;
	} rlimits[32];
	size_t n_rlimits;
	const char *mounts[G_MAX_ITEMS]; /* "dest\x1ftype\x1fsource\x1fopt,opt" */
	size_t n_mounts;
	const char *masked[G_MAX_ITEMS], *readonly[G_MAX_ITEMS];
	size_t n_masked, n_readonly;
	const char *modules[32];
	size_t n_modules;
	const char *seed; /* hex bytes from the host's getrandom, for the RNG */
	const char *time; /* the host's wall clock at CONF, "SEC.NSEC" */
};

/* ports.c: the virtio-serial ports, opened before the wait point. */
enum gport {
	G_PORT_CTL,
	G_PORT_EXEC,
	G_PORT_STATUS,
	G_PORT_TTY,
	G_PORT_IN,
	G_PORT_OUT,
	G_PORT_ERR,
	G_PORT_N
};
const char *port_name(enum gport p);
/* Open every port of the shape (-1: absent) and block SIGIO and SIGTERM
 * (ports_poll's). */
void ports_open(int fd[G_PORT_N]);
/* Set by SIGTERM, which init sends the agent (and the agent its exec session)
 * once the main process exited: finish, report, exit. */
extern volatile sig_atomic_t g_stop;
/* SIGIO to this process when a host client connects to fd or sends. */
void ports_notify(int fd);
/* poll that SIGIO and SIGTERM interrupt (-1, EINTR; ms -1: no timeout): a
 * port that polled HUP (no host client) is left out (fd -1) until SIGIO. */
int ports_poll(struct pollfd *p, nfds_t n, int ms);

/* conf.c: parse "key=value\0" records (buf must stay alive; it is modified). */
int gconf_parse(char *buf, size_t len, struct gconf *c);

/* await.c: serve PING ("config") on ctl until the host's CONF arrives, parse
 * it into c and reseed the kernel's RNG from its seed record. The caller
 * answers the CONF once the VM is set up (the host waits for that). */
void await_config(int ctl, struct gconf *c);

/* util.c */
void close_from(int from);   /* every fd >= from */
void debug_exit(int status); /* QEMU exits (status<<1)|1; returns if it cannot */
void glog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --debug (the configuration's debug=1): "vps-init: MS ms what" on the console,
 * CLOCK_MONOTONIC, where the guest's time goes after a restore. */
void gmark(const struct gconf *c, const char *what);
#define write_all vps_write_all
#define send_msg  vps_vm_send
/* send_msg to a host client that is there: a virtio-serial port blocks writers
 * while no host client is connected (until the next one connects, which would
 * then read an answer meant for another). Waits about 1 s for the port to be
 * writable; -1 (nothing sent) if it does not become so. */
int send_to_host(int fd, uint32_t type, const void *data, size_t len);
#define recv_msg vps_vm_recv
int read_file(const char *path, char **out, size_t *len);
/* disk.c: a restored disk VM's disk NAME (size 0: the snapshot's placeholder)
 * probed again, now the VPS's own image. */
void disk_reprobe(const char *name);

/* proc.c: in a forked child, become the container process and exec (never returns). */
void proc_setup_rootfs(const struct gconf *c); /* init's process, once, before start */
__attribute__((noreturn)) void proc_exec(const struct gconf *c, bool enter_pid, pid_t main_pid);
/* The errno-ful message a failed child leaves, for the host. */
__attribute__((noreturn)) void child_fail(const char *what);

/* relay.c: copy between the exec socket and a process's pipes or pty until it exits. */
int relay_exec(int port, const struct gconf *c, pid_t main_pid);
int open_pty(int *master, int *slave, unsigned rows, unsigned cols);
void console_bind(int master); /* the pty on the container's /dev/console */
/* Copy a pty master <-> a raw port until the master closes. */
void relay_tty(int master, int port);

/* agent.c: serve ctl and exec until killed. go_fd: write a byte to start main;
 * master: the main process's terminal (-1: none), for a resize. */
__attribute__((noreturn)) void agent_run(pid_t main_pid, int go_fd, int ctl, int exec_port,
					 int master);

int status_of(int wstatus); /* 128+sig for a signal */
