/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps useradd: add a user to a VPS (passwd, shadow, group, gshadow at once). */
#include <string.h>

#include "cli/users_common.h"
#include "util/cleanup.h"

int cmd_useradd(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},	{"uid", required_argument, NULL, 'u'},
	    {"gid", required_argument, NULL, 'g'},	{"group", required_argument, NULL, 'G'},
	    {"groups", required_argument, NULL, 'S'},	{"home", required_argument, NULL, 'd'},
	    {"shell", required_argument, NULL, 's'},	{"comment", required_argument, NULL, 'c'},
	    {"system", no_argument, NULL, 'r'},		{"create-home", no_argument, NULL, 'm'},
	    {"password-stdin", no_argument, NULL, 'p'}, {"method", required_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},		{0}};
	struct vps_useradd o = {0};
	const char *bundle = NULL, *uid = NULL, *gid = NULL, *method = NULL;
	bool pw_stdin = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "b:u:g:d:s:c:rmh", opts)) != -1) {
		switch (opt) {
		case 'b':
			bundle = optarg;
			break;
		case 'u':
			uid = optarg;
			break;
		case 'g':
			gid = optarg;
			break;
		case 'G':
			o.group = optarg;
			break;
		case 'S':
			o.groups = optarg;
			break;
		case 'd':
			o.home = optarg;
			break;
		case 's':
			o.shell = optarg;
			break;
		case 'c':
			o.comment = optarg;
			break;
		case 'r':
			o.system = true;
			break;
		case 'm':
			o.create_home = true;
			break;
		case 'p':
			pw_stdin = true;
			break;
		case 'M':
			method = optarg;
			break;
		default:
			if ((rc = cli_opt_common(ctx, opt)) >= 0)
				return rc;
		}
	}
	if (argc - optind != (bundle ? 1 : 2))
		return cli_usage(ctx, bundle ? "expects USER with --bundle"
					     : "expects NAME USER (or --bundle DIR USER)");
	if (gid && o.group)
		return cli_usage(ctx, "--gid and --group exclude each other");
	if ((uid && vps_id_parse("--uid", uid, &o.uid, &ctx->err) < 0) ||
	    (gid && vps_id_parse("--gid", gid, &o.gid, &ctx->err) < 0))
		return cli_fail(ctx);
	o.has_uid = uid != NULL;
	o.has_gid = gid != NULL;
	_cleanup_(vps_userdb_freep) struct vps_userdb *db = NULL;
	if (cli_users_open(ctx, bundle, argc, argv, &db) < 0)
		return cli_fail(ctx);
	o.name = argv[optind];
	_cleanup_free_ char *hash = NULL;
	if (pw_stdin) {
		_cleanup_(cli_password_free) char *pw = NULL;
		if (cli_read_password(ctx, true, &pw) < 0 ||
		    cli_hash_password(ctx, db, pw, method, &hash) < 0)
			return cli_fail(ctx);
		o.hash = hash;
	}
	if (vps_user_add(db, &o, &ctx->err) < 0 || vps_userdb_commit(db, &ctx->err) < 0)
		return cli_fail(ctx);
	if (!o.create_home)
		return 0;
	struct vps_user_info *v = NULL;
	size_t n = 0;
	int r = vps_user_list(db, &v, &n, &ctx->err);
	for (size_t i = 0; r >= 0 && i < n; i++)
		if (strcmp(v[i].name, o.name) == 0)
			r = vps_home_create(db, v[i].home, v[i].uid, v[i].gid, &ctx->err);
	vps_user_info_free(v, n);
	if (r < 0) {
		vps_error_wrap(&ctx->err, "user %s added, but its home was not made", o.name);
		return cli_fail(ctx);
	}
	return 0;
}
