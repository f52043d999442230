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
/* A pidfd of the init's monitor (its parent, named vps-monitor), or -1. */
int vps_stop_monitor_pidfd(pid_t init);
