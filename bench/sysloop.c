/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysloop [N] [--allow-all]: the syscall-cost probe, built static so it runs in any rootfs.
 * Times N getppid() and N stat("/") calls (default 2,000,000 each), made as raw
 * syscalls so libc caching cannot skip the kernel, and prints
 *   getppid_ns=X stat_ns=Y
 * (nanoseconds per call: the mean of the fastest of 10 blocks). Run natively and inside containers
 * with and without a seccomp profile; the ratio is the filter's cost.
 * --allow-all: first install the smallest filter there is (libseccomp, default
 * action allow, no rules), the kernel's floor for any seccomp filter. */
#include <seccomp.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The fastest of BLOCKS blocks of n/BLOCKS calls: a block that another task
 * preempted (the machine is shared) does not count. */
#define BLOCKS 10

static double best_getppid(long n)
{
	double best = 1e18;
	for (int b = 0; b < BLOCKS; b++) {
		double t0 = now_ns();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		double t = (now_ns() - t0) / (double)n;
		best = t < best ? t : best;
	}
	return best;
}

static double best_stat(long n)
{
	struct stat st;
	double best = 1e18;
	for (int b = 0; b < BLOCKS; b++) {
		double t0 = now_ns();
		for (long i = 0; i < n; i++)
			if (syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0) != 0)
				return -1;
		double t = (now_ns() - t0) / (double)n;
		best = t < best ? t : best;
	}
	return best;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	if (n < BLOCKS || n > 1000000000L || (argc > 2 && strcmp(argv[2], "--allow-all"))) {
		fprintf(stderr, "usage: sysloop [N >= %d] [--allow-all]\n", BLOCKS);
		return 2;
	}
	if (argc > 2) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		int r = ctx ? seccomp_load(ctx) : -ENOMEM;
		if (r < 0) {
			fprintf(stderr, "sysloop: seccomp_load: %s\n", strerror(-r));
			return 1;
		}
		seccomp_release(ctx);
	}
	double g = best_getppid(n / BLOCKS), s = best_stat(n / BLOCKS);
	if (s < 0) {
		perror("sysloop: stat /");
		return 1;
	}
	printf("getppid_ns=%.1f stat_ns=%.1f\n", g, s);
	return 0;
}
