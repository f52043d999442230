/* CLI helpers shared by pause, resume, update, events and stats: find a
 * container's state and cgroup, parse sizes and durations, stats as JSON. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroups/cgroup.h"
#include "cli/cli.h"
#include "specs/state.h"

struct cli_cg {
	struct vps_state *st;
	struct vps_cgroup *cg;
	enum vps_status status; /* live */
	int dirfd, lockfd;	/* -1 unless locked */
};

/* Load ID's state (holding its lock when lock) and open its cgroup. On error
 * ctx->err is set and everything is released. */
int cli_cg_open(struct vps_ctx *ctx, const char *id, bool lock, struct cli_cg *c);
void cli_cg_close(struct cli_cg *c);

/* Go durations: "5s", "100ms", "1m30s", "1.5s" -> milliseconds (> 0). */
int cli_parse_duration_ms(const char *s, long *out);

/* runc's types.Stats object (the "data" of a stats event). */
json_object *cli_stats_json(const struct vps_cgroup_stats *st);

/* pause (freeze) / resume (thaw) ID: the whole command. */
int cli_freeze_cmd(struct vps_ctx *ctx, int argc, char **argv, bool freeze);
