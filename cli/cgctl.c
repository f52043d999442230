/* CLI helpers for the cgroup commands (see cgctl.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cgctl.h"
#include "runtime/status.h"
#include "runtime/store.h"

int cli_cg_open(struct vps_ctx *ctx, const char *id, bool lock, struct cli_cg *c)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = c->lockfd = -1;
	int r = 0;
	if (lock)
		r = vps_store_lock(ctx->root, id, &c->dirfd, &c->lockfd, &ctx->err);
	if (r >= 0)
		r = vps_state_load(ctx->root, id, &c->st, &ctx->err);
	if (r >= 0 && (!c->st->cgroup_path || !*c->st->cgroup_path))
		r = vps_errorx(&ctx->err, ENOENT, "container has no cgroup recorded");
	if (r >= 0)
		r = vps_cgroup_open(c->st->cgroup_path, &c->cg, &ctx->err);
	if (r < 0) {
		cli_cg_close(c);
		return r;
	}
	c->status = vps_status_live(ctx->root, c->st);
	bool frozen = false;
	vps_err e;
	/* the freezer decides between running and paused */
	if ((c->status == VPS_RUNNING || c->status == VPS_PAUSED) &&
	    vps_cgroup_is_frozen(c->cg, &frozen, &e) == 0)
		c->status = frozen ? VPS_PAUSED : VPS_RUNNING;
	return 0;
}

void cli_cg_close(struct cli_cg *c)
{
	vps_cgroup_free(c->cg);
	vps_state_free(c->st);
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->lockfd >= 0)
		close(c->lockfd);
	memset(c, 0, sizeof(*c));
	c->dirfd = c->lockfd = -1;
}

int cli_parse_duration_ms(const char *s, long *out)
{
	double total = 0;
	const char *p = s;
	if (!*p)
		return -EINVAL;
	for (int parts = 0; *p && parts < 8; parts++) {
		char *end;
		double v = strtod(p, &end);
		if (end == p || v < 0)
			return -EINVAL;
		p = end;
		double ms;
		if (strncmp(p, "ms", 2) == 0) {
			ms = 1;
			p += 2;
		} else if (*p == 's') {
			ms = 1000;
			p++;
		} else if (*p == 'm') {
			ms = 60000;
			p++;
		} else if (*p == 'h') {
			ms = 3600000;
			p++;
		} else {
			return -EINVAL;
		}
		total += v * ms;
	}
	if (*p || total < 1 || total > 86400000.0)
		return -EINVAL;
	*out = (long)(total + 0.5);
	return 0;
}

int cli_freeze_cmd(struct vps_ctx *ctx, int argc, char **argv, bool freeze)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int opt, r;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1)
		if ((r = cli_opt_common(ctx, opt)) >= 0)
			return r;
	if ((r = cli_positional(ctx, argc, argv, 1)) != 0)
		return r;
	struct cli_cg c;
	if (cli_cg_open(ctx, ctx->id, true, &c) < 0)
		return cli_fail(ctx);
	enum vps_status want = freeze ? VPS_RUNNING : VPS_PAUSED;
	if (c.status != want) {
		vps_errorx(&ctx->err, EINVAL, "container is %s, not %s", vps_status_name(c.status),
			   freeze ? "running" : "paused");
		r = -EINVAL;
	} else {
		r = vps_cgroup_freeze(c.cg, freeze, &ctx->err);
	}
	cli_cg_close(&c);
	return r < 0 ? cli_fail(ctx) : 0;
}
