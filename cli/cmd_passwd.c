/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps passwd: set, lock or unlock a password inside a VPS. */
#include <string.h>

#include "cli/users_common.h"
#include "util/cleanup.h"

int cmd_passwd(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'}, {"stdin", no_argument, NULL, 's'},
	    {"hash", required_argument, NULL, 'H'},   {"method", required_argument, NULL, 'm'},
	    {"lock", no_argument, NULL, 'l'},	      {"unlock", no_argument, NULL, 'u'},
	    {"help", no_argument, NULL, 'h'},	      {0}};
	const char *bundle = NULL, *hash = NULL, *method = NULL;
	bool from_stdin = false;
	enum vps_pw_action act = VPS_PW_SET;
	int opt, rc, modes = 0;
	while ((opt = cli_getopt(ctx, argc, argv, "b:h", opts)) != -1) {
		if (opt == 'b')
			bundle = optarg;
		else if (opt == 's')
			from_stdin = true, modes++;
		else if (opt == 'H')
			hash = optarg, modes++;
		else if (opt == 'm')
			method = optarg;
		else if (opt == 'l')
			act = VPS_PW_LOCK, modes++;
		else if (opt == 'u')
			act = VPS_PW_UNLOCK, modes++;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (modes > 1)
		return cli_usage(ctx, "--stdin, --hash, --lock and --unlock exclude each other");
	if (argc - optind != (bundle ? 0 : 1) && argc - optind != (bundle ? 1 : 2))
		return cli_usage(ctx, bundle ? "expects [USER] with --bundle"
					     : "expects NAME [USER] (or --bundle DIR [USER])");
	if (hash && vps_hash_validate(hash, &ctx->err) < 0)
		return cli_fail(ctx);
	_cleanup_(vps_userdb_freep) struct vps_userdb *db = NULL;
	if (cli_users_open(ctx, bundle, argc, argv, &db) < 0)
		return cli_fail(ctx);
	const char *user = optind < argc ? argv[optind] : "root";
	_cleanup_free_ char *made = NULL;
	if (act == VPS_PW_SET && !hash) {
		_cleanup_(cli_password_free) char *pw = NULL;
		if (cli_read_password(ctx, from_stdin, &pw) < 0 ||
		    cli_hash_password(ctx, db, pw, method, &made) < 0)
			return cli_fail(ctx);
		hash = made;
	}
	if (vps_user_passwd(db, user, act, hash, &ctx->err) < 0 ||
	    vps_userdb_commit(db, &ctx->err) < 0)
		return cli_fail(ctx);
	return 0;
}
