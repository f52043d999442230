/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps logs NAME [-n N] [-f]: the VPS's console log. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runtime/runtime.h"

int cmd_logs(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"lines", required_argument, NULL, 'n'},
					     {"follow", no_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	long lines = -1;
	bool follow = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "n:fh", opts)) != -1) {
		if (opt == 'n') {
			char *end;
			errno = 0;
			lines = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || lines < 0)
				return cli_usage(ctx, "-n: expected a number of lines, got \"%s\"",
						 optarg);
		} else if (opt == 'f')
			follow = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	if (vps_logs(ctx->root, ctx->id, lines, follow, STDOUT_FILENO, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
