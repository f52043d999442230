/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps bundle: make a VPS bundle from a template. */
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rootfs/template.h"
#include "rootfs/users.h"
#include "runtime/inventory.h"
#include "util/cleanup.h"

enum {
	O_HOSTNAME = 256,
	O_MEMORY,
	O_PIDS,
	O_CPUS,
	O_IP,
	O_BRIDGE,
	O_GATEWAY,
	O_VM,
	O_CACHE,
	O_SETUID,
	O_IP6,
	O_PUBLISH,
	O_DNS,
	O_SECCOMP,
	O_KEEPDEV,
	O_DISK,
	O_DISK_BACKEND,
	O_USERNS,
	O_IDMAP_BASE,
	O_INIT,
	O_PACKAGES,
	O_SSHKEY
};

static struct timespec started;
static bool detail_shown; /* a step line waits to be overwritten */

static double elapsed(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - started.tv_sec) + (now.tv_nsec - started.tv_nsec) / 1e9;
}

/* Always: what the operator must know (the rootfs's owners were shifted). */
static void show_notice(const char *msg)
{
	fprintf(stderr, "vps bundle: %s\n", msg);
}

/* On a terminal: each phase as it starts, with the time since the command
 * started (a debian bundle takes a while). */
static void show_phase(const char *phase)
{
	fprintf(stderr, "%svps bundle [%5.1fs] %s\n", detail_shown ? "\r\033[K" : "", elapsed(),
		phase);
	detail_shown = false;
}

/* A step within the phase: one line, overwritten by the next, cut to the
 * terminal's width so that it never wraps. */
static void show_step(const char *step)
{
	struct winsize ws = {0};
	int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80;
	int used = fprintf(stderr, "\r\033[Kvps bundle [%5.1fs]   ", elapsed()) - 4;
	int room = cols - 1 - used;
	fprintf(stderr, "%.*s", room > 0 ? room : 0, step);
	fflush(stderr);
	detail_shown = true;
}

int cmd_bundle(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"template", required_argument, NULL, 't'},
	    {"name", required_argument, NULL, 'n'},
	    {"hostname", required_argument, NULL, O_HOSTNAME},
	    {"memory", required_argument, NULL, O_MEMORY},
	    {"pids", required_argument, NULL, O_PIDS},
	    {"cpus", required_argument, NULL, O_CPUS},
	    {"ip", required_argument, NULL, O_IP},
	    {"bridge", required_argument, NULL, O_BRIDGE},
	    {"gateway", required_argument, NULL, O_GATEWAY},
	    {"vm", no_argument, NULL, O_VM},
	    {"cache-dir", required_argument, NULL, O_CACHE},
	    {"allow-setuid", no_argument, NULL, O_SETUID},
	    {"ip6", required_argument, NULL, O_IP6},
	    {"publish", required_argument, NULL, O_PUBLISH},
	    {"dns", required_argument, NULL, O_DNS},
	    {"seccomp", required_argument, NULL, O_SECCOMP},
	    {"keep-devices", no_argument, NULL, O_KEEPDEV},
	    {"disk", required_argument, NULL, O_DISK},
	    {"disk-backend", required_argument, NULL, O_DISK_BACKEND},
	    {"userns", required_argument, NULL, O_USERNS},
	    {"idmap-base", required_argument, NULL, O_IDMAP_BASE},
	    {"init", required_argument, NULL, O_INIT},
	    {"packages", required_argument, NULL, O_PACKAGES},
	    {"ssh-key", required_argument, NULL, O_SSHKEY},
	    {"help", no_argument, NULL, 'h'},
	    {0}};
	struct vps_bundle_opts o = {.tmpl = "busybox",
				    .memory = 512 << 20,
				    .pids = 1024,
				    .inventory = ctx->inventory,
				    .notice = show_notice};
	uint32_t base;
	const char *key_file = NULL;
	int opt, rc, r = 0;
	clock_gettime(CLOCK_MONOTONIC, &started);
	while ((opt = cli_getopt(ctx, argc, argv, "t:n:h", opts)) != -1 && r >= 0) {
		switch (opt) {
		case 't':
			o.tmpl = optarg;
			break;
		case 'n':
			o.name = optarg;
			break;
		case O_HOSTNAME:
			o.hostname = optarg;
			break;
		case O_MEMORY:
			r = vps_parse_size("--memory", optarg, true, &o.memory, &ctx->err);
			break;
		case O_PIDS:
			r = vps_parse_count("--pids", optarg, true, &o.pids, &ctx->err);
			break;
		case O_CPUS:
			r = vps_parse_cpus(optarg, &o.cpu_quota, &ctx->err);
			break;
		case O_IP:
			o.ip = optarg;
			break;
		case O_BRIDGE:
			o.bridge = optarg;
			break;
		case O_GATEWAY:
			o.gateway = optarg;
			break;
		case O_VM:
			o.vm = true;
			break;
		case O_IP6:
			o.ip6 = optarg;
			break;
		case O_PUBLISH:
			o.publish = optarg;
			break;
		case O_SECCOMP:
			o.seccomp = optarg;
			break;
		case O_DNS:
			o.dns = optarg;
			break;
		case O_SETUID:
			o.allow_setuid = true;
			break;
		case O_KEEPDEV:
			o.keep_devices = true;
			break;
		case O_DISK:
			r = vps_parse_size("--disk", optarg, false, &o.disk, &ctx->err);
			break;
		case O_DISK_BACKEND:
			o.disk_dir = !strcmp(optarg, "dir");
			if (!o.disk_dir && strcmp(optarg, "image"))
				r = vps_errorx(&ctx->err, EINVAL,
					       "--disk-backend \"%s\": expected image or dir",
					       optarg);
			break;
		case O_PACKAGES:
			o.packages = optarg;
			break;
		case O_SSHKEY:
			key_file = optarg;
			break;
		case O_CACHE:
			o.cache_dir = optarg;
			break;
		case O_USERNS:
			o.userns = optarg;
			break;
		case O_IDMAP_BASE:
			r = vps_id_parse("--idmap-base", optarg, &base, &ctx->err);
			if (r >= 0 && base < 65536)
				r = vps_errorx(&ctx->err, EINVAL,
					       "--idmap-base %s: host ids below 65536 are the "
					       "host's own users",
					       optarg);
			o.idmap_base = base;
			break;
		case O_INIT:
			o.init = optarg;
			break;
		default:
			if ((rc = cli_opt_common(ctx, opt)) >= 0)
				return rc;
		}
	}
	if (r < 0)
		return cli_fail(ctx);
	if ((rc = cli_positional(ctx, argc, argv, 1)))
		return rc;
	if (o.disk_dir && !o.disk)
		return cli_usage(ctx, "--disk-backend dir: give the size with --disk SIZE");
	o.dir = argv[optind];
	_cleanup_free_ char *copy = strdup(o.dir);
	if (!o.name && copy) {
		size_t n = strlen(copy);
		while (n > 1 && copy[n - 1] == '/')
			copy[--n] = '\0';
		o.name = basename(copy);
	}
	_cleanup_free_ char *key = NULL;
	if (key_file && vps_sshkey_load(key_file, &key, &ctx->err) < 0)
		return cli_fail(ctx);
	o.ssh_key = key;
	/* Quiet unless both stdout and stderr are a terminal (piped, logged, a test). */
	if (isatty(STDERR_FILENO) && isatty(STDOUT_FILENO)) {
		o.progress = show_phase;
		o.detail = show_step;
	}
	if (vps_inv_bundle(ctx->inventory, &o, &ctx->err) < 0) {
		if (detail_shown)
			fputc('\n', stderr);
		return cli_fail(ctx);
	}
	if (o.progress)
		fprintf(stderr, "vps bundle [%5.1fs] %s is ready: vps run -d --bundle %s %s\n",
			elapsed(), o.dir, o.dir, o.name);
	return 0;
}
