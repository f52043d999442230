/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps run: create + start; in the foreground returns the container's status. */
#include "cli/cli.h"
#include "runtime/runtime.h"

int cmd_run(struct vps_ctx *ctx, int argc, char **argv)
{
	struct vps_create_opts o;
	bool detach = false;
	int status = 0;
	int rc = cli_create_args(ctx, argc, argv, &o, &detach);
	if (rc >= 0)
		return rc;
	if (vps_run(&o, detach, &status, &ctx->err) < 0)
		return cli_fail(ctx);
	return status;
}
