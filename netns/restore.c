/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPS network of a restored checkpoint (vps restore, runtime/restore.c).
 * CRIU brings back the VPS's own network namespace (eth0 with its MAC,
 * addresses, routes) and its veth pair: it makes the pair anew, its host end
 * the external CRIU is told about (--external veth[eth0]:VETH@BRIDGE), or,
 * for a VPS with a user namespace of its own, takes a pair made here: CRIU's
 * tasks, in that namespace, may make no link in the host's network namespace
 * (the pair's request fails), but its helper in the host's namespace moves
 * a link in (--external netdev[eth0]:PEER: the host's end of the pair is
 * the VPS's veth, the peer, "vr-ID", becomes eth0 with the saved MAC and
 * MTU). What lies on the host is made here, for the addresses the image holds
 * rather than fresh ones (an "auto" address keeps what the VPS had): bridge,
 * leases, nft tables (and that pair) before CRIU runs, the host end's MTU
 * after. Names follow the id the VPS is restored as, so a restore under
 * another id or state root works. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "netns/lease.h"
#include "netns/link.h"
#include "netns/net.h"
#include "netns/setup.h"
#include "util/cleanup.h"
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

/* the pair CRIU moves the peer of into a mapped VPS, in the host's netns */
static int make_pair(struct vps_nl *nl, const char *id, const char *veth,
		     const struct vps_net_cfg *c, json_object *x, vps_err *err)
{
	char peer[IFNAMSIZ];
	unsigned char mac[6];
	vps_net_veth_name(id, peer);
	peer[1] = 'r'; /* "vr-ID" for "vh-ID" */
	vps_net_mac(&c->ip, mac);
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return vps_error(err, errno, "open /proc/self/ns/net");
	int r = vps_veth_create(nl, veth, peer, self, c->mtu, mac);
	if (r < 0)
		return vps_error(err, -r, "create veth %s (peer %s, eth0 in the VPS)", veth, peer);
	vps_net_put_str(x, "veth", veth);
	vps_net_put_str(x, "peer", peer);
	return 0;
}

static int prepare(const struct vps_lease_owner *o, struct vps_net_cfg *c, json_object *x,
		   void *arg, vps_err *err)
{
	const struct oci_namespace *user =
	    &((const struct oci_spec *)arg)->lx.namespaces[OCI_NS_USER];
	struct vps_nl nl;
	char veth[IFNAMSIZ];
	int br, r = vps_nl_open(&nl, -1, err);
	if (r < 0)
		return r;
	vps_net_veth_name(o->id, veth);
	if ((r = vps_net_host_side(o, c, &nl, x, &br, err)) == 0) {
		if (vps_link_index(&nl, veth) > 0)
			r = vps_errorx(err, EEXIST, "host veth %s exists already", veth);
		else if (user->present && !user->path)
			r = make_pair(&nl, o->id, veth, c, x, err);
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
	return vps_net_build(root, id, &c, prepare, (void *)spec, extra, err);
}

const char *vps_net_restore_veth(json_object *extra, char *buf, size_t size)
{
	const char *veth = get(extra, "veth"), *br = get(extra, "bridge");
	const char *peer = get(extra, "peer"); /* a pair made here: CRIU moves it in */
	int r = -EINVAL;
	if (peer)
		r = vps_snprintf(buf, size, "netdev[%s]:%s", VPS_NET_IFNAME, peer);
	else if (veth && br)
		r = vps_snprintf(buf, size, "veth[%s]:%s@%s", VPS_NET_IFNAME, veth, br);
	return r < 0 ? NULL : buf;
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
