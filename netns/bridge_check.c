/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Before the bridge is touched: an address given without /LEN takes the prefix
 * of the bridge's address whose subnet holds it (never a made-up one), and a
 * gateway that clashes with what the bridge or another interface already has
 * is refused instead of being added next to it. */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "netns/link.h"
#include "netns/net.h"
#include "netns/setup.h"

#define MAX_ADDRS 512

struct addrs {
	struct vps_ip v[MAX_ADDRS];
	int ifindex[MAX_ADDRS];
	size_t n;
};

static void collect(int ifindex, const struct vps_ip *ip, void *data)
{
	struct addrs *a = data;
	bool link_local = ip->family == AF_INET6 && ip->a[0] == 0xfe && (ip->a[1] & 0xc0) == 0x80;
	if (link_local || a->n >= MAX_ADDRS)
		return;
	a->v[a->n] = *ip;
	a->ifindex[a->n++] = ifindex;
}

static const char *fam(const struct vps_ip *ip)
{
	return ip->family == AF_INET ? "IPv4" : "IPv6";
}

static int resolve(const struct addrs *a, int br, const char *bridge, const char *key,
		   struct vps_ip *ip, struct vps_ip *gw, vps_err *err)
{
	char s[VPS_IP_STRLEN];
	for (size_t i = 0; br > 0 && i < a->n; i++) {
		const struct vps_ip *b = &a->v[i];
		if (a->ifindex[i] != br || !vps_ip_same_net(b, ip, b->prefix))
			continue;
		ip->prefix = b->prefix;
		if (gw->family) /* given without /LEN */
			gw->prefix = b->prefix;
		else
			*gw = *b;
		return vps_net_check_pair(key, ip, gw, err);
	}
	return vps_errorx(err, EINVAL,
			  "%s: %s has no /LEN and bridge %s %s: give ADDR/LEN (or a gateway "
			  "with /LEN)",
			  key, vps_ip_str(ip, false, s), bridge,
			  br > 0 ? (ip->family == AF_INET ? "has no IPv4 subnet holding it"
							  : "has no IPv6 subnet holding it")
				 : "does not exist yet");
}

static int conflicts(const struct addrs *a, int br, const char *bridge, const struct vps_ip *gw,
		     vps_err *err)
{
	char s[VPS_IP_STRLEN], g[VPS_IP_STRLEN], name[IF_NAMESIZE];
	for (size_t i = 0; i < a->n; i++) {
		const struct vps_ip *b = &a->v[i];
		if (b->family != gw->family)
			continue;
		if (a->ifindex[i] != br && vps_ip_equal(b, gw))
			return vps_errorx(
			    err, EADDRINUSE, "gateway %s is already an address of interface %s",
			    vps_ip_str(gw, false, g),
			    if_indextoname((unsigned)a->ifindex[i], name) ? name : "(unknown)");
		unsigned p = b->prefix < gw->prefix ? b->prefix : gw->prefix;
		if (a->ifindex[i] == br && vps_ip_same_net(b, gw, p) &&
		    !(vps_ip_equal(b, gw) && b->prefix == gw->prefix))
			return vps_errorx(
			    err, EADDRINUSE,
			    "bridge %s has %s %s, which conflicts with the gateway %s", bridge,
			    fam(b), vps_ip_str(b, true, s), vps_ip_str(gw, true, g));
	}
	return 0;
}

int vps_net_bridge_check(struct vps_nl *nl, struct vps_net_cfg *c, vps_err *err)
{
	struct addrs a = {0};
	int br = vps_bridge_find(nl, c->bridge), r;
	if (br == -EMEDIUMTYPE)
		return vps_errorx(err, EEXIST, "%s exists and is not a bridge", c->bridge);
	if (br == -ENODEV)
		br = 0; /* vps_bridge_ensure creates it */
	else if (br < 0)
		return vps_error(err, -br, "bridge %s", c->bridge);
	if ((r = vps_addr_list(nl, 0, collect, &a)) < 0)
		return vps_error(err, -r, "list the host's addresses");
	if ((c->ip_nolen &&
	     (r = resolve(&a, br, c->bridge, VPS_NET_IP, &c->ip, &c->gw, err)) < 0) ||
	    (c->ip6_nolen &&
	     (r = resolve(&a, br, c->bridge, VPS_NET_IP6, &c->ip6, &c->gw6, err)) < 0))
		return r;
	if ((r = conflicts(&a, br, c->bridge, &c->gw, err)) < 0 ||
	    ((c->ip6.family || c->ip6_auto) &&
	     (r = conflicts(&a, br, c->bridge, &c->gw6, err)) < 0))
		return r;
	return 0;
}
