/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps stop's pieces (stop.c, stop_init.c). */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "runtime/internal.h"

struct vps_stop_how {
	int sig;       /* the signal to send the init */
	bool initctl;  /* sysvinit: a runlevel 0 request on /run/initctl instead */
	int timeout_s; /* default wait before SIGKILL */
};
/* From the recorded annotations (org.vps.stop-signal, org.vps.template). */
int vps_stop_how(const struct vps_state *st, struct vps_stop_how *h, vps_err *err);
/* Ask the init (pid, its pidfd) to shut down. */
int vps_stop_ask(pid_t pid, int pidfd, const struct vps_stop_how *h, vps_err *err);
/* A pidfd of the init's monitor (its parent, named vps-monitor; never the
 * caller itself), or -1. */
int vps_stop_monitor_pidfd(pid_t init);
/* A pidfd of the monitor st records (extra["monitor"], vps_mon_record) if
 * that very process (same start time, named vps-monitor, not the caller) is
 * still there, also after the init is gone; else -1. */
int vps_stop_monitor_recorded(const struct vps_state *st);
/* Load ID's state (how: the way to stop it, NULL: not needed); unless it runs
 * and !force, take pidfds of its init and monitor (each -1 when there is
 * none; the caller closes them), mark it as being stopped when it has a
 * monitor (VPS_STOP_MARK: the monitor boots nothing again) and thaw it. */
int vps_stop_prepare(const char *root, const char *id, bool force, struct vps_state **st,
		     struct vps_stop_how *how, int *pidfd, int *monfd, vps_err *err);
/* SIGKILL the init and every process of its cgroup; wait for the init.
 * ETIMEDOUT when it is still there after the bound. */
int vps_stop_kill(const struct vps_state *st, int pidfd, vps_err *err);
/* Wait (bounded) for the monitor to record the end and exit; one stuck is
 * SIGKILLed. monfd -1: nothing. */
void vps_stop_wait_monitor(int monfd);
