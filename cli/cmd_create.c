/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps create / vps run: the same options (run adds -d); argument parsing only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 65536)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cli_create_args(struct vps_ctx *ctx, int argc, char **argv, struct vps_create_opts *o,
		    bool *detach)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
					     {"console-socket", required_argument, NULL, 'c'},
					     {"pid-file", required_argument, NULL, 'p'},
					     {"no-pivot", no_argument, NULL, 'P'},
					     {"no-new-keyring", no_argument, NULL, 'K'},
					     {"preserve-fds", required_argument, NULL, 'f'},
					     {"detach", no_argument, NULL, 'd'},
					     {"keep", no_argument, NULL, 'k'},
					     {"vm", no_argument, NULL, 'V'},
					     {"vm-cold", no_argument, NULL, 'C'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	int opt, rc;
	memset(o, 0, sizeof(*o));
	o->root = ctx->root;
	o->inventory = ctx->inventory;
	o->systemd_cgroup = ctx->systemd_cgroup;
	const char *shortopts = detach ? "b:dh" : "b:h";
	while ((opt = cli_getopt(ctx, argc, argv, shortopts, opts)) != -1) {
		switch (opt) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'c':
			o->console_socket = optarg;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 'P':
			o->no_pivot = true;
			break;
		case 'K':
			o->no_new_keyring = true;
			break;
		case 'C': /* --vm-cold implies --vm */
		case 'V':
			o->vm = true;
			o->vm_cold |= opt == 'C';
			break;
		case 'f':
			if (parse_uint(optarg, &o->preserve_fds) < 0)
				return cli_usage(
				    ctx, "--preserve-fds: expected a number, got \"%s\"", optarg);
			break;
		case 'd':
		case 'k':
			if (!detach)
				return cli_usage(ctx, "invalid option");
			if (opt == 'd')
				*detach = true;
			else
				o->keep = true;
			break;
		default:
			if ((rc = cli_opt_common(ctx, opt)) >= 0)
				return rc;
		}
	}
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	o->id = ctx->id;
	return -1;
}

int cmd_create(struct vps_ctx *ctx, int argc, char **argv)
{
	struct vps_create_opts o;
	int rc = cli_create_args(ctx, argc, argv, &o, NULL);
	if (rc >= 0)
		return rc;
	if (vps_create(&o, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
