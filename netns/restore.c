/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPS network of a restored checkpoint (vps restore, runtime/restore.c).
 * CRIU brings back the VPS's own network namespace (eth0 with its MAC,
 * addresses, routes) and makes the veth pair anew: its host end is the
 * external CRIU is told about (--external veth[eth0]:VETH@BRIDGE). What lies
 * on the host is made here, for the addresses the image holds rather than
 * fresh ones (an "auto" address keeps what the VPS had): bridge, leases, nft
 * tables before CRIU runs, the host end's MTU after. Names follow the id the
 * VPS is restored as, so a restore under another id or state root works. */
#include <errno.h>
#include <string.h>

#include "netns/lease.h"
#include "netns/link.h"
#include "netns/net.h"
#include "netns/setup.h"
#include "util/fmt.h"

static const char *get(json_object *x, const char *key)
{
	json_object *v;
	return x && json_object_object_get_ex(x, key, &v) ? json_object_get_string(v) : NULL;
}

/* One saved address (key) against what config.json asks for: a definite
 * value there must be the saved one; then the saved one is used. */
static int adopt_one(json_object *saved, const char *key, const char *ann, int family,
		     bool definite, struct vps_ip *cfg, vps_err *err)
{
	const char *s = get(saved, key);
	struct vps_ip ip;
	char a[VPS_IP_STRLEN], b[VPS_IP_STRLEN];
	if (!s)
		return vps_errorx(err, EINVAL, "the checkpoint's network record has no %s", key);
	if (vps_ip_parse(s, family, 0, &ip, key, err) < 0)
		return vps_error_wrap(err, "the checkpoint's network record");
	if (definite && cfg->family && !(vps_ip_equal(cfg, &ip) && cfg->prefix == ip.prefix))
		return vps_errorx(err, EINVAL,
				  "config.json: %s is %s but the checkpointed VPS has %s %s", ann,
				  vps_ip_str(cfg, true, a), key, vps_ip_str(&ip, true, b));
	*cfg = ip;
	return 0;
}

/* c as config.json says, with the addresses the checkpointed VPS has. */
static int adopt(struct vps_net_cfg *c, json_object *saved, vps_err *err)
{
	bool v6 = get(saved, "ip6") != NULL, want6 = c->ip6.family || c->ip6_auto;
	int r;
	if ((r = adopt_one(saved, "ip", VPS_NET_IP, AF_INET, !c->ip_auto && !c->ip_nolen, &c->ip,
			   err)) < 0 ||
	    (r = adopt_one(saved, "gateway", VPS_NET_GATEWAY, AF_INET, !c->ip_nolen, &c->gw, err)) <
		0)
		return r;
	c->ip_auto = c->ip_nolen = false;
	if (v6 != want6)
		return vps_errorx(
		    err, EINVAL, "config.json: %s but the checkpointed VPS has %s IPv6 address",
		    want6 ? VPS_NET_IP6 " is set" : "no " VPS_NET_IP6, v6 ? "an" : "no");
	if (v6 && ((r = adopt_one(saved, "ip6", VPS_NET_IP6, AF_INET6,
				  !c->ip6_auto && !c->ip6_nolen, &c->ip6, err)) < 0 ||
		   (r = adopt_one(saved, "gateway6", VPS_NET_GATEWAY6, AF_INET6, !c->ip6_nolen,
				  &c->gw6, err)) < 0))
		return r;
	c->ip6_auto = c->ip6_nolen = false;
	return 0;
}

static int prepare(const struct vps_lease_owner *o, struct vps_net_cfg *c, json_object *x,
		   void *arg, vps_err *err)
{
	(void)arg;
	struct vps_nl nl;
	char veth[IFNAMSIZ];
	int br, r = vps_nl_open(&nl, -1, err);
	if (r < 0)
		return r;
	vps_net_veth_name(o->id, veth);
	if ((r = vps_net_host_side(o, c, &nl, x, &br, err)) == 0) {
		if (vps_link_index(&nl, veth) > 0)
			r = vps_errorx(err, EEXIST, "host veth %s exists already", veth);
		else
			vps_net_put_str(x, "veth", veth);
	}
	vps_nl_close(&nl);
	return r < 0 ? r : vps_net_host_rules(o->id, veth, c, x, err);
}

int vps_net_restore_config(const struct oci_spec *spec, json_object *saved, struct vps_net_cfg *c,
			   vps_err *err)
{
	int r = vps_net_validate(spec, err);
	if (r < 0 || (r = vps_net_config(spec, c, err)) < 0)
		return r;
	if (!c->enabled && !saved)
		return 0;
	if (!c->enabled || !saved)
		return vps_errorx(err, EINVAL,
				  c->enabled
				      ? "config.json asks for the VPS network (%s) but the "
					"checkpoint has none"
				      : "the checkpoint has the VPS network but config.json has "
					"no %s",
				  VPS_NET_IP);
	return adopt(c, saved, err);
}

int vps_net_restore_check(const struct oci_spec *spec, json_object *saved, vps_err *err)
{
	struct vps_net_cfg c;
	return vps_net_restore_config(spec, saved, &c, err);
}

int vps_net_restore_prepare(const char *root, const char *id, const struct oci_spec *spec,
			    json_object *saved, json_object **extra, vps_err *err)
{
	struct vps_net_cfg c;
	*extra = NULL;
	int r = vps_net_restore_config(spec, saved, &c, err);
	if (r < 0 || !c.enabled)
		return r;
	return vps_net_build(root, id, &c, prepare, NULL, extra, err);
}

const char *vps_net_restore_veth(json_object *extra, char *buf, size_t size)
{
	const char *veth = get(extra, "veth"), *br = get(extra, "bridge");
	if (!veth || !br || vps_snprintf(buf, size, "veth[%s]:%s@%s", VPS_NET_IFNAME, veth, br) < 0)
		return NULL;
	return buf;
}

int vps_net_restore_finish(const struct oci_spec *spec, json_object *extra, vps_err *err)
{
	struct vps_net_cfg c;
	struct vps_nl nl;
	const char *veth = get(extra, "veth"), *bridge = get(extra, "bridge");
	int r = vps_net_config(spec, &c, err);
	if (r < 0 || (r = vps_nl_open(&nl, -1, err)) < 0)
		return r;
	int idx = veth ? vps_link_index(&nl, veth) : -ENODEV;
	int br = bridge ? vps_bridge_find(&nl, bridge) : -ENODEV;
	if ((r = idx) < 0 || (r = br) < 0 || (r = vps_link_set(&nl, idx, true, c.mtu, br)) < 0)
		vps_error(err, -r, "host veth %s on bridge %s", veth ? veth : "?",
			  bridge ? bridge : "?");
	vps_nl_close(&nl);
	if (r == 0)
		r = vps_net_fail_after("restore", err);
	if (r == 0) /* only a failed restore removes the bridge it made */
		json_object_object_del(extra, "bridge_created");
	return r;
}
