/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps start ID */
#include "cli/cli.h"
#include "runtime/runtime.h"

int cmd_start(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1)
		if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	if (vps_start(ctx->root, ctx->id, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
