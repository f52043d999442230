/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps update [FLAGS | -r FILE] ID: change a live container's resources
 * (runc's flags; -r takes an OCI linux.resources object, "-" for stdin). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cgctl.h"
#include "runtime/runtime.h"
#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"
#include "util/size.h"

enum {
	O_BLKIO = 256,
	O_PERIOD,
	O_QUOTA,
	O_BURST,
	O_IDLE,
	O_SHARE,
	O_RTPERIOD,
	O_RTRUNTIME,
	O_CPUS,
	O_MEMS,
	O_KMEM,
	O_KMEMTCP,
	O_MEM,
	O_MEMRES,
	O_SWAP,
	O_PIDS,
	O_L3,
	O_MEMBW,
	O_NCPUS
};

static const struct option opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"resources", required_argument, NULL, 'r'},
    {"blkio-weight", required_argument, NULL, O_BLKIO},
    {"cpu-period", required_argument, NULL, O_PERIOD},
    {"cpu-quota", required_argument, NULL, O_QUOTA},
    {"cpu-burst", required_argument, NULL, O_BURST},
    {"cpu-idle", required_argument, NULL, O_IDLE},
    {"cpu-share", required_argument, NULL, O_SHARE},
    {"cpu-rt-period", required_argument, NULL, O_RTPERIOD},
    {"cpu-rt-runtime", required_argument, NULL, O_RTRUNTIME},
    {"cpuset-cpus", required_argument, NULL, O_CPUS},
    {"cpuset-mems", required_argument, NULL, O_MEMS},
    {"kernel-memory", required_argument, NULL, O_KMEM},
    {"kernel-memory-tcp", required_argument, NULL, O_KMEMTCP},
    {"memory", required_argument, NULL, O_MEM},
    {"memory-reservation", required_argument, NULL, O_MEMRES},
    {"memory-swap", required_argument, NULL, O_SWAP},
    {"pids-limit", required_argument, NULL, O_PIDS},
    {"l3-cache-schema", required_argument, NULL, O_L3},
    {"mem-bw-schema", required_argument, NULL, O_MEMBW},
    {"cpus", required_argument, NULL, O_NCPUS},
    {0},
};

static int num(struct vps_ctx *ctx, const char *flag, const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return cli_usage(ctx, "--%s: expected an integer, got \"%s\"", flag, s);
	*out = v;
	return 0;
}

/* sizes (count false) and counts: the parsers every verb shares (util/size.h) */
static int limit(struct vps_ctx *ctx, bool count, const char *flag, const char *s, opt_i64 *out)
{
	char what[64];
	int64_t v;
	vps_snprintf(what, sizeof(what), "--%s", flag); /* fits: flag is one of the option names */
	if ((count ? vps_parse_count : vps_parse_size)(what, s, true, &v, &ctx->err) < 0)
		return cli_usage(ctx, "%s", ctx->err.msg);
	*out = (opt_i64){true, v};
	return 0;
}

/* one flag into res; returns 0, or the exit status of a usage error */
static int flag(struct vps_ctx *ctx, int opt, const char *arg, struct oci_resources *res)
{
	const char *name = opts[0].name;
	for (size_t i = 0; opts[i].name; i++)
		if (opts[i].val == opt)
			name = opts[i].name;
	int64_t v = 0;
	int r = 0;
	switch (opt) {
	case O_CPUS:
		res->has_cpu = true;
		res->cpu.cpus = (char *)arg;
		return 0;
	case O_MEMS:
		res->has_cpu = true;
		res->cpu.mems = (char *)arg;
		return 0;
	case O_KMEM:
	case O_KMEMTCP:
		log_warn("--%s is ignored: kernel memory limits are deprecated", name);
		return 0;
	case O_MEM:
		res->has_memory = true;
		return limit(ctx, false, name, arg, &res->memory.limit);
	case O_MEMRES:
		res->has_memory = true;
		return limit(ctx, false, name, arg, &res->memory.reservation);
	case O_SWAP:
		res->has_memory = true;
		return limit(ctx, false, name, arg, &res->memory.swap);
	case O_PIDS:
		return limit(ctx, true, name, arg, &res->pids_limit);
	case O_NCPUS: /* docker's --cpus: a quota over the default 100 ms period */
		if (vps_parse_cpus(arg, &v, &ctx->err) < 0)
			return cli_usage(ctx, "%s", ctx->err.msg);
		res->has_cpu = true;
		res->cpu.quota = (opt_i64){true, v};
		res->cpu.period = (opt_u64){true, 100000};
		return 0;
	case O_L3:
	case O_MEMBW:
		return cli_usage(ctx, "--%s: Intel RDT (resctrl) is not supported", name);
	}
	if ((r = num(ctx, name, arg, &v)) != 0)
		return r;
	if (opt != O_QUOTA && opt != O_RTRUNTIME && opt != O_IDLE && v < 0)
		return cli_usage(ctx, "--%s: must not be negative", name);
	switch (opt) {
	case O_BLKIO:
		res->has_blockio = true;
		res->blockio.weight = (opt_u64){true, (uint64_t)v};
		break;
	case O_PERIOD:
		res->has_cpu = true;
		res->cpu.period = (opt_u64){true, (uint64_t)v};
		break;
	case O_QUOTA:
		res->has_cpu = true;
		res->cpu.quota = (opt_i64){true, v};
		break;
	case O_BURST:
		res->has_cpu = true;
		res->cpu.burst = (opt_u64){true, (uint64_t)v};
		break;
	case O_IDLE:
		res->has_cpu = true;
		res->cpu.idle = (opt_i64){true, v};
		break;
	case O_SHARE:
		res->has_cpu = true;
		res->cpu.shares = (opt_u64){true, (uint64_t)v};
		break;
	case O_RTPERIOD:
		res->has_cpu = true;
		res->cpu.realtime_period = (opt_u64){true, (uint64_t)v};
		break;
	case O_RTRUNTIME:
		res->has_cpu = true;
		res->cpu.realtime_runtime = (opt_i64){true, v};
		break;
	}
	return 0;
}

static int load_file(struct vps_ctx *ctx, const char *path, struct oci_resources **out)
{
	_cleanup_free_ char *txt = NULL;
	size_t len = 0;
	int r = vps_read_file_at(AT_FDCWD, strcmp(path, "-") ? path : "/dev/stdin", 1 << 20, &txt,
				 &len, &ctx->err);
	if (r >= 0)
		r = oci_resources_parse(txt, len, out, &ctx->err);
	if (r < 0)
		vps_error_wrap(&ctx->err, "%s", strcmp(path, "-") ? path : "stdin");
	return r;
}

int cmd_update(struct vps_ctx *ctx, int argc, char **argv)
{
	struct oci_resources flags = {0}, *file = NULL;
	const char *rpath = NULL;
	bool any_flag = false, ncpus = false, quota = false;
	int opt, r;
	while ((opt = cli_getopt(ctx, argc, argv, "hr:", opts)) != -1) {
		if (opt == 'r') {
			rpath = optarg;
			continue;
		}
		if ((r = cli_opt_common(ctx, opt)) >= 0)
			return r;
		if ((r = flag(ctx, opt, optarg, &flags)) != 0)
			return r;
		any_flag = true;
		ncpus |= opt == O_NCPUS;
		quota |= opt == O_PERIOD || opt == O_QUOTA;
	}
	if (ncpus && quota)
		return cli_usage(ctx, "--cpus and --cpu-period/--cpu-quota cannot be combined");
	if ((r = cli_positional(ctx, argc, argv, 1)) != 0)
		return r;
	if (rpath && any_flag)
		return cli_usage(ctx, "-r and resource flags cannot be combined");
	if (!rpath && !any_flag)
		return cli_usage(ctx, "nothing to update: give resource flags or -r FILE");
	if (rpath && load_file(ctx, rpath, &file) < 0)
		return cli_fail(ctx);
	r = vps_update(ctx->root, ctx->id, file ? file : &flags, &ctx->err);
	oci_resources_free(file);
	return r < 0 ? cli_fail(ctx) : 0;
}
