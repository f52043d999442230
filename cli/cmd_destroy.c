/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps destroy NAME [--keep-data] [--force]: remove a registered VPS. */
#include "cli/cli.h"
#include "runtime/inventory.h"

int cmd_destroy(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"keep-data", no_argument, NULL, 'k'},
					     {"force", no_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	bool keep = false, force = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "fh", opts)) != -1) {
		if (opt == 'k')
			keep = true;
		else if (opt == 'f')
			force = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	if (vps_inv_destroy(ctx->root, ctx->inventory, ctx->id, keep, force, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
