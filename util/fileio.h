/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-file reads and crash-safe writes (temp name, fsync, rename, fsync dir). */
#pragma once
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* Read a whole file (at most max bytes) relative to dirfd (AT_FDCWD ok),
 * NUL-terminated. *out is malloc'ed. */
int vps_read_file_at(int dirfd, const char *name, size_t max, char **out, size_t *len,
		     vps_err *err);

/* The same from an open fd (name only for messages). */
int vps_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, vps_err *err);

/* Atomically replace dirfd/name with buf: write dirfd/.name.XXXXXX, fchown
 * (uid/gid -1: keep unchanged), fchmod(mode), fsync, renameat, fsync(dirfd).
 * name must be a plain file name (no '/'). On failure nothing is left behind. */
int vps_write_atomic_at(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
			uid_t uid, gid_t gid, vps_err *err);

/* vps_write_atomic_at for runtime state (a container's state.json and config
 * copy): the fsyncs are skipped when dirfd is on tmpfs or ramfs, where they are
 * no-ops that still cost a syscall each, and kept on disk-backed storage (12 of
 * them per `vps run` cost ~17 ms on this project's test machines, whose /run is
 * ext4). Either way the rename makes it atomic against a crash of the writer. */
int vps_write_state_at(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
		       uid_t uid, gid_t gid, vps_err *err);

/* The first half of vps_write_atomic_at: write buf to a new temp file
 * dirfd/.name.XXXXXX (name returned in tmp), chown, chmod, fsync; the caller
 * renames it (several files can be staged, then renamed together). */
int vps_write_temp_at(int dirfd, const char *name, const void *buf, size_t len, mode_t mode,
		      uid_t uid, gid_t gid, char *tmp, size_t tmpsz, vps_err *err);

/* mkdir -p under AT_FDCWD with mode for created components. */
int vps_mkdir_p(const char *path, mode_t mode, vps_err *err);
