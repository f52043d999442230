/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A container opened for a cgroup verb (pause, resume, update, stats,
 * events): its state, its cgroup and its live status. Private to runtime/. */
#pragma once
#include <stdbool.h>

#include "cgroups/cgroup.h"
#include "specs/state.h"
#include "util/err.h"

struct vps_live {
	struct vps_state *st;
	struct vps_cgroup *cg;
	enum vps_status status; /* live; running vs. paused from the freezer */
	int dirfd, lockfd;	/* -1 unless locked */
};

/* Load ID's state (holding its lock when lock) and open its cgroup. On error
 * err is set and everything is released. */
int vps_live_open(const char *root, const char *id, bool lock, struct vps_live *l, vps_err *err);
void vps_live_close(struct vps_live *l);
/* Open the cgroup state.json records (st->cgroup_path), a systemd unit's
 * when the container was made with --systemd-cgroup. err may be NULL. */
int vps_live_cgroup(const struct vps_state *st, struct vps_cgroup **cg, vps_err *err);
