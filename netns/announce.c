/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPS says where it is now: gratuitous ARP requests (sender and target
 * its IPv4 address, to the broadcast address) sent out of its eth0 from
 * inside its network namespace, as QEMU announces a migrated guest. Every
 * bridge and switch between here and the VPS's peers learns its MAC on the
 * new port at once, instead of sending to the old host until the VPS itself
 * happens to talk (a TCP peer waiting for an answer would wait for ever). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "netns/ip.h"
#include "netns/net.h"
#include "netns/nl.h"
#include "util/cleanup.h"
#include "util/fmt.h"

#define ANNOUNCE_COUNT 3

static int announce_on(int fd, const struct vps_ip *ip, vps_err *err)
{
	struct ifreq ifr = {0};
	memcpy(ifr.ifr_name, VPS_NET_IFNAME, sizeof(VPS_NET_IFNAME));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return vps_error(err, errno, "the VPS's %s", VPS_NET_IFNAME);
	struct ether_arp a = {.arp_hrd = htons(ARPHRD_ETHER),
			      .arp_pro = htons(ETHERTYPE_IP),
			      .arp_hln = ETH_ALEN,
			      .arp_pln = 4,
			      .arp_op = htons(ARPOP_REQUEST)};
	memcpy(a.arp_sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	memcpy(a.arp_spa, ip->a, 4);
	memcpy(a.arp_tpa, ip->a, 4);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		return vps_error(err, errno, "the VPS's %s", VPS_NET_IFNAME);
	struct sockaddr_ll to = {.sll_family = AF_PACKET,
				 .sll_protocol = htons(ETH_P_ARP),
				 .sll_ifindex = ifr.ifr_ifindex,
				 .sll_halen = ETH_ALEN};
	memset(to.sll_addr, 0xff, ETH_ALEN);
	for (int i = 0; i < ANNOUNCE_COUNT; i++)
		if (sendto(fd, &a, sizeof(a), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			return vps_error(err, errno, "send a gratuitous ARP on the VPS's %s",
					 VPS_NET_IFNAME);
	return 0;
}

int vps_net_announce(pid_t pid, json_object *x, vps_err *err)
{
	json_object *v;
	struct vps_ip ip;
	if (!x || !json_object_object_get_ex(x, "ip", &v))
		return 0; /* no VPS network */
	if (vps_ip_parse(json_object_get_string(v), AF_INET, 0, &ip, "ip", err) < 0)
		return vps_error_wrap(err, "the VPS's network record");
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "ns/net");
	_cleanup_close_ int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return vps_error(err, errno, "open %s", path);
	_cleanup_close_ int fd = vps_netns_socket(ns, AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP), err);
	return fd < 0 ? fd : announce_on(fd, &ip, err);
}
