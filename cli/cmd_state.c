/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps state ID: the container's state as runc prints it. */
#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/state_view.h"
#include "runtime/runtime.h"

int cmd_state(struct vps_ctx *ctx, int argc, char **argv)
{
	int rc;
	if ((rc = cli_args_only(ctx, argc, argv, 1)) >= 0)
		return rc;
	struct vps_state *st = NULL;
	if (vps_state_load(ctx->root, ctx->id, &st, &ctx->err) < 0)
		return cli_fail(ctx);
	json_object *o = cli_state_view(ctx->root, st);
	vps_state_free(st);
	if (!o) {
		vps_errorx(&ctx->err, ENOMEM, "out of memory");
		return cli_fail(ctx);
	}
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
