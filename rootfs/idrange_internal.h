/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by idrange.c and idrange_check.c (see rootfs/userns.h). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "rootfs/userns.h"

#define VPS_IDRANGE_DIR	     "idranges"
#define VPS_IDRANGE_SETTINGS "settings"
#define VPS_IDRANGE_LOCK     ".lock"

/* The vps-owned area: ranges base + n * VPS_IDRANGE_SIZE for n < count. */
struct vps_idarea {
	uint32_t base, count;
};
/* Read the settings file in dirfd (INVENTORY/idranges; missing: defaults);
 * base_opt (not 0) overrides its base. The area must lie in 65536..2^32-2. */
int vps_idrange_area(int dirfd, uint32_t base_opt, struct vps_idarea *a, vps_err *err);
/* Refuse an area that overlaps a line of /etc/subuid or /etc/subgid. */
int vps_idrange_check_subids(const struct vps_idarea *a, vps_err *err);
/* Does bundle/config.json still map root onto base? (false when the bundle
 * or its config is gone; true when it cannot tell) */
bool vps_idrange_bundle_holds(const char *bundle, uint32_t base);
