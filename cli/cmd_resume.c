/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps resume ID: thaw a paused container. */
#include "cli/cgctl.h"

int cmd_resume(struct vps_ctx *ctx, int argc, char **argv)
{
	return cli_freeze_cmd(ctx, argc, argv, false);
}
