/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysinfo(2) inside a VPS tells the VPS's memory, swap, uptime and task
 * count (issue 18). The init installs a one-rule seccomp filter that turns
 * sysinfo into a user notification (sysinfo_filter.c) and hands its listener
 * to the VPS's monitor through create; the monitor runs a small server process
 * that answers (sysinfo_serve.c) and watches over it (mon_sysinfo.c). Only
 * VPS-face VPSes (a monitor, org.vps.procview not off) get it; engines'
 * bundles and `vps exec`'d processes see the kernel's own answer. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

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
/* The server, in a process of its own: answer every notification on fd
 * until no task uses the filter any more (exit 0); never returns. */
_Noreturn void vps_sysinfo_serve(int fd, struct vps_cgroup *cg, pid_t init,
				 struct vps_si_shared *sh);
int64_t vps_sysinfo_now_ms(void);

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
