/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS network moving with vps migrate (runtime/migrate_net.c drives it).
 * The destination checks, before anything is made there, that it can give
 * the VPS the same addresses and published ports on the same bridge. The
 * source takes its host veth off the bridge when it freezes the VPS (frozen,
 * its kernel must not take the packets meant for the VPS while the
 * destination restores it) and, when both sides share one network (the same
 * host and network namespace: --to-root), hands it over just before the
 * restore: the host veth is parked under another name, the leases and the
 * nft tables are given up, so that the destination makes them under the
 * VPS's id. reclaim undoes both when the migration fails before the
 * destination runs the VPS: the VPS inside never saw a change. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int vps_net_host_id(char *buf, size_t size, vps_err *err)
{
	char boot[64] = "";
	struct stat st;
	_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f || !fgets(boot, sizeof(boot), f))
		return vps_error(err, f ? EIO : errno, "/proc/sys/kernel/random/boot_id");
	boot[strcspn(boot, "\n")] = '\0';
	if (stat("/proc/self/ns/net", &st) < 0)
		return vps_error(err, errno, "/proc/self/ns/net");
	if (vps_snprintf(buf, size, "%s/%lu", boot, (unsigned long)st.st_ino) < 0)
		return vps_errorx(err, ENAMETOOLONG, "host network id: too long");
	return 0;
}

/* What the record x holds: bridge, addresses, gateways, published ports. */
static int held(json_object *x, struct vps_net_cfg *c, vps_err *err)
{
	static const char *const keys[] = {"ip", "gateway", "ip6", "gateway6"};
	struct vps_ip *ips[] = {&c->ip, &c->gw, &c->ip6, &c->gw6};
	json_object *pub;
	*c = (struct vps_net_cfg){.enabled = true};
	const char *br = get(x, "bridge");
	if (!br || vps_snprintf(c->bridge, sizeof(c->bridge), "%s", br) < 0 || !get(x, "ip"))
		return vps_errorx(err, EINVAL, "the VPS's network record has no bridge or ip");
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *s = get(x, keys[i]);
		if (s && vps_ip_parse(s, i < 2 ? AF_INET : AF_INET6, 0, ips[i], keys[i], err) < 0)
			return vps_error_wrap(err, "the VPS's network record");
	}
	size_t n =
	    json_object_object_get_ex(x, "publish", &pub) ? json_object_array_length(pub) : 0;
	for (size_t i = 0; i < n && c->n_ports < VPS_NET_MAX_PORTS; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(pub, i));
		struct vps_net_port *p = &c->ports[c->n_ports];
		char proto[4] = "";
		if (s && sscanf(s, "%hu:%hu/%3s", &p->host, &p->vps, proto) >= 2) {
			p->udp = strcmp(proto, "udp") == 0;
			c->n_ports++;
		}
	}
	return 0;
}

/* Does lease e take something c needs? */
static bool wants(const struct vps_net_cfg *c, const struct vps_lease *e)
{
	if (!e->port)
		return vps_ip_equal(&e->ip, &c->ip) ||
		       (c->ip6.family && vps_ip_equal(&e->ip, &c->ip6));
	for (unsigned i = 0; i < c->n_ports; i++)
		if (c->ports[i].host == e->port && c->ports[i].udp == e->udp)
			return true;
	return false;
}

/* c's addresses and ports are free here, or (shared) held by the source. */
static int leases_free(const struct vps_lease_owner *src, const struct vps_net_cfg *c, bool shared,
		       bool *handover, vps_err *err)
{
	_cleanup_close_ int lock = vps_lease_lock(false, err);
	if (lock == -ENOENT)
		return 0; /* nothing was ever leased here */
	if (lock < 0)
		return lock;
	struct vps_leases l = {0};
	int r = vps_leases_load(&l, err);
	for (size_t i = 0; r == 0 && i < l.n; i++) {
		const struct vps_lease *e = &l.v[i];
		char who[1200], a[VPS_IP_STRLEN];
		if (!wants(c, e))
			continue;
		if (shared && vps_lease_owned(e, src)) {
			*handover = true;
			continue;
		}
		vps_lease_holder_str(e, src, who, sizeof(who));
		if (e->port)
			r = vps_errorx(err, EADDRINUSE,
				       "host port %u/%s is already published by %s", e->port,
				       e->udp ? "udp" : "tcp", who);
		else
			r = vps_errorx(err, EADDRINUSE, "address %s is already leased to %s",
				       vps_ip_str(&e->ip, false, a), who);
	}
	vps_leases_free(&l);
	return r;
}

int vps_net_migrate_check(const char *id, json_object *saved, const char *src_root,
			  const char *src_host, bool *handover, vps_err *err)
{
	struct vps_net_cfg c;
	struct vps_nl nl;
	struct vps_lease_owner src;
	char me[128], veth[IFNAMSIZ], buf[PATH_MAX];
	*handover = false;
	int r = held(saved, &c, err);
	if (r < 0 || (r = vps_net_host_id(me, sizeof(me), err)) < 0 ||
	    (r = vps_nl_open(&nl, -1, err)) < 0)
		return r;
	bool shared = strcmp(me, src_host) == 0;
	/* the bridge is one or can be made, its gateways clash with nothing */
	r = vps_net_bridge_check(&nl, &c, err);
	vps_net_veth_name(id, veth);
	if (r == 0 && !shared && vps_link_index(&nl, veth) > 0)
		r = vps_errorx(err, EEXIST, "host veth %s exists already", veth);
	vps_nl_close(&nl);
	vps_lease_owner_init(&src, buf, src_root, id);
	if (r == 0)
		r = leases_free(&src, &c, shared, handover, err);
	return r < 0 ? vps_error_wrap(err, "network") : 0;
}

/* where the source's host veth waits during a handover: "vx-ID" for "vh-ID" */
static void parked_name(const char *id, char out[IFNAMSIZ])
{
	vps_net_veth_name(id, out);
	out[1] = 'x';
}

int vps_net_migrate_detach(json_object *x, vps_err *err)
{
	const char *veth = get(x, "veth");
	struct vps_nl nl;
	if (!veth)
		return vps_errorx(err, EINVAL, "the VPS's network record names no host veth");
	int r = vps_nl_open(&nl, -1, err);
	if (r < 0)
		return r;
	int idx = vps_link_index(&nl, veth);
	if ((r = idx) > 0)
		r = vps_link_unbridge(&nl, idx, false);
	vps_nl_close(&nl);
	return r < 0 ? vps_error(err, -r, "take host veth %s off its bridge", veth) : 0;
}

int vps_net_migrate_handover(const char *root, const char *id, json_object *x, vps_err *err)
{
	char veth[IFNAMSIZ], park[IFNAMSIZ], buf[PATH_MAX];
	struct vps_lease_owner o;
	struct vps_nl nl;
	bool had;
	vps_net_veth_name(id, veth);
	parked_name(id, park);
	int r = vps_nl_open(&nl, -1, err);
	if (r < 0)
		return r;
	int idx = vps_link_index(&nl, veth);
	if ((r = idx) > 0 && (r = vps_link_unbridge(&nl, idx, true)) == 0)
		r = vps_link_rename(&nl, idx, park);
	vps_nl_close(&nl);
	if (r < 0)
		return vps_error(err, -r, "park host veth %s as %s", veth, park);
	vps_net_put_str(x, "veth", park);
	const char *t = get(x, "nft_table");
	if (t && (r = vps_nat_remove(t, err)) < 0)
		return r;
	json_object_object_del(x, "nft_table");
	vps_lease_owner_init(&o, buf, root, id);
	_cleanup_close_ int lock = vps_lease_lock(true, err);
	return lock < 0 ? lock : vps_lease_release(&o, &had, err);
}

/* The host veth back under its name (from where a handover parked it), on
 * the bridge, up. */
static int veth_back(const struct vps_net_cfg *c, const char *veth, const char *park, vps_err *err)
{
	struct vps_nl nl;
	int r = vps_nl_open(&nl, -1, err);
	if (r < 0)
		return r;
	int idx = vps_link_index(&nl, park), br = vps_bridge_find(&nl, c->bridge);
	if (idx > 0)
		r = vps_link_rename(&nl, idx, veth);
	else
		idx = vps_link_index(&nl, veth);
	if (r == 0 && (r = idx) > 0 && (r = br) > 0)
		r = vps_link_set(&nl, idx, true, c->mtu, br);
	vps_nl_close(&nl);
	return r < 0 ? vps_error(err, -r, "host veth %s back on bridge %s", veth, c->bridge) : 0;
}

int vps_net_migrate_reclaim(const char *root, const char *id, const struct oci_spec *spec,
			    json_object *x, vps_err *err)
{
	struct vps_net_cfg c;
	struct vps_lease_owner o;
	char veth[IFNAMSIZ], park[IFNAMSIZ], table[96], buf[PATH_MAX];
	int r = vps_net_restore_config(spec, x, &c, err);
	if (r < 0 || !c.enabled)
		return r;
	vps_net_veth_name(id, veth);
	parked_name(id, park);
	if ((r = veth_back(&c, veth, park, err)) < 0)
		return r;
	vps_net_put_str(x, "veth", veth);
	vps_lease_owner_init(&o, buf, root, id);
	{
		_cleanup_close_ int lock = vps_lease_lock(true, err);
		if (lock < 0)
			return lock;
		if ((r = vps_lease_take(&o, &c, err)) < 0)
			return vps_error_wrap(err, "lease on %s", c.bridge);
	}
	/* the tables anew (a handover removed them; applying twice would
	 * double the rules) */
	vps_net_table_name(id, table, sizeof(table));
	if ((r = vps_nat_remove(table, err)) < 0)
		return r;
	return vps_net_host_rules(id, veth, &c, x, err);
}
