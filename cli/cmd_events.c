/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps events [--stats] [--interval DUR] ID: runc's event stream, one JSON
 * object per line: {"type":"stats","id":ID,"data":{...}} every interval and
 * {"type":"oom","id":ID} when the kernel OOM-kills inside the container. Ends
 * when the container stops. --stats prints one stats event and exits. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cgctl.h"
#include "runtime/runtime.h"

static void emit(const char *type, const char *id, json_object *data)
{
	json_object *ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string(type));
	json_object_object_add(ev, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(ev, "data", data);
	puts(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(ev);
}

static int emit_stats(struct vps_ctx *ctx, struct vps_monitor *m)
{
	struct vps_cgroup_stats st;
	if (vps_stats(m, &st, &ctx->err) < 0)
		return -1;
	emit("stats", ctx->id, cli_stats_json(&st));
	vps_stats_free(&st);
	return 0;
}

static int stream(struct vps_ctx *ctx, struct vps_monitor *m, long interval)
{
	for (;;) { /* ends when the container stops */
		struct vps_cgroup_stats st;
		int ev = vps_events_next(m, interval, &st, &ctx->err);
		if (ev < 0 || ev == VPS_EVENT_END)
			return ev;
		if (ev == VPS_EVENT_OOM) {
			emit("oom", ctx->id, NULL);
			continue;
		}
		emit("stats", ctx->id, cli_stats_json(&st));
		vps_stats_free(&st);
	}
}

int cmd_events(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
					     {"stats", no_argument, NULL, 's'},
					     {"interval", required_argument, NULL, 'i'},
					     {0}};
	bool once = false;
	long interval = 5000;
	int opt, r;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1) {
		if (opt == 's')
			once = true;
		else if (opt == 'i' && cli_parse_duration_ms(optarg, &interval) < 0)
			return cli_usage(ctx,
					 "--interval: expected a duration like 5s or 500ms, "
					 "got \"%s\"",
					 optarg);
		else if (opt != 'i' && (r = cli_opt_common(ctx, opt)) >= 0)
			return r;
	}
	if ((r = cli_positional(ctx, argc, argv, 1)) != 0)
		return r;
	struct vps_monitor *m;
	if (vps_monitor_open(ctx->root, ctx->id, &m, &ctx->err) < 0)
		return cli_fail(ctx);
	if (vps_monitor_status(m) == VPS_STOPPED)
		r = vps_errorx(&ctx->err, EINVAL, "container is stopped");
	else
		r = once ? emit_stats(ctx, m) : stream(ctx, m, interval);
	vps_monitor_close(m);
	return r < 0 ? cli_fail(ctx) : 0;
}
