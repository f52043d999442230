/* Internal to netns/: the address leases of every VPS under one state root, in
 * ROOT/@net/leases ("ID BRIDGE ADDR/PREFIX" lines; '@' can never start a
 * container id, so the directory never looks like a container). Every read-
 * modify-write happens under flock(ROOT/@net/lock). */
#pragma once
#include <net/if.h>
#include <stdbool.h>

#include "netns/ip.h"

struct vps_lease {
	char *id;
	char bridge[IFNAMSIZ];
	struct vps_ip ip;
};

struct vps_leases {
	struct vps_lease *v;
	size_t n;
};

#define VPS_NET_DIR "@net"

/* Lock (creating ROOT/@net when create is set). Returns the lock fd, or
 * -ENOENT when !create and nothing was ever leased. */
int vps_lease_lock(const char *root, bool create, vps_err *err);
int vps_leases_load(const char *root, struct vps_leases *l, vps_err *err);
int vps_leases_save(const char *root, const struct vps_leases *l, vps_err *err);
void vps_leases_free(struct vps_leases *l);

/* Under the lock: lease want (an address, or want->family 0 for the next free
 * one in gw's subnet) to id on bridge. A lease id already held is replaced.
 * -EADDRINUSE names the holder; -ENOSPC when the subnet is full. */
int vps_lease_take(const char *root, const char *id, const char *bridge, const struct vps_ip *want,
		   const struct vps_ip *gw, struct vps_ip *got, vps_err *err);
/* Under the lock: drop id's lease; *had tells whether there was one. */
int vps_lease_release(const char *root, const char *id, bool *had, vps_err *err);
