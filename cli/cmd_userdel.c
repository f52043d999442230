/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps userdel: remove a user from a VPS (all four account files). */
#include "cli/users_common.h"
#include "util/cleanup.h"

int cmd_userdel(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
					     {"remove-home", no_argument, NULL, 'r'},
					     {"force", no_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *bundle = NULL;
	bool remove_home = false, force = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "b:rfh", opts)) != -1) {
		if (opt == 'f')
			force = true;
		else if (opt == 'b')
			bundle = optarg;
		else if (opt == 'r')
			remove_home = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (argc - optind != (bundle ? 1 : 2))
		return cli_usage(ctx, bundle ? "expects USER with --bundle"
					     : "expects NAME USER (or --bundle DIR USER)");
	_cleanup_(vps_userdb_freep) struct vps_userdb *db = NULL;
	if (cli_users_open(ctx, bundle, argc, argv, &db) < 0)
		return cli_fail(ctx);
	_cleanup_free_ char *home = NULL;
	uint32_t uid = 0;
	if (vps_user_del(db, argv[optind], force, &home, &uid, &ctx->err) < 0 ||
	    vps_userdb_commit(db, &ctx->err) < 0)
		return cli_fail(ctx);
	if (remove_home && vps_home_remove(db, home, uid, &ctx->err) < 0) {
		vps_error_wrap(&ctx->err, "user %s removed, but not its home", argv[optind]);
		return cli_fail(ctx);
	}
	return 0;
}
