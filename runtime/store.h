/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state store: ROOT/ID/ holds state.json (and whatever a concern keeps
 * per container, e.g. the exec barrier). ROOT defaults to /run/vps. Every
 * change happens under the container's lock (flock on ROOT/ID/.lock... see store.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "runtime/runtime.h"
#include "specs/state.h"
#include "util/err.h"

/* VPS_DEFAULT_ROOT, vps_state_load and vps_store_list: runtime.h. */

/* Make ROOT/ID exclusively (0700) and lock it. Fails with
 * `container "ID" already exists` (EEXIST) when it is there, even half-made.
 * Returns the container dir fd in *dirfd and the held lock fd in *lockfd. */
int vps_store_create(const char *root, const char *id, int *dirfd, int *lockfd, vps_err *err);

/* Open and lock (LOCK_EX) an existing container: `container "ID" does not exist` (ENOENT). */
int vps_store_lock(const char *root, const char *id, int *dirfd, int *lockfd, vps_err *err);

/* into the container's dir, already open (create, start); atomic */
int vps_state_save_at(int dirfd, const struct vps_state *st, vps_err *err);

/* Remove ROOT/ID and everything in it (idempotent: ENOENT is success). */
int vps_store_remove(const char *root, const char *id, vps_err *err);

/* The cgroupsPath of a container whose config.json names none: /vps/ID under
 * the default root, /vps/ID@DEV-INO (the root directory's st_dev and st_ino,
 * as `stat -c %d-%i ROOT` prints them) under any other, so containers of one
 * id in two state roots never share a cgroup ('@' is never part of an id). */
int vps_store_cgroup_default(const char *root, const char *id, char *out, size_t outsz,
			     vps_err *err);
