/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps list`'s VPS view (cli/list_vps.c). */
#pragma once
#include <json-c/json.h>
#include <stddef.h>

#include "runtime/inventory.h"

/* {name, state, address, memory, cpus, pids, root, autostart, bootOrder,
 * bootDelay, bundle}; unknown or unlimited values are null. */
json_object *cli_vps_row_json(const struct vps_inv_row *r);
/* NAME STATE ADDRESS MEMORY CPUS ROOT AUTOSTART, columns padded. */
void cli_vps_table(const struct vps_inv_row *rows, size_t n);
