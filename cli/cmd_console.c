/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps console NAME: attach to the VPS's console; Ctrl-] q detaches. */
#include <stdio.h>

#include "cli/cli.h"
#include "runtime/runtime.h"

int cmd_console(struct vps_ctx *ctx, int argc, char **argv)
{
	int rc;
	if ((rc = cli_args_only(ctx, argc, argv, 1)) >= 0)
		return rc;
	int r = vps_console_attach(ctx->root, ctx->id, &ctx->err);
	if (r < 0)
		return cli_fail(ctx);
	fprintf(stderr, "\r\n[%s]\r\n", r == VPS_CONSOLE_DETACHED ? "detached" : "console closed");
	return 0;
}
