/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Live status of a container from its saved state: is its init still the
 * process we started (pid alive AND /proc/PID/stat starttime == pid_start)? */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/runtime.h"
#include "specs/state.h"
#include "util/err.h"

/* starttime (field 22 of /proc/PID/stat, clock ticks since boot). */
int vps_proc_starttime(pid_t pid, uint64_t *out, vps_err *err);

/* True when pid is alive (not a zombie) and started at start_time. */
bool vps_pid_matches(pid_t pid, uint64_t start_time);

/* vps_status_live (the status now): runtime.h. */
