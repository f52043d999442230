/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the core's pure pieces: signal names/numbers (kill) and the
 * sync protocol framing with an fd (SCM_RIGHTS). */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "tests/unit/tap.h"

static int sig(const char *s)
{
	int v = -1;
	vps_err err = {0};
	return vps_signal_parse(s, &v, &err) < 0 ? -1 : v;
}

int main(void)
{
	is_int(sig("TERM"), SIGTERM, "TERM");
	is_int(sig("SIGTERM"), SIGTERM, "SIGTERM");
	is_int(sig("sigkill"), SIGKILL, "sigkill (any case)");
	is_int(sig("9"), 9, "a number");
	is_int(sig("USR1"), SIGUSR1, "USR1");
	is_int(sig("WINCH"), SIGWINCH, "WINCH");
	is_int(sig("RTMIN"), SIGRTMIN, "RTMIN");
	is_int(sig("RTMIN+3"), SIGRTMIN + 3, "RTMIN+3");
	is_int(sig("SIGRTMAX-1"), SIGRTMAX - 1, "SIGRTMAX-1");
	is_int(sig("0"), 0, "0 (kill ID 0: is it alive?)");
	is_int(sig("65"), -1, "past SIGRTMAX");
	is_int(sig("9x"), -1, "trailing garbage");
	is_int(sig("NOPE"), -1, "unknown name");
	is_int(sig("RTMIN+99"), -1, "RTMIN+99 out of range");
	vps_err err = {0};
	int v;
	vps_signal_parse("BOGUS", &v, &err);
	is_str(err.msg, "invalid signal \"BOGUS\"", "error names the input");

	int sp[2];
	ok(vps_sync_pair(sp, &err) == 0, "sync pair");
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ok(vps_sync_send(sp[1], VPS_SYNC_PTY, 7, "hello", 6, fd) == 0, "send with an fd");
	struct vps_sync_msg m;
	ok(vps_sync_expect(sp[0], VPS_SYNC_PTY, &m, &err) == 0, "expect PTY");
	is_int(m.code, 7, "code carried");
	is_str(m.data, "hello", "data carried");
	struct stat a, b;
	ok(m.fd >= 0 && fstat(m.fd, &a) == 0 && fstat(fd, &b) == 0 && a.st_rdev == b.st_rdev,
	   "the fd arrives (same device)");
	ok(m.fd >= 0 && (fcntl(m.fd, F_GETFD) & FD_CLOEXEC), "received fd is close-on-exec");
	vps_sync_msg_clear(&m);
	vps_err child = {0};
	vps_errorx(&child, ENOENT, "exec \"x\": not found");
	vps_sync_send_err(sp[1], &child);
	ok(vps_sync_expect(sp[0], VPS_SYNC_READY, &m, &err) == -ENOENT,
	   "an ERROR record fails expect");
	is_str(err.msg, "exec \"x\": not found", "with the child's own text");
	close(sp[1]);
	ok(vps_sync_expect(sp[0], VPS_SYNC_READY, &m, &err) < 0, "EOF fails expect");
	is_str(err.msg, "sync: peer exited", "EOF says so");
	close(sp[0]);
	close(fd);
	return done_testing();
}
