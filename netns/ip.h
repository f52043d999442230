/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to netns/: IPv4/IPv6 addresses with a prefix length (pure logic). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util/err.h"

struct vps_ip {
	int family;	     /* AF_INET or AF_INET6 (0: unset) */
	unsigned char a[16]; /* network byte order; 4 bytes used for AF_INET */
	unsigned prefix;     /* 0..32 or 0..128 */
};

#define VPS_IP_STRLEN 64 /* "ADDR/PREFIX" fits */

/* "ADDR" or "ADDR/PREFIX" (a missing prefix gives def_prefix; 0 means required).
 * what names the value in errors ("org.vps.net.ip"). family 0: either. */
int vps_ip_parse(const char *s, int family, unsigned def_prefix, struct vps_ip *out,
		 const char *what, vps_err *err);
/* "ADDR/PREFIX" (with_prefix) or "ADDR" into buf (VPS_IP_STRLEN). */
const char *vps_ip_str(const struct vps_ip *ip, bool with_prefix, char *buf);
static inline unsigned vps_ip_len(const struct vps_ip *ip)
{
	return ip->family == AF_INET ? 4 : 16;
}
/* Same subnet (ip's prefix) and equal address. */
bool vps_ip_same_net(const struct vps_ip *a, const struct vps_ip *b, unsigned prefix);
bool vps_ip_equal(const struct vps_ip *a, const struct vps_ip *b);
/* The network's host number `n` (n counted from the network address) with
 * base's prefix: fails (-ERANGE) when n does not fit in the host part. */
int vps_ip_host(const struct vps_ip *base, uint64_t n, struct vps_ip *out);
/* The host number of ip inside its prefix (low 64 bits). */
uint64_t vps_ip_hostnum(const struct vps_ip *ip);
/* Number of addresses in the prefix, saturated at 2^32. */
uint64_t vps_ip_span(const struct vps_ip *ip);
