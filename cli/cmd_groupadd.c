/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps groupadd: add a group to a VPS (group and gshadow). */
#include "cli/users_common.h"
#include "util/cleanup.h"

int cmd_groupadd(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
					     {"gid", required_argument, NULL, 'g'},
					     {"system", no_argument, NULL, 'r'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *bundle = NULL, *gid_s = NULL;
	bool system = false;
	uint32_t gid = 0;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "b:g:rh", opts)) != -1) {
		if (opt == 'b')
			bundle = optarg;
		else if (opt == 'g')
			gid_s = optarg;
		else if (opt == 'r')
			system = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (argc - optind != (bundle ? 1 : 2))
		return cli_usage(ctx, bundle ? "expects GROUP with --bundle"
					     : "expects NAME GROUP (or --bundle DIR GROUP)");
	if (gid_s && vps_id_parse("--gid", gid_s, &gid, &ctx->err) < 0)
		return cli_fail(ctx);
	_cleanup_(vps_userdb_freep) struct vps_userdb *db = NULL;
	if (cli_users_open(ctx, bundle, argc, argv, &db) < 0 ||
	    vps_group_add(db, argv[optind], gid_s != NULL, gid, system, &ctx->err) < 0 ||
	    vps_userdb_commit(db, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
