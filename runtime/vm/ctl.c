/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host side of the agent protocol: short ctl requests (start, kill, ping) and
 * the guest's exit report. Sockets are reached through the state dir's fd
 * (/proc/self/fd/N/NAME), so long --root paths fit sun_path. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/foreground.h"
#include "runtime/vm/proto.h"
#include "runtime/vm/vm.h"
#include "runtime/vm/wire.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

int vps_vm_connect(const char *dir, const char *name, vps_err *err)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "vm: state dir %s", dir);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (vps_snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd, name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "vm: socket %s/%s: name too long", dir, name);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vps_error(err, errno, "vm: socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return vps_error(err, errno, "vm: connect to the VM's %s (is it running?)", name);
	return take_fd(fd);
}

/* Send one request on a fresh ctl connection; wait at most timeout_ms for the
 * reply. ERROR replies become errors naming the request. */
static int request(const char *dir, uint32_t type, const void *pl, size_t len, int timeout_ms,
		   char *reply, size_t cap, vps_err *err)
{
	_cleanup_close_ int fd = vps_vm_connect(dir, "vm-ctl.sock", err);
	if (fd < 0)
		return fd;
	if (vps_vm_send(fd, type, pl, len) < 0)
		return vps_error(err, errno, "vm: send request");
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n = poll(&p, 1, timeout_ms);
	if (n == 0)
		return vps_errorx(err, ETIMEDOUT, "vm: the guest agent did not answer");
	struct vps_vm_hdr h;
	_cleanup_free_ char *msg = NULL;
	if (n < 0 || vps_vm_recv(fd, &h, &msg) <= 0)
		return vps_errorx(err, EPIPE, "vm: the guest agent closed the channel");
	if (h.type == VPS_VM_ERROR)
		return vps_errorx(err, EIO, "vm: guest: %s", msg);
	if (reply && cap && vps_snprintf(reply, cap, "%s", msg) < 0)
		return vps_errorx(err, EMSGSIZE, "vm: the guest's reply is too long");
	return 0;
}

/* The agent drops a reply it cannot write within 1 s (a client that gave up
 * must not block it), and under TCG on a loaded host a START reply was lost
 * once in ~13 vm-lifecycle runs. So a START without answer asks where the
 * guest stands: "running" means it went through, "created" gets one retry. */
int vps_vm_start(const char *dir, vps_err *err)
{
	int r = request(dir, VPS_VM_START, NULL, 0, 10000, NULL, 0, err);
	vps_vm_mark("started");
	int ended;
	if (r == -EPIPE && vps_vm_reported_exit(dir, &ended))
		return 0; /* it ran and exited, and the VM powered off before we read the answer */
	if (r != -ETIMEDOUT)
		return r;
	char st[32] = "";
	vps_err e = {0};
	if (request(dir, VPS_VM_PING, NULL, 0, 2000, st, sizeof(st), &e) < 0)
		return r;
	if (!strcmp(st, "running"))
		return 0;
	return !strcmp(st, "created") ? request(dir, VPS_VM_START, NULL, 0, 10000, NULL, 0, err)
				      : r;
}

int vps_vm_kill(const char *dir, int sig, vps_err *err)
{
	int32_t s = sig;
	return request(dir, VPS_VM_KILL, &s, sizeof(s), 10000, NULL, 0, err);
}

int vps_vm_resize(const char *dir, unsigned rows, unsigned cols, vps_err *err)
{
	uint16_t rc[2] = {(uint16_t)rows, (uint16_t)cols};
	/* short: the monitor's console loop waits on it */
	return request(dir, VPS_VM_RESIZE, rc, sizeof(rc), 2000, NULL, 0, err);
}

/* --debug: how long each step of a start took (the marks of one VM start) */
void vps_vm_mark(const char *what)
{
	static long t0;
	long now = vps_now_ms();
	if (!t0 || !what)
		t0 = now;
	if (what)
		log_debug("vm: +%ld ms %s", now - t0, what);
}

/* The last lines of the guest's console: the reason a boot failed. */
static void console_tail(const char *dir, char *out, size_t cap)
{
	char path[PATH_MAX];
	_cleanup_free_ char *s = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (vps_snprintf(path, sizeof(path), "%s/vm-console.log", dir) < 0 ||
	    vps_read_file_at(AT_FDCWD, path, 4 << 20, &s, &len, NULL) < 0 || !len)
		return;
	size_t start = len > cap - 1 ? len - (cap - 1) : 0;
	vps_snprintf(out, cap, "%s", s + start); /* fits: the tail is cut to cap - 1 above */
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

/* The VM's configuration with a "seed" record of fresh random bytes and a
 * "time" record (our wall clock) appended: the guest reseeds its RNG from them
 * and sets its clock (VMs from one snapshot share its RNG state and its clock,
 * which stood still while the snapshot was saved). The guest answers once it
 * is set up and its agent serves ctl. */
static int send_conf(const char *dir, const char *conf, size_t len, int timeout_ms, vps_err *err)
{
	unsigned char seed[32];
	char rec[8 + 2 * sizeof(seed)] = "seed=", when[64];
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return vps_error(err, errno, "vm: getrandom");
	for (size_t i = 0; i < sizeof(seed); i++)
		sprintf(rec + 5 + 2 * i, "%02x", seed[i]);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int wl =
	    vps_snprintf(when, sizeof(when), "time=%lld.%09ld", (long long)now.tv_sec, now.tv_nsec);
	_cleanup_free_ char *msg = malloc(len + sizeof(rec) + sizeof(when));
	if (!msg || wl < 0)
		return vps_error(err, ENOMEM, "vm: configuration");
	size_t rl = strlen(rec) + 1, n = len + rl + (size_t)wl + 1;
	memcpy(msg, conf, len);
	memcpy(msg + len, rec, rl);
	memcpy(msg + len + rl, when, (size_t)wl + 1);
	int r = request(dir, VPS_VM_CONF, msg, n, timeout_ms, NULL, 0, err);
	explicit_bzero(msg + len, sizeof(rec));
	explicit_bzero(rec, sizeof(rec));
	explicit_bzero(seed, sizeof(seed));
	return r;
}

static int qemu_gone(const char *dir, pid_t qemu, vps_err *err)
{
	int ws = 0;
	pid_t w = waitpid(qemu, &ws, WNOHANG);
	if (w != qemu && kill(qemu, 0) == 0)
		return 0;
	char tail[300], how[64] = "";
	console_tail(dir, tail, sizeof(tail));
	if (w == qemu && WIFEXITED(ws))
		/* fits: a number */
		vps_snprintf(how, sizeof(how), " with status %d", WEXITSTATUS(ws));
	else if (w == qemu && WIFSIGNALED(ws))
		/* fits: a number */
		vps_snprintf(how, sizeof(how), " (killed by signal %d)", WTERMSIG(ws));
	return vps_errorx(err, EIO, "vm: QEMU exited during boot%s%s%s", how,
			  tail[0] ? "; guest console: " : "", tail);
}

int vps_vm_wait_ready(const char *dir, pid_t qemu, const char *conf, size_t len, bool restored,
		      long limit_s, vps_err *err)
{
	const char *t = getenv("VPS_VM_BOOT_TIMEOUT");
	long limit = (t && atol(t) > 0 ? atol(t) : limit_s) * 1000L, t0 = vps_now_ms();
	bool ping = !conf || !restored; /* a restored guest is at its wait point */
	char reply[32];
	for (long left; (left = limit - (vps_now_ms() - t0)) > 0;) {
		int r = qemu_gone(dir, qemu, err);
		if (r < 0)
			return r;
		vps_err e = {0};
		if (ping) {
			r = request(dir, VPS_VM_PING, NULL, 0, 1000, reply, sizeof(reply), &e);
			if (r == 0 && (strcmp(reply, "config") != 0 || !conf))
				return 0; /* the agent (configured), or the wait point as asked */
			if (r == 0)
				vps_vm_mark("guest at its wait point");
			ping = r < 0;
		}
		if (!ping && (r = send_conf(dir, conf, len, (int)left, &e)) == 0)
			return 0;
		if (e.code == EIO) /* the guest refused the configuration */
			return vps_errorx(err, EIO, "%s", e.msg);
		if (e.code != ETIMEDOUT) { /* QEMU still making its sockets, or gone */
			struct timespec ts = {0, 2 * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	return vps_errorx(err, ETIMEDOUT, "vm: the guest did not boot within %lds", limit / 1000);
}

bool vps_vm_reported_exit(const char *dir, int *status)
{
	char path[PATH_MAX];
	_cleanup_free_ char *s = NULL;
	if (vps_snprintf(path, sizeof(path), "%s/vm-exit", dir) < 0 ||
	    vps_read_file_at(AT_FDCWD, path, 64, &s, NULL, NULL) < 0 || strncmp(s, "exit ", 5))
		return false;
	*status = atoi(s + 5);
	return true;
}

int vps_vm_exit_status(const char *dir, int wstatus, struct vps_cgroup *cg, int *status,
		       vps_err *err)
{
	char oom[128];
	if (vps_vm_reported_exit(dir, status))
		return 0;
	if (wstatus >= 0 && WIFSIGNALED(wstatus) && vps_vm_oom_ended(cg, oom, sizeof(oom))) {
		log_warn("vm: %s", oom);
		*status = vps_exit_code(wstatus);
		return 0;
	}
	if (wstatus >= 0 && WIFSIGNALED(wstatus)) { /* not the guest's doing: say so */
		log_warn("vm: QEMU was killed by signal %d (%s); the guest reported no exit status",
			 WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		*status = vps_exit_code(wstatus);
		return 0;
	}
	if (wstatus >= 0 && WIFEXITED(wstatus) && (WEXITSTATUS(wstatus) & 1)) {
		*status = WEXITSTATUS(wstatus) >> 1; /* isa-debug-exit, 7 bits */
		return 0;
	}
	char tail[300];
	console_tail(dir, tail, sizeof(tail));
	return vps_errorx(err, EIO, "vm: the guest stopped without reporting an exit status%s%s",
			  tail[0] ? "; guest console: " : "", tail);
}
