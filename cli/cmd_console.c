/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps console NAME: attach to the VPS's console; Ctrl-] q detaches. */
#include <stdio.h>

#include "cli/cli.h"
#include "runtime/runtime.h"

int cmd_console(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1)
		if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	fprintf(stderr, "Connected to the console of %s; detach with Ctrl-] q\r\n", ctx->id);
	int r = vps_console_attach(ctx->root, ctx->id, &ctx->err);
	if (r < 0)
		return cli_fail(ctx);
	fprintf(stderr, "\r\n[%s]\r\n", r == VPS_CONSOLE_DETACHED ? "detached" : "console closed");
	return 0;
}
