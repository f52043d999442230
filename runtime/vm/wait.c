/* `run` in the foreground with a VM: relay our stdin to QEMU's stdin socket
 * (closing it on EOF is how the guest process sees EOF), forward signals to
 * the guest process, wait for QEMU and take the guest's exit status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/vm/vm.h"
#include "util/cleanup.h"

struct relay {
	int in_fd;
	char buf[65536];
	size_t off, len;
	bool eof;
};

static void relay_step(struct relay *r, short in_ev, short out_ev)
{
	if (r->len == 0 && (in_ev & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = read(STDIN_FILENO, r->buf, sizeof(r->buf));
		if (n > 0)
			r->off = 0, r->len = (size_t)n;
		else if (n == 0 || errno != EINTR)
			r->eof = true;
	}
	if (r->len && (out_ev & POLLOUT)) {
		ssize_t w = write(r->in_fd, r->buf + r->off, r->len);
		if (w > 0)
			r->off += (size_t)w, r->len -= (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			r->eof = true, r->len = 0;
	}
	if (r->eof && r->len == 0) {
		close(r->in_fd);
		r->in_fd = -1;
	}
}

int vps_vm_wait(const char *dir, struct vps_vm_handle *h, int *status, vps_err *err)
{
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	sigset_t mask, old;
	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(fwd); i++)
		sigaddset(&mask, fwd[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	_cleanup_close_ int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	struct relay r = {.in_fd = h->in_fd};
	h->in_fd = -1;
	if (r.in_fd >= 0)
		fcntl(r.in_fd, F_SETFL, O_NONBLOCK);
	struct termios saved;
	bool raw = h->tty && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (raw) { /* keys (^C too) go to the guest's terminal */
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	int ws = -1;
	for (;;) {
		bool want_in = r.in_fd >= 0 && r.len == 0;
		struct pollfd p[4] = {{.fd = pfd, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN},
				      {.fd = want_in ? STDIN_FILENO : -1, .events = POLLIN},
				      {.fd = r.len ? r.in_fd : -1, .events = POLLOUT}};
		if (pfd >= 0 && poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (pfd < 0 || p[0].revents) {
			while (waitpid(h->pid, &ws, 0) < 0 && errno == EINTR)
				;
			break;
		}
		struct signalfd_siginfo si;
		if (p[1].revents && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			vps_err e = {0};
			if (vps_vm_kill(dir, (int)si.ssi_signo, &e) < 0 && si.ssi_signo != SIGHUP)
				kill(h->pid, SIGKILL); /* the agent is gone: stop the VM */
		}
		if (r.in_fd >= 0)
			relay_step(&r, p[2].revents, p[3].revents);
	}
	if (r.in_fd >= 0)
		close(r.in_fd);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return vps_vm_exit_status(dir, ws, status, err);
}
