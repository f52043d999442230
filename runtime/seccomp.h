/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp through libseccomp. The filter is compiled in the parent (cached as
 * BPF under the state root, keyed by a hash of the profile and libseccomp
 * version) and only installed, async-signal-safely, in the child. */
#pragma once
#include <stdbool.h>

#include "specs/spec.h"
#include "util/err.h"

struct vps_seccomp; /* a compiled filter plus its flags */

/* Where compiled filters are cached: one host-wide directory under the default
 * state root, whatever --root a caller uses, so an engine's own state root
 * (containerd's /run/containerd/runc/NS, podman's) holds nothing of ours once
 * its containers are deleted, as with runc. '@' is not allowed in container
 * ids, so under /run/vps it never collides with or lists as a container. */
#define VPS_SECCOMP_CACHE_SUBDIR "@seccomp"
#define VPS_SECCOMP_CACHE_DIR	 "/run/vps/" VPS_SECCOMP_CACHE_SUBDIR

/* Compile sc (NULL: *out = NULL, nothing to install). cache_dir may be NULL. */
int vps_seccomp_prepare(const struct oci_seccomp *sc, const char *cache_dir,
			struct vps_seccomp **out, vps_err *err);
/* In the child, last step before exec (after no_new_privs / caps): install the
 * filter. Without no_new_privs the kernel demands CAP_SYS_ADMIN for this (the
 * child keeps it effective until the exec: runtime/init.c). For SCMP_ACT_NOTIFY
 * profiles *listener_fd receives the notify fd (else -1). Async-signal-safe. */
int vps_seccomp_install(const struct vps_seccomp *s, int *listener_fd, vps_err *err);
/* Send the listener fd with the OCI state to sc->listener_path (SCM_RIGHTS). */
int vps_seccomp_send_listener(const struct oci_seccomp *sc, int listener_fd, const char *state_json,
			      vps_err *err);
void vps_seccomp_free(struct vps_seccomp *s);
/* Some rule is SCMP_ACT_NOTIFY (s may be NULL). */
bool vps_seccomp_notifies(const struct vps_seccomp *s);
