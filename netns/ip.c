/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address parsing, formatting and subnet arithmetic. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/ip.h"
#include "util/fmt.h"

int vps_ip_parse(const char *s, int family, unsigned def_prefix, struct vps_ip *out,
		 const char *what, vps_err *err)
{
	char addr[VPS_IP_STRLEN];
	memset(out, 0, sizeof(*out));
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(addr))
		return vps_errorx(err, EINVAL, "%s: expected ADDR/PREFIX, got \"%s\"", what, s);
	memcpy(addr, s, n);
	addr[n] = 0;
	if (inet_pton(AF_INET, addr, out->a) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->a) == 1)
		out->family = AF_INET6;
	else
		return vps_errorx(err, EINVAL, "%s: \"%s\" is not an IP address", what, addr);
	if (family && out->family != family)
		return vps_errorx(err, EINVAL, "%s: expected an %s address, got \"%s\"", what,
				  family == AF_INET ? "IPv4" : "IPv6", addr);
	unsigned max = out->family == AF_INET ? 32 : 128;
	if (!slash) {
		if (!def_prefix)
			return vps_errorx(err, EINVAL, "%s: \"%s\" lacks a /PREFIX", what, s);
		out->prefix = def_prefix > max ? max : def_prefix;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long p = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || p > max || p == 0)
		return vps_errorx(err, EINVAL, "%s: bad prefix length in \"%s\" (1..%u)", what, s,
				  max);
	out->prefix = (unsigned)p;
	return 0;
}

const char *vps_ip_str(const struct vps_ip *ip, bool with_prefix, char *buf)
{
	char a[INET6_ADDRSTRLEN] = "?";
	inet_ntop(ip->family ? ip->family : AF_INET, ip->a, a, sizeof(a));
	if (with_prefix)
		/* fits: an address and a prefix in 64 */
		vps_snprintf(buf, VPS_IP_STRLEN, "%s/%u", a, ip->prefix);
	else
		vps_snprintf(buf, VPS_IP_STRLEN, "%s", a); /* fits: an address in 64 */
	return buf;
}

bool vps_ip_equal(const struct vps_ip *a, const struct vps_ip *b)
{
	return a->family == b->family && memcmp(a->a, b->a, vps_ip_len(a)) == 0;
}

bool vps_ip_same_net(const struct vps_ip *a, const struct vps_ip *b, unsigned prefix)
{
	if (a->family != b->family)
		return false;
	unsigned full = prefix / 8, rest = prefix % 8;
	if (memcmp(a->a, b->a, full))
		return false;
	if (!rest)
		return true;
	unsigned char m = (unsigned char)(0xff << (8 - rest));
	return (a->a[full] & m) == (b->a[full] & m);
}

/* Host bits are the low (len*8 - prefix) bits; we handle at most 64 of them. */
static unsigned host_bits(const struct vps_ip *ip)
{
	unsigned hb = vps_ip_len(ip) * 8 - ip->prefix;
	return hb > 64 ? 64 : hb;
}

uint64_t vps_ip_hostnum(const struct vps_ip *ip)
{
	unsigned len = vps_ip_len(ip), hb = host_bits(ip);
	uint64_t v = 0;
	for (unsigned i = len > 8 ? len - 8 : 0; i < len; i++)
		v = (v << 8) | ip->a[i];
	if (len == 4)
		v &= 0xffffffffULL;
	return hb >= 64 ? v : v & ((1ULL << hb) - 1);
}

uint64_t vps_ip_span(const struct vps_ip *ip)
{
	unsigned hb = host_bits(ip);
	return hb >= 32 ? (1ULL << 32) : (1ULL << hb);
}

int vps_ip_host(const struct vps_ip *base, uint64_t n, struct vps_ip *out)
{
	unsigned len = vps_ip_len(base), hb = host_bits(base);
	if (hb < 64 && n >> hb)
		return -ERANGE;
	*out = *base;
	/* clear the host bits, then or in n from the last byte backwards */
	for (unsigned bit = 0; bit < hb; bit++)
		out->a[len - 1 - bit / 8] &= (unsigned char)~(1u << (bit % 8));
	for (unsigned i = 0; i < 8 && i < len; i++)
		out->a[len - 1 - i] |= (unsigned char)((n >> (8 * i)) & 0xff);
	return 0;
}
