/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bridges: create-or-reuse, list, count ports. */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "netns/link.h"

struct find {
	const char *name;
	int ifindex;
};

static void find_cb(int ifindex, const char *name, bool up, void *data)
{
	(void)up;
	struct find *f = data;
	if (strcmp(name, f->name) == 0)
		f->ifindex = ifindex;
}

int vps_bridge_find(struct vps_nl *nl, const char *name)
{
	int idx = vps_link_index(nl, name);
	if (idx < 0)
		return idx;
	struct find f = {.name = name, .ifindex = -EMEDIUMTYPE};
	int r = vps_bridge_list(nl, find_cb, &f);
	return r < 0 ? r : f.ifindex;
}

int vps_bridge_ensure(struct vps_nl *nl, const char *name, unsigned mtu, bool *created)
{
	*created = false;
	int idx = vps_bridge_find(nl, name);
	if (idx != -ENODEV)
		return idx;
	struct nlmsghdr *nlh =
	    vps_nl_req(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	int r = vps_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0 && r != -EEXIST)
		return r;
	*created = r == 0;
	return vps_link_index(nl, name);
}

struct walk {
	vps_bridge_cb cb;
	void *data;
	int master, count;
};

static int kind_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) >= 0)
		*(const char **)data = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

struct link_attrs {
	const char *name, *kind;
	int master;
};

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_attrs *la = data;
	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_STRING) >= 0)
			la->name = mnl_attr_get_str(a);
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			la->master = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, kind_cb, &la->kind);
		break;
	}
	return MNL_CB_OK;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_attrs la = {0};
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &la);
	if (w->cb && la.kind && la.name && strcmp(la.kind, "bridge") == 0)
		w->cb(ifi->ifi_index, la.name, ifi->ifi_flags & IFF_UP, w->data);
	if (w->master && la.master == w->master)
		w->count++;
	return MNL_CB_OK;
}

static int dump(struct vps_nl *nl, struct walk *w)
{
	struct nlmsghdr *nlh = vps_nl_req(nl, RTM_GETLINK, NLM_F_DUMP, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family = AF_UNSPEC;
	return vps_nl_talk(nl, nlh, dump_cb, w);
}

int vps_bridge_list(struct vps_nl *nl, vps_bridge_cb cb, void *data)
{
	struct walk w = {.cb = cb, .data = data};
	return dump(nl, &w);
}

int vps_bridge_ports(struct vps_nl *nl, int ifindex)
{
	struct walk w = {.master = ifindex};
	int r = dump(nl, &w);
	return r < 0 ? r : w.count;
}
