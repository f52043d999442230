/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps kill [--all] ID [SIGNAL] */
#include "cli/cli.h"
#include "runtime/runtime.h"

#include <signal.h>

int cmd_kill(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool all = false;
	int opt, rc, sig = SIGTERM;
	while ((opt = cli_getopt(ctx, argc, argv, "ah", opts)) != -1) {
		if (opt == 'a')
			all = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (argc - optind > 2)
		return cli_usage(ctx, "expects ID [SIGNAL]");
	if ((rc = cli_positional(ctx, argc, argv, -1)))
		return rc;
	if (argc - optind == 2 && vps_signal_parse(argv[optind + 1], &sig, &ctx->err) < 0)
		return cli_fail(ctx);
	if (vps_kill(ctx->root, ctx->id, sig, all, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
