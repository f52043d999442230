/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps net ls` and `vps net rm`: bridges, leases and nft tables as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/lease.h"
#include "netns/link.h"
#include "netns/net.h"
#include "netns/setup.h"
#include "util/cleanup.h"
#include "util/fmt.h"

struct ctx {
	struct vps_nl *nl;
	const struct vps_leases *l;
	json_object *bridges;
};

static void addr_cb(int ifindex, const struct vps_ip *ip, void *data)
{
	(void)ifindex;
	char a[VPS_IP_STRLEN];
	/* IPv6 link-local addresses are the kernel's, not ours */
	if (ip->family == AF_INET6 && ip->a[0] == 0xfe && (ip->a[1] & 0xc0) == 0x80)
		return;
	json_object_array_add(data, json_object_new_string(vps_ip_str(ip, true, a)));
}

static bool wanted(const char *name, const struct vps_leases *l)
{
	if (strcmp(name, VPS_NET_DEFAULT_BRIDGE) == 0)
		return true;
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].port && strcmp(l->v[i].bridge, name) == 0)
			return true;
	return false;
}

static void bridge_cb(int ifindex, const char *name, bool up, void *data)
{
	struct ctx *c = data;
	if (!wanted(name, c->l))
		return;
	json_object *b = json_object_new_object();
	json_object_object_add(b, "name", json_object_new_string(name));
	json_object_object_add(b, "up", json_object_new_boolean(up));
	json_object_object_add(b, "ifindex", json_object_new_int(ifindex));
	json_object_array_add(c->bridges, b);
}

/* Addresses and port counts need their own netlink round trips, done after
 * the link dump (one request at a time on a socket). */
static int fill_bridges(struct vps_nl *nl, json_object *bridges)
{
	for (size_t i = 0; i < json_object_array_length(bridges); i++) {
		json_object *b = json_object_array_get_idx(bridges, i), *idx;
		json_object_object_get_ex(b, "ifindex", &idx);
		int ifindex = json_object_get_int(idx);
		json_object *addrs = json_object_new_array();
		json_object_object_add(b, "addresses", addrs);
		int r = vps_addr_list(nl, ifindex, addr_cb, addrs);
		int ports = r < 0 ? r : vps_bridge_ports(nl, ifindex);
		if (ports < 0)
			return ports;
		json_object_object_add(b, "ports", json_object_new_int(ports));
		json_object_object_del(b, "ifindex");
	}
	return 0;
}

/* {"id","root","bridge","address"} or {"id","root","port":"8080/tcp"} */
static json_object *lease_json(const struct vps_lease *e)
{
	char a[VPS_IP_STRLEN];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(e->id));
	json_object_object_add(o, "root", json_object_new_string(e->root));
	if (e->port) {
		/* fits: a port and a protocol */
		vps_snprintf(a, sizeof(a), "%u/%s", e->port, e->udp ? "udp" : "tcp");
		json_object_object_add(o, "port", json_object_new_string(a));
		return o;
	}
	json_object_object_add(o, "bridge", json_object_new_string(e->bridge));
	json_object_object_add(o, "address", json_object_new_string(vps_ip_str(&e->ip, true, a)));
	return o;
}

int vps_net_list(const char *root, json_object **out, vps_err *err)
{
	struct vps_leases l = {0};
	struct vps_nl nl = {0};
	(void)root; /* leases are host-wide: every root's are listed */
	_cleanup_close_ int lock = vps_lease_lock(false, err);
	if (lock < 0 && lock != -ENOENT)
		return lock;
	vps_err_clear(err);
	int r = lock >= 0 ? vps_leases_load(&l, err) : 0;
	if (r < 0)
		return r;
	json_object *o = json_object_new_object(), *bridges = json_object_new_array(),
		    *leases = json_object_new_array(), *tables = json_object_new_array(),
		    *ports = json_object_new_array();
	json_object_object_add(o, "bridges", bridges);
	json_object_object_add(o, "leases", leases);
	json_object_object_add(o, "nft_tables", tables);
	json_object_object_add(o, "ports", ports);
	for (size_t i = 0; i < l.n; i++)
		json_object_array_add(l.v[i].port ? ports : leases, lease_json(&l.v[i]));
	struct ctx c = {.nl = &nl, .l = &l, .bridges = bridges};
	if ((r = vps_nl_open(&nl, -1, err)) < 0)
		goto out;
	if ((r = vps_bridge_list(&nl, bridge_cb, &c)) < 0 || (r = fill_bridges(&nl, bridges)) < 0) {
		vps_error(err, -r, "list bridges");
		goto out;
	}
	_cleanup_free_ char *t = NULL;
	if ((r = vps_nat_tables(&t, err)) < 0)
		goto out;
	char *save = NULL;
	for (char *s = strtok_r(t, "\n", &save); s; s = strtok_r(NULL, "\n", &save))
		json_object_array_add(tables, json_object_new_string(s));
out:
	vps_nl_close(&nl);
	vps_leases_free(&l);
	if (r < 0)
		json_object_put(o);
	else
		*out = o;
	return r;
}

int vps_net_bridge_remove(const char *root, const char *bridge, vps_err *err)
{
	struct vps_leases l = {0};
	struct vps_nl nl;
	(void)root;
	_cleanup_close_ int lock = vps_lease_lock(false, err);
	if (lock < 0 && lock != -ENOENT)
		return lock;
	vps_err_clear(err);
	int r = lock >= 0 ? vps_leases_load(&l, err) : 0;
	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (!l.v[i].port && strcmp(l.v[i].bridge, bridge) == 0)
			r = vps_errorx(err, EBUSY, "bridge %s: %s still has a lease on it", bridge,
				       l.v[i].id);
	vps_leases_free(&l);
	if (r < 0 || (r = vps_nl_open(&nl, -1, err)) < 0)
		return r;
	int idx = vps_bridge_find(&nl, bridge);
	if (idx == -ENODEV || idx == -EMEDIUMTYPE)
		r = vps_errorx(err, ENODEV, "bridge %s does not exist%s", bridge,
			       idx == -EMEDIUMTYPE ? " (that link is not a bridge)" : "");
	else if ((r = idx) < 0 || (r = vps_bridge_ports(&nl, idx)) < 0)
		vps_error(err, -r, "bridge %s", bridge);
	else if (r > 0)
		r = vps_errorx(err, EBUSY, "bridge %s still has %d port%s", bridge, r,
			       r == 1 ? "" : "s");
	else if ((r = vps_link_del(&nl, bridge)) < 0)
		vps_error(err, -r, "delete bridge %s", bridge);
	vps_nl_close(&nl);
	return r;
}
