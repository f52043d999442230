/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to netns/: the pieces vps_net_setup/teardown are made of. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include <sys/types.h>

#include "netns/config.h"

/* Deterministic per-VPS names, so teardown works even without state:
 * host veth "vh-ID" (ID <= 12 chars) or "vhXXXXXXXX" (hash; never has a '-'
 * at [2]); nft table "vps-ID" or "vps/XXXXXXXXXXXXXXXX" ('/' is never in an id). */
void vps_net_veth_name(const char *id, char out[IFNAMSIZ]);
void vps_net_table_name(const char *id, char *out, size_t size);

/* Fault injection for the tests (VPS_NET_FAIL_AFTER / VPS_NET_CRASH_AFTER=STEP,
 * setup.c): fails (or kills vps) when STEP is the one named, else 0. */
int vps_net_fail_after(const char *step, vps_err *err);

struct vps_lease_owner;
struct vps_nl;
/* Under the lease lock: the bridge (made if missing, with the gateways) and
 * the leases of c's addresses and ports, recorded in x ("bridge", "ip", ...;
 * "bridge_created" when this call made it). *br_index: the bridge's ifindex. */
int vps_net_host_side(const struct vps_lease_owner *o, struct vps_net_cfg *c, struct vps_nl *nl,
		      json_object *x, int *br_index, vps_err *err);
/* The nft tables of VPS id whose host veth is veth, recorded in x
 * ("nft_table", "publish"). */
int vps_net_host_rules(const char *id, const char *veth, const struct vps_net_cfg *c,
		       json_object *x, vps_err *err);
void vps_net_put_str(json_object *x, const char *key, const char *val);
/* Run step with a new record x for id under root; on failure tear down what
 * x records and wrap the error ("network: ..."), else *extra = x. */
typedef int (*vps_net_step)(const struct vps_lease_owner *o, struct vps_net_cfg *c, json_object *x,
			    void *arg, vps_err *err);
int vps_net_build(const char *root, const char *id, struct vps_net_cfg *c, vps_net_step step,
		  void *arg, json_object **extra, vps_err *err);

/* c from spec with the addresses a checkpoint's record saved holds (their
 * "auto" keeps the saved ones; definite ones must agree); nothing touched.
 * c->enabled false and 0 when neither has the VPS network (netns/restore.c). */
int vps_net_restore_config(const struct oci_spec *spec, json_object *saved, struct vps_net_cfg *c,
			   vps_err *err);

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

/* Before the bridge is touched: prefixes of addresses given without /LEN (the
 * bridge's), gateways clashing with an address already on the host. */
int vps_net_bridge_check(struct vps_nl *nl, struct vps_net_cfg *c, vps_err *err);
/* Write val to /proc/sys/PATH inside the network namespace nsfd; get reads
 * it into buf (at most size - 1 bytes and a NUL). */
int vps_net_sysctl_in(int nsfd, const char *path, const char *val, vps_err *err);
int vps_net_sysctl_get(int nsfd, const char *path, char *buf, size_t size, vps_err *err);
/* The net.ipv4.ping_group_range setup writes for a VPS of lx into buf
 * (netns/ping_range.c): vps_snprintf's result. */
int vps_net_ping_range(const struct oci_linux *lx, char *buf, size_t size);

/* /etc/resolv.conf and /etc/hosts inside the VPS whose init is pid. */
int vps_net_write_etc(pid_t pid, const char *hostname, const struct vps_net_cfg *cfg,
		      const struct vps_ip *ip, const struct vps_ip *ip6, vps_err *err);
