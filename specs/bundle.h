/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one bundle opener (create, run, --vm, `vps passwd --bundle`): the
 * bundle dir, its config.json read ONCE and parsed, and root.path resolved
 * under one rule. It keeps the bytes it parsed, so create saves exactly the
 * config it validated and applied.
 *
 * The root.path rule (every mode): a relative root.path resolves beneath the
 * bundle without following any symlink and without leaving the bundle
 * (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS); an absolute one is taken as
 * given up to its last component, which must not be a symlink (O_NOFOLLOW).
 * podman and containerd pass a real directory; runc would follow a symlink. */
#pragma once
#include <limits.h>
#include <stddef.h>

#include "specs/spec.h"
#include "util/err.h"

struct oci_bundle {
	char dir[PATH_MAX];    /* the bundle, made absolute (realpath) */
	char rootfs[PATH_MAX]; /* root.path, resolved under the rule above */
	struct oci_spec *spec;
	char *config; /* the config.json bytes spec was parsed from */
	size_t config_len;
};

/* Open BUNDLE (NULL: "."); *out is malloc'ed (two paths: keep it off the stack). */
int oci_bundle_open(const char *bundle, struct oci_bundle **out, vps_err *err);
void oci_bundle_free(struct oci_bundle *b);

/* root_path (NULL: "rootfs") of the bundle dir BUNDLE as an O_RDONLY directory
 * fd, under the rule above. Errors name .root.path ("a symlink; not followed"). */
int oci_bundle_open_rootfs(const char *bundle, const char *root_path, vps_err *err);
