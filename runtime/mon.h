/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPS monitor (issue 16): one small process per VPS-face VPS, as LXC's
 * monitor or podman's conmon. `vps create` / `vps run -d` of a bundle with
 * org.vps.name fork it (mon_launch.c); it leaves the caller's session, creates
 * the VPS itself so that it is the init's parent, holds the console pty master,
 * writes the console to a bounded log (console_log.c), serves `vps console`
 * on a socket (mon_console.c), reaps the init, records how it ended, starts
 * it again after a reboot inside and exits with the VPS (mon_loop.c). A VM
 * VPS (--vm) gets one too: it holds QEMU, whose guest terminal is a socket in
 * place of the pty, and reaps it. The OCI face (engines' bundles) never gets one. */
#pragma once
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/internal.h"

#define VPS_MON_COMM	 "vps-monitor"	/* its name in ps (the init's parent) */
#define VPS_CONSOLE_SOCK "console.sock" /* ROOT/ID/console.sock, 0600 */
/* ROOT/ID/stopping: `vps stop` asked the init to end; the monitor does not
 * restart a VPS that ends after it, whatever the kind */
#define VPS_STOP_MARK	 "stopping"
#define VPS_CONSOLE_RING 4096 /* the output an attach is shown first */

/* The console log, ROOT/ID/console.log, rotated to console.log.1 at
 * VPS_CONSOLE_LOG_MAX: at most about twice that is kept. */
#define VPS_CONSOLE_LOG_MAX (1 << 20)
struct vps_conlog {
	int fd;		    /* console.log, O_APPEND; -1: none */
	off_t size;	    /* of console.log */
	char dir[PATH_MAX]; /* ROOT/ID */
};
/* Open (create, 0600) DIR/console.log for appending. */
int vps_conlog_open(struct vps_conlog *l, const char *dir, vps_err *err);
/* Append; rotates when the part reaches the limit. Failures only drop data. */
void vps_conlog_write(struct vps_conlog *l, const char *buf, size_t n);
void vps_conlog_close(struct vps_conlog *l);
/* Move ROOT/ID/console.log{,.1} to ROOT/.ID.console.log{,.1} (stash) and back
 * (unstash), across the delete and create of a reboot. */
void vps_conlog_stash(const char *root, const char *id, bool stash);

/* Does this spec get a monitor? The VPS face: annotation org.vps.name. */
bool vps_mon_wanted(const struct oci_spec *spec);
/* Fork the monitor, which creates the container (and with start, starts it)
 * and reports back; returns once it did: 0 with out->pid and out->monitor, or
 * the create's own error. */
int vps_mon_launch(const struct vps_create_opts *o, bool start, struct vps_created *out,
		   vps_err *err);

/* The same for a restore (vps_restore of a VPS-face bundle, detached): the
 * monitor restores the checkpoint o names (absolute image and work paths). */
int vps_mon_launch_restore(const struct vps_restore_opts *o, struct vps_created *out, vps_err *err);

/* Record the calling monitor (its pid and start time) in the VPS's state,
 * extra["monitor"]: how stop and delete find it even once the init is gone. */
int vps_mon_record(struct vps_state *st, vps_err *err);

struct vps_mon {
	struct vps_create_opts o;
	const struct vps_restore_opts *restore; /* the first boot restores this; NULL: create */
	char root[PATH_MAX], bundle[PATH_MAX];
	char inventory[PATH_MAX]; /* o.inventory made absolute (reboots run from /) */
	pid_t pid;		  /* the init; a VM's: QEMU */
	bool vm;		  /* a VM (runtime/vm): pty is its terminal's socket */
	int pidfd, pty;		  /* its pidfd and the console's pty master */
	int peer;		  /* our own slave fd: the master never hangs up */
	int lsock, client;	  /* console.sock and the one attached client, or -1 */
	struct vps_conlog log;
	char ring[VPS_CONSOLE_RING]; /* the latest output, for a new attach */
	size_t ring_len;
	struct vps_mon_si *si; /* sysinfo's server (mon_sysinfo.c), or NULL */
	/* what the boot's machined registration (machine.c) has to say: a
	 * warning (note_warn) or a debug line; "" nothing */
	bool note_warn;
	char note[VPS_ERR_MSG_MAX];
};
/* Create (and with start, start) the VPS, open its log and console socket,
 * register it with systemd-machined (a warning goes to the console log too). */
int vps_mon_boot(struct vps_mon *m, bool start, vps_err *err);
/* The monitor's life after the first boot: never returns. */
_Noreturn void vps_mon_run(struct vps_mon *m);

/* mon_console.c: the console socket, served by the monitor. */
struct sockaddr_un;
/* DIR/console.sock as a short path through an O_PATH fd of DIR (*dirfd). */
int vps_console_sock_addr(const char *dir, struct sockaddr_un *sa, int *dirfd, vps_err *err);
int vps_mon_console_listen(struct vps_mon *m, vps_err *err);
void vps_mon_console_accept(struct vps_mon *m);
/* Input from the attached client: 0 when it left. */
int vps_mon_console_input(struct vps_mon *m);
/* Output of the VPS's console: log, ring, client. */
void vps_mon_console_output(struct vps_mon *m, const char *buf, size_t n);
void vps_mon_console_close(struct vps_mon *m);

/* Console socket messages (SOCK_SEQPACKET). monitor -> client: first one byte,
 * VPS_CON_OK or VPS_CON_BUSY, then the console's output. client -> monitor:
 * a type byte and its payload. */
#define VPS_CON_OK    'O'
#define VPS_CON_BUSY  'B'
#define VPS_CON_DATA  'd' /* bytes typed */
#define VPS_CON_WINSZ 'w' /* struct winsize */
#define VPS_CON_MSG   8192
