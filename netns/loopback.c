/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The loopback of a network namespace the container init created, brought up by
 * the init itself (one ioctl on a datagram socket of that namespace) before it
 * reports ready: no netlink round trip through /proc/PID/ns/net by the parent,
 * whose wait for READY is on `run`'s critical path. runc and crun bring lo up too. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns/net.h"

int vps_net_loopback_up(vps_err *err)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vps_error(err, errno, "network: bring up lo: socket");
	struct ifreq ifr = {0};
	memcpy(ifr.ifr_name, "lo", 3);
	int r = 0;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		r = vps_error(err, errno, "network: bring up lo: get flags");
	else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			r = vps_error(err, errno, "network: bring up lo");
	}
	close(s);
	return r;
}
