/* sysloop [N]: the syscall-cost probe, built static so it runs in any rootfs.
 * Times N getppid() and N stat("/") calls (default 2,000,000 each), made as raw
 * syscalls so libc caching cannot skip the kernel, and prints
 *   getppid_ns=X stat_ns=Y
 * (mean nanoseconds per call). Run natively and inside containers with and
 * without a seccomp profile; the ratio is the filter's cost. */
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

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	if (n < 1 || n > 1000000000L) {
		fprintf(stderr, "usage: sysloop [N]\n");
		return 2;
	}
	struct stat st;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	double t1 = now_ns();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0) != 0)
			return 1;
	double t2 = now_ns();
	printf("getppid_ns=%.1f stat_ns=%.1f\n", (t1 - t0) / (double)n, (t2 - t1) / (double)n);
	return 0;
}
