/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Routes: the container's default route through the bridge's gateway. */
#include <errno.h>

#include "netns/link.h"

int vps_route_default(struct vps_nl *nl, int ifindex, const struct vps_ip *gw)
{
	struct nlmsghdr *nlh =
	    vps_nl_req(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (unsigned char)gw->family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, vps_ip_len(gw), gw->a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return vps_nl_talk(nl, nlh, NULL, NULL);
}
