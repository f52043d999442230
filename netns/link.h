/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to netns/: links (generic), veth pairs, bridges, addresses, routes. */
#pragma once
#include <stdbool.h>

#include "netns/ip.h"
#include "netns/nl.h"

/* ifindex of NAME (> 0), or -ENODEV. */
int vps_link_index(struct vps_nl *nl, const char *name);
/* Change a link: up (if up), mtu (if > 0), master (if > 0). Returns -errno. */
int vps_link_set(struct vps_nl *nl, int ifindex, bool up, unsigned mtu, int master);
/* Take ifindex off its bridge (IFLA_MASTER 0), and down too when down is set
 * (a rename needs it). Returns -errno. */
int vps_link_unbridge(struct vps_nl *nl, int ifindex, bool down);
/* Rename ifindex (down) to name; -EEXIST when name is taken. Returns -errno. */
int vps_link_rename(struct vps_nl *nl, int ifindex, const char *name);
/* Delete link NAME; a missing link is success. Returns -errno. */
int vps_link_del(struct vps_nl *nl, const char *name);

/* A veth pair: host_name stays here; the peer is created directly inside the
 * netns peer_netns_fd under peer_name (so it never exists on the host), with
 * the MAC address peer_mac. Returns -errno (-EEXIST when host_name is taken). */
int vps_veth_create(struct vps_nl *nl, const char *host_name, const char *peer_name,
		    int peer_netns_fd, unsigned mtu, const unsigned char peer_mac[6]);

/* Create bridge NAME (if missing): returns its ifindex, *created tells whether
 * this call made it (a concurrent creator's EEXIST counts as reuse).
 * -EMEDIUMTYPE when NAME exists but is not a bridge. */
int vps_bridge_ensure(struct vps_nl *nl, const char *name, unsigned mtu, bool *created);

/* Add ip (with its prefix) to ifindex; EEXIST counts as success when
 * ok_exists. IPv6 addresses skip duplicate address detection. */
int vps_addr_add(struct vps_nl *nl, int ifindex, const struct vps_ip *ip, bool ok_exists);
/* Call cb for each address on ifindex (0: all links). */
typedef void (*vps_addr_cb)(int ifindex, const struct vps_ip *ip, void *data);
int vps_addr_list(struct vps_nl *nl, int ifindex, vps_addr_cb cb, void *data);

/* Default route (0.0.0.0/0 or ::/0) via gw out of ifindex. */
int vps_route_default(struct vps_nl *nl, int ifindex, const struct vps_ip *gw);

/* Every link of kind "bridge": cb(ifindex, name, up, number of ports). */
typedef void (*vps_bridge_cb)(int ifindex, const char *name, bool up, void *data);
int vps_bridge_list(struct vps_nl *nl, vps_bridge_cb cb, void *data);
/* ifindex of bridge NAME, -EMEDIUMTYPE when NAME is another kind of link,
 * -ENODEV when there is no such link. */
int vps_bridge_find(struct vps_nl *nl, const char *name);
/* Number of links enslaved to the bridge ifindex. */
int vps_bridge_ports(struct vps_nl *nl, int ifindex);
