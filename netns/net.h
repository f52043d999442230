/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VPS networking: a host bridge, a veth pair per VPS, addresses, routes, NAT and
 * published ports, configured from org.vps.net.* annotations in the bundle.
 * The runtime calls setup after the container init exists (its netns is known)
 * and before `start`, and teardown on delete or a failed create.
 *
 * Annotations (written by `vps bundle --ip ... --bridge ... --gateway ...`;
 * all optional except org.vps.net.ip, whose presence turns networking on; the
 * spec must then ask for a new network namespace):
 *   org.vps.net.ip        "ADDR/PREFIX" (IPv4, e.g. "10.88.0.5/16") or "auto":
 *                         the next free address of the gateway's subnet, leased
 *                         host-wide (netns/lease.h; freed on delete). ADDR
 *                         alone takes the gateway's /PREFIX, else the bridge's
 *                         subnet holding it, else is refused
 *   org.vps.net.bridge    host bridge, created if missing (default "vps0")
 *   org.vps.net.gateway   "GW[/PREFIX]": the bridge's own address and the VPS's
 *                         default route (default: host 1 of the VPS's subnet;
 *                         with ip=auto "10.88.0.1/16")
 *   org.vps.net.ip6       "ADDR/PREFIX" or "auto" (auto: the gateway6 prefix plus
 *                         the IPv4 lease's host number, e.g. fd00:88::5 for
 *                         10.88.0.5); no IPv6 address when absent
 *   org.vps.net.gateway6  "GW6[/PREFIX]" (default host 1 of ip6's subnet; with
 *                         ip6=auto "fd00:88::1/64")
 *   org.vps.net.mtu       576..65535 (default 1500), for both veth ends
 *   org.vps.net.nat       "true" (default) or "false": masquerade the VPS's IPv4
 *                         traffic leaving through other host interfaces
 *   org.vps.net.publish   "HOSTPORT:VPSPORT[/tcp|udp]", comma-separated:
 *                         connections to any local host address (IPv4) on
 *                         HOSTPORT go to the VPS's VPSPORT
 *   org.vps.net.dns       comma-separated nameservers for the VPS's
 *                         /etc/resolv.conf, or "none" to leave it alone
 *                         (default: the host's non-loopback nameservers)
 *   org.vps.net.host-access "true": the VPS may reach every host service
 *                         (default "false": replies, ICMP and DNS on the
 *                         gateway only; netns/guard.c)
 * NAT or publishing set the host's net.ipv4.ip_forward to 1 (never back). */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "specs/spec.h"
#include "util/err.h"

#define VPS_NET_IP	    "org.vps.net.ip"
#define VPS_NET_BRIDGE	    "org.vps.net.bridge"
#define VPS_NET_GATEWAY	    "org.vps.net.gateway"
#define VPS_NET_IP6	    "org.vps.net.ip6"
#define VPS_NET_GATEWAY6    "org.vps.net.gateway6"
#define VPS_NET_MTU	    "org.vps.net.mtu"
#define VPS_NET_NAT	    "org.vps.net.nat"
#define VPS_NET_PUBLISH	    "org.vps.net.publish"
#define VPS_NET_DNS	    "org.vps.net.dns"
#define VPS_NET_HOST_ACCESS "org.vps.net.host-access"

#define VPS_NET_IFNAME	       "eth0" /* the VPS's end of its veth pair */
#define VPS_NET_DEFAULT_BRIDGE "vps0"
#define VPS_NET_DEFAULT_GW     "10.88.0.1/16"
#define VPS_NET_DEFAULT_GW6    "fd00:88::1/64"

/* Check the annotations only (nothing touched): create calls it with the rest
 * of the spec validation so bad input fails before any host change. */
int vps_net_validate(const struct oci_spec *spec, vps_err *err);

/* No-op (returns 0, *extra = NULL) when the spec has no org.vps.net.* annotations.
 * *extra receives what teardown needs (it goes into state.json's extra["net"]):
 * {"bridge","veth","ip","gateway"[,"ip6","gateway6"],"nft_table"?,"publish"?}.
 * On failure everything done so far is undone before returning. */
int vps_net_setup(const char *state_root, const char *id, const struct oci_spec *spec,
		  pid_t init_pid, json_object **extra, vps_err *err);
/* In the container init, in the network namespace it created: set lo up. */
int vps_net_loopback_up(vps_err *err);
/* pid's network namespace (nsfd) is still as create made it for a VPS
 * without a network: lo alone and up, the kernel's addresses, routes and
 * rules only, no firewall table (netns/pristine.c). */
bool vps_net_lo_pristine(pid_t pid, int nsfd);
/* netns/netconf.c: the namespace nsfd's settings CRIU would keep (ipv4/ipv6
 * conf of all, default, lo; unix max_dgram_qlen) as {"ipv4/conf/all/X": V};
 * apply writes those that differ in the caller's namespace. */
int vps_net_conf_save(int nsfd, json_object **out, vps_err *err);
int vps_net_conf_apply(json_object *conf, vps_err *err);

/* Undo everything setup did (idempotent; extra may be NULL: then what the
 * lease file and the id-derived names say is undone). The bridge stays. */
int vps_net_teardown(const char *state_root, const char *id, json_object *extra, vps_err *err);

/* Restoring a checkpointed VPS (netns/restore.c). saved is the extra["net"]
 * of the VPS at its checkpoint (NULL: it had none). check: config.json and
 * the checkpoint agree (both or neither have the VPS network, the same
 * addresses), nothing touched; prepare checks that too, then makes the host side for id under
 * state_root with the saved addresses (config.json's must agree; "auto"
 * keeps the saved ones): bridge, leases, nft tables; *extra as setup's, with
 * the host veth's name, which must not exist yet (*extra NULL and 0 without
 * the VPS network). On failure everything done
 * is undone; for a VPS with a user namespace of its own prepare makes the veth
 * pair too (its peer "vr-ID" in the host's netns, extra's "peer"), for CRIU
 * to move in. restore_veth: CRIU's --external word for the pair
 * ("veth[eth0]:VETH@BRIDGE", or "netdev[eth0]:PEER" for a pair made here)
 * into buf, NULL when it does not fit. finish,
 * once CRIU made the pair: the host veth up on its bridge with the MTU. A
 * failure after prepare is undone by vps_net_teardown(extra). */
int vps_net_restore_check(const struct oci_spec *spec, json_object *saved, vps_err *err);
int vps_net_restore_prepare(const char *state_root, const char *id, const struct oci_spec *spec,
			    json_object *saved, json_object **extra, vps_err *err);
const char *vps_net_restore_veth(json_object *extra, char *buf, size_t size);
int vps_net_restore_finish(const struct oci_spec *spec, json_object *extra, vps_err *err);

/* Before CRIU dumps the VPS whose init is pid (netns/ping_range.c): with a
 * user namespace and a network namespace of its own, its
 * net.ipv4.ping_group_range narrowed to the host ids its groups map to where
 * it reaches beyond them (as an older vps set it), so that CRIU's restore can
 * write it back inside that user namespace; nothing changes for the VPS's
 * own groups (unchanged when it reaches no further). */
int vps_net_ping_range_fit(pid_t pid, const struct oci_linux *lx, vps_err *err);

/* Moving a VPS with its network (vps migrate; netns/migrate.c). x is the
 * VPS's extra["net"] on the source (as a checkpoint saves it).
 * host_id: this host's network ("BOOT_ID/NETNS_INODE": one lease file, one
 * set of links) into buf. migrate_check, on the destination before anything
 * is made: bridge x names is a bridge here or can be made (no other link of
 * that name, its gateways clash with nothing), the host veth's name is free,
 * x's addresses and published ports are leased to no one; when src_host is
 * this network, a lease of id under src_root (the source itself) sets
 * *handover instead. detach, on the source at freeze: its host veth off the
 * bridge (still up: the VPS sees nothing), so the frozen VPS's kernel takes
 * no packet meant for the VPS from then on. handover, on a shared network
 * just before the destination restores: the host veth parked under another
 * name ("vx-ID"), the leases released, the nft tables removed; x updated
 * (teardown of x then removes only the parked veth). reclaim, when the
 * migration is undone: the veth back under its name on the bridge, the
 * leases and nft tables again (idempotent: after detach, handover or
 * neither); x updated. announce: gratuitous ARPs out of the VPS's eth0 (init
 * pid) so that bridges learn its MAC's new port (netns/announce.c); 0 and
 * nothing sent without x. */
int vps_net_host_id(char *buf, size_t size, vps_err *err);
int vps_net_migrate_check(const char *id, json_object *x, const char *src_root,
			  const char *src_host, bool *handover, vps_err *err);
int vps_net_migrate_detach(json_object *x, vps_err *err);
int vps_net_migrate_handover(const char *state_root, const char *id, json_object *x, vps_err *err);
int vps_net_migrate_reclaim(const char *state_root, const char *id, const struct oci_spec *spec,
			    json_object *x, vps_err *err);
int vps_net_announce(pid_t pid, json_object *x, vps_err *err);

/* The VPS's addresses for `vps list` ("10.88.0.5", plus ",fd00:88::5" with IPv6)
 * from extra["net"] written into buf, or NULL when there is none. */
const char *vps_net_address(json_object *net_extra, char *buf, size_t size);

/* `vps net ls`: what vps has on this host (the current netns) as JSON:
 * {"bridges":[{"name","up","addresses":["10.88.0.1/16",..],"ports":N}],
 *  "leases":[{"id","bridge","address"}], "nft_tables":["vps-ID",..]}.
 * Bridges listed: the default one and every bridge a lease names, if present. */
int vps_net_list(const char *state_root, json_object **out, vps_err *err);
/* `vps net rm BRIDGE`: delete a bridge no lease refers to and no link uses. */
int vps_net_bridge_remove(const char *state_root, const char *bridge, vps_err *err);
