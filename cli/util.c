/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared CLI helpers: error printing, usage, positional arguments. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"
#include "util/fmt.h"

static const struct vps_command *find(const char *name)
{
	for (unsigned i = 0; i < vps_n_commands; i++)
		if (strcmp(vps_commands[i].name, name) == 0)
			return &vps_commands[i];
	return NULL;
}

int cli_fail(struct vps_ctx *ctx)
{
	char line[VPS_ERR_MSG_MAX + 1200];
	if (ctx->id) /* snprintf-ok: the message printed, cut to fit */
		snprintf(line, sizeof(line), "%s %s: %s", ctx->cmd, ctx->id, ctx->err.msg);
	else /* snprintf-ok: the same */
		snprintf(line, sizeof(line), "%s: %s", ctx->cmd, ctx->err.msg);
	fprintf(stderr, "vps: %s\n", line);
	if (vps_log_to_file())
		log_error("%s", line);
	return 1;
}

int cli_usage(struct vps_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vps: %s: %s (see 'vps %s --help')\n", ctx->cmd, msg, ctx->cmd);
	if (vps_log_to_file())
		log_error("%s: %s", ctx->cmd, msg);
	return 2;
}

int cli_help(struct vps_ctx *ctx)
{
	const struct vps_command *c = find(ctx->cmd);
	fputs(c && c->usage ? c->usage : "", stdout);
	return 0;
}

int cli_opt_common(struct vps_ctx *ctx, int opt)
{
	if (opt == 'h')
		return cli_help(ctx);
	if (opt == CLI_OPT_ERROR)
		return 2; /* cli_getopt said why */
	if (opt == '?' || opt == ':')
		return cli_usage(ctx, "invalid option");
	return -1;
}

int cli_positional(struct vps_ctx *ctx, int argc, char **argv, int want)
{
	int have = argc - optind;
	if (want >= 0 && have != want)
		return cli_usage(ctx, "expects %d argument%s, got %d", want, want == 1 ? "" : "s",
				 have);
	if (want < 0 && have < -want)
		return cli_usage(ctx, "expects at least %d argument%s, got %d", -want,
				 want == -1 ? "" : "s", have);
	if (have > 0)
		ctx->id = argv[optind];
	return 0;
}

int cli_args_only(struct vps_ctx *ctx, int argc, char **argv, int want)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1)
		if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	rc = cli_positional(ctx, argc, argv, want);
	return rc ? rc : -1;
}
