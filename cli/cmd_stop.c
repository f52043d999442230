/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps stop / vps restart [--timeout S] (NAME... | --all): argument parsing
 * and one report line per VPS for --all; the work is vps_stop/vps_restart. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"

#define TIMEOUT_MAX 86400

/* A VPS of the VPS face (made by vps bundle: annotation org.vps.name). */
static bool is_vps(const char *root, const char *id)
{
	struct vps_state *st = NULL;
	vps_err e;
	bool yes = false;
	if (vps_state_load(root, id, &st, &e) < 0)
		return false;
	for (size_t i = 0; i < st->n_annotations; i++)
		yes |= strcmp(st->annotations[i].key, "org.vps.name") == 0;
	vps_state_free(st);
	return yes;
}

static int one(struct vps_ctx *ctx, const char *id, bool restart, int timeout)
{
	ctx->id = id;
	int r = restart ? vps_restart(ctx->root, id, timeout, &ctx->err)
			: vps_stop(ctx->root, id, timeout, &ctx->err);
	return r < 0 ? cli_fail(ctx) : 0;
}

/* --all: every VPS under the state root, by name (the inventory's boot
 * order once there is one); each is reported, a failure does not stop the rest. */
static int all(struct vps_ctx *ctx, bool restart, int timeout)
{
	_cleanup_strv_ char **ids = NULL;
	if (vps_store_list(ctx->root, &ids, &ctx->err) < 0)
		return cli_fail(ctx);
	int rc = 0;
	for (size_t i = 0; ids[i]; i++) {
		if (!is_vps(ctx->root, ids[i]))
			continue;
		if (one(ctx, ids[i], restart, timeout) != 0)
			rc = 1;
		else
			printf("%s: %s\n", ids[i], restart ? "restarted" : "stopped");
	}
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
