/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps migrate NAME [DEST] and its far side, vps migrate-recv (run by the
 * source's vps on the destination): argument parsing and the final line;
 * the work is runtime/migrate*.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runtime/inventory.h"

static void report(const struct vps_migrate_opts *o, const struct vps_migrate_result *r)
{
	const char *to = o->dest ? o->dest : o->to_root ? o->to_root : "this machine";
	const char *first = o->offline ? "stop" : "dump", *last = o->offline ? "start" : "restore";
	if (r->vm && !o->offline) /* QEMU's: the RAM sent, the guest run there */
		first = "memory", last = "resume";
	printf("migrated %s to %s: downtime %ld ms (%s %ld, copy %ld, %s %ld), total %ld ms, "
	       "%llu bytes copied\n",
	       o->name, to, r->downtime_ms, first, r->dump_ms, r->copy_ms, last, r->restore_ms,
	       r->total_ms, (unsigned long long)r->bytes);
}

int cmd_migrate(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"live", no_argument, NULL, 'L'},
					     {"offline", no_argument, NULL, 'O'},
					     {"to-root", required_argument, NULL, 'r'},
					     {"to-inventory", required_argument, NULL, 'i'},
					     {"to-bundle", required_argument, NULL, 'b'},
					     {"to-vps", required_argument, NULL, 'v'},
					     {"rsh", required_argument, NULL, 'e'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct vps_migrate_opts o = {.root = ctx->root,
				     .inventory = ctx->inventory,
				     .criu = ctx->criu,
				     .version = VPS_VERSION,
				     .progress = isatty(2)};
	int opt, rc;
	bool live = false;
	while ((opt = cli_getopt(ctx, argc, argv, "hLOe:", opts)) != -1) {
		switch (opt) {
		case 'L':
			live = true;
			break;
		case 'O':
			o.offline = true;
			break;
		case 'r':
			o.to_root = optarg;
			break;
		case 'i':
			o.to_inventory = optarg;
			break;
		case 'b':
			o.to_bundle = optarg;
			break;
		case 'v':
			o.to_vps = optarg;
			break;
		case 'e':
			o.rsh = optarg;
			break;
		default:
			if ((rc = cli_opt_common(ctx, opt)) >= 0)
				return rc;
		}
	}
	if (live && o.offline)
		return cli_usage(ctx, "--live and --offline: choose one");
	int left = argc - optind;
	if (left < 1 || left > 2)
		return cli_usage(ctx, "expected NAME [DEST]");
	ctx->id = o.name = argv[optind];
	o.dest = left == 2 ? argv[optind + 1] : NULL;
	if (!o.dest && !o.to_root)
		return cli_usage(ctx, "no destination: give DEST ([user@]host) or --to-root DIR");
	struct vps_migrate_result res;
	if (vps_migrate(&o, &res, &ctx->err) < 0)
		return cli_fail(ctx);
	report(&o, &res);
	return 0;
}

/* check NAME BUNDLE NEED live|offline IDBASE [NET] | vm-listen NAME BUNDLE | receive
 * NAME BUNDLE HOW AUTOSTART ORDER DELAY | abort NAME BUNDLE */
int cmd_migrate_recv(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1) /* --help anywhere */
		if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	char **a = argv + optind;
	int n = argc - optind;
	const char *op = n > 0 ? a[0] : "";
	if (n >= 2)
		ctx->id = a[1];
	int r;
	if (strcmp(op, "check") == 0 && (n == 6 || n == 7)) {
		uint64_t need = strtoull(a[3], NULL, 10);
		uint32_t ids = (uint32_t)strtoul(a[5], NULL, 10);
		bool handover = false;
		r = n == 7 ? vps_migrate_check_net(a[1], a[6], &handover, &ctx->err) : 0;
		if (r == 0)
			r = vps_migrate_check(ctx->root, ctx->inventory, ctx->criu, a[1], a[2],
					      need, strcmp(a[4], "live") == 0, ids, &ctx->err);
		if (r == 0)
			printf("%s\n%s", VPS_VERSION, handover ? "net handover\n" : "");
	} else if (strcmp(op, "receive") == 0 && n == 7) {
		struct vps_inv_entry e = {.name = a[1],
					  .bundle = a[2],
					  .autostart = strcmp(a[4], "autostart") == 0,
					  .boot_order = atoi(a[5]),
					  .boot_delay = atoi(a[6])};
		r = vps_migrate_receive(ctx->root, ctx->inventory, ctx->criu, &e, a[3], &ctx->err);
		if (r == 0 && strcmp(a[3], "prepare") != 0) {
			/* the source's downtime ends at this line */
			printf("%s\n", VPS_MIGRATE_RECEIVED);
			fflush(stdout);
			vps_migrate_received(e.bundle);
		}
	} else if (strcmp(op, "abort") == 0 && n == 3)
		r = vps_migrate_abort(ctx->root, ctx->inventory, a[1], a[2], &ctx->err);
	else if (strcmp(op, "vm-listen") == 0 && n == 3) {
		/* stdin: the source QEMU's stream; "ready" once QEMU reads it */
		r = vps_migrate_vm_listen(ctx->root, a[1], a[2], &ctx->err);
		if (r == 0 && (printf("ready\n") < 0 || fflush(stdout) != 0))
			r = vps_error(&ctx->err, errno, "stdout");
		if (r == 0)
			r = vps_migrate_vm_loaded(ctx->root, a[1], &ctx->err);
	} else
		return cli_usage(ctx, "expected check, vm-listen, receive or abort with their "
				      "arguments");
	return r < 0 ? cli_fail(ctx) : 0;
}
