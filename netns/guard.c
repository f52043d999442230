/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-VPS filter rules (nft text for vps_nat_apply's transaction):
 * - bridge family, prerouting: what enters the bridge from the VPS's host veth
 *   must carry its MAC and its addresses (ether, ARP, IPv4, IPv6 and neighbour
 *   advertisements), and be IPv4, ARP or IPv6 at all: no neighbour poisoning,
 *   no spoofed source addresses, no VLAN tags;
 * - inet family, input: what the VPS (its MAC, on the bridge) may reach on the
 *   host itself: replies, ICMP and DNS on the gateway; everything else to a
 *   host address is dropped unless org.vps.net.host-access is "true". */
#include <stdio.h>

#include "netns/setup.h"
#include "util/fmt.h"

static void hex(FILE *f, const unsigned char *b, unsigned n)
{
	fputs("0x", f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

static void spoof_rules(FILE *f, const char *t, const char *veth, const struct vps_net_cfg *c,
			const char *mac)
{
	char a[VPS_IP_STRLEN], a6[VPS_IP_STRLEN];
	const char *pre = "add rule bridge";
	fprintf(f, "add table bridge %s\n", t);
	fprintf(f, "add chain bridge %s spoof { type filter hook prerouting priority -200; }\n", t);
	fprintf(f, "%s %s spoof iifname \"%s\" ether saddr != %s drop\n", pre, t, veth, mac);
	fprintf(f, "%s %s spoof iifname \"%s\" ether type != { ip, arp, ip6 } drop\n", pre, t,
		veth);
	fprintf(f, "%s %s spoof iifname \"%s\" arp saddr ether != %s drop\n", pre, t, veth, mac);
	fprintf(f, "%s %s spoof iifname \"%s\" arp saddr ip != %s drop\n", pre, t, veth,
		vps_ip_str(&c->ip, false, a));
	fprintf(f, "%s %s spoof iifname \"%s\" ip saddr != %s drop\n", pre, t, veth, a);
	/* "::" is duplicate address detection; link-local is the kernel's own */
	fprintf(f, "%s %s spoof iifname \"%s\" ip6 saddr != { ::, fe80::/10%s%s } drop\n", pre, t,
		veth, c->ip6.family ? ", " : "",
		c->ip6.family ? vps_ip_str(&c->ip6, false, a6) : "");
	unsigned bytes = c->gw6.prefix / 8;
	if (!c->ip6.family || !bytes)
		return;
	/* an advertisement for another address of the subnet: poisoning */
	fprintf(f, "%s %s spoof iifname \"%s\" icmpv6 type nd-neighbor-advert @th,64,%u ", pre, t,
		veth, bytes * 8);
	hex(f, c->gw6.a, bytes);
	fputs(" @th,64,128 != ", f);
	hex(f, c->ip6.a, 16);
	fputs(" drop\n", f);
}

static void input_rules(FILE *f, const char *t, const struct vps_net_cfg *c, const char *mac)
{
	char g[VPS_IP_STRLEN];
	char who[64];
	/* fits: a bridge name and a MAC in 64 */
	vps_snprintf(who, sizeof(who), "iifname \"%s\" ether saddr %s", c->bridge, mac);
	fprintf(f, "add chain inet %s host { type filter hook input priority -10; }\n", t);
	fprintf(f, "add rule inet %s host %s ct state established,related accept\n", t, who);
	fprintf(f, "add rule inet %s host %s meta l4proto { icmp, ipv6-icmp } accept\n", t, who);
	fprintf(
	    f,
	    "add rule inet %s host %s ip daddr %s meta l4proto { tcp, udp } th dport 53 accept\n",
	    t, who, vps_ip_str(&c->gw, false, g));
	if (c->ip6.family)
		fprintf(
		    f,
		    "add rule inet %s host %s ip6 daddr %s meta l4proto { tcp, udp } th dport 53 "
		    "accept\n",
		    t, who, vps_ip_str(&c->gw6, false, g));
	if (!c->host_access)
		fprintf(f, "add rule inet %s host %s drop\n", t, who);
}

void vps_guard_rules(FILE *f, const char *t, const char *veth, const struct vps_net_cfg *c)
{
	unsigned char m[6];
	char mac[18];
	vps_net_mac(&c->ip, m);
	/* fits: a MAC in 18 */
	vps_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		     m[4], m[5]);
	spoof_rules(f, t, veth, c, mac);
	input_rules(f, t, c, mac);
}
