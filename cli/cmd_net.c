/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps net ls | rm BRIDGE: the host side of VPS networking. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "netns/net.h"

static const char *str(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void print_table(json_object *all)
{
	json_object *bridges, *leases, *tables;
	json_object_object_get_ex(all, "bridges", &bridges);
	json_object_object_get_ex(all, "leases", &leases);
	json_object_object_get_ex(all, "nft_tables", &tables);
	printf("%-16s %-5s %5s  %s\n", "BRIDGE", "STATE", "PORTS", "ADDRESSES");
	for (size_t i = 0; i < json_object_array_length(bridges); i++) {
		json_object *b = json_object_array_get_idx(bridges, i), *up, *ports, *addrs;
		json_object_object_get_ex(b, "up", &up);
		json_object_object_get_ex(b, "ports", &ports);
		json_object_object_get_ex(b, "addresses", &addrs);
		printf("%-16s %-5s %5d  ", str(b, "name"),
		       json_object_get_boolean(up) ? "up" : "down", json_object_get_int(ports));
		for (size_t j = 0; j < json_object_array_length(addrs); j++)
			printf("%s%s", j ? "," : "",
			       json_object_get_string(json_object_array_get_idx(addrs, j)));
		printf("\n");
	}
	printf("\n%-24s %-16s %s\n", "VPS", "BRIDGE", "ADDRESS");
	for (size_t i = 0; i < json_object_array_length(leases); i++) {
		json_object *l = json_object_array_get_idx(leases, i);
		printf("%-24s %-16s %s\n", str(l, "id"), str(l, "bridge"), str(l, "address"));
	}
	if (json_object_array_length(tables)) {
		printf("\nNFT TABLES\n");
		for (size_t i = 0; i < json_object_array_length(tables); i++)
			printf("ip %s\n",
			       json_object_get_string(json_object_array_get_idx(tables, i)));
	}
}

int cmd_net(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool json = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1) {
		if (opt == 'j')
			json = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (optind >= argc)
		return cli_usage(ctx, "expects a subcommand: ls or rm");
	/* the subcommand's own arguments: a fresh scan of argv from sub on */
	const char *sub = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;
	if (strcmp(sub, "ls") == 0) {
		while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1) {
			if (opt == 'j')
				json = true;
			else if ((rc = cli_opt_common(ctx, opt)) >= 0)
				return rc;
		}
		if (optind != argc)
			return cli_usage(ctx, "ls takes no arguments");
		json_object *all = NULL;
		if (vps_net_list(ctx->root, &all, &ctx->err) < 0)
			return cli_fail(ctx);
		if (json)
			puts(json_object_to_json_string_ext(
			    all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			print_table(all);
		json_object_put(all);
		return 0;
	}
	if (strcmp(sub, "rm") == 0) {
		if (argc != 2)
			return cli_usage(ctx, "rm expects BRIDGE");
		ctx->id = argv[1];
		if (vps_net_bridge_remove(ctx->root, argv[1], &ctx->err) < 0)
			return cli_fail(ctx);
		return 0;
	}
	return cli_usage(ctx, "unknown subcommand '%s' (ls or rm)", sub);
}
