/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysinfo(2) inside a VPS tells the VPS's memory, swap, uptime and task
 * count (issue 18). The init installs a one-rule seccomp filter that turns
 * sysinfo into a user notification (sysinfo_filter.c) and hands its listener
 * to the VPS's monitor through create; the monitor runs a small server process
 * that answers (sysinfo_serve.c) and watches over it (mon_sysinfo.c). Only
 * VPS-face VPSes (a monitor, org.vps.procview not off) get it, and the
 * processes `vps exec` starts in them (their own filter, whose listener goes
 * to the server through ROOT/ID/sysinfo.sock: sysinfo_sock.c); engines'
 * bundles see the kernel's own answer. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

#define VPS_SYSINFO_SOCK     "sysinfo.sock"
#define VPS_SYSINFO_EXEC_MAX 64 /* exec'd processes' listeners a server takes */
/* sysinfo_sock.c. The monitor: the listening socket (-errno), its removal. */
int vps_sysinfo_listen(const char *root, const char *id);
void vps_sysinfo_unlink(const char *root, const char *id);
/* exec: does the VPS's server take listeners? */
bool vps_sysinfo_served(const char *root, const char *id);
/* exec: hand a listener to the server. */
int vps_sysinfo_hand_over(const char *root, const char *id, int fd, vps_err *err);
/* The server: one client's listener, or -1 (nothing, or not a listener). */
int vps_sysinfo_accept(int lsock);

/* Child side, async-signal-safe: install the filter (sysinfo of the native
 * architecture -> SECCOMP_RET_USER_NOTIF, all else allowed); the listener
 * fd, or -errno (no native arch known, or the kernel refused). Needs
 * no_new_privs or CAP_SYS_ADMIN. */
int vps_sysinfo_filter_install(void);

/* Shared between the monitor and its server (one MAP_SHARED page): the
 * notification the server works on since when (ms, CLOCK_MONOTONIC; 0: idle). */
struct vps_si_shared {
	volatile uint64_t id;
	volatile int64_t since_ms;
};

struct vps_cgroup;
/* The server, in a process of its own: answer every notification on fd (the
 * init's listener) and on those handed over on lsock (-1: none) until no task
 * uses the init's filter any more (exit 0); never returns. */
_Noreturn void vps_sysinfo_serve(int fd, int lsock, struct vps_cgroup *cg, pid_t init,
				 struct vps_si_shared *sh);

/* The monitor's side (mon_sysinfo.c) */
struct vps_mon;
/* Take the listener fd of the new boot (-1: none) and start the server. */
void vps_mon_sysinfo_start(struct vps_mon *m, int fd);
/* Watch the server (restart it when it died, kill it when one answer takes
 * too long); the poll timeout the monitor's loop should use at most, ms (-1:
 * none needed). Never blocks. */
int vps_mon_sysinfo_tick(struct vps_mon *m);
/* End of a boot: stop the server, close the listener. */
void vps_mon_sysinfo_stop(struct vps_mon *m);
