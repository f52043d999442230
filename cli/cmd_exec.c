/* vps exec [OPTIONS] ID [CMD ARGS...]: runc's flags; argument parsing only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"

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

static int parse_user(struct vps_exec_opts *o, const char *s)
{
	char buf[64];
	unsigned u, g;
	snprintf(buf, sizeof(buf), "%s", s);
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_id(buf, &u) < 0 || (colon && parse_id(colon + 1, &g) < 0))
		return -1;
	o->has_user = true;
	o->uid = u;
	if (colon) {
		o->has_gid = true;
		o->gid = g;
	}
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
	int opt, rc, status = 0;
	unsigned v;
	while ((opt = getopt_long(argc, argv, "+dtu:e:g:p:h", opts, NULL)) != -1) {
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
			if (parse_user(&o, optarg) < 0)
				return cli_usage(ctx, "--user: expected UID[:GID], got \"%s\"",
						 optarg);
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
	o.env = env;
	o.caps = caps;
	o.cgroups = cgroups;
	o.additional_gids = gids;
	if (vps_exec(&o, &status, &ctx->err) < 0)
		return cli_fail(ctx);
	return status;
}
