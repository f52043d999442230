/* Internal to netns/: the pieces vps_net_setup/teardown are made of. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "netns/config.h"

/* Deterministic per-VPS names, so teardown works even without state:
 * host veth "vh-ID" (ID <= 12 chars) or "vhXXXXXXXX" (hash; never has a '-'
 * at [2]); nft table "vps-ID" or "vps/XXXXXXXXXXXXXXXX" ('/' is never in an id). */
void vps_net_veth_name(const char *id, char out[IFNAMSIZ]);
void vps_net_table_name(const char *id, char *out, size_t size);

/* nftables (libnftables, in-process): table `ip NAME` with the VPS's
 * masquerade and published ports; remove deletes it (missing is fine). */
bool vps_nat_wanted(const struct vps_net_cfg *cfg);
int vps_nat_apply(const char *table, const struct vps_net_cfg *cfg, const struct vps_ip *ip,
		  vps_err *err);
int vps_nat_remove(const char *table, vps_err *err);
/* Tables in the current netns whose name starts with "vps" (for `vps net ls`),
 * as a malloc'ed, newline-separated list. */
int vps_nat_tables(char **out, vps_err *err);

/* /etc/resolv.conf and /etc/hosts inside the VPS whose init is pid. */
int vps_net_write_etc(pid_t pid, const char *hostname, const struct vps_net_cfg *cfg,
		      const struct vps_ip *ip, const struct vps_ip *ip6, vps_err *err);
