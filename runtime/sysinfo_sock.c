/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ROOT/ID/sysinfo.sock (sysinfo.h): where `vps exec` hands the sysinfo
 * listener of the process it starts to the VPS's sysinfo server, so that an
 * exec'd `free` tells what the init's descendants are told. The monitor
 * makes it (0600, root's like the state dir) for the server to inherit; the
 * messages are the sync socket's (VPS_SYNC_SYSINFO with the fd). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "runtime/sysinfo.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* The socket's address through an O_PATH fd of ROOT/ID (*dirfd): short
 * whatever the state root's length. */
static int addr(const char *root, const char *id, struct sockaddr_un *sa, int *dirfd)
{
	char dir[PATH_MAX];
	*sa = (struct sockaddr_un){.sun_family = AF_UNIX};
	if (vps_snprintf(dir, sizeof(dir), "%s/%s", root, id) < 0)
		return -ENAMETOOLONG;
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*dirfd < 0)
		return -errno;
	if (vps_snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd,
			 VPS_SYSINFO_SOCK) < 0)
		return -ENAMETOOLONG;
	return 0;
}

int vps_sysinfo_listen(const char *root, const char *id)
{
	struct sockaddr_un sa;
	_cleanup_close_ int dirfd = -1;
	int r = addr(root, id, &sa, &dirfd);
	if (r < 0)
		return r;
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	unlinkat(dirfd, VPS_SYSINFO_SOCK, 0);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    fchmodat(dirfd, VPS_SYSINFO_SOCK, 0600, 0) < 0 || listen(s, 16) < 0)
		return -errno;
	return take_fd(s);
}

void vps_sysinfo_unlink(const char *root, const char *id)
{
	struct sockaddr_un sa;
	_cleanup_close_ int dirfd = -1;
	if (addr(root, id, &sa, &dirfd) == 0)
		unlinkat(dirfd, VPS_SYSINFO_SOCK, 0);
}

bool vps_sysinfo_served(const char *root, const char *id)
{
	struct sockaddr_un sa;
	_cleanup_close_ int dirfd = -1;
	struct stat st;
	return addr(root, id, &sa, &dirfd) == 0 &&
	       fstatat(dirfd, VPS_SYSINFO_SOCK, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISSOCK(st.st_mode);
}

int vps_sysinfo_hand_over(const char *root, const char *id, int fd, vps_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int dirfd = -1;
	int r = addr(root, id, &sa, &dirfd);
	if (r < 0)
		return vps_error(err, -r, "%s/%s/%s", root, id, VPS_SYSINFO_SOCK);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vps_error(err, errno, "%s/%s/%s", root, id, VPS_SYSINFO_SOCK);
	if ((r = vps_sync_send(s, VPS_SYNC_SYSINFO, 0, NULL, 0, fd)) < 0)
		return vps_error(err, -r, "%s/%s/%s: send", root, id, VPS_SYSINFO_SOCK);
	return 0;
}

/* A seccomp listener, not some other fd a client sent. */
static bool is_listener(int fd)
{
	char link[64];
	struct vps_fdpath p;
	ssize_t n = readlink(vps_fdpath(&p, fd), link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = 0;
	return strcmp(link, "anon_inode:seccomp notify") == 0;
}

int vps_sysinfo_accept(int lsock)
{
	_cleanup_close_ int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return -1;
	/* the sender sent before it could connect-and-wait: never blocks long */
	struct timeval tv = {1, 0};
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct vps_sync_msg m;
	vps_err e;
	if (vps_sync_recv(c, &m, &e) <= 0)
		return -1;
	int fd = m.type == VPS_SYNC_SYSINFO && is_listener(m.fd) ? take_fd(m.fd) : -1;
	vps_sync_msg_clear(&m);
	return fd;
}
