/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runc's view of a container (`runc state`, `runc list --format json`):
 * ociVersion, id, pid (0 unless alive), status (live), bundle, rootfs,
 * created, annotations (when any), owner (user name). */
#pragma once
#include <json-c/json.h>

#include "specs/state.h"

json_object *cli_state_view(const char *root, const struct vps_state *st);
/* "root", or "#UID" when the uid has no name. buf: at least 64 bytes. */
const char *cli_owner_name(uid_t uid, char *buf, size_t n);
