/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps features`: the OCI features document (runtime-spec features.md)
 * describing what this vps build on this kernel really supports. Concerns
 * may extend it here as they add support. */
#pragma once
#include <json-c/json.h>

json_object *vps_features(void);
