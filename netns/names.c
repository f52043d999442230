/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-VPS names derived from the id, and the address summary for `vps list`. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netns/net.h"
#include "netns/setup.h"
#include "util/fmt.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

void vps_net_veth_name(const char *id, char out[IFNAMSIZ])
{
	if (strlen(id) <= IFNAMSIZ - 4)
		vps_snprintf(out, IFNAMSIZ, "vh-%s", id); /* fits: checked above */
	else
		/* fits: 8 hex digits */
		vps_snprintf(out, IFNAMSIZ, "vh%08x", (unsigned)(fnv1a(id) & 0xffffffffu));
}

void vps_net_table_name(const char *id, char *out, size_t size)
{
	/* nft identifiers take letters, digits and "/-_." but never '+' or quotes */
	if (strlen(id) <= 64 && !strchr(id, '+'))
		/* fits: checked above: 64 bytes, callers' buffers hold 96 */
		vps_snprintf(out, size, "vps-%s", id);
	else
		/* fits: 16 hex digits */
		vps_snprintf(out, size, "vps/%016llx", (unsigned long long)fnv1a(id));
}

void vps_net_mac(const struct vps_ip *ip4, unsigned char mac[6])
{
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x56; /* 'V' */
	memcpy(mac + 2, ip4->a, 4);
}

const char *vps_net_address(json_object *net, char *buf, size_t size)
{
	json_object *ip, *ip6;
	if (!net || !json_object_object_get_ex(net, "ip", &ip))
		return NULL;
	char v4[VPS_IP_STRLEN];
	/* fits: the record's address was checked when it was made */
	vps_snprintf(v4, sizeof(v4), "%s", json_object_get_string(ip));
	v4[strcspn(v4, "/")] = 0;
	if (json_object_object_get_ex(net, "ip6", &ip6)) {
		char v6[VPS_IP_STRLEN];
		/* fits: the record's address was checked when it was made */
		vps_snprintf(v6, sizeof(v6), "%s", json_object_get_string(ip6));
		v6[strcspn(v6, "/")] = 0;
		vps_snprintf(buf, size, "%s,%s", v4, v6); /* fits: two addresses in callers' 160 */
	} else {
		vps_snprintf(buf, size, "%s", v4); /* fits: an address in callers' 160 */
	}
	return buf;
}
