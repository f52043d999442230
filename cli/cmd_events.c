/* vps events [--stats] [--interval DUR] ID: runc's event stream, one JSON
 * object per line: {"type":"stats","id":ID,"data":{...}} every interval and
 * {"type":"oom","id":ID} when the kernel OOM-kills inside the container. Ends
 * when the container stops. --stats prints one stats event and exits. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cgctl.h"
#include "runtime/status.h"

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

static int emit_stats(struct vps_ctx *ctx, struct cli_cg *c)
{
	struct vps_cgroup_stats st;
	if (vps_cgroup_stats(c->cg, &st, &ctx->err) < 0)
		return -1;
	emit("stats", ctx->id, cli_stats_json(&st));
	vps_cgroup_stats_free(&st);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int stream(struct vps_ctx *ctx, struct cli_cg *c, long interval)
{
	struct vps_oom_watch w = {.fd = -1, .aux = -1};
	uint64_t kills = 0;
	vps_err e;
	bool oom = vps_cgroup_oom_watch(c->cg, &w, &e) >= 0 &&
		   vps_cgroup_oom_kills(c->cg, &kills, &e) >= 0;
	long next = now_ms() + interval;
	int r = 0;
	for (;;) { /* ends when the container stops */
		struct pollfd p = {.fd = oom ? w.fd : -1, .events = POLLIN | POLLPRI};
		long wait = next - now_ms();
		int n = poll(&p, 1, wait > 0 ? (int)wait : 0);
		if (n < 0 && errno != EINTR) {
			r = vps_error(&ctx->err, errno, "poll");
			break;
		}
		if (n > 0) {
			uint64_t k = kills;
			vps_cgroup_oom_ack(&w);
			if (vps_cgroup_oom_kills(c->cg, &k, &e) >= 0 && k > kills)
				emit("oom", ctx->id, NULL);
			kills = k;
			continue;
		}
		if (now_ms() < next)
			continue;
		next += interval;
		if (vps_status_live(ctx->root, c->st) == VPS_STOPPED) {
			uint64_t k = kills; /* an OOM that ended it may not have woken us yet */
			if (oom && vps_cgroup_oom_kills(c->cg, &k, &e) >= 0 && k > kills)
				emit("oom", ctx->id, NULL);
			break;
		}
		if ((r = emit_stats(ctx, c)) < 0)
			break;
	}
	vps_cgroup_oom_unwatch(&w);
	return r;
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
	struct cli_cg c;
	if (cli_cg_open(ctx, ctx->id, false, &c) < 0)
		return cli_fail(ctx);
	if (c.status == VPS_STOPPED)
		r = vps_errorx(&ctx->err, EINVAL, "container is stopped");
	else
		r = once ? emit_stats(ctx, &c) : stream(ctx, &c, interval);
	cli_cg_close(&c);
	return r < 0 ? cli_fail(ctx) : 0;
}
