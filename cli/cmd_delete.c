/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps delete [--force] ID */
#include "cli/cli.h"
#include "runtime/runtime.h"

int cmd_delete(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool force = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "fh", opts)) != -1) {
		if (opt == 'f')
			force = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	if (vps_delete(ctx->root, ctx->id, force, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
