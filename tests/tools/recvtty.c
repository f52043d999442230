/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recvtty SOCKET OUT [INPUT]: a tiny --console-socket receiver for tests.
 * Listens on SOCKET, takes one pty master over SCM_RIGHTS (as runc sends it),
 * writes "name=<data> tty=<1|0>" to OUT, then INPUT (if given) to the master,
 * and appends everything read from the master to OUT until the pty closes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: recvtty SOCKET OUT [INPUT]\n");
		return 2;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(argv[1]);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0) {
		perror("recvtty: listen");
		return 1;
	}
	int c = accept(s, NULL, NULL);
	char name[256] = {0};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {name, sizeof(name) - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	if (c < 0 || recvmsg(c, &mh, 0) < 0) {
		perror("recvtty: receive");
		return 1;
	}
	int master = -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&master, CMSG_DATA(cm), sizeof(int));
	FILE *out = fopen(argv[2], "w");
	if (!out)
		return 1;
	fprintf(out, "name=%s tty=%d\n", name, master >= 0 && isatty(master));
	fflush(out);
	if (master < 0)
		return 1;
	const char *hold = getenv("RECVTTY_HOLD");
	if (hold && *hold == '1' && ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY) < 0)
		perror("recvtty: open the slave");
	if (argc > 3 && write(master, argv[3], strlen(argv[3])) < 0)
		perror("recvtty: write");
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
		fflush(out);
	}
	fclose(out);
	return 0;
}
