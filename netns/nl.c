/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rtnetlink socket and request/ack helper shared by every netns/ file. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns/nl.h"
#include "util/cleanup.h"

int vps_netns_socket(int netns_fd, int domain, int type, int protocol, vps_err *err)
{
	_cleanup_close_ int self = -1;
	if (netns_fd >= 0) {
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return vps_error(err, errno, "open /proc/self/ns/net");
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			return vps_error(err, errno, "enter the container's network namespace");
	}
	int fd = socket(domain, type | SOCK_CLOEXEC, protocol), saved = errno;
	if (self >= 0 && setns(self, CLONE_NEWNET) < 0) {
		/* We would go on in the wrong namespace: refuse loudly. */
		saved = errno;
		if (fd >= 0)
			close(fd);
		return vps_error(err, saved, "return to the host network namespace");
	}
	if (fd < 0)
		return vps_error(err, saved, "open a socket");
	return fd;
}

int vps_nl_open(struct vps_nl *nl, int netns_fd, vps_err *err)
{
	return vps_nl_open_proto(nl, netns_fd, NETLINK_ROUTE, err);
}

int vps_nl_open_proto(struct vps_nl *nl, int netns_fd, int protocol, vps_err *err)
{
	memset(nl, 0, sizeof(*nl));
	int fd = vps_netns_socket(netns_fd, AF_NETLINK, SOCK_RAW, protocol, err), saved;
	if (fd < 0)
		return fd;
	if (!(nl->sk = mnl_socket_fdopen(fd))) {
		saved = errno;
		close(fd);
		return vps_error(err, saved, "open a netlink socket");
	}
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		saved = errno;
		vps_nl_close(nl);
		return vps_error(err, saved, "bind a netlink socket");
	}
	if (!(nl->buf = malloc(VPS_NL_BUF_SIZE))) {
		vps_nl_close(nl);
		return vps_error(err, ENOMEM, "allocate a netlink buffer");
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (unsigned)time(NULL);
	return 0;
}

void vps_nl_close(struct vps_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
	free(nl->buf);
	nl->buf = NULL;
}

struct nlmsghdr *vps_nl_req(struct vps_nl *nl, uint16_t type, uint16_t flags, size_t hdrlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	if (hdrlen)
		mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

int vps_nl_talk(struct vps_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned seq = nlh->nlmsg_seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	/* A dump ends with NLMSG_DONE (mnl_cb_run returns 0), a request with
	 * its ack; at most a bounded number of reads either way. */
	for (int i = 0; i < 100000; i++) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->buf, VPS_NL_BUF_SIZE);
		if (n < 0)
			return -errno;
		int r = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, data);
		if (r < 0)
			return -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
	return -EOVERFLOW;
}
