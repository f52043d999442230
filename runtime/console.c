/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.terminal: the pty is allocated inside the container (its own devpts)
 * by the child, whose stdio becomes the slave; the master goes to the parent
 * over the sync socket and from there to --console-socket (SCM_RIGHTS, as runc
 * does) or, for a foreground `run`, is relayed to our own terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/sendfd.h"

/* exec: a pty of the container's devpts, by fd only (TIOCGPTPEER). */
static int open_pty(int *master, int *slave, vps_err *err)
{
	_cleanup_close_ int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return vps_error(err, errno, "open /dev/ptmx in the container");
	int unlock = 0;
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return vps_error(err, errno, "unlock pty");
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return vps_error(err, errno, "open pty slave");
	*master = take_fd(m);
	*slave = s;
	return 0;
}

/* The process's user owns its pty, as runc's stdio fix-up does: the uid only,
 * the group stays the devpts mount's (gid=5, tty, in the usual spec). EINVAL
 * and EPERM (an id not mapped in a user namespace) leave it as it is, as in
 * runc. */
static int chown_pty(int slave, uid_t uid, vps_err *err)
{
	struct stat st;
	if (fstat(slave, &st) < 0)
		return vps_error(err, errno, "process.terminal: stat the pty");
	if (st.st_uid == uid || fchown(slave, uid, (gid_t)-1) == 0 || errno == EINVAL ||
	    errno == EPERM)
		return 0;
	return vps_error(err, errno, "process.terminal: chown the pty to uid %u", (unsigned)uid);
}

int vps_child_console(int sync_fd, const struct oci_process *p, bool init, bool ctty, vps_err *err)
{
	if (!p->terminal)
		return 0;
	int m = -1, s = -1;
	/* the init's pty is also bound on /dev/console (rootfs does that safely) */
	int r = init ? vps_rootfs_console(&m, &s, err) : open_pty(&m, &s, err);
	if (r < 0)
		return vps_error_wrap(err, "process.terminal");
	_cleanup_close_ int master = m, slave = s;
	if ((r = chown_pty(slave, p->user.uid, err)) < 0)
		return r;
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};
		ioctl(master, TIOCSWINSZ, &ws);
	}
	r = vps_sync_send(sync_fd, VPS_SYNC_PTY, 0, "/dev/ptmx", 10, master);
	if (r < 0)
		return vps_error(err, -r, "process.terminal: send pty master");
	struct vps_sync_msg ack;
	if ((r = vps_sync_expect(sync_fd, VPS_SYNC_PTY_ACK, &ack, err)) < 0)
		return r;
	vps_sync_msg_clear(&ack);
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return vps_error(err, errno, "process.terminal: dup2");
	if (ctty && ioctl(0, TIOCSCTTY, 0) < 0)
		return vps_error(err, errno, "process.terminal: set controlling terminal");
	return 0;
}

int vps_console_send(const char *socket_path, int master, vps_err *err)
{
	static const char name[] = "/dev/ptmx"; /* what runc sends with the master */
	return vps_send_fd_to(socket_path, name, sizeof(name) - 1, master, "--console-socket", err);
}

void vps_console_copy_winsize(int master)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

void vps_console_keep(int master)
{
	vps_console_copy_winsize(master);
	/* runc's foreground tty clears ONLCR: the process's "\n" reaches our
	 * stdout as "\n", not "\r\n" (our own terminal is raw, it adds nothing).
	 * On the master this sets the slave's termios, before the process runs. */
	struct termios t;
	if (tcgetattr(master, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(master, TCSANOW, &t);
	}
}

int vps_console_pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -EAGAIN;
	if (n <= 0)
		return 0; /* EOF, or EIO once the slave side is gone */
	return vps_write_all(to, buf, (size_t)n) == 0 ? (int)n : 0;
}
