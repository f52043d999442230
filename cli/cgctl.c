/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CLI helpers for the cgroup commands (see cgctl.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cgctl.h"
#include "runtime/runtime.h"

int cli_parse_duration_ms(const char *s, long *out)
{
	double total = 0;
	const char *p = s;
	if (!*p)
		return -EINVAL;
	for (int parts = 0; *p && parts < 8; parts++) {
		char *end;
		double v = strtod(p, &end);
		if (end == p || v < 0)
			return -EINVAL;
		p = end;
		double ms;
		if (strncmp(p, "ms", 2) == 0) {
			ms = 1;
			p += 2;
		} else if (*p == 's') {
			ms = 1000;
			p++;
		} else if (*p == 'm') {
			ms = 60000;
			p++;
		} else if (*p == 'h') {
			ms = 3600000;
			p++;
		} else {
			return -EINVAL;
		}
		total += v * ms;
	}
	if (*p || total < 1 || total > 86400000.0)
		return -EINVAL;
	*out = (long)(total + 0.5);
	return 0;
}

int cli_freeze_cmd(struct vps_ctx *ctx, int argc, char **argv, bool freeze)
{
	int r;
	if ((r = cli_args_only(ctx, argc, argv, 1)) >= 0)
		return r;
	r = freeze ? vps_pause(ctx->root, ctx->id, &ctx->err)
		   : vps_resume(ctx->root, ctx->id, &ctx->err);
	return r < 0 ? cli_fail(ctx) : 0;
}
