/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parent/child sync protocol: typed records over a SOCK_SEQPACKET pair,
 * optionally carrying one fd (SCM_RIGHTS). The child reports its real error
 * text here instead of just exiting 1. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"

struct sync_hdr {
	uint32_t type;
	int32_t code;
};

int vps_sync_pair(int fds[2], vps_err *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return vps_error(err, errno, "sync socketpair");
	return 0;
}

int vps_sync_go(int fd, const void *data, size_t len, vps_err *err)
{
	int r = vps_sync_send(fd, VPS_SYNC_GO, 0, data, len, -1);
	if (r >= 0)
		return 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct vps_sync_msg m;
	vps_err ignore;
	int child = 0;
	if (poll(&p, 1, 0) == 1 && vps_sync_recv(fd, &m, &ignore) > 0) {
		if (m.type == VPS_SYNC_ERROR)
			child = vps_errorx(err, m.code > 0 ? m.code : EINVAL, "%s", m.data);
		vps_sync_msg_clear(&m);
	}
	return child < 0 ? child : vps_error(err, -r, "sync: the child");
}

int vps_sync_send(int fd, uint32_t type, int32_t code, const void *data, size_t len, int pass_fd)
{
	struct sync_hdr h = {.type = type, .code = code};
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)data, data ? len : 0}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
	if (pass_fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

/* One write(2) of one record: the child may send this under the container's
 * seccomp filter (an exec that failed), where write is the syscall a profile
 * is sure to allow; sendmsg may not be. */
void vps_sync_send_err(int fd, const vps_err *err)
{
	struct {
		struct sync_hdr h;
		char msg[sizeof(err->msg)];
	} rec = {.h = {.type = VPS_SYNC_ERROR, .code = err->code ? err->code : EINVAL}};
	size_t n = strnlen(err->msg, sizeof(err->msg) - 1);
	memcpy(rec.msg, err->msg, n);
	rec.msg[n] = '\0';
	for (int tries = 0; tries < 8; tries++)
		if (write(fd, &rec, sizeof(rec.h) + n + 1) >= 0 || errno != EINTR)
			break;
}

void vps_sync_msg_clear(struct vps_sync_msg *m)
{
	free(m->data);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

int vps_sync_recv(int fd, struct vps_sync_msg *m, vps_err *err)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	_cleanup_free_ char *buf = malloc(VPS_SYNC_MAX + 1);
	if (!buf)
		return vps_error(err, ENOMEM, "sync");
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {buf, VPS_SYNC_MAX};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	ssize_t n;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vps_error(err, errno, "sync: receive");
	if (n == 0)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&m->fd, CMSG_DATA(c), sizeof(int));
	if ((size_t)n < sizeof(struct sync_hdr)) {
		vps_sync_msg_clear(m);
		return vps_errorx(err, EPROTO, "sync: short message");
	}
	struct sync_hdr h;
	memcpy(&h, buf, sizeof(h));
	m->type = h.type;
	m->code = h.code;
	m->len = (size_t)n - sizeof(h);
	memmove(buf, buf + sizeof(h), m->len);
	buf[m->len] = '\0';
	m->data = take_ptr(buf);
	return 1;
}

int vps_sync_expect(int fd, uint32_t want, struct vps_sync_msg *m, vps_err *err)
{
	int r = vps_sync_recv(fd, m, err);
	if (r < 0)
		return r;
	if (r == 0)
		return vps_errorx(err, EPIPE, "sync: peer exited");
	if (m->type == VPS_SYNC_ERROR) {
		int code = m->code > 0 ? m->code : EINVAL;
		vps_errorx(err, code, "%s", m->data);
		vps_sync_msg_clear(m);
		return -code;
	}
	if (m->type != want) {
		vps_sync_msg_clear(m);
		return vps_errorx(err, EPROTO, "sync: unexpected message %u (wanted %u)", m->type,
				  want);
	}
	return 0;
}
