/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's virtio-serial ports: all opened before the wait point (they are
 * the same for every VM of a machine shape, so a snapshot holds them open and a
 * restored VM does not look for them again), and the wait for a host client:
 * a port without one polls HUP at once, and the driver sends SIGIO (O_ASYNC)
 * when one connects or data arrives, so waiters sleep until then. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/vm/guest/guest.h"
#include "util/fmt.h"

static const char *const names[G_PORT_N] = {
    [G_PORT_CTL] = VPS_VM_PORT_CTL,	  [G_PORT_EXEC] = VPS_VM_PORT_EXEC,
    [G_PORT_STATUS] = VPS_VM_PORT_STATUS, [G_PORT_TTY] = VPS_VM_PORT_TTY,
    [G_PORT_IN] = VPS_VM_PORT_IN,	  [G_PORT_OUT] = VPS_VM_PORT_OUT,
    [G_PORT_ERR] = VPS_VM_PORT_ERR};

static void msleep(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

const char *port_name(enum gport p)
{
	return names[p];
}

/* The port whose sysfs entry is e (-1: none of ours). */
static int which(const char *entry)
{
	char path[300], buf[64] = "";
	/* fits: a directory entry (NAME_MAX) in 300 */
	vps_snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", entry);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	for (int i = 0; i < G_PORT_N; i++)
		if (!strcmp(buf, names[i]))
			return i;
	return -1;
}

/* /dev/ENTRY (devtmpfs creates it shortly after sysfs shows the port) */
static int open_dev(const char *entry)
{
	char path[300];
	/* fits: a directory entry (NAME_MAX) in 300 */
	vps_snprintf(path, sizeof(path), "/dev/%s", entry);
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	for (int t = 0; fd < 0 && errno == ENOENT && t < 200; t++) {
		msleep(5);
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	}
	return fd;
}

static bool all_there(const int fd[G_PORT_N])
{
	bool stdio = fd[G_PORT_IN] >= 0 && fd[G_PORT_OUT] >= 0 && fd[G_PORT_ERR] >= 0;
	return fd[G_PORT_CTL] >= 0 && fd[G_PORT_EXEC] >= 0 && fd[G_PORT_STATUS] >= 0 &&
	       (fd[G_PORT_TTY] >= 0 || stdio);
}

volatile sig_atomic_t g_stop;

static void on_sigio(int sig)
{
	(void)sig;
}

static void on_sigterm(int sig)
{
	(void)sig;
	g_stop = 1;
}

void ports_open(int fd[G_PORT_N])
{
	for (int i = 0; i < G_PORT_N; i++)
		fd[i] = -1;
	/* SIGIO and SIGTERM only interrupt ports_poll: blocked elsewhere, so none
	 * is lost and no request is cut half-way */
	sigset_t io;
	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	sigaddset(&io, SIGTERM);
	sigprocmask(SIG_BLOCK, &io, NULL);
	struct sigaction sa = {.sa_handler = on_sigio}, st = {.sa_handler = on_sigterm};
	sigaction(SIGIO, &sa, NULL);
	sigaction(SIGTERM, &st, NULL);
	/* ports appear asynchronously after the driver probes: 5 s at most */
	for (int tries = 0; tries < 500 && !all_there(fd); tries++) {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *e;
		while (d && (e = readdir(d))) {
			int p = e->d_name[0] == '.' ? -1 : which(e->d_name);
			if (p >= 0 && fd[p] < 0)
				fd[p] = open_dev(e->d_name);
		}
		if (d)
			closedir(d);
		if (!all_there(fd))
			msleep(10);
	}
}

void ports_notify(int fd)
{
	fcntl(fd, F_SETOWN, getpid());
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC);
}

int ports_poll(struct pollfd *p, nfds_t n, int ms)
{
	sigset_t mask;
	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigdelset(&mask, SIGIO);
	sigdelset(&mask, SIGTERM);
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	return ppoll(p, n, ms < 0 ? NULL : &ts, &mask);
}
