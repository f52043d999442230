/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps groupdel: remove a group from a VPS (group and gshadow). */
#include "cli/users_common.h"
#include "util/cleanup.h"

int cmd_groupdel(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'}, {"help", no_argument, NULL, 'h'}, {0}};
	const char *bundle = NULL;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "b:h", opts)) != -1) {
		if (opt == 'b')
			bundle = optarg;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (argc - optind != (bundle ? 1 : 2))
		return cli_usage(ctx, bundle ? "expects GROUP with --bundle"
					     : "expects NAME GROUP (or --bundle DIR GROUP)");
	_cleanup_(vps_userdb_freep) struct vps_userdb *db = NULL;
	if (cli_users_open(ctx, bundle, argc, argv, &db) < 0 ||
	    vps_group_del(db, argv[optind], &ctx->err) < 0 || vps_userdb_commit(db, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
