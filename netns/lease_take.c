/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Taking and releasing leases: addresses on a bridge and published host ports,
 * checked against every VPS on the host (every state root). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/lease.h"
#include "netns/net.h"
#include "util/fmt.h"

#define MAX_SCAN 65536

static const struct vps_lease *addr_holder(const struct vps_leases *l, const struct vps_ip *ip)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].port && vps_ip_equal(&l->v[i].ip, ip))
			return &l->v[i];
	return NULL;
}

static const struct vps_lease *port_holder(const struct vps_leases *l, const struct vps_net_port *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].port == p->host && l->v[i].udp == p->udp)
			return &l->v[i];
	return NULL;
}

static void drop(struct vps_leases *l, const struct vps_lease_owner *o, bool *had)
{
	size_t j = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (vps_lease_owned(&l->v[i], o)) {
			free(l->v[i].id);
			free(l->v[i].root);
			*had = true;
		} else {
			l->v[j++] = l->v[i];
		}
	}
	l->n = j;
}

static int push(struct vps_leases *l, const struct vps_lease_owner *o, const char *bridge,
		const struct vps_ip *ip, const struct vps_net_port *p)
{
	struct vps_lease *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	struct vps_lease *e = &v[l->n];
	*e = (struct vps_lease){.id = strdup(o->id), .root = strdup(o->root)};
	/* fits: the bridge name was checked: 1-15 characters */
	vps_snprintf(e->bridge, IFNAMSIZ, "%s", bridge);
	if (ip)
		e->ip = *ip;
	if (p) {
		e->port = p->host;
		e->udp = p->udp;
	}
	l->n++;
	return e->id && e->root ? 0 : -ENOMEM;
}

/* The first free host number in gw's subnet (skipping the network address,
 * the gateway and the IPv4 broadcast address). */
static int next_free(const struct vps_leases *l, const struct vps_ip *gw, struct vps_ip *got)
{
	uint64_t span = vps_ip_span(gw);
	for (uint64_t n = 1; n + 1 < span && n < MAX_SCAN + 2; n++) {
		if (vps_ip_host(gw, n, got) < 0)
			break;
		if (!vps_ip_equal(got, gw) && !addr_holder(l, got))
			return 0;
	}
	return -ENOSPC;
}

static int in_use(const struct vps_lease *h, const struct vps_lease_owner *o, const char *what,
		  vps_err *err)
{
	char who[1200];
	vps_lease_holder_str(h, o, who, sizeof(who));
	return vps_errorx(err, EADDRINUSE, "%s is already %s %s", what,
			  h->port ? "published by" : "leased to", who);
}

static int check_addr(const struct vps_leases *l, const struct vps_lease_owner *o,
		      const struct vps_ip *ip, vps_err *err)
{
	char a[VPS_IP_STRLEN], what[VPS_IP_STRLEN + 16];
	const struct vps_lease *h = addr_holder(l, ip);
	if (!h)
		return 0;
	/* fits: an address in VPS_IP_STRLEN + 16 */
	vps_snprintf(what, sizeof(what), "address %s", vps_ip_str(ip, false, a));
	return in_use(h, o, what, err);
}

static int claim(struct vps_leases *l, const struct vps_lease_owner *o, struct vps_net_cfg *c,
		 vps_err *err)
{
	char a[VPS_IP_STRLEN];
	int r;
	if (c->ip_auto && next_free(l, &c->gw, &c->ip) < 0)
		return vps_errorx(err, ENOSPC, "no free address left in %s",
				  vps_ip_str(&c->gw, true, a));
	if (!c->ip_auto && (r = check_addr(l, o, &c->ip, err)) < 0)
		return r;
	if (c->ip6_auto && vps_ip_host(&c->gw6, vps_ip_hostnum(&c->ip), &c->ip6) < 0)
		return vps_errorx(err, ERANGE,
				  VPS_NET_IP6 ": auto: no room in the gateway6 prefix");
	if (c->ip6.family && (r = check_addr(l, o, &c->ip6, err)) < 0)
		return r;
	for (unsigned i = 0; i < c->n_ports; i++) {
		const struct vps_lease *h = port_holder(l, &c->ports[i]);
		char what[48];
		/* fits: a port and a protocol in 48 */
		vps_snprintf(what, sizeof(what), "host port %u/%s", c->ports[i].host,
			     c->ports[i].udp ? "udp" : "tcp");
		if (h)
			return in_use(h, o, what, err);
	}
	if ((r = push(l, o, c->bridge, &c->ip, NULL)) < 0 ||
	    (c->ip6.family && (r = push(l, o, c->bridge, &c->ip6, NULL)) < 0))
		return vps_error(err, -r, "lease");
	for (unsigned i = 0; i < c->n_ports; i++)
		if ((r = push(l, o, "-", NULL, &c->ports[i])) < 0)
			return vps_error(err, -r, "lease");
	return 0;
}

int vps_lease_take(const struct vps_lease_owner *o, struct vps_net_cfg *c, vps_err *err)
{
	struct vps_leases l;
	int r = vps_leases_load(&l, err);
	if (r < 0)
		return r;
	bool had = false;
	drop(&l, o, &had);
	if ((r = claim(&l, o, c, err)) == 0)
		r = vps_leases_save(&l, err);
	vps_leases_free(&l);
	return r;
}

int vps_lease_release(const struct vps_lease_owner *o, bool *had, vps_err *err)
{
	struct vps_leases l;
	*had = false;
	int r = vps_leases_load(&l, err);
	if (r < 0)
		return r;
	drop(&l, o, had);
	if (*had)
		r = vps_leases_save(&l, err);
	vps_leases_free(&l);
	return r;
}
