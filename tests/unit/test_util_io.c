/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util/io.h: vps_write_all and vps_read_full move every byte across short
 * transfers and EINTR (a 1 ms interval timer whose handler is installed
 * without SA_RESTART interrupts them while a slow peer drains or feeds the
 * pipe), stop at EOF, and return -errno. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "util/io.h"

#define BIG (1 << 20)

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

static void timer_on(int on)
{
	struct sigaction sa = {.sa_handler = on ? on_alarm : SIG_IGN}; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {.it_interval = {0, on ? 1000 : 0}, .it_value = {0, on ? 1000 : 0}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 9));
}

/* The child drains fd slowly and exits 0 iff it saw exactly BIG bytes of the pattern. */
static pid_t slow_reader(int fd, int other)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	close(other);
	static unsigned char b[4096];
	size_t got = 0;
	ssize_t n;
	int bad = 0;
	while ((n = read(fd, b, sizeof(b))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			bad |= b[i] != pattern(got + (size_t)i);
		got += (size_t)n;
		usleep(200);
	}
	_exit(bad || got != BIG ? 1 : 0);
}

static pid_t slow_writer(int fd, int other)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	close(other);
	static unsigned char b[BIG];
	for (size_t i = 0; i < BIG; i++)
		b[i] = pattern(i);
	for (size_t off = 0; off < BIG; off += 3000) {
		size_t n = BIG - off < 3000 ? BIG - off : 3000;
		if (write(fd, b + off, n) != (ssize_t)n)
			_exit(1);
		usleep(100);
	}
	_exit(0);
}

static void test_write_all(void)
{
	static unsigned char buf[BIG];
	for (size_t i = 0; i < BIG; i++)
		buf[i] = pattern(i);
	int p[2];
	ok(pipe(p) == 0, "pipe");
	pid_t pid = slow_reader(p[0], p[1]);
	close(p[0]);
	ticks = 0;
	timer_on(1);
	int r = vps_write_all(p[1], buf, BIG);
	timer_on(0);
	close(p[1]);
	is_int(r, 0, "vps_write_all of 1 MiB into a slow pipe returns 0");
	ok(ticks > 0, "the timer interrupted it (%d ticks)", (int)ticks);
	int st = -1;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the reader got every byte, in order");
}

static void test_read_full(void)
{
	static unsigned char buf[BIG + 16];
	int p[2];
	ok(pipe(p) == 0, "pipe");
	pid_t pid = slow_writer(p[1], p[0]);
	close(p[1]);
	ticks = 0;
	timer_on(1);
	ssize_t n = vps_read_full(p[0], buf, sizeof(buf));
	timer_on(0);
	close(p[0]);
	waitpid(pid, NULL, 0);
	is_int(n, BIG, "vps_read_full returns the count at EOF (asked for more)");
	ok(ticks > 0, "the timer interrupted it (%d ticks)", (int)ticks);
	int bad = 0;
	for (size_t i = 0; i < BIG; i++)
		bad |= buf[i] != pattern(i);
	ok(!bad, "every byte arrived in order");
}

static void test_errors(void)
{
	int p[2];
	ok(pipe(p) == 0, "pipe");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	is_int(vps_write_all(p[1], "x", 1), -EPIPE, "a closed reader gives -EPIPE");
	close(p[1]);
	char c;
	is_int(vps_read_full(-1, &c, 1), -EBADF, "a bad fd gives -EBADF");
	is_int(vps_write_all(-1, "x", 1), -EBADF, "a bad fd gives -EBADF (write)");
	is_int(vps_write_all(-1, "", 0), 0, "nothing to write is not an error");
}

int main(void)
{
	test_write_all();
	test_read_full();
	test_errors();
	return done_testing();
}
