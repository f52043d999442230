/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps checkpoint / vps restore: runc's options; the work is runtime/'s
 * vps_checkpoint and vps_restore. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"

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

/* go-runc (containerd's shim) passes "-no-subreaper", and runc's CLI library
 * takes a long option after one dash: rewrite "-NAME[=V]" for a long option
 * NAME of opts to "--NAME[=V]". The new strings are returned (a strv to free). */
static char **single_dash_longs(int argc, char **argv, const struct option *opts)
{
	char **made = calloc((size_t)argc + 1, sizeof(char *));
	size_t k = 0;
	for (int i = 0; made && i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '-' || !a[1] || !a[2])
			continue;
		size_t n = strcspn(a + 1, "=");
		for (const struct option *o = opts; o->name; o++)
			if (strlen(o->name) == n && strncmp(o->name, a + 1, n) == 0 &&
			    asprintf(&made[k], "-%s", a) > 0) {
				argv[i] = made[k++];
				break;
			}
	}
	return made;
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
	_cleanup_strv_ char **made = single_dash_longs(argc, argv, opts);
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
	_cleanup_strv_ char **made = single_dash_longs(argc, argv, opts);
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
