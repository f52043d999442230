/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generic link operations over rtnetlink: look up, change, delete. */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "netns/link.h"

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index;
	return MNL_CB_OK;
}

int vps_link_index(struct vps_nl *nl, const char *name)
{
	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	struct nlmsghdr *nlh = vps_nl_req(nl, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	int index = -ENODEV;
	int r = vps_nl_talk(nl, nlh, index_cb, &index);
	return r < 0 ? r : index;
}

int vps_link_set(struct vps_nl *nl, int ifindex, bool up, unsigned mtu, int master)
{
	struct nlmsghdr *nlh = vps_nl_req(nl, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return vps_nl_talk(nl, nlh, NULL, NULL);
}

int vps_link_unbridge(struct vps_nl *nl, int ifindex, bool down)
{
	struct nlmsghdr *nlh = vps_nl_req(nl, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (down)
		ifi->ifi_change = IFF_UP; /* flags 0: down */
	mnl_attr_put_u32(nlh, IFLA_MASTER, 0);
	return vps_nl_talk(nl, nlh, NULL, NULL);
}

int vps_link_rename(struct vps_nl *nl, int ifindex, const char *name)
{
	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	struct nlmsghdr *nlh = vps_nl_req(nl, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return vps_nl_talk(nl, nlh, NULL, NULL);
}

int vps_link_del(struct vps_nl *nl, const char *name)
{
	struct nlmsghdr *nlh = vps_nl_req(nl, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	int r = vps_nl_talk(nl, nlh, NULL, NULL);
	return r == -ENODEV ? 0 : r;
}
