/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to netns/: the pieces vps_net_setup/teardown are made of. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "netns/config.h"

/* Deterministic per-VPS names, so teardown works even without state:
 * host veth "vh-ID" (ID <= 12 chars) or "vhXXXXXXXX" (hash; never has a '-'
 * at [2]); nft table "vps-ID" or "vps/XXXXXXXXXXXXXXXX" ('/' is never in an id). */
void vps_net_veth_name(const char *id, char out[IFNAMSIZ]);
void vps_net_table_name(const char *id, char *out, size_t size);

/* The VPS's MAC address (eth0 inside), derived from its IPv4 address:
 * 02:56:A:B:C:D, so the anti-spoofing rules and the tests know it. */
void vps_net_mac(const struct vps_ip *ip4, unsigned char mac[6]);

/* nftables (libnftables, in-process), all in one transaction: table
 * `inet NAME` with the VPS's masquerade, published ports and what it may reach
 * on the host, and table `bridge NAME` binding what enters the bridge from the
 * host veth to the VPS's MAC and addresses. remove deletes both (and the `ip`
 * table older versions made); missing is fine. */
int vps_nat_apply(const char *table, const char *veth, const struct vps_net_cfg *cfg, vps_err *err);
int vps_nat_remove(const char *table, vps_err *err);
/* The filter rules of vps_nat_apply written to f (netns/guard.c). */
void vps_guard_rules(FILE *f, const char *table, const char *veth, const struct vps_net_cfg *cfg);
/* Tables in the current netns whose name starts with "vps" (for `vps net ls`),
 * as a malloc'ed, newline-separated list. */
int vps_nat_tables(char **out, vps_err *err);

struct vps_nl;
/* Before the bridge is touched: prefixes of addresses given without /LEN (the
 * bridge's), gateways clashing with an address already on the host. */
int vps_net_bridge_check(struct vps_nl *nl, struct vps_net_cfg *c, vps_err *err);
/* Write val to /proc/sys/PATH inside the network namespace nsfd. */
int vps_net_sysctl_in(int nsfd, const char *path, const char *val, vps_err *err);

/* /etc/resolv.conf and /etc/hosts inside the VPS whose init is pid. */
int vps_net_write_etc(pid_t pid, const char *hostname, const struct vps_net_cfg *cfg,
		      const struct vps_ip *ip, const struct vps_ip *ip6, vps_err *err);
