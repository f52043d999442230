/* Live status of a container from its saved state: is its init still the
 * process we started (pid alive AND /proc/PID/stat starttime == pid_start)? */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "specs/state.h"
#include "util/err.h"

/* starttime (field 22 of /proc/PID/stat, clock ticks since boot). */
int vps_proc_starttime(pid_t pid, uint64_t *out, vps_err *err);

/* True when pid is alive (not a zombie) and started at start_time. */
bool vps_pid_matches(pid_t pid, uint64_t start_time);

/* The status now: `created` stays created until start; a dead or reused pid
 * means stopped; a container still being made (no state.json yet) is
 * `creating` while its creator holds the lock, else stopped. root is the
 * state root (for the lock check). Running vs. paused comes from the
 * cgroup freezer (cgroups/ vps_cgroup_is_frozen), the recorded status if
 * the cgroup cannot be read. A caller that holds the container's lock itself
 * passes root NULL: then nobody else can be creating it, so a container
 * without state.json is stopped (its creator died). */
enum vps_status vps_status_live(const char *root, const struct vps_state *st);
