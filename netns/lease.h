/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to netns/: what every VPS holds on the host's bridges, host-wide
 * (not per state root: two roots sharing a bridge must not hand out the same
 * address). One file per network namespace, because bridges and ports are per
 * netns: VPS_NET_LEASE_DIR/leases-NETNSINODE, lines
 *   "ID BRIDGE ADDR/PREFIX ROOT"  an IPv4 or IPv6 address on BRIDGE
 *   "ID - PORT/PROTO ROOT"        a published host port
 * where ROOT is the holder's state root (canonical path). Every read-modify-
 * write happens under flock(VPS_NET_LEASE_DIR/lock); an empty file is removed. */
#pragma once
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "netns/config.h"
#include "netns/ip.h"

struct vps_lease {
	char *id, *root;
	char bridge[IFNAMSIZ]; /* "-" for a port */
	struct vps_ip ip;      /* family 0 for a port */
	uint16_t port;
	bool udp;
};

struct vps_leases {
	struct vps_lease *v;
	size_t n;
};

/* '@' never starts a container id, so under the default root it never looks
 * like a container. */
#define VPS_NET_LEASE_DIR "/run/vps/@net"

/* The holder of a lease: a VPS id under a state root. */
struct vps_lease_owner {
	const char *root, *id;
};

/* o for id under root (canonical when it exists; buf: PATH_MAX bytes). */
void vps_lease_owner_init(struct vps_lease_owner *o, char *buf, const char *root, const char *id);

/* Lock (creating the directory when create is set). Returns the lock fd, or
 * -ENOENT when !create and nothing was ever leased. */
int vps_lease_lock(bool create, vps_err *err);
int vps_leases_load(struct vps_leases *l, vps_err *err);
int vps_leases_save(const struct vps_leases *l, vps_err *err);
void vps_leases_free(struct vps_leases *l);
bool vps_lease_owned(const struct vps_lease *e, const struct vps_lease_owner *o);
/* "ID" or "ID (state root ROOT)" when ROOT is not o's: who holds a lease. */
void vps_lease_holder_str(const struct vps_lease *e, const struct vps_lease_owner *o, char *buf,
			  size_t size);

/* Under the lock: everything c asks for on c->bridge, for o: the IPv4 address
 * (c->ip, or the next free one in c->gw's subnet when c->ip_auto), the IPv6
 * address (c->ip6; with ip6_auto derived from the IPv4 host number) and the
 * published ports. What o held before is replaced. -EADDRINUSE names the
 * holder; -ENOSPC when the subnet is full. */
int vps_lease_take(const struct vps_lease_owner *o, struct vps_net_cfg *c, vps_err *err);
/* Under the lock: drop o's leases; *had tells whether there were any. */
int vps_lease_release(const struct vps_lease_owner *o, bool *had, vps_err *err);
