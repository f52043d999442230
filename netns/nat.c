/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outbound NAT and published ports with nftables through libnftables: the
 * rules are text handed to the library in-process (one atomic transaction per
 * call), no `nft` process is started. Each VPS owns one table, so removing the
 * VPS's rules is deleting that table. */
#include <errno.h>
#include <fcntl.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns/setup.h"
#include "util/cleanup.h"
#include "util/dl.h"
#include "util/fmt.h"
#include "util/log.h"

/* libnftables is loaded when a rule is first needed, not linked (util/dl.h):
 * with its dependencies (libnftnl, libxtables, libjansson, libgmp) it is
 * ~1.7 MiB that every other start of vps would map and relocate for nothing. */
struct nft_api {
	__typeof__(nft_ctx_new) *ctx_new;
	__typeof__(nft_ctx_free) *ctx_free;
	__typeof__(nft_ctx_buffer_output) *buffer_output;
	__typeof__(nft_ctx_buffer_error) *buffer_error;
	__typeof__(nft_run_cmd_from_buffer) *run_cmd;
	__typeof__(nft_ctx_get_output_buffer) *output_buffer;
	__typeof__(nft_ctx_get_error_buffer) *error_buffer;
};

static int nft_load(struct nft_api *a, vps_err *err)
{
	const struct vps_dl_sym syms[] = {
	    {(void **)&a->ctx_new, "nft_ctx_new"},
	    {(void **)&a->ctx_free, "nft_ctx_free"},
	    {(void **)&a->buffer_output, "nft_ctx_buffer_output"},
	    {(void **)&a->buffer_error, "nft_ctx_buffer_error"},
	    {(void **)&a->run_cmd, "nft_run_cmd_from_buffer"},
	    {(void **)&a->output_buffer, "nft_ctx_get_output_buffer"},
	    {(void **)&a->error_buffer, "nft_ctx_get_error_buffer"},
	};
	return vps_dl_load("libnftables.so.1", syms, sizeof(syms) / sizeof(syms[0]), "nftables",
			   err);
}

static int run_ctx(const struct nft_api *a, struct nft_ctx *ctx, const char *cmds, char **output,
		   vps_err *err)
{
	a->buffer_output(ctx);
	a->buffer_error(ctx);
	if (a->run_cmd(ctx, cmds) != 0) {
		const char *e = a->error_buffer(ctx);
		char msg[512];
		/* snprintf-ok: nft's message, cut to fit */
		snprintf(msg, sizeof(msg), "%s", e && *e ? e : "failed");
		msg[strcspn(msg, "\n")] = 0;
		return vps_errorx(err, EIO, "nftables: %s", msg);
	}
	if (output && !(*output = strdup(a->output_buffer(ctx))))
		return vps_error(err, ENOMEM, "nftables");
	return 0;
}

/* Run cmds as one transaction; on failure the library's message goes in err. */
static int run(const char *cmds, char **output, vps_err *err)
{
	struct nft_api a = {0};
	int r = nft_load(&a, err);
	if (r == 0) {
		struct nft_ctx *ctx = a.ctx_new(NFT_CTX_DEFAULT);
		if (!ctx) {
			r = vps_errorx(err, ENOMEM, "nftables: cannot make a context");
		} else {
			r = run_ctx(&a, ctx, cmds, output, err);
			a.ctx_free(ctx);
		}
	}
	return r;
}

static int forwarding_on(vps_err *err)
{
	const char *p = "/proc/sys/net/ipv4/ip_forward";
	_cleanup_close_ int fd = open(p, O_RDWR | O_CLOEXEC);
	char c = 0;
	if (fd < 0 || pread(fd, &c, 1, 0) != 1)
		return vps_error(err, errno, "read %s", p);
	if (c == '1')
		return 0;
	if (pwrite(fd, "1", 1, 0) != 1)
		return vps_error(err, errno, "enable IPv4 forwarding (%s)", p);
	log_info("enabled IPv4 forwarding (%s) for VPS NAT", p);
	return 0;
}

static void nat_rules(FILE *f, const char *t, const struct vps_net_cfg *cfg)
{
	char a[VPS_IP_STRLEN], net[VPS_IP_STRLEN];
	struct vps_ip subnet;
	vps_ip_host(&cfg->gw, 0, &subnet);
	vps_ip_str(&cfg->ip, false, a);
	vps_ip_str(&subnet, true, net);
	fprintf(f, "add chain inet %s post { type nat hook postrouting priority srcnat; }\n", t);
	if (cfg->nat)
		fprintf(f, "add rule inet %s post ip saddr %s ip daddr != %s masquerade\n", t, a,
			net);
	if (cfg->n_ports) {
		/* another VPS reaching a published port through a host address: the
		 * reply must come back through the host, so masquerade that too */
		fprintf(f,
			"add rule inet %s post ip saddr %s ip daddr %s ct status dnat masquerade\n",
			t, net, a);
		fprintf(f, "add chain inet %s pre { type nat hook prerouting priority dstnat; }\n",
			t);
		fprintf(f, "add chain inet %s out { type nat hook output priority -100; }\n", t);
	}
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		const struct vps_net_port *p = &cfg->ports[i];
		const char *proto = p->udp ? "udp" : "tcp";
		for (int c = 0; c < 2; c++)
			fprintf(
			    f,
			    "add rule inet %s %s ip daddr != 127.0.0.0/8 fib daddr type local %s "
			    "dport %u dnat ip to %s:%u\n",
			    t, c ? "out" : "pre", proto, p->host, a, p->vps);
	}
}

int vps_nat_apply(const char *t, const char *veth, const struct vps_net_cfg *cfg, vps_err *err)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return vps_error(err, errno, "nftables");
	fprintf(f, "add table inet %s\n", t);
	if (cfg->nat || cfg->n_ports)
		nat_rules(f, t, cfg);
	vps_guard_rules(f, t, veth, cfg);
	if (fclose(f) != 0) {
		free(buf);
		return vps_error(err, ENOMEM, "nftables");
	}
	int r = run(buf, NULL, err);
	free(buf);
	if (r < 0)
		return vps_error_wrap(err, "add tables inet/bridge %s", t);
	return cfg->nat || cfg->n_ports ? forwarding_on(err) : 0;
}

int vps_nat_remove(const char *t, vps_err *err)
{
	char cmd[1024];
	/* "add" first makes the delete succeed when the table is already gone;
	 * `ip` is the family versions before the bridge guard used */
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		const char *fam = i == 0 ? "inet" : i == 1 ? "bridge" : "ip";
		int w = vps_snprintf(cmd + n, sizeof(cmd) - n,
				     "add table %s %s\ndelete table %s %s\n", fam, t, fam, t);
		if (w < 0)
			return vps_errorx(err, ENAMETOOLONG, "nft table %s: name too long", t);
		n += (size_t)w;
	}
	int r = run(cmd, NULL, err);
	return r < 0 ? vps_error_wrap(err, "delete tables %s", t) : 0;
}

int vps_nat_tables(char **out, vps_err *err)
{
	_cleanup_free_ char *all = NULL;
	int r = run("list tables\n", &all, err);
	if (r < 0)
		return r;
	/* lines "table FAMILY NAME": the inet ones (ip: made by older versions) */
	size_t n = 0;
	char *res = calloc(1, strlen(all) + 1), *save = NULL;
	if (!res)
		return vps_error(err, ENOMEM, "nftables");
	for (char *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, "table ip vps", 12) == 0 || strncmp(l, "table inet vps", 14) == 0)
			n += (size_t)sprintf(res + n, "%s\n", strchr(l + 6, ' ') + 1);
	*out = res;
	return 0;
}
