/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps exec [OPTIONS] ID [CMD ARGS...]: runc's flags; argument parsing only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rootfs/users.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return -1;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int parse_id(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xfffffffeUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* -u USER[:GROUP]: numbers as given, names through the VPS's own /etc/passwd
 * and /etc/group (read inside its rootfs). */
static int resolve_user(struct vps_ctx *ctx, const char *spec, struct vps_exec_opts *o)
{
	char buf[256];
	if (vps_snprintf(buf, sizeof(buf), "%s", spec) < 0)
		return vps_errorx(&ctx->err, EINVAL, "--user: too long");
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	struct vps_state *st = NULL;
	/* anything but plain numbers is looked up, and only in the VPS */
	bool names = !buf[0] || strspn(buf, "0123456789") != strlen(buf) ||
		     (colon && (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1)));
	if (names && vps_state_load(ctx->root, ctx->id, &st, &ctx->err) < 0)
		return -1;
	uint32_t uid = 0, gid = 0;
	int r = vps_users_resolve(st ? st->rootfs : "/", buf, colon ? colon + 1 : NULL, &uid, &gid,
				  &o->has_gid, &ctx->err);
	vps_state_free(st);
	if (r < 0)
		return vps_error_wrap(&ctx->err, "--user %s", spec);
	o->has_user = true;
	o->uid = uid;
	o->gid = gid;
	return 0;
}

int cmd_exec(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"detach", no_argument, NULL, 'd'},
					     {"tty", no_argument, NULL, 't'},
					     {"cwd", required_argument, NULL, 'C'},
					     {"env", required_argument, NULL, 'e'},
					     {"user", required_argument, NULL, 'u'},
					     {"additional-gids", required_argument, NULL, 'g'},
					     {"cap", required_argument, NULL, 'c'},
					     {"no-new-privs", no_argument, NULL, 'N'},
					     {"process", required_argument, NULL, 'p'},
					     {"console-socket", required_argument, NULL, 'S'},
					     {"pid-file", required_argument, NULL, 'P'},
					     {"preserve-fds", required_argument, NULL, 'f'},
					     {"ignore-paused", no_argument, NULL, 'I'},
					     {"cgroup", required_argument, NULL, 'G'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct vps_exec_opts o = {.root = ctx->root};
	_cleanup_free_ char **env = NULL, **caps = NULL, **cgroups = NULL;
	_cleanup_free_ gid_t *gids = NULL;
	size_t n_env = 0, n_caps = 0, n_cgroups = 0;
	const char *user = NULL;
	int opt, rc, status = 0;
	unsigned v;
	while ((opt = cli_getopt(ctx, argc, argv, "+dtu:e:g:p:h", opts)) != -1) {
		switch (opt) {
		case 'd':
			o.detach = true;
			break;
		case 't':
			o.tty = o.tty_set = true;
			break;
		case 'C':
			o.cwd = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '='))
				return cli_usage(ctx, "--env: expected KEY=VALUE, got \"%s\"",
						 optarg);
			if (push(&env, &n_env, optarg) < 0)
				return cli_usage(ctx, "out of memory");
			break;
		case 'u':
			user = optarg;
			break;
		case 'g': {
			if (parse_id(optarg, &v) < 0)
				return cli_usage(
				    ctx, "--additional-gids: expected a gid, got \"%s\"", optarg);
			gid_t *ng = realloc(gids, (o.n_additional_gids + 1) * sizeof(gid_t));
			if (!ng)
				return cli_usage(ctx, "out of memory");
			gids = ng;
			gids[o.n_additional_gids++] = v;
			break;
		}
		case 'c':
			if (push(&caps, &n_caps, optarg) < 0)
				return cli_usage(ctx, "out of memory");
			break;
		case 'N':
			o.no_new_privs = true;
			break;
		case 'p':
			o.process_json = optarg;
			break;
		case 'S':
			o.console_socket = optarg;
			break;
		case 'P':
			o.pid_file = optarg;
			break;
		case 'f':
			if (parse_id(optarg, &v) < 0 || v > 65536)
				return cli_usage(
				    ctx, "--preserve-fds: expected a number, got \"%s\"", optarg);
			o.preserve_fds = v;
			break;
		case 'I':
			o.ignore_paused = true;
			break;
		case 'G':
			if (push(&cgroups, &n_cgroups, optarg) < 0)
				return cli_usage(ctx, "out of memory");
			break;
		default:
			if ((rc = cli_opt_common(ctx, opt)) >= 0)
				return rc;
		}
	}
	if ((rc = cli_positional(ctx, argc, argv, o.process_json ? -1 : -2)))
		return rc;
	o.id = ctx->id;
	o.args = argv + optind + 1;
	if (o.args[0] && strcmp(o.args[0], "--help") == 0)
		return cli_help(ctx); /* no command is called --help; ID -- --help runs one */
	if (o.args[0] && strcmp(o.args[0], "--") == 0)
		o.args++; /* exec ID -- CMD: the command may start with '-' */
	if (!o.process_json && !o.args[0])
		return cli_usage(ctx, "expects a command after the container id");
	if (user && resolve_user(ctx, user, &o) < 0)
		return cli_fail(ctx), 255;
	o.env = env;
	o.caps = caps;
	o.cgroups = cgroups;
	o.additional_gids = gids;
	/* runc: 255 when exec itself fails (no container, paused, bad --pid-file,
	 * no such binary), so a caller can tell it from the process's own status */
	if (vps_exec(&o, &status, &ctx->err) < 0)
		return cli_fail(ctx), 255;
	return status;
}
