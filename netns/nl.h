/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to netns/: a libmnl rtnetlink socket (optionally opened inside another
 * network namespace) and the one request/ack round trip everything else uses. */
#pragma once
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdint.h>

#include "util/err.h"

/* libmnl's MNL_SOCKET_DUMP_SIZE: a dump reply never needs more */
#define VPS_NL_BUF_SIZE 32768

struct vps_nl {
	struct mnl_socket *sk;
	unsigned seq, portid;
	char *buf; /* VPS_NL_BUF_SIZE bytes: the request being built / the replies read */
};

/* Open NETLINK_ROUTE in the netns netns_fd refers to (-1: the caller's own).
 * A socket keeps the netns it was made in, so the caller's namespace is
 * entered only for the socket() call and restored right after. On failure
 * nothing is held (vps_nl_close is then harmless but not needed). */
int vps_nl_open(struct vps_nl *nl, int netns_fd, vps_err *err);
/* The same for another netlink protocol (NETLINK_NETFILTER, ...). */
int vps_nl_open_proto(struct vps_nl *nl, int netns_fd, int protocol, vps_err *err);
void vps_nl_close(struct vps_nl *nl);
/* socket(domain, type | SOCK_CLOEXEC, protocol) made inside the netns
 * netns_fd refers to (-1: ours), the caller's netns restored right after:
 * the fd, or -errno with err set. */
int vps_netns_socket(int netns_fd, int domain, int type, int protocol, vps_err *err);

/* Start a request in nl->buf: header (type, NLM_F_REQUEST|NLM_F_ACK|flags, seq)
 * plus a zeroed family header of hdrlen bytes (ifinfomsg, ifaddrmsg, ...). */
struct nlmsghdr *vps_nl_req(struct vps_nl *nl, uint16_t type, uint16_t flags, size_t hdrlen);

/* Send nlh and read until the ack (or the end of a dump), calling cb (may be
 * NULL) for each data message. Returns 0 or the kernel's -errno; never sets
 * an error message (callers know what they asked for). */
int vps_nl_talk(struct vps_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
