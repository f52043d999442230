/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps set NAME --memory SIZE --cpus N --pids N --disk SIZE --ip A --autostart on|off
 * --boot-order N --boot-delay S: argument parsing; the work is vps_inv_set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rootfs/template.h"
#include "runtime/inventory.h"
#include "util/size.h"

enum { O_MEMORY = 256, O_CPUS, O_PIDS, O_IP, O_AUTOSTART, O_ORDER, O_DELAY, O_DISK };

static int parse_int(const char *what, const char *s, long min, long max, int *out, vps_err *err)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return vps_errorx(err, EINVAL, "%s \"%s\": expected an integer from %ld to %ld",
				  what, s, min, max);
	*out = (int)v;
	return 0;
}

static int parse_onoff(const char *s, bool *out, vps_err *err)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true"))
		*out = true;
	else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false"))
		*out = false;
	else
		return vps_errorx(err, EINVAL, "--autostart \"%s\": expected on or off", s);
	return 0;
}

static int option(struct vps_ctx *ctx, int opt, const char *arg, struct vps_set_opts *o)
{
	switch (opt) {
	case O_MEMORY:
		o->has_memory = true;
		return vps_parse_size("--memory", arg, true, &o->memory, &ctx->err);
	case O_CPUS:
		o->has_cpus = true;
		return vps_parse_cpus(arg, &o->cpu_quota, &ctx->err);
	case O_PIDS:
		o->has_pids = true;
		return vps_parse_count("--pids", arg, true, &o->pids, &ctx->err);
	case O_DISK:
		o->has_disk = true;
		return vps_parse_size("--disk", arg, false, &o->disk, &ctx->err);
	case O_IP:
		o->has_ip = true;
		o->ip = arg;
		return 0;
	case O_AUTOSTART:
		o->has_autostart = true;
		return parse_onoff(arg, &o->autostart, &ctx->err);
	case O_ORDER:
		o->has_boot_order = true;
		return parse_int("--boot-order", arg, -1000000, 1000000, &o->boot_order, &ctx->err);
	case O_DELAY:
		o->has_boot_delay = true;
		return parse_int("--boot-delay", arg, 0, VPS_BOOT_DELAY_MAX, &o->boot_delay,
				 &ctx->err);
	}
	return 0;
}

int cmd_set(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"memory", required_argument, NULL, O_MEMORY},
					     {"cpus", required_argument, NULL, O_CPUS},
					     {"pids", required_argument, NULL, O_PIDS},
					     {"ip", required_argument, NULL, O_IP},
					     {"autostart", required_argument, NULL, O_AUTOSTART},
					     {"boot-order", required_argument, NULL, O_ORDER},
					     {"boot-delay", required_argument, NULL, O_DELAY},
					     {"disk", required_argument, NULL, O_DISK},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct vps_set_opts o = {0};
	const char *disk_arg = NULL;
	int opt, rc;
	bool any = false;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1) {
		if (opt < O_MEMORY) {
			if ((rc = cli_opt_common(ctx, opt)) >= 0)
				return rc;
			continue;
		}
		if (opt == O_DISK)
			disk_arg = optarg;
		if (option(ctx, opt, optarg, &o) < 0)
			return cli_usage(ctx, "%s", ctx->err.msg);
		any = true;
	}
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	if (!any)
		return cli_usage(ctx, "nothing to set: give --memory, --cpus, --pids, --disk, "
				      "--ip, --autostart, --boot-order or --boot-delay");
	unsigned deferred = 0;
	if (vps_inv_set(ctx->root, ctx->inventory, ctx->id, &o, &deferred, &ctx->err) < 0)
		return cli_fail(ctx);
	if (deferred & VPS_SET_DEFERRED_IP)
		fprintf(stderr, "vps: set %s: --ip %s applies at next start\n", ctx->id, o.ip);
	if (deferred & VPS_SET_DEFERRED_DISK_CAP)
		fprintf(stderr,
			"vps: set %s: --disk %s: the image grew; its filesystem grows at next "
			"start (growing a mounted ext4 needs CAP_SYS_RESOURCE, which vps lacks "
			"here)\n",
			ctx->id, disk_arg);
	if (deferred & VPS_SET_DEFERRED_DISK_VM)
		fprintf(stderr,
			"vps: set %s: --disk %s: the image grew; the running VM sees it at next "
			"start\n",
			ctx->id, disk_arg);
	return 0;
}
