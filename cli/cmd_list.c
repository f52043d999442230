/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps list [--format table|json | --json] [-q]: every registered VPS, running
 * or not (the VPS view, cli/list_vps.c), then the containers under --root that
 * are not VPSes, with runc's columns (ID PID STATUS BUNDLE CREATED OWNER; ROOT
 * and ADDRESS added for VPS-face VPSes). Without an inventory, or with
 * --format, runc's view of every container. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/list_vps.h"
#include "cli/state_view.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/log.h"

/* ROOT and ADDRESS (vps additions) only show when some container has them:
 * a VPS-face VPS (its root mapped or host) and vps networking. */
#define MAX_COLS 8
static const char *const cols[MAX_COLS] = {"ID",      "PID",   "STATUS", "BUNDLE",
					   "CREATED", "OWNER", "ROOT",	 "ADDRESS"};
static const char *const keys[MAX_COLS] = {"id",      "pid",   "status", "bundle",
					   "created", "owner", "root",	 "address"};
#define FIRST_OPTIONAL 6

/* The columns to show: runc's, then each optional one some container has. */
static int shown_columns(json_object *all, int *show)
{
	size_t n = json_object_array_length(all);
	int k = 0;
	for (int c = 0; c < MAX_COLS; c++) {
		bool any = c < FIRST_OPTIONAL;
		for (size_t i = 0; !any && i < n; i++)
			any = json_object_object_get_ex(json_object_array_get_idx(all, i), keys[c],
							NULL);
		if (any)
			show[k++] = c;
	}
	return k;
}

static const char *cell(json_object *all, size_t row, int c)
{
	json_object *v = NULL;
	if (row == 0)
		return cols[c];
	if (json_object_object_get_ex(json_object_array_get_idx(all, row - 1), keys[c], &v))
		return json_object_get_string(v);
	return "-";
}

/* Columns padded like runc's tabwriter (min width 12, padding 3). */
static void print_table(json_object *all)
{
	size_t n = json_object_array_length(all), w[MAX_COLS];
	int show[MAX_COLS], ncols = shown_columns(all, show);
	for (int k = 0; k < ncols; k++) {
		w[k] = 0;
		for (size_t i = 0; i <= n; i++) {
			size_t l = strlen(cell(all, i, show[k]));
			w[k] = l > w[k] ? l : w[k];
		}
		w[k] = w[k] + 3 < 12 ? 12 : w[k] + 3;
	}
	for (size_t i = 0; i <= n; i++)
		for (int k = 0; k < ncols; k++)
			if (k == ncols - 1)
				printf("%s\n", cell(all, i, show[k]));
			else
				printf("%-*s", (int)w[k], cell(all, i, show[k]));
}

/* The containers under --root as runc shows them, except the ids in skip
 * (NULL-terminated names, may be NULL). Returns 0 or the exit status. */
static int list_containers(struct vps_ctx *ctx, bool json, bool quiet, char **skip)
{
	_cleanup_strv_ char **ids = NULL;
	if (vps_store_list(ctx->root, &ids, &ctx->err) < 0)
		return cli_fail(ctx);
	/* A mistyped --root lists nothing: say so, but keep runc's exit 0 and
	 * empty output (engines list a root before their first create). */
	if (!skip && access(ctx->root, F_OK) < 0 && errno == ENOENT)
		fprintf(stderr,
			"vps: list: state directory %s does not exist (no containers "
			"under this --root)\n",
			ctx->root);
	json_object *all = json_object_new_array();
	for (char **id = ids; all && *id; id++) {
		bool skipped = false;
		for (char **s = skip; s && *s && !skipped; s++)
			skipped = strcmp(*s, *id) == 0;
		struct vps_state *st = NULL;
		vps_err err = {0};
		if (skipped)
			continue;
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
	if (!quiet && json)
		puts(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (!quiet && skip && json_object_array_length(all)) {
		putchar('\n'); /* after the VPS table */
		print_table(all);
	} else if (!quiet && !skip)
		print_table(all);
	json_object_put(all);
	return 0;
}

/* The VPS view: every registered VPS, then (table, -q) the other containers. */
static int list_vps(struct vps_ctx *ctx, bool json, bool quiet, struct vps_inv_entry **v, size_t n)
{
	struct vps_inv_row *rows = calloc(n ? n : 1, sizeof(*rows));
	char **names = calloc(n + 1, sizeof(*names));
	json_object *arr = json_object_new_array();
	int rc = 0;
	if (!rows || !names || !arr) {
		vps_errorx(&ctx->err, ENOMEM, "out of memory");
		rc = cli_fail(ctx);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		vps_inv_row(ctx->root, v[i], &rows[i]);
		names[i] = v[i]->name;
		if (quiet)
			puts(v[i]->name);
		else if (json)
			json_object_array_add(arr, cli_vps_row_json(&rows[i]));
	}
	if (json && !quiet) {
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
		goto out;
	}
	if (!quiet)
		cli_vps_table(rows, n);
	rc = list_containers(ctx, false, quiet, names);
out:
	json_object_put(arr);
	free(names);
	free(rows);
	return rc;
}

int cmd_list(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {"json", no_argument, NULL, 'j'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *format = NULL;
	bool quiet = false, json = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "f:qh", opts)) != -1) {
		if (opt == 'f')
			format = optarg;
		else if (opt == 'j')
			json = true;
		else if (opt == 'q')
			quiet = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (format && strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_usage(ctx, "--format: expected table or json, got \"%s\"", format);
	if (format && json)
		return cli_usage(ctx, "--json (the VPS view) and --format (runc's) cannot be "
				      "combined");
	if ((rc = cli_positional(ctx, argc, argv, 0)))
		return rc;
	struct vps_inv_entry **v = NULL;
	size_t n = 0;
	/* --format asks for runc's view of every container: the inventory is not read */
	if (!format && vps_inv_list(ctx->inventory, &v, &n, &ctx->err) < 0)
		return cli_fail(ctx);
	if (n || json)
		rc = list_vps(ctx, json, quiet, v, n);
	else
		rc = list_containers(ctx, format && strcmp(format, "json") == 0, quiet, NULL);
	vps_inv_free_all(v, n);
	return rc;
}
