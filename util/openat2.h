/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one openat2(2) wrapper: every lookup confined to a root or beneath a
 * directory goes through it. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

/* Attempts before an EAGAIN/EINTR retry loop gives up with -EAGAIN. openat2
 * says EAGAIN under RESOLVE_IN_ROOT/BENEATH when a rename anywhere on the
 * system races the lookup; a tenant renaming files in its own root must not
 * keep a host-side tool spinning. */
#define VPS_OPENAT2_TRIES 16

/* openat2(dirfd, path, {flags | O_CLOEXEC, mode, resolve}); mode is passed
 * only with O_CREAT/O_TMPFILE. Returns the fd or -errno (never more than
 * VPS_OPENAT2_TRIES syscalls). */
int vps_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve);
