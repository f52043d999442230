/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interface addresses (IPv4 and IPv6) over rtnetlink. */
#include <errno.h>
#include <linux/if_addr.h>
#include <string.h>

#include "netns/link.h"

int vps_addr_add(struct vps_nl *nl, int ifindex, const struct vps_ip *ip, bool ok_exists)
{
	struct nlmsghdr *nlh =
	    vps_nl_req(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (unsigned char)ip->family;
	ifa->ifa_prefixlen = (unsigned char)ip->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, vps_ip_len(ip), ip->a);
	mnl_attr_put(nlh, IFA_ADDRESS, vps_ip_len(ip), ip->a);
	if (ip->family == AF_INET6) {
		/* no DAD: the address is usable at once and the link is ours */
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	int r = vps_nl_talk(nl, nlh, NULL, NULL);
	return r == -EEXIST && ok_exists ? 0 : r;
}

struct walk {
	int ifindex;
	vps_addr_cb cb;
	void *data;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	if (mnl_attr_get_type(a) == IFA_LOCAL || mnl_attr_get_type(a) == IFA_ADDRESS)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if (w->ifindex && (int)ifa->ifa_index != w->ifindex)
		return MNL_CB_OK;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	const struct nlattr *tb[IFA_MAX + 1] = {0};
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, tb);
	const struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	struct vps_ip ip = {.family = ifa->ifa_family, .prefix = ifa->ifa_prefixlen};
	if (!a || mnl_attr_get_payload_len(a) != vps_ip_len(&ip))
		return MNL_CB_OK;
	memcpy(ip.a, mnl_attr_get_payload(a), vps_ip_len(&ip));
	w->cb((int)ifa->ifa_index, &ip, w->data);
	return MNL_CB_OK;
}

int vps_addr_list(struct vps_nl *nl, int ifindex, vps_addr_cb cb, void *data)
{
	struct walk w = {.ifindex = ifindex, .cb = cb, .data = data};
	struct nlmsghdr *nlh = vps_nl_req(nl, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_family = AF_UNSPEC;
	return vps_nl_talk(nl, nlh, dump_cb, &w);
}
