/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps checkpoint / vps restore: runc's options; the work is runtime/'s
 * vps_checkpoint and vps_restore. */
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"

/* the options both verbs share: 0 when opt was one of them */
static int criu_opt(int opt, struct vps_criu_opts *c)
{
	switch (opt) {
	case 'i':
		c->image_path = optarg;
		return 0;
	case 'w':
		c->work_path = optarg;
		return 0;
	case 'm':
		c->manage_cgroups_mode = optarg;
		return 0;
	case 'T':
		c->tcp_established = true;
		return 0;
	case 'U':
		c->ext_unix_sk = true;
		return 0;
	case 'J':
		c->shell_job = true;
		return 0;
	case 'L':
		c->file_locks = true;
		return 0;
	}
	return -1;
}

#define CRIU_LONGOPTS                                                                              \
	{"image-path", required_argument, NULL, 'i'}, {"work-path", required_argument, NULL, 'w'}, \
	    {"manage-cgroups-mode", required_argument, NULL, 'm'},                                 \
	    {"tcp-established", no_argument, NULL, 'T'}, {"ext-unix-sk", no_argument, NULL, 'U'},  \
	    {"shell-job", no_argument, NULL, 'J'}, {"file-locks", no_argument, NULL, 'L'},         \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

int cmd_checkpoint(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {CRIU_LONGOPTS,
					     {"leave-running", no_argument, NULL, 'R'},
					     {"pre-dump", no_argument, NULL, 'P'},
					     {"parent-path", required_argument, NULL, 'p'},
					     {0}};
	struct vps_checkpoint_opts o = {.root = ctx->root, .c.criu = ctx->criu};
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1) {
		if (criu_opt(opt, &o.c) == 0)
			continue;
		if (opt == 'R')
			o.leave_running = true;
		else if (opt == 'P')
			o.pre_dump = true;
		else if (opt == 'p')
			o.parent_path = optarg;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	o.id = ctx->id;
	if (vps_checkpoint(&o, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}

int cmd_restore(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {CRIU_LONGOPTS,
					     {"bundle", required_argument, NULL, 'b'},
					     {"detach", no_argument, NULL, 'd'},
					     {"pid-file", required_argument, NULL, 'f'},
					     {"console-socket", required_argument, NULL, 'c'},
					     {"no-pivot", no_argument, NULL, 'N'},
					     {"no-subreaper", no_argument, NULL, 'S'},
					     {0}};
	struct vps_restore_opts o = {.root = ctx->root, .c.criu = ctx->criu};
	int opt, rc, status = 0;
	while ((opt = cli_getopt(ctx, argc, argv, "b:dh", opts)) != -1) {
		if (criu_opt(opt, &o.c) == 0)
			continue;
		if (opt == 'b')
			o.bundle = optarg;
		else if (opt == 'd')
			o.detach = true;
		else if (opt == 'f')
			o.pid_file = optarg;
		else if (opt == 'c')
			o.console_socket = optarg;
		else if (opt == 'N')
			o.no_pivot = true;
		else if (opt == 'S')
			; /* runc's --no-subreaper: vps never becomes one */
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	o.id = ctx->id;
	if (vps_restore(&o, &status, &ctx->err) < 0)
		return cli_fail(ctx);
	return status;
}
