/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps start ID | NAME | --all | --autostart: a created container (runc's
 * start), or a registered VPS in any state (runtime/inventory.h), or every
 * registered (autostart) VPS in boot order. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runtime/inventory.h"

/* Start one VPS and say what happened; returns 0 or 1. */
static int start_one(struct vps_ctx *ctx, const char *name, bool *started)
{
	enum vps_status was;
	ctx->id = name;
	*started = false;
	if (vps_inv_start(ctx->root, ctx->inventory, name, &was, &ctx->err) < 0)
		return cli_fail(ctx);
	*started = was != VPS_RUNNING && was != VPS_PAUSED;
	printf("%s: %s\n", name, *started ? "started" : "already running");
	fflush(stdout);
	return 0;
}

/* Every registered VPS (autostart only: the flagged ones) in boot order,
 * waiting each one's boot delay after starting it before the next. */
static int start_many(struct vps_ctx *ctx, bool autostart)
{
	struct vps_inv_entry **v = NULL;
	size_t n = 0;
	if (vps_inv_list(ctx->inventory, &v, &n, &ctx->err) < 0)
		return cli_fail(ctx);
	int rc = 0;
	bool pending_delay = false;
	unsigned delay = 0;
	for (size_t i = 0; i < n; i++) {
		if (autostart && !v[i]->autostart)
			continue;
		if (pending_delay)
			sleep(delay);
		bool started;
		rc |= start_one(ctx, v[i]->name, &started);
		pending_delay = started && v[i]->boot_delay > 0;
		delay = (unsigned)v[i]->boot_delay;
	}
	vps_inv_free_all(v, n);
	return rc;
}

int cmd_start(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
					     {"autostart", no_argument, NULL, 'A'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	bool all = false, autostart = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "ah", opts)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'A')
			autostart = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (all && autostart)
		return cli_usage(ctx, "--all and --autostart cannot be combined");
	if (all || autostart)
		return (rc = cli_positional(ctx, argc, argv, 0)) ? rc : start_many(ctx, autostart);
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	/* a registered VPS starts from any state; anything else as runc does */
	struct vps_inv_entry *e = NULL;
	vps_err e2 = {0};
	int r = vps_inv_load(ctx->inventory, ctx->id, &e, &e2);
	vps_inv_free(e);
	if (r == 0) {
		enum vps_status was;
		if (vps_inv_start(ctx->root, ctx->inventory, ctx->id, &was, &ctx->err) < 0)
			return cli_fail(ctx);
		if (was == VPS_RUNNING || was == VPS_PAUSED)
			fprintf(stderr, "vps: start %s: already %s\n", ctx->id,
				vps_status_name(was));
		return 0;
	}
	if (r != -ENOENT) {
		ctx->err = e2;
		return cli_fail(ctx);
	}
	if (vps_start(ctx->root, ctx->id, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
