/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps ps [-f table|json] ID [PS_ARGS...]: the container's processes, as a
 * JSON array of host pids or as ps(1) output (default `ps -ef`) filtered to
 * them, like runc. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Column index of PID in the header line, or -1. */
static int pid_column(char *header)
{
	_cleanup_free_ char *h = strdup(header);
	int col = 0;
	for (char *save = NULL, *t = h ? strtok_r(h, " \t\n", &save) : NULL; t;
	     t = strtok_r(NULL, " \t\n", &save), col++)
		if (strcmp(t, "PID") == 0)
			return col;
	return -1;
}

static long field(const char *line, int col)
{
	_cleanup_free_ char *l = strdup(line);
	char *save = NULL, *t = l ? strtok_r(l, " \t\n", &save) : NULL;
	for (int i = 0; t && i < col; i++)
		t = strtok_r(NULL, " \t\n", &save);
	return t ? strtol(t, NULL, 10) : -1;
}

static int table(struct vps_ctx *ctx, char **ps_args, const pid_t *pids, size_t n)
{
	int p[2];
	if (pipe(p) < 0)
		return vps_error(&ctx->err, errno, "pipe"), cli_fail(ctx);
	pid_t c = fork();
	if (c == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp("ps", ps_args);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char *line = NULL;
	size_t cap = 0;
	int col = -1, ws = 0;
	for (bool first = true; f && getline(&line, &cap, f) > 0; first = false) {
		if (first) {
			col = pid_column(line);
			fputs(line, stdout);
		} else if (col >= 0 && has_pid(pids, n, field(line, col)))
			fputs(line, stdout);
	}
	free(line);
	if (f)
		fclose(f);
	waitpid(c, &ws, 0);
	if (col < 0) {
		vps_errorx(&ctx->err, EINVAL, "ps output has no PID column");
		return cli_fail(ctx);
	}
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 1;
}

int cmd_ps(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	const char *format = "table";
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "+f:h", opts)) != -1) {
		if (opt == 'f')
			format = optarg;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cli_usage(ctx, "--format: expected table or json, got \"%s\"", format);
	if ((rc = cli_positional(ctx, argc, argv, -1)))
		return rc;
	if (optind + 1 < argc && strcmp(argv[optind + 1], "--help") == 0)
		return cli_help(ctx); /* ps(1)'s own help is of no use here */
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (vps_ps_pids(ctx->root, ctx->id, &pids, &n, &ctx->err) < 0)
		return cli_fail(ctx);
	if (strcmp(format, "json") == 0) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		return 0;
	}
	char *def[] = {"ps", "-ef", NULL};
	int extra = argc - optind - 1;
	char **args = def;
	_cleanup_free_ char **own = NULL;
	if (extra > 0) {
		own = calloc((size_t)extra + 2, sizeof(char *));
		if (!own)
			return cli_usage(ctx, "out of memory");
		own[0] = "ps";
		memcpy(own + 1, argv + optind + 1, (size_t)extra * sizeof(char *));
		args = own;
	}
	return table(ctx, args, pids, n);
}
