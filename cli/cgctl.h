/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CLI helpers shared by pause, resume, update, events and stats: parse
 * durations, stats as JSON, the pause/resume command. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>

#include "cli/cli.h"

struct vps_cgroup_stats; /* cgroups/stats_types.h, through runtime/runtime.h */

/* Go durations: "5s", "100ms", "1m30s", "1.5s" -> milliseconds (> 0). */
int cli_parse_duration_ms(const char *s, long *out);

/* runc's types.Stats object (the "data" of a stats event). */
json_object *cli_stats_json(const struct vps_cgroup_stats *st);

/* pause (freeze) / resume (thaw) ID: the whole command. */
int cli_freeze_cmd(struct vps_ctx *ctx, int argc, char **argv, bool freeze);
