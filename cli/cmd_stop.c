/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps stop / vps restart [--timeout S] (NAME... | --all): argument parsing
 * and one report line per VPS for --all; the work is vps_stop/vps_restart. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runtime/inventory.h"

#define TIMEOUT_MAX 86400

static int one(struct vps_ctx *ctx, const char *id, bool restart, int timeout)
{
	ctx->id = id;
	int r = restart ? vps_restart(ctx->root, ctx->inventory, id, timeout, &ctx->err)
			: vps_stop(ctx->root, id, timeout, &ctx->err);
	return r < 0 ? cli_fail(ctx) : 0;
}

/* --all: every VPS under the state root, registered ones in boot order
 * (stop: reversed; restart waits each one's boot delay, as start does), then
 * the others by name; each is reported, a failure does not stop the rest. */
static int all(struct vps_ctx *ctx, bool restart, int timeout)
{
	struct vps_inv_entry **v = NULL;
	size_t n = 0;
	if (vps_inv_containers(ctx->root, ctx->inventory, !restart, &v, &n, &ctx->err) < 0)
		return cli_fail(ctx);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (one(ctx, v[i]->name, restart, timeout) != 0) {
			rc = 1;
			continue;
		}
		printf("%s: %s\n", v[i]->name, restart ? "restarted" : "stopped");
		fflush(stdout);
		if (restart && v[i]->boot_delay > 0 && i + 1 < n)
			sleep((unsigned)v[i]->boot_delay);
	}
	vps_inv_free_all(v, n);
	return rc;
}

static int stop_or_restart(struct vps_ctx *ctx, int argc, char **argv, bool restart)
{
	static const struct option opts[] = {{"timeout", required_argument, NULL, 't'},
					     {"all", no_argument, NULL, 'a'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	bool every = false;
	int opt, rc, timeout = -1;
	while ((opt = cli_getopt(ctx, argc, argv, "t:ah", opts)) != -1) {
		if (opt == 't') {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 0 || v > TIMEOUT_MAX)
				return cli_usage(ctx,
						 "--timeout: expected seconds (0..%d), got \"%s\"",
						 TIMEOUT_MAX, optarg);
			timeout = (int)v;
		} else if (opt == 'a')
			every = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (every) {
		if ((rc = cli_positional(ctx, argc, argv, 0)))
			return rc;
		return all(ctx, restart, timeout);
	}
	if ((rc = cli_positional(ctx, argc, argv, -1)))
		return rc;
	rc = 0;
	for (int i = optind; i < argc; i++)
		rc |= one(ctx, argv[i], restart, timeout);
	return rc;
}

int cmd_stop(struct vps_ctx *ctx, int argc, char **argv)
{
	return stop_or_restart(ctx, argc, argv, false);
}

int cmd_restart(struct vps_ctx *ctx, int argc, char **argv)
{
	return stop_or_restart(ctx, argc, argv, true);
}
