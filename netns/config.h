/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to netns/: the network configuration of one VPS, read from the
 * bundle's org.vps.net.* annotations (documented in netns/net.h). */
#pragma once
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "netns/ip.h"
#include "specs/spec.h"

#define VPS_NET_MAX_PORTS 64
#define VPS_NET_MAX_DNS	  3

struct vps_net_port {
	uint16_t host, vps;
	bool udp;
};

struct vps_net_cfg {
	bool enabled; /* org.vps.net.ip present */
	bool ip_auto, ip6_auto;
	bool ip_nolen, ip6_nolen; /* no /LEN given anywhere: the bridge's prefix */
	bool host_access;	  /* org.vps.net.host-access: reach every host service */
	struct vps_ip ip, gw;	  /* gw: the bridge's address with the subnet prefix */
	struct vps_ip ip6, gw6;	  /* family 0: no IPv6 */
	char bridge[IFNAMSIZ];
	unsigned mtu;
	bool nat;
	struct vps_net_port ports[VPS_NET_MAX_PORTS];
	unsigned n_ports;
	bool dns_set; /* org.vps.net.dns given ("none": n_dns 0) */
	struct vps_ip dns[VPS_NET_MAX_DNS];
	unsigned n_dns;
};

/* Parse and validate; errors name the annotation: `org.vps.net.ip: ...`. */
int vps_net_config(const struct oci_spec *spec, struct vps_net_cfg *cfg, vps_err *err);
/* ip must be a VPS address in gw's subnet (same prefix); errors name ip_key. */
int vps_net_check_pair(const char *ip_key, const struct vps_ip *ip, const struct vps_ip *gw,
		       vps_err *err);
/* "8080:80/tcp" */
void vps_net_port_str(const struct vps_net_port *p, char *buf, size_t size);
