/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps pause ID: freeze every process of a running container. */
#include "cli/cgctl.h"

int cmd_pause(struct vps_ctx *ctx, int argc, char **argv)
{
	return cli_freeze_cmd(ctx, argc, argv, true);
}
