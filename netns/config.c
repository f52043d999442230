/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vps.net.* annotations -> struct vps_net_cfg, fully validated before
 * anything on the host is touched. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/config.h"
#include "netns/net.h"
#include "util/fmt.h"

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max || *s == '-' || *s == '+')
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_port(const char *item, struct vps_net_port *p, vps_err *err)
{
	char buf[64], *slash, *colon;
	unsigned long h, v;
	if (strlen(item) >= sizeof(buf))
		goto bad;
	strcpy(buf, item);
	p->udp = false;
	if ((slash = strchr(buf, '/'))) {
		*slash++ = 0;
		if (strcmp(slash, "udp") == 0)
			p->udp = true;
		else if (strcmp(slash, "tcp") != 0)
			goto bad;
	}
	if (!(colon = strchr(buf, ':')))
		goto bad;
	*colon++ = 0;
	if (parse_uint(buf, 1, 65535, &h) < 0 || parse_uint(colon, 1, 65535, &v) < 0)
		goto bad;
	p->host = (uint16_t)h;
	p->vps = (uint16_t)v;
	return 0;
bad:
	return vps_errorx(
	    err, EINVAL, VPS_NET_PUBLISH ": expected HOSTPORT:VPSPORT[/tcp|udp], got \"%s\"", item);
}

/* key "true" or "false" into *out (left alone when absent). */
static int parse_bool(const struct oci_spec *spec, const char *key, bool *out, vps_err *err)
{
	const char *s = oci_annotation(spec, key);
	if (!s)
		return 0;
	if (strcmp(s, "true") && strcmp(s, "false"))
		return vps_errorx(err, EINVAL, "%s: expected true or false, got \"%s\"", key, s);
	*out = strcmp(s, "true") == 0;
	return 0;
}

/* Comma-separated list: calls fn for each non-empty item. */
static int each_item(const char *list, int (*fn)(const char *item, struct vps_net_cfg *, vps_err *),
		     struct vps_net_cfg *cfg, vps_err *err)
{
	_Static_assert(VPS_NET_MAX_PORTS < 100, "bounded");
	char *copy = strdup(list);
	if (!copy)
		return vps_error(err, ENOMEM, "annotations");
	int r = 0;
	char *save = NULL;
	for (char *it = strtok_r(copy, ", ", &save); it && r >= 0; it = strtok_r(NULL, ", ", &save))
		r = fn(it, cfg, err);
	free(copy);
	return r;
}

static int add_port(const char *item, struct vps_net_cfg *cfg, vps_err *err)
{
	if (cfg->n_ports >= VPS_NET_MAX_PORTS)
		return vps_errorx(err, E2BIG, VPS_NET_PUBLISH ": more than %d ports",
				  VPS_NET_MAX_PORTS);
	struct vps_net_port *p = &cfg->ports[cfg->n_ports];
	int r = parse_port(item, p, err);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < cfg->n_ports; i++)
		if (cfg->ports[i].host == p->host && cfg->ports[i].udp == p->udp)
			return vps_errorx(err, EINVAL, VPS_NET_PUBLISH ": host port %u/%s twice",
					  p->host, p->udp ? "udp" : "tcp");
	cfg->n_ports++;
	return 0;
}

static int add_dns(const char *item, struct vps_net_cfg *cfg, vps_err *err)
{
	if (strcmp(item, "none") == 0)
		return 0;
	if (cfg->n_dns >= VPS_NET_MAX_DNS)
		return vps_errorx(err, E2BIG, VPS_NET_DNS ": at most %d servers", VPS_NET_MAX_DNS);
	return vps_ip_parse(item, 0, 128, &cfg->dns[cfg->n_dns++], VPS_NET_DNS, err);
}

int vps_net_check_pair(const char *ip_key, const struct vps_ip *ip, const struct vps_ip *gw,
		       vps_err *err)
{
	char a[VPS_IP_STRLEN], g[VPS_IP_STRLEN];
	if (ip->prefix != gw->prefix || !vps_ip_same_net(ip, gw, gw->prefix))
		return vps_errorx(err, EINVAL, "%s: %s is not in the gateway's subnet %s", ip_key,
				  vps_ip_str(ip, true, a), vps_ip_str(gw, true, g));
	uint64_t n = vps_ip_hostnum(ip), span = vps_ip_span(ip);
	if (vps_ip_equal(ip, gw) || n == 0 || (ip->family == AF_INET && span > 2 && n == span - 1))
		return vps_errorx(err, EINVAL, "%s: %s cannot be a VPS address in %s", ip_key,
				  vps_ip_str(ip, false, a), vps_ip_str(gw, true, g));
	return 0;
}

/* ip (or "auto") and its gateway for one family. def_gw: used with auto. An
 * address without /LEN takes the gateway's; when that has none either, *nolen
 * is set and setup takes the bridge's (vps_net_resolve_prefix). */
static int parse_family(const struct oci_spec *spec, int family, const char *ip_key,
			const char *gw_key, const char *def_gw, struct vps_ip *ip,
			struct vps_ip *gw, bool *is_auto, bool *nolen, vps_err *err)
{
	const char *ip_s = oci_annotation(spec, ip_key), *gw_s = oci_annotation(spec, gw_key);
	unsigned max = family == AF_INET ? 32 : 128, auto_prefix = family == AF_INET ? 16 : 64;
	int r;
	*is_auto = ip_s && strcmp(ip_s, "auto") == 0;
	*nolen = !*is_auto && ip_s && !strchr(ip_s, '/');
	if (!*is_auto && (r = vps_ip_parse(ip_s, family, max, ip, ip_key, err)) < 0)
		return r;
	if (gw_s) {
		bool gw_len = strchr(gw_s, '/') != NULL;
		unsigned p = *is_auto ? auto_prefix : ip->prefix;
		if ((r = vps_ip_parse(gw_s, family, p, gw, gw_key, err)) < 0)
			return r;
		if (*nolen && gw_len) {
			ip->prefix = gw->prefix;
			*nolen = false;
		}
	} else if (*is_auto) {
		vps_ip_parse(def_gw, family, 0, gw, gw_key, err);
	} else if (*nolen) {
		gw->family = 0; /* the bridge's address, at setup */
	} else if (vps_ip_host(ip, 1, gw) < 0) {
		return vps_errorx(err, EINVAL, "%s: %s has no room for a gateway", ip_key, ip_s);
	}
	return *is_auto || *nolen ? 0 : vps_net_check_pair(ip_key, ip, gw, err);
}

int vps_net_config(const struct oci_spec *spec, struct vps_net_cfg *cfg, vps_err *err)
{
	memset(cfg, 0, sizeof(*cfg));
	const char *s;
	int r;
	if (!oci_annotation(spec, VPS_NET_IP)) {
		/* the other keys make no sense alone */
		for (size_t i = 0; i < spec->n_annotations; i++)
			if (strncmp(spec->annotations[i].key, "org.vps.net.", 12) == 0)
				return vps_errorx(err, EINVAL, "%s needs " VPS_NET_IP,
						  spec->annotations[i].key);
		return 0;
	}
	cfg->enabled = true;
	cfg->nat = true;
	cfg->mtu = 1500;
	/* fits: the default bridge name */
	vps_snprintf(cfg->bridge, sizeof(cfg->bridge), "%s", VPS_NET_DEFAULT_BRIDGE);
	if ((s = oci_annotation(spec, VPS_NET_BRIDGE))) {
		if (!*s || strlen(s) >= IFNAMSIZ || strpbrk(s, "/: \t\n") || !strcmp(s, ".") ||
		    !strcmp(s, ".."))
			return vps_errorx(err, EINVAL,
					  VPS_NET_BRIDGE ": \"%s\" is not a valid interface name "
							 "(1-15 characters, no '/', ':' or space)",
					  s);
		/* fits: s was checked: 1-15 characters */
		vps_snprintf(cfg->bridge, sizeof(cfg->bridge), "%s", s);
	}
	if ((r = parse_family(spec, AF_INET, VPS_NET_IP, VPS_NET_GATEWAY, VPS_NET_DEFAULT_GW,
			      &cfg->ip, &cfg->gw, &cfg->ip_auto, &cfg->ip_nolen, err)) < 0)
		return r;
	if (oci_annotation(spec, VPS_NET_IP6)) {
		if ((r = parse_family(spec, AF_INET6, VPS_NET_IP6, VPS_NET_GATEWAY6,
				      VPS_NET_DEFAULT_GW6, &cfg->ip6, &cfg->gw6, &cfg->ip6_auto,
				      &cfg->ip6_nolen, err)) < 0)
			return r;
	} else if (oci_annotation(spec, VPS_NET_GATEWAY6)) {
		return vps_errorx(err, EINVAL, VPS_NET_GATEWAY6 " needs " VPS_NET_IP6);
	}
	unsigned long v;
	if ((s = oci_annotation(spec, VPS_NET_MTU))) {
		if (parse_uint(s, 576, 65535, &v) < 0)
			return vps_errorx(
			    err, EINVAL, VPS_NET_MTU ": expected an integer 576..65535, got \"%s\"",
			    s);
		cfg->mtu = (unsigned)v;
	}
	if ((r = parse_bool(spec, VPS_NET_NAT, &cfg->nat, err)) < 0 ||
	    (r = parse_bool(spec, VPS_NET_HOST_ACCESS, &cfg->host_access, err)) < 0)
		return r;
	if ((s = oci_annotation(spec, VPS_NET_PUBLISH)) &&
	    (r = each_item(s, add_port, cfg, err)) < 0)
		return r;
	if ((s = oci_annotation(spec, VPS_NET_DNS))) {
		cfg->dns_set = true;
		if ((r = each_item(s, add_dns, cfg, err)) < 0)
			return r;
	}
	return 0;
}

void vps_net_port_str(const struct vps_net_port *p, char *buf, size_t size)
{
	/* fits: two numbers and a protocol in 32 */
	vps_snprintf(buf, size, "%u:%u/%s", p->host, p->vps, p->udp ? "udp" : "tcp");
}
