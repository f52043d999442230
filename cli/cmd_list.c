/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps list [--format table|json] [-q]: every container under --root, with
 * runc's columns (ID PID STATUS BUNDLE CREATED OWNER) or runc's JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/state_view.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/log.h"

/* ADDRESS (a vps addition) only shows when some container has vps networking. */
#define MAX_COLS 7
static const char *const cols[MAX_COLS] = {"ID",      "PID",   "STATUS", "BUNDLE",
					   "CREATED", "OWNER", "ADDRESS"};
static const char *const keys[MAX_COLS] = {"id",      "pid",   "status", "bundle",
					   "created", "owner", "address"};

/* Columns padded like runc's tabwriter (min width 12, padding 3). */
static void print_table(json_object *all)
{
	size_t n = json_object_array_length(all), w[MAX_COLS];
	int ncols = MAX_COLS - 1;
	for (size_t i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(all, i), "address", NULL))
			ncols = MAX_COLS;
	for (int c = 0; c < ncols; c++) {
		w[c] = strlen(cols[c]);
		for (size_t i = 0; i < n; i++) {
			json_object *v = NULL;
			json_object_object_get_ex(json_object_array_get_idx(all, i), keys[c], &v);
			size_t l = v ? strlen(json_object_get_string(v)) : 1;
			w[c] = l > w[c] ? l : w[c];
		}
		w[c] = w[c] + 3 < 12 ? 12 : w[c] + 3;
	}
	for (size_t i = 0; i <= n; i++) {
		for (int c = 0; c < ncols; c++) {
			const char *s = cols[c];
			json_object *v = NULL;
			if (i > 0 && json_object_object_get_ex(
					 json_object_array_get_idx(all, i - 1), keys[c], &v))
				s = json_object_get_string(v);
			else if (i > 0)
				s = "-";
			if (c == ncols - 1)
				printf("%s\n", s);
			else
				printf("%-*s", (int)w[c], s);
		}
	}
}

int cmd_list(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *format = "table";
	bool quiet = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "f:qh", opts)) != -1) {
		if (opt == 'f')
			format = optarg;
		else if (opt == 'q')
			quiet = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_usage(ctx, "--format: expected table or json, got \"%s\"", format);
	if ((rc = cli_positional(ctx, argc, argv, 0)))
		return rc;
	_cleanup_strv_ char **ids = NULL;
	if (vps_store_list(ctx->root, &ids, &ctx->err) < 0)
		return cli_fail(ctx);
	/* A mistyped --root lists nothing: say so, but keep runc's exit 0 and
	 * empty output (engines list a root before their first create). */
	if (access(ctx->root, F_OK) < 0 && errno == ENOENT)
		fprintf(stderr,
			"vps: list: state directory %s does not exist (no containers "
			"under this --root)\n",
			ctx->root);
	json_object *all = json_object_new_array();
	for (char **id = ids; all && *id; id++) {
		struct vps_state *st = NULL;
		vps_err err = {0};
		if (vps_state_load(ctx->root, *id, &st, &err) < 0) {
			log_warn("list: skipping %s: %s", *id, err.msg);
			continue;
		}
		if (quiet)
			puts(*id);
		else
			json_object_array_add(all, cli_state_view(ctx->root, st));
		vps_state_free(st);
	}
	if (!all) {
		vps_errorx(&ctx->err, ENOMEM, "out of memory");
		return cli_fail(ctx);
	}
	if (!quiet && strcmp(format, "json") == 0)
		puts(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (!quiet)
		print_table(all);
	json_object_put(all);
	return 0;
}
