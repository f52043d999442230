/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether a network namespace without a network is still as create made it:
 * lo alone, up, with the kernel's addresses (127.0.0.1/8, ::1/128), only the
 * kernel's routes and rules (protocol "kernel" in every table) and no
 * firewall (no nftables table, no legacy iptables table). Such a namespace
 * holds nothing a new one with lo up lacks (its sysctls aside), so vps
 * migrate makes it anew instead of having criu save and restore it
 * (runtime/criu_netns.c). Read through netlink sockets opened inside it and
 * its /proc/PID/net: no exec, a few ms. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "netns/net.h"
#include "netns/nl.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* a dump's messages, each judged by the callback: *bad on the first odd one */
struct judge {
	int msgs;
	bool bad;
};

static int attr_u8(const struct nlmsghdr *nlh, size_t hdrlen, uint16_t type, int *out)
{
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, hdrlen)
	{
		if (mnl_attr_get_type(a) == type && mnl_attr_get_payload_len(a) >= 1) {
			*out = mnl_attr_get_u8(a);
			return 0;
		}
	}
	return -1;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct judge *j = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	bool lo = false;
	uint32_t mtu = 0;
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) == IFLA_IFNAME)
			lo = strcmp(mnl_attr_get_str(a), "lo") == 0;
		else if (mnl_attr_get_type(a) == IFLA_MTU)
			mtu = mnl_attr_get_u32(a);
	}
	j->msgs++;
	j->bad = j->bad || !lo || !(ifi->ifi_flags & IFF_UP) || mtu != 65536;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct judge *j = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	bool kernels = false;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
	{
		if (mnl_attr_get_type(a) != IFA_ADDRESS)
			continue;
		static const struct in6_addr one6 = IN6ADDR_LOOPBACK_INIT;
		uint32_t one4 = htonl(INADDR_LOOPBACK);
		const void *p = mnl_attr_get_payload(a);
		kernels = (ifa->ifa_family == AF_INET && ifa->ifa_prefixlen == 8 &&
			   mnl_attr_get_payload_len(a) == 4 && memcmp(p, &one4, 4) == 0) ||
			  (ifa->ifa_family == AF_INET6 && ifa->ifa_prefixlen == 128 &&
			   mnl_attr_get_payload_len(a) == 16 && memcmp(p, &one6, 16) == 0);
	}
	j->msgs++;
	j->bad = j->bad || !kernels;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct judge *j = data;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);
	j->msgs++;
	j->bad = j->bad || rt->rtm_protocol != RTPROT_KERNEL;
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct judge *j = data;
	int proto = -1;
	attr_u8(nlh, sizeof(struct fib_rule_hdr), FRA_PROTOCOL, &proto);
	j->msgs++;
	j->bad = j->bad || proto != RTPROT_KERNEL;
	return MNL_CB_OK;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct judge *)data)->msgs++;
	return MNL_CB_OK;
}

/* one dump of type (AF_UNSPEC) judged by cb: 0 when nothing was odd */
static int dump(struct vps_nl *nl, uint16_t type, size_t hdrlen, mnl_cb_t cb)
{
	struct judge j = {0};
	struct nlmsghdr *nlh = vps_nl_req(nl, type, NLM_F_DUMP, hdrlen);
	int r = vps_nl_talk(nl, nlh, cb, &j);
	return r < 0 ? r : j.bad || j.msgs == 0 ? -EEXIST : 0;
}

/* no nftables table (iptables-nft's rules live in one) */
static int nft_tables(int nsfd)
{
	struct vps_nl nl;
	vps_err e;
	struct judge j = {0};
	int r = vps_nl_open_proto(&nl, nsfd, NETLINK_NETFILTER, &e);
	if (r < 0)
		return r;
	struct nlmsghdr *nlh = vps_nl_req(&nl, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE,
					  NLM_F_DUMP, sizeof(struct nfgenmsg));
	struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	r = vps_nl_talk(&nl, nlh, count_cb, &j);
	vps_nl_close(&nl);
	return r < 0 ? r : j.msgs;
}

/* no legacy x_tables table in pid's namespace (a missing file: none loaded) */
static bool no_legacy_tables(pid_t pid)
{
	static const char *const names[] = {"ip_tables_names", "ip6_tables_names",
					    "arp_tables_names"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char path[96], c;
		if (vps_snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid, names[i]) < 0)
			return false;
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, &c, 1) != 0)
			return false;
	}
	return true;
}

bool vps_net_lo_pristine(pid_t pid, int nsfd)
{
	struct vps_nl nl;
	vps_err e;
	if (!no_legacy_tables(pid) || nft_tables(nsfd) != 0 || vps_nl_open(&nl, nsfd, &e) < 0)
		return false;
	bool ok = dump(&nl, RTM_GETLINK, sizeof(struct ifinfomsg), link_cb) == 0 &&
		  dump(&nl, RTM_GETADDR, sizeof(struct ifaddrmsg), addr_cb) == 0 &&
		  dump(&nl, RTM_GETROUTE, sizeof(struct rtmsg), route_cb) == 0 &&
		  dump(&nl, RTM_GETRULE, sizeof(struct fib_rule_hdr), rule_cb) == 0;
	vps_nl_close(&nl);
	return ok;
}
