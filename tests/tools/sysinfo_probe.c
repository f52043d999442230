/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysinfo(2) as a process in a VPS sees it (tests/procview.bats, make
 * bench-procview). Static, so that it runs in any rootfs.
 *   sysinfo_probe            "totalram freeram totalswap freeswap uptime procs" (bytes, s)
 *   sysinfo_probe bad        bad pointers: one line per case, "ok" when EFAULT
 *   sysinfo_probe flood S N  N processes calling sysinfo for S seconds; the calls made
 *   sysinfo_probe kill N     N rounds: a child calls sysinfo in a loop, is SIGKILLed
 *   sysinfo_probe bench N    ns per sysinfo call over N calls
 *   sysinfo_probe meminfo N  ns per read of /proc/meminfo over N reads */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long raw_sysinfo(void *p)
{
	return syscall(SYS_sysinfo, p);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int show(void)
{
	struct sysinfo si;
	if (sysinfo(&si) < 0) {
		perror("sysinfo");
		return 1;
	}
	unsigned long long u = si.mem_unit ? si.mem_unit : 1;
	printf("%llu %llu %llu %llu %ld %u\n", si.totalram * u, si.freeram * u, si.totalswap * u,
	       si.freeswap * u, si.uptime, si.procs);
	return 0;
}

static int bad(void)
{
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *cases[] = {
	    NULL, (void *)1,	      (void *)0xffffffffff600000ULL, (void *)0xffff888000000000ULL,
	    none, (char *)none + 4000};
	int fails = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errno = 0;
		long r = raw_sysinfo(cases[i]);
		int ok = r < 0 && errno == EFAULT;
		printf("%p %s (%ld %s)\n", cases[i], ok ? "ok" : "BAD", r, strerror(errno));
		fails += !ok;
	}
	(void)ro;
	return fails != 0;
}

static int flood(int secs, int n)
{
	int p[2];
	if (pipe(p) < 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			struct sysinfo si;
			unsigned long calls = 0;
			double end = now() + secs;
			while (now() < end)
				for (int k = 0; k < 100; k++, calls++)
					raw_sysinfo(&si);
			write(p[1], &calls, sizeof(calls));
			_exit(0);
		}
	close(p[1]);
	unsigned long total = 0, c;
	while (read(p[0], &c, sizeof(c)) == sizeof(c))
		total += c;
	while (wait(NULL) > 0)
		;
	printf("%lu\n", total);
	return 0;
}

static int killer(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			struct sysinfo si;
			for (;;)
				raw_sysinfo(&si);
		}
		usleep(1000 + (i % 7) * 300);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return show();
}

static int bench(int n)
{
	struct sysinfo si;
	double t = now();
	for (int i = 0; i < n; i++)
		raw_sysinfo(&si);
	printf("%.0f\n", (now() - t) * 1e9 / n);
	return 0;
}

static int meminfo(int n)
{
	static char buf[8192];
	double t = now();
	for (int i = 0; i < n; i++) {
		int fd = open("/proc/meminfo", O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
			return 1;
		close(fd);
	}
	printf("%.0f\n", (now() - t) * 1e9 / n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	int a = argc > 2 ? atoi(argv[2]) : 0, b = argc > 3 ? atoi(argv[3]) : 0;
	if (!*m)
		return show();
	if (!strcmp(m, "bad"))
		return bad();
	if (!strcmp(m, "flood"))
		return flood(a, b);
	if (!strcmp(m, "kill"))
		return killer(a);
	if (!strcmp(m, "bench"))
		return bench(a);
	if (!strcmp(m, "meminfo"))
		return meminfo(a);
	fprintf(stderr, "usage: sysinfo_probe [bad|flood S N|kill N|bench N|meminfo N]\n");
	return 2;
}
