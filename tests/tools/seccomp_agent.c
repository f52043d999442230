/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp_agent SOCKET OUT ERRNO: a tiny seccomp notify agent for tests.
 * Listens on SOCKET, receives the listener fd and the containerProcessState
 * (as vps_seccomp_send_listener sends them), writes the state to OUT, then
 * answers every notification with -ERRNO until the listener is closed. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int c, char *buf, size_t cap)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr a;
	} u;
	struct iovec iov = {buf, cap - 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)};
	ssize_t n = recvmsg(c, &mh, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (n <= 0 || !cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	buf[n] = '\0';
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: seccomp_agent SOCKET OUT ERRNO\n");
		return 2;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(argv[1]);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0) {
		perror("seccomp_agent: listen");
		return 1;
	}
	int c = accept(s, NULL, NULL);
	char buf[8192];
	int fd = c < 0 ? -1 : recv_fd(c, buf, sizeof(buf));
	if (fd < 0) {
		fprintf(stderr, "seccomp_agent: no listener fd received\n");
		return 1;
	}
	FILE *out = fopen(argv[2], "w");
	if (!out)
		return 1;
	fprintf(out, "%s\n", buf);
	fclose(out);
	for (int i = 0; i < 1000; i++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 30000) <= 0 || (p.revents & (POLLHUP | POLLERR)))
			break;
		struct seccomp_notif req = {0};
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue; /* the target died meanwhile */
		struct seccomp_notif_resp resp = {.id = req.id, .error = -atoi(argv[3])};
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return 0;
}
